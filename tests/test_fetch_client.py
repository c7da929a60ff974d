"""The fetch client against a real, misbehaving HTTP server on 127.0.0.1.

Each fault is shown handled as specified: retried when worth it, abandoned early when not, and
always reported in `Response.error` rather than raised. Sleeps are recorded, not slept, so
backoff and Retry-After are asserted exactly and the tests stay fast.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "fetch"))
from faultserver import FaultServer, body, endless, hang, redirect, reset, sequence  # noqa: E402

from pipeline.fetch.client import Fetcher, parse_retry_after  # noqa: E402
from pipeline.fetch.sources import FetchSettings  # noqa: E402
from pipeline.fetch.urls import HostPolicy  # noqa: E402

SETTINGS = FetchSettings(delay_seconds=0, connect_timeout=0.5, read_timeout=0.3, total_timeout=5,
                         max_bytes=1_000_000, max_redirects=4, retries=2, backoff_seconds=0.01,
                         retry_after_cap=10)


@pytest.fixture
def server():
    srv = FaultServer()
    yield srv
    srv.close()


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make(server: FaultServer, sleeps: Sleeps, hosts=("127.0.0.1",), **settings):
    fetcher = Fetcher(SETTINGS.replace(**settings), sleep=sleeps)
    netloc = server.url.split("://", 1)[1]
    policy = HostPolicy(frozenset(hosts), own_netlocs=frozenset({netloc}),
                        resolver=lambda host: ["127.0.0.1"] if host == "localhost" else ["93.184.216.34"])
    return fetcher, policy


def test_500_then_200_is_retried_with_backoff(server, sleeps):
    server.routes["/p"] = sequence(body(b"oops", 500), body(b"fine"))
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/p", policy)
    assert resp.ok and resp.content == b"fine" and resp.attempts == 2
    assert server.hits["/p"] == 2
    assert sleeps == [pytest.approx(0.01)]


def test_persistent_500_gives_up_with_error(server, sleeps):
    server.routes["/p"] = body(b"oops", 503)
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/p", policy)
    assert not resp.ok and resp.status == 503
    assert resp.error == "HTTP 503 (gave up after 3 attempts)"
    assert server.hits["/p"] == 3
    assert sleeps == [pytest.approx(0.01), pytest.approx(0.02)]  # exponential


def test_429_honours_retry_after(server, sleeps):
    server.routes["/p"] = sequence(body(b"slow down", 429, {"Retry-After": "3"}), body(b"fine"))
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/p", policy)
    assert resp.ok and resp.attempts == 2
    assert sleeps == [3.0]


def test_429_retry_after_beyond_cap_is_not_waited_for(server, sleeps):
    server.routes["/p"] = body(b"go away", 429, {"Retry-After": "3600"})
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/p", policy)
    assert not resp.ok and "exceeds the 10s cap" in resp.error
    assert server.hits["/p"] == 1 and sleeps == []


def test_retry_after_http_date():
    now = time.time()
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 30))
    assert parse_retry_after(stamp, now) == pytest.approx(30, abs=1.5)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("soon", now) is None


def test_hanging_response_times_out(server, sleeps):
    server.routes["/p"] = hang(5)
    fetcher, policy = make(server, sleeps, retries=1)
    start = time.monotonic()
    resp = fetcher.get(server.url + "/p", policy)
    assert time.monotonic() - start < 2.5
    assert not resp.ok and resp.error.startswith("network error (timeout)") and "gave up after 2 attempts" in resp.error
    assert server.hits["/p"] == 2


def test_connection_reset_is_retried(server, sleeps):
    server.routes["/p"] = sequence(reset(), body(b"fine"))
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/p", policy)
    assert resp.ok and resp.attempts == 2


def test_connection_reset_every_time_is_an_error(server, sleeps):
    server.routes["/p"] = reset()
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/p", policy)
    assert not resp.ok and resp.status is None
    assert resp.error.split(":")[0] in ("network error (reset)", "network error (connect)")
    assert server.hits["/p"] == 3


def test_redirect_within_allowlist_is_followed(server, sleeps):
    server.routes["/old"] = redirect("/new", 301)
    server.routes["/new"] = body(b"moved here")
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/old", policy)
    assert resp.ok and resp.content == b"moved here"
    assert resp.final_url == server.url + "/new" and resp.url == server.url + "/old"


def test_redirect_loop_is_an_error(server, sleeps):
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect(server.url + "/a")
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/a", policy)
    assert not resp.ok and resp.error.startswith("redirect loop")
    assert server.hits["/a"] == 1 and server.hits["/b"] == 1


def test_redirect_chain_over_hop_limit(server, sleeps):
    for i in range(10):
        server.routes[f"/r{i}"] = redirect(f"/r{i + 1}")
    fetcher, policy = make(server, sleeps, max_redirects=3)
    resp = fetcher.get(server.url + "/r0", policy)
    assert resp.error == "too many redirects (more than 3)"
    assert server.hits["/r4"] == 0


@pytest.mark.parametrize("location, reason", [
    ("http://evil.example/steal", "not on the allowlist"),
    ("https://www.mofcom.gov.cn.evil.example/", "not on the allowlist"),
    ("file:///etc/passwd", "scheme file"),
    ("ftp://127.0.0.1/x", "scheme ftp"),
    ("http://10.0.0.7/admin", "not on the allowlist"),
])
def test_redirect_off_allowlist_is_blocked(server, sleeps, location, reason):
    server.routes["/go"] = redirect(location)
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/go", policy)
    assert resp.blocked and reason in resp.error and not resp.ok


def test_redirect_to_private_address_is_blocked_even_when_host_allowed(server, sleeps):
    port = server.server_address[1]
    server.routes["/go"] = redirect(f"http://localhost:{port}/secret")
    server.routes["/secret"] = body(b"secret")
    fetcher, policy = make(server, sleeps, hosts=("127.0.0.1", "localhost"))
    resp = fetcher.get(server.url + "/go", policy)
    assert resp.blocked and "private/loopback" in resp.error
    assert server.hits["/secret"] == 0


def test_declared_50mb_body_is_refused_before_download(server, sleeps):
    server.routes["/big"] = endless(50 * 1024 * 1024, declare_length=True)
    fetcher, policy = make(server, sleeps)
    start = time.monotonic()
    resp = fetcher.get(server.url + "/big", policy)
    assert time.monotonic() - start < 2
    assert not resp.ok and "Content-Length 52428800 exceeds" in resp.error
    assert resp.attempts == 1  # not retried: it would only be downloaded again
    time.sleep(0.2)
    assert server.sent["/big"] < 20 * 1024 * 1024


def test_undeclared_50mb_body_is_aborted_while_streaming(server, sleeps):
    server.routes["/big"] = endless(50 * 1024 * 1024, declare_length=False)
    fetcher, policy = make(server, sleeps)
    resp = fetcher.get(server.url + "/big", policy)
    assert not resp.ok and resp.error.startswith("body too large: aborted after")
    assert resp.content is None
    time.sleep(0.2)
    assert server.sent["/big"] < 20 * 1024 * 1024


def test_total_time_cap_stops_a_slow_drip(server, sleeps):
    server.routes["/drip"] = endless(10_000, declare_length=True, chunk=10, drip=0.05)
    fetcher, policy = make(server, sleeps, total_timeout=0.5)
    start = time.monotonic()
    resp = fetcher.get(server.url + "/drip", policy)
    assert time.monotonic() - start < 2
    assert not resp.ok and "total time cap" in resp.error


def test_robots_disallow_is_obeyed_without_requesting_the_path(server, sleeps):
    server.routes["/robots.txt"] = body(b"User-agent: *\nDisallow: /private/\n",
                                        headers={"Content-Type": "text/plain"})
    server.routes["/private/doc.html"] = body(b"secret")
    server.routes["/public.html"] = body(b"hello")
    fetcher, policy = make(server, sleeps)
    blocked = fetcher.get(server.url + "/private/doc.html", policy)
    assert blocked.blocked and "robots.txt disallows" in blocked.error
    assert server.hits["/private/doc.html"] == 0
    assert fetcher.get(server.url + "/public.html", policy).ok
    assert server.hits["/robots.txt"] == 1  # cached per host


def test_robots_404_allows_everything_and_5xx_disallows(server, sleeps):
    server.routes["/page"] = body(b"hello")
    fetcher, policy = make(server, sleeps)
    assert fetcher.get(server.url + "/page", policy).ok  # no robots.txt route: 404
    server.routes["/robots.txt"] = body(b"down", 500)
    fetcher2, policy2 = make(server, sleeps, retries=0)
    resp = fetcher2.get(server.url + "/page", policy2)
    assert resp.blocked and "robots.txt disallows" in resp.error


def test_user_agent_politeness_delay_and_crawl_delay(server, sleeps):
    server.routes["/robots.txt"] = body(b"User-agent: exportwatch\nCrawl-delay: 4\n")
    server.routes["/a"] = body(b"a")
    fetcher, policy = make(server, sleeps, delay_seconds=1.0)
    assert fetcher.get(server.url + "/a", policy).ok
    assert fetcher.get(server.url + "/a", policy).ok
    ua = server.requests[-1][1]["user-agent"]
    assert ua.startswith("exportwatch/0.1.0 (+") and ua.endswith("; compliance research)")
    assert sleeps and 3.5 < max(sleeps) <= 4.0  # Crawl-delay (longer than delay_seconds) wins


def test_conditional_get_sends_validators_and_reads_304(server, sleeps):
    def route(h, hit):
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.send_header("ETag", '"v1"')
            h.end_headers()
        else:
            body(b"content", headers={"ETag": '"v1"'})(h, hit)
    server.routes["/c"] = route
    fetcher, policy = make(server, sleeps)
    first = fetcher.get(server.url + "/c", policy)
    assert first.ok and first.headers["etag"] == '"v1"'
    again = fetcher.get(server.url + "/c", policy, etag='"v1"', last_modified="Mon, 01 Dec 2025 00:00:00 GMT")
    assert again.not_modified and again.content is None
    assert server.requests[-1][1]["if-modified-since"] == "Mon, 01 Dec 2025 00:00:00 GMT"
