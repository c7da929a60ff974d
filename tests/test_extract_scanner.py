"""The one-pass scanner: every cue of a language in one Hyperscan database, read back as hits."""
from __future__ import annotations

import pytest

from pipeline.extract.cues import CueBook, en_fragment
from pipeline.extract.scanner import Pattern, Scanner, leftmost_longest, longest_first


def scan(patterns: list[Pattern], text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start:h.end]) for h in Scanner(patterns).scan(text)]


def test_character_offsets_in_mixed_scripts() -> None:
    text = "出口管制 Export Controls on 钐 and samarium; 钐钴"
    pats = [Pattern("f", "ctl", en_fragment("export controls?"), caseless=True, not_before="[A-Za-z]",
                    not_after="[A-Za-z]"),
            Pattern("f", "sm", "钐"), Pattern("f", "ctl_zh", "出口管制")]
    hits = Scanner(pats).scan(text)
    assert [(h.label, text[h.start:h.end]) for h in hits] == [
        ("ctl_zh", "出口管制"), ("ctl", "Export Controls"), ("sm", "钐"), ("sm", "钐")]


def test_edges_and_contained_hits() -> None:
    pats = [Pattern("f", "num", r"\d{4}(?:[. ]?\d{2}){2}(?:[. ]?\d{2})?", not_before=r"[\w.\-/]",
                    not_after=r"[\w\-/]|\.\d")]
    assert scan(pats, "HS 2805301910, 28053019 and 123456789012") == [("num", "2805301910"), ("num", "28053019")]


def test_english_word_edges() -> None:
    pat = Pattern("f", "ban", en_fragment("ban"), caseless=True, not_before="[A-Za-z]", not_after="[A-Za-z]")
    assert scan([pat], "urban banners; a BAN on exports") == [("ban", "BAN")]


def test_patterns_too_large_for_start_tracking_run_end_only() -> None:
    big = Pattern("f", "qa", "就[^。\\n]{1,40}答问")
    scanner = Scanner([big, Pattern("f", "x", "出口")])
    assert scanner.end_only == {0}
    text = "新闻发言人就对美出口管制有关问题答问。"
    assert [(h.label, text[h.start:h.end]) for h in scanner.scan(text)] == [("qa", "就对美出口管制有关问题答问"), ("x", "出口")]


def test_database_round_trip() -> None:
    pats = [Pattern("f", "a", "钐"), Pattern("f", "b", "就[^。\\n]{1,40}答问")]
    built = Scanner(pats)
    loaded = Scanner(pats, built.serialise(), sorted(built.end_only))
    text = "钐就问题答问"
    assert [tuple(h) for h in loaded.scan(text)] == [tuple(h) for h in built.scan(text)]


def test_named_groups_are_read_by_python() -> None:
    pat = Pattern("date", "zh", r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月")
    scanner = Scanner([pat])
    text = "自2025年12月起"
    (hit,) = scanner.scan(text)
    assert scanner.groups(text, hit) == {"y": "2025", "m": "12"}


def test_overlap_policies() -> None:
    text = "军事用途的人工智能"
    hits = Scanner([Pattern("f", "mil", "军事用途"), Pattern("f", "ai", "军事用途的人工智能")]).scan(text)
    assert [h.label for h in longest_first(hits)] == ["ai"]
    assert [h.label for h in leftmost_longest(hits)] == ["ai"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cue_book_compiles_into_one_database_per_language(lang: str) -> None:
    book = CueBook.from_source()
    scanner = book.scanner(lang)
    families = {p.family for p in scanner.patterns}
    assert {"element", "act", "date", "relation", "scope", "kind", "eu_category", "tech_area", "threshold",
            "excl_item"} <= families
    assert scanner.serialise()
