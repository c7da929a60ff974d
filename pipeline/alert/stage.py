"""The alert stage, last in `exportwatch run` and the body of `exportwatch alert`.

Order matters: (1) pull the changes each channel has not had yet into the outbox, (2) fire timed
and health alerts (each committed with its outbox rows), (3) deliver everything pending, (4)
rewrite the Atom feed. The diff stage only records changes; this stage never decides what changed,
it makes sure every recorded change reaches every channel once (pipeline/alert/outbox.py).
`prepare` runs before the first stage of a run (pipeline.runner): it registers the configured
channels, so the changes the diff stage records in that run are theirs.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from rich.markup import escape

from pipeline.alert import atom, digest, message, outbox, timed
from pipeline.alert.channels import Channel, load_channels, operations_configured, send_apprise
from pipeline.context import Context
from pipeline.diff import api as diff_api

DEFAULT_HORIZON = 14


def apprise_sender(channel: Channel, msg: outbox.Message) -> tuple[bool, str | None]:
    """outbox.Sender over apprise (with the EXPORTWATCH_TEST_SLOW_SEND test hook)."""
    return send_apprise(channel, msg.title, msg.body, key=msg.key, slow=outbox.slow_send_delay())


@dataclass
class StageResult:
    fired: list[dict[str, Any]] = field(default_factory=list)
    delivery: outbox.DeliveryReport | None = None
    feed_entries: int = 0
    backfilled: int = 0


def _missing_for(ctx: Context, ch: Channel) -> int:
    """Changes recorded before `ch` was registered that it has no alert for (what --backfill adds)."""
    had = {r[0] for r in ctx.db.execute("SELECT change_id FROM alerts WHERE channel_id = ?", [ch.id])}
    return sum(1 for _, cid in diff_api.change_ids_after(ctx.db, 0) if cid not in had)


def announce_channels(ctx: Context, channels: list[Channel]) -> None:
    """Say once which channels are new and what they will (not) get."""
    if not channels:
        ctx.log("alert: no notification channel configured (set EXPORTWATCH_NOTIFY or config/notify.toml); "
                "writing the Atom feed only")
        return
    for ch in outbox.register_channels(ctx.db, channels):
        missing = _missing_for(ctx, ch)
        note = (f"; it gets alerts for changes detected from now on — `exportwatch alert --backfill` sends it "
                f"the {missing} recorded earlier" if missing else "")
        ctx.log(escape(f"alert: new channel {ch.label}{note}"))


def report_fired(ctx: Context, fired: list[dict[str, Any]]) -> None:
    for row in fired:
        ctx.log(escape(f"alert: [{row['topic']}] {row['title']}"))
        for line in row["body"].splitlines()[1:]:
            ctx.log(escape(f"    {line}"))


def prepare(ctx: Context, *, channels: list[Channel] | None = None) -> None:
    """Register the configured channels before the run's diff stage records anything."""
    outbox.ensure_schema(ctx.db)
    announce_channels(ctx, load_channels() if channels is None else channels)


def run_stage(ctx: Context, *, channels: list[Channel] | None = None, send: outbox.Sender | None = None,
              horizon: int = DEFAULT_HORIZON, backfill: bool = False, **options: Any) -> StageResult:
    """Fire timed/health alerts, deliver pending alerts, rewrite `<db dir>/alerts.atom`."""
    db = ctx.db
    result = StageResult()
    outbox.ensure_schema(db)
    timed.ensure_schema(db)
    channels = load_channels() if channels is None else channels
    announce_channels(ctx, channels)
    ctx.count("alerts_queued", outbox.pull(db, channels))
    if backfill and channels:
        result.backfilled = outbox.backfill(db, channels)
        ctx.log(f"alert: backfill queued {result.backfilled} alert(s)")

    evaluation = timed.evaluation_key(db, ctx.today, horizon)
    rows = timed.candidates(db, ctx.today, horizon, ctx.run_id, unless_evaluated=evaluation)
    result.fired = timed.fire_due(db, rows, channels)
    timed.remember_evaluated(db, evaluation)
    report_fired(ctx, result.fired)
    ctx.count("alerts_timed", len(result.fired))

    if channels:
        report = outbox.deliver(db, channels, message.render, send or apprise_sender,
                                send_batch=functools.partial(digest.deliver, render=message.render_digest))
        result.delivery = report
        if report.locked:
            ctx.log("alert: another process is delivering alerts for this database; delivery skipped")
        if report.resent_after_crash:
            ctx.log(f"alert: {report.resent_after_crash} alert(s) were interrupted mid-send by an earlier "
                    "process; resent with their idempotency keys")
        for label, error in report.errors:
            ctx.error(escape(f"alert {label}"), escape(error))
        for label, n in report.deferred.items():
            ctx.log(escape(f"alert: {label} failed repeatedly; {n} alert(s) left for the next run"))
        if report.orphaned:
            ctx.log(f"alert: {report.orphaned} pending alert(s) belong to channels no longer configured")
        ctx.count("alerts_sent", report.sent)
        ctx.count("alerts_failed", report.failed)
    else:
        ctx.count("alerts_sent", 0)
        ctx.count("alerts_failed", 0)

    if ctx.db_path is not None:
        path = atom.feed_path(ctx.db_path)
        result.feed_entries = atom.write(db, path, health=not operations_configured(channels))
        ctx.log(escape(f"alert: {path} rewritten ({result.feed_entries} entries)"))
    return result


def preview(ctx: Context, channels: list[Channel], *, horizon: int = DEFAULT_HORIZON,
            backfill: bool = False) -> list[tuple[str, str]]:
    """(channel label or "feed", title) of everything a real run would send now. Reads only."""
    db = ctx.db
    tables = set(db.table_names())
    out: list[tuple[str, str]] = []
    labels = {ch.id: ch.label for ch in channels}
    if "alerts" in tables:
        for row in outbox.pending(db):
            if row["channel_id"] in labels:
                out.append((labels[row["channel_id"]], message.render(db, row).title))
    rows = timed.candidates(db, ctx.today, horizon, ctx.run_id)
    for row in rows:
        if not timed.already_fired(db, row["key"]):
            out += [(ch.label, row["title"]) for ch in channels] or [("feed", row["title"])]
    if backfill:
        for ch in channels:
            known = set()
            if "alerts" in tables:
                known = {r[0] for r in db.execute("SELECT change_id FROM alerts WHERE channel_id = ?", [ch.id])}
            for _, change_id in diff_api.change_ids_after(db, 0):
                if change_id not in known:
                    out.append((ch.label, message.render(db, {"change_id": change_id, "topic": "change"}).title))
    return out
