"""Text views shared by the semantic components: normalised text, sentences, clauses, list scopes.

Why a normalised view: the cues must match whatever the parser produced. PDF extraction wraps lines
inside Chinese words ("价\\n值占比"), scraped pages carry NBSP or "?" in place of NBSP ("is?Not?
Controlled"). Matching on a cleaned copy with a map back to `doc.text` offsets keeps every span's
evidence exact while the patterns stay simple. Sentences never cross a line break (a line is a
paragraph, heading or table row), so a cue in a heading cannot borrow a policy from the body.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterable

CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_END_PUNCT = "。！？；：!?;:."
_WRAP_MIN = {"cjk": 18, "latin": 40}  # a line at least this long without end punctuation is wrapped
_QMARK_NBSP = re.compile(r"(?<=[A-Za-z,.:;])\?(?=[A-Za-z])")
_ZH_STOP = re.compile(r"[。！？!?]+[”’」』)）]*")
_EN_STOP = re.compile(r"([.!?][\"'”’)\]]*)[ \t]+(?=[\"'“‘(\[]?[A-Z0-9])")
_QUESTION_HEAD = re.compile(r"\s*(?:问|Q)\s*[：:.]")
_ABBREV_TAIL = re.compile(r"(?:\b(?:No|Nos|Art|Arts|Mr|Mrs|Ms|Dr|Prof|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|"
                          r"Nov|Dec|Inc|Corp|Co|Ltd|St|vs|Fig|Para|Gen|Gov|Rep|Sen|approx|etc)\.|"
                          r"\b[A-Z]\.|\be\.g\.|\bi\.e\.)$")
ENUM_STYLES = [
    ("code", re.compile(r"^\s*\d[A-E]\d{3}")),
    ("zh_dun", re.compile(r"^\s*[一二三四五六七八九十]+、")),
    ("zh_paren", re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]")),
    ("arabic_paren", re.compile(r"^\s*[（(]\d+[)）]")),
    ("arabic", re.compile(r"^\s*\d+\s*[.．、](?!\d)")),
    ("roman", re.compile(r"^\s*[IVXL]+\.\s")),
    ("letter", re.compile(r"^\s*[a-z][.)]\s")),
    ("bullet", re.compile(r"^\s*[-•·*▪●◆]\s")),
]
_ENUM_FIRST = set("0123456789一二三四五六七八九十（(IVXLabcdefghijklmnopqrstuvwxyz-•·*▪●◆ \t")
_LISTY = re.compile(r"\b(?:like|such as|including|includes?|e\.g\.|for example|namely)\b|包括|例如|如|等",
                    re.I)


@dataclass
class NormText:
    """`text` is the cleaned copy of `original`; `shifts` maps it back: sorted (norm_pos, delta)
    breakpoints, original index = normalised index + delta of the last breakpoint at or before it."""

    original: str
    text: str
    shifts: list[tuple[int, int]]

    def _map(self, pos: int) -> int:
        k = bisect_right(self.shifts, (pos, float("inf"))) - 1
        return pos + self.shifts[k][1]

    def orig(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised range [start, end)."""
        if end <= start:
            pos = self._map(start)
            return pos, pos
        return self._map(start), self._map(end - 1) + 1


def _script(ch: str) -> str:
    return "cjk" if _CJK_RE.match(ch) else "latin"


def normalise(original: str) -> NormText:
    """Unwrap lines wrapped mid-sentence and neutralise NBSP artefacts, keeping an offset map.

    A line is wrapped when it is (nearly) as long as the longest line (the page's wrap width),
    has no end punctuation, holds no table cells, and the next line continues the script: a
    Chinese word split by a PDF line wrap is glued, an English line joined with a space.
    """
    text = original.replace("\u00a0", " ").replace("\u3000", " ").replace("\r", " ")
    text = _QMARK_NBSP.sub(" ", text)  # same length: offsets stay valid
    lines = text.split("\n")
    if len(lines) == 1:
        return NormText(original, text, [(0, 0)])
    width = 0.8 * max(len(line.strip()) for line in lines)
    out: list[str] = []
    shifts = [(0, 0)]
    npos = 0
    delta = 0
    last = len(lines) - 1
    for k, line in enumerate(lines):
        out.append(line)
        npos += len(line)
        if k == last:
            break
        prev = line.rstrip()
        nxt = lines[k + 1][:1]
        sep = "\n"
        if prev and nxt and prev[-1] not in _END_PUNCT and "|" not in prev:
            kind = _script(prev[-1])
            if len(prev.strip()) >= max(_WRAP_MIN[kind], width):
                if kind == "cjk" and _script(nxt) == "cjk":
                    sep = ""
                elif kind == "latin" and (nxt.islower() or nxt.isdigit()):
                    sep = " "
        if sep:
            out.append(sep)
            npos += 1
        else:
            delta += 1
            shifts.append((npos, delta))
    return NormText(original, "".join(out), shifts)


@dataclass
class Segment:
    """A sentence (never crossing a line) with its line's enumerator style and flags."""

    start: int
    end: int
    line: int
    style: str | None = None
    question: bool = False
    ends_colon: bool = False


