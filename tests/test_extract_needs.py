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


def test_skipped_patterns_never_match():
    """A pattern may_match rules out finds nothing, on texts mixing the characters the view's
    patterns are about."""
    import random

    nz = default_normaliser()
    patterns = [rx for rx, _ in nz.substitutes] + [re.compile(p) for p in nz._deletes]
    pool = list("abcOolI0123456789 .,:;?!-/\n\"“”（()）[]年月日号钐·•▪āéxī") + ["稀", "土", "国", "际"]
    rng = random.Random(7)
    checked = 0
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))
        chars = TextChars(text)
        for rx in patterns:
            if not may_match(regex_needs(rx), chars):
                checked += 1
                assert rx.search(text) is None, (rx.pattern, text)
    assert checked > 1000


def test_one_character_edges_answer_per_character():
    from pipeline.extract.needs import single_char

    assert single_char(re.compile("(?:[A-Za-z])|(?:[A-Za-z])"))
    assert single_char(re.compile(r"[0-9A-Za-z_.\-/]"))
    for pattern in (r"\d|[-/.]\d", r"\s+technolog", r"\b", "a$", "(?=a)b", "(?<=a)b", "a?"):
        assert not single_char(re.compile(pattern)), pattern
