"""Outbox delivery against real local receivers (HTTP webhook via json://, SMTP via mailto://)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alert_helpers import HookReceiver, cli, environ, rows, run_alert, shared
from pipeline.alert import outbox
from pipeline.alert.channels import Channel, channel_id
from pipeline.context import Context


@pytest.fixture
def env(tmp_path: Path):
    s = shared()
    s.reset()
    db = tmp_path / "exportwatch.db"
    from alert_helpers import copy_db

    copy_db(s.base_db, db)
    return s, db


def keys_for(db: Path, url: str) -> set[str]:
    return {k for (k,) in rows(db, "SELECT idempotency_key FROM alerts WHERE channel_id = ?", (channel_id(url),))}


def change_ids(db: Path) -> set[str]:
    return {i for (i,) in rows(db, "SELECT id FROM changes")}


def test_first_run_sends_each_change_once_per_channel_second_run_none(env):
    s, db = env
    n_changes = len(change_ids(db))
    assert n_changes >= 60, "the corpus database should hold the bundled change list"
    counts, log, _ = run_alert(db, f"{s.hook.url},{s.smtp.url}")

    for receiver, url in ((s.hook, s.hook.url), (s.smtp, s.smtp.url)):
        expected = keys_for(db, url)
        assert set(receiver.unique) == expected
        assert receiver.raw_count == len(expected), "no duplicate transmission without a crash"
        covered = {c for (c,) in rows(db, "SELECT change_id FROM alerts WHERE channel_id = ? AND status = 'sent' "
                                          "AND sent_at IS NOT NULL", (channel_id(url),))}
        assert change_ids(db) <= covered, "every change reached the channel"
    assert counts["alerts_sent"] == len(keys_for(db, s.hook.url)) + len(keys_for(db, s.smtp.url))
    assert counts["alerts_failed"] == 0

    # What a message says: the change, the act, dates, the source link, and its key in the body.
    suspended = [m for m in s.hook.unique.values() if m["title"].startswith("MOFCOM-2025-70 suspends MOFCOM-2025-61")]
    assert len(suspended) == 1
    body = suspended[0]["body"]
    assert "suspended \u00b7 announcement \u00b7 MOFCOM-2025-61" in body
    assert "2025-11-07" in body and "https://www.mofcom.gov.cn/" in body
    assert f"Alert key: {suspended[0]['headers']['Idempotency-Key']}" in body
    if s.how == "pipeline":  # the gold records carry no evidence spans
        assert "Evidence: \u201c" in body and "\u7b2c61\u53f7" in body
    mail = next(iter(s.smtp.unique.values()))
    assert mail["body"].strip().endswith(mail["headers"]["Idempotency-Key"])

    before = (s.hook.raw_count, s.smtp.raw_count)
    counts, _, _ = run_alert(db, f"{s.hook.url},{s.smtp.url}")
    assert (s.hook.raw_count, s.smtp.raw_count) == before
    assert counts["alerts_sent"] == 0


def test_channel_down_does_not_block_and_is_retried(env):
    s, db = env
    notify = f"{s.down_url} {s.hook.url}"  # the dead channel comes first
    counts, log, result = run_alert(db, notify)
    assert set(s.hook.unique) == keys_for(db, s.hook.url)
    assert counts["alerts_failed"] == outbox.BREAKER, "breaker stops hammering a dead channel"
    assert result.delivery.deferred, "the rest waits for the next run"
    failed = rows(db, "SELECT status, attempts, last_error FROM alerts WHERE channel_id = ? AND status = 'failed'",
                  (channel_id(s.down_url),))
    assert len(failed) == outbox.BREAKER and all(a == 1 and e for _, a, e in failed)
    assert "error" in log

    up = HookReceiver(port=s.down_port)
    try:
        hook_before = s.hook.raw_count
        counts, _, _ = run_alert(db, notify)
        assert set(up.unique) == keys_for(db, s.down_url)
        assert up.raw_count == len(up.unique)
        assert s.hook.raw_count == hook_before, "the healthy channel gets nothing twice"
        assert counts["alerts_failed"] == 0
        assert rows(db, "SELECT count(*) FROM alerts WHERE channel_id = ? AND status != 'sent'",
                    (channel_id(s.down_url),)) == [(0,)]
    finally:
        up.stop()


def test_enqueue_commits_or_rolls_back_with_the_change(tmp_path: Path):
    conn_path = tmp_path / "t.db"
    ctx = Context.open(conn_path)
    db = ctx.db
    db.execute("CREATE TABLE changes (id TEXT PRIMARY KEY, announcement TEXT)")
    chans = [Channel.from_url("json://127.0.0.1:9/a"), Channel.from_url("json://127.0.0.1:9/b")]
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO changes VALUES ('c1', 'MOFCOM-2025-1')")
    assert outbox.enqueue(db, [{"id": "c1"}], chans) == 2
    assert db.conn.in_transaction, "enqueue must not commit the caller's transaction"
    db.execute("ROLLBACK")
    assert "alerts" not in db.table_names() or db.execute("SELECT count(*) FROM alerts").fetchone() == (0,)
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO changes VALUES ('c1', 'MOFCOM-2025-1')")
    outbox.enqueue(db, [{"id": "c1"}], chans)
    db.execute("COMMIT")
    assert outbox.enqueue(db, [{"id": "c1"}], chans) == 0, "one row per (change, channel)"
    assert db.execute("SELECT count(*) FROM alerts WHERE status = 'pending'").fetchone() == (2,)
    with pytest.raises(ValueError):
        outbox.enqueue(db, [{"announcement": "no id"}], chans)


def test_new_channel_starts_from_now_and_backfill_catches_up(env):
    s, db = env
    late = HookReceiver()
    try:
        notify = f"{s.hook.url} {late.url}"
        _, log, _ = run_alert(db, notify)
        assert "new channel" in log and "--backfill" in log
        assert not set(late.titles()) & {t for t in s.hook.titles() if not t.startswith("The suspension")}, \
            "changes recorded before the channel existed are not sent to it"

        # A change recorded from now on goes to both (inserted and enqueued in one transaction,
        # as the diff stage does).
        with environ(EXPORTWATCH_NOTIFY=notify):
            from pipeline.store import open_db

            odb = open_db(db)
            odb.execute("BEGIN IMMEDIATE")
            odb.execute("INSERT INTO changes (id, announcement, date, type, kind, subject, evidence, hs_codes, news, "
                        "status, detected_at) VALUES ('new1', 'MOFCOM-2026-1', '2026-11-27', 'added', 'element', "
                        "'Nd', '[]', '[]', 0, 'occurred', '2026-11-28T00:00:00+00:00')")
            outbox.enqueue(odb, [{"id": "new1"}])
            odb.execute("COMMIT")
            odb.conn.close()
        late_before, hook_before = late.raw_count, s.hook.raw_count
        run_alert(db, notify)
        assert late.raw_count == late_before + 1 and s.hook.raw_count == hook_before + 1

        counts, log, result = run_alert(db, notify, backfill=True)
        assert result.backfilled > 60
        assert change_ids(db) <= {c for (c,) in rows(db, "SELECT change_id FROM alerts WHERE channel_id = ? "
                                                        "AND status = 'sent'", (channel_id(late.url),))}
        assert set(late.unique) == keys_for(db, late.url) and late.raw_count == len(late.unique)
        assert s.hook.raw_count == hook_before + 1, "backfill never resends to channels that had it"
    finally:
        late.stop()


def test_no_secret_in_database_log_or_feed(env):
    s, db = env
    secret_url = f"json://watcher:PASSW0RDSECRET@127.0.0.1:{s.down_port}/TOKENPATHSECRET?+X-Api-Key=HEADERSECRET"
    counts, log, _ = run_alert(db, secret_url, backfill=True)
    assert counts["alerts_failed"] >= 1
    dump = "\n".join(sqlite3.connect(db).iterdump())
    feed = (db.parent / "alerts.atom").read_text(encoding="utf-8")
    for secret in ("PASSW0RDSECRET", "TOKENPATHSECRET", "HEADERSECRET", secret_url):
        assert secret not in dump and secret not in log and secret not in feed
    assert f"json://127.0.0.1:{s.down_port}/\u2026" in dump, "a redacted label is stored instead"
    result = cli(["alert", "--test", "--db", str(db)], {"EXPORTWATCH_NOTIFY": f"{secret_url},{s.hook.url}"})
    assert result.returncode == 1, result.stderr
    assert f"json://127.0.0.1:{s.hook.port}/\u2026: ok" in result.stdout
    assert f"json://127.0.0.1:{s.down_port}/\u2026: error" in result.stdout
    assert "SECRET" not in result.stdout + result.stderr
    assert [m["title"] for m in s.hook.raw] == ["exportwatch test notification"]


def test_dry_run_prints_and_changes_nothing(env):
    s, db = env
    before = "\n".join(sqlite3.connect(db).iterdump())
    result = cli(["alert", "--dry-run", "--db", str(db), "--today", "2026-11-28"],
                 {"EXPORTWATCH_NOTIFY": s.hook.url})
    assert result.returncode == 0, result.stderr
    assert "would send to json://127.0.0.1:" in result.stdout
    assert "MOFCOM-2025-70 suspends MOFCOM-2025-61" in result.stdout
    assert "\n".join(sqlite3.connect(db).iterdump()) == before
    assert s.hook.raw_count == 0 and not (db.parent / "alerts.atom").exists()
