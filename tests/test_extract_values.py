"""Values: every value, rendered in each surface form documents use, must come back as itself.

Property tests generate values (dates, control codes, HS codes, announcement ids), render them
the way Chinese and English documents print them, embed them in running text and assert the
round trip through the real path (view tokenizer, one scan, the value readers); example tests pin
the negatives (ICP numbers, phone numbers, 9-digit numbers).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import components as comp
from pipeline.extract import values
from pipeline.extract.build import assemble

_NLP: dict[str, Any] = {}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@pytest.fixture(scope="module", autouse=True)
def pipelines() -> None:
    """Assembled once, before the timed property tests run."""
    for lang in ("zh", "en"):
        _NLP.setdefault(lang, assemble(lang))


def scan(text: str) -> comp.Scan:
    lang = "en" if text.isascii() else "zh"
    if lang not in _NLP:
        _NLP[lang] = assemble(lang)
    return _NLP[lang](text).user_data["ew_scan"]


def dates_in(text: str, anchor: dt.date | None = None) -> list[tuple[str, str]]:
    s = scan(text)
    return [(s.text[a:b], v) for a, b, v in comp.find_dates(s, anchor)]


def codes_in(text: str) -> list[str]:
    s = scan(text)
    return [values.normalize_control_code(s.text[h.start:h.end]) for h in s.family("control_code")]


def hs_in(text: str) -> list[str | None]:
    s = scan(text)
    return [values.normalize_hs_code(s.text[h.start:h.end]) for h in s.family("hs_number")]


def acts_in(text: str) -> list[values.ActRef]:
    return comp.act_references(scan(text))

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
ABBR = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
ZH_DIGIT = "〇一二三四五六七八九"

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2049, 12, 31))


def zh_numeral(n: int) -> str:
    if n < 10:
        return ZH_DIGIT[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ZH_DIGIT[tens]) + "十" + (ZH_DIGIT[ones] if ones else "")


def render_date(d: dt.date, form: int) -> str:
    return [
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}年{d.month:02d}月{d.day:02d}日",
        "".join(ZH_DIGIT[int(c)] for c in str(d.year)) + f"年{zh_numeral(d.month)}月{zh_numeral(d.day)}日",
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month:02d}.{d.day:02d}",
        f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}",
        f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
        f"{ABBR[d.month - 1]} {d.day}, {d.year}",
        f"{d.day} {ABBR[d.month - 1]} {d.year}",
    ][form]


@given(dates, st.integers(0, 9), st.sampled_from(["", "本公告自", "on ", "（", "issued "]),
       st.sampled_from(["", "起实施。", ", the ministry said.", "）", " and"]))
def test_date_round_trip_in_every_form(d: dt.date, form: int, before: str, after: str) -> None:
    text = before + render_date(d, form) + after
    assert dates_in(text) == [(render_date(d, form), d.isoformat())], text


@given(dates, st.integers(-120, 240))
def test_partial_dates_take_the_nearest_year(d: dt.date, offset: int) -> None:
    """'10月9日' / 'Oct. 9' in a story dated near the date resolve to the date's own year: up to
    120 days after the story's date (a start date announced ahead), up to 240 days before it (texts
    look back more than forward: 'April 4' in a November report is last April)."""
    anchor = d + dt.timedelta(days=offset)
    for text in (f"{d.month}月{d.day}日", f"{ABBR[d.month - 1]} {d.day}", f"{d.day} {EN_MONTHS[d.month - 1]}"):
        if d.month == 2 and d.day == 29:
            continue
        assert [v for _, v in dates_in(text, anchor)] == [d.isoformat()], text


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)), st.sampled_from(WEEKDAYS))
def test_weekday_is_the_latest_on_or_before_the_story_date(anchor: dt.date, weekday: str) -> None:
    (found,) = dates_in(f"The ministry said on {weekday.capitalize()} that", anchor)
    d = dt.date.fromisoformat(found[1])
    assert d.weekday() == WEEKDAYS.index(weekday) and 0 <= (anchor - d).days < 7


def test_invalid_and_non_dates() -> None:
    assert dates_in("2025年13月1日 2025-02-30 version 1.2.3 3.5.3") == []
    assert dates_in("Thursday") == []  # no page date to resolve it against
    assert dates_in("they may 5 times") == []


codes = st.builds(lambda c, g, n, subs: f"{c}{g}{n:03d}" + "".join("." + s for s in subs),
                  st.integers(0, 9), st.sampled_from("ABCDE"), st.integers(0, 999),
                  st.lists(st.sampled_from(list("abcdz") + ["1", "2"]), max_size=2))


@given(codes, st.sampled_from(["1. {} 金属钐：", "（{}）", "{}，", "code {}; ", "{}"]))
def test_control_code_round_trip(code: str, template: str) -> None:
    text = template.format(code)
    assert codes_in(text) == [code]
    assert values.normalize_control_code(code.lower().replace(".", " . ")) == code
    assert values.control_category(code) == code[1]


@pytest.mark.parametrize("text", ["X1C902.a", "1C9021", "11C902", "1F902.a", "ICP1C90"])
def test_not_control_codes(text: str) -> None:
    assert codes_in(text) == []


hs = st.builds(lambda ch, rest, ten: f"{ch:02d}{rest}" + (ten or ""), st.integers(1, 97),
               st.from_regex(r"[0-9]{6}", fullmatch=True), st.one_of(st.none(), st.from_regex(r"[0-9]{2}", fullmatch=True)))


@given(hs, st.integers(0, 2))
def test_hs_code_round_trip(code: str, form: int) -> None:
    printed = [code, f"{code[:4]}.{code[4:6]}.{code[6:]}", " ".join([code[:4], code[4:6], code[6:]])][form]
    text = f"（参考海关商品编号：{printed}）"
    assert hs_in(text) == [code]


@pytest.mark.parametrize("text", ["123456789", "12345678901", "9812345678", "0012345678"])
def test_hs_code_rejects_wrong_lengths_and_chapters(text: str) -> None:
    assert values.normalize_hs_code(text) is None


years = st.integers(2000, 2039)
numbers = st.integers(1, 199)


@given(years, numbers, st.integers(0, 12))
def test_announcement_id_round_trip(year: int, number: int, form: int) -> None:
    text = [
        f"商务部 海关总署公告{year}年第{number}号",
        f"商务部公告{year}年第{number}号",
        f"商务部公告〔{year}〕第{number}号",
        f"Announcement No. {number} of {year} of the Ministry of Commerce",
        f"MOFCOM Announcement [{year}] No. {number}",
        f"MOFCOM Announcement No. {number} [{year}]",
        f"MOFCOM-{year}-{number}",
        f"关于暂停实施{year}年第{number}号公告的公告",
        f"商务部公告{year}第{number}号",
        f"商务部公告（{year}）第{number}号",
        f"MOFCOM Announcement {year} No. {number}",
        f"Notice No. {number} ({year})",
        f"the ministry's announcement No. {number} of {year}",
    ][form]
    refs = acts_in(text)
    assert refs and refs[0].value == f"MOFCOM-{year}-{number}", text


@given(years, st.lists(numbers, min_size=2, max_size=6, unique=True))
def test_announcement_lists_give_one_id_each(year: int, nums: list[int]) -> None:
    zh = f"{year}年" + "、".join(f"第{n}号" for n in nums) + "公告"
    en = "Announcements Nos. " + ", ".join(map(str, nums[:-1])) + f" and {nums[-1]} of {year}"
    for text in (zh, en):
        refs = acts_in(text)
        assert [r.value for r in refs] == [f"MOFCOM-{year}-{n}" for n in nums], text
        assert all(scan(text).text[r.start:r.end] for r in refs)


def test_announcement_ranges_expand() -> None:
    for text in ("MOFCOM's Notices No. 55–58 (2025)", "Announcements Nos. 55 to 58 of 2025",
                 "商务部公告2025年第55号至58号"):
        assert [r.number for r in acts_in(text)] == [55, 56, 57, 58], text
    refs = acts_in("announcements (Nos. 55 to 58 and 61, 62) of 2025")
    assert [r.number for r in refs] == [55, 56, 57, 58, 61, 62]


def test_announcement_issuer_and_missing_year() -> None:
    (other,) = acts_in("海关总署公告2024年第3号")
    assert other.mofcom is False
    (bare,) = acts_in("第61号公告")
    assert bare.year is None and bare.number == 61
    assert acts_in("商电发〔2025〕163号 商办消费函〔2025〕87号 京ICP备05004198号 国务院令第792号") == []
    (uel,) = acts_in("不可靠实体清单工作机制公告〔2025〕8号")
    assert uel.value == "UEL-2025-8"


def test_chinese_relative_dates_resolve_against_the_story_date() -> None:
    anchor = dt.date(2024, 12, 4)  # a Wednesday
    found = dict(dates_in("商务部昨日发布公告，周二已有消息，今天生效", anchor))
    assert found == {"昨日": "2024-12-03", "周二": "2024-12-03", "今天": "2024-12-04"}
    assert dates_in("每周一次例会，下周一公布", anchor) == []
