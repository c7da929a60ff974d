"""The alert outbox: one row per (change, channel), pulled from the change list, sent after commit.

Why pull: a notification is an external effect that cannot take part in a SQLite transaction, and
the diff stage must not depend on the alert stage. So the diff stage only records changes (the
`changes` row is the durable record), and the alert stage, at alert time, adds a pending row for
every change a channel has not had yet (`pull`), then `deliver` sends them, recording every step.

The guarantee, precisely
------------------------
- Completeness: every change recorded after a channel was registered gets an alert row for that
  channel, at the first alert stage that runs after the change's transaction committed (the same
  run, or the next if a run died in between). A channel is registered (`register_channels`, in the
  alert stage's `prepare`, before the diff stage of the same run) with the rowid of the last change
  recorded before it: `alert_channels.after_change`. A channel's rows are added in change order, in
  one transaction per pull.
- Transport is at-least-once: `deliver` marks a row `sending` (attempts + 1, `sending_at`) in its
  own committed transaction, then transmits, then marks it `sent` (`sent_at`). A failure (apprise
  says no, or raises) marks it `failed` with the error; `failed` and `pending` rows are retried on
  every later run. If the process dies between `sending` and `sent` (SIGKILL, power loss), the
  next `deliver` finds the row still `sending` and transmits it again: the only window where a
  receiver may get a message twice.
- Every transmission of one alert carries the same idempotency key (`Idempotency-Key` header for
  channels that take headers, e.g. `json://` webhooks and `mailto://`; and a last body line
  `Alert key: …` for every channel). So delivery is **exactly once at receivers that honour the
  key**, and at-most-one duplicate per crash at receivers that do not.
- One deliverer at a time: `deliver` holds an exclusive `flock` on `<db>.alert.lock`. The kernel
  drops the lock when its holder dies, so any `sending` row seen while holding it belongs to a dead
  process and is safe to resend (no lease timeouts, no double send by two live processes).
- One failing channel never blocks another: alerts are sent per channel, per alert; errors are
  caught and recorded. After `BREAKER` consecutive failures a channel is skipped for the rest of
  the run (its rows stay pending/failed and are retried next run), so a dead host costs a few
  timeouts, not one per alert.

Channels registered after a change was recorded do not get it (they start from "now");
`backfill` enqueues every earlier change (and timed alert) for them, using the same keys.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from pipeline.alert.channels import Channel, load_channels, scrub
from pipeline.diff import api as diff_api
from pipeline.store import now

BREAKER = 3  # consecutive failures after which a channel is skipped for this run

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS alerts (
        id TEXT PRIMARY KEY,            -- hash of (change_id, channel_id)
        change_id TEXT NOT NULL,        -- changes.id, or a timed_alerts.key (timed:… / health:…)
        topic TEXT NOT NULL DEFAULT 'change',  -- change | timed | health
        channel_id TEXT NOT NULL,       -- hash of the channel URL (never the URL)
        channel_label TEXT,             -- redacted, e.g. json://127.0.0.1:8123/…
        idempotency_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending',  -- pending | sending | sent | failed | filtered
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sending_at TEXT,
        sent_at TEXT,
        UNIQUE (change_id, channel_id)
    )""",
    "CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status, channel_id)",
    # after_change: rowid of the last `changes` row recorded before the channel was registered;
    # the channel gets every change after it (see `pull`)
    """CREATE TABLE IF NOT EXISTS alert_channels (
        id TEXT PRIMARY KEY, label TEXT, first_seen TEXT, last_seen TEXT, after_change INTEGER
    )""",
]


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the outbox tables with plain SQL: safe inside a caller's open transaction (sqlite-utils
    helpers would commit it early)."""
    for statement in SCHEMA:
        db.execute(statement)
    if "batch" not in {r[1] for r in db.execute("PRAGMA table_info(alerts)")}:
        # the digest a row was sent in (its idempotency key): a digest resent after a crash is the same
        db.execute("ALTER TABLE alerts ADD COLUMN batch TEXT")
    if "after_change" not in {r[1] for r in db.execute("PRAGMA table_info(alert_channels)")}:
        # a database from before the pull model: its channels had every change enqueued by the diff
        # stage, so they go on from the current end of the change list
        db.execute("ALTER TABLE alert_channels ADD COLUMN after_change INTEGER")
        db.execute("UPDATE alert_channels SET after_change = ?", [diff_api.last_change_rowid(db)])


def alert_id(change_id: str, channel_id: str) -> str:
    return hashlib.sha256(f"{change_id}\x1f{channel_id}".encode()).hexdigest()[:32]


def idempotency_key(change_id: str, channel_id: str) -> str:
    """Same alert, same key, on every attempt and every run (also after a backfill)."""
    return f"ew-{alert_id(change_id, channel_id)}"


def enqueue_refs(db: sqlite_utils.Database, topic: str, ref_ids: Iterable[str],
                 channels: list[Channel] | None = None, *, status: str = "pending") -> int:
    """Add an alert per (ref, channel that wants `topic`) unless one exists, `pending` (or
    `filtered`: recorded as decided, never sent). Runs in the caller's transaction: only plain
    INSERTs, never a commit. Returns the number of rows added."""
    ensure_schema(db)
    channels = [ch for ch in (load_channels() if channels is None else channels) if ch.wants(topic)]
    ts = now()
    added = 0
    for ref in ref_ids:
        for ch in channels:
            cur = db.execute(
                "INSERT OR IGNORE INTO alerts (id, change_id, topic, channel_id, channel_label, "
                "idempotency_key, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                [alert_id(ref, ch.id), ref, topic, ch.id, ch.label, idempotency_key(ref, ch.id), status, ts],
            )
            added += cur.rowcount
    return added


def accepts(db: sqlite_utils.Database, ch: Channel, ids: list[str]) -> tuple[list[str], list[str]]:
    """(ids of the changes the channel's filters let through, ids they hold back)."""
    if not ch.filtered:
        return ids, []
    rows = diff_api.changes_by_id(db, ids)
    ok, held = [], []
    for cid in ids:
        row = rows.get(cid)
        row = {**row, "hs_codes": json.loads(row.get("hs_codes") or "[]")} if row else {}
        passed = bool(row) and diff_api.matches(row, elements=ch.elements, acts=ch.announcements,
                                                hs_prefixes=ch.hs_prefixes, types=ch.types)
        (ok if passed else held).append(cid)
    return ok, held


def enqueue(db: sqlite_utils.Database, changes: list[dict[str, Any]],
            channels: list[Channel] | None = None) -> int:
    """One pending alert per (change, channel) now, in the caller's transaction (`pull` does this
    for every change a channel has not had; this is for a caller that wants it at once). Each dict
    needs the change row's `id`."""
    ids = []
    for change in changes:
        if not change.get("id"):
            raise ValueError(f"outbox.enqueue needs each change's 'id' (the changes.id), got {change!r}")
        ids.append(str(change["id"]))
    return enqueue_refs(db, "change", ids, channels)


def register_channels(db: sqlite_utils.Database, channels: list[Channel]) -> list[Channel]:
    """Record the configured channels (id + label only, and where in the change list a new one
    starts); return those never seen before."""
    ensure_schema(db)
    ts = now()
    new = []
    last = diff_api.last_change_rowid(db)
    for ch in channels:
        if db.execute("SELECT 1 FROM alert_channels WHERE id = ?", [ch.id]).fetchone():
            db.execute("UPDATE alert_channels SET last_seen = ?, label = ? WHERE id = ?", [ts, ch.label, ch.id])
        else:
            db.execute("INSERT INTO alert_channels (id, label, first_seen, last_seen, after_change) "
                       "VALUES (?, ?, ?, ?, ?)", [ch.id, ch.label, ts, ts, last])
            new.append(ch)
    return new


def undelivered(db: sqlite_utils.Database, channel: Channel) -> list[str]:
    """Ids of the changes recorded after `channel` was registered that have no alert row for it,
    in the order they were recorded."""
    row = db.execute("SELECT ifnull(after_change, 0) FROM alert_channels WHERE id = ?", [channel.id]).fetchone()
    if row is None:  # not registered: it starts when it is
        return []
    after = row[0]
    had = {r[0] for r in db.execute("SELECT change_id FROM alerts WHERE channel_id = ? AND topic = 'change'",
                                    [channel.id])}
    return [cid for _, cid in diff_api.change_ids_after(db, after) if cid not in had]


def pull(db: sqlite_utils.Database, channels: list[Channel]) -> int:
    """Add a pending alert for every change each registered channel has not had yet, `filtered`
    for those its filters hold back (one transaction: all of a pull's rows or none). Returns the
    number of pending rows added."""
    ensure_schema(db)
    added = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        for ch in channels:
            if not ch.wants("change"):
                continue
            ok, held = accepts(db, ch, undelivered(db, ch))
            added += enqueue_refs(db, "change", ok, [ch])
            enqueue_refs(db, "change", held, [ch], status="filtered")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return added


def backfill(db: sqlite_utils.Database, channels: list[Channel]) -> int:
    """Enqueue every recorded change and timed/health alert for every given channel (existing rows
    are kept, so nothing is sent twice)."""
    ensure_schema(db)
    tables = set(db.table_names())
    added = 0
    every = [cid for _, cid in diff_api.change_ids_after(db, 0)]
    for ch in channels:
        ok, held = accepts(db, ch, every)
        added += enqueue_refs(db, "change", ok, [ch])
        enqueue_refs(db, "change", held, [ch], status="filtered")
    if "timed_alerts" in tables:
        for topic in ("timed", "health"):
            ids = [r[0] for r in db.execute(
                "SELECT key FROM timed_alerts WHERE topic = ? ORDER BY created_at, key", [topic]).fetchall()]
            added += enqueue_refs(db, topic, ids, channels)
    return added


@dataclass
class Message:
    """What a channel receives for one alert."""

    title: str
    body: str
    key: str = ""


# send(channel, message) -> (ok, error). Tests and `--dry-run` pass their own.
Sender = Callable[[Channel, Message], tuple[bool, str | None]]
# render(db, alert_row) -> Message (without the key line; deliver adds it).
Renderer = Callable[[sqlite_utils.Database, dict[str, Any]], Message]
# send_batch(db, channel, rows, send, channels, report): delivers a digest channel's rows (digest.py)
BatchSender = Callable[..., None]


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    resent_after_crash: int = 0
    deferred: dict[str, int] = field(default_factory=dict)  # channel label -> rows skipped by breaker
    orphaned: int = 0  # pending rows for channels no longer configured
    locked: bool = False  # another process was delivering; nothing done
    errors: list[tuple[str, str]] = field(default_factory=list)  # (channel label, error)


def db_file(db: sqlite_utils.Database) -> Path | None:
    for _, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            return Path(path)
    return None


@contextlib.contextmanager
def delivery_lock(db: sqlite_utils.Database, wait: float = 30.0) -> Iterator[bool]:
    """Exclusive flock beside the database; yields False if not obtained within `wait` seconds."""
    path = db_file(db)
    try:
        import fcntl
    except ImportError:  # not POSIX: single-process use only
        yield True
        return
    if path is None:
        yield True
        return
    with open(f"{path}.alert.lock", "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def with_key(message: Message, key: str) -> Message:
    return Message(title=message.title, body=f"{message.body.rstrip()}\n\nAlert key: {key}", key=key)


def deliver(db: sqlite_utils.Database, channels: list[Channel], render: Renderer, send: Sender, *,
            lock_wait: float = 30.0, breaker: int = BREAKER, send_batch: BatchSender | None = None) -> DeliveryReport:
    """Send every pending, failed or interrupted (`sending`) alert to its configured channel; a
    digest channel's rows go through `send_batch` (one message for them all)."""
    ensure_schema(db)
    if db.conn.in_transaction:
        raise RuntimeError("deliver() must run after the changes' transaction is committed")
    report = DeliveryReport()
    by_id = {ch.id: ch for ch in channels}
    with delivery_lock(db, lock_wait) as got:
        if not got:
            report.locked = True
            return report
        cols = ("id", "change_id", "topic", "channel_id", "idempotency_key", "status", "attempts", "batch")
        rows = [dict(zip(cols, r)) for r in db.execute(
                    f"SELECT {', '.join(cols)} FROM alerts "
                    "WHERE status IN ('pending', 'failed', 'sending') ORDER BY created_at, rowid").fetchall()]
        report.orphaned = sum(1 for r in rows if r["channel_id"] not in by_id)
        for ch in channels:
            streak = 0
            mine = [r for r in rows if r["channel_id"] == ch.id]
            if ch.digest and send_batch is not None and mine:
                send_batch(db, ch, mine, send, channels, report)
                continue
            for i, row in enumerate(mine):
                if streak >= breaker:
                    report.deferred[ch.label] = len(mine) - i
                    break
                ok = _deliver_one(db, ch, row, render, send, channels, report)
                streak = 0 if ok else streak + 1
    return report


def commit(db: sqlite_utils.Database, sql: str, params: list[Any]) -> None:
    """Execute and make it durable now, whatever isolation level the connection was opened with."""
    db.execute(sql, params)
    if db.conn.in_transaction:
        db.conn.commit()


def _deliver_one(db: sqlite_utils.Database, ch: Channel, row: dict[str, Any], render: Renderer, send: Sender,
                 channels: list[Channel], report: DeliveryReport) -> bool:
    if row["status"] == "sending":
        report.resent_after_crash += 1
    try:
        message = with_key(render(db, row), row["idempotency_key"])
    except Exception as exc:  # a broken row must not stop the others
        return failed(db, row, ch, f"could not build message: {exc!r}", channels, report)
    # Committed before transmitting: a crash from here on leaves `sending`, resent with the same key.
    commit(db, "UPDATE alerts SET status = 'sending', attempts = attempts + 1, sending_at = ? WHERE id = ?",
            [now(), row["id"]])
    try:
        ok, error = send(ch, message)
    except Exception as exc:
        ok, error = False, f"{type(exc).__name__}: {exc}"
    if not ok:
        return failed(db, row, ch, error or "notification failed", channels, report)
    commit(db, "UPDATE alerts SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
            [now(), row["id"]])
    report.sent += 1
    return True


def failed(db: sqlite_utils.Database, row: dict[str, Any], ch: Channel, error: str, channels: list[Channel],
            report: DeliveryReport) -> bool:
    error = scrub(error, channels)[:500]
    commit(db, "UPDATE alerts SET status = 'failed', last_error = ? WHERE id = ?", [error, row["id"]])
    report.failed += 1
    report.errors.append((ch.label, error))
    return False


def pending(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Rows still to send (for `--dry-run` and reports)."""
    ensure_schema(db)
    cur = db.execute("SELECT * FROM alerts WHERE status IN ('pending', 'failed', 'sending') "
                     "ORDER BY created_at, rowid")
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def slow_send_delay() -> float:
    """Test hook: EXPORTWATCH_TEST_SLOW_SEND=<seconds> slows every send (to SIGKILL mid-send)."""
    try:
        return float(os.environ.get("EXPORTWATCH_TEST_SLOW_SEND", "0") or 0)
    except ValueError:
        return 0.0
