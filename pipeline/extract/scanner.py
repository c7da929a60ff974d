r"""One scan per document: every cue pattern of a language in one Hyperscan database.

Why Hyperscan: the extractor looks for some two thousand cue patterns (element names in two
scripts, codes, act references, dates, control verbs, genre cues ...). Python's regex engine runs
one pass per pattern family and slows down with every alternative added; Hyperscan compiles all
of them into one automaton that reports every match of every pattern in a single pass over the
text, in C. What a match means is decided afterwards, in Python, by the components that read it.

Patterns come from data (models/src: see `pipeline.extract.cues`), each with:
- `family` and `label`: who reads the hit and what it says ("relation", "suspends");
- `regex`: written once for both engines: Hyperscan finds the span, Python's `re` (ASCII mode, like
  Hyperscan without UCP) re-matches it when a consumer needs the named groups (a date's year);
- `not_before` / `not_after`: regexes that may not match right before the match (one character) /
  from its end on ("\s+technolog"): Hyperscan has no look-arounds; word edges of English cues are
  checked this way;
- `caseless`, `multiline` flags.

Hyperscan reports, for every end offset, the leftmost start; hits are kept when their edges pass
and no longer hit of the same pattern contains them (so "export controls" wins over "export
control" inside it). Offsets are character offsets into the scanned string.

Tracking the start of a match costs memory per pattern: a long bounded repeat over a multi-byte
class ("就[^。\n]{1,40}答问") is "too large" for it; a long list of names before a long
alternation makes the database megabytes larger (slower to scan). Such patterns are compiled for
their end offsets only, and the start is read back by Python's `re`: the same regex anchored at the end
(`(?:…)\Z` searched in a window ending there) finds the leftmost start, as Hyperscan would.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, NamedTuple

import hyperscan
import numpy as np

from pipeline.extract.needs import single_char

_BASE_FLAGS = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8
_START_WINDOW = 1000  # characters searched back from an end-only match for its start
_SOM_MAX_BYTES = 1_000_000  # a pattern whose database with start tracking is bigger than this ...
_SOM_MAX_FACTOR = 4  # ... and this many times its size without, runs end-only


@dataclass(frozen=True)
class Pattern:
    family: str
    label: str
    regex: str
    caseless: bool = False
    multiline: bool = False
    not_before: str = ""
    not_after: str = ""
    lang: str = "any"

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        flags = re.ASCII | (re.IGNORECASE if self.caseless else 0) | (re.MULTILINE if self.multiline else 0)
        return re.compile(self.regex, flags)

    @cached_property
    def ending(self) -> re.Pattern[str]:
        """The regex anchored at the end of the searched window (for end-only matches)."""
        flags = re.ASCII | (re.IGNORECASE if self.caseless else 0) | (re.MULTILINE if self.multiline else 0)
        return re.compile(f"(?:{self.regex})\\Z", flags)

    @cached_property
    def before_rx(self) -> re.Pattern[str] | None:
        return re.compile(self.not_before) if self.not_before else None

    @cached_property
    def after_rx(self) -> re.Pattern[str] | None:
        return re.compile(self.not_after) if self.not_after else None


class Hit(NamedTuple):
    """One match: character offsets, the pattern's label and family, and its index (for groups).
    A named tuple: made for every match."""

    start: int
    end: int
    label: str
    family: str
    pid: int


def char_offsets(text: str, data: bytes) -> np.ndarray | None:
    """Byte offset -> character offset (length len(data) + 1), or None for ASCII text."""
    if len(data) == len(text):
        return None
    b = np.frombuffer(data, dtype=np.uint8)
    starts = (b & 0xC0) != 0x80
    idx = np.empty(len(data) + 1, dtype=np.int64)
    np.cumsum(starts, out=idx[1:])
    idx[0] = 0
    # a byte inside a character maps to that character's index: cumsum counts starts up to and
    # including the byte, so index of byte i = count of starts in data[:i+1] - 1 for start bytes
    return idx


class Scanner:
    """All patterns of one language, compiled once (or loaded from a serialised database)."""

    def __init__(self, patterns: list[Pattern], database: bytes | None = None,
                 end_only: list[int] | None = None):
        self.patterns = patterns
        self.families: dict[str, list[int]] = {}
        for i, p in enumerate(patterns):
            self.families.setdefault(p.family, []).append(i)
        if database is not None:
            self.db = hyperscan.loadb(database, hyperscan.HS_MODE_BLOCK)
            self.db.scratch = hyperscan.Scratch(self.db)
            self.end_only = set(end_only or ())
        else:
            self.end_only = {i for i, p in enumerate(patterns) if not _som_fits(p)}
            self.db = self._compile(patterns, self.end_only)
        self._labels = [p.label for p in patterns]
        self._fams = [p.family for p in patterns]
        self._edges = [(p.before_rx, p.after_rx) for p in patterns]
        # an edge regex that reads one character ("[A-Za-z]": most of them) is answered per
        # character once: the scan checks some 300,000 edges per 500 documents
        memos: dict[tuple[str, int], dict[str, bool]] = {}
        self._edge_memos = [tuple(memos.setdefault((rx.pattern, rx.flags), {}) if rx is not None and single_char(rx)
                                  else None for rx in pair) for pair in self._edges]

    @staticmethod
    def _compile(patterns: list[Pattern], end_only: set[int]) -> Any:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if not patterns:
            return None
        exprs, flags = [], []
        for i, p in enumerate(patterns):
            exprs.append(p.regex.encode("utf-8"))
            flags.append(_flags(p, som=i not in end_only))
        try:
            db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        except hyperscan.error as exc:
            bad = _first_bad(patterns)
            raise ValueError(f"cue pattern does not compile: {bad}: {exc}") from exc
        return db

    def serialise(self) -> bytes:
        return hyperscan.dumpb(self.db) if self.db is not None else b""

    def scan(self, text: str) -> list[Hit]:
        """Every hit, sorted by (start, -length); edges checked, contained hits of one pattern dropped."""
        if self.db is None or not text:
            return []
        data = text.encode("utf-8")
        raw: list[tuple[int, int, int]] = []
        append = raw.append

        def on_match(pid: int, start: int, end: int, flags: int, ctx: Any) -> None:
            append((pid, start, end))

        self.db.scan(data, match_event_handler=on_match)
        if not raw:
            return []
        offsets = char_offsets(text, data)
        # (pid, start, -end) in characters: a match starts and ends on character boundaries
        # (UTF-8 mode), so the index of a byte offset there is the number of characters before it;
        # end-only patterns get their start from Python's re
        end_only, start_of = self.end_only, self._start
        if offsets is not None:
            idx = offsets.tolist()
            keyed = [(pid, idx[s], -idx[e]) if pid not in end_only else start_of(text, idx[e], pid)
                     for pid, s, e in raw]
        elif end_only:
            keyed = [(pid, s, -e) if pid not in end_only else start_of(text, e, pid) for pid, s, e in raw]
        else:
            keyed = [(pid, s, -e) for pid, s, e in raw]
        # longest first at each start, per pattern: drop hits contained in a longer one. Plain
        # tuples (pid, start, -end) sort natively, without a key function per hit.
        keyed.sort()
        kept: list[tuple[int, int, int]] = []
        keep = kept.append
        edges, memos = self._edges, self._edge_memos
        last_pid, reach = -1, -1
        n = len(text)
        for pid, s, neg_e in keyed:
            e = -neg_e
            if e <= s:
                continue
            if pid != last_pid:
                last_pid, reach = pid, -1
                before, after = edges[pid]
                before_memo, after_memo = memos[pid]
            if e <= reach:
                continue
            if before is not None and s > 0:
                if before_memo is None:
                    if before.match(text, s - 1, s):
                        continue
                else:
                    ch = text[s - 1]
                    bad = before_memo.get(ch)
                    if bad is None:
                        bad = before_memo[ch] = before.match(ch) is not None
                    if bad:
                        continue
            if after is not None and e < n:
                if after_memo is None:
                    if after.match(text, e):
                        continue
                else:
                    ch = text[e]
                    bad = after_memo.get(ch)
                    if bad is None:
                        bad = after_memo[ch] = after.match(ch) is not None
                    if bad:
                        continue
            reach = e
            keep((s, neg_e, pid))
        # by (start, -end); equal spans keep pattern order (no pattern has two equal hits)
        kept.sort()
        labels, fams, new = self._labels, self._fams, tuple.__new__  # Hit._make without its Python frame
        return [new(Hit, (s, -neg_e, labels[pid], fams[pid], pid)) for s, neg_e, pid in kept]

    def _start(self, text: str, end: int, pid: int) -> tuple[int, int, int]:
        """(pid, start, -end) of an end-only match: the leftmost start Python's re finds."""
        m = self.patterns[pid].ending.search(text, max(0, end - _START_WINDOW), end)
        return (pid, m.start() if m else end, -end)

    def groups(self, text: str, hit: Hit) -> dict[str, str | None]:
        """The named groups of the hit's pattern, re-matched on the hit's text."""
        m = self.patterns[hit.pid].compiled.fullmatch(text, hit.start, hit.end)
        return m.groupdict() if m else {}

    def match(self, text: str, hit: Hit) -> re.Match[str] | None:
        return self.patterns[hit.pid].compiled.fullmatch(text, hit.start, hit.end)


