"""The scope of controls on any date (schema "State on a date") and the events around today.

Why per measure: an act's clauses can take effect on different dates and a suspension can cover
only some clauses, so "is No. 61 in force?" has no single answer; "is No. 61's value-ratio
threshold in force on 2025-11-01?" does. Status precedence follows the schema: suspended beats
pending (a measure both not yet effective and suspended is `suspended`), and a suspension that
ran out with no later act carrying it on leaves the measure `in_force` again.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import sqlite_utils

from pipeline.diff.analysis import Analysis
from pipeline.diff.changes import takes_effect
from pipeline.diff.inputs import act_sort_key, iso
from pipeline.diff.measures import KIND_ORDER, Measure
from pipeline.diff.timeline import Suspension, clauses_in


def _day(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def suspension_end(s: Suspension, clauses: list[str] | None) -> str | None:
    """The first date the suspension no longer covers `clauses`: its end date or an earlier lift."""
    ends = [d for d, scope, _ in s.lifts if d > s.start and clauses_in(clauses, scope)]
    if s.until:
        ends.append(s.until)
    return min(ends) if ends else None


def _suspensions_of(a: Analysis, target: str) -> list[Suspension]:
    """The timeline's suspensions of one act, in timeline order (indexed once per analysis: a scan
    per measure was quadratic in the corpus)."""
    index = a.__dict__.get("_suspensions_by_target")
    sus = a.timeline.suspensions
    if index is None or index[0] is not sus or index[1] != len(sus):
        by_target: dict[str, list[Suspension]] = {}
        for s in sus:
            by_target.setdefault(s.target, []).append(s)
        index = a.__dict__["_suspensions_by_target"] = (sus, len(sus), by_target)
    return index[2].get(target, [])


def measure_state(a: Analysis, m: Measure, on: str) -> dict[str, Any] | None:
    """One measure's entry on date `on`; None when its act is not issued yet or it was removed."""
    if not m.issued or m.issued > on:
        return None
    clauses = m.clauses or None
    if a.timeline.removed_by(m.announcement, clauses, on):
        return None
    entry: dict[str, Any] = {**m.ref(), "status": "in_force", "since": m.effective, "until": None,
                             "effective": m.effective, "evidence": m.evidence, "hs_codes": m.hs_codes}
    mine = [s for s in _suspensions_of(a, m.announcement) if clauses_in(clauses, s.clauses)]
    active = [s for s in mine if s.covers(clauses, on)]
    if active:
        ends = [suspension_end(s, clauses) for s in active]
        entry.update(status="suspended", since=min(s.start for s in active),
                     until=None if None in ends else max(e for e in ends if e),
                     suspended_by=sorted({s.by for s in active}, key=act_sort_key))
    elif m.effective and on < m.effective:
        entry.update(status="pending", since=m.issued, until=m.effective)
    else:
        ended = [e for s in mine if (e := suspension_end(s, clauses)) and e <= on]
        entry["since"] = max([m.effective or m.issued] + ended)
        upcoming = [s.start for s in mine if s.start > on]
        upcoming += [r.date for r in a.timeline.removals
                     if r.target == m.announcement and r.date > on and clauses_in(clauses, r.clauses)]
        entry["until"] = min(upcoming) if upcoming else None
    return entry


