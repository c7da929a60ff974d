"""CLI command of the fetch stage: `exportwatch fetch` (`update`, which chains every stage, is in cli.py)."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.context import Context
from pipeline.options import base_url_option, db_option, delay_option, quiet_option, sources_option


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
@delay_option
@click.option("--force", is_flag=True, help="Ignore check intervals (fetch every source now).")
@sources_option
@quiet_option
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


commands: list[click.Command] = [fetch]
