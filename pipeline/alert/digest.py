"""Digest delivery: one message per run and channel listing its alerts, each with its link.

Why its own module: a digest changes the unit of delivery (many alert rows, one transmission) but
must keep the outbox's guarantee (outbox.py). So a digest is a *batch*: its rows are marked
`sending` with the batch key in one committed transaction before transmitting, then `sent`
together. The batch key is the message's idempotency key (a hash of its alert ids). A process
killed mid-send leaves the batch `sending`; the next run resends exactly that batch with the same
key (a receiver that honours keys gets it once), then sends the newer alerts as a new batch.
"""
from __future__ import annotations

import hashlib
from itertools import groupby
from typing import Any, Callable

import sqlite_utils

from pipeline.alert import outbox
from pipeline.alert.channels import Channel
from pipeline.store import now

# render_digest(db, rows) -> Message: the digest of these alert rows (without the key line)
DigestRenderer = Callable[[sqlite_utils.Database, list[dict[str, Any]]], outbox.Message]


def batch_key(rows: list[dict[str, Any]]) -> str:
    ids = "\n".join(sorted(r["id"] for r in rows))
    return "ew-digest-" + hashlib.sha256(ids.encode()).hexdigest()[:32]


def deliver(db: sqlite_utils.Database, ch: Channel, rows: list[dict[str, Any]], send: outbox.Sender,
            channels: list[Channel], report: outbox.DeliveryReport, *, render: DigestRenderer) -> None:
    """Resend every interrupted batch of `ch` as it was, then send the rest as one new batch."""
    interrupted = sorted((r for r in rows if r["status"] == "sending" and r.get("batch")), key=lambda r: r["batch"])
    for key, group in groupby(interrupted, key=lambda r: r["batch"]):
        report.resent_after_crash += 1
        _send(db, ch, list(group), key, send, channels, report, render)
    rest = [r for r in rows if not (r["status"] == "sending" and r.get("batch"))]
    if rest:
        _send(db, ch, rest, batch_key(rest), send, channels, report, render)


def _send(db: sqlite_utils.Database, ch: Channel, rows: list[dict[str, Any]], key: str, send: outbox.Sender,
          channels: list[Channel], report: outbox.DeliveryReport, render: DigestRenderer) -> None:
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    try:
        message = outbox.with_key(render(db, rows), key)
    except Exception as exc:  # a broken row must not stop the channel for good: retried next run
        report.failed += len(rows)
        report.errors.append((ch.label, f"could not build the digest: {exc!r}"))
        return
    # Committed before transmitting: a crash from here on leaves the batch `sending`, resent as is.
    outbox.commit(db, f"UPDATE alerts SET status = 'sending', attempts = attempts + 1, sending_at = ?, batch = ? "
                      f"WHERE id IN ({marks})", [now(), key, *ids])
    try:
        ok, error = send(ch, message)
    except Exception as exc:
        ok, error = False, f"{type(exc).__name__}: {exc}"
    if not ok:
        error = outbox.scrub(error or "notification failed", channels)[:500]
        outbox.commit(db, f"UPDATE alerts SET status = 'failed', last_error = ?, batch = NULL WHERE id IN ({marks})",
                      [error, *ids])
        report.failed += len(rows)
        report.errors.append((ch.label, error))
        return
    outbox.commit(db, f"UPDATE alerts SET status = 'sent', sent_at = ?, last_error = NULL WHERE id IN ({marks})",
                  [now(), *ids])
    report.sent += len(rows)
