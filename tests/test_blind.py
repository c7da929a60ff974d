"""Blind batches (tests/fixtures/blind/bNN): documents written for testing, each batch with its gold
records written BEFORE the extractor ever ran on it, in the forms of real pages of many genres
(official acts and their Simplified/Traditional reposts and translations, annex tables, Q&As,
wires, mainland/Hong Kong/Taiwan news, law-firm alerts, think-tank notes, trade press, negatives).
Each batch's README says what it imitates; judgment calls are in `<name>.notes.md`.

The first run of each batch is the honest measure of generality; it is recorded here and in the
README's extraction section, then the batch becomes a regression set (a drop below the floor
means a change lost generality).

First-run micro-F1 (score.py records, the batch alone), the extractor at the commit named:
  b01 0.914, b02 0.910  (one-scan extractor, before any blind batch was read)
  b03 0.954, b04 0.951  (after the fixes from b01/b02)
  b05 0.897, b06 0.934  (after the fixes from b03/b04; b05 lost an annex page to the HTML parser)
  b07 0.935, b08 0.926  (after the fixes from b05/b06)
  b09 0.943, b10 0.917  (after the fixes from b07/b08)
  b11 0.857, b12 0.945  (after the fixes from b09/b10, commit 2f8f8fd)
  b13 0.916, b14 0.860, b15 0.949, b16 0.953  (after the fixes from b11/b12, commit 6afc051)
  b17 0.885, b18 0.887, b19 0.863, b20 0.779  (after the fixes from b13-b16, commit 987b56c; parties were
                                               not extracted yet: b18-b20 hold 34 of them; b20 joins the
                                               regression sets once it clears the floor)
  b21 0.921, b22 0.913  (commit ed52aa6)        b23 0.878, b24 0.877  (commit 3250ae6)
  b25 0.869, b26 0.841, b27 0.905  (commit 53c562b)
  b28 0.830, b29 0.969, b30 0.915  (commit afabafb, after the fixes from b25-b27)
  b31 0.913, b32 0.848, b33 0.910  (commit cc6bb3b, after the fixes from b28-b30)
  b34 0.977, b35 0.937, b36 0.973  (commit d6cd5ff, after the fixes from b31-b33)
  b37 0.950, b38 0.966, b39 0.937  (commit 5b3909a, after the fixes from b34-b36)
  b40 0.981, b41 0.919, b42 0.952  (commit b237868, after the fixes from b37-b39)
  b43 0.936, b44 0.904, b45 0.917  (commit 28b10ae, after the fixes from b40-b42)
  b46 0.906, b47 0.840, b48 0.926  (commit dba98fa, after the fixes from b43-b45)
  b49 0.922, b50 0.975, b51 0.853  (commit 6d1c3b6, after the fixes from b46-b48 and the party batches)
  b52 0.914, b53 0.961, b54 0.974  (commit a2cace1, after the fixes from b49-b51)
  b55 0.974, b56 0.950, b57 0.947  (commit 28fb8ba, after the fixes from b52-b54)
  b58 0.950, b59 0.965, b60 0.940  (commit 8d6b895, after the fixes from b55-b57)
  b61 0.940, b62 0.961, b63 0.910  (commit faf1a8d, after the fixes from b58-b60)
  b64 0.870, b65 0.944, b66 0.919  (commit 4cac46d, after the fixes from b61-b63)
  b67 0.968, b68 0.987, b69 0.991  (commit 6044370, after the fixes from b64-b66; these three
                                    writers ran no page searches and modelled their pages on earlier
                                    batches, so they may be nearer the forms already known)
  b70 0.857, b71 0.897, b72 0.916  (commit 2ebfef4, after the fixes from b67-b69; these writers ran
                                    six or more page searches first, and their pages are the farther
                                    from known forms; b70's gold was corrected after its first run:
                                    the page prints 鍵, not lutetium, so Lu left the gold)
  b73 0.892, b74 0.933, b75 0.935  (commit cd9646b, after the fixes from b70-b72 and p15)
  b76 0.967, b77 0.910, b78 0.918  (commit 6138240, after the fixes from b73-b75 and p16)
  b79 0.948, b80 0.911, b81 0.966  (commit 9a908a8, after the fixes from b76-b78 and p17)
  b82 0.976, b83 0.963, b84 0.912  (commit d6fed94, after the fixes from b79-b81 and p18)
  b85 0.984, b86 0.970, b87 0.876  (commit 7403666, after the fixes from b84 and p19; b87: one PDF
                                    act with a letter-spaced masthead lost all 33 annex HS codes)
  b88 0.965, b89 0.917, b90 0.958  (commit 334fc78, after the fixes from b87)
  b91 0.989, b92 0.898, b93 0.952  (commit 2b2d69f, after the fixes from b89)
  b94 0.992, b95 0.923, b96 0.921  (commit 3bfa554, after the fixes from b92/b93)
  b97 0.913, b98 0.858, b99 0.959  (commit 7df4bc8, after the fixes from b95/b96; not yet fixed)
  b100 0.954, b101 0.923, b102 0.938  (commit 01aafea; a new writer brief, written again from scratch
                                      after the earlier briefs were lost with their machine)
  b103 0.946, b104 0.938, b105 0.906  (commit ac9c6ed, after the fixes from b100-b102 and p21)
  b106 0.960, b107 0.905, b108 0.925  (commit 0bd0199, after the fixes from b101-b105)
  b109 0.977, b110 0.945, b111 0.932  (commit 13eb488, after the fixes from b106-b108)
  b112 0.945, b113 0.966, b114 0.879  (commit fc37cd1, after the fixes from b109-b111)
  b115 0.968, b116 0.943, b117 0.921  (commit 309f602, after the fixes from b112-b114)
  b118 0.957, b119 0.867, b120 0.848  (commit e438a63, after the fixes from b116/b117)
  b121 0.952, b122 0.899, b123 0.994  (commit 678f5fc, after the fixes from b119/b120; the brief now
                                      says a Q&A explaining one numbered act carries that act's id)
  b124 0.983, b125 0.973, b126 0.931  (commit 844123c, after the fixes from b121-b123)
  b127 0.928, b128 0.976, b129 0.980  (commit 42942d4, after the fixes from b124-b126)
  b130 0.977                          (commit 5c65233, after the fixes from b127-b129)
Gold convention, settled after b100-b102 (whose writers were told it): forum threads, blogs, social
posts, firms' customer notices and associations' member notices are `other` (people and firms
talking to their members, customers or followers: neither the act nor the press reporting it).
Earlier writers had split on it; 27 golds (b14-b94, p04) that said `news` for such pages now say
`other`, with the classifier cues for their chrome in models/src/semantics/doc_classifier.yml.
Likewise "2006年第50号公告同时废止" in 2023 No. 39, which keeps some of No. 50's graphite items and
lifts the rest, is `supersedes` (eleven golds said so, five `repeals`): b04's and b88's copies of the
act now say `supersedes` too; an act repealed with nothing of it kept stays `repeals`.
Batches b20-b130 were written by separate writers who never saw the extractor or its output. The
regression sets here are those that clear the floor with some margin after the fixes (b20, b22,
b28, b29, b34, b36, b38, b40, b43, b49 1.000, b50 0.994, b51 0.988, b52 0.990, b53 0.968,
b54 0.987, b55 0.990, b56 0.977, b57 0.966, b58 0.983, b59 0.979, b60 0.960, b61 0.979, b62 0.961,
b63 0.963, b65 0.956, b66 0.953, b67-b69 as first run, b70 0.957, b71 0.973, b72 0.951 after the
fixes from their first runs at 885d2ba; b73 0.977, b74 0.967, b76 0.967, b78 0.954 after theirs;
b81 as first run; b79 0.980, b80 0.993, b82 0.976, b83 0.963, b84 0.974, b85 0.979, b86 0.970,
b87 0.992 after the fixes at 334fc78 and later; b88, b90, b91 and b93 as first run; b89 0.956 and
b96 0.966 after their fixes, b94 and b99 as first run; b64 0.905, b75 0.947, b77 0.910, b92 0.920,
b95 0.942, b97 0.913 and b98 0.858 stay outside; b100 0.979, b102 0.963, b103 0.973, b104 0.970,
b106 0.963, b108 0.961 and b109 0.979 after the fixes at 1a0e7e4; b101 0.951, b105 0.911, b107 0.932,
b110 0.945 and b111 0.932 stay outside; b112 0.991, b113 0.966 after the fixes at 309f602 and b115
and b118 as first run; b114 0.897, b116 0.960, b117 0.921 stay outside; b119 0.973, b121 0.980,
b122 0.968, b125 0.973, b126 0.986, b127 0.965 after the fixes at 5c65233, b123, b124, b128-b130 as
first run; b120 0.931 stays outside); the others stay outside until they do.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from batch_support import golds, records

from pipeline.extract.evaluate import format_report, score

BLIND = Path(__file__).parent / "fixtures" / "blind"
BATCHES = sorted(p for p in BLIND.iterdir() if p.is_dir())
MIN_BATCH_F1 = 0.95


def test_every_document_has_a_gold_and_every_gold_a_document() -> None:
    for batch in BATCHES:
        docs = sorted(p.name for p in batch.iterdir() if p.suffix in (".txt", ".html", ".pdf", ".htm"))
        assert len(docs) >= 10, batch
        assert docs == sorted(g["source"] for g in golds(batch)), batch


@pytest.mark.parametrize("batch", BATCHES, ids=[b.name for b in BATCHES])
def test_batch_micro_f1(batch: Path) -> None:
    result = score(records(batch), golds(batch))
    assert not result["unmatched"]
    assert result["overall_f1"] >= MIN_BATCH_F1, format_report(result)


@pytest.mark.parametrize("batch", BATCHES, ids=[b.name for b in BATCHES])
def test_evidence_quotes_the_document(batch: Path) -> None:
    from pipeline.extract.commands import read_document

    for rec in records(batch):
        text = read_document(batch / rec["source"], rec["source"]).text
        for ev in rec["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"], (rec["source"], ev)
        valued = {f for f in ("elements", "control_codes", "hs_codes", "technologies", "end_user_rules",
                              "thresholds", "not_controlled", "relations", "effective") if rec[f]}
        assert valued <= {ev["field"] for ev in rec["evidence"]}, (rec["source"], "a value without evidence")


if __name__ == "__main__":
    for batch in BATCHES:
        print(batch.name, format_report(score(records(batch), golds(batch))).splitlines()[-1])
