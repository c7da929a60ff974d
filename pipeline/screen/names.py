"""The comparison key of a party's name, and when two keys match.

Why keys: a customer file writes "Gibbs and Cox Inc", "GIBBS & COX, INC.", "Cox, Gibbs & Co." or
"吉布斯考克斯公司" for one party. The key folds what does not tell parties apart: the script
(Traditional -> Simplified and full-width -> ASCII, by the document view's normaliser), legal forms
(Inc., GmbH, 株式会社, 有限公司), case, punctuation and accents (the `fingerprints` library,
which OpenSanctions uses for the same job; it also romanises Chinese). Keys keep the word order;
the score compares them with and without it (rapidfuzz's ratio and token-sort ratio), so
"Defense Global Cubic" finds "Cubic Global Defense". A one-letter typo in a short name costs more
ratio than the threshold allows, so keys within `max_edits` edits match too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import fingerprints
import yaml
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline import config
from pipeline.extract.view import default_normaliser

SOURCE = config.ROOT / "config" / "screening.yml"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass(frozen=True)
class Rule:
    legal_forms_cjk: tuple[str, ...]
    ignore_words: frozenset[str]
    min_score: float
    max_edits: int
    min_length_for_edit: int
    min_length_for_edit_cjk: int
    prefilter_score: float

    @classmethod
    def load(cls, path: Path = SOURCE) -> "Rule":
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        forms = tuple(sorted((default_normaliser().fold(f) for f in data["legal_forms_cjk"]), key=len, reverse=True))
        return cls(forms, frozenset(data.get("ignore_words") or ()), float(data["min_score"]), int(data["max_edits"]),
                   int(data["min_length_for_edit"]), int(data["min_length_for_edit_cjk"]), float(data["prefilter_score"]))


@lru_cache(maxsize=1)
def rule() -> Rule:
    return Rule.load()


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """config/screening.yml as a whole (CSV headers, FollowTheMoney vocabulary)."""
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8")) or {}


def _strip_cjk_forms(text: str, forms: tuple[str, ...]) -> str:
    changed = True
    while changed and CJK.search(text):
        changed = False
        for form in forms:
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)].rstrip(), True
                break
            if text.startswith(form) and len(text) > len(form):
                text, changed = text[len(form):].lstrip(), True
                break
    return text


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """The comparison key: '' when nothing is left (a bare legal form)."""
    if not name:
        return ""
    text = default_normaliser().fold(name).strip()
    text = _strip_cjk_forms(text, rule().legal_forms_cjk)
    if CJK.search(text):  # compared by character: a romanisation would spread a typo over a syllable
        return "".join(ch for ch in text.casefold() if ch.isalnum())
    text = fingerprints.remove_types(text) or text
    words = (fingerprints.generate(text, keep_order=True) or "").split()
    return " ".join(w for w in words if not _generic(w, rule().ignore_words))


@lru_cache(maxsize=1)
def _type_words() -> frozenset[str]:
    """Single-word company-type forms of at least 7 letters that fingerprints removes
    ('international', 'corporation', 'limited'), read from its own types list."""
    from fingerprints.types.common import TYPES_PATH

    with open(TYPES_PATH, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    words = {f for t in data.get("types", []) for f in [t.get("main", ""), *(t.get("forms") or [])]}
    return frozenset(w for w in words if isinstance(w, str) and w.isascii() and w.isalpha() and len(w) >= 7)


def _generic(word: str, ignore: frozenset[str] | set[str]) -> bool:
    """A word the key leaves out: an ignored one ('and'), or a long company-type word with a
    one-letter typo ('internxtional'): fingerprints drops the word but not its misspelling, which
    would then be the only word left to compare with a short name ('oceaneering')."""
    if word in ignore:
        return True
    return len(word) >= 7 and any(abs(len(word) - len(form)) <= 1 and Levenshtein.distance(word, form, score_cutoff=1) <= 1
                                  for g in _type_words() for form in (g, g + "s"))


def score(a: str, b: str) -> float:
    """0-100: how alike two keys are, in order or not."""
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def accepted(a: str, b: str, s: float | None = None, r: Rule | None = None) -> bool:
    """Do keys `a` and `b` (with score `s`) name the same party?"""
    r = r or rule()
    s = score(a, b) if s is None else s
    if s >= r.min_score:
        return True
    shortest = r.min_length_for_edit_cjk if CJK.search(a) else r.min_length_for_edit
    return (min(len(a), len(b)) >= shortest
            and Levenshtein.distance(a, b, score_cutoff=r.max_edits) <= r.max_edits)
