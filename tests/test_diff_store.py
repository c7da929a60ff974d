"""The diff stage on a database: tables, idempotent re-runs, one new act -> exactly its changes,
each new change pulled once by the alert outbox, replaced pages, scheduled vs occurred."""
from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
from diff_support import act_input, gold_change_keys, gold_db, inputs, keys, put

from pipeline import store as core
from pipeline.alert import outbox as alert_outbox
from pipeline.alert.channels import Channel
from pipeline.context import Context
from pipeline.diff.api import changes as compute_changes, state_on as compute_state, upcoming_events
from pipeline.diff.stage import run_stage

TODAY = dt.date(2025, 11, 20)


CHANNEL = Channel.from_url("json://127.0.0.1:9/diff-test")
_PULLS: list[list[dict]] = []


@pytest.fixture
def outbox():
    """A channel registered before the first run; after each run (`run`) the alert outbox pulls the
    changes it has not had yet. The list holds each non-empty pull's change rows."""
    _PULLS.clear()
    yield _PULLS
    _PULLS.clear()


def run(db, today=TODAY) -> Context:
    ctx = Context(db=db, today=today, quiet=True)
    ctx.start_run("test")
    if "alert_channels" not in db.table_names():
        alert_outbox.register_channels(db, [CHANNEL])
    run_stage(ctx)
    ctx.finish_run()
    ids = alert_outbox.undelivered(db, CHANNEL)
    if alert_outbox.pull(db, [CHANNEL]):
        _PULLS.append([dict(db["changes"].get(i)) for i in ids])
    return ctx


def test_stage_writes_its_tables(tmp_db, outbox):
    db = gold_db(tmp_db)
    ctx = run(db)
    act_changes = [r for r in db["changes"].rows if not r["news"]]
    assert keys(act_changes) == gold_change_keys()
    assert ctx.counts["changes_new"] == len(act_changes) == 71
    ann = {r["id"]: r for r in db["announcements"].rows}
    assert ann["MOFCOM-2025-55"]["seen_only_in_citations"] == 1
    assert json.loads(ann["MOFCOM-2025-55"]["cited_by"]) == ["MOFCOM-2025-70"]
    assert ann["MOFCOM-2025-18"]["seen_only_in_citations"] == 0
    assert {d["lang"] for d in json.loads(ann["MOFCOM-2025-18"]["documents"])} == {"zh", "en"}
    assert len(json.loads(ann["MOFCOM-2025-18"]["documents"])) == 3  # zh, en, Q&A
    assert json.loads(ann["MOFCOM-2025-61"]["effective"]) == ["2025-10-09", "2025-12-01"]
    assert json.loads(ann["MOFCOM-2025-18"]["issuers"]) == ["MOFCOM", "GACC"]
    assert ann["MOFCOM-2025-18"]["title_en"].startswith("Announcement No. 18 of 2025")
    assert db["measures"].count == 2 + 16 + 18 + 18 + 9
    sm = next(db["measures"].rows_where("announcement = ? and subject = ?", ["MOFCOM-2025-18", "Sm"]))
    assert "2805301910" in json.loads(sm["hs_codes"])
    assert db["discrepancies"].count == 0
    states = {(r["announcement"], r["status"]) for r in db["state_today"].rows}
    assert ("MOFCOM-2025-57", "suspended") in states and ("MOFCOM-2025-18", "in_force") in states
    assert {r["date"] for r in db["state_today"].rows} == {"2025-11-20"}
    assert sum(len(c) for c in outbox) == db["changes"].count


def test_future_changes_are_listed_as_scheduled(tmp_db, outbox):
    db = gold_db(tmp_db)
    run(db)
    expired = next(db["changes"].rows_where("type = 'expired'"))
    assert (expired["date"], expired["status"]) == ("2026-11-10", "scheduled")
    assert next(db["changes"].rows_where("type = 'suspended'"))["status"] == "occurred"
    run(db, today=dt.date(2026, 11, 28))
    assert next(db["changes"].rows_where("type = 'expired'"))["status"] == "occurred"
    listed = compute_changes(db, today=TODAY)
    assert listed[-1]["type"] == "expired" and listed[-1]["status"] == "scheduled"
    assert [r["date"] for r in compute_changes(db, since="2025-11-01")] == ["2025-11-07"] * 6 + ["2026-11-10"]


def test_rerun_on_unchanged_records_creates_nothing(tmp_db, outbox):
    db = gold_db(tmp_db)
    first = run(db)
    before = {r["id"]: (r["detected_run_id"], r["detected_at"]) for r in db["changes"].rows}
    second = run(db)
    assert second.counts["changes_new"] == 0 and second.counts["news_changes_new"] == 0
    assert {r["id"]: (r["detected_run_id"], r["detected_at"]) for r in db["changes"].rows} == before
    assert {v[0] for v in before.values()} == {first.run_id}
    assert len(outbox) == 1  # the second run enqueued nothing


