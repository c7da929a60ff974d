"""Faults met during a crawl are recorded per URL in `fetches`, and the run goes on.

A listing on a fault-injecting server links one detail page per fault; the stage must store the
good pages, record each bad one with its reason, and judge the source by its listing.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "fetch"))
from faultserver import FaultServer, body, endless, hang, redirect, reset, sequence  # noqa: E402

from pipeline.cli import cli  # noqa: E402
from pipeline.context import Context  # noqa: E402
from pipeline.fetch.stage import run_stage  # noqa: E402

FAST = {"delay_seconds": 0, "connect_timeout": 0.5, "read_timeout": 0.3, "total_timeout": 5,
        "max_bytes": 1_000_000, "retries": 2, "backoff_seconds": 0.01, "retry_after_cap": 10}
DETAILS = ["ok", "flaky", "limited", "hang", "reset", "loop-a", "offsite", "big", "private/x", "gone"]


def listing(paths: list[str]) -> bytes:
    items = "".join(f'<li><a href="/{p}.html">Item {p}</a><span>2025-10-0{i % 9 + 1}</span></li>'
                    for i, p in enumerate(paths))
    return f'<html><body><ul class="list">{items}</ul></body></html>'.encode()


def page(text: str) -> bytes:
    return f"<html><head><title>{text}</title></head><body><p>{text}</p></body></html>".encode()


@pytest.fixture
def server():
    srv = FaultServer()
    h = "/faults.test"
    srv.routes.update({
        f"{h}/robots.txt": body(b"User-agent: *\nDisallow: /private/\n"),
        f"{h}/list.html": body(listing(DETAILS)),
        f"{h}/ok.html": body(page("ok")),
        f"{h}/flaky.html": sequence(body(b"", 500), body(page("flaky"))),
        f"{h}/limited.html": sequence(body(b"", 429, {"Retry-After": "1"}), body(page("limited"))),
        f"{h}/hang.html": hang(5),
        f"{h}/reset.html": reset(),
        f"{h}/loop-a.html": redirect("/faults.test/loop-b.html"),
        f"{h}/loop-b.html": redirect("https://faults.test/loop-a.html"),
        f"{h}/offsite.html": redirect("https://evil.example/x.html"),
        f"{h}/big.html": endless(50 * 1024 * 1024, declare_length=False),
        f"{h}/private/x.html": body(page("secret")),
    })
    yield srv
    srv.close()


def sources(tmp_path: Path, start: str = "https://faults.test/list.html") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f"""[fetch]
retries = 1
backoff_seconds = 0.01
[[source]]
name = "faults"
kind = "listing"
start_url = "{start}"
allowed_hosts = ["faults.test"]
detail_selector = "ul.list a"
min_links = 3
max_pages = 1
""", encoding="utf-8")
    return path


def test_each_fault_is_recorded_and_the_run_goes_on(server, tmp_path):
    ctx = Context.open(tmp_path / "t.db", quiet=True)
    ctx.start_run("test")
    sleeps: list[float] = []
    [result] = run_stage(ctx, base_url=server.url, sources_path=sources(tmp_path), settings=FAST,
                         sleep=sleeps.append)
    assert result.status == "ok" and result.links_found == len(DETAILS)
    got = {url.rsplit("/faults.test/", 1)[1].removesuffix(".html"): (status, outcome, error or "")
           for url, status, outcome, error in ctx.db.execute(
               "select url, status, outcome, error from fetches where url like 'https://faults.test/%'")}
    assert got["list"][:2] == (200, "new")
    assert got["ok"][:2] == (200, "new")
    assert got["flaky"][:2] == (200, "new")            # 500, retried, then 200
    assert got["limited"][:2] == (200, "new") and 1.0 in sleeps  # 429 waited Retry-After
    assert got["hang"][1] == "error" and got["hang"][2].startswith("network error (timeout)")
    assert got["reset"][1] == "error" and "gave up after 3 attempts" in got["reset"][2]
    assert got["loop-a"][1] == "error" and got["loop-a"][2].startswith("redirect loop")
    assert got["offsite"][1] == "blocked" and "evil.example is not on the allowlist" in got["offsite"][2]
    assert got["big"][1] == "error" and got["big"][2].startswith("body too large")
    assert got["private/x"][1] == "blocked" and "robots.txt" in got["private/x"][2]
    assert got["gone"] == (404, "http_error", "HTTP 404")
    assert server.hits["/faults.test/private/x.html"] == 0
    assert server.sent["/faults.test/big.html"] < 20 * 1024 * 1024
    stored = {u for (u,) in ctx.db.execute("select url from locations")}
    assert stored == {f"https://faults.test/{p}.html" for p in ("list", "ok", "flaky", "limited")}
    assert len([e for e in ctx.errors if e["where"] == "fetch faults"]) == 7


def test_failing_listing_fails_the_source_and_exits_non_zero(server, tmp_path):
    server.routes["/faults.test/list.html"] = body(b"", 503)
    result = CliRunner().invoke(cli, ["fetch", "--db", str(tmp_path / "t.db"), "--base-url", server.url,
                                      "--sources", str(sources(tmp_path)), "--delay", "0", "-q"])
    assert result.exit_code == 1
    assert "1 source(s) failed" in result.output and "HTTP 503 (gave up after 2 attempts)" in result.output


def test_same_body_without_validators_is_not_parsed_again(server, tmp_path, monkeypatch):
    from pipeline import ingest

    server.routes["/faults.test/list.html"] = body(listing(["ok", "flaky", "limited"]))
    parsed: list[str] = []
    real = ingest.parse
    monkeypatch.setattr(ingest, "parse", lambda raw: parsed.append(raw.url) or real(raw))
    ctx = Context.open(tmp_path / "t.db", quiet=True)
    ctx.start_run("test")
    for _ in range(2):
        [result] = run_stage(ctx, base_url=server.url, sources_path=sources(tmp_path), settings=FAST,
                             sleep=lambda s: None)
        assert result.status == "ok"
    assert len(parsed) == 4 and len(set(parsed)) == 4  # list + 3 details, once each
    second = ctx.db.execute("select outcome, count(*) from fetches where outcome != 'robots' "
                            "group by outcome").fetchall()
    assert dict(second) == {"new": 4, "unchanged": 4}
