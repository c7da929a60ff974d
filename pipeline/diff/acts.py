"""Merge every copy of an act (Chinese page, English page, PDF annex, Q&A) into one `Act`.

Why merge first: the schema counts an act's scope once, whichever copies carry it, so a
translation or an annex must never add a subject a second time. Acts that are only cited by
another act (e.g. No. 55 suspended by No. 70, with no copy in the corpus) become stubs, so that a
suspension of them still counts and the announcements table can say "seen only in citations".
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.diff.inputs import DocInput, act_sort_key, as_date, iso
from pipeline.records import DocKind

RELATION_TYPES = ("suspends", "resumes", "amends", "supersedes", "repeals")

ISSUER_CUES = [
    ("MOFCOM", re.compile(r"商务部|Ministry of Commerce|MOFCOM", re.I)),
    ("GACC", re.compile(r"海关总署|General Administration of Customs|GACC", re.I)),
]


@dataclass
class Relation:
    """One link from an act to another, merged over the act's copies.

    clauses: None = the whole target act; a list = only those clauses of the target.
    start: the date the relation takes effect (the clause of the relating act that carries it,
    else that act's effective date).
    """

    type: str
    target: str
    until: str | None
    clauses: list[str] | None
    start: str | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    cited_as: dict[str, str] = field(default_factory=dict)  # lang -> "reference (title)" as printed


@dataclass
class Act:
    """One act (`MOFCOM-YYYY-N`) and everything its copies say about it."""

    id: str
    issued: str | None = None
    effective: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    title_zh: str | None = None
    title_en: str | None = None
    copies: list[DocInput] = field(default_factory=list)  # kind=announcement, relevant
    others: list[DocInput] = field(default_factory=list)  # Q&A and irrelevant copies: listed, never scope
    relations: list[Relation] = field(default_factory=list)
    cited_by: list[str] = field(default_factory=list)
    # (action, subject, evidence) of parties this act suspends, lifts or resumes by name (diff/parties.py)
    party_actions: list[tuple[str, str, list[dict[str, Any]]]] = field(default_factory=list)

    @property
    def seen_only_in_citations(self) -> bool:
        return not self.copies and not self.others

    @property
    def default_effective(self) -> str | None:
        """The date a clause with no date of its own takes effect: the act's earliest effective
        date (not before issue), else its issue date."""
        dates = [d for d in self.effective if not self.issued or d >= self.issued]
        return min(dates) if dates else self.issued

    def documents(self) -> list[dict[str, Any]]:
        return [{"document_id": d.document_id, "source": d.source, "url": d.url, "kind": d.kind,
                 "lang": d.lang} for d in self.copies + self.others]


def innermost_clause(clauses: list[dict[str, Any]], pos: int | None) -> dict[str, Any] | None:
    """The most specific clause (smallest span) containing character offset `pos`."""
    if pos is None:
        return None
    best = None
    for c in clauses:
        start, end = c.get("start"), c.get("end")
        if start is None or end is None or not (start <= pos < end):
            continue
        if best is None or (end - start) < (best["end"] - best["start"]):
            best = c
    return best


def clause_date(act: Act, clause: dict[str, Any] | None) -> str | None:
    """Effective date of a clause: its own date when the text gives one, else the act's."""
    if clause and as_date(clause.get("effective")):
        return iso(as_date(clause.get("effective")))
    return act.default_effective


def _issuers(doc: DocInput) -> list[str]:
    head = doc.title or (doc.text or "")[:200]
    return [name for name, cue in ISSUER_CUES if cue.search(head)]


def _pick_title(docs: list[DocInput], act_id: str) -> str | None:
    """Prefer the title that names the act's number (the act page, not its annex)."""
    number = act_id.rsplit("-", 1)[-1]
    titled = [d.title for d in sorted(docs, key=lambda d: (d.source or "").lower().endswith(".pdf")) if d.title]
    for title in titled:
        if re.search(rf"第\s*{number}\s*号|No\.\s*{number}\b", title):
            return title
    return titled[0] if titled else None


CITED_TITLE = re.compile(r"\s*[（(]([^（）()\n]{4,120})[）)]")


def _cited_as(doc: DocInput, scope: dict[str, Any] | None) -> str | None:
    """The reference as printed plus the title in brackets after it, e.g.
    "商务部 海关总署公告2025年第55号 公布对超硬材料…的决定": how a stub gets a readable title."""
    if not scope or scope.get("start") is None or not doc.text:
        return None
    ref = doc.text[scope["start"]:scope.get("end") or scope["start"]].strip()
    m = CITED_TITLE.match(doc.text, scope.get("end") or scope["start"])
    return f"{ref} {m.group(1).strip()}" if m else ref or None


def _scope_for(doc: DocInput, rel: dict[str, Any]) -> dict[str, Any] | None:
    for s in doc.relation_scopes:
        if s.get("type") == rel.get("type") and s.get("target") == rel.get("target") \
                and (s.get("until") or None) == (rel.get("until") or None):
            return s
    return None


def _relation_evidence(doc: DocInput, rel: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for ev in doc.record.get("evidence") or []:
        value = ev.get("value")
        if ev.get("field") == "relations" and isinstance(value, dict) \
                and value.get("type") == rel.get("type") and value.get("target") == rel.get("target"):
            out.append(doc.evidence(ev))
    return out


def _merge_relations(act: Act) -> None:
    merged: dict[tuple[str, str, str | None], Relation] = {}
    for doc in act.copies:
        for rel in doc.record.get("relations") or []:
            if rel.get("type") not in RELATION_TYPES or not rel.get("target"):
                continue
            key = (rel["type"], rel["target"], iso(as_date(rel.get("until"))))
            scope = _scope_for(doc, rel)
            evidence = _relation_evidence(doc, rel)
            pos = scope.get("start") if scope else (evidence[0].get("start") if evidence else None)
            start = clause_date(act, innermost_clause(doc.clauses, pos))
            clauses = list(scope["clauses"]) if scope and scope.get("clauses") else None
            if scope and scope.get("start") is not None:
                evidence.append(doc.evidence({
                    "field": "relations", "value": {k: rel.get(k) for k in ("type", "target", "until")},
                    "start": scope.get("start"), "end": scope.get("end"),
                    "text": (doc.text or "")[scope["start"]:scope.get("end") or scope["start"]]}))
            # the sentence that states the end date (暂停期限至2026年11月10日), for the suspension and its expiry
            evidence += doc.date_evidence("until", key[2])
            cited = _cited_as(doc, scope)
            first = key not in merged
            if first:
                merged[key] = Relation(type=key[0], target=key[1], until=key[2], clauses=clauses,
                                       start=start, evidence=evidence)
            old = merged[key]
            if cited and doc.lang:
                old.cited_as.setdefault(doc.lang, cited)
            if first:
                continue
            # A translation often drops the clause reference: the more specific copy wins.
            if clauses:
                old.clauses = sorted(set(old.clauses or []) | set(clauses))
            if start and (not old.start or start < old.start):
                old.start = start
            old.evidence.extend(evidence)
    act.relations = list(merged.values())


def merge_act(act_id: str, docs: list[DocInput]) -> Act:
    """One act from the documents that name it (kind announcement or qa): copies merged."""
    act = Act(id=act_id)
    for doc in docs:
        (act.copies if doc.is_act_copy else act.others).append(doc)
    # Sorted copies: the result must not depend on the order documents were read.
    act.copies.sort(key=lambda d: (d.source or "", d.document_id))
    act.others.sort(key=lambda d: (d.source or "", d.document_id))
    own = act.copies or act.others
    issued = Counter(d.record.get("issued") for d in own if as_date(d.record.get("issued")))
    act.issued = issued.most_common(1)[0][0] if issued else None
    dates = {iso(as_date(e)) for d in act.copies for e in d.record.get("effective") or [] if as_date(e)}
    dates |= {iso(as_date(c.get("effective"))) for d in act.copies for c in d.clauses if as_date(c.get("effective"))}
    act.effective = sorted(dates)
    act.issuers = sorted({i for d in own for i in _issuers(d)}, key=["MOFCOM", "GACC"].index) or ["MOFCOM"]
    act.title_zh = _pick_title([d for d in act.copies if d.lang == "zh"], act.id)
    act.title_en = _pick_title([d for d in act.copies if d.lang == "en"], act.id)
    _merge_relations(act)
    return act


def link_citations(acts: dict[str, Act]) -> dict[str, Act]:
    """Stubs for acts only cited (in `acts`' order: the first citing act names the stub), cited_by;
    returns the acts keyed and ordered by act id."""
    for act in list(acts.values()):
        for rel in act.relations:
            stub = acts.setdefault(rel.target, Act(id=rel.target))
            if act.id not in stub.cited_by:
                stub.cited_by.append(act.id)
            if stub.seen_only_in_citations:
                stub.title_zh = stub.title_zh or rel.cited_as.get("zh")
                stub.title_en = stub.title_en or rel.cited_as.get("en")
                cited = " ".join(rel.cited_as.values())
                stub.issuers = stub.issuers or [n for n, cue in ISSUER_CUES if cue.search(cited.split("(")[0].split("（")[0])]
    return {k: acts[k] for k in sorted(acts, key=act_sort_key)}


def merge_named(inputs: list[DocInput]) -> dict[str, Act]:
    """The acts current documents name, merged over their copies, in the order they are met
    (citations not linked yet)."""
    named: dict[str, list[DocInput]] = {}
    for doc in inputs:
        if doc.announcement and doc.kind in (DocKind.ANNOUNCEMENT, DocKind.QA):
            named.setdefault(doc.announcement, []).append(doc)
    return {act_id: merge_act(act_id, docs) for act_id, docs in named.items()}


def merge_acts(inputs: list[DocInput]) -> dict[str, Act]:
    """All acts named by current documents or cited by them, keyed and ordered by act id."""
    return link_citations(merge_named(inputs))


def act_order(acts: dict[str, Act]) -> list[Act]:
    """Acts in the order they were issued (undated stubs last)."""
    return sorted(acts.values(), key=lambda a: (a.issued or "9999", act_sort_key(a.id)))
