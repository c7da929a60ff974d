"""Regex building for the cue scanners: fewer full-text passes, each one faster.

CPython's regex engine skips ahead quickly only when a pattern starts with a literal (or an
alternation whose every branch does), and compares case-insensitive literals slowly through the
Unicode case tables. The helpers here rewrite alternations so the engine can skip, without
changing what matches:
- `group_by_head`: alternatives sharing a first character become one
  branch ("e(?:xport|mbargo)"): one check per first character instead of one per alternative;
- `fold_pattern` / `FoldedPattern`: a case-insensitive regex scans the lower-cased text
  case-sensitively, every candidate confirmed by the original regex.
"""
from __future__ import annotations

import re
import string
import sys
from typing import Any, Iterator

_PLAIN_HEAD = re.compile(r"[A-Za-z](?![?*+{])")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


def _top_level_bar(frag: str) -> bool:
    """Whether `frag` is itself an alternation ("a|b" outside any group or class)."""
    depth, in_class, i = 0, False, 0
    while i < len(frag):
        ch = frag[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if frag[i + 1:i + 2] == "^":
                i += 1
            if frag[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def lower_same_length(text: str) -> str:
    """text.lower() when that keeps every offset (it does except for a few letters such as 'İ'),
    else text with ASCII letters lowered only: offsets into it are offsets into `text`."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


_LOWERED: list[Any] = [None, None, False]  # (text, lower-cased copy, plain) of the last text scanned
# The only characters that re.IGNORECASE matches to an ASCII letter other than its own two cases
# ('ı' and 'İ' to i, 'ſ' to s, the Kelvin sign to k): a text holding one is never scanned on
# the lowered copy alone.
_CASE_ODD = ("\u0131", "\u0130", "\u017f", "\u212a")


def lowered(text: str) -> str:
    """`text` lower-cased with the same offsets, computed once per text (the components of one
    document scan the same normalised text many times)."""
    if _LOWERED[0] is not text:
        _LOWERED[0], _LOWERED[1] = text, lower_same_length(text)
        _LOWERED[2] = not any(c in text for c in _CASE_ODD)
    return _LOWERED[1]


def _plain(text: str) -> bool:
    """Whether re.IGNORECASE on `text` is lowering and comparing (no _CASE_ODD characters)."""
    lowered(text)
    return _LOWERED[2]


def _cased(ch: str) -> bool:
    return ch.lower() != ch or ch.upper() != ch


def _class_end(pattern: str, i: int) -> int:
    """Index just past the character class opening at pattern[i] ("["), or -1."""
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":  # "[]...]": the bracket is a member
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j + 1
        j += 1
    return -1


def _case_symmetric(klass: str) -> bool:
    """Whether a class holds each ASCII letter exactly when it holds the other case of it
    ("[A-Za-z]" yes, "[A-Z]" no): such a class says the same of the lower-cased text."""
    try:
        rx = re.compile(klass)
    except re.error:
        return False
    return all(bool(rx.fullmatch(c)) == bool(rx.fullmatch(c.swapcase())) for c in string.ascii_lowercase)


def _lower_class(klass: str) -> str:
    """The class with its letters lowered (escapes such as \\S kept)."""
    out, j = [], 0
    while j < len(klass):
        if klass[j] == "\\":
            out.append(klass[j:j + 2])
            j += 2
            continue
        out.append(klass[j].lower())
        j += 1
    return "".join(out)


def fold_pattern(pattern: str, flags: int = 0) -> str | None:
    """The body of `_fold` (see there)."""
    folded_ = _fold(pattern, flags)
    return folded_[0] if folded_ else None


def _fold(pattern: str, flags: int = 0) -> tuple[str, bool] | None:
    """A case-sensitive pattern for the lower-cased text that matches at least wherever
    `pattern` matches the original text: literals and classes lowered, "(?i:" and "(?-i:" made
    "(?:" (a case-sensitive part is relaxed; FoldedPattern checks each candidate with the
    original). None when lowering could lose a match: a cased letter in a negated class or a
    negative lookaround outside any case-insensitive scope ("[^A-Z]", "(?!Ltd)"), an inline
    global flag, a backreference, a named escape."""
    ci_all = bool(flags & re.I)
    out: list[str] = []
    relaxed = False
    stack: list[tuple[bool, bool]] = []  # per open group: (case-insensitive inside, negative lookaround)
    i, n = 0, len(pattern)

    def ci() -> bool:
        return next((c for c, _ in reversed(stack) if c is not None), ci_all)

    def negative() -> bool:
        return any(neg for _, neg in stack)

    while i < n:
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1:i + 2]
            if not nxt or nxt in "123456789gkN":
                return None
            if nxt in "xuU":  # \x20, \u4e00: keep unless it spells a cased letter
                width = {"x": 2, "u": 4, "U": 8}[nxt]
                code = pattern[i + 2:i + 2 + width]
                try:
                    lit = chr(int(code, 16))
                except ValueError:
                    return None
                if _cased(lit):
                    if not ci():
                        if negative():
                            return None
                        relaxed = True
                    out.append(re.escape(lit.lower()))
                else:
                    out.append(pattern[i:i + 2 + width])
                i += 2 + width
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[":
            end = _class_end(pattern, i)
            if end < 0:
                return None
            klass = pattern[i:end]
            negated = klass.startswith("[^")
            if not ci() and not _case_symmetric(klass):
                if negated or negative():
                    return None
                relaxed = True
            out.append(_lower_class(klass))
            i = end
            continue
        if ch == "(":
            if pattern.startswith(("(?i:", "(?-i:"), i):
                # both become "(?:": a case-sensitive part is relaxed (candidates are checked)
                stack.append((pattern[i + 2] != "-", False))
                out.append("(?:")
                i += 5 if pattern[i + 2] == "-" else 4
                continue
            if pattern.startswith("(?P<", i):  # a named group: the name stays as written
                close = pattern.find(">", i)
                if close < 0:
                    return None
                out.append(pattern[i:close + 1])
                stack.append((None, False))  # type: ignore[arg-type]
                i = close + 1
                continue
            if pattern.startswith(("(?!", "(?<!"), i):
                stack.append((None, True))  # type: ignore[arg-type]
            elif re.match(r"\(\?[msx]+:", pattern[i:i + 6]):
                stack.append((None, False))  # type: ignore[arg-type]  # scoped flags other than i
            elif pattern.startswith("(?", i) and not pattern.startswith(("(?:", "(?=", "(?<="), i):
                return None
            else:
                stack.append((None, False))  # type: ignore[arg-type]
        elif ch == ")":
            if stack:
                stack.pop()
        if _cased(ch):
            if not ci():
                if negative():
                    return None
                relaxed = True
            ch = ch.lower()
        out.append(ch)
        i += 1
    return "".join(out), not relaxed


class FoldedPattern:
    """A case-insensitive regex (or one with case-sensitive parts) scanned on the lower-cased
    text, each candidate confirmed with the original regex at that position.

    Why: CPython's engine compares case-insensitive literals through the Unicode case tables,
    character by character, and alternations starting with a lookbehind get no fast skip; the
    same alternation lowered and case-sensitive scans about 3x faster. The scan finds the
    leftmost position where the lowered pattern matches (never after one where the original
    would); the original's own match there (ordered choice, its end, its groups) is what is
    returned, else the scan goes on from the next character: the matches of `original.finditer`,
    exactly, over the original text.

    With `offsets_only` (callers that read match offsets, never match text) and a fold that
    relaxed nothing, the lowered scan's own matches are returned on texts without _CASE_ODD
    characters: the same offsets, no confirmation (their text is lower-cased)."""

    def __init__(self, original: re.Pattern[str], folded: str, exact: bool = False, offsets_only: bool = False):
        self.original = original
        self.pattern = original.pattern
        self.rx = re.compile(folded, original.flags & ~re.I)
        self.direct = exact and offsets_only

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if self.direct and _plain(text):
            return self.rx.finditer(lowered(text), pos, endpos)
        return self._confirmed(text, pos, endpos)

    def _confirmed(self, text: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
        return confirmed_finditer(self.rx, self.original, text, lowered(text), pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return next(self.finditer(text, pos, endpos), None)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.original.match(text, pos, endpos)


def confirmed_finditer(scan: re.Pattern[str], original: re.Pattern[str], text: str, scan_text: str | None = None,
                       pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
    """`original.finditer(text, pos, endpos)`, found with a faster `scan` regex that matches
    (on `scan_text`, same offsets; default `text`) at least wherever `original` does: the scan
    gives the leftmost candidate, the original's own match there is the result, else the scan
    goes on from the next character. For regexes whose named groups or leading look-behinds
    stop the engine from skipping ahead."""
    scan_text = text if scan_text is None else scan_text
    search, confirm = scan.search, original.match
    endpos = min(endpos, len(text))
    while pos <= endpos:
        cand = search(scan_text, pos, endpos)
        if cand is None:
            return
        start = cand.start()
        m = confirm(text, start, endpos)
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end() if m.end() > start else start + 1


def folded(rx: re.Pattern[str] | None, offsets_only: bool = False) -> "re.Pattern[str] | FoldedPattern | None":
    """`rx` as a FoldedPattern when it has case-insensitive parts and folds, else `rx` itself.
    `offsets_only`: the caller reads match offsets only (see FoldedPattern)."""
    if rx is None or not (rx.flags & re.I or "(?i" in rx.pattern):
        return rx
    result = _fold(rx.pattern, rx.flags)
    return rx if result is None else FoldedPattern(rx, result[0], result[1], offsets_only)


_META = set("\\()[]{}.^$|?*+")


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of `pattern` ("a|b(?:c|d)" -> ["a", "b(?:c|d)"])."""
    out: list[str] = []
    depth, i, start = 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            end = _class_end(pattern, i)
            i = end if end > 0 else len(pattern)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def group_by_head(frags: list[str], fold_case: bool = False) -> str:
    """The alternation of `frags` (in order), consecutive fragments that start with a literal
    character grouped by it: "出(?:(?:口管制)|(?:口))|管(?:(?:制))". The engine then tries one
    first character per group instead of every fragment. Same matches at every position: only
    fragments with different first characters change order, and those never both match at one
    position; any other fragment ("(?-i:US)", "[- ]") keeps its place between the groups around
    it. `fold_case` (inside a case-insensitive scope): plain ASCII letters only, grouped lower-cased."""
    out: list[str] = []
    run: dict[str, list[str]] = {}

    def close() -> None:
        for head, rests in run.items():
            out.append(re.escape(head) + "(?:" + "|".join(f"(?:{r})" for r in rests) + ")")
        run.clear()

    for f in frags:
        literal = bool(f) and f[0] not in _META and f[1:2] not in ("?", "*", "+", "{")
        if literal and (not fold_case or _PLAIN_HEAD.match(f)) and not _BACKREF.search(f) \
                and not _top_level_bar(f):
            run.setdefault(f[0].lower() if fold_case else f[0], []).append(f[1:])
        else:
            close()
            out.append(f"(?:{f})")
    close()
    return "|".join(out)
