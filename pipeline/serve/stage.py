"""The serve stage as `exportwatch run` calls it, last: refresh the views, helper tables and
full-text indexes Datasette reads, so the database is ready to browse the moment a run ends, and
publish a new served copy once the run's row is final, when the database is being served
(pipeline/serve/snapshot.py): a running `exportwatch serve` then shows this run's data at once.

A failure here is recorded as a run error, not raised: the data the earlier stages wrote (and the
alerts they sent) are what matters; a stale view must not fail an otherwise good run.
"""
from __future__ import annotations

import sqlite3

from pipeline.context import Context
from pipeline.serve.snapshot import is_published, publish
from pipeline.serve.views import checkpoint, prepare


def publish_if_served(ctx: Context) -> None:
    """Publish the served copy of the run's database, if it is being served."""
    if ctx.db_path is None or not is_published(ctx.db_path):
        return
    try:
        publish(ctx.db.conn, ctx.db_path)
    except (OSError, sqlite3.Error) as exc:  # the server keeps the previous copy; the data is safe
        ctx.log(f"[red]error[/red] serve: could not publish the served copy: {exc}")


def run_stage(ctx: Context, **options) -> None:
    """Run `prepare` on the run's database and fold the WAL into the main file; publish when the
    run has finished."""
    ctx.when_finished(publish_if_served)
    try:
        report = prepare(ctx.db)
    except Exception as exc:  # noqa: BLE001 - reported to the run, see the docstring
        ctx.error("serve.prepare", f"{type(exc).__name__}: {exc}")
        return
    ctx.count("serve_views", len(report.views))
    if report.fts_rebuilt:
        ctx.count("serve_fts_rebuilt", len(report.fts_rebuilt))
    checkpoint(ctx.db)
    ctx.log(f"serve: {len(report.views)} views, {report.hs_codes} HS-code rows, "
            f"{report.sentences_added} new evidence sentences, FTS rebuilt: "
            f"{', '.join(report.fts_rebuilt) or 'none'} ({report.seconds:.2f}s)")
