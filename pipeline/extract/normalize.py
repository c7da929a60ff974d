"""Normalisers: surface forms of dates, control codes, HS codes and announcement ids -> one value.

Each normaliser pairs a compiled regex (to find candidates in text) with a function that turns a
match into the canonical value, or None when the match is not a valid value (month 13, a
9-digit number). They are pure functions of text, so the spaCy components, the record builder and
the tests all share exactly one definition of every format.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterator, NamedTuple

from pipeline.extract.regexes import confirmed_finditer, lower_same_length  # noqa: F401 (re-exported)

# ---------------------------------------------------------------------------------------- dates

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
            "sunday": 6}
ZH_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}

_MON = r"(?P<mon>(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
       r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?)"
_ZHN = r"[〇零○Ｏ一二三四五六七八九十]"
_D = r"[0-9０-９]"

# The date regexes run on lower-cased text (see `lower_same_length`) without IGNORECASE and begin
# with a digit or a month name, so the regex engine skips to candidate positions quickly; what
# a leading look-behind would check is checked on the match instead (see `_boundary_ok`).
DATE_NUM_RE = re.compile(
    "|".join([
        # 2025年10月9日, 2025 年 10 月 9 日, 二〇二五年十月九日
        rf"(?P<zy>{_D}{{4}}|{_ZHN}{{4}})\s*年\s*(?P<zm>{_D}{{1,2}}|{_ZHN}{{1,3}})\s*月\s*"
        rf"(?P<zd>{_D}{{1,2}}|{_ZHN}{{1,3}})\s*[日号]",
        # 10月9日 (year from context)
        rf"(?P<pm>{_D}{{1,2}})\s*月\s*(?P<pd>{_D}{{1,2}})\s*[日号]",
        # 2025-10-09, 2025/10/09, 2025.10.09
        r"(?P<iy>(?:19|20)\d\d)(?P<sep>[-/.])(?P<im>\d{1,2})(?P=sep)(?P<id>\d{1,2})(?![\d.])",
        # 9 October 2025, 9 Oct. 2025, 9 October (year from context)
        rf"(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON.replace('mon', 'dmon')}"
        r"(?:,?\s+(?P<dy>(?:19|20)\d\d)(?![-/.]?\d))?(?![a-z0-9])",
    ])
)
# October 9, 2025; Oct. 9 2025; Oct 9 (year from context)
DATE_MON_RE = re.compile(
    rf"{_MON}\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?![\d])(?:,?\s+(?P<my>(?:19|20)\d\d)(?![-/.]?\d))?")
# Scanners for the two regexes above and RELATIVE_RE below (regexes.confirmed_finditer): each
# matches wherever its regex does, starts with a character class or literals (the engine skips
# ahead to candidates) and captures nothing; the regex itself is then matched at each candidate.
DATE_NUM_SCAN = re.compile(
    r"[\d０-９〇零○Ｏ一二三四五六七八九十](?:[\d０-９〇零○Ｏ一二三四五六七八九十]{3}\s*年|\d?\s*月|\d{3}[-/.]"
    r"|\d?(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z])")
DATE_MON_SCAN = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d")
# What may not stand right before each kind of match (the look-behinds the regexes leave out).
_NOT_BEFORE = {"zy": "0123456789０１２３４５６７８９", "pm": "0123456789０１２３４５６７８９年",
               "iy": "0123456789.", "dd": "abcdefghijklmnopqrstuvwxyz0123456789.",
               "mon": "abcdefghijklmnopqrstuvwxyz"}

RELATIVE_RE = re.compile(
    r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?![a-z]|\s*,?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d))"
    r"|(?P<rel>today|yesterday)(?![a-z])"
    r"|(?<![上下每])(?P<zwd>(?:周|星期)[一二三四五六日天])(?![次遍回年个])"
    r"|(?P<zrel>今日|今天|昨日|昨天|前天)"
)
RELATIVE_SCAN = re.compile(r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday"
                           r"|周|星期|今日|今天|昨日|昨天|前天")
ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
ZH_RELATIVE_DAYS = {"今日": 0, "今天": 0, "昨日": 1, "昨天": 1, "前天": 2}


def relative_date(m: re.Match[str], anchor: dt.date) -> dt.date:
    """A RELATIVE_RE match in a story dated `anchor`: 'Thursday'/'周四' -> the latest such day on
    or before it; 'yesterday'/'昨日' -> the day before."""
    if m.group("wd"):
        return resolve_weekday(m.group("wd"), anchor)
    if m.group("zwd"):
        target = ZH_WEEKDAYS[m.group("zwd")[-1]]
        return anchor - dt.timedelta(days=(anchor.weekday() - target) % 7)
    if m.group("zrel"):
        return anchor - dt.timedelta(days=ZH_RELATIVE_DAYS[m.group("zrel")])
    return anchor - dt.timedelta(days=1 if m.group("rel").lower() == "yesterday" else 0)




def _boundary_ok(low: str, start: int, group: str) -> bool:
    return start == 0 or low[start - 1] not in _NOT_BEFORE.get(group, "")


def _num(text: str) -> int:
    """Arabic, full-width or Chinese numerals ('二〇二五', '十一', '三十一') -> int."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if "十" in text:  # 十 = 10, 十一 = 11, 二十 = 20, 三十一 = 31
        head, _, tail = text.partition("十")
        return (ZH_DIGITS.get(head, 1) if head else 1) * 10 + (ZH_DIGITS.get(tail, 0) if tail else 0)
    return int("".join(str(ZH_DIGITS[c]) for c in text))


