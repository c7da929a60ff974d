"""Helpers for the serve tests: build a database with the real pipeline, start the real server.

One database from the bundled corpus and one "hostile" database (the XSS fixture, plus markup
planted in every text column a page shows) are built once per test session and served by
`exportwatch serve` itself in a subprocess on a free port; both test modules share them.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
XSS_FIXTURE = ROOT / "tests" / "fixtures" / "bad" / "xss-title-body.html"
ARTIFACTS = ROOT / "tests" / "artifacts"
TODAY = "2026-01-01"  # a fixed "today": MOFCOM-2025-70's suspensions (until 2026-11-10) are running
EXPORTWATCH = [sys.executable, "-m", "pipeline"]
# Markup planted into the hostile database: if any of it reaches a page unescaped, a test fails.
PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)><svg onload=alert(2)>'


@dataclass
class Server:
    base: str
    db: Path
    proc: subprocess.Popen
    log: Path

    def url(self, path: str, **params: Any) -> str:
        query = urllib.parse.urlencode(params)
        return self.base + urllib.parse.quote(path, safe="/?=&|:%.~-_") + (("&" if "?" in path else "?") + query
                                                                           if query else "")

    def get(self, path: str, **params: Any) -> tuple[int, str, str]:
        """(status, content type, body) of a GET."""
        try:
            with urllib.request.urlopen(self.url(path, **params), timeout=30) as resp:
                return resp.status, resp.headers.get("content-type", ""), resp.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("content-type", ""), exc.read().decode("utf-8", "replace")

    def json(self, path: str, **params: Any) -> Any:
        """A page's rows through the JSON API (`_shape=array`, every row)."""
        base, _, query = path.partition("?")
        status, _, body = self.get(f"{base}.json" + (f"?{query}" if query else ""), _shape="array",
                                   **({"_size": "max"} if "_size" not in params else {}), **params)
        assert status == 200, f"{path}: HTTP {status}: {body[:500]}"
        return json.loads(body)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # `exportwatch serve` stops its Datasette child and cleans up
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group we created for it, nothing else
                self.proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_pipeline(corpus: Path, db: Path) -> None:
    result = subprocess.run([*EXPORTWATCH, "run", "--corpus", str(corpus), "--db", str(db), "--today", TODAY, "-q"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"exportwatch run failed:\n{result.stdout}\n{result.stderr}"


def start_server(db: Path, log: Path) -> Server:
    port = free_port()
    out = log.open("w")
    proc = subprocess.Popen([*EXPORTWATCH, "serve", "--db", str(db), "--port", str(port)], cwd=ROOT,
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", db, proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"exportwatch serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if server.get("/-/versions.json")[0] == 200:
                return server
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"exportwatch serve did not answer within 60 s:\n{log.read_text()}")


def plant_markup(db_path: Path) -> None:
    """Put raw HTML into every text a page shows, as if a parser had let it through."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE documents SET title = title || ?, text = text || ?", [PAYLOAD, "\n钐钴 " + PAYLOAD])
        conn.execute("UPDATE items SET name = name || ?, quote = quote || ?", [PAYLOAD, PAYLOAD])
        conn.execute("UPDATE evidence SET quote = quote || ?", [PAYLOAD])
        conn.execute("UPDATE evidence_sentences SET sentence = coalesce(sentence, '') || ?", [PAYLOAD])
        conn.execute("UPDATE announcements SET title_zh = coalesce(title_zh, '') || ?", [PAYLOAD])
        conn.execute("UPDATE changes SET subject = subject || ?", [PAYLOAD])
    conn.close()


_SERVERS: dict[str, Server] = {}


def shared_server(name: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The session's server `name` ("corpus", "xss" or "parties"), built and started on first use."""
    if name in _SERVERS and _SERVERS[name].proc.poll() is None:
        return _SERVERS[name]
    work = tmp_path_factory.mktemp(f"serve-{name}")
    db = work / f"{name}.db"  # deliberately not exportwatch.db: serve must still name it exportwatch
    if name == "corpus":
        run_pipeline(CORPUS, db)
    elif name == "parties":  # the party fixtures (tests/fixtures/parties): listings, screening
        from parties_support import parties_corpus

        run_pipeline(parties_corpus(work / "corpus"), db)
    else:
        page = work / "corpus" / "site" / "www.mofcom.gov.cn" / "zwgk" / "zcfb" / "art" / "2025" / "art_xss.html"
        page.parent.mkdir(parents=True)
        shutil.copyfile(XSS_FIXTURE, page)
        run_pipeline(work / "corpus", db)
        plant_markup(db)
    server = start_server(db, work / "serve.log")
    _SERVERS[name] = server
    request.config.add_cleanup(server.stop)
    return server
