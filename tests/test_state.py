"""State on a date: before, during and after No. 70's suspension; partial suspension, repeal,
resumption, extension; the events alerts ask for."""
from __future__ import annotations

from collections import Counter

import pytest
from diff_support import act_input, inputs, with_no61_clauses

from pipeline.diff.analysis import analyse
from pipeline.diff.state import state_on, upcoming

NO61_LATE = {("MOFCOM-2025-61", "threshold", "value_ratio:0.001")}  # brought in by clause 1(1)


@pytest.fixture(scope="module")
def analysis():
    return analyse(with_no61_clauses(inputs()))


def statuses(state: dict) -> dict[tuple[str, str, str], str]:
    return {(m["announcement"], m["kind"], m["subject"]): m["status"] for m in state["measures"]}


def by_act(state: dict) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for (act, _, _), status in statuses(state).items():
        out.setdefault(act, Counter())[status] += 1
    return out


def test_before_the_suspension(analysis):
    s = state_on(analysis, "2025-11-01")
    st = statuses(s)
    assert by_act(s) == {
        "MOFCOM-2023-23": Counter(in_force=2), "MOFCOM-2025-18": Counter(in_force=16),
        "MOFCOM-2025-57": Counter(pending=18), "MOFCOM-2025-61": Counter(in_force=17, pending=1),
        "MOFCOM-2025-62": Counter(in_force=9),
    }
    assert {k for k, v in st.items() if k[0] == "MOFCOM-2025-61" and v == "pending"} == NO61_LATE
    entry = {(m["announcement"], m["kind"], m["subject"]): m for m in s["measures"]}
    assert entry[("MOFCOM-2025-57", "element", "Ho")]["until"] == "2025-11-08"
    assert entry[("MOFCOM-2025-61", "threshold", "value_ratio:0.001")]["until"] == "2025-12-01"
    assert entry[("MOFCOM-2025-61", "element", "Sm")]["since"] == "2025-10-09"
    assert entry[("MOFCOM-2025-62", "technology", "mining")]["until"] == "2025-11-07"  # suspension ahead
    assert s["suspensions_ended"] == []


def test_during_the_suspension(analysis):
    s = state_on(analysis, "2025-11-20")
    assert by_act(s) == {
        "MOFCOM-2023-23": Counter(in_force=2), "MOFCOM-2025-18": Counter(in_force=16),
        "MOFCOM-2025-57": Counter(suspended=18), "MOFCOM-2025-61": Counter(suspended=18),
        "MOFCOM-2025-62": Counter(suspended=9),
    }
    m = next(m for m in s["measures"] if m["announcement"] == "MOFCOM-2025-57")
    assert (m["since"], m["until"], m["suspended_by"]) == ("2025-11-07", "2026-11-10", ["MOFCOM-2025-70"])


def test_after_the_suspension_ran_out(analysis):
    s = state_on(analysis, "2026-11-28")
    assert set(statuses(s).values()) == {"in_force"}
    assert len(s["measures"]) == 2 + 16 + 18 + 18 + 9
    [ended] = s["suspensions_ended"]
    assert (ended["act"], ended["ended"], ended["how"]) == ("MOFCOM-2025-70", "2026-11-10", "expired")
    back = {(m["announcement"], m["kind"], m["subject"]) for m in ended["measures_back_in_force"]}
    assert len(back) == 18 + 18 + 9 and ("MOFCOM-2025-57", "element", "Ho") in back
    entry = {(m["announcement"], m["subject"]): m for m in s["measures"]}
    assert entry[("MOFCOM-2025-57", "Ho")]["since"] == "2026-11-10"
    assert entry[("MOFCOM-2025-18", "Sm")]["since"] == "2025-04-04"


def test_boundaries_are_half_open(analysis):
    assert set(statuses(state_on(analysis, "2026-11-09")).values()) >= {"suspended"}
    assert set(statuses(state_on(analysis, "2026-11-10")).values()) == {"in_force"}
    assert statuses(state_on(analysis, "2025-11-07"))[("MOFCOM-2025-62", "technology", "mining")] == "suspended"
    assert "MOFCOM-2025-57" not in by_act(state_on(analysis, "2025-10-08"))  # not issued yet


def _partially_suspended(clauses: list[str]):
    items = [d for d in with_no61_clauses(inputs()) if d.announcement != "MOFCOM-2025-70"]
    items.append(act_input("MOFCOM-2025-80", "2025-11-15", relations=[
        {"type": "suspends", "target": "MOFCOM-2025-61", "until": None}]))
    items[-1].relation_scopes = [{"type": "suspends", "target": "MOFCOM-2025-61", "until": None,
                                  "clauses": clauses, "start": 0, "end": 0}]
    a = analyse(items)
    st = statuses(state_on(a, "2025-11-20"))
    return a, {k for k, v in st.items() if k[0] == "MOFCOM-2025-61" and v == "suspended"}