def make_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class DateMatch(NamedTuple):
    start: int
    end: int
    year: int | None  # None when the text gives no year
    month: int
    day: int


def find_dates(text: str) -> Iterator[DateMatch]:
    """Every absolute or partial (no year) calendar date in `text`, valid month and day only."""
    low = lower_same_length(text)
    matches = sorted(list(confirmed_finditer(DATE_NUM_SCAN, DATE_NUM_RE, low))
                     + list(confirmed_finditer(DATE_MON_SCAN, DATE_MON_RE, low)), key=lambda m: m.start())
    last_end = -1
    for m in matches:
        g = m.groupdict()
        first = next(k for k in ("zy", "pm", "iy", "dd", "mon") if g.get(k))
        if m.start() < last_end or not _boundary_ok(low, m.start(), first):
            continue
        try:
            if first == "zy":
                y, mo, d = _num(g["zy"]), _num(g["zm"]), _num(g["zd"])
            elif first == "pm":
                y, mo, d = None, _num(g["pm"]), _num(g["pd"])
            elif first == "iy":
                y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
            elif first == "dd":
                y, mo, d = (int(g["dy"]) if g["dy"] else None), MONTHS[g["dmon"].rstrip(".")], int(g["dd"])
            else:
                y, mo, d = (int(g["my"]) if g["my"] else None), MONTHS[g["mon"].rstrip(".")], int(g["md"])
        except (KeyError, ValueError):
            continue
        if not (1 <= mo <= 12 and 1 <= d <= 31) or make_date(y if y else 2000, mo, d) is None:
            continue
        if first == "mon" and g["mon"] in ("may", "mar") and not g.get("my") and text[m.start()].islower():
            continue  # "may 5" / "mar 3" in running text are a verb and a noun, not dates
        last_end = m.end()
        yield DateMatch(m.start(), m.end(), y, mo, d)


def nearest_year(month: int, day: int, anchor: dt.date) -> int:
    """The year that puts month/day closest to the anchor date (news: 'Dec. 1' in an October story)."""
    best = anchor.year
    best_gap = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        d = make_date(year, month, day)
        if d is None:
            continue
        gap = abs((d - anchor).days)
        if best_gap is None or gap < best_gap:
            best, best_gap = year, gap
    return best


def resolve_weekday(weekday: str, anchor: dt.date) -> dt.date:
    """'Thursday' in a story dated `anchor`: the latest such day on or before the anchor."""
    target = WEEKDAYS[weekday.lower()]
    return anchor - dt.timedelta(days=(anchor.weekday() - target) % 7)


