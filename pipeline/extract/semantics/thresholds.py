"""`ew_thresholds`: value-ratio scope thresholds -> doc.spans["thresholds"], label "value_ratio:0.001".

Why patterns tie the number to "value": the only threshold kind in the contract is a share of an
item's value (No. 61: "价值占比达到0.1%及以上"; news: "0.1% or more of the product's value").
Percentages elsewhere (ownership "持股50%及以上", market shares, price moves) must not count, so
every pattern in thresholds.yml requires a value word or a de minimis rule next to the number.
The value is normalised to a ratio without float noise (0.1% -> "0.001"). Span = the match.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.semantics._lexicon import SemanticComponent, en_fragment, folded, make_spans
from pipeline.extract.semantics._text import NormText, Segmenter

KEY = "thresholds"
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def zh_number(text: str) -> Decimal | None:
    """百分之 numerals: "零点一" -> 0.1, "五" -> 5, "十" -> 10, "二十五" -> 25."""
    whole, _, frac = text.partition("点")
    if "十" in whole:
        tens, _, ones = whole.partition("十")
        value = Decimal((_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0))
    elif whole:
        if any(c not in _ZH_DIGITS for c in whole):
            return None
        value = Decimal("".join(str(_ZH_DIGITS[c]) for c in whole))
    else:
        return None
    if frac:
        if any(c not in _ZH_DIGITS for c in frac):
            return None
        value += Decimal("0." + "".join(str(_ZH_DIGITS[c]) for c in frac))
    return value


def ratio_label(percent: Decimal) -> str:
    """0.1 (percent) -> "value_ratio:0.001" (plain decimal, no exponent, no trailing zeros)."""
    ratio = percent / Decimal(100)
    text = format(ratio.normalize(), "f")
    return f"value_ratio:{text}"


class Thresholds(SemanticComponent):
    files = ("thresholds",)

    def compile(self) -> None:
        spec = self.data["thresholds"]["value_ratio"]
        requires = [v for k, v in (self.data["thresholds"].get("requires") or {}).items() if k in self.langs]
        # a text none of the patterns can match (no percent sign or word) is not scanned by each
        self.requires = folded(re.compile("|".join(f"(?:{r})" for r in requires), re.I)) if requires else None
        self.patterns: list[Any] = []  # re.Pattern or FoldedPattern (groups hold digits or CJK only)
        for lang, frags in spec.items():
            if lang not in self.langs:
                continue
            for frag in frags:
                if lang == "en":
                    self.patterns.append(folded(re.compile(r"(?<![A-Za-z0-9.])" + en_fragment(frag), re.I)))
                else:
                    self.patterns.append(re.compile(frag))

    def find(self, norm: NormText, seg: Segmenter) -> list[tuple[int, int, str]]:
        if self.requires is not None and self.requires.search(norm.text) is None:
            return []
        found: dict[tuple[int, int], str] = {}
        for rx in self.patterns:
            for m in rx.finditer(norm.text):
                if seg.in_boilerplate(m.start()):
                    continue
                groups = m.groupdict()
                value = Decimal(groups["pct"]) if groups.get("pct") else zh_number(groups.get("zh") or "")
                if value is None or not (0 < value <= 100):
                    continue
                key = (m.start(), m.end())
                if not any(a <= key[0] < b or key[0] <= a < key[1] for a, b in found):
                    found[key] = ratio_label(value)
        return [(a, b, label) for (a, b), label in found.items()]

    def __call__(self, doc: Doc) -> Doc:
        norm, seg = self.views(doc)
        doc.spans[KEY] = make_spans(doc, norm, self.find(norm, seg))
        return doc


@Language.factory("ew_thresholds", default_config={"data_dir": ""})
def make_thresholds(nlp: Language, name: str, data_dir: str) -> Thresholds:
    return Thresholds(nlp, name, data_dir)
