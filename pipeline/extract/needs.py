"""What a regex cannot match without: the character classes every match must touch.

Why: the view's normalisation (view.py) runs a dozen rewrite and deletion regexes over every
document, and most of them can only match text holding a rare character (a CJK date unit, a
pinyin tone mark, a quotation mark, a bullet between ideographs). Python's regex engine still
tries every position of the text for each of them (a look-behind first defeats its literal-prefix
search). Reading, once, which character classes a pattern's match (or a positive look-around of
it) must contain, and the set of characters a text holds, tells for free that a pattern cannot
match: it is then skipped, with the same result as running it.

    needs = regex_needs(pattern)            # None: nothing known (always run the pattern)
    may_match(needs, TextChars(text))       # False: the pattern cannot match the text
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

try:  # the parser behind `re` (Python 3.11+: re._parser; earlier: sre_parse)
    from re import _constants as _c, _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

CharClass = tuple[frozenset[str], tuple[tuple[int, int], ...]]  # literal characters, code point ranges
Needs = tuple[CharClass, ...]  # every class must have a character in the text


class _Unknown(Exception):
    """A construct whose characters are not read here (a category such as \\d, a negated class):
    the element gives no requirement."""


def _charclass(op: Any, av: Any) -> CharClass:
    """The characters one LITERAL or IN element matches."""
    if op is _c.LITERAL:
        return frozenset(chr(av)), ()
    if op is not _c.IN:
        raise _Unknown
    chars: set[str] = set()
    ranges: list[tuple[int, int]] = []
    for sub_op, sub_av in av:
        if sub_op is _c.LITERAL:
            chars.add(chr(sub_av))
        elif sub_op is _c.RANGE:
            ranges.append((sub_av[0], sub_av[1]))
        else:  # NEGATE, CATEGORY (\d, \s, \w ...), RANGE_UNI_IGNORE ...
            raise _Unknown
    return frozenset(chars), tuple(ranges)


def _union(classes: list[CharClass]) -> CharClass:
    chars: frozenset[str] = frozenset().union(*(c for c, _ in classes))
    ranges = tuple(r for _, rs in classes for r in rs)
    return chars, ranges


def _sequence(items: Any) -> list[CharClass]:
    """The classes a match of this sequence must touch (each element that must occur at least once)."""
    out: list[CharClass] = []
    for op, av in items:
        try:
            out.extend(_element(op, av))
        except _Unknown:
            continue
    return out


def _any_of(items: Any) -> CharClass:
    """One class that a match of the sequence must touch, raising _Unknown when there is none."""
    classes = _sequence(items)
    if not classes:
        raise _Unknown
    return min(classes, key=lambda c: (len(c[1]) > 0, len(c[0]) + len(c[1])))


def _element(op: Any, av: Any) -> list[CharClass]:
    if op in (_c.LITERAL, _c.IN):
        return [_charclass(op, av)]
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, items = av
        if add_flags & re.IGNORECASE:
            raise _Unknown
        return _sequence(items)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, items = av
        if low < 1:
            raise _Unknown
        return _sequence(items)
    if op is _c.ASSERT:  # a positive look-ahead or look-behind: those characters are in the text
        _direction, items = av
        return _sequence(items)
    if op is _c.BRANCH:
        _, branches = av
        return [_union([_any_of(b) for b in branches])]
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(av)
    raise _Unknown  # AT, ASSERT_NOT, ANY, GROUPREF, CATEGORY, NOT_LITERAL ...


_CONTEXT_OPS = ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE",
                "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE")


def _reads_context(items: Any) -> bool:
    """Whether an element looks beyond the characters it consumes (anchor, look-around, back-reference)."""
    for op, av in items:
        if str(op) in _CONTEXT_OPS:
            return True
        if op is _c.SUBPATTERN and _reads_context(av[3]):
            return True
        if op is _c.BRANCH and any(_reads_context(b) for b in av[1]):
            return True
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and _reads_context(av[2]):
            return True
        if op is getattr(_c, "POSSESSIVE_REPEAT", None) and _reads_context(av[2]):
            return True
        if op is getattr(_c, "ATOMIC_GROUP", None) and _reads_context(av):
            return True
    return False


def single_char(pattern: re.Pattern[str]) -> bool:
    """Whether every match of `pattern` is exactly one character and depends on nothing else
    (no anchor, look-around or word edge): then `pattern.match(text, i)` is decided by text[i]
    alone, and its answer per character can be remembered."""
    if not isinstance(pattern.pattern, str):
        return False
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
        return parsed.getwidth() == (1, 1) and not _reads_context(parsed)
    except Exception:  # an unknown parser version: no shortcut
        return False


def regex_needs(pattern: str | re.Pattern[str]) -> Needs | None:
    """The character classes any match of `pattern` touches, or None when none is known (a
    caseless pattern, a parser this code does not know)."""
    rx = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
    if rx.flags & re.IGNORECASE or not isinstance(rx.pattern, str):
        return None
    try:
        parsed = _p.parse(rx.pattern, rx.flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        needs = tuple(_sequence(parsed))
    except Exception:  # an unknown parser version: no shortcut, the pattern always runs
        return None
    return needs or None


class TextChars:
    """The characters of a text, as a set and as sorted code points (a range is looked up by
    bisection, not by trying every character of a Chinese text against it)."""

    __slots__ = ("chars", "_points")

    def __init__(self, text: str = "", chars: set[str] | None = None):
        self.chars = set(text) if chars is None else chars
        self._points: list[int] | None = None

    def mapped(self, table: dict[int, str]) -> "TextChars":
        """The characters of the text after `text.translate(table)` (one character for one)."""
        return TextChars(chars={table.get(ord(ch), ch) for ch in self.chars})

    def added(self, more: str) -> "TextChars":
        """A superset of the characters after a rewrite that writes only characters of `more`
        (skipping a regex is decided on a superset: never wrongly)."""
        return self if self.chars.issuperset(more) else TextChars(chars=self.chars | set(more))

    def has_range(self, lo: int, hi: int) -> bool:
        if self._points is None:
            self._points = sorted(map(ord, self.chars))
        i = bisect_left(self._points, lo)
        return i < len(self._points) and self._points[i] <= hi


def may_match(needs: Needs | None, chars: TextChars) -> bool:
    """False when the text whose characters are `chars` cannot hold a match (a required class is absent)."""
    if needs is None:
        return True
    for lits, ranges in needs:
        if not lits.isdisjoint(chars.chars):
            continue
        if any(chars.has_range(lo, hi) for lo, hi in ranges):
            continue
        return False
    return True
