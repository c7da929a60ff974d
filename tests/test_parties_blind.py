"""Blind party batches (tests/fixtures/parties/pNN): listing announcements (numbered lists with the
English name in brackets, annex tables in varying column orders, HTML and PDF), UEL working-
mechanism decisions, suspension and lifting reports, news, Q&As and negatives, in both languages
and both scripts, with gold written before any party extractor existed (READMEs and notes in each
folder). p01 and p02 were read while the extractor was built; p03 was run once, unread, when it
was finished, and that first run is the honest measure. Then all three became regression sets.

First-run scores (score.py records, `parties` field, the batch alone):
  p03 parties F1 0.400 (P 0.938, R 0.254; overall micro-F1 0.759) at commit 37ad9e2: the
      extractor knew no caption-led lists, Latin names in Chinese sentences, semicolon groups,
      lower-case legal forms or passive cues. (The summary table of p03/README.md had been seen
      before that run; no document or gold of p03 had.)
  p01 and p02 were development sets (1.000 / 1.000 after development, 0.926 / 0.716 at the
      first full run of the extractor on them).
After the fixes from p03: p01 1.000, p02 1.000, p03 0.991 (Halifax International Security Forum,
named only as an apposition without a listing cue, is missed).
  p04 parties F1 0.523 (P 0.661, R 0.433; overall micro-F1 0.692) at commit 9fa9b25, run unread
      once: annex headers 实体中文名称, a names lead-in after a forum post ("名单我抄下来了:"), HK
      slang (上榜, 名单之内), "named the seven as", "among them are", "the best known of which is",
      "was already one of", status columns (LIFTED/ACTIVE) and dated groups in a Q&A were unknown;
      owners ("units of"), a forum signature and translators'/editors' notes gave false parties.
After the fixes from p04 (general rules, each with a written test in test_parties_shapes.py):
p01 1.000, p02 1.000, p03 0.991, p04 0.994 (P 1.000, R 0.989; overall micro-F1 0.908): missed is
Huntington Ingalls on the control list, named only as "the company" in the sentence that says so.
  p05 parties F1 0.543 (P 0.714, R 0.439; overall micro-F1 0.788) at commit 53c562b, run unread
      once: a chronology table with several names per cell under "Entities named", "8家实体为:",
      "第一份公告涉及A及B" after the listing paragraph, a short name after "军火商", one name with
      commas after "the U.S. company", and a quoted "'unreliable entity' list" (the wire story was
      not even relevant) were unknown; 美国 before a name with its Latin name beside it, an act
      recalling its predecessor's listing (已将), a risk warning about Caplugs, "remain in place"
      and a quoted scholar's university gave false parties.
After the fixes from p05 (general rules, each with a written test in test_parties_shapes.py):
p01 1.000, p02 1.000, p03 0.991, p04 0.994, p05 1.000 (P 1.000, R 1.000; overall micro-F1 0.953).
  p06 parties F1 0.746 (P 0.820, R 0.685; overall micro-F1 0.814) at commit b6e874c, run unread
      once: "The U.S. names on the list include A" and "The list also includes B" (the list spoken
      of before), an annex-less portal table headed 实体, one-cell rows under rowspan cells (list
      and action carried from the row above), a "Company | Chinese list" column and a trade
      journal's fact box were unknown; a removal possibility in the section above a numbered
      table heading, a parent "本身并不在名单上", "不宜按集团", a trade association's 【秘书处按】
      note on the same-day UEL act, a PDF line broken inside 莱多/斯公司, "can no longer apply for
      a general licence" (read as removed) and the descriptor 无人机大厂 gave false parties.
After the fixes from p06 (general rules, each with a written test in test_parties_shapes.py):
p01 1.000, p02 1.000, p03 0.991, p04 0.994, p05 1.000, p06 0.979 (P 0.986, R 0.973; overall
micro-F1 0.909): missed are 斯凱迪奧's removal from the control list (named without 公司 and then
as 它 in a sentence giving both lists) and Aerkomm's control-list entry under its short name
"Aerkomm" where the gold keeps "Aerkomm Inc." (p02's gold keeps the short form as printed, so the
two are not merged).
  p07 parties F1 0.635 (P 0.816, R 0.519; overall micro-F1 0.808) at commit bfbd437, run unread
      once: a numbered table without a header row under the lead-in of an English act, an annex
      caption naming no list ("附:名单"), 被點名 reporting a listing, "the unreliable-entity decision
      covers A", trade-noun descriptions ("defence IT contractor Leidos", "drone makers A and B") and
      "该公司" going back to the name before were unknown; the working mechanism's signature was not
      one (a WeChat reposter's tips below it named a party), a summary bullet and a related link
      read as list captions, a page number "- 1 -", 美国 before a Latin name, and a Latin short
      form beside its name with 集团 gave false parties.
After the fixes from p07 (general rules, each with a written test in test_parties_shapes.py):
p01 1.000, p02 1.000, p03 0.991, p04 0.994, p05 1.000, p06 0.979, p07 1.000 (P 1.000, R 1.000;
overall micro-F1 0.957).
  p08 parties F1 0.672 (P 0.737, R 0.618; overall micro-F1 0.800) at commit d6cd5ff, run unread
      once: a count group without a country ("14家外国实体") took another group's country
      ("等3家美国实体"), "entities from Taiwan", "Firms named in the list" after "the export control
      listing", "也在名单之列", "Boeing Defense, Space & Security", a report citing an act's parties
      ("第22号公告涵盖的12间企业…包括A") with what happens to that act (停止执行), and a JAXA-style
      acronym keeping 日本 in the name were unknown; "其分支机构", "研究机构" and an owner before
      "的下属企业" gave false parties.
After the fixes from p08 (general rules, each with a written test in test_parties_shapes.py):
p01-p07 unchanged, p08 0.853 (P 0.902, R 0.809; overall micro-F1 0.867). Still missed: the watch-list
names of a report's sentence citing "第12号公告" when that act's list is given only by the order of
"第11号、第12号公告" and of the two lists (and in a transposed comparison table); names after an
appositive ("A (AIDC), the Taichung-based builder of …, and B") or after a colon in a sentence going
on from "The list includes"; "CSBC Corp., Taiwan"; names in a Q&A answer with no list word; a past
control listing of a UEL firm told with 该公司 two sentences on. p08 therefore keeps its own floor.
  p09 parties F1 0.738 (P 0.760, R 0.717; overall micro-F1 0.854) at commit b237868, run unread
      once: a table's list taken from a sentence that only compares ("此次措施与不可靠实体清单不同")
      instead of the listing sentence above, a bracketed dateline opening the story's paragraph
      (【本报北京十六日电】) read as a page's label line, "吉布斯和考克斯公司" cut at 和 in the middle
      of an enumeration, "将上述企业列入" going back to names of the sentence before, a related-
      links block (相关稿件) naming another act and its party, "barred exports of dual-use goods to
      20 more Japanese entities, among them A" (the control list by its measure), "20 entities led
      by A" and "put B and 19 other companies on the watch list".
After the fixes from p09 (general rules, each with a written test in test_parties_shapes.py):
p01-p07 unchanged, p08 0.879, p09 1.000 (overall micro-F1 0.952).
  p10 parties F1 0.617 (P 0.833, R 0.490; overall micro-F1 0.819) at commit 457491b, run unread
      once: table rows short of cells under a spanning date cell, a headline naming the party the
      body names only in passing, "They include A, B and C" after the sentence reporting the step,
      "从名单看"/"名单中还有", "A公司(Alpha)与B公司", "on hold" for a suspension, "apply to be
      removed" read as a removal, the working mechanism's English heading ("Announcement of the
      Unreliable Entity List Working Mechanism [2024] No. 1") not read as an act, "two U.S. companies
      that have taken part in …, A and B", and a sentence line naming a list without an action taken
      for a lead-in. (Writing the tests showed short names before a count, "天穹动力等3家美国实体",
      unknown too.)
After the fixes from p10 (general rules, each with a written test in test_parties_shapes.py):
p01-p07 unchanged, p08 0.879, p09 1.000, p10 0.990 (P 1.000, R 0.980; overall micro-F1 0.957).
Still missed in p10: a control listing told only as "the drone maker has been on the export
control list since No. 13".
  p11 parties F1 0.789 (P 0.817, R 0.763; overall micro-F1 0.874) at commit 6d1c3b6, run unread
      once: a table cell naming the first of a counted group ("莱多斯公司等15家"), a row short of
      cells under spanning date and country cells, a status column headed "截至本文发布日的状态" and a
      status "有效(…)" with a note on one measure, "有限" cut at 有, "ending the measures against",
      and a report that names the step three sentences before "The companies named are …".
After the fixes from p11 (general rules, each with a written test in test_parties_shapes.py):
p01-p10 unchanged, p11 0.898 (P 0.930, R 0.868; overall micro-F1 0.923). Still missed in p11:
"Lockheed Martin Missiles and Fire Control" cut at "and"; a past listing an act recites ("On
16 February 2023 the Working Mechanism placed …") taken for the act's own; "from Skydio and BRINC
Drones to Insitu"; a party named as background to a listing that stays unchanged. p11 keeps its own
floor.
  p12 parties F1 0.768 (P 0.750, R 0.787; overall micro-F1 0.862) at commit 28fb8ba, run unread
      once: an English annex whose columns read "Entity (Chinese) | Entity (English)" (the Chinese
      column was taken for the names of an English text), "unofficial English text" in a running
      header read as a name, and short names ("Group W") after named items under a lead-in to measures.
After the fixes from p12 (general rules, each with a written test in test_parties_shapes.py):
p01-p11 unchanged, p12 0.921 (P 0.892, R 0.951; overall micro-F1 0.925). Still missed in p12: a
sentence naming two lists ("此前已被列入不可靠实体清单,此次再被纳入出口管制管控名单"), brands of a
listed owner ("the owner of the Calvin Klein and Tommy Hilfiger brands"), a subsidiary word taken for
a name (發動機子公司), and a law-firm table of listings told in English prose. p12 keeps its own floor.
  p13 parties F1 0.850 (P 0.915, R 0.793; overall micro-F1 0.857) at commit 8d6b895, run unread
      once: "PVH Corp. and Illumina, Inc. of the United States have been added" (the country read as
      a name), "以英西图公司为例" (the preposition taken into the name), and a law firm's table of
      acts whose column reads "被列入实体" with several names per cell.
After the fixes from p13 (general rules, each with a written test in test_parties_shapes.py):
p01-p12 unchanged, p13 0.881 (P 0.909, R 0.854; overall micro-F1 0.870). Still missed in p13: the
cells of that table ("特科姆公司、摇杆舵公司等10家美国企业"), prose names in long descriptor runs
("the Canadian … company TechInsights Inc."). p13 keeps its own floor.
  p14 parties F1 0.832 (P 0.882, R 0.788; overall micro-F1 0.849) at commit faf1a8d, run unread
      once: "The six are A, B and C" after the listing, "Dedrone by Axon and Other Foreign Entities"
      in a title-case heading.
After the fixes from p14 (general rules, each with a written test in test_parties_shapes.py):
p01-p13 unchanged, p14 0.880 (P 0.901, R 0.859; overall micro-F1 0.869). Still missed in p14: which
of two lists a Hong Kong report's removals and suspensions belong to, "Lockheed Martin Missiles and
Fire Control" cut at "and", a group name (IHI集团) as owner. p14 keeps its own floor.
Fixes between p14 and p15 (before p15 was written; commit 2ebfef4): "Among the 12 are", an "and"
inside an item before a further comma, a group head ending in a colon ("three X units:"), Chinese
names enumerated in one table cell, one party put on two lists in turn. Then p11 0.918, p13 0.933,
p14 0.923 (floors raised to those).
  p15 parties F1 0.785 (P 0.883, R 0.707; overall micro-F1 0.863) at commit 2ebfef4, run unread
      once: "They include A, which builds X, B" (a relative clause inside a run), "as well as",
      "Also named were" continuing a run, "Carmaker X heads the watch list", "the owner of the A
      and B brands" between commas, a run by pronoun taking the list spoken of last, 名单所列 going
      back to the list just reported, plain name lines under "The companies named were:" in wire
      copy; "Companies can ask to be removed" read as a removal.
After the fixes from p15 (general rules, each with a written test in test_parties_shapes.py; commit
885d2ba): p15 0.973 (P 0.973, R 0.973; overall micro-F1 0.940); p01-p14 unchanged or better. Still
wrong in p15: an association's note naming the same-day UEL party (its one name is taken as
listed), a group (IHI集團) taken as a party where it owns the parties, and two Traditional names in
a "亦被點名" sentence after a description ("培養自衛隊幹部的防衛大學"). (Fixed before p16: the group
owning its seats, 亦被點名 in a paragraph that spoke of the list; p15 then 0.993.)
  p16 parties F1 0.875 (P 0.848, R 0.903; overall micro-F1 0.886) at commit cd9646b, run unread
      once: the working mechanism named as the listing body, "the American arm of Israel's Elbit"
      and "the U.S. subsidiary of the British group" as asides, "is also on the list", a legal form
      with the sentence's full stop, 车厂 before a name, "IHI集團佔了6席" (an owner).
After the fixes from p16: p16 0.944 (P 0.937, R 0.952; overall micro-F1 0.913); keeps its own floor.
Still missed: "三菱重工旗下的造船、航空發動機等5家子公司" (business lines read as names), a "除…外"
aside, two names after "stand out:".
  p17 parties F1 0.937 (P 0.953, R 0.921; overall micro-F1 0.915) at commit 6138240, run unread
      once: "San Diego-based X", 二者连同X, the Chinese name given in brackets after a Latin one.
After the fixes from p17: p17 0.954 (P 0.976, R 0.933; overall micro-F1 0.922); p08 0.887, p12 0.959.
  p18 parties F1 0.875 (P 0.903, R 0.848; overall micro-F1 0.901) at commit 9a908a8, run unread
      once: 美国 before a name printed without it in the title, "除…外", 上榜者, "the defence IT arm X",
      "The three contractors are A, …; B, …; and C", a file number read as a name.
After the fixes from p18 (6e8aff1): p18 0.952 overall (parties 0.931); stays outside the fixtures.
  p19 parties F1 0.779 (P 0.864, R 0.708; overall 0.862) at commit d6fed94, run unread once:
      names after "从附件名单看" in the sentence before, a "whose" clause between names, "names" as
      a listing verb; after the fixes parties 0.857.
  p20 parties F1 0.775 (P 0.915, R 0.672; overall 0.875) at commit 7403666, run unread once and
      not yet fixed (lists and actions of parties across several acts in one news text).
  p21 parties F1 0.802 (P 0.848, R 0.761; overall 0.825) at commit 01aafea, and
  p22 parties F1 0.615 (P 0.727, R 0.533; overall 0.748) at commit ac9c6ed, both from a new writer
      brief after the earlier ones were lost, both not yet fixed: machine-translated names, a forum
      thread mixing five acts and two lists, names wrapped inside PDF table cells, 美商/美國 before
      a name, several acts' parties in one paragraph of a year-end review or a law-firm alert.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from batch_support import golds, records

from pipeline.extract.evaluate import format_report, score

PARTIES = Path(__file__).parent / "fixtures" / "parties"
BATCHES = sorted(p for p in PARTIES.iterdir() if p.is_dir())
MIN_PARTIES_F1 = 0.95
# a batch added below the common floor keeps the score its fixes reached (see the docstring)
BATCH_FLOOR = {"p08": 0.88, "p11": 0.91, "p12": 0.95, "p13": 0.93, "p14": 0.92, "p16": 0.94}


def test_every_document_has_a_gold_and_the_batches_hold_thirty_documents() -> None:
    total = 0
    for batch in BATCHES:
        docs = sorted(p.name for p in batch.iterdir() if p.suffix in (".txt", ".html", ".pdf"))
        assert len(docs) >= 10, batch
        assert docs == sorted(g["source"] for g in golds(batch)), batch
        total += len(docs)
    assert total >= 30


@pytest.mark.parametrize("batch", BATCHES, ids=[b.name for b in BATCHES])
def test_batch_parties_f1(batch: Path) -> None:
    result = score(records(batch), golds(batch))
    assert not result["unmatched"]
    assert result["fields"]["parties"]["f1"] >= BATCH_FLOOR.get(batch.name, MIN_PARTIES_F1), format_report(result)


@pytest.mark.parametrize("batch", BATCHES, ids=[b.name for b in BATCHES])
def test_every_party_has_evidence_quoting_its_name(batch: Path) -> None:
    from pipeline.extract.commands import read_document

    for rec in records(batch):
        text = read_document(batch / rec["source"], rec["source"]).text
        quoted = {ev["text"] for ev in rec["evidence"] if ev["field"] == "parties"}
        for ev in rec["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"], (rec["source"], ev)
        for party in rec["parties"]:
            assert party["name"] in quoted, (rec["source"], party, "a party without evidence")


def test_negatives_list_no_party() -> None:
    """Other countries' lists (the US Entity List, Japan's End User List) name Chinese firms: not ours."""
    for batch in BATCHES:
        for gold, rec in zip(golds(batch), records(batch)):
            if not gold["relevant"]:
                assert rec["parties"] == [], (batch.name, gold["source"])


if __name__ == "__main__":
    for batch in BATCHES:
        print(batch.name, format_report(score(records(batch), golds(batch))).splitlines()[-1])
