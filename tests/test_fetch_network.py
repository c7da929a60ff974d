"""Network failures, named: DNS, connect, TLS, timeout, per source, in the output and in
`source_health`; one deadline per request (headers included); bodies inflated against the cap.

Every fault is real: a name under `.invalid` (never resolves), a closed port, a plain-HTTP server
asked for TLS, servers that stall or drip their headers, compression bombs served by a real
HTTP server on 127.0.0.1.
"""
from __future__ import annotations

import gzip
import socket
import sqlite3
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "fetch"))
from faultserver import FaultHandler, FaultServer, body  # noqa: E402

from pipeline.cli import cli  # noqa: E402
from pipeline.fetch.client import Fetcher  # noqa: E402
from pipeline.fetch.sources import FetchSettings  # noqa: E402
from pipeline.fetch.urls import HostPolicy  # noqa: E402

FAST = """[fetch]
delay_seconds = 0
connect_timeout = 2.0
read_timeout = 0.5
total_timeout = 5.0
retries = 0
backoff_seconds = 0.01
"""


def sources_file(tmp_path: Path, start_url: str, host: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(FAST + f"""
[[source]]
name = "site"
kind = "listing"
start_url = "{start_url}"
allowed_hosts = ["{host}"]
min_links = 1
max_pages = 1
check_interval_minutes = 60
""", encoding="utf-8")
    return path


def fetch(tmp_path: Path, sources: Path, *extra: str):
    return CliRunner().invoke(cli, ["fetch", "--db", str(tmp_path / "t.db"), "--sources", str(sources), *extra])


def health(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "t.db") as conn:
        return conn.execute("select source, status, failure, error, base_url from source_health order by id").fetchall()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def assert_named(result, tmp_path: Path, kind: str, words: str) -> None:
    assert result.exit_code == 1
    assert f"network error ({kind})" in result.output and words in result.output, result.output
    assert "robots.txt disallows" not in result.output and "selectors" not in result.output
    assert "network failure: check this machine's connection" in result.output
    [(source, status, failure, error, _)] = health(tmp_path)
    assert (source, status, failure) == ("site", "error", kind)
    assert f"network error ({kind})" in error and words in error


def test_dns_failure_is_named_not_robots(tmp_path):
    result = fetch(tmp_path, sources_file(tmp_path, "https://exportwatch-test.invalid/list.html",
                                          "exportwatch-test.invalid"))
    assert_named(result, tmp_path, "dns", "DNS lookup failed for exportwatch-test.invalid")


def test_refused_connection_is_named(tmp_path):
    port = closed_port()
    result = fetch(tmp_path, sources_file(tmp_path, "https://site.test/list.html", "site.test"),
                   "--base-url", f"http://127.0.0.1:{port}")
    assert_named(result, tmp_path, "connect", f"connection to 127.0.0.1:{port} refused")


def test_tls_failure_is_named(tmp_path):
    server = FaultServer()  # plain HTTP, asked for TLS
    try:
        result = fetch(tmp_path, sources_file(tmp_path, "https://site.test/list.html", "site.test"),
                       "--base-url", server.url.replace("http://", "https://"))
        assert_named(result, tmp_path, "tls", "TLS handshake with 127.0.0.1")
    finally:
        server.close()


def test_timeout_is_named(tmp_path):
    server = FaultServer()

    def silent(h: FaultHandler, hit: int) -> None:  # accepts, reads the request, says nothing
        h.server.stop.wait(3)
        h.close_connection = True

    server.routes["/site.test/robots.txt"] = silent
    try:
        result = fetch(tmp_path, sources_file(tmp_path, "https://site.test/list.html", "site.test"),
                       "--base-url", server.url)
        assert_named(result, tmp_path, "timeout", "timed out waiting for 127.0.0.1")
    finally:
        server.close()


# ------------------------------------------------------------------ --base-url keeps its own state

LIST = b'<html><body><ul class="list"><li><a href="/a.html">A</a><span>2025-10-01</span></li></ul></body></html>'
PAGE = b"<html><head><title>A</title></head><body><p>A page.</p></body></html>"


@pytest.fixture
def real_and_mirror():
    """The "real" site on one port and a mirror of it (BASE/HOST/PATH layout) on another."""
    real, mirror = FaultServer(), FaultServer()
    host = f"127.0.0.1:{real.server_address[1]}"
    real.routes.update({"/list.html": body(LIST, headers={"ETag": '"real-1"'}), "/a.html": body(PAGE)})
    mirror.routes.update({f"/{host}/list.html": body(LIST, headers={"ETag": '"mirror-1"'}),
                          f"/{host}/a.html": body(PAGE)})
    yield real, mirror
    real.close()
    mirror.close()


def test_a_mirror_run_is_not_a_check_of_the_real_source(tmp_path, real_and_mirror):
    real, mirror = real_and_mirror
    sources = sources_file(tmp_path, f"{real.url}/list.html", "127.0.0.1")
    assert fetch(tmp_path, sources, "--base-url", mirror.url).exit_code == 0
    assert mirror.hits["/" + real.url.split("//")[1] + "/list.html"] == 1 and real.hits["/list.html"] == 0
    first_real = fetch(tmp_path, sources)  # the next real run is not skipped
    assert first_real.exit_code == 0, first_real.output
    assert "skipped" not in first_real.output and real.hits["/list.html"] == 1
    listing = [h for p, h in real.requests if p == "/list.html"][0]
    assert "if-none-match" not in listing  # the mirror's ETag is not the real site's validator
    assert fetch(tmp_path, sources).exit_code == 0  # checked a moment ago: now it is skipped
    assert real.hits["/list.html"] == 1
    rows = health(tmp_path)
    assert [(r[1], r[4]) for r in rows] == [("ok", mirror.url), ("ok", None)]


def test_a_failed_check_is_not_a_check(tmp_path, real_and_mirror):
    real, _ = real_and_mirror
    sources = sources_file(tmp_path, f"{real.url}/list.html", "127.0.0.1")
    real.routes["/list.html"] = body(b"down for maintenance", 404)
    assert fetch(tmp_path, sources).exit_code == 1
    real.routes["/list.html"] = body(LIST)
    again = fetch(tmp_path, sources)  # within the interval, but the last check failed
    assert again.exit_code == 0, again.output
    assert real.hits["/list.html"] == 2
    assert [r[1] for r in health(tmp_path)] == ["error", "ok"]


# ------------------------------------------------------------------ one deadline per request

def fetcher_for(server: FaultServer, **settings) -> tuple[Fetcher, HostPolicy]:
    values = {"delay_seconds": 0, "retries": 0, "obey_robots": False, **settings}
    return Fetcher(FetchSettings(**values)), HostPolicy(frozenset({"127.0.0.1"}),
                                                        own_netlocs=frozenset({server.url.split("//")[1]}))


def test_headers_dripped_one_byte_at_a_time_meet_the_total_deadline():
    server = FaultServer()

    def drip(h: FaultHandler, hit: int) -> None:
        head = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"y" * 20) for i in range(200))
        try:
            for byte in head:  # one byte every 50 ms: ~5,000 bytes would take minutes
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                if h.server.stop.wait(0.05):
                    return
        except OSError:
            pass
        h.close_connection = True

    server.routes["/slow"] = drip
    try:
        fetcher, policy = fetcher_for(server, read_timeout=5.0, total_timeout=1.5)
        start = time.monotonic()
        resp = fetcher.get(server.url + "/slow", policy)
        assert time.monotonic() - start < 4
        assert not resp.ok and resp.failure == "time"
        assert "total time cap of 2s reached while waiting for the response headers" in resp.error
    finally:
        server.close()


