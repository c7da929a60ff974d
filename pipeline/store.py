"""The SQLite store's core tables: blobs, documents, locations, runs.

Stages own their own tables (extract, diff, alert, fetch each create theirs with an
`ensure_schema(db)`); this module holds what every stage shares. Schema is created by code,
idempotently, so a fresh clone needs no migration step.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from pipeline import dbfaults
from pipeline.records import Document, Raw


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open (creating) the database in WAL mode with foreign keys on and a busy timeout.

    Only an exportwatch database (or a new or empty file) is opened; anything else is refused
    before a byte is written, and a fault (read-only, damaged, disk full …) is one clear
    DatabaseFault (pipeline/dbfaults.py)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise dbfaults.DatabaseFault(dbfaults.describe(exc, path)) from None
    unmarked = dbfaults.claim(path)
    dbfaults.last_path = path
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        if unmarked:  # before WAL: a new file carries the mark in its header at once
            dbfaults.mark(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        db = sqlite_utils.Database(conn)
        ensure_schema(db)
    except sqlite3.Error as exc:
        raise dbfaults.DatabaseFault(dbfaults.describe(exc, path)) from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "runs" not in db.table_names():
        db["runs"].create(
            {
                "id": int,
                "command": str,
                "started": str,
                "ended": str,
                "status": str,  # running | ok | failed | interrupted (killed; see mark_interrupted)
                "counts": str,  # JSON object
                "errors": str,  # JSON list of {where, error}
                "timings": str,  # JSON object: seconds per stage
            },
            pk="id",
        )
    elif "timings" not in db["runs"].columns_dict:
        db["runs"].add_column("timings", str)
    if "blobs" not in db.table_names():
        db["blobs"].create({"sha256": str, "size": int, "content": bytes, "first_seen": str}, pk="sha256")
    if "documents" not in db.table_names():
        db["documents"].create(
            {
                "id": str,
                "source": str,
                "url": str,
                "media_type": str,
                "encoding": str,
                "lang": str,
                "title": str,
                "published": str,
                "text": str,
                "blocks": str,
                "tables": str,
                "links": str,
                "meta": str,
                "parser": str,
                "error": str,
                "warnings": str,
                "run_id": int,
                "ingested_at": str,
            },
            pk="id",
            foreign_keys=[("id", "blobs", "sha256"), ("run_id", "runs", "id")],
        )
        db["documents"].create_index(["source"])
        db["documents"].create_index(["error"])
    if "locations" not in db.table_names():
        # Where a document was seen: a path in the corpus or a URL. One row per location, pointing at
        # the content it served most recently, so a changed page is a new document at the same place.
        db["locations"].create(
            {
                "source": str,
                "url": str,
                "document_id": str,
                "first_seen": str,
                "last_seen": str,
                "run_id": int,
            },
            pk="source",
            foreign_keys=[("document_id", "documents", "id"), ("run_id", "runs", "id")],
        )
        db["locations"].create_index(["document_id"])


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT on the autocommit connection `open_db` makes.

    Takes the write lock up front so a concurrent writer waits (busy_timeout) instead of failing
    midway, and rolls back everything on any error. Inside a caller's open transaction it becomes a
    savepoint, so the caller decides when to commit. (`with db.conn:` alone does not open a
    transaction on an isolation_level=None connection: each statement would commit by itself.)
    """
    if db.conn.in_transaction:
        db.execute("SAVEPOINT ew_nested")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK TO SAVEPOINT ew_nested")
            db.execute("RELEASE SAVEPOINT ew_nested")
            raise
        db.execute("RELEASE SAVEPOINT ew_nested")
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def start_run(db: sqlite_utils.Database, command: str) -> int:
    table = db["runs"]
    table.insert({"command": command, "started": now(), "status": "running", "counts": "{}", "errors": "[]"})
    return int(table.last_pk)


# Commands that hold the database's run lock (pipeline/lock.py) for their whole run: while one
# of them holds it, no other of them is alive, so a row of theirs still 'running' was killed.
LOCKED_COMMANDS = ("run", "run --live", "update", "fetch", "bench run")


