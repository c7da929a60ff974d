"""When acts (or some of their clauses) are suspended, lifted or repealed: intervals over dates
(the `Timeline` of suspensions and removals; pure, no database).

Why one module for this: the change list (is No. 57 suspended on the day it would take effect?
did No. 70's suspension really run out?) and the state on a date (is this measure suspended?)
must answer the same questions the same way. Intervals are half-open, [start, until): a
suspension "until 2026-11-10" has the suspended acts back in force on 2026-11-10, which is the
date the schema's `expired` change carries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.diff.acts import Act

ClauseSet = list[str] | None  # None = the whole act


def clause_in(clause: str, scope: ClauseSet) -> bool:
    """Clause `1(1)` is inside a scope naming `1` or `1(1)`; every clause is inside None."""
    if scope is None:
        return True
    return any(clause == s or clause.startswith(s + "(") or clause.startswith(s + ".") for s in scope)


def clauses_in(clauses: ClauseSet, scope: ClauseSet) -> bool:
    """True when every one of `clauses` (None = the whole act) lies inside `scope`.

    A measure with no known clause counts as "the whole act": only a whole-act scope covers it,
    since a partial suspension names clauses and we cannot tie that measure to any of them.
    """
    if scope is None:
        return True
    if not clauses:
        return False
    return all(clause_in(c, scope) for c in clauses)


@dataclass
class Suspension:
    """`by` suspends `target` (or some of its clauses) from `start` until `until` (exclusive)."""

    by: str
    target: str
    clauses: ClauseSet
    start: str
    until: str | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    lifts: list[tuple[str, ClauseSet, str]] = field(default_factory=list)  # (date, clauses, by)

    def covers(self, clauses: ClauseSet, on: str) -> bool:
        """Is a measure brought in by `clauses` of the target suspended by this on date `on`?"""
        if on < self.start or (self.until and on >= self.until):
            return False
        if not clauses_in(clauses, self.clauses):
            return False
        return not any(date <= on and clauses_in(clauses, scope) for date, scope, _ in self.lifts)

    def lifted_before(self, date: str) -> bool:
        """Was the whole suspension lifted (resumed, or its act repealed) before `date`?"""
        return any(d < date and clauses_in(self.clauses, scope) for d, scope, _ in self.lifts)


@dataclass
class Removal:
    """`by` repeals (or supersedes) `target` (or some clauses of it) with effect from `date`."""

    by: str
    target: str
    clauses: ClauseSet
    date: str
    type: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Timeline:
    suspensions: list[Suspension] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    resumptions: list[tuple[str, str, ClauseSet, str, list[dict[str, Any]]]] = field(default_factory=list)

    def suspensions_of(self, target: str) -> list[Suspension]:
        """The suspensions of one act, in timeline order (indexed once: a scan per measure was
        quadratic in the corpus; rebuilt if the list grows)."""
        index = self.__dict__.get("_by_target")
        if index is None or index[0] != len(self.suspensions):
            by_target: dict[str, list[Suspension]] = {}
            for s in self.suspensions:
                by_target.setdefault(s.target, []).append(s)
            index = self.__dict__["_by_target"] = (len(self.suspensions), by_target)
        return index[1].get(target, [])

    def suspended_by(self, target: str, clauses: ClauseSet, on: str) -> list[Suspension]:
        return [s for s in self.suspensions_of(target) if s.covers(clauses, on)]

    def removed_by(self, target: str, clauses: ClauseSet, on: str) -> Removal | None:
        for r in self.removals:
            if r.target == target and r.date <= on and clauses_in(clauses, r.clauses):
                return r
        return None

    def ran_out(self, s: Suspension) -> bool:
        """Did this suspension end by running out (not lifted earlier, and no other suspension
        of the same clauses carrying on from its end date)?"""
        if not s.until or s.lifted_before(s.until):
            return False
        return not any(o is not s and o.target == s.target and o.covers(s.clauses, s.until)
                       for o in self.suspensions)


def build_timeline(acts: dict[str, Act]) -> Timeline:
    """Suspensions, lifts and removals from every act's relations, in issue order."""
    tl = Timeline()
    ordered = sorted(acts.values(), key=lambda a: a.issued or "9999")
    for act in ordered:
        for rel in act.relations:
            start = rel.start or act.issued
            if not start:
                continue
            if rel.type == "suspends":  # relation types are the extraction record's words
                tl.suspensions.append(Suspension(act.id, rel.target, rel.clauses, start, rel.until, list(rel.evidence)))
            elif rel.type in ("repeals", "supersedes"):
                tl.removals.append(Removal(act.id, rel.target, rel.clauses, start, rel.type, list(rel.evidence)))
            elif rel.type == "resumes":
                tl.resumptions.append((act.id, rel.target, rel.clauses, start, list(rel.evidence)))
    for by, target, clauses, date, _ in tl.resumptions:
        for s in tl.suspensions:
            if s.target == target and s.start < date:
                s.lifts.append((date, clauses, by))
    for r in tl.removals:
        # Repealing the suspending act ends its suspensions; repealing the suspended act makes them moot.
        for s in tl.suspensions:
            if s.by == r.target and r.clauses is None and s.start < r.date:
                s.lifts.append((r.date, None, r.by))
    for act in ordered:
        for rel in act.relations:
            # An act amending a suspending act with a new end date extends (or shortens) its suspensions.
            if rel.type == "amends" and rel.until:
                for s in tl.suspensions:
                    if s.by == rel.target and (act.issued or "") >= s.start:
                        s.until = rel.until
    return tl
