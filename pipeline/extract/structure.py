"""Document structure for the record builder: lines with roles, clause ids, sentences.

An act is a numbered structure (一、/I. clauses, （一）/(1) sub-clauses or section headings,
1./a. items, table rows). The parser's blocks give the line boundaries and a hint (heading,
list_item, table_row); the role of a line is read from its numbering, because templates differ in
which tags they use for the same structure. Everything here works on offsets into Document.text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from pipeline.records import Document

ZH_NUM = "一二三四五六七八九十"
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}

CLAUSE_RES = [
    re.compile(rf"^([{ZH_NUM}]{{1,3}})\s*[、.．]"),
    re.compile(rf"^第([{ZH_NUM}百]{{1,4}})条"),
    re.compile(r"^([IVXL]{1,6})\.\s"),
    re.compile(r"^Article\s+(\d{1,3}|[IVXL]{1,6})\b[.:]?", re.IGNORECASE),
]
SUB_RES = [re.compile(rf"^[（(]([{ZH_NUM}]{{1,3}})[）)]"), re.compile(r"^\((\d{1,2})\)\s")]
PART_RE = re.compile(rf"^(?:第[{ZH_NUM}\d]+部分|Part\s+(?:\d+|[IVX]+|one|two|three|four)\b)", re.IGNORECASE)
ITEM_RE = re.compile(r"^(\d{1,3})\s*[.．、](?![\d])\s*")
SUBITEM_RE = re.compile(r"^([a-z])\s*[.．)）]\s*")
CODE_LED_RE = re.compile(r"^\d[A-E]\d{3}")
SENTENCE_END_RE = re.compile(r"[。！？]+|[!?](?=\s|$)|[.;；](?=\s+[A-Z“\"(])|\n")
HEADING_PUNCT_RE = re.compile(r"[，,；;。：:](?!$)")


def zh_number(text: str) -> int:
    """一 -> 1, 十二 -> 12, 二十 -> 20 (clause numbers)."""
    if text.isdigit():
        return int(text)
    if "百" in text:
        head, _, tail = text.partition("百")
        return zh_number(head or "一") * 100 + (zh_number(tail) if tail else 0)
    if "十" in text:
        head, _, tail = text.partition("十")
        return (ZH_NUM.index(head) + 1 if head else 1) * 10 + (ZH_NUM.index(tail) + 1 if tail else 0)
    return ZH_NUM.index(text) + 1


def roman_number(text: str) -> int:
    total, prev = 0, 0
    for ch in reversed(text.upper()):
        value = ROMAN[ch]
        total += -value if value < prev else value
        prev = max(prev, value)
    return total


def any_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text[0] in ZH_NUM or "百" in text:
        return zh_number(text)
    return roman_number(text)


@dataclass
class Unit:
    """One line of the document. role: clause | sub | part | item | subitem | row | codeled |
    title | meta | heading | text."""

    start: int
    end: int
    text: str
    kind: str
    role: str = "text"
    number: int | None = None
    clause_id: str | None = None  # "2", "1(1)" for clause and sub units
    cells: list[tuple[int, int]] = field(default_factory=list)  # table cells as offsets

    def heading_like(self) -> bool:
        """Short and without inner sentence punctuation: a section heading, not a provision."""
        body = self.text.strip().rstrip("。.：:；;")
        return len(body) <= (60 if body.isascii() else 30) and not HEADING_PUNCT_RE.search(body)


def _lines(doc: Document) -> Iterator[tuple[int, int, str]]:
    blocks = doc.blocks or []
    spans = [(b.start, b.end, b.kind) for b in blocks] or [(0, len(doc.text), "paragraph")]
    for start, end, kind in spans:
        pos = start
        for line in doc.text[start:end].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            lead = len(line) - len(line.lstrip())
            trail = len(line.rstrip())
            if line.strip():
                yield s + lead, s + trail, kind


def units(doc: Document) -> list[Unit]:
    """Every non-empty line with its role and, for clauses and sub-clauses, its clause id."""
    out: list[Unit] = []
    clause: int | None = None
    for start, end, kind in _lines(doc):
        text = doc.text[start:end]
        unit = Unit(start, end, text, kind)
        if kind == "table_row":
            unit.role = "row"
            unit.cells = _cells(text, start)
        elif kind in ("title", "meta"):
            unit.role = kind
        elif m := next(filter(None, (rx.match(text) for rx in CLAUSE_RES)), None):
            unit.role, unit.number = "clause", any_number(m.group(1))
            clause = unit.number
            unit.clause_id = str(clause)
        elif m := next(filter(None, (rx.match(text) for rx in SUB_RES)), None):
            unit.role, unit.number = "sub", any_number(m.group(1))
            unit.clause_id = f"{clause}({unit.number})" if clause is not None else None
        elif PART_RE.match(text):
            unit.role = "part"
        elif CODE_LED_RE.match(text):
            unit.role = "codeled"
        elif m := ITEM_RE.match(text):
            unit.role, unit.number = "item", int(m.group(1))
        elif SUBITEM_RE.match(text) and (kind == "list_item" or not text[:3].isascii() or text[2:3] == " "):
            unit.role = "subitem"
        elif kind == "heading":
            unit.role = "heading"
        out.append(unit)
    return out


def _cells(text: str, offset: int) -> list[tuple[int, int]]:
    """Table cells: the parser joins them with ' | ' (or tabs)."""
    cells, pos = [], 0
    for part in re.split(r"(\s\|\s|\t)", text):
        if part in (" | ", "\t") or re.fullmatch(r"\s\|\s|\t", part):
            pos += len(part)
            continue
        lead = len(part) - len(part.lstrip())
        cells.append((offset + pos + lead, offset + pos + len(part.rstrip())))
        pos += len(part)
    return cells


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans inside text[start:end] (Chinese and English terminators, newlines)."""
    pos = start
    for m in SENTENCE_END_RE.finditer(text, start, end):
        if m.end() > pos:
            yield pos, m.end()
        pos = m.end()
    if pos < end and text[pos:end].strip():
        yield pos, end


