"""Concurrent runs (issue 9): two `exportwatch run` on one database never interleave.

The second run either refuses at once with a message naming the lock and the holder's pid, or,
with --wait, runs after the first and finds nothing new (no document, change or alert twice).
Afterwards `PRAGMA integrity_check` is ok and the journal mode is still WAL. Readers are not
blocked by a running pipeline (WAL): `exportwatch changes --json` answers during a run.

Synchronisation is on observable state, never on a sleep: a run "holds the lock" when a
non-blocking flock on `<db>.lock` fails; a run is slowed with EXPORTWATCH_TEST_SLOW_SEND (the alert
stage's test hook) so that it is still holding the lock while the second one starts.
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alert_helpers import HookReceiver
from reliability_helpers import ROOT, command, diff_tables, dump, make_corpus, scalar

SLOW = "0.03"  # seconds before and after each send: ~40 alerts keep the first run busy for ~2.5 s more


@pytest.fixture
def setup(tmp_path: Path):
    hook = HookReceiver()
    corpus = make_corpus(tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EXPORTWATCH_NOTIFY": hook.url}
    yield corpus, tmp_path / "db" / "exportwatch.db", env, hook
    hook.stop()


def lock_held(db: Path) -> bool:
    path = Path(f"{db}.lock")
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases ours if we got it
    return False


def start_holding(corpus: Path, db: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    """Start a slowed run and return once it holds the database lock (and is past the point where
    it would give it up: the alert stage, the slow part, comes last)."""
    proc = subprocess.Popen(command(corpus, db, *(extra or ("--wait", "0"))), cwd=ROOT,
                            env={**env, "EXPORTWATCH_TEST_SLOW_SEND": SLOW},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not lock_held(db):
        assert proc.poll() is None, f"first run ended before taking the lock: {proc.communicate()}"
        assert time.monotonic() < deadline, "first run never took the lock"
        time.sleep(0.01)  # polling an observable condition, not a timed guess
    return proc


def runs(db: Path) -> list[tuple[str, dict]]:
    with sqlite3.connect(db) as conn:
        return [(status, json.loads(counts or "{}"))
                for status, counts in conn.execute("SELECT status, counts FROM runs ORDER BY id")]


def check_db(db: Path) -> None:
    assert scalar(db, "PRAGMA integrity_check") == "ok"
    assert scalar(db, "PRAGMA journal_mode") == "wal"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_second_run_refuses_clearly_while_the_first_holds_the_lock(setup) -> None:
    corpus, db, env, hook = setup
    first = start_holding(corpus, db, env)
    second = subprocess.run(command(corpus, db, "--wait", "0"), cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert first.poll() is None, "the first run must still be running: the refusal was tested against it"
    assert second.returncode != 0
    assert "another exportwatch run holds" in second.stderr and f"{db}.lock" in second.stderr
    assert f"pid {first.pid}" in second.stderr and "--wait" in second.stderr
    assert "Traceback" not in second.stderr
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert [status for status, _ in runs(db)] == ["ok"], "the refused run must not have touched the database"
    check_db(db)
    assert len(hook.unique) == hook.raw_count == scalar(db, "SELECT count(*) FROM alerts")


def test_second_run_with_wait_runs_after_and_finds_nothing_new(setup, tmp_path: Path) -> None:
    corpus, db, env, hook = setup
    first = start_holding(corpus, db, env)
    second = subprocess.Popen(command(corpus, db, "--wait", "300"), cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    (s1, c1), (s2, c2) = runs(db)
    assert s1 == s2 == "ok"
    assert c1.get("new", 0) > 0 and c1.get("changes_new", 0) > 0 and c1.get("alerts_sent", 0) > 0
    assert c2.get("new", 0) == 0 and c2.get("changes_new", 0) == 0 and c2.get("news_changes_new", 0) == 0
    assert c2.get("alerts_sent", 0) == 0 and c2.get("alerts_timed", 0) == 0 and c2.get("extracted", 0) == 0
    assert c2["unchanged"] == c1["new"]
    check_db(db)
    sent = scalar(db, "SELECT count(*) FROM alerts WHERE status = 'sent'")
    assert hook.raw_count == len(hook.unique) == sent == scalar(db, "SELECT count(*) FROM alerts")
    # Same content as one run alone.
    alone = tmp_path / "alone" / "exportwatch.db"
    subprocess.run(command(corpus, alone), cwd=ROOT, env={**env, "EXPORTWATCH_NOTIFY": hook.url}, check=True,
                   capture_output=True, timeout=300)
    assert not diff_tables(dump(db), dump(alone))


def test_two_runs_started_together_one_refuses(setup) -> None:
    corpus, db, env, hook = setup
    slow = {**env, "EXPORTWATCH_TEST_SLOW_SEND": SLOW}
    procs = [subprocess.Popen(command(corpus, db, "--wait", "0"), cwd=ROOT, env=slow, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes[0] == 0 and codes[1] != 0, results
    refused = next(err for code, _, err in results if code != 0)
    assert "another exportwatch run holds" in refused
    check_db(db)
    assert [status for status, _ in runs(db)] == ["ok"]
    assert hook.raw_count == len(hook.unique) == scalar(db, "SELECT count(*) FROM alerts")


def test_readers_are_not_blocked_during_a_run(setup) -> None:
    """While the run delivers alerts (it has written changes and holds the lock), a reader
    process gets the change list: WAL readers never wait for the writer."""
    corpus, db, env, hook = setup
    first = start_holding(corpus, db, env)
    deadline = time.monotonic() + 120
    while hook.raw_count < 1:  # the run is in its alert stage: changes are committed
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.01)
    reader = subprocess.run([sys.executable, "-m", "pipeline", "changes", "--json", "--db", str(db)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    still_running = first.poll() is None
    assert reader.returncode == 0, reader.stderr
    assert json.loads(reader.stdout), "the reader sees the committed changes"
    assert still_running, "the reader must have run while the writer was active"
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    check_db(db)
