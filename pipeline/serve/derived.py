"""Helper tables and full-text indexes that the Datasette views and canned queries read.

Why they exist:
- `hs_code_index` (hs_code, item_id, ...): "is this HS code controlled?" has to answer in
  milliseconds on a large database, and `items.hs_codes` is a JSON list that no index can reach.
  Rebuilt every run (items are replaced per document, so their rowids change).
- `evidence_sentences` (document_id, start, end -> sentence): evidence spans are short ("钐",
  "2025年11月07日"); a reader needs the sentence around them. Documents are content-addressed
  (id = sha256 of the bytes), so a span's sentence never changes: the table is an insert-only cache
  and each run only fills the spans it has not seen.
- FTS5 tables `documents_fts`, `items_fts`, `evidence_fts` with the `trigram` tokenizer (the
  default tokenizer cannot find a Chinese word inside a sentence), kept in sync by sqlite-utils
  triggers; rebuilt only when missing, when their configuration changes or a trigger is gone.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from typing import Iterable

import sqlite_utils

from pipeline.diff import api as diff_api
from pipeline.extract import api as extract_api

# Full-text search: table -> indexed columns. Bump FTS_VERSION when tokenizer or columns change.
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("title", "text"),
    "items": ("name", "quote", "heading", "control_code"),
    "evidence": ("quote", "value"),
}
FTS_VERSION = "1:trigram"
TRIGRAM_OK = sqlite3.sqlite_version_info >= (3, 34, 0)

# Sentence ends in Chinese and English text: "1C902.a" is none (a "." needs a space after) and
# neither is a list label like "a. " (it needs two word characters before).
SENTENCE_END = re.compile(r"[。！？!?；;]|(?<=\w\w)\.(?=\s)|\n")
SENTENCE_MAX = 400

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS serve_meta (key TEXT PRIMARY KEY, value TEXT)""",
    # control_code and lang: with announcement, the hs_code query's sort keys, so it can sort the
    # matches here and read only the first page's items, documents and states
    """CREATE TABLE IF NOT EXISTS hs_code_index (
        hs_code TEXT NOT NULL, item_id INTEGER NOT NULL, document_id TEXT, announcement TEXT,
        control_code TEXT, lang TEXT)""",
    "CREATE INDEX IF NOT EXISTS hs_code_index_code ON hs_code_index (hs_code)",
    """CREATE TABLE IF NOT EXISTS evidence_sentences (
        document_id TEXT NOT NULL, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, sentence TEXT,
        sentence_start INTEGER, PRIMARY KEY (document_id, "start", "end"))""",
]
SENTENCES_VERSION = "3"  # bump when sentence_at or the table changes: the cache is then refilled

def ensure_schema(db: sqlite_utils.Database) -> None:
    db.execute(SCHEMA[0])
    columns = {r[1] for r in db.execute("PRAGMA table_info(hs_code_index)").fetchall()}
    if columns and "lang" not in columns:  # built before it carried the sort keys: rebuild it
        db.execute("DROP TABLE hs_code_index")
        db.execute("DELETE FROM serve_meta WHERE key = 'hs_code_index'")
    if get_meta(db, "sentences_version") != SENTENCES_VERSION:
        db.execute("DROP TABLE IF EXISTS evidence_sentences")
        db.execute("DELETE FROM serve_meta WHERE key LIKE 'spans:%'")  # rescan every source
        set_meta(db, "sentences_version", SENTENCES_VERSION)
    for statement in SCHEMA:
        db.execute(statement)


def ensure_indexes(db: sqlite_utils.Database, tables: set[str]) -> None:
    """The indexes the views and canned queries read through, as each stage's api defines them."""
    extract_api.ensure_reader_indexes(db)
    if diff_api.has_tables(db):
        diff_api.ensure_reader_indexes(db)


def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM serve_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO serve_meta (key, value) VALUES (?, ?)", [key, value])


def _fingerprint(db: sqlite_utils.Database, *queries: str) -> str:
    """A digest of what `queries` return: cheap to compute, changes when their rows change."""
    digest = hashlib.sha256()
    for sql in queries:
        for row in db.execute(sql):
            digest.update(repr(row).encode())
    return digest.hexdigest()


ITEMS_FINGERPRINT = extract_api.ITEMS_FINGERPRINT


def rebuild_hs_index(db: sqlite_utils.Database, tables: set[str]) -> int:
    """One row per (HS code, item) of a current document; codes normalised to bare digits.
    Rebuilt only when the items or the current documents changed since the last build."""
    if not {"items", "locations", "records"} <= tables:
        db.execute("DELETE FROM hs_code_index")
        return 0
    fingerprint = _fingerprint(db, *ITEMS_FINGERPRINT)
    if get_meta(db, "hs_code_index") != fingerprint:
        db.execute("DELETE FROM hs_code_index")
        db.execute("INSERT INTO hs_code_index (hs_code, item_id, document_id, announcement, control_code, lang) "
                   + extract_api.HS_CODE_ROWS)
        set_meta(db, "hs_code_index", fingerprint)
    return db.execute("SELECT count(*) FROM hs_code_index").fetchone()[0]


