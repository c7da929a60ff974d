"""A broken notification file is a configuration error, reported before a run starts: the run
then never begins, so it cannot fail half-way (it used to abort in the diff stage with 0 changes
stored). Real files, the CLI in subprocesses."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SITE

EN = SITE / "english.mofcom.gov.cn"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTWATCH_NOTIFY")}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**clean, **env})


@pytest.mark.parametrize("name, content, message", [
    ("notify.toml", b'urls = ["json://127.0.0.1:9/hook"', "is not valid TOML"),
    ("notify.toml", b"urls = 5\n", "urls must be a list of strings"),
    ("notify.toml", b'[[channels]]\nurl = "json://127.0.0.1:9/hook"\ndigest = "yes"\n',
     "digest must be true or false"),
    ("notify.toml", 'urls = ["json://127.0.0.1:9/钐"]\n'.encode("gbk"), "is not UTF-8 text"),
    ("missing.toml", None, "not found: create it"),
])
def test_a_broken_notification_file_stops_the_run_before_it_starts(tmp_path: Path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    db = tmp_path / "ew.db"
    for args in (["run", "--corpus", str(EN.parent.parent)], ["update", "--base-url", "http://127.0.0.1:9",
                                                              "--lock", str(tmp_path / "u.lock"),
                                                              "--log", str(tmp_path / "u.log")]):
        result = cli(*args, "--db", str(db), env={"EXPORTWATCH_NOTIFY_FILE": str(path)})
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and message in errors[0] and str(path) in errors[0], result.stderr
        assert "[E008]" in errors[0]
        assert not db.exists()  # nothing started


def test_with_the_file_fixed_the_run_stores_its_changes(tmp_path: Path) -> None:
    path = tmp_path / "notify.toml"
    path.write_text('urls = ["json://127.0.0.1:9/hook"]\n', encoding="utf-8")  # nobody listens: alerts fail
    db = tmp_path / "ew.db"
    result = cli("run", "--corpus", str(EN.parent.parent), "--db", str(db), "-q",
                 env={"EXPORTWATCH_NOTIFY_FILE": str(path)})
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from changes").fetchone()[0] > 0
        assert conn.execute("select status from runs").fetchall() == [("ok",)]
