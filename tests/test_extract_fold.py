"""Case folding of the cue regexes: a FoldedPattern finds exactly what the original regex finds.

The semantic components scan the lower-cased text with a lowered copy of each case-insensitive
regex and confirm every candidate with the original (pipeline/extract/semantics/_lexicon.py).
These tests compare the two on the bundled lexicons and on generated texts.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.semantics._lexicon import FoldedPattern, Lexicon, fold_pattern, folded


def spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in matches]


PATTERNS = [
    (r"(?<![A-Za-z])(?i:export\s+ban|(?-i:US)|u\.s\.|licen[cs]es?)(?![A-Za-z])", 0),
    (r"(?i:(?-i:EU)|eu(?:ro)?|europe)", 0),
    (r"(?-i:^By\x20[A-Z][^\n]{1,20}$)|(?i:reuters)", re.M),
    (r"(?<![A-Za-z0-9.])(?P<pct>\d+(?:\.\d+)?) ?(?:%|percent|per cent) of (?:the )?value", re.I),
    (r"(?:不属于|不在[^。；]{0,12}管制)|(?i:not\s+controlled)", 0),
]
ALPHABET = "abcABC USEUeuro.% 0123456789\nBy Reuters percent value licence license LICENSES 不属于管制。ſKİ-"


@pytest.mark.parametrize("pattern,flags", PATTERNS)
def test_folds_to_a_case_sensitive_pattern(pattern, flags):
    rx = folded(re.compile(pattern, flags))
    assert isinstance(rx, FoldedPattern)
    assert not rx.rx.flags & re.I
    assert "(?i" not in rx.rx.pattern and "(?-i" not in rx.rx.pattern


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=120), which=st.integers(0, len(PATTERNS) - 1))
def test_same_matches_as_the_original(text, which):
    pattern, flags = PATTERNS[which]
    original = re.compile(pattern, flags)
    rx = folded(original)
    assert spans(rx.finditer(text)) == spans(original.finditer(text))
    if len(text) > 10:  # a window, as the components scan clause by clause
        assert spans(rx.finditer(text, 3, len(text) - 4)) == spans(original.finditer(text, 3, len(text) - 4))
    found = rx.search(text)
    expected = original.search(text)
    assert (found and found.span()) == (expected and expected.span())


def test_case_sensitive_parts_are_confirmed_on_the_original():
    rx = folded(re.compile(r"(?<![A-Za-z])(?i:(?-i:US)|usa)(?![A-Za-z])"))
    text = "Tell us about US exports to the USA and to usa."
    assert [m.group(0) for m in rx.finditer(text)] == ["US", "USA", "usa"]


def test_named_groups_keep_the_original_text():
    rx = folded(re.compile(r"(?P<word>Rare\s+Earths?)", re.I))
    assert [m.group("word") for m in rx.finditer("RARE EARTHS and rare earth")] == ["RARE EARTHS", "rare earth"]


@pytest.mark.parametrize("pattern,flags", [
    (r"(?!Ltd)[A-Z]\w+", 0),            # a negative look-ahead with case-sensitive letters
    (r"[^A-Z]x", 0),                     # a negated class that is not case-symmetric
    (r"(a)(?i:\1)", 0),                  # a backreference
    (r"\N{LATIN CAPITAL LETTER A}", re.I),
])
def test_refuses_what_lowering_could_break(pattern, flags):
    assert fold_pattern(pattern, flags) is None
    assert folded(re.compile(pattern, flags)).pattern == pattern  # the original is kept


def test_lexicon_hits_unchanged_by_folding():
    spec = {"ban": {"en": ["export ban", "ban on exports"]}, "us": {"en": ["(?-i:US)", "united states"]}}
    lex = Lexicon(spec, "g")
    assert any(isinstance(s, FoldedPattern) for s in lex.scanners)
    text = "The US export ban; a Ban on Exports by the United States, not us."
    hits = [(h.label, text[h.start:h.end]) for h in lex.find(text)]
    assert sorted(hits) == sorted([("us", "US"), ("ban", "export ban"), ("ban", "Ban on Exports"),
                                   ("us", "United States")])
