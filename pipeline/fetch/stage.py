"""The fetch stage as `exportwatch run --live` / `fetch` / `update` call it.

Runs every configured source, each isolated: one source failing (or crashing) is recorded in
`source_health` and `ctx.error`, and the others still run. Check intervals protect the real
sites: a source checked successfully more recently than its `check_interval_minutes` is skipped,
unless the run is forced or fetches from a local mirror (--base-url). A mirror run neither counts
as a check of the real source nor waits for one (pipeline/fetch/store.py).
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any, Callable

import httpx

from pipeline.context import Context
from pipeline.fetch import sources as sources_mod
from pipeline.fetch import store
from pipeline.fetch.client import Fetcher
from pipeline.fetch.crawl import Crawler, SourceResult
from pipeline.fetch.sources import Source, SourcesError
from pipeline.fetch.urls import UrlMap


def is_due(ctx: Context, source: Source, now: dt.datetime) -> bool:
    last = store.last_checked(ctx.db, source.name)
    if last is None:
        return True
    return now - dt.datetime.fromisoformat(last) >= dt.timedelta(minutes=source.check_interval_minutes)


def select_sources(all_sources: list[Source], names: list[str] | tuple[str, ...] | None) -> list[Source]:
    if not names:
        return [s for s in all_sources if s.enabled]
    known = {s.name: s for s in all_sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SourcesError(f"unknown source(s) {', '.join(unknown)}; configured: {', '.join(known)}")
    return [known[n] for n in names]


def run_stage(ctx: Context, base_url: str | None = None, *, sources_path: Path | str | None = None,
              only: list[str] | tuple[str, ...] | None = None, max_pages: int | None = None,
              force: bool = False, settings: dict[str, Any] | None = None,
              transport: httpx.BaseTransport | None = None,
              sleep: Callable[[float], None] = time.sleep, **_: Any) -> list[SourceResult]:
    """Fetch every (due) source; return one result per source checked.

    Raises SourcesError for a broken sources file or an unknown --source name (user errors).
    """
    store.ensure_schema(ctx.db)
    fetch_settings, configured = sources_mod.load(sources_path)
    if settings:
        fetch_settings = fetch_settings.replace(**settings)
    chosen = select_sources(configured, only)
    urlmap = UrlMap(base_url, frozenset(h for s in configured for h in s.allowed_hosts))
    respect_interval = not (force or base_url or only)
    now = dt.datetime.now(dt.timezone.utc)
    results: list[SourceResult] = []
    seen: set[str] = set()
    with Fetcher(fetch_settings, urlmap, transport=transport, sleep=sleep) as fetcher:
        for source in chosen:
            if respect_interval and not is_due(ctx, source, now):
                ctx.log(f"fetch {source.name}: skipped, checked less than "
                        f"{source.check_interval_minutes} min ago (--force to fetch now)")
                ctx.count("sources_skipped")
                continue
            ctx.log(f"fetch {source.name}: {urlmap.to_fetch(source.start_url)}")
            try:
                result = Crawler(ctx, fetcher, source, urlmap, max_pages=max_pages, seen=seen).run()
            except Exception as exc:  # a bug or surprise in one source must not stop the others
                result = SourceResult(source.name)
                result.fail(f"crashed: {type(exc).__name__}: {exc}", "crashed")
            store.record_health(ctx.db, {
                "source": source.name, "run_id": ctx.run_id, "status": result.status,
                "links_found": result.links_found, "pages": result.pages, "fetched": result.fetched,
                "new": result.new, "error": result.error, "failure": result.failure,
                "start_url": source.start_url, "base_url": urlmap.base,
            })
            ctx.count("sources_ok" if result.status == "ok" else "sources_failed")
            if result.status != "ok":
                ctx.error(f"source {source.name}", result.error or "failed")
            else:
                ctx.log(f"fetch {source.name}: ok, {result.links_found} links, {result.pages} page(s), "
                        f"{result.new} new, {result.not_modified} not modified, {result.failed} errors")
            results.append(result)
    return results
