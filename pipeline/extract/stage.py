"""The extract stage as `exportwatch run` calls it: current documents -> records (incremental).

A document is extracted when it has no `records` row at the current pipeline version (package
version + hash of the model sources), so an unchanged corpus re-extracts nothing and a changed
pattern or rule re-extracts everything. Documents stream through `nlp.pipe` in batches; the rows
of COMMIT_EVERY documents are replaced per transaction, so an interrupted run loses at most that
many (they have no current record, so the next run extracts them again).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from pipeline import store as core
from pipeline.context import Context
from pipeline.extract import Extraction, ExtractionFailure, extract_many, pipeline_version
from pipeline.extract import store
from pipeline.records import Document

BATCH_SIZE = 16
COMMIT_EVERY = 64  # documents per transaction: one commit per document was a third of the stage


class DocumentLoader:
    """Loads a document by id where the extraction runs: each process opens its own read-only
    connection on first use (a forked worker must not share its parent's). None when the
    parse left no text (nothing to extract)."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._db: tuple[int, sqlite_utils.Database] | None = None

    def __call__(self, doc_id: str) -> Document | None:
        if self._db is None or self._db[0] != os.getpid():
            conn = sqlite3.connect(f"file:{quote(str(Path(self.db_path).resolve()))}?mode=ro", uri=True,
                                   timeout=30, check_same_thread=False)
            self._db = (os.getpid(), sqlite_utils.Database(conn))
        doc = core.load_document(self._db[1], doc_id)
        return doc if (doc.text or "").strip() else None


def _rows(doc: Document, x: Extraction) -> store.Rows:
    return store.extraction_rows(x)


def run_stage(ctx: Context, **options) -> None:
    """Extract every current document without a record at this pipeline version.

    Counts: `extracted` (records written), `extract_skipped` (already current), `extract_errors`
    (documents whose parse left no text: nothing to extract, the parse error is already logged; and
    documents the extractor failed on: the error is the run's and the document's `error`, the
    other documents are extracted all the same)."""
    store.ensure_schema(ctx.db)
    version = pipeline_version()
    todo, current = store.documents_to_extract(ctx.db, version)
    ctx.count("extract_skipped", current)
    if not todo:
        ctx.count("extracted", 0)
        return
    if ctx.db_path is not None and ctx.db_path.is_file():
        load = DocumentLoader(ctx.db_path)  # the documents are committed: workers read them
    else:
        def load(doc_id: str) -> Document | None:
            doc = core.load_document(ctx.db, doc_id)
            return doc if (doc.text or "").strip() else None

    n = 0
    conn = ctx.db.conn
    try:
        for rows in extract_many(todo, load=load, post=_rows, batch_size=options.get("batch_size", BATCH_SIZE)):
            if rows is None:
                ctx.count("extract_errors")
                continue
            if isinstance(rows, ExtractionFailure):  # this document only: recorded, the run goes on
                ctx.count("extract_errors")
                ctx.error("extract", f"{rows.source}: {rows.error}")
                if not conn.in_transaction:
                    conn.execute("BEGIN IMMEDIATE")
                conn.execute("UPDATE documents SET error = ? WHERE id = ? AND (error IS NULL OR error = '')",
                             [rows.error, rows.document_id])
                continue
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            store.write_rows(conn, rows)
            n += 1
            if n % COMMIT_EVERY == 0:
                conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    if conn.in_transaction:
        conn.commit()
    ctx.count("extracted", n)
    ctx.log(f"extract: {n} extracted, {current} already current")
