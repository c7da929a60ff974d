"""Values of the scanner's hits: dates, control codes, HS codes and act references -> one form each.

The scanner finds where a date or a reference is; the functions here read its parts (the named
groups of its pattern) and return the canonical value (2025-10-09, 1C902.a, 2805301910,
MOFCOM-2025-18), or None when the match is not a valid value (month 13, a 9-digit number). The
vocabularies they need (month names, Chinese numerals, range words) come from the grammar data.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from pipeline.extract.grammar import Grammar

# ---------------------------------------------------------------------------------------- dates


class DateMatch(NamedTuple):
    start: int
    end: int
    year: int | None  # None when the text gives no year
    month: int
    day: int


def zh_numeral(text: str, g: Grammar) -> int:
    """Arabic or Chinese numerals ('二〇二五', '十一', '三十一') -> int."""
    if text.isdigit():
        return int(text)
    digits = g.dates["zh_digits"]
    ten = g.dates["zh_ten"]
    if ten in text:
        head, _, tail = text.partition(ten)
        return (digits.get(head, 1) if head else 1) * 10 + (digits.get(tail, 0) if tail else 0)
    return int("".join(str(digits[c]) for c in text))


CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF  # the CJK Unified Ideographs block: Chinese script detection


def is_cjk(ch: str) -> bool:
    """Whether a character is a Chinese ideograph (script detection, not a cue)."""
    return len(ch) == 1 and CJK_FIRST <= ord(ch) <= CJK_LAST


def make_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_of(groups: dict[str, Any], text: str, g: Grammar) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a date hit's groups; None when not a valid date."""
    try:
        if groups.get("mon"):
            mon = groups["mon"].lower().rstrip(".")
            month = int(g.dates["months"][mon])
            if mon in g.dates["ambiguous_months"] and not groups.get("y") and text[:1].islower():
                return None  # "may 5" in running text is a verb, not a date
        else:
            month = zh_numeral(groups["m"], g)
        if groups.get("dw"):
            day = int(g.dates["day_words"][groups["dw"].lower()])
        else:
            day = zh_numeral(groups["d"], g) if not groups["d"].isdigit() else int(groups["d"])
        year = zh_numeral(groups["y"], g) if groups.get("y") else None
        if groups.get("roc"):
            year = int(groups["roc"]) + 1911  # Taiwan's Republic of China calendar
    except (KeyError, ValueError, TypeError):
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31) or make_date(year or 2000, month, day) is None:
        return None
    return year, month, day


def nearest_year(month: int, day: int, anchor: dt.date, ahead: int = 120) -> int:
    """The year for a month/day without one: a text speaks of the past more than of the future, so
    the latest such day up to `ahead` days after the anchor date ('Dec. 1' in an October story is
    this December; 'April 4' in a November report is last April)."""
    for year in (anchor.year + 1, anchor.year, anchor.year - 1):
        d = make_date(year, month, day)
        if d is not None and (d - anchor).days <= ahead:
            return year
    return anchor.year


def relative_date(groups: dict[str, Any], anchor: dt.date, g: Grammar) -> dt.date | None:
    """'Thursday' / 周二 (the latest such day on or before the page's date), 'yesterday' / 昨日."""
    if groups.get("wd"):
        target = g.dates["weekdays"].get(groups["wd"].lower())
        if target is None:
            return None
        if groups.get("last"):  # 上周五: that day of the calendar week before the page's
            return anchor - dt.timedelta(days=anchor.weekday() + 7 - int(target))
        return anchor - dt.timedelta(days=(anchor.weekday() - int(target)) % 7)
    if groups.get("rel"):
        days = g.dates["relative_days"].get(groups["rel"].lower())
        return None if days is None else anchor - dt.timedelta(days=int(days))
    if groups.get("dom"):
        day = int(groups["dom"])
        month, year = anchor.month, anchor.year
        if day > anchor.day + 1:  # a day later than the page's: the month before
            month, year = (12, year - 1) if month == 1 else (month - 1, year)
        return make_date(year, month, day)
    return None


# -------------------------------------------------------------------------------------- codes