def clause_spans(us: list[Unit], text_end: int) -> list[dict]:
    """Numbered clauses with offsets: a clause runs to the next clause (sub-clauses to the next
    sub-clause or clause); the last one ends at the last unit before a signature/meta line."""
    numbered = [u for u in us if u.role in ("clause", "sub") and u.clause_id]
    out = []
    body_end = max((u.end for u in us if u.role not in ("meta", "title")), default=text_end)
    for i, u in enumerate(numbered):
        end = body_end
        for nxt in numbered[i + 1:]:
            if nxt.role == "clause" or u.role == "sub":
                end = nxt.start
                break
        last_text = [x.end for x in us if u.start <= x.start < end and x.role not in ("meta",)]
        out.append({"id": u.clause_id, "start": u.start, "end": max(last_text, default=u.end)})
    return out


ZH_CLAUSE_REF_RE = re.compile(rf"第([{ZH_NUM}百\d]+)[条款]((?:\s*第?[（(][{ZH_NUM}\d]+[）)]项?(?:[、，和及与]\s*)?)*)")
ZH_ITEM_REF_RE = re.compile(rf"[（(]([{ZH_NUM}\d]+)[）)]")
EN_CLAUSE_REF_RE = re.compile(
    r"(?:(?:items?|paragraphs?|points?|sub-?paragraphs?)\s+((?:\(\d+\)(?:,\s*|\s+and\s+|\s*)?)+)\s+of\s+)?"
    r"(?:Article|Clause|Section)\s+(\d{1,3}|[IVXL]{1,6})\b"
    r"((?:\s*,?\s*(?:items?|paragraphs?|points?)?\s*\((?:\d+)\)(?:\s*(?:and|,)\s*\(\d+\))*)?)",
    re.IGNORECASE,
)


def clause_refs(text: str) -> list[str]:
    """'第一条第（一）项、第（二）项' -> ['1(1)', '1(2)']; '第二款' -> ['2'];
    'Items (1) and (2) of Article I' -> ['1(1)', '1(2)']."""
    out: list[str] = []
    for m in ZH_CLAUSE_REF_RE.finditer(text):
        art = any_number(m.group(1))
        subs = [any_number(x) for x in ZH_ITEM_REF_RE.findall(m.group(2) or "")]
        out.extend([f"{art}({s})" for s in subs] or [str(art)])
    for m in EN_CLAUSE_REF_RE.finditer(text):
        art = any_number(m.group(2).upper() if not m.group(2).isdigit() else m.group(2))
        subs = re.findall(r"\((\d+)\)", (m.group(1) or "") + (m.group(3) or ""))
        out.extend([f"{art}({s})" for s in subs] or [str(art)])
    return list(dict.fromkeys(out))
