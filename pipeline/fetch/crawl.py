"""Walk one source: listing pages (detail links, 下一页) or a feed (items), then details and attachments.

Each response is archived and parsed through `ingest_raw` (an unchanged body is not parsed again);
a 304 reuses the stored document, so an unchanged listing still leads to its detail pages (each
then a cheap conditional GET). Link selection uses the parser's link rels unless the source gives
CSS selectors. The crawl does not recurse beyond listing → detail → attachment: a source is a list,
not a site to spider.

Health: a listing that fails, or yields fewer detail links than `min_links` (changed markup, a
maintenance notice served with 200, an empty feed) makes the source's check an error, reported —
never read as "no new announcements". A detail page that is gone (404) is recorded, nothing more:
a missing page is not a repeal.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from pipeline import store as core_store
from pipeline.context import Context
from pipeline.fetch import store
from pipeline.fetch.client import Fetcher, Response
from pipeline.fetch.sources import Source
from pipeline.fetch.urls import HostPolicy, UrlMap, host_of, normalise
from pipeline.ingest import ingest_raw
from pipeline.records import Document, Raw, sha256
from pipeline.store import now


@dataclass
class Page:
    """A fetched (or unchanged) document with the bytes the selectors need."""

    url: str
    document: Document
    content: bytes | None


@dataclass
class SourceResult:
    name: str
    status: str = "ok"
    links_found: int = 0
    pages: int = 0
    fetched: int = 0
    new: int = 0
    not_modified: int = 0
    failed: int = 0
    details_ok: int = 0
    details_failed: int = 0
    error: str | None = None
    failure: str | None = None  # the kind of the first failure (see pipeline/fetch/client.py, store.py)
    problems: list[str] = field(default_factory=list)

    def fail(self, message: str, failure: str | None = None) -> None:
        self.status = "error"
        self.error = message if self.error is None else f"{self.error}; {message}"
        self.failure = self.failure or failure


def extension(url: str) -> str:
    return posixpath.splitext(urlsplit(url).path)[1].lower().lstrip(".")


class Crawler:
    def __init__(self, ctx: Context, fetcher: Fetcher, source: Source, urlmap: UrlMap, *,
                 max_pages: int | None = None, seen: set[str] | None = None) -> None:
        self.ctx = ctx
        self.fetcher = fetcher
        self.source = source
        self.urlmap = urlmap
        self.max_pages = source.max_pages if max_pages is None else max_pages
        self.seen = seen if seen is not None else set()
        start_fetch = urlmap.to_fetch(source.start_url)
        self.policy = HostPolicy(frozenset(source.allowed_hosts),
                                 own_netlocs=frozenset({urlsplit(start_fetch).netloc.lower()}))
        self.result = SourceResult(source.name)
        self.last_error: str | None = None
        self.last_failure: str | None = None

    # -- one URL ------------------------------------------------------------------------------
    def fetch(self, url: str, role: str) -> Page | None:
        """Fetch, record, archive and parse one URL; None when there is no usable document."""
        etag, last_modified, old_sha = store.validators(self.ctx.db, url, self.urlmap.base)
        resp = self.fetcher.get(url, self.policy, etag=etag, last_modified=last_modified)
        self._record_robots()
        self.result.fetched += 1
        self.ctx.count("fetched")
        row = self._row(resp)
        page: Page | None = None
        if resp.not_modified and old_sha:
            row.update(outcome="not_modified", sha256=old_sha, etag=resp.headers.get("etag", etag),
                       last_modified=resp.headers.get("last-modified", last_modified))
            self.result.not_modified += 1
            self.ctx.count("not_modified")
            core_store.save_location(self.ctx.db, url, url, old_sha, self.ctx.run_id)
            page = Page(url, core_store.load_document(self.ctx.db, old_sha), None)
            store.record_fetch(self.ctx.db, row)
            return page
        if resp.ok and resp.content is not None:
            # the final URL in canonical form: links in the stored document then resolve to the real
            # site's URLs whether a mirror or the site served these bytes (documents are shared by hash)
            final = url if resp.final_url == resp.fetch_url else self.urlmap.to_canonical(resp.final_url, host_of(url))
            raw = Raw(content=resp.content, source=url, url=url, final_url=final,
                      status=resp.status, headers=resp.headers, fetched_at=now(),
                      media_type=resp.headers.get("content-type"))
            new = ingest_raw(self.ctx, raw)
            if new:
                self.result.new += 1
            row.update(outcome="new" if new else "unchanged", sha256=raw.sha256, size=len(raw.content))
            store.record_fetch(self.ctx.db, row)
            return Page(url, core_store.load_document(self.ctx.db, raw.sha256), resp.content)
        if resp.not_modified:  # 304 without a stored document (should not happen): say so
            resp.error = "HTTP 304 but no stored copy to reuse"
        row.update(outcome="blocked" if resp.blocked else ("http_error" if resp.status and not resp.error
                                                          else "error"),
                   error=resp.error or f"HTTP {resp.status}", failure=resp.failure or "http")
        store.record_fetch(self.ctx.db, row)
        self.last_error, self.last_failure = row["error"], row["failure"]
        self.result.failed += 1
        self.result.problems.append(f"{role} {url}: {row['error']}")
        self.ctx.count("fetch_errors")
        self.ctx.error(f"fetch {self.source.name}", f"{role} {url}: {row['error']}")
        return page

    def _record_robots(self) -> None:
        """robots.txt responses are archived in `fetches` too (outcome 'robots'), for the audit trail."""
        for resp in self.fetcher.robots.drain():
            row = self._row(resp)
            row.update(outcome="robots", sha256=sha256(resp.content) if resp.content is not None else None,
                       size=len(resp.content) if resp.content is not None else None,
                       error=resp.error or self.fetcher.robots.note(host_of(resp.url)))
            store.record_fetch(self.ctx.db, row)

    def _row(self, resp: Response) -> dict:
        return {
            "run_id": self.ctx.run_id, "source": self.source.name, "url": resp.url,
            "fetch_url": resp.fetch_url, "final_url": resp.final_url, "status": resp.status,
            "outcome": None, "etag": resp.headers.get("etag"),
            "last_modified": resp.headers.get("last-modified"), "sha256": None, "size": None,
            "content_type": resp.headers.get("content-type"), "headers": resp.headers,
            "attempts": resp.attempts, "elapsed_ms": int(resp.elapsed * 1000), "error": resp.error,
            "failure": resp.failure, "base_url": self.urlmap.base,
        }

    # -- link selection -----------------------------------------------------------------------
    def _select(self, page: Page, selector: str | None, rels: tuple[str, ...]) -> list[str]:
        """Canonical URLs picked by a CSS selector, else by the parser's link rels (page order)."""
        urls: list[str] = []
        if selector:
            content = page.content if page.content is not None else \
                store.blob(self.ctx.db, page.document.id)
            soup = BeautifulSoup(content or b"", "lxml", from_encoding=page.document.encoding)
            hrefs = [a.get("href") for a in soup.select(selector)]
            candidates = [h for h in hrefs if isinstance(h, str) and h.strip()]
        else:
            candidates = [link.href for link in page.document.links if link.rel in rels]
        for href in candidates:
            url = self.urlmap.resolve(href, page.url)
            if urlsplit(url).scheme in ("http", "https") and url not in urls:
                urls.append(url)
        return urls

    def _attachments(self, page: Page) -> list[str]:
        wanted = set(self.source.attachments)
        urls = []
        for link in page.document.links:
            url = self.urlmap.resolve(link.href, page.url)
            if extension(url) in wanted and urlsplit(url).scheme in ("http", "https") and url not in urls:
                urls.append(url)
        return urls

    # -- the walk -----------------------------------------------------------------------------
    def run(self) -> SourceResult:
        details, last_page = self._walk_listing()
        self.result.links_found = len(details)
        cap = self.source.max_links
        if len(details) > cap:  # follow the first (newest) ones; say so, loudly
            note = (f"{len(details)} detail links found, only the first {cap} followed (max_links in "
                    f"config/sources.toml; at {self.fetcher.settings.delay_seconds:g} s a request, all of "
                    f"them would take {len(details) * self.fetcher.settings.delay_seconds / 3600:.1f} h)")
            self.result.problems.append(note)
            self.ctx.error(f"source {self.source.name}", note)
            details = details[:cap]
        for url in details:
            self._follow(url, "detail", attachments=True)
        self._check_health(last_page, details)
        return self.result

    def _walk_listing(self) -> tuple[list[str], Page | None]:
        """Listing pages (or the feed) in order; returns distinct detail links and the last page."""
        details: list[str] = []
        rels = ("feed_item",) if self.source.kind == "feed" else ("detail",)
        url: str | None = normalise(self.source.start_url)
        visited: set[str] = set()
        last: Page | None = None
        while url and self.result.pages < max(self.max_pages, 1):
            visited.add(url)
            page = self.fetch(url, "feed" if self.source.kind == "feed" else "listing")
            if page is None:
                self.result.fail(f"{'feed' if self.source.kind == 'feed' else 'listing page'} {url} "
                                 f"failed: {self.last_error}", self.last_failure)
                break
            self.seen.add(url)
            self.result.pages += 1
            last = page
            found = self._select(page, self.source.detail_selector, rels)
            if page.document.error:  # partial lists are not trusted silently: someone must look
                self.result.fail(f"{url} did not parse cleanly ({page.document.error}); "
                                 f"{len(found)} link(s) recovered and followed", "parse")
            if self.source.detail_selector and not found:
                self.result.problems.append(f"{url}: detail_selector matched nothing")
            details.extend(u for u in found if u not in details)
            if self.source.kind == "feed":
                break
            nexts = [u for u in self._select(page, self.source.next_selector, ("next",)) if u not in visited]
            url = nexts[0] if nexts else None
        return details, last

    def _follow(self, url: str, role: str, *, attachments: bool) -> None:
        if url in self.seen:
            return
        self.seen.add(url)
        page = self.fetch(url, role)
        if role == "detail":
            if page is None:
                self.result.details_failed += 1
            else:
                self.result.details_ok += 1
        if page is None or not attachments:
            return
        for att in self._attachments(page):
            self._follow(att, "attachment", attachments=False)

    def _check_health(self, last: Page | None, details: list[str]) -> None:
        r, s = self.result, self.source
        if r.status == "error" and r.pages == 0:
            return
        if len(details) < s.min_links:
            what = "feed items" if s.kind == "feed" else "detail links"
            message = (f"{s.kind} yielded {len(details)} {what} over {r.pages} page(s); at least "
                       f"{s.min_links} expected: the markup changed or the site served an error or "
                       f"maintenance page — not read as 'no new announcements'")
            notice = self._maintenance_notice(last)
            if notice:
                message += f" (page says: {notice!r})"
            r.fail(message, "no_entries")
        elif r.details_failed and not r.details_ok:
            r.fail(f"every detail page failed ({r.details_failed}), e.g. {r.problems[-1]}", self.last_failure)

    def _maintenance_notice(self, page: Page | None) -> str | None:
        if page is None:
            return None
        text = " ".join(filter(None, [page.document.title, page.document.text]))
        lower = text.lower()
        for marker in self.source.maintenance_markers:
            i = lower.find(marker)
            if i >= 0:
                return " ".join(text[max(0, i - 20): i + 60].split())
        return None
