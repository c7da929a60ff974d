"""needs.py: a pattern is skipped only when it cannot match (the view must not change)."""
import re

from pipeline.extract.needs import TextChars, may_match, regex_needs
from pipeline.extract.view import default_normaliser


def test_needs_of_lookarounds_and_branches():
    needs = regex_needs(r"(?<=[年月])(?:[Oo][0-9]|[0-9][Oo])(?=[日号])")
    assert not may_match(needs, TextChars("2O25-1O-09 plain English"))
    assert not may_match(needs, TextChars("2025年1O月"))  # no 日 or 号 after it: cannot match
    assert may_match(needs, TextChars("2025年1O月9日"))


def test_unknown_constructs_give_no_shortcut():
    assert regex_needs(r"\d+") is None
    assert regex_needs(re.compile("abc", re.IGNORECASE)) is None
    assert may_match(None, TextChars(""))


def test_normalise_same_with_and_without_shortcuts():
    nz = default_normaliser()
    texts = ["Exports of “gallium” rose 2O25 and l. Samarium specific?medium 1C902。a",
             "稀（xī）土 国▪际义务 2O25年1O月9日 \"磁材制造\"技术", "plain ascii text without anything"]
    for text in texts:
        out = text.translate(nz.table)
        if nz.phrases is not None:
            out = nz.phrases.sub(lambda m: nz._phrase_map[m.group(0)], out)
        for rx, repl in nz.substitutes:
            out = rx.sub(repl, out)
        full = nz._delete_of(tuple(range(len(nz._deletes))))
        cuts = [m.span() for m in full.finditer(out)]
        view, _ = nz.normalise(text)
        if not cuts and "\n" not in text:
            assert view == out
        else:
            assert len(view) == len(out) - sum(e - s for s, e in cuts)
