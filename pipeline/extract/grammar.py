"""The extractor's grammar: the layout and context regexes of models/src/grammar, compiled once.

Why a separate object: the layout (line roles, sentence ends, list markers) and the context checks
of the record builder (the few characters before a date that make it an end date, the words that
make a heading a section of items) are language knowledge, kept in data files like the cue
vocabularies. The grammar travels inside the built pipeline with the cue book, so a built
pipeline needs no sources; `grammar_of(meta)` compiles it once per process.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import Any


class Grammar:
    def __init__(self, meta: dict[str, Any]):
        self.layout = meta["layout"]
        self.context = meta["context"]
        self.dates = meta["dates"]
        self.codes = meta["codes"]
        self.acts = meta["acts"]
        self.elements = meta["elements"]
        self._rx: dict[tuple[str, str], re.Pattern[str]] = {}

    def rx(self, section: str, name: str) -> re.Pattern[str]:
        """A context regex by section and name (context.yml), compiled on first use. Called some
        100,000 times per 1,000 documents: one dict lookup on a tuple key."""
        pat = self._rx.get((section, name))
        if pat is None:
            pat = self._rx[(section, name)] = re.compile(self.context[section][name])
        return pat

    # ----------------------------------------------------------------------------- layout
    @cached_property
    def roles(self) -> list[tuple[str, list[re.Pattern[str]]]]:
        return [(role, [re.compile(p) for p in pats]) for role, pats in self.layout["roles"].items()]

    @cached_property
    def styles(self) -> list[tuple[str, re.Pattern[str]]]:
        return [(name, re.compile(p)) for name, p in self.layout["styles"].items()]

    @cached_property
    def any_role(self) -> re.Pattern[str] | None:
        """Matches a line that some role pattern matches (one regex call rejects a line of prose
        instead of one per pattern); None when the patterns cannot be joined faithfully."""
        return _any_of(p for pats in self.layout["roles"].values() for p in pats)

    @cached_property
    def any_style(self) -> re.Pattern[str] | None:
        """Matches a line that some enumerator style matches (as any_role)."""
        return _any_of(self.layout["styles"].values())

    @cached_property
    def style_first(self) -> frozenset[str]:
        """Characters a styled line may start with (a cheap test before the regexes)."""
        chars = set(" \t0123456789(IVXLabcdefghijklmnopqrstuvwxyz")
        chars.update(self.layout["zh_numerals"])
        chars.update("-•·*▪●◆■□◦‣⁃–—➢►▶→✓✔")
        return frozenset(chars)

    @cached_property
    def zh_stop(self) -> re.Pattern[str]:
        return re.compile(self.layout["sentence"]["zh_stop"])

    @cached_property
    def en_stop(self) -> re.Pattern[str]:
        return re.compile(self.layout["sentence"]["en_stop"])

    @cached_property
    def abbreviation(self) -> re.Pattern[str]:
        return re.compile(self.layout["sentence"]["abbreviation"])

    @cached_property
    def question_head(self) -> re.Pattern[str]:
        return re.compile(self.layout["sentence"]["question_head"])

    @cached_property
    def heading_punct(self) -> re.Pattern[str]:
        return re.compile(self.layout["heading"]["inner_punct"])

    @cached_property
    def listy(self) -> re.Pattern[str]:
        return re.compile(self.layout["listy"])

    @cached_property
    def cell_split(self) -> re.Pattern[str]:
        return re.compile(self.layout["cell_split"])

    @cached_property
    def clause_ref_zh(self) -> re.Pattern[str]:
        return re.compile(self.layout["clause_refs"]["zh"])

    @cached_property
    def clause_ref_zh_item(self) -> re.Pattern[str]:
        return re.compile(self.layout["clause_refs"]["zh_item"])

    @cached_property
    def clause_ref_en(self) -> re.Pattern[str]:
        return re.compile(self.layout["clause_refs"]["en"])

    # ---------------------------------------------------------------------------- numbers
    def number(self, text: str) -> int:
        """一 -> 1, 十二 -> 12, 二十 -> 20, 百 -> 100, IV -> 4, 7 -> 7 (clause numbers)."""
        if text.isdigit():
            return int(text)
        zh = self.layout["zh_numerals"]
        hundred = self.layout["zh_hundred"]
        ten = zh[9]
        if text[0] in zh or hundred in text:
            if hundred in text:
                head, _, tail = text.partition(hundred)
                return (self.number(head) if head else 1) * 100 + (self.number(tail) if tail else 0)
            if ten in text:
                head, _, tail = text.partition(ten)
                return (zh.index(head) + 1 if head else 1) * 10 + (zh.index(tail) + 1 if tail else 0)
            return zh.index(text) + 1
        roman = self.layout["roman"]
        total, prev = 0, 0
        for ch in reversed(text.upper()):
            value = roman.get(ch, 0)
            total += -value if value < prev else value
            prev = max(prev, value)
        return total


_CACHE: dict[int, Grammar] = {}


def grammar_of(meta: dict[str, Any]) -> Grammar:
    key = id(meta)
    g = _CACHE.get(key)
    if g is None or g.layout is not meta["layout"]:
        g = _CACHE[key] = Grammar(meta)
    return g


def _any_of(patterns: Any) -> re.Pattern[str] | None:
    """One regex whose match at a position succeeds exactly when one of `patterns` does: their
    alternation, each in a group of its own. None when a pattern refers to a group (a
    backreference would count the groups of the patterns before it) or the join does not compile
    (a group name used twice, global flags that only the start of a regex may set)."""
    pats = list(patterns)
    if not pats or any(re.search(r"\\\d|\(\?P=|\\g<", p) for p in pats):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in pats))
    except re.error:
        return None