def test_partial_suspension_suspends_only_those_clauses():
    a, suspended = _partially_suspended(["1", "4"])
    # Clauses 1 and 4 (the extraterritorial rules and the 0.1% threshold) are suspended; the
    # military rule of clause 2(1) and the annex's items (tied to no clause) stay in force.
    assert suspended == NO61_LATE | {("MOFCOM-2025-61", "scope", "extraterritorial")}
    # The clauses taking effect on 2025-12-01 are all inside the suspension: no takes_effect.
    assert not [c for c in a.changes if c.type == "takes_effect" and c.announcement == "MOFCOM-2025-61"]

    _, suspended = _partially_suspended(["2"])
    assert suspended == {("MOFCOM-2025-61", "end_user_rule", "military:deny")}
    # Only clause 1(1) suspended: extraterritorial is still brought in by 1(2), 1(3) and 4.
    a, suspended = _partially_suspended(["1(1)"])
    assert suspended == NO61_LATE
    # 1(2) still takes effect on 2025-12-01, so the day is listed.
    assert [c.date for c in a.changes if c.type == "takes_effect" and c.announcement == "MOFCOM-2025-61"] == ["2025-12-01"]


def test_repeal_removes_the_measures_from_its_date():
    items = inputs() + [act_input("MOFCOM-2026-3", "2026-01-10", effective=["2026-02-01"], relations=[
        {"type": "repeals", "target": "MOFCOM-2023-23", "until": None}])]
    a = analyse(items)
    [removed] = [c for c in a.changes if c.type == "removed"]
    assert (removed.announcement, removed.subject, removed.date) == ("MOFCOM-2026-3", "MOFCOM-2023-23", "2026-02-01")
    assert "MOFCOM-2023-23" in by_act(state_on(a, "2026-01-31"))
    assert "MOFCOM-2023-23" not in by_act(state_on(a, "2026-02-01"))
    ga = next(m for m in state_on(a, "2026-01-15")["measures"] if m["subject"] == "Ga")
    assert ga["until"] == "2026-02-01"


def test_resumption_lifts_a_suspension_early():
    items = inputs() + [act_input("MOFCOM-2026-12", "2026-03-01", relations=[
        {"type": "resumes", "target": "MOFCOM-2025-62", "until": None}])]
    a = analyse(items)
    assert ("MOFCOM-2026-12", "resumed", "announcement", "MOFCOM-2025-62") in {
        (c.announcement, c.type, c.kind, c.subject) for c in a.changes}
    s = state_on(a, "2026-03-15")
    assert by_act(s)["MOFCOM-2025-62"] == Counter(in_force=9)
    assert by_act(s)["MOFCOM-2025-57"] == Counter(suspended=18)
    [ended] = s["suspensions_ended"]
    assert (ended["how"], ended["lifted_by"], ended["ended"]) == ("lifted", ["MOFCOM-2026-12"], "2026-03-01")
    # No. 70 still runs out for the other acts in November.
    assert [c.date for c in a.changes if c.type == "expired"] == ["2026-11-10"]


def test_a_later_suspension_carries_one_act_on():
    items = inputs() + [act_input("MOFCOM-2026-40", "2026-10-01", relations=[
        {"type": "suspends", "target": "MOFCOM-2025-57", "until": "2027-11-10"}])]
    a = analyse(items)
    s = state_on(a, "2026-11-28")
    assert by_act(s)["MOFCOM-2025-57"] == Counter(suspended=18)
    assert by_act(s)["MOFCOM-2025-62"] == Counter(in_force=9)
    [ended] = s["suspensions_ended"]
    assert "MOFCOM-2025-57" not in {m["announcement"] for m in ended["measures_back_in_force"]}


def test_upcoming_events_for_alerts(analysis):
    events = upcoming(analysis, "2026-10-20", 30)
    assert [(e["kind"], e["date"], e["announcement"]) for e in events] == [
        ("suspension_ends", "2026-11-10", "MOFCOM-2025-70")]
    assert len(events[0]["measures"]) == 45
    events = upcoming(analysis, "2026-11-20", 30)
    assert [(e["kind"], e["date"]) for e in events] == [("suspension_ended", "2026-11-10")]
    without_70 = analyse([d for d in with_no61_clauses(inputs()) if d.announcement != "MOFCOM-2025-70"])
    events = upcoming(without_70, "2025-11-01", 30)
    assert [(e["kind"], e["date"], e["announcement"]) for e in events] == [
        ("takes_effect", "2025-11-08", "MOFCOM-2025-57"), ("takes_effect", "2025-12-01", "MOFCOM-2025-61")]
    assert [m["subject"] for m in events[1]["measures"]] == ["value_ratio:0.001"]
    assert upcoming(analysis, "2025-11-01", 30) == []  # both fall inside the suspension
