"""The `exportwatch` command line: a click group, one command per job.

Stage packages contribute their own commands (each has a `commands` module with a `commands`
list), so a stage's CLI lives next to its code.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
from pathlib import Path
from typing import IO

import click

from pipeline import __version__, config
from pipeline.context import Context
from pipeline.dbfaults import FaultNamingGroup
from pipeline.errors import Errors, fail
from pipeline.options import (base_url_option, db_option, delay_option, quiet_option, sources_option,
                              today_option)

COMMAND_MODULES = [
    "pipeline.extract.commands",
    "pipeline.diff.commands",
    "pipeline.screen.commands",
    "pipeline.alert.commands",
    "pipeline.fetch.commands",
    "pipeline.serve.commands",
    "pipeline.bench.commands",
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


@cli.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=config.DEFAULT_CORPUS,
              show_default=config.shown(config.DEFAULT_CORPUS), help="Folder of documents to ingest.")
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
        raise fail(Errors.E003, exc=exc)
    ctx.finish_run("ok")
    click.echo(f"ingest: {ctx.counts.get('new', 0)} new, {ctx.counts.get('unchanged', 0)} unchanged, "
               f"{ctx.counts.get('parse_errors', 0)} with parse errors ({ctx.counts.get('files', 0)} files)")


@cli.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=config.DEFAULT_CORPUS,
              show_default=config.shown(config.DEFAULT_CORPUS), help="Folder of documents to ingest.")
@click.option("--live", is_flag=True, help="Fetch every configured source first (network).")
@base_url_option
@delay_option
@click.option("--wait", type=float, default=0, show_default=True,
              help="Seconds to wait for another run on the same database to finish.")
@db_option
@today_option
@quiet_option
def run(corpus: Path, live: bool, base_url: str | None, delay: float | None, wait: float, db_path: Path,
        today: dt.date | None, quiet: bool) -> None:
    """Run every stage: (fetch,) ingest, extract, diff, alert. Incremental and idempotent.

    \b
    exportwatch run                               # bundled corpus, offline
    exportwatch run --live                        # fetch sources first
    exportwatch run --today 2026-11-28 -q
    """
    from pipeline import runner
    from pipeline.alert.channels import check_configuration

    check_configuration()  # a broken notification file stops us here, not in the middle of the diff
    try:
        with runner.run_lock(db_path, wait=wait):
            _run(corpus, live, base_url, delay, db_path, today, quiet)
    except runner.LockBusy as exc:
        raise click.ClickException(str(exc))


def _run(corpus: Path, live: bool, base_url: str | None, delay: float | None, db_path: Path,
         today: dt.date | None, quiet: bool) -> None:
    from pipeline import runner

    ctx = Context.open(db_path, today=today, quiet=quiet)
    ctx.start_run("run --live" if live else "run", locked=True)
    first = runner.fetch_step(base_url=base_url, settings=_delay(delay)) if live else runner.ingest_step(corpus)
    try:
        runner.execute(ctx, runner.steps(first))
    except FileNotFoundError as exc:
        raise fail(Errors.E003, exc=exc)
    ctx.finish_run("ok")
    click.echo("run: " + ", ".join(f"{k}={v}" for k, v in sorted(ctx.counts.items())))
    if not quiet:
        _print_summary(ctx)
    if ctx.counts.get("sources_failed"):
        raise fail(Errors.E004, n=ctx.counts["sources_failed"])


def _delay(delay: float | None) -> dict[str, float] | None:
    return {"delay_seconds": delay} if delay is not None else None


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


def _stamp() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@cli.command()
@db_option
@base_url_option
@sources_option
@delay_option
@click.option("--lock", "lock_path", type=click.Path(dir_okay=False, path_type=Path),
              default=config.DATA_DIR / "update.lock",
              show_default=config.shown(config.DATA_DIR / "update.lock"), help="Lock file (flock).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              default=config.DATA_DIR / "update.log",
              show_default=config.shown(config.DATA_DIR / "update.log"), help="Append the run log here.")
@click.option("--force", is_flag=True, help="Ignore check intervals.")
@quiet_option
def update(db_path: Path, base_url: str | None, sources_path: Path | None, delay: float | None, lock_path: Path,
           log_path: Path, force: bool, quiet: bool) -> None:
    """Scheduled live run (cron / systemd): fetch, extract, diff, alert under a lock.

    A second concurrent update exits non-zero without doing anything. Exits non-zero when a
    source failed its health check, after the other stages have run.

    \b
    exportwatch update                                   # what `make update` runs
    exportwatch update --base-url http://127.0.0.1:8000 --delay 0 --log /tmp/update.log
    """
    from pipeline import runner
    from pipeline.alert.channels import check_configuration
    from pipeline.fetch.sources import load as load_sources
    from pipeline.lock import hold

    load_sources(sources_path)  # configuration errors stop us before the run starts
    check_configuration()
    try:
        with hold(lock_path, busy="another update is running ({holder} holds {path}); nothing done — "
                                  "try again when it has finished"):
            with open(log_path, "a", encoding="utf-8") as log:
                try:
                    with runner.run_lock(db_path):  # and the database lock `run` takes: never two writers
                        _update(db_path, base_url, sources_path, delay, force, quiet, log)
                except runner.LockBusy as exc:
                    log.write(f"{_stamp()} update not started: {exc}\n")
                    raise
    except runner.LockBusy as exc:
        raise click.ClickException(str(exc))


def _update(db_path: Path, base_url: str | None, sources_path: Path | None, delay: float | None, force: bool,
            quiet: bool, log: IO[str]) -> None:
    """The body of `update` once both locks are held: fetch, then the stages `run` chains."""
    from rich.console import Console

    from pipeline import runner
    from pipeline.fetch.commands import failed_message

    log.write(f"{_stamp()} update started (pid {os.getpid()}, db {db_path})\n")
    log.flush()
    ctx = Context.open(db_path)
    ctx.console = Console(file=log, width=160, no_color=True, soft_wrap=True)
    ctx.start_run("update", locked=True)
    try:
        results = runner.execute(ctx, runner.steps(runner.fetch_step(
            base_url=base_url, sources_path=sources_path, force=force, settings=_delay(delay))))
    except Exception as exc:
        log.write(f"{_stamp()} update crashed: {type(exc).__name__}: {exc}\n")
        log.write(f"{_stamp()} update finished: failed; {ctx.summary()}\n")
        raise
    fetched = results.get("fetch") or []
    status = "ok" if all(r.status == "ok" for r in fetched) else "failed"
    ctx.finish_run(status)
    log.write(f"{_stamp()} update finished: {status}; {ctx.summary()}\n")
    if not quiet:
        click.echo(f"update: {status}; " + ", ".join(f"{k}={v}" for k, v in sorted(ctx.counts.items())))
    if status != "ok":
        log.write(failed_message(fetched) + "\n")
        raise click.ClickException(failed_message(fetched))


def register(group: click.Group) -> None:
    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).commands:
            group.add_command(command)


register(cli)