def by_family(hits: Iterable[Hit]) -> dict[str, list[Hit]]:
    out: dict[str, list[Hit]] = {}
    for h in hits:
        out.setdefault(h.family, []).append(h)
    return out


def leftmost_longest(hits: Iterable[Hit]) -> list[Hit]:
    """Non-overlapping hits, scanning left to right and taking the longest at each start (what a
    regex alternation with its longest alternatives first finds)."""
    out: list[Hit] = []
    reach = -1
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        if h.start >= reach:
            out.append(h)
            reach = h.end
    return out


def longest_first(hits: Iterable[Hit]) -> list[Hit]:
    """Non-overlapping hits, the longest chosen first wherever hits overlap ("军事用途的人工智能"
    beats "军事用途"), in text order."""
    kept: list[Hit] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(h.end <= k.start or h.start >= k.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


def _flags(p: Pattern, som: bool = True) -> int:
    f = _BASE_FLAGS if som else hyperscan.HS_FLAG_UTF8
    if p.caseless:
        f |= hyperscan.HS_FLAG_CASELESS
    if p.multiline:
        f |= hyperscan.HS_FLAG_MULTILINE
    return f


def _compiled(p: Pattern, som: bool) -> tuple[str | None, int]:
    """(error or None, size in bytes of the pattern's own database)."""
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=[p.regex.encode("utf-8")], ids=[0], elements=1, flags=[_flags(p, som)])
    except hyperscan.error as exc:
        return str(exc), 0
    return None, db.size()


def _compiles(p: Pattern, som: bool) -> str | None:
    return _compiled(p, som)[0]


def _som_fits(p: Pattern) -> bool:
    """Whether the pattern compiles with start-of-match tracking (else it runs end-only), at a
    reasonable size: a pattern whose start tracking alone costs megabytes (a list of country
    names before a long alternation) runs end-only too. The scan reads the database for every
    document, and a database bigger than the CPU's caches is read from memory each time: one
    such pattern cost a quarter of the English scan."""
    err, size = _compiled(p, som=True)
    if err is not None:
        return "too large" not in err
    if size <= _SOM_MAX_BYTES:
        return True
    err, plain = _compiled(p, som=False)
    return err is not None or size <= _SOM_MAX_FACTOR * plain


def _first_bad(patterns: list[Pattern]) -> str:
    for p in patterns:
        err = _compiles(p, som=False)
        if err:
            return f"{p.family}/{p.label} [{p.lang}] {p.regex!r} ({err})"
    return "(unknown)"
