"""`exportwatch fetch --base-url` against real HTTP servers on 127.0.0.1 serving the mirror.

Covers the whole walk (3 MOFCOM list pages with 下一页, English index, RSS feed, PDF attachment,
the deliberately absent Annex 2), conditional GET on a second run, pages that change or vanish,
and run health: a maintenance page served with 200 and changed list markup.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SITE, dev_path, serve_directory
from pipeline import ingest
from pipeline.cli import cli
from pipeline.context import Context
from pipeline.fetch.stage import run_stage

FIXTURES = Path(__file__).parent / "fixtures" / "bad"  # the shared malformed inputs, copied once
LIST = "www.mofcom.gov.cn/zwgk/zcfb/index.html"
NO57 = "www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_993dfbb3a3ed1d6b5b1258817c73561b.html"
ANNEX2 = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805263.pdf"


def site_urls(site: Path) -> set[str]:
    return {"https://" + p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def fetch(db: Path, base_url: str, *args: str):
    return CliRunner().invoke(cli, ["fetch", "--db", str(db), "--base-url", base_url, "--delay", "0",
                                    "-q", *args])


# every source of the mirror, the test sites' news feed included (disabled in the shipped file)
ALL_SOURCES = ("--source", "mofcom-zcfb", "--source", "mofcom-en", "--source", "news-example")


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def site_copy(tmp_path):
    """A writable copy of the bundled mirror, served on 127.0.0.1."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    server, url = serve_directory(site)
    yield site, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def parse_calls(monkeypatch):
    calls: list[str] = []
    real = ingest.parse

    def counting(raw):
        calls.append(raw.url)
        return real(raw)
    monkeypatch.setattr(ingest, "parse", counting)
    return calls


def test_shared_mirror_fetched_whole_then_304(tmp_path, parse_calls):
    site = dev_path("corpus", "site")
    server, url = serve_directory(site)
    db = tmp_path / "t.db"
    try:
        first = fetch(db, url, *ALL_SOURCES)
        assert first.exit_code == 0, first.output
        expected = site_urls(site)
        stored = {u for (u,) in rows(db, "select url from locations")}
        assert stored == expected and len(expected) == 27
        assert rows(db, "select count(*) from documents")[0][0] == 27
        assert rows(db, "select count(*) from documents where media_type = 'application/pdf'")[0][0] == 1
        # Raw.url stays canonical, final_url is the URL actually fetched
        assert all(u.startswith("https://") for (u,) in rows(db, "select url from documents"))
        finals = rows(db, "select final_url from fetches where status = 200")
        assert finals and all(f.startswith(url + "/") for (f,) in finals)
        # the absent Annex 2 is recorded and the run went on
        assert rows(db, "select status, outcome, error from fetches where url = ?", [ANNEX2]) == \
            [(404, "http_error", "HTTP 404")]
        health = rows(db, "select source, status, links_found, pages from source_health order by source")
        assert health == [("mofcom-en", "ok", 2, 1), ("mofcom-zcfb", "ok", 10, 3), ("news-example", "ok", 9, 1)]
        assert len(parse_calls) == 27

        parse_calls.clear()
        second = fetch(db, url, *ALL_SOURCES)
        assert second.exit_code == 0, second.output
        assert parse_calls == []  # nothing parsed again
        assert rows(db, "select count(*) from documents")[0][0] == 27
        outcomes = dict(rows(db, "select outcome, count(*) from fetches where run_id = "
                                 "(select max(run_id) from fetches) group by outcome"))
        assert outcomes == {"not_modified": 27, "http_error": 1, "robots": 3}
    finally:
        server.shutdown()
        server.server_close()


def test_bundled_mirror(site_server, tmp_path):
    db = tmp_path / "t.db"
    result = fetch(db, site_server, *ALL_SOURCES)
    assert result.exit_code == 0, result.output
    assert {u for (u,) in rows(db, "select url from locations")} == site_urls(SITE)
    missing = rows(db, "select count(*) from fetches where status = 404 and outcome = 'http_error'")[0][0]
    assert missing == 1  # Annex 2 (the bundled copy holds the whole dev set, news seeds included)
    # robots.txt asked once per host (404 on the mirror: no rules) and recorded
    assert sorted(rows(db, "select url, status, error from fetches where outcome = 'robots'")) == [
        (f"https://{h}/robots.txt", 404, "robots.txt 404: no rules")
        for h in ("english.mofcom.gov.cn", "news.example.org", "www.mofcom.gov.cn")]


def test_vanished_page_is_recorded_not_repealed(site_copy, tmp_path):
    site, url = site_copy
    db = tmp_path / "t.db"
    assert fetch(db, url, "--source", "mofcom-zcfb").exit_code == 0
    before = rows(db, "select document_id from locations where url = ?", ["https://" + NO57])
    (site / NO57).unlink()
    result = fetch(db, url, "--source", "mofcom-zcfb")
    assert result.exit_code == 0, result.output
    assert rows(db, "select document_id from locations where url = ?", ["https://" + NO57]) == before
    assert rows(db, "select count(*) from documents where id = ?", [before[0][0]])[0][0] == 1
    last = rows(db, "select status, error from fetches where url = ? order by id desc limit 1",
                ["https://" + NO57])
    assert last == [(404, "HTTP 404")]


