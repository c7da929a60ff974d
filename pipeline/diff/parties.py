"""Parties in the diff: a listing is a measure (kind `party`, subject `list:normalised name`), and
a suspension, lifting or resumption of named parties is a relation to the act that listed them.

Why as measures and relations: the schema's suspension semantics must hold for parties as for
items ("a suspension of the measures on the 15 entities of No. 13 suspends those parties' entries
until its end date"), and the timeline already answers that for measures. Each party measure
carries a clause of its own, `party:<subject>`: a suspension of the whole act covers it; a
suspension that names only some parties becomes a relation scoped to their clauses. The subject
is the party's name in Latin script when the act prints one (its English name or alias), so the
Chinese page, the English page and the annex of one act give one subject
(`control_list:nationaldefenseacademy`).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from pipeline.diff.acts import Act, Relation
from pipeline.diff.inputs import DocInput
from pipeline.diff.intervals import Timeline, clauses_in
from pipeline.records import Change, ChangeKind, ChangeType

KIND = ChangeKind.PARTY.value
CLAUSE = "party:"
CJK = re.compile(r"[\u4e00-\u9fff\u3040-\u30ff]")
LATIN = re.compile(r"[A-Za-z]")
RELATION_OF = {"suspended": "suspends", "removed": "repeals", "resumed": "resumes"}


def norm(name: str) -> str:
    """The schema's normalised name: case-folded, letters and digits only."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def aliases_of(doc: DocInput) -> dict[tuple[str, str], list[str]]:
    """(list, printed name) -> the names printed beside it (the extract stage's party rows)."""
    out: dict[tuple[str, str], list[str]] = {}
    for row in doc.parties:
        out.setdefault((row.get("list"), row.get("name")), []).extend(row.get("aliases") or [])
    return out


def subject(value: Any, aliases: dict[tuple[str, str], list[str]] | None = None) -> str | None:
    """`list:normalised name` of a record's party, the Latin-script name preferred."""
    if not isinstance(value, dict) or not value.get("list") or not value.get("name"):
        return None
    name = str(value["name"])
    names = [name] + list((aliases or {}).get((value["list"], name), []))
    chosen = next((n for n in names if LATIN.search(n) and not CJK.search(n)), name)
    key = norm(chosen) or norm(name)
    return f"{value['list']}:{key}" if key else None


def clause(subject_: str) -> str:
    return CLAUSE + subject_


def copy_parties(doc: DocInput) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    """(action, subject, value, evidence) of every party a copy names."""
    aliases = aliases_of(doc)
    evidence: dict[str, list[dict[str, Any]]] = {}
    for ev in doc.record.get("evidence") or []:
        if ev.get("field") == "parties" and (s := subject(ev.get("value"), aliases)):
            evidence.setdefault(f"{ev['value'].get('action')}|{s}", []).append(doc.evidence(ev))
    out = []
    for value in doc.record.get("parties") or []:
        s = subject(value, aliases)
        if s:
            action = str(value.get("action") or "added")
            out.append((action, s, value, evidence.get(f"{action}|{s}", [])))
    return out


def party_actions(act: Act) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(action, subject, evidence) of the parties an act suspends, lifts or resumes by name."""
    seen: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for doc in act.copies:
        for action, s, _value, evidence in copy_parties(doc):
            if action in RELATION_OF:
                seen.setdefault((action, s), []).extend(evidence)
    return [(a, s, ev) for (a, s), ev in seen.items()]


def resolve(acts: Iterable[Act], added_by: Callable[[str], list[tuple[str, str | None]]]) -> None:
    """Relations for parties named as suspended, lifted or resumed: to each earlier act that
    listed the party (by subject), scoped to that party's clause. `added_by(subject)` gives
    (act, issued) of the acts listing it. Appended to each act's relations."""
    for act in acts:
        actions = getattr(act, "party_actions", None) or []
        if not actions:
            continue
        untils = {r.until for r in act.relations if r.type == "suspends" and r.until}
        until = next(iter(untils)) if len(untils) == 1 else None
        start = act.default_effective
        merged: dict[tuple[str, str], Relation] = {}
        for action, s, evidence in actions:
            for target, issued in added_by(s):
                if target == act.id or (issued and act.issued and issued > act.issued):
                    continue
                rel_type = RELATION_OF[action]
                key = (rel_type, target)
                rel = merged.get(key)
                if rel is None:
                    rel = merged[key] = Relation(rel_type, target, until if rel_type == "suspends" else None, [],
                                                 start or act.issued, [])
                if clause(s) not in (rel.clauses or []):
                    rel.clauses.append(clause(s))
                rel.evidence.extend(evidence)
        known = {(r.type, r.target) for r in act.relations if r.clauses is None}
        act.relations.extend(r for k, r in merged.items() if k not in known)


def changes(timeline: Timeline, measures_of: Callable[[str], list[Any]]) -> list[Change]:
    """The party changes the timeline brings: each listed party of a suspended, resumed or
    repealed act (or only those a scoped relation names) `suspended`, `resumed`, `removed`, and
    `expired` when a suspension runs out."""
    out: list[Change] = []
    cache: dict[str, list[Any]] = {}

    def parties(act_id: str) -> list[Any]:
        if act_id not in cache:
            cache[act_id] = [m for m in measures_of(act_id) if m.kind == KIND]
        return cache[act_id]

    for s in timeline.suspensions:
        for m in parties(s.target):
            if clauses_in(m.clauses or None, s.clauses):
                out.append(Change(s.by, s.start, ChangeType.SUSPENDED.value, KIND, m.subject, list(s.evidence)))
                if s.until and timeline.ran_out(s):
                    out.append(Change(s.by, s.until, ChangeType.EXPIRED.value, KIND, m.subject, list(s.evidence)))
    for by, target, scope, date, evidence in timeline.resumptions:
        for m in parties(target):
            if clauses_in(m.clauses or None, scope):
                out.append(Change(by, date, ChangeType.RESUMED.value, KIND, m.subject, list(evidence)))
    for r in timeline.removals:
        for m in parties(r.target):
            if clauses_in(m.clauses or None, r.clauses):
                out.append(Change(r.by, r.date, ChangeType.REMOVED.value, KIND, m.subject, list(r.evidence)))
    return out


def names_of(act: Act) -> dict[str, dict[str, Any]]:
    """subject -> {list, name, aliases, country, lang}: every name an act's copies print for each
    party it lists (for the parties table: what screening matches against)."""
    out: dict[str, dict[str, Any]] = {}
    for doc in act.copies:
        aliases = aliases_of(doc)
        for action, s, value, _ev in copy_parties(doc):
            if action != "added":
                continue
            entry = out.setdefault(s, {"list": value["list"], "name": value["name"], "names": [],
                                       "country": value.get("country"), "lang": doc.lang})
            if doc.lang == "zh" and entry["lang"] != "zh":  # the Chinese text is the authentic one
                entry.update(name=value["name"], lang="zh")
            entry["country"] = entry["country"] or value.get("country")
            for n in [value["name"]] + aliases.get((value["list"], value["name"]), []):
                if n not in entry["names"]:
                    entry["names"].append(n)
    return out
