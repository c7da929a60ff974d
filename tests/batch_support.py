"""A batch of documents with gold records (tests/fixtures/blind/bNN, tests/fixtures/parties/pNN):
its golds, and the extractor's records for it, extracted once per test session."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any


def golds(batch: Path) -> list[dict[str, Any]]:
    """The batch's gold records, in file-name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(batch.glob("*.json"))]


@lru_cache(maxsize=None)
def _records(batch: Path) -> tuple[dict[str, Any], ...]:
    from pipeline.extract.commands import _extract_paths

    pairs = [(batch / g["source"], g["source"]) for g in golds(batch)]
    return tuple(x.record for _, x in _extract_paths(pairs))


def records(batch: Path) -> list[dict[str, Any]]:
    """The extractor's records of the batch's documents, in the order of its golds."""
    return list(_records(batch))


def rec(text: str, name: str = "probe.txt") -> dict[str, Any]:
    """The record of a short document parsed as a file named `name` is (the wording tests)."""
    from pipeline.extract import extract
    from pipeline.parse import parse
    from pipeline.records import Raw

    return extract(parse(Raw(content=text.encode("utf-8"), source=name))).record
