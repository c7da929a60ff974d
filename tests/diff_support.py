"""Helpers for the diff tests: gold records as inputs or as a database, synthetic acts, clauses.

The extract stage's `records` table is reproduced here with the columns its contract names, so the
diff can be tested on its own; the integration test runs the real pipeline instead.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import sqlite_utils

from pipeline import store
from pipeline.diff.gold import gold_inputs
from pipeline.diff.inputs import DocInput
from pipeline.records import Document, Raw, sha256

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "gold"
GOLD_CHANGES = ROOT / "corpus" / "gold-changes.json"

FIELDS = ["source", "kind", "lang", "relevant", "modality", "announcement", "issued", "effective", "elements",
          "control_codes", "hs_codes", "technologies", "end_user_rules", "thresholds", "not_controlled",
          "relations", "evidence"]

_INPUTS: dict[Path, list[DocInput]] = {}


def inputs(gold_dir: Path = GOLD) -> list[DocInput]:
    """Gold DocInputs (parsed once per session; each call gets its own deep copy to mutate)."""
    if gold_dir not in _INPUTS:
        _INPUTS[gold_dir] = gold_inputs(gold_dir)
    return copy.deepcopy(_INPUTS[gold_dir])


def keys(changes: list[Any]) -> set[tuple[str, str, str, str]]:
    """(announcement, type, kind, subject): what score.py compares."""
    out = set()
    for c in changes:
        d = c if isinstance(c, dict) else c.to_dict()
        out.add((d["announcement"], d["type"], d["kind"], d["subject"]))
    return out


def gold_change_keys(path: Path = GOLD_CHANGES) -> set[tuple[str, str, str, str]]:
    return keys(json.loads(path.read_text(encoding="utf-8")))


def by_act(items: list[DocInput], act: str, lang: str | None = None) -> DocInput:
    return next(d for d in items if d.announcement == act and d.kind == "announcement"
                and (lang is None or d.lang == lang) and not (d.source or "").endswith(".pdf"))


def record(**fields: Any) -> dict[str, Any]:
    """A schema-complete extraction record: every field present, lists empty unless given."""
    base: dict[str, Any] = {f: [] for f in FIELDS}
    base.update(kind="announcement", lang="zh", relevant=True, modality="official", announcement=None, issued=None)
    base.update(fields)
    return base


def act_input(act: str, issued: str, text: str = "", **fields: Any) -> DocInput:
    """A synthetic act copy (document id = hash of its text and act id)."""
    rec = record(source=f"synthetic/{act}.txt", announcement=act, issued=issued,
                 effective=fields.pop("effective", [issued]), **fields)
    return DocInput(document_id=sha256((act + text).encode()), record=rec, source=rec["source"], text=text,
                    clauses=fields.get("clauses", []))


ZH_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def zh_clauses(text: str) -> list[dict[str, Any]]:
    """Numbered clauses of a Chinese act page ("一、", "（一）" at line starts) with their spans,
    the shape the extract stage's `clauses` column has. Effective dates are left None."""
    top = [(m.start(), ZH_NUM[m.group(1)]) for m in re.finditer(r"(?m)^\s*([一二三四五六七八九十])、", text)]
    out = []
    for i, (start, n) in enumerate(top):
        end = top[i + 1][0] if i + 1 < len(top) else len(text)
        out.append({"id": str(n), "start": start, "end": end, "effective": None})
        subs = [(m.start(), ZH_NUM[m.group(1)]) for m in re.finditer(r"(?m)^\s*（([一二三四五六七八九十])）", text[start:end])]
        for j, (s, k) in enumerate(subs):
            e = subs[j + 1][0] if j + 1 < len(subs) else end - start
            out.append({"id": f"{n}({k})", "start": start + s, "end": start + e, "effective": None})
    return out


def with_no61_clauses(items: list[DocInput]) -> list[DocInput]:
    """Give No. 61's page what the extractor provides: clauses (1(1), 1(2) effective 2025-12-01)
    and evidence for its threshold (the 0.1% in clause 1(1)) and its military rule (clause 2(1))."""
    page = by_act(items, "MOFCOM-2025-61", "zh")
    text = page.text or ""
    page.clauses = zh_clauses(text)
    for c in page.clauses:
        if c["id"] in ("1(1)", "1(2)"):
            c["effective"] = "2025-12-01"
    at, mil = text.index("0.1%"), text.index("军事用户")
    page.record["evidence"] = [
        {"field": "thresholds", "value": {"kind": "value_ratio", "value": 0.001}, "start": at, "end": at + 4,
         "text": text[at:at + 4]},
        {"field": "end_user_rules", "value": {"category": "military", "policy": "deny"}, "start": mil,
         "end": mil + 4, "text": text[mil:mil + 4]},
    ]
    return items


RECORDS_DDL = """CREATE TABLE IF NOT EXISTS records (
    document_id TEXT PRIMARY KEY REFERENCES documents(id), pipeline_version TEXT, kind TEXT, lang TEXT,
    relevant INTEGER, modality TEXT, announcement TEXT, issued TEXT, record TEXT, clauses TEXT,
    relation_scopes TEXT, extracted_at TEXT)"""


def put(db: sqlite_utils.Database, doc: DocInput, content: bytes | None = None, location: str | None = None) -> None:
    """Store one DocInput as document + location + records row (what ingest and extract leave)."""
    db.execute(RECORDS_DDL)
    content = content if content is not None else (doc.text or "").encode()
    doc_id = sha256(content)
    document = Document(id=doc_id, source=location or doc.source or doc_id, media_type="text/plain",
                        text=doc.text or "", url=doc.url, lang=doc.lang, title=doc.title, published=doc.published)
    store.save_document(db, Raw(content=content, source=location or doc.source or doc_id, url=doc.url), document, None)
    r = doc.record
    db.execute("INSERT OR REPLACE INTO records VALUES (?, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?, '2025-01-01')",
               [doc_id, r.get("kind"), r.get("lang"), int(bool(r.get("relevant"))), r.get("modality"),
                r.get("announcement"), r.get("issued"), json.dumps(r, ensure_ascii=False),
                json.dumps(doc.clauses), json.dumps(doc.relation_scopes)])


def gold_db(path: Path, items: list[DocInput] | None = None) -> sqlite_utils.Database:
    """A database holding the gold records as the pipeline would (documents, locations, records)."""
    db = store.open_db(path)
    for doc in items if items is not None else inputs():
        put(db, doc, (ROOT / "corpus" / doc.source).read_bytes() if doc.source and (ROOT / "corpus" / doc.source).exists() else None)
    return db
