"""Database faults in one line, other programs' databases left untouched, and a warning when the
last run was killed. Real SQLite files, the real CLI in subprocesses; read-only files through a
process without the capability to override permissions (setpriv), a full disk through a small
tmpfs in a private mount namespace (unshare), a killed run through SIGKILL."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SITE
from serve_support import free_port

EN = SITE / "english.mofcom.gov.cn"  # three documents: a quick corpus
EXPORTWATCH = [sys.executable, "-m", "pipeline"]


def cli(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*(prefix or []), *EXPORTWATCH, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def one_line_error(result: subprocess.CompletedProcess, words: str) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and words in lines[0], result.stderr
    return lines[0]


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(EN, folder / "site" / "english.mofcom.gov.cn")
    return folder


def without_privileges() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): file permissions cannot bind root")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--ambient-caps=-all"]


# ------------------------------------------------------------------ not ours: refused untouched

def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("meeting notes, not a database\n")
    for args in (["changes"], ["state"], ["run", "--corpus", str(corpus(tmp_path))]):
        one_line_error(cli(*args, "--db", str(path)), "is not an SQLite database")
    assert path.read_text() == "meeting notes, not a database\n"


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, job TEXT)")  # a name we use too
        conn.execute("INSERT INTO customers (name) VALUES ('Acme')")
    conn.close()
    before = path.read_bytes()
    for args in (["changes"], ["state"], ["diff"], ["ingest", "--corpus", str(corpus(tmp_path))],
                 ["run", "--corpus", str(tmp_path / "corpus")], ["serve"]):
        one_line_error(cli(*args, "--db", str(path)), "database of another program (tables: customers, runs)")
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists() and not Path(str(path) + "-journal").exists()


def test_a_database_marked_by_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 1234")
    conn.close()
    one_line_error(cli("changes", "--db", str(path)), "belongs to another program (SQLite application_id 0x4d2)")


def test_exportwatch_databases_are_marked_and_older_ones_adopted(tmp_path: Path) -> None:
    db = tmp_path / "ew.db"
    assert cli("run", "--corpus", str(corpus(tmp_path)), "--db", str(db), "-q").returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (0x45574154,)
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        conn.execute("PRAGMA application_id = 0")  # as a database from before the mark
        conn.execute("PRAGMA user_version = 0")
    conn.close()
    assert cli("changes", "--db", str(db)).returncode == 0  # our tables: ours, marked again
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (0x45574154,)


# ------------------------------------------------------------------ faults of our own databases

def test_a_damaged_database_is_named(tmp_path: Path) -> None:
    db = tmp_path / "ew.db"
    assert cli("run", "--corpus", str(corpus(tmp_path)), "--db", str(db), "-q").returncode == 0
    size = db.stat().st_size
    with open(db, "r+b") as fh:  # garbage over the second half of the file: b-tree pages broken
        fh.seek(size // 2)
        fh.write(os.urandom(size - size // 2))
    for args in (["changes"], ["run", "--corpus", str(tmp_path / "corpus")]):
        line = one_line_error(cli(*args, "--db", str(db)), "is damaged")
        assert "restore it from a backup" in line


def test_a_read_only_database_says_serve_no_prepare_works(tmp_path: Path) -> None:
    prefix = without_privileges()
    db = tmp_path / "ro" / "ew.db"
    db.parent.mkdir()
    assert cli("run", "--corpus", str(corpus(tmp_path)), "--db", str(db), "-q").returncode == 0
    os.chmod(db, 0o444)
    os.chmod(db.parent, 0o555)  # neither the file nor its folder can be written
    try:
        for args in (["run", "--corpus", str(tmp_path / "corpus")], ["serve"]):  # commands that write
            line = one_line_error(cli(*args, "--db", str(db), prefix=prefix), str(db))
            assert f"exportwatch serve --no-prepare --db {db}" in line
        reading = cli("changes", "--db", str(db), prefix=prefix)  # reads if SQLite can, else says why
        assert "Traceback" not in reading.stderr
        if reading.returncode:
            assert f"exportwatch serve --no-prepare --db {db}" in one_line_error(reading, str(db))
        port = free_port()
        proc = subprocess.Popen([*prefix, *EXPORTWATCH, "serve", "--no-prepare", "--db", str(db), "--port",
                                 str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline, status = time.monotonic() + 60, None
            while time.monotonic() < deadline and status is None and proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/exportwatch/documents.json", timeout=5) as r:
                        status = r.status
                except OSError:
                    time.sleep(0.3)
            assert status == 200, proc.stdout.read() if proc.poll() is not None else "no answer"
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        os.chmod(db.parent, 0o755)
        os.chmod(db, 0o644)


def test_a_full_disk_is_named(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        pytest.skip("needs root and unshare (util-linux) to mount a small tmpfs in a private namespace")
    mount = tmp_path / "small"
    mount.mkdir()
    script = (f"mount -t tmpfs -o size=1200k tmpfs {mount} || exit 99; "
              f"exec {' '.join(EXPORTWATCH)} run --corpus {ROOT / 'corpus'} --db {mount / 'ew.db'} -q")
    result = subprocess.run([unshare, "-m", "--propagation", "private", "sh", "-c", script], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    if result.returncode == 99:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    line = one_line_error(result, "is full")
    assert "free some space" in line


# ------------------------------------------------------------------ the last run was killed

def test_changes_and_state_warn_after_a_killed_run(tmp_path: Path) -> None:
    db = tmp_path / "ew.db"
    folder = corpus(tmp_path)
    assert cli("run", "--corpus", str(folder), "--db", str(db), "-q").returncode == 0
    for name in ("changes", "state"):
        assert "warning" not in cli(name, "--db", str(db)).stderr
    shutil.copytree(ROOT / "corpus" / "site" / "www.mofcom.gov.cn", folder / "site" / "www.mofcom.gov.cn")
    proc = subprocess.Popen([*EXPORTWATCH, "run", "--corpus", str(folder), "--db", str(db), "-q"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # killed once its run is recorded, before it can finish
        with sqlite3.connect(db, timeout=30) as conn:
            if conn.execute("select count(*) from runs where status = 'running'").fetchone()[0]:
                break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    from pipeline.runstate import lock_held

    deadline = time.monotonic() + 30  # its parse workers hold the inherited lock until they notice
    while lock_held(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    for name in ("changes", "state"):
        result = cli(name, "--db", str(db))
        assert result.returncode == 0
        assert "never finished (killed?): these results may be partial" in result.stderr, result.stderr
    assert cli("run", "--corpus", str(folder), "--db", str(db), "-q").returncode == 0
    assert "warning" not in cli("changes", "--db", str(db)).stderr  # a finished run: no warning