@dataclass
class Segmenter:
    """Sentence and clause splitting over a NormText; built once per document by each component."""

    norm: NormText
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Segment] = field(default_factory=list)

    def __post_init__(self) -> None:
        text = self.norm.text
        cuts = {m.end() for m in _ZH_STOP.finditer(text)}
        for m in _EN_STOP.finditer(text):
            if not _ABBREV_TAIL.search(text[max(0, m.start(1) - 12):m.end(1)]):
                cuts.add(m.end(1))
        cut_list = sorted(cuts)
        pos = 0
        k = 0
        for line_no, line in enumerate(text.split("\n")):
            end = pos + len(line)
            style = enum_style(line) if line[:1] in _ENUM_FIRST else None
            if style is None and " | " in line:
                style = "table"  # a table row (cells joined by the parser): an entry of the list above
            start = pos
            while k < len(cut_list) and cut_list[k] <= pos:
                k += 1
            while start < end:
                stop = end
                if k < len(cut_list) and cut_list[k] < end:
                    stop = cut_list[k]
                    k += 1
                piece = text[start:stop]
                if piece.strip():
                    stripped = piece.rstrip()
                    self.sentences.append(Segment(
                        start, stop, line_no, style if start == pos else None,
                        question=stripped.endswith(("？", "?")) or bool(_QUESTION_HEAD.match(piece)),
                        ends_colon=stripped.endswith(("：", ":"))))
                start = stop
            pos = end + 1
        self._starts = [seg.start for seg in self.sentences]

    def index_of(self, pos: int) -> int:
        """Index of the sentence holding normalised position `pos`."""
        return max(0, bisect_right(self._starts, pos) - 1)

    def text_of(self, seg: Segment) -> str:
        return self.norm.text[seg.start:seg.end]

    def in_boilerplate(self, pos: int) -> bool:
        ranges = self.boilerplate
        if not ranges:
            return False
        if getattr(self, "_bp_of", None) is not ranges or self._bp_len != len(ranges):
            # line ranges come sorted and disjoint: bisect (else the plain scan)
            starts = [s for s, _ in ranges]
            ok = all(a[1] <= b[0] and a[0] < b[0] for a, b in zip(ranges, ranges[1:]))
            self._bp_of, self._bp_len, self._bp_starts = ranges, len(ranges), starts if ok else None
        if self._bp_starts is None:
            return any(s <= pos < e for s, e in ranges)
        k = bisect_right(self._bp_starts, pos) - 1
        return k >= 0 and ranges[k][0] <= pos < ranges[k][1]

    def list_scope(self, idx: int, max_items: int = 12) -> list[int]:
        """Sentences that continue the list a header sentence opens ("…如下：", "This includes:").

        The header is sentence `idx` when it ends with a colon, or the next sentence on the same
        line when that one does (a claim followed by "This includes:"). Items are the following
        lines that look like list items, stopping at the next item of the header's own level.
        """
        sents = self.sentences
        head = idx
        if not sents[idx].ends_colon:
            if idx + 1 < len(sents) and sents[idx + 1].line == sents[idx].line and sents[idx + 1].ends_colon:
                head = idx + 1
            else:
                return []
        head_style = next((s.style for s in sents[:head + 1][::-1] if s.line == sents[head].line and s.style),
                          None)
        scope: list[int] = []
        line = sents[head].line
        j = head + 1
        while j < len(sents) and len({sents[k].line for k in scope}) < max_items:
            seg = sents[j]
            if seg.line != line:
                line = seg.line
                first = self.text_of(seg)
                listy = seg.style is not None or (len(self._line_text(j)) < 160 and _LISTY.search(first))
                if not listy or (head_style and seg.style == head_style):
                    break
            scope.append(j)
            j += 1
        return scope

    def _line_text(self, idx: int) -> str:
        line = self.sentences[idx].line
        return "".join(self.text_of(s) for s in self.sentences if s.line == line)


def enum_style(line: str) -> str | None:
    """Which enumerator opens a line (一、 / （一） / 1. / I. / a. / 1E902 / bullet), if any."""
    for name, rx in ENUM_STYLES:
        if rx.match(line):
            return name
    return None


def clause_spans(text: str, start: int, end: int, splitter: re.Pattern[str]) -> list[tuple[int, int]]:
    """Split [start, end) at semicolons and contrast markers ("while", "，但") into clauses."""
    cuts = [start]
    for m in splitter.finditer(text, start, end):
        cuts.append(m.start())
    cuts.append(end)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def boilerplate_ranges(text: str, headers: re.Pattern[str], lines: re.Pattern[str]) -> list[tuple[int, int]]:
    """Related-story lists and footers: other articles' headlines must not vote for this one.

    After a header such as "More on this story" / "相关阅读", the following headline-like lines
    (short, no sentence punctuation) are boilerplate; so is any line matching a footer pattern.
    """
    ranges: list[tuple[int, int]] = []
    pos = 0
    in_related = False
    for line in text.split("\n"):
        end = pos + len(line)
        bare = line.strip()
        if headers.fullmatch(bare):
            in_related = True
            ranges.append((pos, end))
        elif in_related and bare and len(bare) < 160 and not re.search(r"[。.!?！？]\s*$", bare):
            ranges.append((pos, end))
        elif lines.search(bare):
            ranges.append((pos, end))
        elif bare:
            in_related = False
        pos = end + 1
    return ranges


def first_lines(text: str, n: int = 3) -> Iterable[tuple[int, int]]:
    """(start, end) of the first n non-empty lines: the title area of a page."""
    pos = 0
    count = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, pos + len(line)
            count += 1
            if count >= n:
                return
        pos += len(line) + 1
