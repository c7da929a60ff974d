"""The scope of controls on any date (schema "State on a date") and the events around today.

Pure: these functions read a `StateSource` (the timeline and the measures) and know nothing of
where it lives. `pipeline.diff.analysis.Analysis` is one (everything in memory, for tests, gold
files and a database the diff stage has not run on); `pipeline.diff.api.StoredState` is the other
(the diff stage's tables, read measure by measure: cheap for `exportwatch state` and the alerts).

Why per measure: an act's clauses can take effect on different dates and a suspension can cover
only some clauses, so "is No. 61 in force?" has no single answer; "is No. 61's value-ratio
threshold in force on 2025-11-01?" does. Status precedence follows the schema: suspended beats
pending (a measure both not yet effective and suspended is `suspended`), and a suspension that
ran out with no later act carrying it on leaves the measure `in_force` again.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Protocol

from pipeline.diff.inputs import act_sort_key, iso
from pipeline.diff.intervals import Suspension, Timeline, clauses_in
from pipeline.diff.measures import KIND_ORDER, Measure
from pipeline.records import MeasureStatus


class StateSource(Protocol):
    """What the state on a date is computed from."""

    timeline: Timeline

    def iter_measures(self, *, evidence: bool = False) -> Iterator[Measure]:
        """Every measure in act order, kinds and subjects sorted (`evidence`: with theirs)."""

    def measures_of(self, act_id: str) -> list[Measure]:
        """One act's measures (without evidence), in the same order."""

    def taking_effect(self, lo: str, hi: str) -> list[tuple[str, str]]:
        """(act, date) of each act (or clause) taking effect in (lo, hi], in act order."""


def day_of(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def suspension_end(s: Suspension, clauses: list[str] | None) -> str | None:
    """The first date the suspension no longer covers `clauses`: its end date or an earlier lift."""
    ends = [d for d, scope, _ in s.lifts if d > s.start and clauses_in(clauses, scope)]
    if s.until:
        ends.append(s.until)
    return min(ends) if ends else None


def measure_state(timeline: Timeline, m: Measure, on: str) -> dict[str, Any] | None:
    """One measure's entry on date `on`; None when its act is not issued yet or it was removed."""
    if not m.issued or m.issued > on:
        return None
    clauses = m.clauses or None
    if timeline.removed_by(m.announcement, clauses, on):
        return None
    entry: dict[str, Any] = {**m.ref(), "status": MeasureStatus.IN_FORCE.value, "since": m.effective, "until": None,
                             "effective": m.effective, "evidence": m.evidence, "hs_codes": m.hs_codes}
    mine = [s for s in timeline.suspensions_of(m.announcement) if clauses_in(clauses, s.clauses)]
    active = [s for s in mine if s.covers(clauses, on)]
    if active:
        ends = [suspension_end(s, clauses) for s in active]
        entry.update(status=MeasureStatus.SUSPENDED.value, since=min(s.start for s in active),
                     until=None if None in ends else max(e for e in ends if e),
                     suspended_by=sorted({s.by for s in active}, key=act_sort_key))
    elif m.effective and on < m.effective:
        entry.update(status=MeasureStatus.PENDING.value, since=m.issued, until=m.effective)
    else:
        ended = [e for s in mine if (e := suspension_end(s, clauses)) and e <= on]
        entry["since"] = max([m.effective or m.issued] + ended)
        upcoming_starts = [s.start for s in mine if s.start > on]
        upcoming_starts += [r.date for r in timeline.removals
                            if r.target == m.announcement and r.date > on and clauses_in(clauses, r.clauses)]
        entry["until"] = min(upcoming_starts) if upcoming_starts else None
    return entry


def ended(a: StateSource, lo: str, hi: str, on: str) -> list[dict[str, Any]]:
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
            st = measure_state(a.timeline, m, on)
            if st and st["status"] == MeasureStatus.IN_FORCE and clauses_in(m.clauses or None, s.clauses):
                g["measures_back_in_force"].append(m.ref())
    return sorted(groups.values(), key=lambda g: (g["ended"], act_sort_key(g["act"])))


def sort_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (act_sort_key(entry["announcement"]), KIND_ORDER.index(entry["kind"]), entry["subject"])


def iter_state(a: StateSource, on: dt.date | str, *, evidence: bool = True) -> Iterator[dict[str, Any]]:
    """The entries of the state on `on`, one measure at a time, in state order (the source yields
    measures in that order)."""
    day = day_of(on)
    for m in a.iter_measures(evidence=evidence):
        if (e := measure_state(a.timeline, m, day)) is not None:
            yield e


def state_on(a: StateSource, on: dt.date | str, *, evidence: bool = True) -> dict[str, Any]:
    """`{"date", "measures": [...], "suspensions_ended": [...]}` for one date."""
    day = day_of(on)
    measures = sorted(iter_state(a, day, evidence=evidence), key=sort_key)
    return {"date": day, "measures": measures, "suspensions_ended": ended(a, "0000-00-00", day, day)}


def state_of_acts(a: StateSource, on: dt.date | str, acts: list[str]) -> list[dict[str, Any]]:
    """The entries `state_on(a, on)["measures"]` holds for the measures of `acts`, in the same order,
    without evidence: for an alert naming a few acts."""
    day = day_of(on)
    out = [e for act in dict.fromkeys(acts) for m in a.measures_of(act) if (e := measure_state(a.timeline, m, day))]
    return sorted(out, key=sort_key)


def upcoming(a: StateSource, today: dt.date | str, horizon_days: int) -> list[dict[str, Any]]:
    """Dated events near `today` for alerts: `takes_effect` and `suspension_ends` in
    (today, today+horizon], `suspension_ended` in [today-horizon, today]. Each event:
    `{kind, date, announcement, subject, measures, ...}`."""
    day = day_of(today)
    base = dt.date.fromisoformat(day)
    hi = iso(base + dt.timedelta(days=horizon_days)) or day
    lo = iso(base - dt.timedelta(days=horizon_days)) or day
    events: list[dict[str, Any]] = []
    for act_id, date in a.taking_effect(day, hi):
        ms = [m.ref() for m in a.measures_of(act_id) if m.effective == date
              and (st := measure_state(a.timeline, m, date)) and st["status"] == MeasureStatus.IN_FORCE]
        events.append({"kind": "takes_effect", "date": date, "announcement": act_id, "subject": act_id, "measures": ms})
    for g in ended(a, iso(base + dt.timedelta(days=1)) or day, hi, hi):
        events.append({"kind": "suspension_ends", "date": g["ended"], "announcement": g["act"], "subject": g["act"],
                       "targets": g["targets"], "how": g["how"], "measures": g["measures_back_in_force"]})
    for g in ended(a, lo, day, day):
        events.append({"kind": "suspension_ended", "date": g["ended"], "announcement": g["act"], "subject": g["act"],
                       "targets": g["targets"], "how": g["how"], "measures": g["measures_back_in_force"]})
    return sorted(events, key=lambda e: (e["date"], e["kind"], act_sort_key(e["announcement"])))
