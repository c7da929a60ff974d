"""What other stages may read of the extract stage's tables (records, mentions, items, evidence).

The later stages (diff, alert, serve) read extraction results only through these functions, so the
extract stage may change how it stores them without breaking its readers. Everything here reads;
nothing writes the extract stage's rows. "Current" means: of a document that some location
(corpus path or URL) serves now (a page replaced by new content no longer counts).

- `has_records(db)`: has the stage run on this database?
- `current_records(db, kinds=, announcement=)`: each current record with its clauses, relation
  scopes and its document's source, URL, title, text and publication date, in (source, id) order.
- `announcement_ids(db, kinds)`: the act ids current records of those kinds name, in that order.
- `items_of(db, document_ids)` / `current_items(db)`: the items (element, control code, HS codes).
- `items_with_hs(db, code)`: the items listing an HS code, a parent or a child code of it.
- `parties_of(db, document_id)`: the parties a document names, with the other names printed for them.
- `fingerprint_rows(db)`: one line per current record and location, for a digest of the inputs.
- `ensure_reader_indexes(db)`: the indexes the Datasette views and canned queries read through.
- `ITEMS_FINGERPRINT`, `HS_CODE_ROWS`: SQL for a reader's own index of HS codes (the serve stage).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import sqlite_utils


@dataclass
class CurrentRecord:
    """One current extraction record, as the later stages read it."""

    document_id: str
    record: dict[str, Any]
    clauses: list[dict[str, Any]]
    relation_scopes: list[dict[str, Any]]
    source: str | None
    url: str | None
    title: str | None
    text: str | None
    published: str | None


def _load(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def has_records(db: sqlite_utils.Database) -> bool:
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records'").fetchone())


def _kinds_sql(kinds: Iterable[str] | None) -> tuple[str, list[Any]]:
    if kinds is None:
        return "", []
    kinds = [str(k) for k in kinds]
    return f" AND r.kind IN ({', '.join('?' * len(kinds))})", kinds


def current_records(db: sqlite_utils.Database, *, kinds: Iterable[str] | None = None,
                    announcement: str | None = None) -> Iterator[CurrentRecord]:
    """Current records, one at a time (the rows of a large corpus are never all in memory), in
    (document source, document id) order; only `kinds`, only those naming `announcement`."""
    if not has_records(db):
        return
    where, params = _kinds_sql(kinds)
    if announcement is not None:
        where += " AND r.announcement = ?"
        params.append(announcement)
    rows = db.execute(
        f"""SELECT r.document_id, r.record, r.clauses, r.relation_scopes, d.source, d.title, d.text, d.published,
                  COALESCE(d.url, (SELECT l.url FROM locations l WHERE l.document_id = d.id
                                   ORDER BY l.source LIMIT 1))
           FROM records r JOIN documents d ON d.id = r.document_id
           WHERE r.document_id IN (SELECT document_id FROM locations) {where}
           ORDER BY d.source, r.document_id""", params)
    for doc_id, record, clauses, scopes, source, title, text, published, url in rows:
        yield CurrentRecord(doc_id, _load(record, {}), _load(clauses, []), _load(scopes, []), source, url, title,
                            text, published)


def announcement_ids(db: sqlite_utils.Database, kinds: Iterable[str]) -> Iterator[str]:
    """The act id of each current record of `kinds` that names one, in (source, id) order
    (repeats included: the first occurrence orders the act)."""
    if not has_records(db):
        return
    where, params = _kinds_sql(kinds)
    for (act_id,) in db.execute(
            f"""SELECT r.announcement FROM records r JOIN documents d ON d.id = r.document_id
                WHERE r.document_id IN (SELECT document_id FROM locations) {where}
                  AND r.announcement IS NOT NULL AND r.announcement != ''
                ORDER BY d.source, r.document_id""", params):
        yield act_id


ITEM_COLS = "document_id, announcement, element, control_code, hs_codes"


def _item(row: tuple[Any, ...]) -> dict[str, Any]:
    item = dict(zip(("document_id", "announcement", "element", "control_code", "hs_codes"), row))
    item["hs_codes"] = _load(item["hs_codes"], [])
    return item


def items_of(db: sqlite_utils.Database, document_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The items of these (current) documents: {document_id, announcement, element, control_code,
    hs_codes}. One index search per document (an IN list made SQLite scan the locations)."""
    if "items" not in db.table_names():
        return []
    sql = (f"SELECT {ITEM_COLS} FROM items WHERE document_id = ? "
           "AND EXISTS (SELECT 1 FROM locations WHERE document_id = ?)")
    return [_item(row) for doc_id in document_ids for row in db.execute(sql, [doc_id, doc_id])]