def test_one_new_announcement_creates_exactly_its_changes(tmp_db, outbox):
    db = gold_db(tmp_db)
    run(db)
    before = {r["id"] for r in db["changes"].rows}
    text = "商务部公告2025年第75号\n一、对钕相关物项实施出口管制。\n二、本公告自2026年1月1日起正式实施。"
    put(db, act_input("MOFCOM-2025-75", "2025-12-10", text, effective=["2026-01-01"], elements=["Nd"]),
        location="site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_new75.html")
    ctx = run(db, today=dt.date(2025, 12, 11))
    added = [r for r in db["changes"].rows if r["id"] not in before]
    assert {(r["announcement"], r["type"], r["kind"], r["subject"], r["date"]) for r in added} == {
        ("MOFCOM-2025-75", "added", "element", "Nd", "2025-12-10"),
        ("MOFCOM-2025-75", "takes_effect", "announcement", "MOFCOM-2025-75", "2026-01-01")}
    assert ctx.counts["changes_new"] == 2
    assert {r["detected_run_id"] for r in added} == {ctx.run_id}
    assert [sorted(c["subject"] for c in call) for call in outbox[1:]] == [["MOFCOM-2025-75", "Nd"]]
    nd = next(r for r in added if r["subject"] == "Nd")
    assert nd["new"] == 1 and json.loads(nd["evidence"]) == []


def test_a_replaced_page_withdraws_its_changes_and_is_no_repeal(tmp_db, outbox):
    items = inputs()
    db = gold_db(tmp_db, items)
    run(db)
    # The No. 57 page now serves different content (a corrected version without ytterbium).
    page = next(d for d in items if d.announcement == "MOFCOM-2025-57")
    page.record["elements"] = [e for e in page.record["elements"] if e != "Yb"]
    page.text = (page.text or "") + "\n(corrected)"
    put(db, page, (page.text or "").encode(), location=page.source)
    ctx = run(db)
    assert ctx.counts["changes_new"] == 0
    yb = next(db["changes"].rows_where("subject = 'Yb'"))
    assert yb["withdrawn_run_id"] == ctx.run_id
    listed = keys(compute_changes(db))
    assert ("MOFCOM-2025-57", "added", "element", "Yb") not in listed
    assert not any(t == "removed" for _, t, _, _ in listed)
    assert len(listed) == 70


def test_a_vanished_page_is_never_a_repeal(tmp_db, outbox):
    db = gold_db(tmp_db)
    run(db)
    # Both copies of No. 62 drop out of the current locations (e.g. pruned by a fetcher).
    db.execute("DELETE FROM locations WHERE document_id IN (SELECT document_id FROM records "
               "WHERE announcement = 'MOFCOM-2025-62')")
    ctx = run(db)
    listed = keys(compute_changes(db))
    assert not any(t == "removed" for _, t, _, _ in listed)
    assert not [k for k in listed if k[0] == "MOFCOM-2025-62"]  # its additions are withdrawn ...
    assert ("MOFCOM-2025-70", "suspended", "announcement", "MOFCOM-2025-62") in listed  # ... the citation stays
    assert ctx.counts["changes_new"] == 0
    stub = db["announcements"].get("MOFCOM-2025-62")
    assert stub["seen_only_in_citations"] == 1


def test_news_rows_are_apart(tmp_db, outbox):
    db = gold_db(tmp_db)
    run(db)
    news = compute_changes(db, include_news=True)
    reported = [r for r in news if r["news"]]
    assert reported and {r["type"] for r in reported} <= {"reported", "proposed"}
    assert all(r["announcement"].startswith("site/news.example.org/") or r["announcement"].startswith("https://")
               for r in reported)
    assert not [r for r in compute_changes(db) if r["news"]]


def test_entry_points_read_the_database(tmp_db, outbox):
    db = gold_db(tmp_db)
    state = compute_state(db, dt.date(2025, 11, 20))
    assert state["date"] == "2025-11-20" and len(state["measures"]) == 63
    events = upcoming_events(db, "2026-10-20", 30)
    assert [(e["kind"], e["date"]) for e in events] == [("suspension_ends", "2026-11-10")]
    # Before the stage has run, compute_changes derives the list from the records.
    assert keys(c for c in compute_changes(db) if not c["news"]) == gold_change_keys()


def test_no_records_table_is_not_an_error(tmp_db):
    db = core.open_db(tmp_db)
    ctx = run(db)
    assert ctx.counts.get("changes_new", 0) == 0 and not ctx.errors
    assert "changes" in db.table_names()


def test_a_failing_alert_pull_loses_no_change(tmp_db, monkeypatch):
    """The `changes` row is the durable record: if the alert stage fails while pulling, its rows roll
    back and the changes stay, so the next pull alerts them all. The diff stage runs without the
    alert package at all (it never imports it)."""
    monkeypatch.setitem(sys.modules, "pipeline.alert.outbox", None)  # import now fails: no alert stage
    db = gold_db(tmp_db)
    ctx = Context(db=db, today=TODAY, quiet=True)
    ctx.start_run("test")
    run_stage(ctx)
    assert ctx.counts["changes_new"] == 71
    monkeypatch.delitem(sys.modules, "pipeline.alert.outbox")
    alert_outbox.register_channels(db, [CHANNEL])  # registered after: nothing of the past is its
    assert alert_outbox.undelivered(db, CHANNEL) == []
    db.execute("UPDATE alert_channels SET after_change = 0")  # as if registered before the run

    def broken(*args, **kwargs):
        raise RuntimeError("outbox broken")

    monkeypatch.setattr(alert_outbox, "enqueue_refs", broken)
    with pytest.raises(RuntimeError):
        alert_outbox.pull(db, [CHANNEL])
    recorded = db["changes"].count
    assert recorded > 71 and db["alerts"].count == 0  # the acts' changes and the news stay
    monkeypatch.undo()
    assert alert_outbox.pull(db, [CHANNEL]) == recorded
    assert alert_outbox.pull(db, [CHANNEL]) == 0
