"""The document view: the normalised text every extraction component reads, with a map back.

Why: real pages say the same thing in many surface forms. A Hong Kong repost writes 釤鈷 for 钐钴,
a copy-typed date reads 2O25年1O月, a blog inserts pinyin (稀（xī）土) or a bullet inside a word
(国▪际), a quoted term ("磁材制造"技术) splits a cue. Folding these once, here, lets every cue and
pattern be written once, in Simplified Chinese and plain ASCII, instead of in every variant. The
steps and their tables are data (models/src/lang/normalise.yml; the Traditional -> Simplified
character table comes from OpenCC), applied character by character so that every offset in the
view maps back to the stored clean text: evidence keeps quoting the document exactly.

    nz = Normaliser.from_source()          # or from the data saved in a built pipeline
    view = nz.view(document)               # DocView: .text, .to_orig(start, end), .to_norm(pos)
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline import config
from pipeline.extract.needs import Needs, TextChars, may_match, regex_needs
from pipeline.records import Block, Document

SOURCE = config.MODELS_DIR / "src" / "lang" / "normalise.yml"
# Code points whose Traditional form may differ from the Simplified one (CJK unified ideographs,
# extension A, compatibility ideographs).
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def t2s_table(config_name: str) -> dict[str, str]:
    """Traditional -> Simplified, one character for one, from OpenCC: every ideograph is converted
    alone and kept where OpenCC gives a single different character (phrase-level conversions such
    as 記憶體 -> 内存 change length and are left to the cue vocabularies)."""
    import opencc

    cc = opencc.OpenCC(config_name)
    out: dict[str, str] = {}
    for lo, hi in CJK_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            conv = cc.convert(ch)
            if len(conv) == 1 and conv != ch:
                out[ch] = conv
    return out


class OffsetMap:
    """Normalised offsets -> original offsets and back, for a text with deletions.

    `shifts` holds sorted breakpoints (norm_pos, delta): from norm_pos on, original = normalised +
    delta (delta grows by the length of each deleted run)."""

    __slots__ = ("shifts", "_norm", "_orig")

    def __init__(self, shifts: list[tuple[int, int]]):
        self.shifts = shifts
        self._norm = [n for n, _ in shifts]
        self._orig = [n + d for n, d in shifts]

    @property
    def identity(self) -> bool:
        return len(self.shifts) == 1

    def orig(self, pos: int) -> int:
        k = bisect_right(self._norm, pos) - 1
        return pos + self.shifts[k][1]

    def to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised range [start, end)."""
        if self.identity:
            return start, end
        if end <= start:
            p = self.orig(start)
            return p, p
        return self.orig(start), self.orig(end - 1) + 1

    def to_norm(self, pos: int) -> int:
        """Normalised position of original `pos` (a deleted character maps to the next kept one)."""
        if self.identity:
            return pos
        k = bisect_right(self._orig, pos) - 1
        n = pos - self.shifts[k][1]
        nxt = self._norm[k + 1] if k + 1 < len(self._norm) else None
        return min(n, nxt) if nxt is not None else n


@dataclass
class DocView:
    """A document as the extractor reads it: `doc` is the Document with normalised text, title
    and blocks (block offsets in the view); `map` leads back to `original`."""

    doc: Document
    original: str
    map: OffsetMap

    @property
    def text(self) -> str:
        return self.doc.text

    def to_orig(self, start: int, end: int) -> tuple[int, int]:
        return self.map.to_orig(start, end)