def current_items(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The items of every current document."""
    if "items" not in db.table_names():
        return []
    return [_item(row) for row in db.execute(
        f"SELECT {ITEM_COLS} FROM items WHERE document_id IN (SELECT document_id FROM locations)")]


def parties_of(db: sqlite_utils.Database, document_id: str) -> list[dict[str, Any]]:
    """{name, aliases, list, action, country, lang, announcement} of each party a document names."""
    if "parties" not in db.table_names():
        return []
    rows = db.execute("SELECT name, aliases, list, action, country, lang, announcement FROM parties "
                      "WHERE document_id = ? ORDER BY rowid", [document_id])
    return [{"name": n, "aliases": _load(a, []), "list": lst, "action": act, "country": c, "lang": lang,
             "announcement": ann} for n, a, lst, act, c, lang, ann in rows]


def fingerprint_rows(db: sqlite_utils.Database) -> Iterator[str]:
    """One line per location and per record (version and extraction time), in a fixed order:
    what changes when a re-extraction or a replaced page changes the inputs of a later stage."""
    if not has_records(db):
        return
    for sql in ("SELECT source || '|' || ifnull(url, '') || '|' || ifnull(document_id, '') FROM locations "
                "ORDER BY source",
                "SELECT document_id || '|' || ifnull(pipeline_version, '') || '|' || ifnull(extracted_at, '') "
                "FROM records ORDER BY document_id"):
        for (line,) in db.execute(sql):
            if line is not None:
                yield line
        yield "\0"


# What changes whenever an extraction replaces items (their rowids, and the records' extraction
# time and version) or a location starts pointing at other content.
ITEMS_FINGERPRINT = ("SELECT count(*), total(rowid), max(rowid) FROM items",
                     "SELECT document_id, extracted_at, pipeline_version FROM records ORDER BY document_id",
                     "SELECT source, document_id FROM locations ORDER BY source")
# (hs_code, item_id, document_id, announcement, control_code, lang): one row per HS code an item of a
# current document lists, the code normalised to bare digits (for a reader's HS-code index).
HS_CODE_ROWS = """SELECT DISTINCT replace(replace(CAST(j.value AS TEXT), '.', ''), ' ', ''), i.rowid,
       i.document_id, i.announcement, i.control_code, i.lang
FROM items i, json_each(CASE WHEN json_valid(i.hs_codes) THEN i.hs_codes ELSE '[]' END) j
WHERE i.document_id IN (SELECT document_id FROM locations) AND j.value IS NOT NULL"""

READER_INDEXES = {
    "items": ["CREATE INDEX IF NOT EXISTS serve_items_element ON items (element, announcement)",
              "CREATE INDEX IF NOT EXISTS serve_items_control_code ON items (control_code)"],
    "evidence": ["CREATE INDEX IF NOT EXISTS serve_evidence_field ON evidence (field, value)"],
}


def ensure_reader_indexes(db: sqlite_utils.Database) -> None:
    """The indexes readers of items and evidence need at 10,000 documents (element and control
    code lookups, evidence by field and value)."""
    tables = set(db.table_names())
    for table, statements in READER_INDEXES.items():
        if table in tables:
            for statement in statements:
                db.execute(statement)


def items_with_hs(db: sqlite_utils.Database, code: str) -> list[dict[str, Any]]:
    """Items of current documents listing HS code `code` (bare digits), a parent of it (a shorter
    code it starts with) or a child of it: `match` is exact, broader code listed or narrower code
    listed. Each with its document's URL."""
    if "items" not in db.table_names():
        return []
    listed = "replace(replace(CAST(j.value AS TEXT), '.', ''), ' ', '')"
    rows = db.execute(
        f"""SELECT DISTINCT {listed} AS hs, i.document_id, i.announcement, i.element, i.control_code, i.name, i.lang,
                   i.quote, COALESCE(d.url, (SELECT l.url FROM locations l WHERE l.document_id = d.id
                                             ORDER BY l.source LIMIT 1))
            FROM items i JOIN documents d ON d.id = i.document_id,
                 json_each(CASE WHEN json_valid(i.hs_codes) THEN i.hs_codes ELSE '[]' END) j
            WHERE i.document_id IN (SELECT document_id FROM locations)
              AND ({listed} = :code OR (length({listed}) >= 4 AND :code LIKE {listed} || '%')
                   OR {listed} LIKE :code || '%')""", {"code": code})
    out = []
    for hs, doc_id, ann, element, control_code, name, lang, quote, url in rows:
        match = "exact" if hs == code else ("broader code listed" if code.startswith(hs) else "narrower code listed")
        out.append({"hs_code": hs, "match": match, "announcement": ann, "element": element,
                    "control_code": control_code, "name": name, "lang": lang, "quote": quote,
                    "document_id": doc_id, "source_url": url})
    order = {"exact": 0, "broader code listed": 1, "narrower code listed": 2}
    return sorted(out, key=lambda r: (order[r["match"]], r["announcement"] or "", r["control_code"] or "",
                                      r["lang"] or "", r["name"] or ""))
