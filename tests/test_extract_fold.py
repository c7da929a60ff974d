"""Case folding of the cue regexes: a FoldedPattern finds exactly what the original regex finds.

The semantic components scan the lower-cased text with a lowered copy of each case-insensitive
regex and confirm every candidate with the original (pipeline/extract/semantics/_lexicon.py).
These tests compare the two on the bundled lexicons and on generated texts.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import MODELS_DIR
from pipeline.extract.lexicon import CuePatterns, load_patterns
from pipeline.extract.normalize import lower_same_length
from pipeline.extract import normalize as nz
from pipeline.extract.regexes import FoldedPattern, confirmed_finditer, fold_pattern, folded, group_by_head
from pipeline.extract.semantics._lexicon import Lexicon


def spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in matches]


PATTERNS = [
    (r"(?<![A-Za-z])(?i:export\s+ban|(?-i:US)|u\.s\.|licen[cs]es?)(?![A-Za-z])", 0),
    (r"(?i:(?-i:EU)|eu(?:ro)?|europe)", 0),
    (r"(?-i:^By\x20[A-Z][^\n]{1,20}$)|(?i:reuters)", re.M),
    (r"(?<![A-Za-z0-9.])(?P<pct>\d+(?:\.\d+)?) ?(?:%|percent|per cent) of (?:the )?value", re.I),
    (r"(?:不属于|不在[^。；]{0,12}管制)|(?i:not\s+controlled)", 0),
]
ROOT = Path(__file__).resolve().parents[1]
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


# --- first-character grouping: the cue and name scanners match exactly what the plain alternation did

def reference_find(cues: CuePatterns, low: str) -> list[tuple[int, int, str]]:
    """CuePatterns.find as one labelled alternation over the text (no grouping, no confirmation)."""
    out = []
    for m in cues.rx.finditer(low):
        s = m.start()
        if m.end() > s and not (s and low[s].isascii() and low[s].isalpha() and low[s - 1].isascii()
                                and low[s - 1].isalpha()):
            out.append((s, m.end(), cues.labels[m.lastgroup]))
    return out


PATTERN_FILES = load_patterns(MODELS_DIR / "src" / "patterns")
CUE_SETS = [CuePatterns(rows, lang) for rows in PATTERN_FILES.values() for lang in ("zh", "en")]
CORPUS_TEXTS = [p.read_text(encoding="utf-8", errors="replace")[:20000]
                for p in sorted((ROOT / "corpus" / "site").rglob("*.*ml"))[:40]]


def test_cue_patterns_match_the_labelled_alternation_on_the_corpus():
    assert CORPUS_TEXTS and CUE_SETS
    found = 0
    for text in CORPUS_TEXTS:
        low = lower_same_length(text)
        for cues in CUE_SETS:
            got = cues.find(text, low)
            assert got == reference_find(cues, low)
            found += len(got)
    assert found > 100  # the comparison saw real cues


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="出口管制暂停恢复实施自起施行 suspendresumlift20251009年月日号 effective.,;", max_size=80))
def test_cue_patterns_match_the_labelled_alternation_on_any_text(text):
    low = lower_same_length(text)
    for cues in CUE_SETS:
        assert cues.find(text, low) == reference_find(cues, low)


@pytest.mark.parametrize("frags,texts", [
    (["出口管制", "出口", "管制", "如", "管制范围"], ["实施出口管制，管制范围如下", "出口管", "如如"]),
    (["ab", "a", "a?c", "b|c", "[xy]z", "ab+"], ["abbbc", "xzac", "c b a"]),
])
def test_group_by_head_keeps_every_match(frags, texts):
    plain = re.compile("|".join(f"(?:{f})" for f in frags))
    grouped = re.compile(group_by_head(frags))
    for text in texts:
        assert spans(grouped.finditer(text)) == spans(plain.finditer(text))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=120), which=st.integers(0, len(PATTERNS) - 1))
def test_offsets_only_scans_give_the_same_offsets(text, which):
    pattern, flags = PATTERNS[which]
    original = re.compile(pattern, flags)
    rx = folded(original, offsets_only=True)
    offsets = [m.span() for m in rx.finditer(text)]
    assert offsets == [m.span() for m in original.finditer(text)]


def test_offsets_only_scan_skips_confirmation_only_when_exact():
    exact = folded(re.compile(r"(?<![A-Za-z])(?i:export ban)(?![A-Za-z])"), offsets_only=True)
    relaxed = folded(re.compile(r"(?i:(?-i:US)|export)"), offsets_only=True)
    assert exact.direct and not relaxed.direct
    # an odd case-folding character: confirmed on the original even when exact
    text = "EXPORT BAN; \u017fexport ban"
    assert [m.span() for m in exact.finditer(text)] == [m.span() for m in exact.original.finditer(text)]
    assert [m.group(0) for m in relaxed.finditer("us US Export")] == ["US", "Export"]


# --- scanners of the date regexes: confirmed_finditer finds exactly what the regex finds

DATE_ALPHABET = "0123456789０９〇一二十年月日号-/. stndrhofjanuarymaysepttoctdecmondayoday周星期今日前天上下"
SCANNED = [(nz.DATE_NUM_SCAN, nz.DATE_NUM_RE), (nz.DATE_MON_SCAN, nz.DATE_MON_RE), (nz.RELATIVE_SCAN, nz.RELATIVE_RE)]


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=DATE_ALPHABET, max_size=60))
def test_date_scanners_find_what_the_regexes_find(text):
    for scan, rx in SCANNED:
        got = [(m.span(), m.groupdict()) for m in confirmed_finditer(scan, rx, text)]
        assert got == [(m.span(), m.groupdict()) for m in rx.finditer(text)]


@pytest.mark.parametrize("text", ["2025年10月9日起施行", "二〇二五年十月九日", "on 9 october 2025 and oct. 12",
                                  "2025-10-09 / 2025.1.2", "said on thursday; 周四、上周三、今日", "may 5, 2026"])
def test_date_scanners_on_examples(text):
    for scan, rx in SCANNED:
        assert [m.span() for m in confirmed_finditer(scan, rx, text)] == [m.span() for m in rx.finditer(text)]
    assert list(nz.find_dates(text)) or "周" in text