class Normaliser:
    """The normalisation steps of normalise.yml, compiled: fold (str.translate), substitute
    (same-length regex rewrites), delete (regex runs removed, recorded in the offset map)."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        table: dict[int, str] = {ord(k): v for k, v in (data.get("t2s_chars") or {}).items()}
        fold = data.get("fold") or {}
        for r in fold.get("ranges") or []:
            lo, hi, target = ord(r["from"]), ord(r["to"]), ord(r["target"])
            for cp in range(lo, hi + 1):
                table[cp] = chr(target + cp - lo)
        for k, v in (fold.get("chars") or {}).items():
            table[ord(k)] = v
        if any(len(v) != 1 for v in table.values()):
            raise ValueError("normalise.yml: a fold must map one character to one character")
        self.table = table
        self._fold_keys = frozenset(map(chr, table))  # a text with none of them folds to itself
        phrases = {k: v for k, v in (data.get("phrases") or {}).items() if len(k) == len(v)}
        self.phrases = re.compile("|".join(map(re.escape, sorted(phrases, key=len, reverse=True)))) if phrases else None
        self._phrase_map = phrases
        self._phrase_chars = "".join(phrases.values())
        self.substitutes: list[tuple[re.Pattern[str], Any]] = []
        self._sub_writes: list[str] = []  # the characters each rewrite may write into the text
        for sub in data.get("substitute") or []:
            if "map" in sub:  # characters mapped one for one inside the match
                table = str.maketrans(sub["map"])
                self.substitutes.append((re.compile(sub["pattern"]), lambda m, t=table: m.group(0).translate(t)))
                self._sub_writes.append("".join(map(str, sub["map"].values())))
            else:
                repl = sub["replace"]
                self.substitutes.append((re.compile(sub["pattern"]),
                                         lambda m, r=repl: r if len(r) == len(m.group(0)) else m.group(0)))
                self._sub_writes.append(repl)
        # what each rewrite and deletion needs in the text to match at all (needs.py): most
        # documents hold none of the rare characters most of them need, and skip them
        self._sub_needs: list[Needs | None] = [regex_needs(rx) for rx, _ in self.substitutes]
        deletes = data.get("delete") or []
        self._deletes: list[str] = list(deletes)
        self._delete_needs: list[Needs | None] = [regex_needs(p) for p in deletes]
        self._delete_rx: dict[tuple[int, ...], re.Pattern[str] | None] = {}
        self.delete = self._delete_of(tuple(range(len(deletes))))
        self.unwrap = data.get("unwrap") or {}
        self._marker = re.compile(self.unwrap["not_before_line"]) if self.unwrap.get("not_before_line") else None

    @classmethod
    def from_source(cls, path: Path | str = SOURCE) -> "Normaliser":
        return cls(load_data(Path(path)))

    def _delete_of(self, kept: tuple[int, ...]) -> re.Pattern[str] | None:
        """The deletions `kept` as one alternation (alternatives that cannot match the text are
        left out: an alternative that never matches changes no match of the others)."""
        if kept not in self._delete_rx:
            self._delete_rx[kept] = re.compile("|".join(f"(?:{self._deletes[i]})" for i in kept)) if kept else None
        return self._delete_rx[kept]

    def normalise(self, text: str) -> tuple[str, OffsetMap]:
        chars = TextChars(text)
        out = text
        if not self._fold_keys.isdisjoint(chars.chars):
            out, chars = text.translate(self.table), chars.mapped(self.table)
        if self.phrases is not None:
            new = self.phrases.sub(lambda m: self._phrase_map[m.group(0)], out)
            if new != out:
                out, chars = new, chars.added(self._phrase_chars)
        for (rx, repl), needs, writes in zip(self.substitutes, self._sub_needs, self._sub_writes):
            if may_match(needs, chars):
                new = rx.sub(repl, out)
                if new != out:
                    out, chars = new, chars.added(writes)
        delete = self._delete_of(tuple(i for i, needs in enumerate(self._delete_needs) if may_match(needs, chars)))
        cuts = [m.span() for m in delete.finditer(out)] if delete is not None else []
        if self.unwrap and "\n" in out:
            out, joins = self._unwrap(out)
            if joins:
                cuts = sorted(set(cuts) | {(j, j + 1) for j in joins})
        if not cuts:
            return out, OffsetMap([(0, 0)])
        pieces: list[str] = []
        shifts = [(0, 0)]
        pos = npos = delta = 0
        for s, e in cuts:
            if e <= s or s < pos:
                continue
            pieces.append(out[pos:s])
            npos += s - pos
            delta += e - s
            shifts.append((npos, delta))
            pos = e
        if pos == 0:
            return out, OffsetMap(shifts)
        pieces.append(out[pos:])
        return "".join(pieces), OffsetMap(shifts)

    def _unwrap(self, text: str) -> tuple[str, list[int]]:
        """Join lines wrapped inside a sentence: a newline inside a Chinese run is deleted (its
        offset returned), one inside English text becomes a space (same length)."""
        lines = text.split("\n")
        # the wrap width: a high percentile of line lengths, not the longest line (one unwrapped
        # paragraph or a pasted note must not hide the wrapping of the rest)
        lengths = sorted(len(line.strip()) for line in lines if line.strip()) or [0]
        share, pct = self.unwrap.get("width_share", 0.8), self.unwrap.get("width_percentile", 0.9)
        width = share * lengths[min(len(lengths) - 1, int(pct * len(lengths)))]
        mins = self.unwrap.get("min_length", {"cjk": 18, "latin": 40})
        ends = self.unwrap.get("end_punct", "")
        joins: list[int] = []
        spaces: list[int] = []
        pos = 0
        for k in range(len(lines) - 1):
            line = lines[k]
            pos += len(line)
            prev = line.rstrip()
            nxt = lines[k + 1]
            head = nxt[:1]
            if prev and head and prev[-1] not in ends and "|" not in prev and not (
                    self._marker is not None and self._marker.match(nxt)):
                # a number wrapped before its unit wraps as Chinese: 2023年8月1 / 日起
                cjk = _is_cjk(prev[-1]) or (prev[-1].isdigit() and head in self.unwrap.get("units_after_digit", ""))
                if len(prev.strip()) >= max(mins["cjk" if cjk else "latin"], width):
                    if cjk and _is_cjk(head):
                        joins.append(pos)
                    elif not cjk and (head.islower() or head.isdigit()):
                        spaces.append(pos)
            pos += 1
        if spaces:
            chars = list(text)
            for p in spaces:
                chars[p] = " "
            text = "".join(chars)
        return text, joins

    def fold(self, text: str) -> str:
        """A short string (a title, a cue) folded the same way, deletions included."""
        return self.normalise(text)[0]

    def view(self, doc: Document) -> DocView:
        text, omap = self.normalise(doc.text or "")
        blocks = doc.blocks
        if not omap.identity:
            blocks = [replace(b, start=omap.to_norm(b.start), end=omap.to_norm(b.end)) for b in doc.blocks]
        title = self.fold(doc.title) if doc.title else doc.title
        return DocView(replace(doc, text=text, blocks=blocks, title=title), doc.text or "", omap)


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def load_data(path: Path) -> dict[str, Any]:
    """normalise.yml plus the OpenCC character table it names (what a built pipeline saves)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if data.get("t2s"):
        data["t2s_chars"] = _t2s_cached(data["t2s"])
    return data


@lru_cache(maxsize=4)
def _t2s_cached(name: str) -> dict[str, str]:
    return t2s_table(name)


@lru_cache(maxsize=1)
def default_normaliser() -> Normaliser:
    return Normaliser.from_source()
