"""Exactly once per channel across SIGKILLs: kill `exportwatch alert` mid-send, rerun, check.

EXPORTWATCH_TEST_SLOW_SEND makes each send sleep before and after transmitting, so kills land in
both crash windows: before the receiver got it (row `sending`, never transmitted) and after it got
it but before the row was marked `sent` (the duplicate the idempotency key exists for).
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from alert_helpers import EXPORTWATCH, ROOT, copy_db, rows, shared
from pipeline.alert.channels import channel_id

SLOW = "0.01"


def start(db: Path, notify: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EXPORTWATCH_NOTIFY": notify, "EXPORTWATCH_TEST_SLOW_SEND": SLOW}
    return subprocess.Popen(EXPORTWATCH + ["alert", "--db", str(db), "--today", "2026-11-28", "-q"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_when(proc: subprocess.Popen, received, target: int, timeout: float = 30) -> bool:
    """SIGKILL once the receivers hold `target` raw messages; False if the run ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if received() >= target:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    raise AssertionError("alert run made no progress")


def test_sigkill_at_several_points_still_delivers_exactly_once(tmp_path: Path):
    s = shared()
    s.reset()
    db = copy_db(s.base_db, tmp_path / "exportwatch.db")
    notify = f"{s.hook.url},{s.smtp.url}"
    received = lambda: s.hook.raw_count + s.smtp.raw_count  # noqa: E731
    total = len(rows(db, "SELECT id FROM alerts WHERE channel_id IN (?, ?)",
                     (channel_id(s.hook.url), channel_id(s.smtp.url))))
    kills = 0
    # Kill after a few receipts, then progressively later (in the other channel's turn too),
    # plus a kill at a fixed delay after start (start-up or between sends).
    for target in (3, 30, total // 2 + 5, total - 15):
        if kill_when(start(db, notify), received, target):
            kills += 1
    for delay in (0.6,):
        proc = start(db, notify)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert kills >= 3, "the kills must land while sending"
    final = start(db, notify)
    _, err = final.communicate(timeout=60)
    assert final.returncode == 0, err.decode()

    for receiver, url in ((s.hook, s.hook.url), (s.smtp, s.smtp.url)):
        expected = {k for (k,) in rows(db, "SELECT idempotency_key FROM alerts WHERE channel_id = ?",
                                       (channel_id(url),))}
        assert set(receiver.unique) == expected, "every alert arrived (after key dedupe), none missing"
        changes = {c for (c,) in rows(db, "SELECT id FROM changes")}
        sent = {c for (c,) in rows(db, "SELECT change_id FROM alerts WHERE channel_id = ? AND status = 'sent'",
                                   (channel_id(url),))}
        assert changes <= sent
    assert rows(db, "SELECT count(*) FROM alerts WHERE status != 'sent' AND channel_id IN (?, ?)",
                (channel_id(s.hook.url), channel_id(s.smtp.url))) == [(0,)]
    raw = s.hook.raw_count + s.smtp.raw_count
    unique = len(s.hook.unique) + len(s.smtp.unique)
    assert raw > unique, "a kill after transmission must have caused a resend (deduped by key)"
    assert raw - unique <= kills + 2, "at most one duplicate per crash"
    # Attempts above 1 only on the rows that were in flight when a process died.
    resent = rows(db, "SELECT count(*) FROM alerts WHERE attempts > 1")[0][0]
    assert 1 <= resent <= kills + 2
