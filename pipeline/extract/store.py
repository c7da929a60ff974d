"""The extract stage's tables: records, mentions, items, evidence.

- `records`: one row per document (PK document_id -> documents.id): the record as JSON plus its
  scalar fields as columns (for queries and facets), the act's `clauses` and `relation_scopes`
  (JSON) for the diff stage, and the `pipeline_version` that produced it: a row at another
  version is stale and is re-extracted.
- `mentions`: every value span the pipelines found (label = span group, value = normalised
  value): elements, materials, codes, dates, announcements, rules, technologies, thresholds,
  exclusions; not the cue spans (CUE_KEYS).
- `items`: one row per controlled item as printed (code, name, element, HS codes, heading).
- `evidence`: the record's evidence, one row per (field, value) occurrence.
- `parties`: one row per party and list a document names (`list`, `action`, `name` as printed,
  `aliases` JSON: the name in the other language, "also known as" names; `country`).

Created with plain SQL (`IF NOT EXISTS`), so `ensure_schema` is idempotent and a fresh clone
needs no migration. One document's rows are replaced in one transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from pipeline.extract import Extraction
from pipeline.store import now

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS records (
        document_id TEXT PRIMARY KEY REFERENCES documents(id), pipeline_version TEXT NOT NULL,
        kind TEXT, lang TEXT, relevant INTEGER, modality TEXT, announcement TEXT, issued TEXT,
        record TEXT NOT NULL, clauses TEXT, relation_scopes TEXT, extracted_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS records_announcement ON records (announcement)",
    """CREATE TABLE IF NOT EXISTS mentions (
        document_id TEXT NOT NULL REFERENCES documents(id), label TEXT NOT NULL, value TEXT,
        "start" INTEGER, "end" INTEGER, quote TEXT, pipeline_version TEXT)""",
    "CREATE INDEX IF NOT EXISTS mentions_document ON mentions (document_id)",
    # no index on (label, value): nothing queries mentions by value, and keeping it up to date
    # was a quarter of the rows' write time (databases made before lose it here)
    "DROP INDEX IF EXISTS mentions_value",
    """CREATE TABLE IF NOT EXISTS items (
        document_id TEXT NOT NULL REFERENCES documents(id), announcement TEXT, lang TEXT,
        control_code TEXT, name TEXT, element TEXT, hs_codes TEXT, heading TEXT,
        "start" INTEGER, "end" INTEGER, quote TEXT, pipeline_version TEXT)""",
    "CREATE INDEX IF NOT EXISTS items_document ON items (document_id)",
    "CREATE INDEX IF NOT EXISTS items_announcement ON items (announcement)",
    """CREATE TABLE IF NOT EXISTS evidence (
        document_id TEXT NOT NULL REFERENCES documents(id), field TEXT NOT NULL, value TEXT,
        "start" INTEGER, "end" INTEGER, quote TEXT)""",
    "CREATE INDEX IF NOT EXISTS evidence_document ON evidence (document_id)",
    # one row per party and list a document names, with the other names printed for it (its name
    # in the other language, "also known as" names): what screening matches against
    """CREATE TABLE IF NOT EXISTS parties (
        document_id TEXT NOT NULL REFERENCES documents(id), announcement TEXT, lang TEXT, list TEXT,
        action TEXT, name TEXT, aliases TEXT, country TEXT, "start" INTEGER, "end" INTEGER,
        pipeline_version TEXT)""",
    "CREATE INDEX IF NOT EXISTS parties_document ON parties (document_id)",
]
CHILD_TABLES = ("mentions", "items", "evidence", "parties")
# Span groups of cue words (what the extractor reads to decide: "export control", "自…起施行",
# "suspend", genre cues), not values. They stay in the Extraction (`exportwatch extract --json`)
# but are not stored: they were half of all mention rows, and the record's evidence already
# quotes the cues a decision rests on.
CUE_KEYS = frozenset({"scope_cues", "date_cues", "relation_cues", "doc_class"})


def ensure_schema(db: sqlite_utils.Database) -> None:
    for statement in SCHEMA:
        db.execute(statement)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _value(value: Any) -> str:
    return value if isinstance(value, str) else _json(value)


def current_version(db: sqlite_utils.Database, document_id: str) -> str | None:
    row = db.execute("SELECT pipeline_version FROM records WHERE document_id = ?", [document_id]).fetchone()
    return row[0] if row else None


def documents_to_extract(db: sqlite_utils.Database, version: str) -> tuple[list[str], int]:
    """(ids of current documents without a record at `version`, count of those already current)."""
    rows = db.execute(
        """SELECT DISTINCT l.document_id, r.pipeline_version FROM locations l
           LEFT JOIN records r ON r.document_id = l.document_id ORDER BY l.document_id""").fetchall()
    todo = [doc_id for doc_id, v in rows if v != version]
    return list(dict.fromkeys(todo)), sum(1 for _, v in rows if v == version)


@dataclass
class Rows:
    """One document's rows for records, mentions, items and evidence: what a worker sends back
    (plain tuples pickle cheaply; the JSON is encoded where the extraction ran)."""

    document_id: str
    record: tuple[Any, ...]
    mentions: list[tuple[Any, ...]]
    items: list[tuple[Any, ...]]
    evidence: list[tuple[Any, ...]]
    parties: list[tuple[Any, ...]] = field(default_factory=list)


def extraction_rows(x: Extraction) -> Rows:
    """The rows replacing one document's: value mentions only (CUE_KEYS are not stored)."""
    r = x.record
    return Rows(
        x.document_id,
        (x.document_id, x.pipeline_version, r["kind"], r["lang"], int(bool(r["relevant"])), r["modality"],
         r["announcement"], r["issued"], _json(r), _json(x.clauses), _json(x.relation_scopes), now()),
        [(x.document_id, m["label"], m["value"], m["start"], m["end"], m["quote"], x.pipeline_version)
         for m in x.mentions if m["label"] not in CUE_KEYS],
        [(x.document_id, i["announcement"], i["lang"], i["control_code"], i["name"], i["element"],
          _json(i["hs_codes"]), i["heading"], i["start"], i["end"], i["quote"], x.pipeline_version)
         for i in x.items],
        [(x.document_id, e["field"], _value(e["value"]), e["start"], e["end"], e["text"]) for e in r["evidence"]],
        [(x.document_id, p["announcement"], p["lang"], p["list"], p["action"], p["name"], _json(p["aliases"]),
          p["country"], p["start"], p["end"], x.pipeline_version) for p in x.parties])


