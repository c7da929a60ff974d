"""CLI commands of the fetch stage: `exportwatch fetch` and `exportwatch update` (cron)."""
from __future__ import annotations

import datetime as dt
import fcntl
import importlib
import os
from pathlib import Path
from typing import IO

import click
from rich.console import Console

from pipeline import config
from pipeline.context import Context

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=config.DEFAULT_DB, show_default=True, help="SQLite database file.")
base_url_option = click.option(
    "--base-url", metavar="URL",
    help="Fetch https://HOST/PATH from URL/HOST/PATH instead (a local mirror such as corpus/site).")
sources_option = click.option(
    "--sources", "sources_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Sources file (default: config/sources.toml, or $EXPORTWATCH_SOURCES).")


def failed_message(results: list) -> str:
    """What failed and what to do, per source: a network failure is not the source's fault."""
    from pipeline.fetch.neterrors import NETWORK_KINDS

    failed = [r for r in results if r.status != "ok"]
    lines = [f"{len(failed)} source(s) failed; see the source_health table:"]
    for r in failed:
        if r.failure in NETWORK_KINDS:
            advice = ("network failure: check this machine's connection, DNS or proxy; the source "
                      "definition is not at fault")
        elif r.failure == "blocked":
            advice = "refused by robots.txt or the host allowlist (allowed_hosts in config/sources.toml)"
        else:
            advice = ("fix the source (selectors in config/sources.toml) or wait for the site to recover")
        lines.append(f"  {r.name}: [{r.failure or 'error'}] {r.error}\n    -> {advice}")
    return "\n".join(lines)


@click.command()
@click.option("--source", "names", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@db_option
@base_url_option
@click.option("--max-pages", type=click.IntRange(min=1), help="At most N listing pages per source.")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to one host.")
@click.option("--force", is_flag=True, help="Ignore check intervals (fetch every source now).")
@sources_option
@click.option("-q", "--quiet", is_flag=True, help="No log lines.")
def fetch(names: tuple[str, ...], db_path: Path, base_url: str | None, max_pages: int | None,
          delay: float | None, force: bool, sources_path: Path | None, quiet: bool) -> None:
    """Fetch the configured sources (MOFCOM lists, feeds), archive and parse new pages.

    Exits non-zero when a source fails its health check (no entries, fetch errors).

    \b
    exportwatch fetch
    exportwatch fetch --source mofcom-zcfb --max-pages 1
    exportwatch fetch --base-url http://127.0.0.1:8000 --delay 0   # local mirror
    """
    from pipeline.fetch.stage import run_stage
    from pipeline.lock import LockBusy, run_lock

    try:
        with run_lock(db_path):  # the same database lock as `run`: stages never interleave
            ctx = Context.open(db_path, quiet=quiet)
            ctx.start_run("fetch", locked=True)
            status = "failed"
            try:
                results = run_stage(ctx, base_url=base_url, sources_path=sources_path, only=names,
                                    max_pages=max_pages, force=force,
                                    settings={"delay_seconds": delay} if delay is not None else None)
                status = "ok" if all(r.status == "ok" for r in results) else "failed"
            finally:
                ctx.finish_run(status)
    except LockBusy as exc:
        raise click.ClickException(str(exc))
    for r in results:
        status_text = f"{r.status} ({r.failure})" if r.failure else r.status
        click.echo(f"fetch {r.name}: {status_text}, {r.links_found} links, {r.pages} pages, "
                   f"{r.fetched} requests, {r.new} new, {r.not_modified} not modified, {r.failed} errors")
    if status != "ok":
        raise click.ClickException(failed_message(results))


def acquire_lock(path: Path) -> IO[str]:
    """Hold an exclusive flock on `path` for the life of the process, or explain who holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise click.ClickException(f"another update is running ({holder} holds {path}); "
                                   f"nothing done — try again when it has finished")
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {dt.datetime.now().isoformat(timespec='seconds')}\n")
    handle.flush()
    return handle


@click.command()
@db_option
@base_url_option
@sources_option
@click.option("--lock", "lock_path", type=click.Path(dir_okay=False, path_type=Path),
              default=config.DATA_DIR / "update.lock", show_default=True, help="Lock file (flock).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              default=config.DATA_DIR / "update.log", show_default=True, help="Append the run log here.")
@click.option("--force", is_flag=True, help="Ignore check intervals.")
def update(db_path: Path, base_url: str | None, sources_path: Path | None, lock_path: Path,
           log_path: Path, force: bool) -> None:
    """Scheduled live run (cron / systemd): fetch, extract, diff, alert under a lock.

    A second concurrent update exits non-zero without doing anything. Exits non-zero when a
    source failed its health check, after the other stages have run.
    """
    from pipeline.alert.channels import check_configuration
    from pipeline.fetch.sources import load as load_sources
    from pipeline.lock import LockBusy, run_lock

    load_sources(sources_path)  # configuration errors stop us before the run starts
    check_configuration()
    with acquire_lock(lock_path), open(log_path, "a", encoding="utf-8") as log:
        try:
            with run_lock(db_path):  # and the database lock `run` takes: never two writers
                _update(db_path, base_url, sources_path, force, log)
        except LockBusy as exc:
            log.write(f"{_stamp()} update not started: {exc}\n")
            raise click.ClickException(str(exc))


def _stamp() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _update(db_path: Path, base_url: str | None, sources_path: Path | None, force: bool,
            log: IO[str]) -> None:
    """The body of `update` once both locks are held: fetch, then the stages `run` chains."""
    from pipeline.fetch.stage import run_stage

    log.write(f"{_stamp()} update started (pid {os.getpid()}, db {db_path})\n")
    log.flush()
    ctx = Context.open(db_path)
    ctx.console = Console(file=log, width=160, no_color=True, soft_wrap=True)
    ctx.start_run("update", locked=True)
    status, results = "failed", []
    try:
        results = run_stage(ctx, base_url=base_url, sources_path=sources_path, force=force)
        cli = importlib.import_module("pipeline.cli")  # late: cli imports this module
        for spec in cli.STAGES:
            cli._load_stage(spec)(ctx)
        status = "ok" if all(r.status == "ok" for r in results) else "failed"
    except Exception as exc:
        log.write(f"{_stamp()} update crashed: {type(exc).__name__}: {exc}\n")
        raise
    finally:
        ctx.finish_run(status)
        log.write(f"{_stamp()} update finished: {status}; {ctx.summary()}\n")
    click.echo(f"update: {status}; " + ", ".join(f"{k}={v}" for k, v in sorted(ctx.counts.items())))
    if status != "ok":
        log.write(failed_message(results) + "\n")
        raise click.ClickException(failed_message(results))


commands: list[click.Command] = [fetch, update]
