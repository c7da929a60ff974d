"""CLI commands of the alert stage: `exportwatch alert`."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from pipeline.alert import stage
from pipeline.alert.channels import load_channels, send_apprise
from pipeline.context import Context
from pipeline.errors import Errors, fail
from pipeline.options import db_option, quiet_option, today_option


def _test_channels(quiet: bool) -> None:
    channels = load_channels()
    if not channels:
        raise fail(Errors.E005)
    failed = 0
    for ch in channels:
        ok, error = send_apprise(ch, "exportwatch test notification",
                                 "This is a test from `exportwatch alert --test`: this channel works.")
        click.echo(f"{ch.label}: ok" if ok else f"{ch.label}: error: {error}")
        failed += not ok
    if failed:
        sys.exit(1)


@click.command()
@db_option
@today_option
@click.option("--horizon", type=click.IntRange(0, 3650), default=stage.DEFAULT_HORIZON, show_default=True,
              help="Days ahead for 'takes effect soon' / 'suspension ends soon' alerts.")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; change nothing.")
@click.option("--test", "test_", is_flag=True, help="Send one test notification to every channel and report.")
@click.option("--backfill", is_flag=True,
              help="Also send channels every change recorded before they were configured.")
@quiet_option
def alert(db_path: Path, today: dt.date | None, horizon: int, dry_run: bool, test_: bool, backfill: bool,
          quiet: bool) -> None:
    """Send pending alerts (changes, time-based, run health) and rewrite the Atom feed.

    \b
    Channels are apprise URLs from EXPORTWATCH_NOTIFY (comma/space separated), the file named by
    EXPORTWATCH_NOTIFY_FILE, or config/notify.toml (urls = [...]). The feed is <db dir>/alerts.atom.
    \b
    exportwatch alert --test
    exportwatch alert --dry-run --today 2026-11-28
    exportwatch alert --backfill
    """
    if test_:
        _test_channels(quiet)
        return
    if dry_run:
        if not db_path.exists():
            raise fail(Errors.E001, path=db_path)
        ctx = Context.open(db_path, today=today, quiet=quiet)
        channels = load_channels()
        items = stage.preview(ctx, channels, horizon=horizon, backfill=backfill)
        for label, title in items:
            click.echo(f"would send to {label}: {title}")
        click.echo(f"dry run: {len(items)} notification(s) would be sent"
                   + ("" if channels else " (no channel configured: feed only)"))
        return
    ctx = Context.open(db_path, today=today, quiet=quiet)
    ctx.start_run("alert --backfill" if backfill else "alert")
    status = "failed"
    try:
        stage.run_stage(ctx, horizon=horizon, backfill=backfill)
        status = "ok"
    finally:
        ctx.finish_run(status)
    click.echo("alert: " + ", ".join(f"{k}={v}" for k, v in sorted(ctx.counts.items())))


commands: list[click.Command] = [alert]
