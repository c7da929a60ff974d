"""The diff stage's tables: schema, and the mapping between model objects and rows.

Tables (created with plain SQL so `ensure_schema` is safe inside an open transaction):

- `announcements`: one row per act `MOFCOM-YYYY-N`, all copies merged. `issuers`, `effective`,
  `documents` (`[{document_id, source, url, kind, lang}]`), `relations`, `cited_by` are JSON;
  `seen_only_in_citations` = 1 for a stub that some act cites but no current document carries.
- `measures`: one row per (announcement, kind, subject) an act brings into scope; `effective` is the
  date of the clause its evidence sits in (else the act's); `clauses`, `hs_codes`, `evidence` JSON.
  Written in act order, kinds and subjects sorted: the order of the state on a date.
- `changes`: the change list, one row per change id (hash of announcement|type|kind|subject|date).
  Rows are only ever inserted once (`detected_run_id`, `detected_at` = first detection); `status` is
  `scheduled` (dated after today) or `occurred`; `news` = 1 for reported/proposed entries from news;
  `withdrawn_run_id` is set when the current records no longer yield the change (e.g. a corrected
  page), and cleared if they yield it again. The alert stage pulls new rows by rowid.
- `discrepancies`: (announcement, field) where the Chinese and English copies list different
  elements / control codes / HS codes; `zh_only`, `en_only` JSON.
- `listed_parties`: one row per party measure (kind `party`): the name in the act's language and
  every name its copies print for the party (`names` JSON: other language, aliases), country.
- `state_today`: the state on the run's `today` (Datasette's "current controls"); one row per
  measure: `status` in_force | pending | suspended, `since`, `until`, `suspended_by` JSON.
- `diff_cache`: the stage's last inputs fingerprint and counts (a no-op re-run skips the work).

Every evidence item in these tables carries `document_id`, `start`, `end`, `text` (the span),
`sentence` (the sentence around it) and `url` (where the document was read), so a reader of the
CLI or Datasette sees the sentence and the source without opening the document.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any, Iterable

import sqlite_utils

from pipeline.diff.acts import Act, Relation
from pipeline.diff.changes import change_id
from pipeline.diff.measures import Measure
from pipeline.records import Change

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
    # one row per party measure: every name the act's copies print for the party (what `screen`
    # and the "Is this party listed?" query match against), its country and language
    """CREATE TABLE IF NOT EXISTS listed_parties (
        measure_id TEXT PRIMARY KEY, announcement TEXT NOT NULL, list TEXT NOT NULL, subject TEXT NOT NULL,
        name TEXT NOT NULL, names TEXT, country TEXT, lang TEXT, issued TEXT, effective TEXT)""",
    """CREATE TABLE IF NOT EXISTS state_today (
        measure_id TEXT PRIMARY KEY, date TEXT NOT NULL, announcement TEXT NOT NULL, kind TEXT NOT NULL,
        subject TEXT NOT NULL, status TEXT NOT NULL, since TEXT, until TEXT, suspended_by TEXT,
        hs_codes TEXT, evidence TEXT)""",
]
# The diff stage's last state (see stage.inputs_fingerprint), valid for one fingerprint of the inputs.
CACHE_SCHEMA = "CREATE TABLE IF NOT EXISTS diff_cache (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, value TEXT)"
SCHEMA.append(CACHE_SCHEMA)
# What readers (the Datasette views and canned queries, the CLI) need at 10,000 documents: covering
# indexes for the default facets read a small index instead of the wide rows (their evidence JSON);
# current_controls is sorted by act, newest first, in the stage's order within an act.
READER_INDEXES = [
    "CREATE INDEX IF NOT EXISTS serve_measures_key ON measures (announcement, kind, subject)",
    "CREATE INDEX IF NOT EXISTS serve_changes_announcement ON changes (announcement)",
    "CREATE INDEX IF NOT EXISTS serve_changes_facets ON changes "
    "(type, kind, status, news, withdrawn_run_id, announcement)",
    "CREATE INDEX IF NOT EXISTS serve_state_today_announcement ON state_today (announcement DESC)",
    "CREATE INDEX IF NOT EXISTS serve_state_today_facets ON state_today (status, kind, subject)",
]
OWN_TABLES = ("announcements", "measures", "changes", "discrepancies", "state_today")


def ensure_schema(db: sqlite_utils.Database) -> None:
    for statement in SCHEMA + READER_INDEXES:
        db.execute(statement)


def has_tables(db: sqlite_utils.Database) -> bool:
    """Has the diff stage written its tables on this database?"""
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(OWN_TABLES) <= names


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def insert(db: sqlite_utils.Database, table: str, rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        cols = list(row)
        db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                   [row[c] for c in cols])


def status_of(date: str | None, today: dt.date | str) -> str:
    """`scheduled` for a change dated after today (known from the text, not yet happened)."""
    day = today.isoformat() if isinstance(today, dt.date) else str(today)
    return "scheduled" if date and date > day else "occurred"


def change_row(c: Change, *, news: bool, today: dt.date | str) -> dict[str, Any]:
    return {"id": change_id(c), "announcement": c.announcement, "date": c.date, "type": c.type, "kind": c.kind,
            "subject": c.subject, "evidence": dumps(c.evidence), "hs_codes": dumps(c.hs_codes),
            "new": None if c.new is None else int(c.new), "news": int(news),
            "status": "occurred" if news else status_of(c.date, today)}  # a report is never "scheduled"


def announcement_row(act: Act, run_id: int | None) -> dict[str, Any]:
    return {
        "id": act.id, "relevant": int(bool(act.copies) or any(d.record.get("relevant") for d in act.others)
                                      or act.seen_only_in_citations),
        "issuers": dumps(act.issuers), "title_zh": act.title_zh, "title_en": act.title_en,
        "issued": act.issued, "effective": dumps(act.effective), "documents": dumps(act.documents()),
        "relations": dumps([r.__dict__ for r in act.relations]), "cited_by": dumps(act.cited_by),
        "seen_only_in_citations": int(act.seen_only_in_citations), "run_id": run_id,
    }


def discrepancy_row(d: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"{d['announcement']}|{d['field']}", "announcement": d["announcement"], "field": d["field"],
            "zh_only": dumps(d["zh_only"]), "en_only": dumps(d["en_only"]),
            "zh_documents": dumps(d["zh_documents"]), "en_documents": dumps(d["en_documents"])}


def measure_row(m: Measure) -> dict[str, Any]:
    return {"id": m.id, "announcement": m.announcement, "kind": m.kind, "subject": m.subject, "issued": m.issued,
            "effective": m.effective, "clauses": dumps(m.clauses), "hs_codes": dumps(m.hs_codes),
            "evidence": dumps(m.evidence), "documents": dumps(m.documents), "new": None if m.new is None else int(m.new)}


MEASURE_COLS = "announcement, kind, subject, issued, effective, clauses, hs_codes, new"


def party_row(m: Measure, names: dict[str, Any] | None) -> dict[str, Any]:
    names = names or {}
    lst, _, key = m.subject.partition(":")
    return {"measure_id": m.id, "announcement": m.announcement, "list": lst, "subject": m.subject,
            "name": names.get("name") or key, "names": dumps(names.get("names") or [key]),
            "country": names.get("country"), "lang": names.get("lang"), "issued": m.issued, "effective": m.effective}


def measure_from_row(row: tuple[Any, ...], evidence: Any = None) -> Measure:
    """A Measure from the MEASURE_COLS of a row; `evidence` as given (a list, or the raw JSON text
    a streaming writer passes through unparsed)."""
    ann, kind, subject, issued, effective, clauses, hs_codes, new = row
    return Measure(ann, kind, subject, issued, effective, loads(clauses, []), loads(hs_codes, []),
                   evidence if evidence is not None else [], [], None if new is None else bool(new))


def related_acts(db: sqlite_utils.Database) -> dict[str, Act]:
    """The stored acts that relate to others (suspend, resume, repeal, amend), with their relations:
    all the timeline needs (a few hundred rows at 10,000 documents)."""
    out: dict[str, Act] = {}
    for act_id, issued, relations in db.execute(
            "SELECT id, issued, relations FROM announcements WHERE relations IS NOT NULL AND relations != '[]' "
            "ORDER BY rowid"):
        rels = [Relation(**r) for r in loads(relations, [])]
        if rels:
            out[act_id] = Act(id=act_id, issued=issued, relations=rels)
    return out


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
        db.execute("INSERT OR REPLACE INTO diff_cache (key, fingerprint, value) VALUES (?, ?, ?)", [key, fp, dumps(value)])
    except sqlite3.OperationalError:
        pass


def outputs_signature(db: sqlite_utils.Database) -> str:
    """Row counts of the diff's own tables: a table emptied or edited by hand forces a recompute."""
    return "|".join(str(db.execute(f"SELECT count(*), max(rowid) FROM {t}").fetchone())
                    for t in ("announcements", "measures", "changes", "state_today", "discrepancies"))
