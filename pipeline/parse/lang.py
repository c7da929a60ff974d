"""Language and date facts about a piece of text, shared by every parser.

Both depend on the writing system rather than on the file format: the language is read from the
share of CJK ideographs, and dates come in Chinese (2025年10月9日), ISO (2025-10-09) and English
(October 9, 2025 / 9 Oct 2025) forms. Month names and the zh threshold live in
config/parse/text.yml.

This is the bottom module of the parse package, so it also loads the parse data files
(`load("html")` -> config/parse/html.yml).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline import config

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# CJK ideographs plus CJK/full-width punctuation: text that is written without spaces.
CJK_OR_PUNCT_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
                             r"\U00020000-\U0002ffff]")


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """The data file config/parse/<name>.yml (EXPORTWATCH_CONFIG first, then the repo's copy)."""
    for base in (config.CONFIG_DIR, config.ROOT / "config"):
        path = Path(base) / "parse" / f"{name}.yml"
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raise FileNotFoundError(f"config/parse/{name}.yml not found")


def is_cjk(ch: str) -> bool:
    """True for an ideograph or CJK punctuation (characters joined without spaces)."""
    return bool(ch) and CJK_OR_PUNCT_RE.match(ch) is not None


def detect_lang(text: str) -> str | None:
    """'zh' or 'en' by the share of CJK ideographs among letters; None when there are no letters."""
    cjk = len(CJK_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    if cjk + latin == 0:
        return None
    return "zh" if cjk / (cjk + latin) >= float(load("text").get("zh_min_share", 0.2)) else "en"


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    months = load("text")["months"]
    names = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    return [
        (re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "ymd"),
        (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), "ymd"),
        (re.compile(rf"\b({names})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), "mdy"),
        (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({names})\.?,?\s+(\d{{4}})\b", re.I), "dmy"),
    ]


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Every date in `text` as (start, end, 'YYYY-MM-DD'), in order of position."""
    months = load("text")["months"]
    found: list[tuple[int, int, str]] = []
    for regex, order in _patterns():
        for m in regex.finditer(text):
            a, b, c = m.groups()
            if order == "ymd":
                iso = _iso(int(a), int(b), int(c))
            elif order == "mdy":
                iso = _iso(int(c), months[a.lower()], int(b))
            else:
                iso = _iso(int(c), months[b.lower()], int(a))
            if iso and not any(s <= m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), iso))
    return sorted(found)


def first_date(text: str | None) -> str | None:
    """The first date in `text`, as YYYY-MM-DD (also reads ISO 8601 timestamps)."""
    if not text:
        return None
    dates = find_dates(text)
    return dates[0][2] if dates else None


def is_date_line(text: str) -> bool:
    """True when the line is nothing but a date (a signature date such as '2025年4月4日')."""
    dates = find_dates(text)
    return len(dates) == 1 and dates[0][0] == 0 and dates[0][1] >= len(text.rstrip(" 。."))
