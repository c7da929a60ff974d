"""`exportwatch update` (what `make update` runs from cron) and `run --live` chaining the fetch stage."""
from __future__ import annotations

import fcntl
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SITE, serve_directory
from pipeline import runner
from pipeline.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "bad"  # the shared malformed inputs, copied once


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setenv("EXPORTWATCH_FETCH_DELAY_SECONDS", "0")
    monkeypatch.setenv("EXPORTWATCH_FETCH_BACKOFF_SECONDS", "0.01")


def update(tmp_path: Path, base_url: str, *extra: str):
    return CliRunner().invoke(cli, ["update", "--db", str(tmp_path / "t.db"), "--base-url", base_url,
                                    "--lock", str(tmp_path / "update.lock"),
                                    "--log", str(tmp_path / "update.log"), *extra])


def test_second_concurrent_update_refuses(tmp_path, site_server, fast):
    lock = tmp_path / "update.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 4242 since earlier\n")
        held.flush()
        result = update(tmp_path, site_server)
    assert result.exit_code == 1
    assert "another update is running (pid 4242" in result.output
    assert not (tmp_path / "t.db").exists()  # nothing was done


def test_update_logs_and_fails_on_unhealthy_source(tmp_path, fast, monkeypatch):
    monkeypatch.setattr(runner, "STAGES", [])  # this test is about fetch + lock + log
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    server, url = serve_directory(site)
    try:
        ok = update(tmp_path, url)
        assert ok.exit_code == 0, ok.output
        log = (tmp_path / "update.log").read_text(encoding="utf-8")
        assert re.search(r"update started \(pid \d+", log) and "update finished: ok" in log
        shutil.copy(FIXTURES / "list-maintenance.html", site / "www.mofcom.gov.cn/zwgk/zcfb/index.html")
        bad = update(tmp_path, url)
        assert bad.exit_code == 1 and "mofcom-zcfb" in bad.output
        log = (tmp_path / "update.log").read_text(encoding="utf-8")
        assert "update finished: failed" in log and "source mofcom-zcfb" in log
        with sqlite3.connect(tmp_path / "t.db") as conn:
            assert conn.execute("select command, status from runs order by id").fetchall() == \
                [("update", "ok"), ("update", "failed")]
        # the lock was released: a third update can start
        assert update(tmp_path, url).exit_code == 1  # still unhealthy, but it ran
        assert (tmp_path / "update.log").read_text().count("update started") == 3
    finally:
        server.shutdown()
        server.server_close()


def test_run_live_fetches_then_runs_the_stages(tmp_path, site_server, fast):
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["run", "--live", "--base-url", site_server, "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        # the two enabled MOFCOM sources; the news feed of the test sites is disabled in the shipped file
        assert conn.execute("select source, status from source_health order by source").fetchall() == \
            [("mofcom-en", "ok"), ("mofcom-zcfb", "ok")]
        urls = {u for (u,) in conn.execute("select url from locations")}
    assert "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805262.pdf" in urls


def test_makefile_update_target():
    text = (ROOT / "Makefile").read_text()
    rule = re.search(r"^update:.*\n((?:\t.*\n)+)", text, re.M)
    assert rule and "exportwatch update" in rule.group(1) and "data/update.lock" in rule.group(1)