def parse_date(text: str, anchor: dt.date | None = None) -> dt.date | None:
    """One date written in any supported form -> date (year from `anchor` when missing)."""
    for m in find_dates(text.strip()):
        year = m.year if m.year is not None else (nearest_year(m.month, m.day, anchor) if anchor else None)
        return make_date(year, m.month, m.day)
    return None


# --------------------------------------------------------------------------------- control codes

# Chinese dual-use list numbers: digit category, letter group A-E, three digits, optional
# lower-case sub-items (1C902.a, 1E902.b, 2B902.z, 1C913, 1C001.a.1).
CONTROL_CODE_RE = re.compile(r"(?<![0-9A-Za-z])([0-9][A-E][0-9]{3})((?:\s?\.\s?[a-z0-9]{1,2}(?![0-9A-Za-z]))*)(?![0-9A-Za-z])")


def normalize_control_code(text: str) -> str | None:
    """'1C902.a' -> '1C902.a'; ' 1c902 . A ' -> '1C902.a'; anything else -> None."""
    compact = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"([0-9])([A-Ea-e])([0-9]{3})((?:\.[A-Za-z0-9]{1,2})*)", compact)
    if not m:
        return None
    return f"{m.group(1)}{m.group(2).upper()}{m.group(3)}{m.group(4).lower()}"


def control_category(code: str) -> str:
    """The letter group: A/B equipment, C materials, D software, E technology."""
    return code[1].upper() if len(code) > 1 else ""


# -------------------------------------------------------------------------------------- HS codes

# 8 or 10 digits, possibly printed with dots or spaces between groups (2805.30.1910, 2805 30 19 10).
HS_NUMBER_RE = re.compile(r"(?<![\w.\-/])(\d{4}(?:[. ]?\d{2}){2}(?:[. ]?\d{2})?)(?![\w\-/]|\.\d)")


def normalize_hs_code(text: str) -> str | None:
    """'2805.30.1910' -> '2805301910'; 8 or 10 digits only (a 9-digit number is not an HS code)."""
    digits = re.sub(r"[.\s]", "", text)
    if not digits.isdigit() or len(digits) not in (8, 10):
        return None
    if digits[:2] == "00" or int(digits[:2]) > 97:  # HS chapters run 01-97
        return None
    return digits


# -------------------------------------------------------------------------------- announcements

ZH_ISSUERS = r"(?:商务部|海关总署|国家发展和改革委员会|国家发展改革委|工业和信息化部|科技部|公安部|国家国防科技工业局|" \
             r"国家原子能机构|中央军委装备发展部|国家税务总局|市场监管总局|财政部|外交部)"
# Each regex begins with a literal (公告, 第, announcement, mofcom-, no.) so scanning is fast; the
# issuer before 公告 and the year before a 第…号 list are read backwards from the match.
ZH_ANN_RE = re.compile(r"公告\s*(?:[〔\[［(（]\s*(?P<by>\d{4})\s*[〕\]］)）]|(?P<ay>\d{4})\s*年)\s*第?\s*(?P<an>\d{1,3})\s*号")
ZH_LIST_RE = re.compile(r"第\s*\d{1,3}\s*号(?:\s*[、，,和及与]\s*第\s*\d{1,3}\s*号)*\s*公告")
ZH_ISSUER_BEFORE_RE = re.compile(rf"(?:{ZH_ISSUERS}[\s　、，和与及]*)+$")
ZH_YEAR_BEFORE_RE = re.compile(r"(\d{4})\s*年\s*$")
EN_ANN_RE = re.compile(
    r"announcements?\s*(?:(?:\[(?P<by>\d{4})\]|(?P<ay>\d{4}))\s*)?"
    r"(?P<list>nos?\s*\.?\s*\d{1,3}(?:\s*(?:,|and|&)\s*(?:no\.?\s*)?\d{1,3})*)"
    r"(?:\s*(?:of|,|\[|\()\s*(?P<oy>\d{4})[\])]?)?"
    r"|mofcom-(?P<iy>\d{4})-(?P<in>\d{1,3})(?!\d)"
    r"|no\.\s*(?P<nn>\d{1,3})\s+(?:of\s+(?P<ny>\d{4})\s+)?announcement"
)
EN_ISSUER_BEFORE_RE = re.compile(r"(?:mofcom|ministry of commerce|commerce ministry)(?:['’]s)?\s+"
                                 r"(?:and\s+(?:the\s+)?(?:general administration of customs|gacc)\s+)?$")


