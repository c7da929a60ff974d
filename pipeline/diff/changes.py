"""The change list (schema "Change list"): typed, dated changes derived from acts only.

Every change derivable from the texts is listed, future ones included (an `expired` on
2026-11-10 is known on 2025-11-07): the change list is what the acts say will happen; whether it
has happened yet is a separate `status` (scheduled / occurred) against `today`, computed by the
store. News records become `reported` / `proposed` entries that are kept apart (`news=True`)
and never feed the acts' timeline.
"""
from __future__ import annotations

import hashlib
from typing import Any

from pipeline.diff.acts import Act
from pipeline.diff.inputs import DocInput, act_sort_key, as_date, iso
from pipeline.diff.intervals import Timeline
from pipeline.diff.measures import Measure, copy_values
from pipeline.diff import parties
from pipeline.records import Change, ChangeKind, ChangeType

TYPE_ORDER = [t.value for t in ChangeType]
KIND_ANN = ChangeKind.ANNOUNCEMENT.value
ADDED, TAKES_EFFECT = ChangeType.ADDED.value, ChangeType.TAKES_EFFECT.value
SUSPENDED, RESUMED, REMOVED, EXPIRED = (ChangeType.SUSPENDED.value, ChangeType.RESUMED.value,
                                        ChangeType.REMOVED.value, ChangeType.EXPIRED.value)


def change_id(change: Change) -> str:
    """Stable id: hash of announcement|type|kind|subject|date (Change.key)."""
    return hashlib.sha256(change.key.encode()).hexdigest()[:20]


def sort_key(c: Change) -> tuple[Any, ...]:
    return (c.date or "9999-99-99", act_sort_key(c.announcement), TYPE_ORDER.index(c.type), c.kind, c.subject)


def mark_new(measures: list[Measure], timeline: Timeline) -> None:
    """`new` = no act issued earlier covered this (kind, subject), unless that act was repealed
    by then. Same-day acts do not make each other "not new"."""
    same: dict[tuple[str, str], list[Measure]] = {}  # by (kind, subject): a scan of all was quadratic
    for o in measures:
        same.setdefault((o.kind, o.subject), []).append(o)
    for m in measures:
        m.new = not any(
            o.issued and m.issued and o.issued < m.issued
            and not timeline.removed_by(o.announcement, o.clauses or None, m.issued)
            for o in same[(m.kind, m.subject)]
        )


def _effective_evidence(act: Act, date: str) -> list[dict[str, Any]]:
    out = []
    for doc in act.copies:
        for ev in doc.record.get("evidence") or []:
            if ev.get("field") == "effective" and iso(as_date(ev.get("value"))) == date:
                out.append(doc.evidence(ev))
        for c in doc.clauses:
            if iso(as_date(c.get("effective"))) == date:
                out.append({"field": "clauses", "value": c.get("id"), "start": c.get("start"), "end": c.get("end"),
                            "text": (doc.text or "")[c.get("start") or 0:c.get("end") or 0][:300],
                            "document_id": doc.document_id, **({"url": doc.url} if doc.url else {})})
    return out


def _clauses_on(act: Act, date: str) -> list[str] | None:
    ids = sorted({str(c["id"]) for d in act.copies for c in d.clauses
                  if c.get("id") and iso(as_date(c.get("effective"))) == date})
    return ids or None


def takes_effect(act: Act, timeline: Timeline) -> list[Change]:
    """An act (or clause) taking effect after its issue date, unless suspended or repealed that day
    (then nothing happened that day; the suspension's own end is the event to report)."""
    out = []
    for date in act.effective:
        if not act.issued or date <= act.issued:
            continue
        if not happens(act.id, _clauses_on(act, date), date, timeline):
            continue
        out.append(Change(act.id, date, TAKES_EFFECT, KIND_ANN, act.id, _effective_evidence(act, date)))
    return out


def happens(act_id: str, clauses: list[str] | None, date: str, timeline: Timeline) -> bool:
    """Does the act (or these clauses of it) take effect on `date`? Not when every part taking
    effect is suspended or repealed that day (shared by the in-memory and the streamed stage)."""
    parts = [[c] for c in clauses] if clauses else [None]
    return not all(timeline.suspended_by(act_id, p, date) or timeline.removed_by(act_id, p, date) for p in parts)


def act_changes(acts: dict[str, Act], measures: list[Measure], timeline: Timeline) -> list[Change]:
    """Every change the acts themselves bring, oldest first."""
    out: list[Change] = []
    for m in measures:
        out.append(Change(m.announcement, m.issued, ADDED, m.kind, m.subject, m.evidence, m.hs_codes, m.new))
    for act in acts.values():
        if act.copies:
            out.extend(takes_effect(act, timeline))
    out.extend(timeline_changes(timeline))
    by_act: dict[str, list[Measure]] = {}
    for m in measures:
        by_act.setdefault(m.announcement, []).append(m)
    out.extend(parties.changes(timeline, lambda act_id: by_act.get(act_id, [])))
    return sorted(_unique(out), key=sort_key)


def timeline_changes(timeline: Timeline) -> list[Change]:
    """The changes the timeline alone brings (suspended, resumed, removed, expired): few, whatever
    the corpus size, so the streamed stage keeps them in memory."""
    out: list[Change] = []
    for s in timeline.suspensions:
        out.append(Change(s.by, s.start, SUSPENDED, KIND_ANN, s.target, s.evidence))
    for by, target, _clauses, date, evidence in timeline.resumptions:
        out.append(Change(by, date, RESUMED, KIND_ANN, target, evidence))
    for r in timeline.removals:
        out.append(Change(r.by, r.date, REMOVED, KIND_ANN, r.target, r.evidence))
    ends: dict[tuple[str, str], list] = {}
    for s in timeline.suspensions:
        if s.until:
            ends.setdefault((s.by, s.until), []).append(s)
    for (by, until), group in ends.items():
        # One `expired` per suspending act and end date, if at least one act it suspended comes
        # back in force that day (not lifted earlier, not carried on by another suspension).
        if any(timeline.ran_out(s) for s in group):
            out.append(Change(by, until, EXPIRED, KIND_ANN, by, _dedupe([e for s in group for e in s.evidence])))
    return out


def news_changes(inputs: list[DocInput]) -> list[Change]:
    """`reported` / `proposed` entries from news records: one per (article, kind, subject).

    announcement: the act the article names if the record gives one, else the article's URL
    (or source), so an entry always points at where the claim was made.
    """
    out = []
    for doc in inputs:
        if not doc.is_news:
            continue
        where = doc.record.get("announcement") or doc.url or doc.source or doc.document_id
        date = iso(as_date(doc.published))
        for kind, subject, evidence in copy_values(doc, detect=False):
            out.append(Change(where, date, doc.record["modality"], kind, subject, evidence,
                              list(doc.record.get("hs_codes") or []) if kind in ("element", "control_code") else []))
    return sorted(_unique(out), key=sort_key)


def _dedupe(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for e in evidence:
        key = (e.get("document_id"), e.get("start"), e.get("end"), e.get("field"))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _unique(changes: list[Change]) -> list[Change]:
    seen: dict[str, Change] = {}
    for c in changes:
        if c.key in seen:
            seen[c.key].evidence = _dedupe(seen[c.key].evidence + c.evidence)
        else:
            c.evidence = _dedupe(c.evidence)
            seen[c.key] = c
    return list(seen.values())
