"""Held-out documents (tests/fixtures/heldout): texts written for testing in templates and
wordings the dev set does not have (other MOFCOM layouts, a Chinese news site, Reuters/AP/
Bloomberg/SCMP styles, a law-firm alert, MOFCOM Q&As, noise), each with a hand-written gold
record `<name>.json`. The gold says what a careful analyst records per ../shared/schema and the
corpus conventions; it is never adjusted to the extractor's output (judgment calls are explained
in `<name>.notes.md`). Scored with the project's scorer (pipeline/extract/evaluate.py).

Run `python -m tests.test_heldout` (from the repo root) for the per-field report."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract.evaluate import SET_FIELDS, EXACT_FIELDS, format_report, member_key, score

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"
# History: batch 1 (22 docs) scored 0.930 before the rules were generalised (then 1.000);
# batches 2-9 (7, 3, 2, 3, 2, 2, 2, 3 docs), each written before running the extractor on it, scored
# 0.994, 0.957, 0.848, 1.000, 0.968, 0.895, 0.694 and 0.758 blind (micro-F1 of the batch alone).
# All 46 now score 0.992 together: one known miss is kept (mofcom-qa-2025-70-suspension, see its
# notes). A drop below the floor means a change lost generality.
MIN_MICRO_F1 = 0.985
GOLD_PATHS = sorted(HELDOUT.glob("*.json"))
_CACHE: dict[str, Any] = {}


def extractions() -> dict[str, Any]:
    if not _CACHE:
        from pipeline.extract.commands import _extract_paths

        pairs = [(HELDOUT / p.name[:-5], p.name[:-5]) for p in GOLD_PATHS]
        for source, x in _extract_paths(pairs):
            _CACHE[source] = x
    return _CACHE


def golds() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in GOLD_PATHS]


def test_heldout_set_is_complete() -> None:
    docs = sorted(p.name for p in HELDOUT.iterdir() if p.suffix in (".txt", ".html"))
    assert len(docs) >= 20
    assert docs == sorted(g["source"] for g in golds())


def test_heldout_micro_f1() -> None:
    result = score([x.record for x in extractions().values()], golds())
    assert not result["unmatched"]
    assert result["overall_f1"] >= MIN_MICRO_F1, format_report(result)


@pytest.mark.parametrize("path", GOLD_PATHS, ids=[p.name[:-5] for p in GOLD_PATHS])
def test_evidence_integrity(path: Path) -> None:
    x = extractions()[path.name[:-5]]
    text = _text(path.name[:-5])
    for ev in x.record["evidence"]:
        assert text[ev["start"]:ev["end"]] == ev["text"], ev
    for m in x.mentions:
        assert text[m["start"]:m["end"]] == m["quote"], m
    valued = {f for f in SET_FIELDS if x.record[f]}
    assert valued <= {ev["field"] for ev in x.record["evidence"]}, "a value without evidence"


def _text(name: str) -> str:
    from pipeline.extract.commands import read_document

    return read_document(HELDOUT / name, name).text


def field_diffs() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for gold in golds():
        pred = extractions()[gold["source"]].record
        diffs: dict[str, Any] = {}
        for f in SET_FIELDS:
            if f not in gold:
                continue
            g = {json.dumps(member_key(f, v)) for v in gold[f]}
            p = {json.dumps(member_key(f, v)) for v in pred[f]}
            if g != p:
                diffs[f] = {"missing": sorted(g - p), "extra": sorted(p - g)}
        for f in EXACT_FIELDS:
            if gold[f] != pred[f]:
                diffs[f] = {"gold": gold[f], "pred": pred[f]}
        if diffs:
            out[gold["source"]] = diffs
    return out


if __name__ == "__main__":
    result = score([x.record for x in extractions().values()], golds())
    print(format_report(result))
    for name, diffs in field_diffs().items():
        print(name)
        for f, d in diffs.items():
            print(f"  {f}: {d}")
