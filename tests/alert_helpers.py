"""Real local receivers for the alert tests, and a database built from the bundled corpus.

Receivers dedupe by the `Idempotency-Key` header, as a webhook or mail system honouring keys
would, while also keeping every raw receipt, so tests can check both "exactly once after dedupe"
and "the crash window really produced a duplicate transmission".
"""
from __future__ import annotations

import contextlib
import email
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from email import policy
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EXPORTWATCH = [sys.executable, "-m", "pipeline"]


def free_port() -> int:
    """A port nobody listens on (bound then released), also used as a 'channel down' target."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Thread-safe record of receipts: `raw` (every one) and `unique` (first per key)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.raw: list[dict[str, Any]] = []
        self.unique: dict[str, dict[str, Any]] = {}

    def add(self, key: str | None, item: dict[str, Any]) -> None:
        with self.lock:
            self.raw.append(item)
            if key and key not in self.unique:
                self.unique[key] = item

    def reset(self) -> None:
        with self.lock:
            self.raw.clear()
            self.unique.clear()

    @property
    def raw_count(self) -> int:
        with self.lock:
            return len(self.raw)

    def titles(self) -> list[str]:
        with self.lock:
            return [item["title"] for item in self.unique.values()]


class HookReceiver(Inbox):
    """HTTP server on 127.0.0.1 taking apprise `json://` posts."""

    def __init__(self, port: int = 0) -> None:
        super().__init__()
        inbox = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                data = json.loads(body)
                inbox.add(self.headers.get("Idempotency-Key"),
                          {"headers": dict(self.headers), "title": data.get("title"), "body": data.get("message")})
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpReceiver(Inbox):
    """aiosmtpd SMTP sink on 127.0.0.1 taking apprise `mailto://` mail."""

    def __init__(self, port: int | None = None) -> None:
        super().__init__()
        from aiosmtpd.controller import Controller

        inbox = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                msg = email.message_from_bytes(envelope.content, policy=policy.default)
                part = msg.get_body(preferencelist=("plain",))
                inbox.add(msg.get("Idempotency-Key"), {"headers": dict(msg.items()), "title": str(msg["Subject"]),
                                                       "body": part.get_content() if part else ""})
                return "250 OK"

        self.port = port or free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=alerts@example.com&to=watch@example.com"

    def stop(self) -> None:
        self.controller.stop()


def cli(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `exportwatch ARGS` in a subprocess with the given EXPORTWATCH_* variables."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(EXPORTWATCH + args, cwd=ROOT, env=full, capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def environ(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def change_count(db_path: Path) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        try:
            return conn.execute("SELECT count(*) FROM changes").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def build_corpus_db(db_path: Path, notify: str, today: str = "2026-11-28") -> str:
    """The bundled corpus through ingest, extract and diff (not alert), with `notify`'s channels
    registered before the changes are recorded (as `exportwatch run` does) and their alerts pulled
    into the outbox afterwards: every alert pending, nothing sent yet.

    Returns "pipeline", or "gold" when the extract stage yields no changes (or fails) in this
    working tree: then the gold extraction records go through the real diff stage (same tables,
    same enqueue call), so the alert tests do not depend on the extractor's state."""
    import datetime as dt
    import warnings

    from pipeline.context import Context
    from pipeline.ingest import ingest_corpus

    from pipeline.alert import outbox
    from pipeline.alert import stage as alert_stage
    from pipeline.alert.channels import load_channels

    def fresh() -> Context:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        ctx = Context.open(db_path, today=dt.date.fromisoformat(today), quiet=True)
        ctx.start_run("test-build")
        alert_stage.prepare(ctx)
        ingest_corpus(ctx, CORPUS)
        return ctx

    with environ(EXPORTWATCH_NOTIFY=notify):
        ctx = fresh()
        how = "pipeline"
        try:
            from pipeline.diff.stage import run_stage as diff
            from pipeline.extract.stage import run_stage as extract

            extract(ctx)
            diff(ctx)
        except Exception as exc:  # noqa: BLE001 - a half-built extractor must not hide alert bugs
            warnings.warn(f"extract/diff failed ({exc!r}); alert tests use the gold records")
            ctx.db.conn.close()
            ctx = fresh()
        if not change_count(db_path):  # the gold records in the records table, through the real stage
            from diff_support import RECORDS_DDL, put
            from pipeline.diff.gold import gold_inputs
            from pipeline.diff.stage import run_stage as diff

            ctx.db.execute("DELETE FROM records" if "records" in ctx.db.table_names() else RECORDS_DDL)
            for doc in gold_inputs(CORPUS / "gold"):
                path = CORPUS / (doc.source or "")
                put(ctx.db, doc, path.read_bytes() if doc.source and path.is_file() else None)
            diff(ctx)
            how = "gold"
        outbox.pull(ctx.db, load_channels())
        ctx.finish_run("ok")
        ctx.db.conn.close()
    return how


def copy_db(src: Path, dst: Path) -> Path:
    """A private copy of a (closed, checkpointed) database for one test."""
    import shutil
    import sqlite3

    with contextlib.closing(sqlite3.connect(src)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


class Shared:
    """Session-wide receivers and the corpus database, built once (module state survives across
    test modules because this module is imported once)."""

    def __init__(self) -> None:
        import atexit
        import shutil
        import tempfile

        self.hook = HookReceiver()
        self.smtp = SmtpReceiver()
        self.down_port = free_port()  # nothing listens here unless a test starts a receiver on it
        self.down_url = f"json://127.0.0.1:{self.down_port}/down"
        self.dir = Path(tempfile.mkdtemp(prefix="exportwatch-alert-tests-"))
        atexit.register(shutil.rmtree, self.dir, ignore_errors=True)
        self.base_db = self.dir / "base" / "exportwatch.db"
        self.how = build_corpus_db(self.base_db, notify=" ".join([self.hook.url, self.smtp.url, self.down_url]))

    def reset(self) -> None:
        self.hook.reset()
        self.smtp.reset()


_SHARED: list[Shared] = []


def shared() -> Shared:
    if not _SHARED:
        _SHARED.append(Shared())
    return _SHARED[0]


def gold_inputs_if_needed(monkeypatch: Any, how: str) -> None:
    """In "gold" mode the gold records are in the `records` table already (build_corpus_db)."""


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql, params).fetchall()


def run_alert(db: Path, notify: str, today: str = "2026-11-28", **options):
    """One in-process alert stage run; returns (counts, log text, result)."""
    import datetime as dt
    import io

    from rich.console import Console

    from pipeline.alert import stage
    from pipeline.context import Context

    buf = io.StringIO()
    with environ(EXPORTWATCH_NOTIFY=notify):
        ctx = Context.open(db, today=dt.date.fromisoformat(today))
        ctx.console = Console(file=buf, width=300)
        ctx.start_run("alert")
        result = stage.run_stage(ctx, **options)
        ctx.finish_run("ok")
        ctx.db.conn.close()
    return ctx.counts, buf.getvalue(), result
