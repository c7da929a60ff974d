"""The diff stage as `exportwatch run` calls it: records -> acts, measures, changes, state_today.

Runs after extraction. Without a `records` table (extraction not run, or not built yet) there is
nothing to diff: the stage says so and leaves its tables as they are.
"""
from __future__ import annotations

from pipeline.context import Context
from pipeline.diff import store


def run_stage(ctx: Context, **options) -> None:
    """Recompute acts and measures from all current records; insert only new changes (alerted in
    the same transaction); refresh state_today for `ctx.today`."""
    store.ensure_schema(ctx.db)
    if "records" not in ctx.db.table_names():
        ctx.log("diff: no extraction records yet; nothing to compare")
        return
    # Same inputs (records, locations, code), same day and untouched outputs as the last diff: the
    # result would be identical, so skip it (a no-op re-run then reads no record and no text).
    fp = store.inputs_fingerprint(ctx.db)
    done = {"today": ctx.today.isoformat(), "outputs": store.outputs_signature(ctx.db)}
    last = store.cached_value(ctx.db, "stage", fp)
    if last and {k: last.get(k) for k in done} == done:
        for name, n in (last.get("counts") or {}).items():
            ctx.count(name, n)
        ctx.count("changes_new", 0)
        ctx.count("news_changes_new", 0)
        ctx.log("diff: inputs unchanged since the last run; nothing to recompute")
        return
    # One act at a time (memory bounded by the largest act, not the corpus); the stored analysis it
    # leaves (timeline in memory, measures read from the tables) serves the alert stage in this process.
    analysis, counts = store.run_streamed(ctx.db, today=ctx.today, run_id=ctx.run_id)
    store.remember_analysis(ctx.db, analysis)
    ctx.count("changes_new", counts.pop("changes"))
    ctx.count("news_changes_new", counts.pop("news"))
    if not counts["discrepancies"]:
        del counts["discrepancies"]
    for name, n in counts.items():
        ctx.count(name, n)
    store.store_value(ctx.db, "stage", fp, {**done, "outputs": store.outputs_signature(ctx.db), "counts": counts})
