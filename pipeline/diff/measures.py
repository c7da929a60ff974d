"""Measures: each (act, kind, subject) an act brings into scope, with its effective date.

Why a measure carries its own date and clauses: an act may put clauses into force on different
dates (No. 61: clauses 1(1)/1(2) on 2025-12-01, the rest on issue), and a suspension may cover
only some clauses. So a measure is dated by the clause its evidence sits in, and remembers those
clauses, so the state on a date can be computed per measure rather than per act.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.diff.acts import Act, clause_date, innermost_clause
from pipeline.diff.inputs import DocInput, act_sort_key
from pipeline.diff.parties import clause as party_clause, copy_parties
from pipeline.diff.scope import detect_scope
from pipeline.records import ChangeKind

K = ChangeKind
FIELD_KIND = {  # record field -> the kind of measure its values are
    "elements": K.ELEMENT.value, "control_codes": K.CONTROL_CODE.value, "technologies": K.TECHNOLOGY.value,
    "end_user_rules": K.END_USER_RULE.value, "thresholds": K.THRESHOLD.value, "scope": K.SCOPE.value,
}
KIND_ORDER = list(FIELD_KIND.values()) + [K.PARTY.value]
ITEM_KINDS = (K.ELEMENT.value, K.CONTROL_CODE.value)  # the measures that name items, hence have HS codes
DISCREPANCY_FIELDS = ("elements", "control_codes", "hs_codes")


def format_number(value: Any) -> str:
    """0.001 -> '0.001', 1e-05 -> '0.00001': the subject must not depend on float repr."""
    try:
        d = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    text = format(d, "f")
    return text


def subject_of(fld: str, value: Any) -> str | None:
    """The change list's subject word for one value of a record field (None if not a measure)."""
    if value is None or fld not in FIELD_KIND:
        return None
    if fld == "end_user_rules":
        if isinstance(value, dict):
            return f"{value.get('category')}:{value.get('policy')}" if value.get("category") else None
        return str(value) if ":" in str(value) else None
    if fld == "thresholds":
        if isinstance(value, dict):
            return f"{value.get('kind')}:{format_number(value.get('value'))}" if value.get("kind") else None
        return str(value) if ":" in str(value) else None
    if fld == "control_codes":
        return str(value).strip().replace(" ", "")
    return str(value).strip()


@dataclass
class Measure:
    """One thing an act brings into scope (one `added` entry of the change list)."""

    announcement: str
    kind: str
    subject: str
    issued: str | None
    effective: str | None
    clauses: list[str] = field(default_factory=list)
    hs_codes: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    new: bool | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.announcement, self.kind, self.subject)

    @property
    def id(self) -> str:
        return hashlib.sha256("|".join(self.key).encode()).hexdigest()[:16]

    def ref(self) -> dict[str, str]:
        return {"announcement": self.announcement, "kind": self.kind, "subject": self.subject}


