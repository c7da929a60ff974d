"""The layout of a document view: lines with roles, sentences, numbered clauses and list scopes.

Why one layout for every component: whether a mention counts depends on where it stands — in a
numbered clause that puts items under control, under a lead-in that ends in a colon ("决定对下列
物项实施出口管制:", "exporters are required to obtain licenses for the following items:"), in a
heading that names the element of the items below it (一、钐相关物项), in a bullet of a law-firm
alert, in a table row, in a related-stories box. Templates differ in which tags they use for the
same structure, so a line's role is read from its numbering and punctuation (the patterns are
data: models/src/grammar/layout.yml). Computed once per document from the view; offsets are
view offsets.

- `units`: every non-empty line (within the parser's blocks), with role (clause, sub, part, item,
  subitem, bullet, codeled, row, heading, title, meta, text), enumerator style, clause id, cells.
- `sentences`: sentences that never cross a line; a line's style goes to its first sentence.
- `scope_end(i)`: the units a lead-in line governs: the list below it, whatever the marker, up to
  the next line of its own style (or a higher one), a paragraph, or the end of the list.
- `list_scope(k)`: the same for sentence k, as sentence indices (for the cue components).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterator

from pipeline.extract.grammar import Grammar
from pipeline.records import Document

# The enumerator styles of an act's top-level clauses (一、 / I.): a list opened below them ends
# at the next one. Other styles nest in either order ("1." over "(1)" in one text, "(一)" over
# "1." in another), so only the opener's own style ends its list.
TOP_STYLES = frozenset({"zh_dun", "roman"})


@dataclass
class Unit:
    """One line of the document view."""

    start: int
    end: int
    text: str
    kind: str  # the parser's block kind
    role: str = "text"
    number: int | None = None
    clause_id: str | None = None  # "2", "1(1)" for clause and sub units
    style: str | None = None
    cells: list[tuple[int, int]] = field(default_factory=list)
    heading: bool = False  # short, without inner sentence punctuation
    ends_colon: bool = False
    index: int = 0

    def heading_like(self) -> bool:
        return self.heading


@dataclass
class Sentence:
    start: int
    end: int
    line: int  # index of its unit
    style: str | None = None
    question: bool = False
    ends_colon: bool = False


class Layout:
    def __init__(self, doc: Document, grammar: Grammar, boilerplate: list[tuple[int, int]] | None = None):
        self.doc = doc
        self.text = doc.text or ""
        self.g = grammar
        self.boilerplate = sorted(boilerplate or [])
        self._bp_starts = [s for s, _ in self.boilerplate]
        self.units = self._units()
        self._unit_starts = [u.start for u in self.units]
        self.sentences = self._sentences()
        self._sent_starts = [s.start for s in self.sentences]
        self._scope_ends: dict[int, int] = {}

    # --------------------------------------------------------------------------------- units
    def _lines(self) -> Iterator[tuple[int, int, str]]:
        spans = [(b.start, b.end, b.kind) for b in self.doc.blocks] or [(0, len(self.text), "paragraph")]
        text = self.text
        for start, end, kind in spans:
            pos = start
            for line in text[start:end].split("\n"):
                s, e = pos, pos + len(line)
                pos = e + 1
                stripped = line.strip()
                if stripped:
                    lead = len(line) - len(line.lstrip())
                    yield s + lead, s + len(line.rstrip()), kind

    def _units(self) -> list[Unit]:
        g = self.g
        out: list[Unit] = []
        clause: int | None = None
        head = g.layout["heading"]
        any_role = g.any_role
        for start, end, kind in self._lines():
            text = self.text[start:end]
            u = Unit(start, end, text, kind, index=len(out))
            u.style = self.style_of(text)
            if u.style is None and " | " in text:
                u.style = "table"
            body = text.strip().rstrip(head["strip"])
            limit = head["max_ascii"] if body.isascii() else head["max_cjk"]
            u.heading = len(body) <= limit and not g.heading_punct.search(body)
            u.ends_colon = text.rstrip().endswith(":")
            if kind == "table_row":
                u.role = "row"
                u.cells = self._cells(text, start)
            elif kind in ("title", "meta"):
                u.role = kind
            elif any_role is None or any_role.match(text):
                for role, pats in g.roles:
                    m = next(filter(None, (rx.match(text) for rx in pats)), None)
                    if m is None:
                        continue
                    if role == "subitem" and not (kind == "list_item" or not text[:3].isascii() or text[2:3] == " "):
                        continue
                    u.role = role
                    if role in ("clause", "sub", "item") and m.groups():
                        u.number = g.number(m.group(1))
                    if role == "clause":
                        clause = u.number
                        u.clause_id = str(clause)
                    elif role == "sub":
                        u.clause_id = f"{clause}({u.number})" if clause is not None else None
                    break
                else:
                    self._plain_role(u, kind)
            else:  # no role pattern matches the line
                self._plain_role(u, kind)
            out.append(u)
        self._text_tables(out)
        return out

    def _text_tables(self, units: list[Unit]) -> None:
        """A plain text's table ("序 | 文号 | 管制物项 | 施行日" over its rows): two or more lines in a
        row with the same number of " | " cells are rows with cells, as a parsed <table> gives."""
        run: list[tuple[Unit, list[tuple[int, int]]]] = []
        for u in units + [None]:  # (a sentinel flushes the last run)
            cells = self._cells(u.text, u.start) if u is not None and u.style == "table" \
                and u.role in (None, "text") and u.kind != "table_row" else []
            if run and (len(cells) < 2 or len(cells) != len(run[-1][1])):
                if len(run) >= 2:
                    for r, c in run:
                        r.role, r.cells = "row", c
                run = []
            if len(cells) >= 2:
                run.append((u, cells))

    @staticmethod
    def _plain_role(u: Unit, kind: str) -> None:
        """The role of a line no role pattern takes, from its block kind."""
        if kind == "heading":
            u.role = "heading"
        elif kind == "list_item":  # an <li> without a printed marker is still a list item
            u.role = "bullet"

    def style_of(self, line: str) -> str | None:
        any_style = self.g.any_style
        if any_style is not None and not any_style.match(line):
            return None
        for name, rx in self.g.styles:
            if rx.match(line):
                return name
        return None

    def _cells(self, text: str, offset: int) -> list[tuple[int, int]]:
        cells, pos = [], 0
        for part in self.g.cell_split.split(text):
            if self.g.cell_split.fullmatch(part):
                pos += len(part)
                continue
            lead = len(part) - len(part.lstrip())
            cells.append((offset + pos + lead, offset + pos + len(part.rstrip())))
            pos += len(part)
        return cells

    def unit_at(self, pos: int) -> Unit | None:
        i = bisect_right(self._unit_starts, pos) - 1
        return self.units[i] if i >= 0 and self.units[i].start <= pos < self.units[i].end else None

    # ----------------------------------------------------------------------------- sentences
    def _sentences(self) -> list[Sentence]:
        g, text = self.g, self.text
        out: list[Sentence] = []
        for u in self.units:
            cuts = {m.end() for m in g.zh_stop.finditer(text, u.start, u.end)}
            for m in g.en_stop.finditer(text, u.start, u.end):
                if not g.abbreviation.search(text[max(u.start, m.start(1) - 12):m.end(1)]):
                    cuts.add(m.end(1))
            cuts.add(u.end)
            pos = u.start
            for cut in sorted(cuts):
                if cut <= pos:
                    continue
                piece = text[pos:cut]
                if piece.strip():
                    stripped = piece.rstrip()
                    out.append(Sentence(pos, cut, u.index, u.style if pos == u.start else None,
                                        question=stripped.endswith("?") or bool(g.question_head.match(piece)),
                                        ends_colon=stripped.endswith(":")))
                pos = cut
        return out

    def index_of(self, pos: int) -> int:
        """Index of the sentence holding `pos` (the one before it when `pos` falls between)."""
        return max(0, bisect_right(self._sent_starts, pos) - 1)

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._sent_starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos < self.sentences[i].end:
            s = self.sentences[i]
            return s.start, s.end
        return pos, pos + 1

    def text_of(self, sent: Sentence) -> str:
        return self.text[sent.start:sent.end]

    def in_boilerplate(self, pos: int) -> bool:
        k = bisect_right(self._bp_starts, pos) - 1
        return k >= 0 and self.boilerplate[k][0] <= pos < self.boilerplate[k][1]

    # ----------------------------------------------------------------------------- list scopes
    def _listy(self, u: Unit) -> bool:
        """A line that belongs to a list: enumerated, a table row, a heading, or a short line naming
        examples."""
        return (u.style is not None or u.role in ("row", "clause", "sub", "item", "subitem", "bullet", "codeled")
                or u.heading or (len(u.text) < 160 and bool(self.g.listy.search(u.text))))

    def scope_end(self, i: int) -> int:
        """Index of the first unit after the list that unit `i` opens (i + 1 when it opens none).

        The list runs over the following list-like lines, and stops at a line of the opener's own
        enumerator style (the next sibling), at a top-level clause below a numbered opener, at a
        paragraph, or at a title/meta line. A lead-in without a marker (a preamble) governs every numbered level
        below it."""
        if i in self._scope_ends:
            return self._scope_ends[i]
        units = self.units
        opener = units[i]
        j = i + 1
        max_items = int(self.g.layout.get("list_max_items", 12))
        plain_run = 0
        while j < len(units):
            u = units[j]
            if u.role in ("title", "meta"):
                break
            if opener.style is not None and u.style == opener.style:
                break
            if opener.style is not None and opener.style not in TOP_STYLES and u.style in TOP_STYLES:
                break
            if not self._listy(u):
                break
            if u.style is None and u.role not in ("row",) and not u.heading:
                plain_run += 1
                if plain_run > max_items:
                    break
            else:
                plain_run = 0
            j += 1
        self._scope_ends[i] = j
        return j

    def section_end(self, i: int) -> int:
        """Index of the first unit after the section a heading or numbered line opens: every line up
        to the next line of its own style (a top-level clause also ends a lower one), or a title."""
        units = self.units
        opener = units[i]
        j = i + 1
        while j < len(units):
            u = units[j]
            if u.role in ("title", "meta"):
                break
            if opener.style is not None and (u.style == opener.style or (
                    opener.style not in TOP_STYLES and u.style in TOP_STYLES)):
                break
            if opener.style is None and (u.role in ("heading", "clause") or (u.heading and u.style is None)):
                break
            j += 1
        return j

    def list_scope(self, idx: int, max_items: int | None = None) -> list[int]:
        """Sentences that continue the list a header sentence opens ("…如下:", "This includes:").

        The header is sentence `idx` when it ends with a colon, or the next sentence on the same
        line when that one does (a claim followed by "This includes:")."""
        sents = self.sentences
        head = idx
        if not sents[idx].ends_colon:
            if idx + 1 < len(sents) and sents[idx + 1].line == sents[idx].line and sents[idx + 1].ends_colon:
                head = idx + 1
            else:
                return []
        line = sents[head].line
        if self.units[line].text.rstrip()[-1:] != ":":
            # a colon inside the line ("…如下: 1. …") opens nothing below it
            pass
        end = self.scope_end(line)
        if max_items is not None:
            end = min(end, line + 1 + max_items)
        out = [k for k in range(head + 1, len(sents)) if sents[k].line < end]
        return out

    # ------------------------------------------------------------------------------- clauses
    def clause_spans(self) -> list[dict]:
        """Numbered clauses with offsets: a clause runs to the next clause (sub-clauses to the next
        sub-clause or clause); the last one ends at the last unit before a signature/meta line."""
        us = self.units
        numbered = [u for u in us if u.role in ("clause", "sub") and u.clause_id]
        out = []
        body_end = max((u.end for u in us if u.role not in ("meta", "title")), default=len(self.text))
        for i, u in enumerate(numbered):
            end = body_end
            for nxt in numbered[i + 1:]:
                if nxt.role == "clause" or u.role == "sub":
                    end = nxt.start
                    break
            last_text = [x.end for x in us if u.start <= x.start < end and x.role not in ("meta",)]
            out.append({"id": u.clause_id, "start": u.start, "end": max(last_text, default=u.end)})
        return out

    def clause_refs(self, text: str) -> list[str]:
        """'第一条第(一)项、第(二)项' -> ['1(1)', '1(2)']; '第二款' -> ['2'];
        'Items (1) and (2) of Article I' -> ['1(1)', '1(2)']."""
        g = self.g
        out: list[str] = []
        for m in g.clause_ref_zh.finditer(text):
            art = g.number(m.group(1))
            subs = [g.number(x) for x in g.clause_ref_zh_item.findall(m.group(2) or "")]
            out.extend([f"{art}({s})" for s in subs] or [str(art)])
        for m in g.clause_ref_en.finditer(text):
            num = m.group(2)
            art = g.number(num if num.isdigit() else num.upper())
            subs = re.findall(r"\((\d+)\)", (m.group(1) or "") + (m.group(3) or ""))
            out.extend([f"{art}({s})" for s in subs] or [str(art)])
        return list(dict.fromkeys(out))


def boilerplate_ranges(text: str, header_hits: list[tuple[int, int]], footer_hits: list[tuple[int, int]],
                       sentence_end: str, max_len: int = 160,
                       dated_link: tuple[str, int] | None = None) -> list[tuple[int, int]]:
    """Related-story lists and footers: other articles' headlines must not vote for this one.

    After a header line ("More on this story", "相关阅读"), the following headline-like lines
    (short, no sentence punctuation) are boilerplate; so is any line a footer cue starts; so is a
    trailing run of dated headline lines (`dated_link`: the line pattern and the longest chrome line
    allowed after the run), a link list without a header."""
    ranges = _header_footer_ranges(text, header_hits, footer_hits, sentence_end, max_len)
    if dated_link:
        ranges.extend(_dated_link_tail(text, *dated_link))
    return ranges


def _dated_link_tail(text: str, pattern: str, tail_max: int) -> list[tuple[int, int]]:
    line_rx = re.compile(pattern)
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
    # from the foot up: short chrome lines, then the run of dated headlines
    k = len(lines) - 1
    while k >= 0 and (not lines[k][2].strip() or (len(lines[k][2].strip()) <= tail_max
                                                   and not line_rx.match(lines[k][2]))):
        k -= 1
    run: list[tuple[int, int]] = []
    while k >= 0 and (line_rx.match(lines[k][2]) or not lines[k][2].strip()):
        if lines[k][2].strip():
            run.append((lines[k][0], lines[k][1]))
        k -= 1
    return run if len(run) >= 2 else []


def _header_footer_ranges(text: str, header_hits: list[tuple[int, int]], footer_hits: list[tuple[int, int]],
                          sentence_end: str, max_len: int) -> list[tuple[int, int]]:
    headers = {s for s, _ in header_hits}
    footers = {s for s, _ in footer_hits}
    ranges: list[tuple[int, int]] = []
    pos = 0
    in_related = False
    for line in text.split("\n"):
        end = pos + len(line)
        bare = line.strip()
        lead = pos + len(line) - len(line.lstrip())
        if any(pos <= h <= lead for h in headers if pos <= h <= end):
            in_related = True
            ranges.append((pos, end))
        elif in_related and bare and len(bare) < max_len and bare[-1:] not in sentence_end:
            ranges.append((pos, end))
        elif any(pos <= f <= lead for f in footers if pos <= f <= end):
            ranges.append((pos, end))
        elif bare:
            in_related = False
        pos = end + 1
    return ranges
