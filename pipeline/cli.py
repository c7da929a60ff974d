"""The `exportwatch` command line: a click group, one command per job.

Stage packages contribute their own commands (each has a `commands` module with a `commands`
list), so a stage's CLI lives next to its code.
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Callable

import click

from pipeline import __version__, config
from pipeline.context import Context
from pipeline.dbfaults import FaultNamingGroup
from pipeline.options import db_option, parse_date, quiet_option, today_option  # noqa: F401

COMMAND_MODULES = [
    "pipeline.extract.commands",
    "pipeline.diff.commands",
    "pipeline.alert.commands",
    "pipeline.fetch.commands",
    "pipeline.serve.commands",
    "pipeline.bench.commands",
]

# The stages `exportwatch run` chains, in order, after ingesting (module:function(ctx)).
STAGES = [
    "pipeline.extract.stage:run_stage",
    "pipeline.diff.stage:run_stage",
    "pipeline.alert.stage:run_stage",
    "pipeline.serve.stage:run_stage",
]




@click.group(cls=FaultNamingGroup)  # database faults (damaged, read-only, full disk …) as one line
@click.version_option(__version__, prog_name="exportwatch")
def cli() -> None:
    """Track China's export controls on rare earths and other critical minerals.

    \b
    exportwatch run                       # whole pipeline on the bundled corpus
    exportwatch extract corpus/site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/*.html --json
    exportwatch changes --json
    exportwatch state --on 2025-11-20 --json
    exportwatch serve
    """
    config.check_environment()  # a malformed EXPORTWATCH_* number: one clear line, not a traceback
    # a name that is not UTF-8 (GBK from a Chinese archive) reaches output as \udcNN escapes,
    # never as raw bytes that would make the JSON and text we print invalid UTF-8
    sys.stdout.reconfigure(errors="backslashreplace")


def _load_stage(spec: str):
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


@cli.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=config.DEFAULT_CORPUS,
              show_default=True, help="Folder of documents to ingest.")
@db_option
@quiet_option
def ingest(corpus: Path, db_path: Path, quiet: bool) -> None:
    """Parse every HTML, PDF, text and feed file under CORPUS into the database.

    \b
    exportwatch ingest --corpus corpus --db data/exportwatch.db
    """
    from pipeline.ingest import ingest_corpus

    ctx = Context.open(db_path, quiet=quiet)
    ctx.start_run("ingest")
    try:
        ingest_corpus(ctx, corpus)
    except FileNotFoundError as exc:
        ctx.finish_run("failed")
        raise click.ClickException(f"{exc}. Pass --corpus with a folder of documents.")
    ctx.finish_run("ok")
    click.echo(f"ingest: {ctx.counts.get('new', 0)} new, {ctx.counts.get('unchanged', 0)} unchanged, "
               f"{ctx.counts.get('parse_errors', 0)} with parse errors ({ctx.counts.get('files', 0)} files)")


@cli.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=config.DEFAULT_CORPUS,
              show_default=True, help="Folder of documents to ingest.")
@click.option("--live", is_flag=True, help="Fetch every configured source first (network).")
@click.option("--base-url", help="With --live: map https://HOST/PATH to BASE-URL/HOST/PATH (local mirror).")
@click.option("--wait", type=float, default=0, show_default=True,
              help="Seconds to wait for another run on the same database to finish.")
@db_option
@today_option
@quiet_option
def run(corpus: Path, live: bool, base_url: str | None, wait: float, db_path: Path, today: dt.date | None,
        quiet: bool) -> None:
    """Run every stage: (fetch,) ingest, extract, diff, alert. Incremental and idempotent.

    \b
    exportwatch run                               # bundled corpus, offline
    exportwatch run --live                        # fetch sources first
    exportwatch run --today 2026-11-28 -q
    """
    from pipeline.alert.channels import check_configuration
    from pipeline.lock import LockBusy, run_lock

    check_configuration()  # a broken notification file stops us here, not in the middle of the diff
    try:
        with run_lock(db_path, wait=wait):
            _run(corpus, live, base_url, db_path, today, quiet)
    except LockBusy as exc:
        raise click.ClickException(str(exc))


def _run(corpus: Path, live: bool, base_url: str | None, db_path: Path, today: dt.date | None,
         quiet: bool) -> None:
    from pipeline.ingest import ingest_corpus

    ctx = Context.open(db_path, today=today, quiet=quiet)
    ctx.start_run("run --live" if live else "run", locked=True)
    steps: list[tuple[str, Callable[[], None]]] = []
    if live:
        from pipeline.fetch.stage import run_stage as fetch_stage
        steps.append(("fetch", lambda: fetch_stage(ctx, base_url=base_url)))
    else:
        steps.append(("ingest", lambda: ingest_corpus(ctx, corpus)))
    for spec in STAGES:
        steps.append((spec.split(".")[1], lambda spec=spec: _load_stage(spec)(ctx)))
    try:
        for name, step in steps:
            started = time.perf_counter()
            step()
            ctx.timings[name] = round(time.perf_counter() - started, 3)
    except Exception as exc:
        ctx.error("run", f"{type(exc).__name__}: {exc}")
        ctx.finish_run("failed")
        _alert_after_failure(ctx)
        if isinstance(exc, FileNotFoundError):
            raise click.ClickException(f"{exc}. Pass --corpus with a folder of documents.")
        raise
    ctx.finish_run("ok")
    click.echo("run: " + ", ".join(f"{k}={v}" for k, v in sorted(ctx.counts.items())))
    if not quiet:
        _print_summary(ctx)
    if ctx.counts.get("sources_failed"):
        raise click.ClickException(f"{ctx.counts['sources_failed']} source(s) failed; see the errors above "
                                   "and the source_health table")


def _alert_after_failure(ctx: Context) -> None:
    """A failed run is itself an alert: try the alert stage so the failure goes out now, not next run."""
    try:
        _load_stage("pipeline.alert.stage:run_stage")(ctx)
    except Exception as exc:  # the original failure is what the user must see
        ctx.error("alert", f"could not send the failure alert: {type(exc).__name__}: {exc}")


def _print_summary(ctx: Context) -> None:
    from rich.table import Table

    table = Table(title="exportwatch run", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in sorted(ctx.counts.items()):
        table.add_row(key, str(value))
    for stage, seconds in ctx.timings.items():
        table.add_row(f"time {stage} (s)", f"{seconds:.2f}")
    ctx.console.print(table)


def register(group: click.Group) -> None:
    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).commands:
            group.add_command(command)


register(cli)
