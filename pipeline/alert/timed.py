"""Alerts that come from the calendar or from run health, not from a newly detected change.

Time-based: on each run, from `ctx.today`, the diff stage's `upcoming_events(db, today, horizon)`
says which measures take effect and which suspensions end soon, and which suspensions have ended.
A change row is written once, when an act is first seen; "it takes effect in 3 days" or "the
suspension ended last week" only becomes true later, so these need their own trigger.

Health: a `source_health` row with status `error` (a source could not be fetched) or a run that
ended `failed` means the watch itself is blind, which users need to know as much as a change.

Each alert fires once: its stable key (`timed:<kind>:<announcement>:<subject>:<date>`,
`health:source:…`, `health:run:<id>`) is the primary key of `timed_alerts`, and a new row is
enqueued through the same outbox (same transaction), so delivery has the outbox's guarantee.
Title and body are frozen when the alert fires, so a retry sends the same words.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from pipeline.alert import message, outbox
from pipeline.alert.channels import Channel
from pipeline.diff import api as diff_api
from pipeline.fetch import api as fetch_api
from pipeline.store import now

LOOKBACK_DAYS = 365  # how long after a suspension ended a first run still reports it

SCHEMA = """CREATE TABLE IF NOT EXISTS timed_alerts (
    key TEXT PRIMARY KEY,      -- timed:<kind>:<announcement>:<subject>:<date> | health:...
    topic TEXT NOT NULL,       -- timed | health
    kind TEXT NOT NULL,        -- takes_effect | suspension_ends | suspension_ended | source_error | run_failed
    date TEXT, announcement TEXT, subject TEXT,
    title TEXT NOT NULL, body TEXT NOT NULL, link TEXT,
    payload TEXT,              -- JSON: lines, quote, the event as computed
    created_at TEXT NOT NULL, run_id INTEGER
)"""


def ensure_schema(db: sqlite_utils.Database) -> None:
    db.execute(SCHEMA)


def timed_key(event: dict[str, Any]) -> str:
    return f"timed:{event.get('kind')}:{event.get('announcement')}:{event.get('subject')}:{event.get('date')}"


def due(event: dict[str, Any], today: dt.date, horizon: int) -> bool:
    """takes_effect / suspension_ends: today..today+horizon; suspension_ended: on or before today."""
    try:
        date = dt.date.fromisoformat(str(event.get("date")))
    except ValueError:
        return False
    if event.get("kind") == "suspension_ended":
        return date <= today
    return today <= date <= today + dt.timedelta(days=horizon)


def _measure_words(measures: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Measures grouped by act: [("MOFCOM-2025-61", "element Sm, control code 1C902.a")]."""
    by_act: dict[str, list[str]] = {}
    for m in measures:
        kind = message.KIND_WORDS.get(m.get("kind") or "", (m.get("kind") or "").replace("_", " "))
        by_act.setdefault(str(m.get("announcement")), []).append(f"{kind} {m.get('subject')}".strip())
    return [(act, ", ".join(subjects)) for act, subjects in sorted(by_act.items())]


def _back_in_force(db: sqlite_utils.Database, event: dict[str, Any], today: dt.date) -> list[dict[str, Any]]:
    """Measures in force again after a suspension ended: the event's own list if it has one, else
    the state on `today` restricted to the acts the suspending act suspended."""
    measures = event.get("measures")
    if measures:
        return [m for m in measures if isinstance(m, dict)]
    targets = set(diff_api.suspended_targets(db, str(event.get("announcement"))))
    if event.get("subject") and event.get("subject") != event.get("announcement"):
        targets = {event["subject"]}  # one event per suspended act
    rows = diff_api.state_of_acts(db, today, sorted(targets))  # just those acts' measures
    return [m for m in rows if isinstance(m, dict) and m.get("announcement") in targets
            and m.get("status") == "in_force"]


