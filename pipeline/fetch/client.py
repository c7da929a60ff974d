"""The HTTP client of the fetch stage: polite, bounded, and unable to wander off.

Why it is built by hand on httpx rather than with `follow_redirects=True` and a plain `get`:
every redirect hop must be checked against the source's allowlist and the private-address rule
(an open redirect on a government site must not make us fetch an intranet URL), bodies must be
streamed so an oversized or endless response is cut off early, and retries must respect the
server (exponential backoff, Retry-After) while a whole request still ends within a time cap
(one deadline for connect, headers and body: pipeline/fetch/deadline.py), and bodies are
inflated by us against the size cap (pipeline/fetch/body.py).
The client never raises for network or HTTP trouble: it returns a Response whose `error` says what
happened and whose `failure` names the kind (dns, connect, tls, timeout, reset: network; blocked,
robots, http, size, time, refused, redirect), so the crawler records it and goes on.
"""
from __future__ import annotations

import contextlib
import email.utils
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.fetch import neterrors
from pipeline.fetch.body import ACCEPT_ENCODING, BodyReader, BodyTooLarge, Refused, content_codings
from pipeline.fetch.deadline import DeadlineTransport
from pipeline.fetch.robots import RobotsCache
from pipeline.fetch.sources import FetchSettings
from pipeline.fetch.urls import Blocked, HostPolicy, UrlMap, host_of, normalise

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {500, 502, 503, 504}
RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

__all__ = ["BodyTooLarge", "Fetcher", "Response", "TooSlow", "parse_retry_after"]


class TooSlow(Exception):
    pass


