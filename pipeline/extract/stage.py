"""The extract stage as `exportwatch run` calls it: current documents -> records (incremental).

A document is extracted when it has no `records` row at the current pipeline version (package
version + hash of the model sources), so an unchanged corpus re-extracts nothing and a changed
pattern or rule re-extracts everything. Documents stream through `nlp.pipe` in batches; the rows
of COMMIT_EVERY documents are replaced per transaction, so an interrupted run loses at most that
many (they have no current record, so the next run extracts them again).
"""
from __future__ import annotations

from typing import Iterator

from pipeline import store as core
from pipeline.context import Context
from pipeline.extract import extract_many, pipeline_version
from pipeline.extract import store
from pipeline.records import Document

BATCH_SIZE = 16
COMMIT_EVERY = 64  # documents per transaction: one commit per document was a third of the stage


def run_stage(ctx: Context, **options) -> None:
    """Extract every current document without a record at this pipeline version.

    Counts: `extracted` (records written), `extract_skipped` (already current), `extract_errors`
    (documents whose parse left no text: nothing to extract; the parse error is already logged)."""
    store.ensure_schema(ctx.db)
    version = pipeline_version()
    todo, current = store.documents_to_extract(ctx.db, version)
    ctx.count("extract_skipped", current)
    if not todo:
        ctx.count("extracted", 0)
        return

    def documents() -> Iterator[Document]:
        for doc_id in todo:
            doc = core.load_document(ctx.db, doc_id)
            if not (doc.text or "").strip():
                ctx.count("extract_errors")
                continue
            yield doc

    n = 0
    conn = ctx.db.conn
    try:
        for x in extract_many(documents(), batch_size=options.get("batch_size", BATCH_SIZE)):
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            store.save_extraction(ctx.db, x, commit=False)
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