def mark_interrupted(db: sqlite_utils.Database, by_run: int) -> int:
    """Mark runs of LOCKED_COMMANDS left 'running' by a killed process as 'interrupted' (call with
    the run lock held). Returns how many."""
    marks = ",".join("?" * len(LOCKED_COMMANDS))
    error = json.dumps([{"where": "run", "error": f"interrupted: the process ended before finishing "
                                                  f"(killed?); found by run {by_run}"}])
    cur = db.execute(f"UPDATE runs SET status = 'interrupted', ended = ?, errors = ? "
                     f"WHERE status = 'running' AND id != ? AND command IN ({marks})",
                     [now(), error, by_run, *LOCKED_COMMANDS])
    return cur.rowcount


def finish_run(db: sqlite_utils.Database, run_id: int, *, status: str, counts: dict[str, int],
               errors: list[dict[str, Any]], timings: dict[str, float] | None = None) -> None:
    db["runs"].update(run_id, {
        "ended": now(), "status": status, "timings": json.dumps(timings or {}),
        "counts": json.dumps(counts, sort_keys=True), "errors": json.dumps(errors, ensure_ascii=False),
    })


def has_document(db: sqlite_utils.Database, doc_id: str) -> bool:
    return bool(db.execute("select 1 from documents where id = ?", [doc_id]).fetchone())


def save_document(db: sqlite_utils.Database, raw: Raw, doc: Document, run_id: int | None) -> bool:
    """Archive the raw bytes once by hash and store the parsed document. Returns True when new."""
    ts = now()
    new = False
    with transaction(db):  # blob, document and location land together or not at all
        if not db.execute("select 1 from blobs where sha256 = ?", [raw.sha256]).fetchone():
            db["blobs"].insert({"sha256": raw.sha256, "size": len(raw.content), "content": raw.content,
                                "first_seen": ts})
        if not has_document(db, doc.id):
            db["documents"].insert(document_row(doc, run_id, ts))
            new = True
        save_location(db, raw.source, raw.url, doc.id, run_id, ts)
    return new


def save_location(db: sqlite_utils.Database, source: str, url: str | None, doc_id: str,
                  run_id: int | None, ts: str | None = None) -> None:
    ts = ts or now()
    # one plain statement (sqlite-utils' upsert introspected the table: ~13 queries per file, most of
    # a no-op re-run's ingest); first_seen is kept for a known location
    db.execute(
        "INSERT INTO locations (source, url, document_id, first_seen, last_seen, run_id) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(source) DO UPDATE SET url = excluded.url, document_id = excluded.document_id, "
        "last_seen = excluded.last_seen, run_id = excluded.run_id",
        [source, url, doc_id, ts, ts, run_id])


def document_row(doc: Document, run_id: int | None, ts: str) -> dict[str, Any]:
    d = doc.to_dict()
    for key in ("blocks", "tables", "links", "meta", "warnings"):
        d[key] = json.dumps(d[key], ensure_ascii=False)
    d["run_id"] = run_id
    d["ingested_at"] = ts
    return d


def load_document(db: sqlite_utils.Database, doc_id: str) -> Document:
    """Rebuild a Document record from its row (the inverse of document_row)."""
    from pipeline.records import Block, Link, Table

    # one plain query: sqlite-utils' Table.get introspects the table first (6 statements a call)
    cur = db.conn.execute("SELECT * FROM documents WHERE id = ?", [doc_id])
    values = cur.fetchone()
    if values is None:
        raise KeyError(f"no document {doc_id!r}")
    row = dict(zip((c[0] for c in cur.description), values))
    for key in ("run_id", "ingested_at"):
        row.pop(key, None)
    row["blocks"] = [Block(**b) for b in json.loads(row["blocks"] or "[]")]
    row["tables"] = [Table(**t) for t in json.loads(row["tables"] or "[]")]
    row["links"] = [Link(**link) for link in json.loads(row["links"] or "[]")]
    row["meta"] = json.loads(row["meta"] or "{}")
    row["warnings"] = json.loads(row["warnings"] or "[]")
    return Document(**row)


def current_documents(db: sqlite_utils.Database) -> Iterable[str]:
    """Ids of the documents currently at some location, in a stable order."""
    for (doc_id,) in db.execute(
        "select distinct document_id from locations order by source"
    ).fetchall():
        yield doc_id
