"""`ew_thresholds`: value-ratio scope thresholds -> doc.spans["thresholds"], label "value_ratio:0.001".

Why patterns tie the number to "value": the only threshold kind in the contract is a share of an
item's value (No. 61: "价值占比达到0.1%及以上"; news: "0.1% or more of the product's value").
Percentages elsewhere (ownership "持股50%及以上", market shares, price moves) must not count, so
every pattern in thresholds.yml requires a value word or a de minimis rule next to the number,
and captures the number as (?P<pct>…) (digits) or (?P<zh>…) (a Chinese numeral percentage).
The value is normalised to a ratio without float noise (0.1% -> "0.001"). Span = the match.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.components import Scan
from pipeline.extract.layout import Layout
from pipeline.extract.scanner import leftmost_longest
from pipeline.extract.semantics.base import SemanticComponent, write

KEY = "thresholds"


def zh_number(text: str, numerals: dict[str, Any]) -> Decimal | None:
    """百分之 numerals: "零点一" -> 0.1, "五" -> 5, "十" -> 10, "二十五" -> 25."""
    digits, ten, point = numerals["digits"], numerals["ten"], numerals["point"]
    whole, _, frac = text.partition(point)
    if ten in whole:
        tens, _, ones = whole.partition(ten)
        value = Decimal((digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0))
    elif whole:
        if any(c not in digits for c in whole):
            return None
        value = Decimal("".join(str(digits[c]) for c in whole))
    else:
        return None
    if frac:
        if any(c not in digits for c in frac):
            return None
        value += Decimal("0." + "".join(str(digits[c]) for c in frac))
    return value


def ratio_label(percent: Decimal) -> str:
    """0.1 (percent) -> "value_ratio:0.001" (plain decimal, no exponent, no trailing zeros)."""
    ratio = percent / Decimal(100)
    return f"value_ratio:{format(ratio.normalize(), 'f')}"


class Thresholds(SemanticComponent):
    def find(self, scan: Scan, seg: Layout) -> list[tuple[int, int, str]]:
        numerals = scan.book.meta["thresholds"]["zh_numerals"]
        found: list[tuple[int, int, str]] = []
        for h in leftmost_longest(scan.family("threshold")):
            if seg.in_boilerplate(h.start):
                continue
            groups = scan.groups(h)
            value = Decimal(groups["pct"]) if groups.get("pct") else zh_number(groups.get("zh") or "", numerals)
            if value is None or not (0 < value <= 100):
                continue
            found.append((h.start, h.end, ratio_label(value)))
        return found

    def __call__(self, doc: Doc) -> Doc:
        scan, seg = self.views(doc)
        write(doc, KEY, self.find(scan, seg))
        return doc


@Language.factory("ew_thresholds", default_config={"data_dir": ""})
def make_thresholds(nlp: Language, name: str, data_dir: str) -> Thresholds:
    return Thresholds(nlp, name, data_dir)