def save_extraction(db: sqlite_utils.Database, x: Extraction | Rows, *, commit: bool = True) -> None:
    """Replace one document's record, mentions, items and evidence in one transaction. With
    `commit=False` the caller holds the transaction (several documents per commit) and commits or
    rolls back itself."""
    rows = x if isinstance(x, Rows) else extraction_rows(x)
    conn = db.conn
    if not commit:
        write_rows(conn, rows)
        return
    explicit = conn.isolation_level is None and not conn.in_transaction  # autocommit: open our own
    if explicit:
        conn.execute("BEGIN IMMEDIATE")
    try:
        write_rows(conn, rows)
        if explicit:
            conn.execute("COMMIT")
        else:
            conn.commit()
    except BaseException:
        conn.rollback() if not explicit else conn.execute("ROLLBACK")
        raise


def write_rows(conn: Any, rows: Rows) -> None:
    """The statements replacing one document's rows (inside the caller's transaction)."""
    for table in CHILD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE document_id = ?", [rows.document_id])
    conn.execute(
        """INSERT OR REPLACE INTO records (document_id, pipeline_version, kind, lang, relevant, modality,
           announcement, issued, record, clauses, relation_scopes, extracted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows.record)
    conn.executemany(
        'INSERT INTO mentions (document_id, label, value, "start", "end", quote, pipeline_version) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)", rows.mentions)
    conn.executemany(
        'INSERT INTO items (document_id, announcement, lang, control_code, name, element, hs_codes, heading, '
        '"start", "end", quote, pipeline_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows.items)
    conn.executemany(
        'INSERT INTO evidence (document_id, field, value, "start", "end", quote) VALUES (?, ?, ?, ?, ?, ?)',
        rows.evidence)
    conn.executemany(
        'INSERT INTO parties (document_id, announcement, lang, list, action, name, aliases, country, "start", "end", '
        "pipeline_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.parties)