def describe_event(db: sqlite_utils.Database, event: dict[str, Any], today: dt.date) -> message.Summary:
    kind, date = event.get("kind"), event.get("date")
    ann, subj = event.get("announcement"), event.get("subject")
    lines: list[tuple[str, str]] = [("As of", today.isoformat())]
    if kind == "takes_effect":
        days = (dt.date.fromisoformat(date) - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        title = f"{subj or ann} takes effect on {date} ({when})"
        lines += [("Act", str(ann)), ("Takes effect", f"{date} ({when})")]
        lines += [(f"Measures of {a}", words) for a, words in _measure_words(event.get("measures") or [])]
    elif kind == "suspension_ends":
        targets = [str(t) for t in event.get("targets") or ([subj] if subj and subj != ann else [])]
        title = f"The suspension by {ann} ends on {date}" + (f" ({', '.join(targets)})" if targets else "")
        lines += [("Suspending act", str(ann)), ("Suspension ends", str(date))]
        if targets:
            lines.append(("Acts back in force from then", ", ".join(targets)))
        lines += [(f"Measures of {a}", words) for a, words in _measure_words(event.get("measures") or [])]
    else:  # suspension_ended
        back = _back_in_force(db, event, today)
        targets = [str(t) for t in event.get("targets") or []]
        acts = targets or sorted({str(m.get("announcement")) for m in back})
        title = f"The suspension by {ann} ended on {date}" + (f": {', '.join(acts)} back in force" if acts else "")
        lines += [("Suspending act", str(ann)), ("Suspension ended", f"{date}" + (
            f" ({event['how']})" if event.get("how") else ""))]
        if acts:
            lines.append(("Acts back in force", ", ".join(acts)))
        words = dict(_measure_words(back))
        for act in acts or words:
            lines.append((f"Back in force ({act})", words.get(act, "no copy of this act in the database; "
                                                                "its measures are not listed here")))
    return message.Summary(title=title, lines=lines, link=message.announcement_link(db, ann))


def upcoming(db: sqlite_utils.Database, today: dt.date, horizon: int) -> list[dict[str, Any]]:
    """Due events from the diff stage.

    The diff's window is (today, today+h] for what is coming and [today-h, today] for what ended;
    we ask it for `LOOKBACK_DAYS` so a suspension that ended while no run happened (No. 70's, on
    2026-11-10, seen on 2026-11-28) still alerts once, and once more from yesterday so a measure
    taking effect today is included; `due` then applies our own window."""
    fn = diff_api.upcoming_events
    events = list(fn(db, today, max(horizon, LOOKBACK_DAYS)))
    events += [e for e in fn(db, today - dt.timedelta(days=1), 1) if e.get("kind") == "takes_effect"]
    unique = {timed_key(e): e for e in events if due(e, today, horizon)}
    return sorted(unique.values(), key=lambda e: (str(e.get("date")), str(e.get("kind")), timed_key(e)))


def health_events(db: sqlite_utils.Database, current_run: int | None) -> list[dict[str, Any]]:
    """One candidate per failing source check and per failed run (not the current one)."""
    events: list[dict[str, Any]] = []
    for check in fetch_api.failed_checks(db):
        row_id, source, run_id, checked_at, error = (check[k] for k in ("id", "source", "run_id", "checked_at", "error"))
        key = f"health:source:{row_id}" if row_id is not None else f"health:source:{source}:{run_id}:{checked_at}"
        events.append({"key": key, "kind": "source_error",
                       "date": (checked_at or "")[:10], "subject": source,
                       "title": f"Source {source} could not be checked (run {run_id})",
                       "lines": [("Source", str(source)), ("Run", str(run_id)), ("Checked at", str(checked_at)),
                                 ("Error", str(error or "unknown"))]})
    for run_id, command, ended, errors in db.execute(
            "SELECT id, command, ended, errors FROM runs WHERE status = 'failed' AND id IS NOT ? ORDER BY id",
            [current_run]).fetchall():
        first = "; ".join(f"{e.get('where')}: {e.get('error')}" for e in json.loads(errors or "[]")[:3]
                          if isinstance(e, dict))
        events.append({"key": f"health:run:{run_id}", "kind": "run_failed", "date": (ended or "")[:10],
                       "subject": str(run_id), "title": f"exportwatch run {run_id} ({command}) failed",
                       "lines": [("Run", str(run_id)), ("Command", str(command)), ("Ended", str(ended)),
                                 ("Errors", first or "none recorded (see the run's log)")]})
    return events


def _fire(db: sqlite_utils.Database, row: dict[str, Any], channels: list[Channel]) -> bool:
    """Insert the alert and its outbox rows in one transaction; False if it had fired already."""
    db.execute("BEGIN IMMEDIATE")
    try:
        cur = db.execute(
            "INSERT OR IGNORE INTO timed_alerts (key, topic, kind, date, announcement, subject, title, body, link, "
            "payload, created_at, run_id) VALUES (:key, :topic, :kind, :date, :announcement, :subject, :title, "
            ":body, :link, :payload, :created_at, :run_id)", row)
        fired = cur.rowcount == 1
        if fired:  # a channel with filters gets a timed alert only about an act it follows
            outbox.enqueue_refs(db, row["topic"], [row["key"]], [
                ch for ch in channels if not ch.filtered or row.get("announcement") in ch.announcements])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return fired


def _row(key: str, topic: str, kind: str, event: dict[str, Any], summary: message.Summary,
         run_id: int | None) -> dict[str, Any]:
    return {"key": key, "topic": topic, "kind": kind, "date": event.get("date"),
            "announcement": event.get("announcement"), "subject": event.get("subject"),
            "title": summary.title, "body": summary.text(), "link": summary.link,
            "payload": json.dumps({"lines": summary.lines, "quote": summary.quote,
                                   "event": {k: v for k, v in event.items() if k != "lines"}},
                                  ensure_ascii=False, default=str),
            "created_at": now(), "run_id": run_id}


STATE_SCHEMA = "CREATE TABLE IF NOT EXISTS timed_state (key TEXT PRIMARY KEY, value TEXT)"


def evaluation_key(db: sqlite_utils.Database, today: dt.date, horizon: int) -> str | None:
    """What the timed events depend on: the diff inputs' fingerprint, the day and the horizon."""
    value = diff_api.inputs_fingerprint(db)
    return f"{value}|{today.isoformat()}|{horizon}" if value else None


def evaluated(db: sqlite_utils.Database, key: str | None) -> bool:
    """Were the timed events for `key` evaluated and fired by an earlier run?"""
    if key is None or "timed_state" not in db.table_names():
        return False
    row = db.execute("SELECT value FROM timed_state WHERE key = 'evaluated'").fetchone()
    return bool(row) and row[0] == key


def remember_evaluated(db: sqlite_utils.Database, key: str | None) -> None:
    """Called after fire_due: every due event for `key` is fired, so the next run with the same key
    (a re-run with nothing new) need not compute them again."""
    if key is not None:
        db.execute(STATE_SCHEMA)
        db.execute("INSERT OR REPLACE INTO timed_state (key, value) VALUES ('evaluated', ?)", [key])


def candidates(db: sqlite_utils.Database, today: dt.date, horizon: int,
               run_id: int | None, unless_evaluated: str | None = None) -> list[dict[str, Any]]:
    """Rows for every due timed event not fired yet and every health problem (fired or not). With
    `unless_evaluated` (an evaluation_key that an earlier run evaluated and fired), the timed events
    are not computed again."""
    events = [] if evaluated(db, unless_evaluated) else upcoming(db, today, horizon)
    # An event fired before is never fired again (fire_due, preview): describing it (state on today
    # for an ended suspension) is skipped, so a re-run with nothing new computes nothing.
    rows = [_row(timed_key(e), "timed", str(e.get("kind")), e, describe_event(db, e, today), run_id)
            for e in events if not already_fired(db, timed_key(e))]
    for h in health_events(db, run_id):
        rows.append(_row(h["key"], "health", h["kind"], h, message.Summary(title=h["title"], lines=h["lines"]),
                         run_id))
    return rows


def already_fired(db: sqlite_utils.Database, key: str) -> bool:
    if "timed_alerts" not in db.table_names():
        return False
    return bool(db.execute("SELECT 1 FROM timed_alerts WHERE key = ?", [key]).fetchone())


def fire_due(db: sqlite_utils.Database, rows: list[dict[str, Any]], channels: list[Channel]) -> list[dict[str, Any]]:
    """Fire every row not fired before; returns the newly fired ones."""
    ensure_schema(db)
    outbox.ensure_schema(db)
    return [row for row in rows if _fire(db, row, channels)]
