"""The diff stage's tables, and reading its inputs (E1's `records`) from the database.

Tables (created with plain SQL so `ensure_schema` is safe inside an open transaction):

- `announcements`: one row per act `MOFCOM-YYYY-N`, all copies merged. `issuers`, `effective`,
  `documents` (`[{document_id, source, url, kind, lang}]`), `relations`, `cited_by` are JSON;
  `seen_only_in_citations` = 1 for a stub that some act cites but no current document carries.
- `measures`: one row per (announcement, kind, subject) an act brings into scope; `effective` is the
  date of the clause its evidence sits in (else the act's); `clauses`, `hs_codes`, `evidence` JSON.
- `changes`: the change list, one row per change id (hash of announcement|type|kind|subject|date).
  Rows are only ever inserted once (`detected_run_id`, `detected_at` = first detection); `status` is
  `scheduled` (dated after today) or `occurred`; `news` = 1 for reported/proposed entries from news;
  `withdrawn_run_id` is set when the current records no longer yield the change (e.g. a corrected
  page), and cleared if they yield it again.
- `discrepancies`: (announcement, field) where the Chinese and English copies list different
  elements / control codes / HS codes; `zh_only`, `en_only` JSON.
- `state_today`: the state on the run's `today` (Datasette's "current controls"); one row per
  measure: `status` in_force | pending | suspended, `since`, `until`, `suspended_by` JSON.

Acts, measures, discrepancies and state_today are recomputed and replaced every run; changes are
incremental, so a re-run on an unchanged corpus inserts nothing and alerts nobody twice.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from pipeline.diff.analysis import Analysis, analyse
from pipeline.diff.changes import change_id
from pipeline.diff.inputs import DocInput
from pipeline.records import Change
from pipeline.store import now, transaction

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS announcements (
        id TEXT PRIMARY KEY, relevant INTEGER, issuers TEXT, title_zh TEXT, title_en TEXT,
        issued TEXT, effective TEXT, documents TEXT, relations TEXT, cited_by TEXT,
        seen_only_in_citations INTEGER NOT NULL DEFAULT 0, run_id INTEGER)""",
    """CREATE TABLE IF NOT EXISTS measures (
        id TEXT PRIMARY KEY, announcement TEXT NOT NULL REFERENCES announcements(id),
        kind TEXT NOT NULL, subject TEXT NOT NULL, issued TEXT, effective TEXT, clauses TEXT,
        hs_codes TEXT, evidence TEXT, documents TEXT, new INTEGER)""",
    "CREATE INDEX IF NOT EXISTS measures_subject ON measures (kind, subject)",
    # the foreign key's child column: deleting or inserting an announcement looks its measures up
    # (the stage writes measures before their announcements, foreign keys deferred)
    "CREATE INDEX IF NOT EXISTS measures_announcement ON measures (announcement)",
    """CREATE TABLE IF NOT EXISTS changes (
        id TEXT PRIMARY KEY, announcement TEXT NOT NULL, date TEXT, type TEXT NOT NULL,
        kind TEXT NOT NULL, subject TEXT NOT NULL, evidence TEXT, hs_codes TEXT, new INTEGER,
        news INTEGER NOT NULL DEFAULT 0, status TEXT, detected_run_id INTEGER, detected_at TEXT,
        withdrawn_run_id INTEGER)""",
    "CREATE INDEX IF NOT EXISTS changes_date ON changes (date)",
    """CREATE TABLE IF NOT EXISTS discrepancies (
        id TEXT PRIMARY KEY, announcement TEXT NOT NULL, field TEXT NOT NULL, zh_only TEXT,
        en_only TEXT, zh_documents TEXT, en_documents TEXT)""",
    """CREATE TABLE IF NOT EXISTS state_today (
        measure_id TEXT PRIMARY KEY, date TEXT NOT NULL, announcement TEXT NOT NULL, kind TEXT NOT NULL,
        subject TEXT NOT NULL, status TEXT NOT NULL, since TEXT, until TEXT, suspended_by TEXT,
        hs_codes TEXT, evidence TEXT)""",
]
# The diff stage's last state (see inputs_fingerprint), valid for one fingerprint of the inputs.
CACHE_SCHEMA = "CREATE TABLE IF NOT EXISTS diff_cache (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, value TEXT)"
SCHEMA.append(CACHE_SCHEMA)


