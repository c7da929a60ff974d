"""What the Datasette pages say about themselves: live data or test data, canned-query titles,
absolute links in CSV exports, an Atom feed with no changes, a quiet log on a 404. Real servers
(`exportwatch serve`) over databases built by the real pipeline; the page checks run in Chromium."""
from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

import feedparser
import pytest
import yaml
from click.testing import CliRunner

from serve_support import ROOT, Server, run_pipeline, shared_server, start_server
from test_serve_browser import browser  # noqa: F401 - the module's Chromium fixture

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "fetch"))
from faultserver import FaultServer, body  # noqa: E402

from pipeline.serve import commands  # noqa: E402

QUERIES = yaml.safe_load(commands.METADATA.read_text())["databases"]["exportwatch"]["queries"]
NOTICE = "reconstructions written for testing"


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> Server:
    return shared_server("corpus", request, tmp_path_factory)


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_bundled_data_is_called_test_data_and_no_real_source_is_claimed(page, server: Server) -> None:
    for path in ("/", "/exportwatch"):
        page.goto(server.base + path)
        origin = page.locator(".exportwatch-origin").inner_text()
        assert "Test data, not live data" in origin and NOTICE in origin
        assert "Real sources appear here once exportwatch update has fetched them" in origin
        assert page.locator(".exportwatch-origin a").count() == 0  # no source named
    footer = page.locator("footer").inner_text()
    assert "Data: test data (local files), not live" in footer
    assert "Data source" not in footer and "MOFCOM (商务部)" not in footer


def test_live_data_names_the_sources_it_came_from(page, tmp_path: Path) -> None:
    site = FaultServer()  # the "real" site, fetched directly (no --base-url)
    site.routes["/list.html"] = body(b'<html><body><ul class="list"><li><a href="/a.html">A</a>'
                                     b'<span>2025-10-01</span></li></ul></body></html>')
    site.routes["/a.html"] = body(b"<html><head><title>A</title></head><body><p>Notice A.</p></body></html>")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[fetch]\ndelay_seconds = 0\n[[source]]\nname = "local-site"\nkind = "listing"\n'
                       f'start_url = "{site.url}/list.html"\nallowed_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    db = tmp_path / "live.db"
    from pipeline.cli import cli

    try:
        result = CliRunner().invoke(cli, ["fetch", "--db", str(db), "--sources", str(sources)])
        assert result.exit_code == 0, result.output
    finally:
        site.close()
    served = start_server(db, tmp_path / "serve.log")
    try:
        page.goto(served.base + "/")
        origin = page.locator(".exportwatch-origin").inner_text()
        assert "Live data: 2 documents fetched from 127.0.0.1 (local-site, last checked" in origin
        assert NOTICE not in origin
        assert page.locator(".exportwatch-origin a").get_attribute("href") == f"{site.url}/list.html"
        assert "Data: live from 127.0.0.1" in page.locator("footer").inner_text()
    finally:
        served.stop()


def test_canned_query_pages_have_their_title_not_their_sql(page, server: Server) -> None:
    for name, query in QUERIES.items():
        page.goto(server.base + f"/exportwatch/{name}")
        title = page.title()
        assert title == f"{query['title']} · exportwatch", (name, title)
        assert "SELECT" not in title.upper()
    page.goto(server.base + "/exportwatch?sql=select+1")  # ad-hoc SQL keeps Datasette's own title
    assert "select 1" in page.title()


def test_link_columns_in_csv_exports_are_absolute(server: Server) -> None:
    for path in ("/exportwatch/current_controls.csv?_size=max", "/exportwatch/current_controls.csv?_stream=1&_dl=1",
                 "/exportwatch/hs_code.csv?hs=2805301910"):
        status, _, text = server.get(path)
        assert status == 200, text[:300]
        rows = list(csv.DictReader(io.StringIO(text)))
        links = [v for row in rows for k, v in row.items() if k.endswith("_link") and v]
        assert rows and links, path
        assert all(v.startswith(server.base + "/exportwatch/") for v in links), links[:3]
    rows = list(csv.DictReader(io.StringIO(server.get("/exportwatch/current_controls.csv")[2])))
    evidence = next(r["evidence_link"] for r in rows if r["evidence_link"])
    assert evidence.startswith(server.base + "/exportwatch/measure_evidence?measure=")
    assert server.get(evidence[len(server.base):])[0] == 200  # and it leads somewhere
    assert server.json("/exportwatch/current_controls")[0]["evidence_link"].startswith("/exportwatch/")  # JSON as is


def test_the_atom_feed_with_no_changes_is_an_empty_feed_not_an_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "site" / "www.mofcom.gov.cn" / "zwgk" / "zcfb" / "art" / "2025"
    corpus.mkdir(parents=True)
    shutil.copy(ROOT / "corpus/site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_ca16aece2523b8417c50039971ebad50.html",
                corpus)  # a notice with no export control in it: no change at all
    db = tmp_path / "fresh.db"
    run_pipeline(tmp_path / "corpus", db)
    served = start_server(db, tmp_path / "serve.log")
    try:
        assert served.json("/exportwatch/change_timeline") == []
        status, ctype, text = served.get("/exportwatch/changes_feed.atom")
        assert status == 200 and "xml" in ctype, text[:500]
        feed = feedparser.parse(text)
        assert not feed.bozo and feed.entries == []
        assert feed.feed.title == QUERIES["changes_feed"]["title"]
    finally:
        served.stop()


def test_a_404_leaves_one_line_in_the_log(server: Server) -> None:
    before = server.log.read_text()
    status, _, _ = server.get("/exportwatch/no_such_table")
    assert status == 404
    added = server.log.read_text()[len(before):]
    assert "404" in added and "Traceback" not in added and "locals" not in added and "│" not in added
    assert len(added.strip().splitlines()) == 1, added