def _ended(a: Analysis, lo: str, hi: str, on: str) -> list[dict[str, Any]]:
    """Suspensions whose end falls in [lo, hi], grouped by (suspending act, end date), with the
    measures back in force on `on` because of it. A suspension carried on by a later act is not
    listed: nothing came back."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for s in a.timeline.suspensions:
        end = suspension_end(s, s.clauses)
        if not end or not (lo <= end <= hi):
            continue
        ran_out = end == s.until and a.timeline.ran_out(s)
        lifted = [by for d, _, by in s.lifts if d == end]
        if not ran_out and not lifted:
            continue
        g = groups.setdefault((s.by, end), {"act": s.by, "ended": end, "how": "expired" if ran_out else "lifted",
                                            "lifted_by": sorted(set(lifted)), "targets": [],
                                            "measures_back_in_force": []})
        g["targets"].append(s.target)
        for m in a.measures_of(s.target):
            st = measure_state(a, m, on)
            if st and st["status"] == "in_force" and clauses_in(m.clauses or None, s.clauses):
                g["measures_back_in_force"].append(m.ref())
    return sorted(groups.values(), key=lambda g: (g["ended"], act_sort_key(g["act"])))


def state_on(a: Analysis, on: dt.date | str, *, evidence: bool = False) -> dict[str, Any]:
    """`{"date", "measures": [...], "suspensions_ended": [...]}` for one date (pure; `evidence`: a
    stored analysis must read the measures' evidence too)."""
    day = _day(on)
    measures = [e for m in a.iter_measures(evidence=evidence) if (e := measure_state(a, m, day))]
    measures.sort(key=lambda e: (act_sort_key(e["announcement"]), KIND_ORDER.index(e["kind"]), e["subject"]))
    return {"date": day, "measures": measures, "suspensions_ended": _ended(a, "0000-00-00", day, day)}


def _taking_effect(a: Analysis, lo: str, hi: str) -> list[tuple[str, str]]:
    """(act, date) of each act (or clause) taking effect in (lo, hi], in act order."""
    stored = getattr(a, "takes_effect_between", None)
    if stored is not None:  # the diff stage's stored analysis: from the change list just written
        return stored(lo, hi)
    return [(act.id, c.date) for act in a.acts.values() for c in takes_effect(act, a.timeline)
            if lo < (c.date or "") <= hi]


def upcoming(a: Analysis, today: dt.date | str, horizon_days: int) -> list[dict[str, Any]]:
    """Dated events near `today` for alerts: `takes_effect` and `suspension_ends` in
    (today, today+horizon], `suspension_ended` in [today-horizon, today]."""
    day = _day(today)
    base = dt.date.fromisoformat(day)
    hi = iso(base + dt.timedelta(days=horizon_days)) or day
    lo = iso(base - dt.timedelta(days=horizon_days)) or day
    events: list[dict[str, Any]] = []
    for act_id, date in _taking_effect(a, day, hi):
        ms = [m.ref() for m in a.measures_of(act_id) if m.effective == date
              and (st := measure_state(a, m, date)) and st["status"] == "in_force"]
        events.append({"kind": "takes_effect", "date": date, "announcement": act_id, "subject": act_id, "measures": ms})
    for g in _ended(a, iso(base + dt.timedelta(days=1)) or day, hi, hi):
        events.append({"kind": "suspension_ends", "date": g["ended"], "announcement": g["act"], "subject": g["act"],
                       "targets": g["targets"], "how": g["how"], "measures": g["measures_back_in_force"]})
    for g in _ended(a, lo, day, day):
        events.append({"kind": "suspension_ended", "date": g["ended"], "announcement": g["act"], "subject": g["act"],
                       "targets": g["targets"], "how": g["how"], "measures": g["measures_back_in_force"]})
    return sorted(events, key=lambda e: (e["date"], e["kind"], act_sort_key(e["announcement"])))


def compute_state(db: sqlite_utils.Database, on: dt.date | str) -> dict[str, Any]:
    """The state on `on` from the database's current records (for the CLI, alerts, Datasette)."""
    from pipeline.diff.store import load_analysis

    return state_on(load_analysis(db), on, evidence=True)


def state_of_acts(db: sqlite_utils.Database, on: dt.date | str, acts: Iterable[str]) -> list[dict[str, Any]]:
    """The entries `compute_state(db, on)["measures"]` holds for the measures of `acts`, in the
    same order, without evidence: for an alert naming a few acts, without computing the state of
    every measure (that was 0.3 s and 100 MB per alert at 10,000 documents)."""
    from pipeline.diff.store import load_analysis

    a, day = load_analysis(db), _day(on)
    out = [e for act in dict.fromkeys(acts) for m in a.measures_of(act) if (e := measure_state(a, m, day))]
    out.sort(key=lambda e: (act_sort_key(e["announcement"]), KIND_ORDER.index(e["kind"]), e["subject"]))
    return out


def upcoming_events(db: sqlite_utils.Database, today: dt.date | str, horizon_days: int) -> list[dict[str, Any]]:
    """Measures taking effect within `horizon_days` of `today`, suspensions ending in that window,
    and suspensions that ended within the last `horizon_days`. Each event:
    `{kind: takes_effect|suspension_ends|suspension_ended, date, announcement, subject, measures, ...}`."""
    from pipeline.diff.store import load_analysis

    return upcoming(load_analysis(db), today, horizon_days)
