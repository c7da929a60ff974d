"""config/sources.toml is validated against a typed schema before any request; the shipped file
has no active placeholder source; a list page with thousands of links is capped, loudly."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "fetch"))
from faultserver import FaultServer, body  # noqa: E402

from pipeline.cli import cli  # noqa: E402
from pipeline.fetch import sources  # noqa: E402
from pipeline.fetch.sources import SourcesError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOOD = 'name = "a"\nkind = "listing"\nstart_url = "https://site.test/list.html"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ("fetch = 5\n[[source]]\n" + GOOD, "fetch = 5: [fetch] must be a table"),
    ('[[source]]\nname = "a"\nkind = "listing"\nstart_url = 12\n',
     "start_url = 12: input should be a valid string; write text in double quotes"),
    ("[[source]]\n" + GOOD + 'attachments = "pdf"\n',
     "attachments = 'pdf': input should be a valid tuple; write a list"),
    ("[[source]]\n" + GOOD + 'enabled = "false"\n',
     "enabled = 'false': input should be a valid boolean; write true or false, without quotes"),
    ('[fetch]\ndelay_seconds = "fast"\n[[source]]\n' + GOOD,
     "[fetch]: delay_seconds = 'fast': input should be a valid number; write a number, without quotes"),
    ("[fetch]\nretries = 1.5\n[[source]]\n" + GOOD, "retries = 1.5: input should be a valid integer"),
    ("[fetch]\ntotal_timeout = -1\n[[source]]\n" + GOOD, "total_timeout = -1: input should be greater than 0"),
    ("[[source]]\n" + GOOD + "max_pages = true\n", "max_pages = True: input should be a valid integer"),
    ("[[source]]\n" + GOOD + 'lang = "fr"\n', "lang = 'fr': input should be 'zh' or 'en'"),
    ("[[source]]\n" + GOOD + "attachments = [5]\n", "attachments[0] = 5: input should be a valid string"),
    ("sources = []\n", "unknown top-level key(s) sources"),
])
def test_wrong_types_are_named_with_how_to_write_them(tmp_path, text, message):
    with pytest.raises(SourcesError) as err:
        sources.load(write(tmp_path, text))
    assert message in err.value.message, err.value.message


def test_every_problem_is_reported_at_once(tmp_path):
    text = ("[[source]]\n" + GOOD + 'enabled = "no"\n'
            '[[source]]\nname = "b"\nkind = "feed"\nstart_url = "https://b.test/f.xml"\nmin_links = "3"\n')
    with pytest.raises(SourcesError) as err:
        sources.load(write(tmp_path, text))
    assert "#1 (a): enabled = 'no'" in err.value.message and "#2 (b): min_links = '3'" in err.value.message


def test_a_broken_file_stops_fetch_before_any_request(tmp_path):
    server = FaultServer()
    try:
        path = write(tmp_path, "[[source]]\n" + GOOD + 'attachments = "pdf"\n')
        result = CliRunner().invoke(cli, ["fetch", "--db", str(tmp_path / "t.db"), "--sources", str(path),
                                          "--base-url", server.url])
        assert result.exit_code == 1 and "write a list" in result.output
        assert "Traceback" not in result.output and sum(server.hits.values()) == 0
    finally:
        server.close()


def test_a_bad_environment_override_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPORTWATCH_FETCH_OBEY_ROBOTS", "perhaps")
    with pytest.raises(SourcesError, match="EXPORTWATCH_FETCH_OBEY_ROBOTS='perhaps'"):
        sources.load(write(tmp_path, "[[source]]\n" + GOOD))
    monkeypatch.setenv("EXPORTWATCH_FETCH_OBEY_ROBOTS", "true")
    monkeypatch.setenv("EXPORTWATCH_FETCH_DELAY_SECONDS", "-3")
    with pytest.raises(SourcesError, match="greater than or equal to 0"):
        sources.load(write(tmp_path, "[[source]]\n" + GOOD))


def test_the_shipped_file_has_no_active_placeholder_source():
    _, configured = sources.load(ROOT / "config" / "sources.toml")
    active = [s for s in configured if s.enabled]
    assert active and all(".example." not in s.start_url and ".invalid" not in s.start_url for s in active)
    assert {s.name for s in active} == {"mofcom-zcfb", "mofcom-en"}


def test_a_list_page_with_thousands_of_links_is_capped(tmp_path):
    server = FaultServer()
    links = "".join(f'<li><a href="/d/{i}.html">Item {i}</a><span>2025-10-01</span></li>' for i in range(5000))
    server.routes["/site.test/list.html"] = body(f'<html><body><ul class="list">{links}</ul></body></html>'.encode())
    for i in range(5000):
        server.routes[f"/site.test/d/{i}.html"] = body(b"<html><head><title>d</title></head><body><p>d</p></body></html>")
    path = write(tmp_path, '[fetch]\ndelay_seconds = 0\n[[source]]\n' + GOOD + "max_links = 5\n")
    try:
        result = CliRunner().invoke(cli, ["fetch", "--db", str(tmp_path / "t.db"), "--sources", str(path),
                                          "--base-url", server.url])
        assert result.exit_code == 0, result.output
        assert "5000 detail links found, only the first 5 followed (max_links" in result.output
        assert sum(n for p, n in server.hits.items() if p.startswith("/site.test/d/")) == 5
        with sqlite3.connect(tmp_path / "t.db") as conn:
            errors = conn.execute("select errors from runs").fetchone()[0]
        assert "only the first 5 followed" in errors
    finally:
        server.close()