def copy_values(doc: DocInput, detect: bool = True) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(kind, subject, evidence) for every measure value one copy carries; with `detect`, the scope
    words found in its text too (acts only: the cue phrases describe legal text, not reporting)."""
    record = doc.record
    evidence = [doc.evidence(e) for e in record.get("evidence") or []]
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for fld, kind in FIELD_KIND.items():
        for value in record.get(fld) or []:
            subject = subject_of(fld, value)
            if subject:
                out.setdefault((kind, subject), [])
    for ev in evidence:
        subject = subject_of(ev.get("field"), ev.get("value"))
        key = (FIELD_KIND.get(ev.get("field"), ""), subject or "")
        if key in out:
            out[key].append(ev)
    for ev in detect_scope(doc.text) if detect else []:
        out.setdefault((K.SCOPE.value, ev["value"]), []).append(doc.evidence(ev))
    for action, subject, _value, party_evidence in copy_parties(doc):
        if action == "added":  # suspensions and liftings of named parties are relations (diff/parties.py)
            out.setdefault((K.PARTY.value, subject), []).extend(party_evidence)
    return [(k, s, ev) for (k, s), ev in out.items()]


class ItemIndex:
    """Items by document id (and by act for items without one), built once per analysis: looking
    them up per measure keeps build_measures linear in the corpus (a scan per measure was quadratic)."""

    def __init__(self, items: list[dict[str, Any]] | None) -> None:
        self.by_doc: dict[Any, list[dict[str, Any]]] = {}
        self.by_act: dict[Any, list[dict[str, Any]]] = {}
        for item in items or []:
            if "document_id" in item:
                self.by_doc.setdefault(item["document_id"], []).append(item)
            else:
                self.by_act.setdefault(item.get("announcement"), []).append(item)


def _hs_for(act: Act, kind: str, subject: str, items: ItemIndex) -> list[str]:
    if kind not in ITEM_KINDS:
        return []
    copies = {d.document_id for d in act.copies}
    # Items printed in the act's own copies (not in a Q&A or news piece that names the act).
    mine = [i for doc_id in copies for i in items.by_doc.get(doc_id, [])] + items.by_act.get(act.id, [])
    if mine:
        codes = set()
        for item in mine:
            if item.get(kind) == subject:
                hs = item.get("hs_codes") or []
                codes |= set(json.loads(hs) if isinstance(hs, str) else hs)
        return sorted(codes)
    return sorted({c for d in act.copies for c in d.record.get("hs_codes") or []})


def act_measures(act: Act, items: list[dict[str, Any]] | ItemIndex | None = None) -> list[Measure]:
    """The measures of one act, merged over its copies (Q&A and news never add any)."""
    items = items if isinstance(items, ItemIndex) else ItemIndex(items)
    merged: dict[tuple[str, str], Measure] = {}
    dated: dict[tuple[str, str], list[str]] = {}
    by_doc = {d.document_id: d for d in act.copies}
    for doc in act.copies:
        for kind, subject, evidence in copy_values(doc):
            m = merged.setdefault((kind, subject), Measure(act.id, kind, subject, act.issued, None))
            if doc.document_id not in m.documents:
                m.documents.append(doc.document_id)
            m.evidence.extend(evidence)
    for key, m in merged.items():
        for ev in m.evidence:
            clause = innermost_clause(by_doc[ev["document_id"]].clauses, ev.get("start"))
            if clause:
                dated.setdefault(key, []).append(clause_date(act, clause) or "")
                if clause.get("id") and clause["id"] not in m.clauses:
                    m.clauses.append(str(clause["id"]))
        # Evidence inside a dated clause is more specific than evidence in an unstructured copy
        # (an annex table), so it decides the date when present.
        dates = [d for d in dated.get(key, []) if d]
        m.effective = min(dates) if dates else act.default_effective
        m.hs_codes = _hs_for(act, m.kind, m.subject, items)
        if m.kind == K.PARTY.value:  # a party's listing is its own clause: a suspension may name it
            m.clauses = [party_clause(m.subject)]
    return sorted(merged.values(), key=lambda m: (KIND_ORDER.index(m.kind), m.subject))


def build_measures(acts: dict[str, Act], items: list[dict[str, Any]] | None = None) -> list[Measure]:
    """Every measure of every act with a copy, in act order."""
    out: list[Measure] = []
    index = ItemIndex(items)
    for act_id in sorted(acts, key=act_sort_key):
        out.extend(act_measures(acts[act_id], index))
    return out


def discrepancies(acts: dict[str, Act]) -> list[dict[str, Any]]:
    """Element, control-code and HS-code sets that differ between an act's Chinese and English
    copies. Translations often omit details, so this is recorded for a reader, never an error."""
    out = []
    for act in acts.values():
        langs = {lang: [d for d in act.copies if d.lang == lang] for lang in ("zh", "en")}
        if not langs["zh"] or not langs["en"]:
            continue
        for fld in DISCREPANCY_FIELDS:
            zh = {subject_of(fld, v) or str(v) for d in langs["zh"] for v in d.record.get(fld) or []}
            en = {subject_of(fld, v) or str(v) for d in langs["en"] for v in d.record.get(fld) or []}
            if zh != en:
                out.append({"announcement": act.id, "field": fld, "zh_only": sorted(zh - en), "en_only": sorted(en - zh),
                            "zh_documents": [d.document_id for d in langs["zh"]],
                            "en_documents": [d.document_id for d in langs["en"]]})
    return out