def sentence_at(text: str, start: int, end: int) -> tuple[str | None, int | None]:
    """(sentence, offset of its first character) for the span [start, end) of `text`: whitespace
    collapsed, at most SENTENCE_MAX characters kept around the span. Offset 0 means the first line,
    i.e. the title, which views rank after sentences from the body. (None, None) when the offsets
    fall outside the text."""
    if not text or start < 0 or end > len(text) or start >= end:
        return None, None
    lo = max(0, start - 600)
    left = max((m.end() for m in SENTENCE_END.finditer(text, lo, start)), default=lo)
    after = SENTENCE_END.search(text, end)
    right = after.end() if after else min(len(text), end + 600)
    raw = text[left:right]
    pad = len(raw) - len(raw.lstrip())
    sentence = " ".join(raw.split())
    if len(sentence) <= SENTENCE_MAX:
        return sentence, left + pad
    at = max(0, min(start - left - pad - SENTENCE_MAX // 3, len(sentence) - SENTENCE_MAX))
    return ("…" if at else "") + sentence[at:at + SENTENCE_MAX - 2] + "…", left + pad


def _span_sources(tables: set[str]) -> Iterable[tuple[str, str | None, str]]:
    """(name, fingerprint SQL or None, SELECT of (document_id, start, end)) for every place whose
    evidence spans the views show. A source with a fingerprint is scanned only when it changed:
    the JSON lists of changes and measures are large and rewritten (with the same spans) each run."""
    if "evidence" in tables:
        yield "evidence", None, 'SELECT document_id, "start", "end" FROM evidence'
    if {"changes", "measures", "announcements"} <= tables:
        yield from diff_api.evidence_spans()


def fill_sentences(db: sqlite_utils.Database, tables: set[str]) -> int:
    """Add the sentence of every evidence span not cached yet; returns how many were added."""
    if "documents" not in tables:
        return 0
    # The spans to add go to a temporary table, read back document by document: a set of every
    # span of a large corpus (~160,000 at 10,000 documents) was most of the serve stage's memory.
    db.execute("DROP TABLE IF EXISTS temp.missing_spans")
    db.execute("CREATE TEMP TABLE missing_spans (document_id TEXT, s INTEGER, e INTEGER)")
    done: list[tuple[str, str]] = []
    for name, fingerprint_sql, select in _span_sources(tables):
        fingerprint = _fingerprint(db, fingerprint_sql) if fingerprint_sql else None
        if fingerprint is not None and get_meta(db, f"spans:{name}") == fingerprint:
            continue
        db.execute(
            f"""INSERT INTO temp.missing_spans (document_id, s, e)
                WITH spans(document_id, s, e) AS ({select})
                SELECT spans.document_id, spans.s, spans.e FROM spans
                WHERE spans.document_id IS NOT NULL AND typeof(spans.s) = 'integer'
                  AND typeof(spans.e) = 'integer' AND NOT EXISTS (
                    SELECT 1 FROM evidence_sentences es WHERE es.document_id = spans.document_id
                       AND es."start" = spans.s AND es."end" = spans.e)""")
        if fingerprint is not None:
            done.append((name, fingerprint))
    rows: list[tuple] = []
    added = 0

    def flush() -> None:  # in chunks: the sentences of a whole corpus are never all in memory
        db.conn.executemany('INSERT OR IGNORE INTO evidence_sentences (document_id, "start", "end", sentence, '
                            "sentence_start) VALUES (?, ?, ?, ?, ?)", rows)
        rows.clear()

    doc_id, text = None, None
    for span_doc, start, end in db.execute("SELECT DISTINCT document_id, s, e FROM temp.missing_spans ORDER BY 1, 2, 3"):
        if span_doc != doc_id:
            doc_id = span_doc
            found = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
            text = found[0] if found else None
        rows.append((doc_id, start, end, *sentence_at(text or "", start, end)))
        added += 1
        if len(rows) >= 5000:
            flush()
    flush()
    db.execute("DROP TABLE temp.missing_spans")
    for name, fingerprint in done:
        set_meta(db, f"spans:{name}", fingerprint)
    return added


def _fts_current(db: sqlite_utils.Database, table: str, tables: set[str]) -> bool:
    fts = f"{table}_fts"
    if fts not in tables or get_meta(db, f"fts:{table}") != _fts_key(table):
        return False
    triggers = {t.name for t in db[table].triggers}
    return {f"{table}_ai", f"{table}_ad", f"{table}_au"} <= triggers


def _fts_key(table: str) -> str:
    return json.dumps([FTS_VERSION, FTS_COLUMNS[table]])


def ensure_fts(db: sqlite_utils.Database, tables: set[str]) -> list[str]:
    """(Re)build the trigram FTS index of each table whose index is missing or stale.
    Runs outside any transaction: sqlite-utils' enable_fts commits on its own."""
    if not TRIGRAM_OK:
        return []
    rebuilt = []
    for table, columns in FTS_COLUMNS.items():
        if table not in tables or _fts_current(db, table, tables):
            continue
        db[table].enable_fts(list(columns), fts_version="FTS5", create_triggers=True, tokenize="trigram",
                             replace=True)
        set_meta(db, f"fts:{table}", _fts_key(table))
        rebuilt.append(table)
    return rebuilt