# ------------------------------------------------------------------ compressed bodies against the cap

def zeros_gzip(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    return b"".join([packer.compress(block) for _ in range(megabytes)] + [packer.flush()])


@pytest.fixture(scope="module")
def bombs():
    inner = zeros_gzip(256)  # 256 MiB of zeros in ~250 KB
    server = FaultServer()
    server.routes["/one"] = body(inner, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    server.routes["/stacked"] = body(gzip.compress(inner), headers={"Content-Encoding": "gzip, gzip",
                                                                     "Content-Type": "text/html"})
    server.routes["/fine"] = body(gzip.compress(PAGE), headers={"Content-Encoding": "gzip",
                                                                "Content-Type": "text/html"})
    yield server
    server.close()


def test_a_gzip_bomb_is_inflated_only_up_to_the_cap(bombs):
    fetcher, policy = fetcher_for(bombs, max_bytes=1_000_000)
    tracemalloc.start()
    try:
        resp = fetcher.get(bombs.url + "/one", policy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not resp.ok and resp.failure == "size"
    assert "more than 1000000 after gzip decoding" in resp.error
    assert peak < 16 * 1024 * 1024  # never more than the cap (plus a chunk) in memory


def test_stacked_content_encoding_is_refused(bombs):
    fetcher, policy = fetcher_for(bombs, max_bytes=1_000_000)
    resp = fetcher.get(bombs.url + "/stacked", policy)
    assert not resp.ok and resp.failure == "refused"
    assert "stacked Content-Encoding 'gzip, gzip'" in resp.error


def test_a_gzip_page_still_reads(bombs):
    fetcher, policy = fetcher_for(bombs)
    resp = fetcher.get(bombs.url + "/fine", policy)
    assert resp.ok and resp.content == PAGE
    assert bombs.requests[-1][1]["accept-encoding"] == "gzip, deflate"
