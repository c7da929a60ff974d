"""Serving while the pipeline writes: a real Chromium session stays open on `exportwatch serve`
while three `exportwatch update` runs fetch new pages from a local copy of the sites.

What a user running `make serve` beside a cron `make update` must get: every page answers 200
during and after each update (no "database disk image is malformed"), and after each update the
pages show its data (the new document, the new run, the counts) without restarting the server.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SITE, serve_directory
from serve_support import EXPORTWATCH, ROOT, run_pipeline, start_server
from test_serve_browser import browser  # noqa: F401 - the module's Chromium fixture

LISTING = Path("www.mofcom.gov.cn/zwgk/zcfb/index.html")
TEMPLATE = Path("www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_ca16aece2523b8417c50039971ebad50.html")  # a notice
TEMPLATE_TITLE = "商务部等8部门关于推动即时零售和直播电商规范健康发展的通知"
PAGES = ["/exportwatch", "/exportwatch/runs", "/exportwatch/fetches", "/exportwatch/source_health",
         "/exportwatch/document_list", "/exportwatch/current_controls?status=in_force",
         "/exportwatch/change_timeline", "/exportwatch/changes_feed.atom"]
LIVE_ONLY = {"/exportwatch/fetches", "/exportwatch/source_health"}  # tables the first update creates


def add_page(site: Path, n: int) -> str:
    """A new announcement page on the local site, linked first in the listing; returns its title."""
    title = f"商务部关于测试更新{n}的通知"
    html = (site / TEMPLATE).read_text(encoding="utf-8").replace(TEMPLATE_TITLE, title)
    name = f"art/2025/art_update_{n}.html"
    (site / LISTING.parent / name).write_text(html, encoding="utf-8")
    listing = (site / LISTING).read_text(encoding="utf-8")
    entry = f'<li><a href="{name}" title="{title}" target="_blank">{title}</a><span>2026-01-0{n}</span></li>\n'
    first = listing.index('<li><a href="art/2025/')
    (site / LISTING).write_text(listing[:first] + entry + listing[first:], encoding="utf-8")
    return title


def count(page, base: str, table: str) -> int:
    resp = page.goto(f"{base}/exportwatch.json?sql=select+count(*)+as+n+from+{table}&_shape=array")
    assert resp.status == 200, resp.text()
    return resp.json()[0]["n"]


@pytest.fixture
def live(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    http, base_url = serve_directory(site)
    db = tmp_path / "data" / "exportwatch.db"
    db.parent.mkdir()
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus" / "site", corpus / "site")
    run_pipeline(corpus, db)  # `make run`
    server = start_server(db, tmp_path / "serve.log")  # `make serve`
    yield site, base_url, db, server
    server.stop()
    http.shutdown()
    http.server_close()


def test_a_browser_open_through_three_updates_sees_every_page_and_the_new_data(browser, live):  # noqa: F811
    site, base_url, db, server = live
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    env = {**os.environ, "EXPORTWATCH_FETCH_DELAY_SECONDS": "0"}
    answered: set[str] = set()  # pages that answered 200 once must go on doing so
    for path in PAGES:
        status = page.goto(server.base + path).status
        assert status == 200 or path in LIVE_ONLY, (path, status)
        if status == 200:
            answered.add(path)
    docs_before = count(page, server.base, "documents")
    for n in (1, 2, 3):
        title = add_page(site, n)
        update = subprocess.Popen(
            [*EXPORTWATCH, "update", "--db", str(db), "--base-url", base_url,
             "--lock", str(db.parent / "update.lock"), "--log", str(db.parent / "update.log")],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        visits = 0
        while update.poll() is None:  # browse all through the update
            path = PAGES[visits % len(PAGES)]
            resp = page.goto(server.base + path)
            if resp.status == 200:
                answered.add(path)
            elif path in answered or resp.status != 404:
                errors.append(f"update {n}, {path}: HTTP {resp.status}: {resp.text()[:300]}")
            visits += 1
        for path in PAGES:  # and once more after it: every page, the new tables too
            resp = page.goto(server.base + path)
            if resp.status != 200:
                errors.append(f"after update {n}, {path}: HTTP {resp.status}: {resp.text()[:300]}")
        output = update.communicate()[0]
        assert update.returncode == 0, output
        assert errors == [], "\n".join(errors)
        # the new data, without a restart: the page, the run, the counts
        page.goto(server.base + f"/exportwatch/document_list?source_url__endswith=art_update_{n}.html")
        assert title in page.locator("table.rows-and-columns").inner_text()
        assert count(page, server.base, "documents where url like '%art_update_%'") == n
        assert count(page, server.base, "documents") == docs_before + 2 * n  # the page, the new listing
        runs = page.goto(server.base + "/exportwatch/runs.json?_shape=array&_sort_desc=id&_size=1").json()
        assert runs[0]["command"] == "update" and runs[0]["status"] == "ok"
        assert count(page, server.base, "runs where command = 'update'") == n
        tables = {t["name"]: t for t in page.goto(server.base + "/exportwatch.json").json()["tables"]}
        assert tables["documents"]["count"] == docs_before + 2 * n  # the database page's cached counts
    assert server.proc.poll() is None  # the same server all along
    log = server.log.read_text()
    assert "malformed" not in log and "Traceback" not in log, log[-3000:]
    context.close()


def test_a_run_publishes_only_for_a_served_database(tmp_path: Path) -> None:
    """Publishing costs a copy of the database: a database nobody serves gets none."""
    from pipeline.serve.snapshot import snapshot_path

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus" / "site" / "english.mofcom.gov.cn", corpus / "site" / "english.mofcom.gov.cn")
    db = tmp_path / "ew.db"
    run_pipeline(corpus, db)
    assert not snapshot_path(db).exists()
    from pipeline.serve.commands import ready_for_serving

    served = ready_for_serving(db)
    assert served == snapshot_path(db) and served.is_file()
    first = served.stat().st_ino
    time.sleep(0.01)
    run_pipeline(corpus, db)  # a run on a served database publishes a new copy (a new file)
    assert snapshot_path(db).stat().st_ino != first
    import sqlite3

    with sqlite3.connect(f"file:{served}?immutable=1", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("select count(*) from runs where status = 'ok'").fetchone()[0] == 2