def test_changed_page_becomes_new_document(site_copy, tmp_path, parse_calls):
    site, url = site_copy
    db = tmp_path / "t.db"
    assert fetch(db, url, "--source", "mofcom-zcfb").exit_code == 0
    page = site / NO57
    page.write_bytes(page.read_bytes().replace(b"</body>", "<p>更正</p></body>".encode()))
    stat = page.stat()
    os.utime(page, (stat.st_atime, stat.st_mtime + 10))  # Last-Modified has 1-second resolution
    parse_calls.clear()
    assert fetch(db, url, "--source", "mofcom-zcfb").exit_code == 0
    assert parse_calls == ["https://" + NO57]
    (doc_id,) = rows(db, "select document_id from locations where url = ?", ["https://" + NO57])[0]
    assert rows(db, "select outcome, sha256 from fetches where url = ? order by id desc limit 1",
                ["https://" + NO57]) == [("new", doc_id)]


def test_maintenance_page_fails_the_source_and_others_still_run(site_copy, tmp_path):
    site, url = site_copy
    shutil.copy(FIXTURES / "list-maintenance.html", site / LIST)
    db = tmp_path / "t.db"
    result = fetch(db, url, *ALL_SOURCES)
    assert result.exit_code != 0
    assert "mofcom-zcfb" in result.output and "0 detail links" in result.output
    assert "系统维护" in result.output
    health = dict(rows(db, "select source, status from source_health"))
    assert health == {"mofcom-zcfb": "error", "mofcom-en": "ok", "news-example": "ok"}
    error, links = rows(db, "select error, links_found from source_health where source = 'mofcom-zcfb'")[0]
    assert links == 0 and "not read as 'no new announcements'" in error
    assert rows(db, "select status from runs order by id desc limit 1") == [("failed",)]


def test_changed_markup_still_yields_links(site_copy, tmp_path):
    site, url = site_copy
    shutil.copy(FIXTURES / "list-table-markup.html", site / LIST)
    db = tmp_path / "t.db"
    result = fetch(db, url, "--source", "mofcom-zcfb")
    assert result.exit_code == 0, result.output
    assert rows(db, "select status, links_found, pages from source_health") == [("ok", 10, 3)]
    assert rows(db, "select count(*) from locations where url = ?", ["https://" + NO57])[0][0] == 1


def sources_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f"""[fetch]
delay_seconds = 0
[[source]]
name = "zcfb"
kind = "listing"
start_url = "https://www.mofcom.gov.cn/zwgk/zcfb/index.html"
allowed_hosts = ["www.mofcom.gov.cn"]
min_links = 3
max_pages = 5
{extra}
""", encoding="utf-8")
    return path


def test_css_selectors_override_parser_rels(site_copy, tmp_path):
    site, url = site_copy
    path = sources_file(tmp_path, 'detail_selector = "ul.txtList_01 li > a"\n'
                                  "next_selector = \"#pageBar a:-soup-contains('下一页')\"")
    db = tmp_path / "t.db"
    result = fetch(db, url, "--sources", str(path))
    assert result.exit_code == 0, result.output
    assert rows(db, "select status, links_found, pages from source_health") == [("ok", 10, 3)]
    # the same selector on the table layout finds nothing: reported, not "no news"
    shutil.copy(FIXTURES / "list-table-markup.html", site / LIST)
    result = fetch(db, url, "--sources", str(path))
    assert result.exit_code != 0
    assert rows(db, "select status, links_found from source_health order by id desc limit 1") == [("error", 0)]


def test_max_pages_limits_the_walk(site_server, tmp_path):
    db = tmp_path / "t.db"
    result = fetch(db, site_server, "--source", "mofcom-zcfb", "--max-pages", "1")
    assert result.exit_code == 0, result.output
    assert rows(db, "select links_found, pages from source_health") == [(4, 1)]


def test_check_interval_without_mirror(site_server, tmp_path):
    """Against a direct (non-mirror) URL the interval is honoured unless forced."""
    path = tmp_path / "direct.toml"
    path.write_text(f"""[fetch]
delay_seconds = 0
[[source]]
name = "direct"
kind = "listing"
start_url = "{site_server}/english.mofcom.gov.cn/index.html"
min_links = 2
check_interval_minutes = 60
""", encoding="utf-8")
    ctx = Context.open(tmp_path / "t.db", quiet=True)
    ctx.start_run("test")
    assert [r.status for r in run_stage(ctx, sources_path=path)] == ["ok"]
    assert run_stage(ctx, sources_path=path) == [] and ctx.counts["sources_skipped"] == 1
    assert [r.links_found for r in run_stage(ctx, sources_path=path, force=True)] == [2]


def test_unknown_source_name_is_a_clear_error(site_server, tmp_path):
    result = fetch(tmp_path / "t.db", site_server, "--source", "nope")
    assert result.exit_code != 0 and "unknown source(s) nope" in result.output


def test_broken_feed_is_a_source_error(site_copy, tmp_path):
    site, url = site_copy
    shutil.copy(FIXTURES / "feed-broken.xml", site / "news.example.org/feed.xml")
    db = tmp_path / "t.db"
    result = fetch(db, url, "--source", "news-example")
    assert result.exit_code != 0
    error = rows(db, "select error from source_health where source = 'news-example'")[0][0]
    assert "did not parse cleanly" in error