CONTROL_CODE_PARTS = re.compile(r"([0-9])([A-Ea-e])([0-9]{3})((?:\.[A-Za-z0-9]{1,2})*)")


def normalize_control_code(text: str) -> str | None:
    """'1C902.a' -> '1C902.a'; ' 1c902 . A ' -> '1C902.a'; anything else -> None."""
    compact = re.sub(r"\s+", "", text)
    m = CONTROL_CODE_PARTS.fullmatch(compact)
    if not m:
        return None
    return f"{m.group(1)}{m.group(2).upper()}{m.group(3)}{m.group(4).lower()}"


def control_category(code: str) -> str:
    """The letter group: A/B equipment, C materials, D software, E technology."""
    return code[1].upper() if len(code) > 1 else ""


def normalize_hs_code(text: str) -> str | None:
    """'2805.30.1910' -> '2805301910'; 8 or 10 digits only, chapters 01-97."""
    digits = re.sub(r"[.\s]", "", text)
    if not digits.isdigit() or len(digits) not in (8, 10):
        return None
    if digits[:2] == "00" or int(digits[:2]) > 97:
        return None
    return digits


# -------------------------------------------------------------------------------- act references


class ActRef(NamedTuple):
    start: int
    end: int
    year: int | None
    number: int
    mofcom: bool  # False when the issuer is named and is not MOFCOM (another ministry's act)
    scheme: str = "MOFCOM"  # MOFCOM | UEL
    bare: bool = False  # "No. 46" with no word for an act: one only where the number is cited as an act

    @property
    def value(self) -> str | None:
        return act_id(self.scheme, self.year, self.number) if self.year else None


def act_id(scheme: str, year: int | str, number: int | str) -> str:
    return f"{scheme}-{int(year)}-{int(number)}"


def act_refs(match: re.Match[str], label: str, g: Grammar) -> list[ActRef]:
    """One reference per number of an act-reference match: a list ("第55号、56号", "Nos. 55 and
    58") or a range ("55–62", "第55号至58号") gives one each, located at its own number; the first
    keeps the whole match (issuer and year included) as its span."""
    gd = match.groupdict()
    year_text = gd.get("y") or gd.get("y2") or gd.get("y3") or gd.get("oy")
    year = zh_numeral(year_text, g) if year_text else None  # (二〇二五 as well as 2025)
    issuer = (gd.get("issuer") or "").lower()
    mofcom = not issuer or any(name in issuer for name in g.acts["issuers_mofcom"])
    scheme = "UEL" if label in g.acts["uel"] else "MOFCOM"
    bare = label in g.acts.get("bare", ())
    n_group = "n" if gd.get("n") else "n2"  # "第46号公告" or the spoken "46号公告"
    first = zh_numeral(gd[n_group], g)  # (第七十号 as well as 第70号)
    refs = [ActRef(match.start(), match.end() if not gd.get("more") else match.end(n_group), year, first, mofcom,
                   scheme, bare)]
    more = gd.get("more") or ""
    if not more:
        return refs
    base = match.start("more")
    prev = first
    ranged = False
    ranges = [w.lower() for w in g.acts["range_words"]]
    pos = 0
    # (a list may repeat the year with each number: "Announcements 2025-55, 2025-56 and 2025-57")
    numeral = "".join(g.dates["zh_digits"]) + g.dates["zh_ten"]
    for m in re.finditer(rf"(?:(?:19|20)\d\d\s*[-–]\s*)?(\d{{1,3}}|[{numeral}]{{1,3}})(?![\d{numeral}])", more):
        between = more[pos:m.start()].lower()
        pos = m.end()
        n = zh_numeral(m.group(1), g)
        ranged = any(w in between for w in ranges)
        if ranged and prev < n <= prev + int(g.acts["max_range"]):
            for k in range(prev + 1, n):
                refs.append(ActRef(base + m.start(1), base + m.end(), year, k, mofcom, scheme, bare))
        refs.append(ActRef(base + m.start(1), base + m.end(), year, n, mofcom, scheme, bare))
        prev = n
    return refs
