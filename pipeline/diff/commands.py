"""CLI commands of the diff stage: `changes`, `state`, `diff`.

Options are declared here rather than imported from pipeline.cli, so importing this module first
(as a test may) does not re-enter the CLI module while it is still loading.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pipeline.options import db_option, parse_date as _date, today_option




def _open(db_path: Path):
    from pipeline.store import open_db

    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist; run `exportwatch run --db {db_path}` first")
    db = open_db(db_path)
    from pipeline.runstate import partial_warning

    if warning := partial_warning(db, db_path):  # a killed run left part of its work: say so
        click.echo(f"warning: {warning}", err=True)
    return db


def _console() -> Console:
    """A console that does not cut ids to 80 columns when output goes to a pipe or file."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _short(value: Any) -> str:
    return "" if value is None else str(value)


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (oldest first).")
@click.option("--since", callback=_date, metavar="YYYY-MM-DD", help="Only changes dated on or after this date.")
@click.option("--include-news", is_flag=True, help="Also list reported/proposed measures from news.")
@today_option
def changes(db_path: Path, as_json: bool, since: dt.date | None, include_news: bool, today: dt.date | None) -> None:
    """List changes in the scope of controls, oldest first (future-dated ones marked scheduled).

    \b
    exportwatch changes --json
    exportwatch changes --since 2025-10-01 --include-news
    """
    from pipeline.diff.store import compute_changes

    db = _open(db_path)
    rows = compute_changes(db, since=since.isoformat() if since else None, include_news=include_news,
                           today=today or dt.date.today())
    if as_json:
        keys = ("announcement", "date", "type", "kind", "subject", "evidence", "hs_codes", "new", "status", "news", "id")
        click.echo(json.dumps([{k: r.get(k) for k in keys} for r in rows], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(rows)} changes")
    for col in ("date", "announcement", "type", "kind", "subject", "new", "status"):
        table.add_column(col)
    for r in rows:
        table.add_row(_short(r["date"]), r["announcement"], r["type"] + (" (news)" if r.get("news") else ""),
                      r["kind"], r["subject"], "" if r["new"] is None else ("yes" if r["new"] else "no"), r["status"])
    _console().print(table)


@click.command()
@db_option
@click.option("--on", "on", callback=_date, metavar="YYYY-MM-DD", help="Date to compute the state for (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@today_option
def state(db_path: Path, on: dt.date | None, as_json: bool, today: dt.date | None) -> None:
    """The scope of controls on a date: each measure in_force, pending or suspended.

    \b
    exportwatch state --on 2025-11-20 --json
    """
    from pipeline.diff.state import compute_state

    day = on or today or dt.date.today()
    result = compute_state(_open(db_path), day)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"State on {result['date']}: {len(result['measures'])} measures")
    for col in ("announcement", "kind", "subject", "status", "since", "until"):
        table.add_column(col)
    for m in result["measures"]:
        table.add_row(m["announcement"], m["kind"], m["subject"], m["status"], _short(m["since"]), _short(m["until"]))
    console = _console()
    console.print(table)
    for g in result["suspensions_ended"]:
        console.print(f"suspension by {g['act']} ended {g['ended']} ({g['how']}): "
                      f"{len(g['measures_back_in_force'])} measures back in force")


@click.command("diff")
@db_option
@today_option
@click.option("-q", "--quiet", is_flag=True)
def diff_command(db_path: Path, today: dt.date | None, quiet: bool) -> None:
    """Run only the diff stage on a database that already holds extraction records."""
    from pipeline.context import Context
    from pipeline.diff.stage import run_stage

    ctx = Context.open(db_path, today=today, quiet=quiet)
    ctx.start_run("diff")
    try:
        run_stage(ctx)
    except Exception:
        ctx.finish_run("failed")
        raise
    ctx.finish_run("ok")
    click.echo("diff: " + ", ".join(f"{k}={v}" for k, v in sorted(ctx.counts.items())))


commands: list[click.Command] = [changes, state, diff_command]