def ensure_schema(db: sqlite_utils.Database) -> None:
    for statement in SCHEMA:
        db.execute(statement)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _load(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def iter_inputs(db: sqlite_utils.Database, where: str = "", params: list[Any] | tuple = ()) -> Iterator[DocInput]:
    """DocInputs of the current records (`where`: more conditions on `r` = records, `d` = documents,
    starting with AND), one at a time, in (source, document id) order."""
    if "records" not in db.table_names():
        return
    rows = db.execute(
        f"""SELECT r.*, d.source AS d_source, d.title AS d_title, d.text AS d_text,
                  d.published AS d_published,
                  COALESCE(d.url, (SELECT l.url FROM locations l WHERE l.document_id = d.id
                                   ORDER BY l.source LIMIT 1)) AS d_url
           FROM records r JOIN documents d ON d.id = r.document_id
           WHERE r.document_id IN (SELECT document_id FROM locations) {where}
           ORDER BY d.source, r.document_id""", list(params)
    )
    cols = [c[0] for c in rows.description]
    for values in rows:  # row by row: the raw rows of a large corpus are never all in memory
        row = dict(zip(cols, values))
        doc = DocInput(
            document_id=row["document_id"], record=_load(row.get("record"), {}), source=row["d_source"],
            url=row["d_url"], title=row["d_title"], text=row["d_text"], published=row["d_published"],
            clauses=_load(row.get("clauses"), []), relation_scopes=_load(row.get("relation_scopes"), []),
        )
        if not (doc.is_act_copy or doc.is_news):
            # Q&A, notices, listings: the analysis reads their record's scalar fields and, for an act
            # title, the start of the text; not their evidence (most of a record's memory) or body
            doc.record["evidence"] = []
            doc.text = (doc.text or "")[:200] or None
        yield doc


def load_inputs(db: sqlite_utils.Database) -> list[DocInput]:
    """A DocInput per extraction record whose document is currently at some location (a page
    replaced by new content no longer counts; one that vanished keeps its last content)."""
    return list(iter_inputs(db))


def load_items(db: sqlite_utils.Database, document_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """E1's `items` rows (control_code / element -> hs_codes per act) when that table exists; with
    `document_ids`, only those documents' items."""
    if "items" not in db.table_names():
        return []
    out = []
    # only the columns the measures read (quotes and names of every item would be most of the memory)
    sql = "SELECT document_id, announcement, element, control_code, hs_codes FROM items WHERE "
    if document_ids is None:
        rows: Any = db.query(sql + "document_id IN (SELECT document_id FROM locations)")
    else:  # one document at a time: an index search each (an IN list made SQLite scan the locations)
        rows = (row for doc_id in document_ids for row in db.query(
            sql + "document_id = ? AND EXISTS (SELECT 1 FROM locations WHERE document_id = ?)", [doc_id, doc_id]))
    for row in rows:
        item = dict(row)
        item.setdefault("announcement", item.get("act"))
        item["hs_codes"] = _load(item.get("hs_codes"), [])
        out.append(item)
    return out


# --- one analysis per database state ----------------------------------------------------------
# In one `exportwatch run` the diff stage and then the alert stage (upcoming events, state on a day)
# each ask for the analysis of every current record, and a re-run on an unchanged corpus asks
# again. `inputs_fingerprint` digests what the analysis reads (current records and locations, this
# package's code and scope vocabulary), so the analysis is computed once per process and state,
# the diff stage skips a run whose inputs, day and outputs are unchanged (state in `diff_cache`),
# and the alert stage can tell that the timed events it evaluated last time still hold.

@functools.lru_cache(maxsize=1)
def code_version() -> str:
    from pipeline.diff.scope import VOCAB_PATH

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")) + [Path(VOCAB_PATH)]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def inputs_fingerprint(db: sqlite_utils.Database) -> str | None:
    """Digest of the analysis inputs (None without records: nothing to key on). Documents are
    immutable (id = content hash); a re-extraction changes the record's version or time."""
    tables = set(db.table_names())
    if "records" not in tables or "locations" not in tables:
        return None
    digest = hashlib.sha256(code_version().encode())
    for sql in ("SELECT source || '|' || ifnull(url, '') || '|' || ifnull(document_id, '') AS x FROM locations "
                "ORDER BY source",
                "SELECT document_id || '|' || ifnull(pipeline_version, '') || '|' || ifnull(extracted_at, '') AS x "
                "FROM records ORDER BY document_id"):
        # row by row, the bytes group_concat(x, char(10)) gave: one string of the whole corpus was
        # the stage's largest allocation at 10,000 documents
        sep = b""
        for (x,) in db.execute(sql):
            if x is not None:
                digest.update(sep + x.encode())
                sep = b"\n"
        digest.update(b"\0")
    return digest.hexdigest()


_MEMO: dict[str, Any] = {}


def load_analysis(db: sqlite_utils.Database, *, full: bool = False) -> Analysis:
    """The analysis of the current records, computed once per process for a given fingerprint.
    It may be the diff stage's stored one (Analysis.lean: no change list, measures read from the
    tables it wrote, valid only for that database file) unless `full`."""
    fp = inputs_fingerprint(db)
    key = (fp, load_inputs, load_items)  # (tests may substitute the loaders)
    if fp is not None and _MEMO.get("key") == key and not (full and _MEMO["analysis"].lean):
        memo = _MEMO["analysis"]
        if not hasattr(memo, "rebind") or memo.rebind(db, db_file(db)):
            return memo
    _MEMO.clear()
    analysis = analyse(load_inputs(db), load_items(db))
    if fp is not None:
        _MEMO.update(key=key, analysis=analysis)
    return analysis


def db_file(db: sqlite_utils.Database) -> str | None:
    """The main database's file ('' for an in-memory one)."""
    row = db.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()
    return row[0] if row else None


def remember_analysis(db: sqlite_utils.Database, analysis: Analysis) -> None:
    """Keep `analysis` (e.g. the diff stage's lean one) as the analysis of the current records, for
    the rest of this process (the alert stage's upcoming events and state)."""
    fp = inputs_fingerprint(db)
    _MEMO.clear()
    if fp is not None:
        _MEMO.update(key=(fp, load_inputs, load_items), analysis=analysis)


def cached_value(db: sqlite_utils.Database, key: str, fp: str | None) -> Any:
    """The value stored under `key` for fingerprint `fp`, else None."""
    if fp is None or "diff_cache" not in db.table_names():
        return None
    row = db.execute("SELECT fingerprint, value FROM diff_cache WHERE key = ?", [key]).fetchone()
    return json.loads(row[1]) if row and row[0] == fp else None


def store_value(db: sqlite_utils.Database, key: str, fp: str | None, value: Any) -> None:
    """Remember `value` for `fp` (dropping entries of other fingerprints); a read-only or busy
    database just goes without."""
    if fp is None:
        return
    try:
        db.execute(CACHE_SCHEMA)  # diff_cache only: creating the other tables would read as "the stage ran"
        db.execute("DELETE FROM diff_cache WHERE fingerprint != ?", [fp])
        db.execute("INSERT OR REPLACE INTO diff_cache (key, fingerprint, value) VALUES (?, ?, ?)", [key, fp, _json(value)])
    except sqlite3.OperationalError:
        pass


def outputs_signature(db: sqlite_utils.Database) -> str:
    """Row counts of the diff's own tables: a table emptied or edited by hand forces a recompute."""
    return "|".join(str(db.execute(f"SELECT count(*), max(rowid) FROM {t}").fetchone())
                    for t in ("announcements", "measures", "changes", "state_today", "discrepancies"))


def status_of(date: str | None, today: dt.date | str) -> str:
    """`scheduled` for a change dated after today (known from the text, not yet happened)."""
    day = today.isoformat() if isinstance(today, dt.date) else str(today)
    return "scheduled" if date and date > day else "occurred"


def change_row(c: Change, *, news: bool, today: dt.date | str) -> dict[str, Any]:
    return {"id": change_id(c), "announcement": c.announcement, "date": c.date, "type": c.type, "kind": c.kind,
            "subject": c.subject, "evidence": _json(c.evidence), "hs_codes": _json(c.hs_codes),
            "new": None if c.new is None else int(c.new), "news": int(news),
            "status": "occurred" if news else status_of(c.date, today)}  # a report is never "scheduled"


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        cols = list(row)
        db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                   [row[c] for c in cols])


def save_analysis(db: sqlite_utils.Database, a: Analysis, *, today: dt.date, run_id: int | None) -> list[dict[str, Any]]:
    """Replace acts, measures, discrepancies and state_today; insert changes whose id is new.
    Returns the inserted change rows (already enqueued for alerts, in the same transaction)."""
    from pipeline.diff.state import state_on

    ensure_schema(db)
    derived = [change_row(c, news=False, today=today) for c in a.changes]
    derived += [change_row(c, news=True, today=today) for c in a.news]
    state = state_on(a, today)
    ts = now()
    with transaction(db):
        for table in ("state_today", "measures", "discrepancies", "announcements"):
            db.execute(f"DELETE FROM {table}")
        _insert(db, "announcements", [_announcement_row(act, run_id) for act in a.acts.values()])
        _insert(db, "measures", [_measure_row(m) for m in a.measures])
        _insert(db, "discrepancies", [_discrepancy_row(d) for d in a.discrepancies])
        _insert(db, "state_today", [{
            "measure_id": f"{e['announcement']}|{e['kind']}|{e['subject']}", "date": state["date"],
            "announcement": e["announcement"], "kind": e["kind"], "subject": e["subject"], "status": e["status"],
            "since": e["since"], "until": e["until"], "suspended_by": _json(e.get("suspended_by", [])),
            "hs_codes": _json(e["hs_codes"]), "evidence": _json(e["evidence"]),
        } for e in state["measures"]])
        existing = {r[0] for r in db.execute("SELECT id FROM changes").fetchall()}
        new_rows = [{**r, "detected_run_id": run_id, "detected_at": ts} for r in derived if r["id"] not in existing]
        _insert(db, "changes", new_rows)
        for r in derived:
            if r["id"] in existing:
                db.execute("UPDATE changes SET evidence = ?, hs_codes = ?, new = ?, status = ?, withdrawn_run_id = NULL "
                           "WHERE id = ?", [r["evidence"], r["hs_codes"], r["new"], r["status"], r["id"]])
        current = [r["id"] for r in derived]
        db.execute("UPDATE changes SET withdrawn_run_id = ? WHERE withdrawn_run_id IS NULL AND id NOT IN "
                   "(SELECT value FROM json_each(?))", [run_id if run_id is not None else 0, _json(current)])
    return new_rows


def _announcement_row(act: Any, run_id: int | None) -> dict[str, Any]:
    return {
        "id": act.id, "relevant": int(bool(act.copies) or any(d.record.get("relevant") for d in act.others)
                                      or act.seen_only_in_citations),
        "issuers": _json(act.issuers), "title_zh": act.title_zh, "title_en": act.title_en,
        "issued": act.issued, "effective": _json(act.effective), "documents": _json(act.documents()),
        "relations": _json([r.__dict__ for r in act.relations]), "cited_by": _json(act.cited_by),
        "seen_only_in_citations": int(act.seen_only_in_citations), "run_id": run_id,
    }


def _discrepancy_row(d: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"{d['announcement']}|{d['field']}", "announcement": d["announcement"], "field": d["field"],
            "zh_only": _json(d["zh_only"]), "en_only": _json(d["en_only"]),
            "zh_documents": _json(d["zh_documents"]), "en_documents": _json(d["en_documents"])}


def _measure_row(m: Any) -> dict[str, Any]:
    return {"id": m.id, "announcement": m.announcement, "kind": m.kind, "subject": m.subject, "issued": m.issued,
            "effective": m.effective, "clauses": _json(m.clauses), "hs_codes": _json(m.hs_codes),
            "evidence": _json(m.evidence), "documents": _json(m.documents), "new": None if m.new is None else int(m.new)}


def run_streamed(db: sqlite_utils.Database, *, today: dt.date, run_id: int | None) -> tuple[Analysis, dict[str, int]]:
    """What `save_analysis(db, analyse(load_inputs(db), load_items(db)))` writes, computed one act at a
    time (pipeline.diff.stream) so memory does not grow with the corpus. Returns the stored analysis
    (timeline in memory, measures read back from the tables) and counts: acts, measures,
    discrepancies, and the changes inserted `{"changes": from acts, "news": from news}`; these are
    enqueued for alerts in the same transaction, in chunks of stream.CHUNK rows (one call per chunk)."""
    from pipeline.diff import stream

    ensure_schema(db)
    ts = now()
    with transaction(db):
        # measures are written act by act, their announcements once every act is known (cited_by)
        db.execute("PRAGMA defer_foreign_keys = ON")  # (until this transaction commits)
        for table in ("state_today", "measures", "discrepancies", "announcements"):
            db.execute(f"DELETE FROM {table}")
        return stream.run(db, today=today, run_id=run_id, ts=ts)


def read_changes(db: sqlite_utils.Database, *, since: str | None = None, include_news: bool = False,
                 today: dt.date | str | None = None) -> list[dict[str, Any]]:
    """Stored, current (not withdrawn) changes oldest first, as the CLI prints them."""
    from pipeline.diff.changes import sort_key

    if "changes" not in db.table_names():
        return []
    sql = "SELECT * FROM changes WHERE withdrawn_run_id IS NULL"
    params: list[Any] = []
    if not include_news:
        sql += " AND news = 0"
    if since:
        sql += " AND date >= ?"
        params.append(since)
    out = []
    for row in db.query(sql, params):
        c = Change(row["announcement"], row["date"], row["type"], row["kind"], row["subject"],
                   _load(row["evidence"], []), _load(row["hs_codes"], []),
                   None if row["new"] is None else bool(row["new"]))
        out.append((sort_key(c), {
            "announcement": c.announcement, "date": c.date, "type": c.type, "kind": c.kind, "subject": c.subject,
            "evidence": c.evidence, "hs_codes": c.hs_codes, "new": c.new, "id": row["id"], "news": bool(row["news"]),
            "status": status_of(c.date, today) if today else row["status"],
            "detected_run_id": row["detected_run_id"], "detected_at": row["detected_at"],
        }))
    return [row for _, row in sorted(out, key=lambda p: p[0])]


def compute_changes(db: sqlite_utils.Database, *, since: str | None = None, include_news: bool = False,
                    today: dt.date | str | None = None) -> list[dict[str, Any]]:
    """The change list: the stored rows when the diff stage has run on this database, else derived
    from the current records on the fly (same fields, without detection metadata)."""
    if "changes" in db.table_names():
        return read_changes(db, since=since, include_news=include_news, today=today)
    from pipeline.diff.changes import sort_key

    a = load_analysis(db, full=True)
    day = today or dt.date.today()
    rows = [(c, False) for c in a.changes] + ([(c, True) for c in a.news] if include_news else [])
    out = []
    for c, news in sorted(rows, key=lambda p: sort_key(p[0])):
        if since and (c.date or "") < since:
            continue
        out.append({**c.to_dict(), "id": change_id(c), "news": news, "status": status_of(c.date, day)})
    return out