@dataclass
class Response:
    """What one request came to. `content` is None unless a body was read in full."""

    url: str  # canonical URL asked for
    fetch_url: str  # first URL requested (the mirror URL with --base-url)
    final_url: str  # URL of the last hop
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    error: str | None = None
    attempts: int = 0
    elapsed: float = 0.0
    hops: list[str] = field(default_factory=list)
    blocked: bool = False
    failure: str | None = None  # what kind of failure `error` is (see the module docstring)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300 \
            and self.content is not None

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class Fetcher:
    """One per run. Holds the httpx client, per-host timing and the robots.txt cache."""

    def __init__(self, settings: FetchSettings, urlmap: UrlMap | None = None, *,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.urlmap = urlmap or UrlMap()
        self.sleep = sleep
        self.clock = clock
        self.wall = wall
        # our own transport unless a test passes one: it holds each request to its deadline
        self.deadline_transport = DeadlineTransport() if transport is None else None
        self.client = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
                     "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=False, verify=True, transport=transport or self.deadline_transport,
            trust_env=False)
        self.robots = RobotsCache(self)
        self._last_request: dict[str, float] = {}

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness -------------------------------------------------------------------------
    def _wait_turn(self, canonical: str) -> None:
        """Keep `delay_seconds` (or robots.txt's Crawl-delay, capped) between requests to a host."""
        host = host_of(canonical)
        delay = max(self.settings.delay_seconds, min(self.robots.crawl_delay(host) or 0.0,
                                                     self.settings.crawl_delay_cap))
        last = self._last_request.get(host)
        if last is not None:
            wait = last + delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_request[host] = self.clock()

    # -- public API -------------------------------------------------------------------------
    def get(self, canonical: str, policy: HostPolicy, *, etag: str | None = None,
            last_modified: str | None = None, check_robots: bool = True) -> Response:
        """GET one canonical URL: allowlist + robots on every hop, retries, caps. Never raises."""
        start = self.clock()
        deadline = start + self.settings.total_timeout
        fetch_url = self.urlmap.to_fetch(canonical)
        resp = Response(url=canonical, fetch_url=fetch_url, final_url=fetch_url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current_fetch, current_canonical = fetch_url, canonical
        seen = {normalise(fetch_url)}
        for hop in range(self.settings.max_redirects + 1):
            try:
                policy.check(current_fetch, current_canonical)
                if check_robots and self.settings.obey_robots and \
                        not self.robots.allowed(current_canonical, policy):
                    unavailable = self.robots.unavailable(host_of(current_canonical))
                    if unavailable is not None:  # robots.txt could not be read: say why, not "disallows"
                        resp.failure, resp.error = unavailable
                        break
                    note = self.robots.note(host_of(current_canonical))
                    raise Blocked(f"robots.txt disallows {current_canonical}"
                                  + (f" ({note})" if "unavailable" in note else ""))
            except Blocked as exc:
                resp.error, resp.blocked, resp.failure = f"blocked: {exc}", True, "blocked"
                break
            self._request(current_fetch, current_canonical, headers, deadline, resp)
            resp.final_url = current_fetch
            if resp.error or resp.status not in REDIRECT_STATUSES:
                break
            location = resp.headers.get("location")
            if not location:
                resp.error, resp.failure = f"HTTP {resp.status} redirect without a Location header", "redirect"
                break
            target = normalise(urljoin(current_fetch, location.strip()))
            current_canonical = self.urlmap.to_canonical(target, urlsplit(current_canonical).netloc)
            current_fetch = self.urlmap.to_fetch(current_canonical)
            resp.hops.append(current_fetch)
            if current_fetch in seen:
                resp.error, resp.failure = f"redirect loop: {' -> '.join([fetch_url, *resp.hops])}", "redirect"
                break
            seen.add(current_fetch)
            resp.content = None
        else:
            resp.error, resp.failure = f"too many redirects (more than {self.settings.max_redirects})", "redirect"
        resp.elapsed = self.clock() - start
        if resp.error:
            resp.content = None
        return resp

    # -- one hop, with retries ----------------------------------------------------------------
    def _request(self, url: str, canonical: str, headers: dict[str, str], deadline: float,
                 resp: Response) -> None:
        """Fill `resp` with the outcome of GET url, retrying what is worth retrying."""
        s = self.settings
        for attempt in range(s.retries + 1):
            resp.attempts += 1
            resp.status, resp.headers, resp.content, resp.error, resp.failure = None, {}, None, None, None
            self._wait_turn(canonical)
            wait = min(s.backoff_seconds * (2 ** attempt), s.backoff_max)
            try:
                self._once(url, headers, deadline, resp)
            except RETRY_EXCEPTIONS as exc:
                resp.failure, text = neterrors.classify(exc, url)
                resp.error = neterrors.message(resp.failure, text)
            except BodyTooLarge as exc:
                resp.error, resp.failure = str(exc), "size"
                return  # retrying would download it again
            except Refused as exc:
                resp.error, resp.failure = str(exc), "refused"
                return
            except TooSlow as exc:
                resp.error, resp.failure = str(exc), "time"
                return
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # bad URL …: not retryable
                resp.error, resp.failure = f"{type(exc).__name__}: {exc}", "http"
                return
            else:
                if resp.status == 429:
                    after = parse_retry_after(resp.headers.get("retry-after"), self.wall())
                    resp.error, resp.failure = "HTTP 429 Too Many Requests", "http"
                    if after is not None and after > s.retry_after_cap:
                        resp.error += f" (Retry-After {after:.0f}s exceeds the {s.retry_after_cap:.0f}s cap)"
                        return
                    wait = max(wait, after or 0.0)
                elif resp.status in RETRY_STATUSES:
                    resp.error, resp.failure = f"HTTP {resp.status}", "http"
                else:
                    return
            if attempt == s.retries:
                resp.error = f"{resp.error} (gave up after {resp.attempts} attempts)"
                return
            if self.clock() + wait > deadline:
                resp.error = f"{resp.error} (no time left to retry within {s.total_timeout:.0f}s)"
                return
            self.sleep(wait)

    def _once(self, url: str, headers: dict[str, str], deadline: float, resp: Response) -> None:
        """One GET, streamed: abort past `max_bytes` (after decoding) or past the deadline, which
        holds for connecting and the response headers as much as for the body."""
        remaining = deadline - self.clock()
        cap = f"total time cap of {self.settings.total_timeout:.0f}s reached"
        if remaining <= 0:
            raise TooSlow(cap)
        timeout = httpx.Timeout(min(self.settings.read_timeout, remaining),
                                connect=min(self.settings.connect_timeout, remaining))
        limit = self.settings.max_bytes
        transport = self.deadline_transport
        guard = transport.deadline(remaining) if transport is not None else contextlib.nullcontext()
        real_deadline = time.monotonic() + remaining
        try:
            with guard, self.client.stream("GET", url, headers=headers, timeout=timeout) as r:
                resp.status = r.status_code
                resp.headers = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code in REDIRECT_STATUSES or r.status_code == 304:
                    return
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise BodyTooLarge(f"body too large: Content-Length {declared} exceeds the "
                                       f"{limit}-byte cap (not downloaded)")
                body = BodyReader(content_codings(resp.headers), limit)
                for chunk in r.iter_raw():
                    body.feed(chunk)
                    if self.clock() > deadline:
                        raise TooSlow(f"{cap} while reading the body ({body.raw} bytes)")
                resp.content = body.finish()
        except httpx.TimeoutException:
            if transport is not None and time.monotonic() >= real_deadline:
                where = "waiting for the response headers" if resp.status is None else "reading the body"
                raise TooSlow(f"{cap} while {where}") from None
            raise