def announcement_id(year: int | str, number: int | str) -> str:
    return f"MOFCOM-{int(year)}-{int(number)}"


def parse_announcement_id(text: str) -> str | None:
    """'MOFCOM-2025-18' -> itself; any supported surface form -> the id (None without a year)."""
    refs = list(find_announcements(text))
    return refs[0].value if refs and refs[0].value else None


class AnnouncementMatch(NamedTuple):
    start: int
    end: int
    year: int | None
    number: int
    mofcom: bool  # False when the issuer is named and is not MOFCOM (another ministry's act)

    @property
    def value(self) -> str | None:
        return announcement_id(self.year, self.number) if self.year else None


def find_announcements(text: str) -> list[AnnouncementMatch]:
    """Every announcement reference in text order; a list ('第55号、第56号公告', 'Nos. 55 and 56')
    gives one each, located at its own number so evidence points at the right part of the list."""
    return sorted(_find_announcements(text))


def _find_announcements(text: str) -> Iterator[AnnouncementMatch]:
    for m in ZH_ANN_RE.finditer(text):
        iss = ZH_ISSUER_BEFORE_RE.search(text, max(0, m.start() - 60), m.start())
        start = iss.start() if iss else m.start()
        mofcom = iss is None or "商务部" in iss.group(0)
        yield AnnouncementMatch(start, m.end(), int(m.group("by") or m.group("ay")), int(m.group("an")), mofcom)
    for m in ZH_LIST_RE.finditer(text):
        if text[max(0, m.start() - 12):m.start()].rstrip().endswith(("公告", "〕", "]", "］")) or \
                re.search(r"公告\s*\d{4}\s*年\s*$", text[max(0, m.start() - 12):m.start()]):
            continue  # the 第N号 of a full reference (公告2025年第18号公告 is rare; 第18号 after 公告 is taken)
        yr = ZH_YEAR_BEFORE_RE.search(text, max(0, m.start() - 8), m.start())
        year = int(yr.group(1)) if yr else None
        items = list(re.finditer(r"第\s*(\d{1,3})\s*号", m.group(0)))
        for i, item in enumerate(items):
            s = (yr.start() if yr else m.start()) if i == 0 else m.start() + item.start()
            e = m.end() if len(items) == 1 else m.start() + item.end()
            yield AnnouncementMatch(s, e, year, int(item.group(1)), True)
    low = lower_same_length(text)
    for m in EN_ANN_RE.finditer(low):
        if m.start() and low[m.start() - 1].isalnum():
            continue
        if m.group("iy"):
            yield AnnouncementMatch(m.start(), m.end(), int(m.group("iy")), int(m.group("in")), True)
            continue
        if m.group("nn"):
            yield AnnouncementMatch(m.start(), m.end(), int(m.group("ny")) if m.group("ny") else None,
                                    int(m.group("nn")), True)
            continue
        pre = EN_ISSUER_BEFORE_RE.search(low, max(0, m.start() - 70), m.start())
        y = m.group("by") or m.group("ay") or m.group("oy")
        base = m.start("list")
        items = list(re.finditer(r"\d{1,3}", m.group("list")))
        for i, item in enumerate(items):
            s = (pre.start() if pre else m.start()) if i == 0 else base + item.start()
            e = m.end() if len(items) == 1 else base + item.end()
            yield AnnouncementMatch(s, e, int(y) if y else None, int(item.group(0)), True)
