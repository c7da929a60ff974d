"""What the diff core reads: one `DocInput` per current document with its extraction record.

The diff core is pure functions over a list of these, so it can be fed from the `records` table
(`pipeline.diff.load.load_inputs`), from gold files (`pipeline.diff.gold`) or from a test's
hand-written dicts, and give the same answer each way.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.records import ChangeType, DocKind

ACT_ID = re.compile(r"^MOFCOM-(\d{4})-(\d+)$")
SENTENCE_END = re.compile(r"[。！？；;\n]|\.(?:\s|$)")
SENTENCE_MAX = 400


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence around a span, whitespace collapsed, at most SENTENCE_MAX characters kept
    around the span: for people reading the evidence."""
    left = max((m.end() for m in SENTENCE_END.finditer(text, max(0, start - 400), start)), default=max(0, start - 400))
    m = SENTENCE_END.search(text, end)
    right = m.end() if m else min(len(text), end + 400)
    sentence = " ".join(text[left:right].split())
    if len(sentence) <= SENTENCE_MAX:
        return sentence
    at = max(0, min(start - left - SENTENCE_MAX // 3, len(sentence) - SENTENCE_MAX))
    return ("…" if at else "") + sentence[at:at + SENTENCE_MAX - 2] + "…"


@dataclass
class DocInput:
    """One document as the diff sees it.

    record: the schema's extraction record (dict). clauses: the act's numbered clauses
    `[{"id", "start", "end", "effective"}]` with offsets into `text`. relation_scopes: which clauses
    of a target act a relation covers `[{"type", "target", "until", "clauses", "start", "end"}]`.
    """

    document_id: str
    record: dict[str, Any]
    source: str | None = None
    url: str | None = None
    title: str | None = None
    text: str | None = None
    published: str | None = None
    clauses: list[dict[str, Any]] = field(default_factory=list)
    relation_scopes: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)  # the extract stage's party rows (aliases)

    @property
    def kind(self) -> str | None:
        return self.record.get("kind")

    @property
    def lang(self) -> str | None:
        return self.record.get("lang")

    @property
    def announcement(self) -> str | None:
        return self.record.get("announcement")

    @property
    def is_act_copy(self) -> bool:
        """A copy of an act's own text (page, translation, annex): the only thing that changes scope."""
        return self.kind == DocKind.ANNOUNCEMENT and bool(self.announcement) and bool(self.record.get("relevant"))

    def evidence(self, item: dict[str, Any]) -> dict[str, Any]:
        """An evidence item of this document with what a reader needs beside the span: the
        document's id, the sentence around the span (when the text is here and the offsets point
        at it) and the URL the document was read from."""
        out = {**item, "document_id": self.document_id}
        start, end = item.get("start"), item.get("end")
        if not out.get("sentence") and self.text and isinstance(start, int) and isinstance(end, int) \
                and 0 <= start < end <= len(self.text):
            out["sentence"] = sentence_at(self.text, start, end)
        if self.url and not out.get("url"):
            out["url"] = self.url
        return out

    def date_evidence(self, fld: str, day: str | None) -> list[dict[str, Any]]:
        """Evidence for a date this document states (e.g. a suspension's end, 2026年11月10日 or
        November 10, 2026): the first place its text gives it, with the sentence around it."""
        if not day or not self.text or not (d := as_date(day)):
            return []
        m = date_pattern(d).search(self.text)
        if not m:
            return []
        return [self.evidence({"field": fld, "value": d.isoformat(), "start": m.start(), "end": m.end(),
                               "text": m.group(0)})]

    @property
    def is_news(self) -> bool:
        return (self.kind == DocKind.NEWS and bool(self.record.get("relevant"))
                and self.record.get("modality") in (ChangeType.REPORTED, ChangeType.PROPOSED))


def from_parts(meta: dict[str, Any], record: dict[str, Any], clauses: list[dict[str, Any]] | None = None,
               relation_scopes: list[dict[str, Any]] | None = None) -> DocInput:
    """Build a DocInput from the `(document_meta, record, clauses, relation_scopes)` tuple form."""
    return DocInput(
        document_id=str(meta.get("id") or meta.get("document_id") or record.get("source")),
        record=record, source=meta.get("source") or record.get("source"), url=meta.get("url"),
        title=meta.get("title"), text=meta.get("text"), published=meta.get("published"),
        clauses=list(clauses or []), relation_scopes=list(relation_scopes or []),
    )


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def date_pattern(d: dt.date) -> re.Pattern[str]:
    """The ways a text writes `d`: 2026年11月10日, November 10, 2026 (or Nov. 10, 2026), 10 November
    2026, 2026-11-10."""
    month = MONTHS[d.month - 1]
    names = rf"(?:{month}|{month[:3]}\.?)"
    return re.compile(
        rf"{d.year}\s*年\s*0?{d.month}\s*月\s*0?{d.day}\s*日"
        rf"|\b{names}\s+0?{d.day},?\s+{d.year}\b|\b0?{d.day}\s+{names},?\s+{d.year}\b"
        rf"|\b{d.year}-0?{d.month}-0?{d.day}\b", re.I)


def act_sort_key(act_id: str) -> tuple[int, int, str]:
    """MOFCOM-2025-7 sorts before MOFCOM-2025-61 (numeric, not string, order)."""
    m = ACT_ID.match(act_id or "")
    return (int(m.group(1)), int(m.group(2)), "") if m else (9999, 0, act_id or "")


def as_date(value: Any) -> dt.date | None:
    """YYYY-MM-DD (or date) -> date; anything else -> None, so a bad date never crashes a run."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
