"""Time-based and run-health alerts: fire once, on the right day, through the outbox."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from alert_helpers import CORPUS, cli, copy_db, gold_inputs_if_needed, rows, run_alert, shared
from pipeline.alert import timed
from pipeline.alert.channels import channel_id


@pytest.fixture
def env(tmp_path: Path, monkeypatch):
    s = shared()
    s.reset()
    gold_inputs_if_needed(monkeypatch, s.how)
    return s, copy_db(s.base_db, tmp_path / "exportwatch.db")


def test_suspension_of_no70_ended_reported_once_with_measures_back_in_force(env):
    s, db = env
    counts, log, _ = run_alert(db, s.hook.url, today="2026-11-28")
    assert "The suspension by MOFCOM-2025-70 ended on 2026-11-10" in log
    assert "MOFCOM-2025-61" in log and "element Dy" in log, "which measures are back in force"
    ended = [m for m in s.hook.unique.values() if m["title"].startswith("The suspension by MOFCOM-2025-70 ended")]
    assert len(ended) == 1
    body = ended[0]["body"]
    for act in ("MOFCOM-2025-55", "MOFCOM-2025-57", "MOFCOM-2025-61", "MOFCOM-2025-62"):
        assert act in body
    assert "Back in force (MOFCOM-2025-61): element Dy" in body
    assert counts["alerts_timed"] >= 1
    assert rows(db, "SELECT count(*) FROM timed_alerts WHERE key = "
                    "'timed:suspension_ended:MOFCOM-2025-70:MOFCOM-2025-70:2026-11-10'") == [(1,)]

    before = s.hook.raw_count
    for today in ("2026-11-28", "2026-12-05"):
        counts, log, _ = run_alert(db, s.hook.url, today=today)
        assert counts["alerts_timed"] == 0 and s.hook.raw_count == before, "fires once"


def test_takes_effect_within_horizon_and_today(env, tmp_path: Path):
    s, db = env
    counts, _, _ = run_alert(db, s.hook.url, today="2023-07-10", horizon=14)
    assert not any("MOFCOM-2023-23 takes effect on" in t for t in s.hook.titles()), "22 days ahead: outside 14"
    run_alert(db, s.hook.url, today="2023-07-20", horizon=14)
    soon = [t for t in s.hook.titles() if t.startswith("MOFCOM-2023-23 takes effect on 2023-08-01")]
    assert soon == ["MOFCOM-2023-23 takes effect on 2023-08-01 (in 12 days)"]
    run_alert(db, s.hook.url, today="2023-08-01", horizon=14)
    assert len([t for t in s.hook.titles() if "MOFCOM-2023-23 takes effect on" in t]) == 1, "same event, same key"

    other = copy_db(s.base_db, tmp_path / "other" / "exportwatch.db")
    run_alert(other, "", today="2023-08-01")
    assert rows(other, "SELECT title FROM timed_alerts WHERE kind = 'takes_effect'") == [
        ("MOFCOM-2023-23 takes effect on 2023-08-01 (today)",)]


def test_suspension_ends_soon(env):
    s, db = env
    run_alert(db, s.hook.url, today="2026-11-01", horizon=14)
    assert any(t.startswith("The suspension by MOFCOM-2025-70 ends on 2026-11-10") for t in s.hook.titles())
    assert not any(" ended on " in t for t in s.hook.titles())


def test_source_errors_and_failed_runs_alert_once(env):
    s, db = env
    from pipeline.fetch import store as fetch_store
    from pipeline.store import open_db

    fdb = open_db(db)  # the fetch stage's own writer, so the alert reads what fetch really writes
    fetch_store.ensure_schema(fdb)
    fetch_store.record_health(fdb, {"source": "mofcom-zcfb", "run_id": 1, "status": "error", "links_found": 0,
                                    "error": "HTTP 503 from https://www.mofcom.gov.cn/zwgk/zcfb/"})
    fetch_store.record_health(fdb, {"source": "mofcom-en", "run_id": 1, "status": "ok", "links_found": 12})
    fdb.conn.close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO runs (command, started, ended, status, counts, errors) VALUES ('run --live', "
                     "'2026-11-27T08:00:00+00:00', '2026-11-27T08:01:00+00:00', 'failed', '{}', "
                     "'[{\"where\": \"fetch\", \"error\": \"boom\"}]')")
    run_alert(db, s.hook.url, today="2026-11-28")
    titles = s.hook.titles()
    assert [t for t in titles if t.startswith("Source ")] == ["Source mofcom-zcfb could not be checked (run 1)"]
    failed = [m for m in s.hook.unique.values() if m["title"].startswith("exportwatch run ")]
    assert len(failed) == 1 and "fetch: boom" in failed[0]["body"]
    before = s.hook.raw_count
    run_alert(db, s.hook.url, today="2026-11-28")
    assert s.hook.raw_count == before


def test_due_window():
    assert timed.due({"kind": "takes_effect", "date": "2026-01-15"}, dt.date(2026, 1, 1), 14)
    assert not timed.due({"kind": "takes_effect", "date": "2026-01-16"}, dt.date(2026, 1, 1), 14)
    assert not timed.due({"kind": "takes_effect", "date": "2025-12-31"}, dt.date(2026, 1, 1), 14)
    assert timed.due({"kind": "suspension_ended", "date": "2025-12-01"}, dt.date(2026, 1, 1), 14)
    assert not timed.due({"kind": "suspension_ended", "date": "bad"}, dt.date(2026, 1, 1), 14)


def test_exportwatch_run_on_the_bundled_corpus(tmp_path: Path):
    """The whole pipeline as a user runs it: first run alerts every change once per channel and
    reports the end of No. 70's suspension; the second run sends nothing."""
    s = shared()
    s.reset()
    db = tmp_path / "e2e" / "exportwatch.db"
    env = {"EXPORTWATCH_NOTIFY": f"{s.hook.url},{s.smtp.url}", "COLUMNS": "250"}
    args = ["run", "--corpus", str(CORPUS), "--db", str(db), "--today", "2026-11-28"]
    first = cli(args, env)
    assert first.returncode == 0, first.stderr
    log = " ".join((first.stdout + first.stderr).split())
    assert "The suspension by MOFCOM-2025-70 ended on 2026-11-10" in log
    assert "Back in force (MOFCOM-2025-61): element Dy" in log
    changes = {c for (c,) in rows(db, "SELECT id FROM changes")}
    assert len(changes) >= 50
    for receiver, url in ((s.hook, s.hook.url), (s.smtp, s.smtp.url)):
        sent = rows(db, "SELECT change_id, idempotency_key FROM alerts WHERE channel_id = ? AND status = 'sent'",
                    (channel_id(url),))
        assert changes <= {c for c, _ in sent}
        assert set(receiver.unique) == {k for _, k in sent} and receiver.raw_count == len(sent)
    assert any(t.startswith("The suspension by MOFCOM-2025-70 ended on 2026-11-10") for t in s.smtp.titles())
    assert f"alerts_sent={2 * (len(changes) + 1)}" in first.stdout
    assert (db.parent / "alerts.atom").exists()

    before = (s.hook.raw_count, s.smtp.raw_count)
    second = cli(args, env)
    assert second.returncode == 0, second.stderr
    assert "alerts_sent=0" in second.stdout and (s.hook.raw_count, s.smtp.raw_count) == before
