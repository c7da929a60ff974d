"""Normalisers: every value, rendered in each surface form documents use, must come back as itself.

Property tests generate values (dates, control codes, HS codes, announcement ids), render them
the way Chinese and English documents print them, embed them in running text and assert the
round trip; example tests pin the negatives (ICP numbers, phone numbers, 9-digit numbers).
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import normalize as nz

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
    found = list(nz.find_dates(text))
    assert len(found) == 1, (text, found)
    m = found[0]
    assert (m.year, m.month, m.day) == (d.year, d.month, d.day)
    assert text[m.start:m.end] == render_date(d, form)


@given(dates, st.integers(-150, 150))
def test_partial_dates_take_the_nearest_year(d: dt.date, offset: int) -> None:
    """'10月9日' / 'Oct. 9' in a story dated near the date resolve to the date's own year."""
    anchor = d + dt.timedelta(days=offset)
    for text in (f"{d.month}月{d.day}日", f"{ABBR[d.month - 1]} {d.day}", f"{d.day} {EN_MONTHS[d.month - 1]}"):
        if d.month == 2 and d.day == 29:
            continue
        assert nz.parse_date(text, anchor=anchor) == d, text


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)), st.sampled_from(list(nz.WEEKDAYS)))
def test_weekday_is_the_latest_on_or_before_the_story_date(anchor: dt.date, weekday: str) -> None:
    d = nz.resolve_weekday(weekday.capitalize(), anchor)
    assert d.weekday() == nz.WEEKDAYS[weekday] and 0 <= (anchor - d).days < 7


def test_invalid_and_non_dates() -> None:
    assert list(nz.find_dates("2025年13月1日 2025-02-30 version 1.2.3 3.5.3")) == []
    assert nz.parse_date("Thursday") is None
    assert [(m.month, m.day) for m in nz.find_dates("they may 5 times")] == []


codes = st.builds(lambda c, g, n, subs: f"{c}{g}{n:03d}" + "".join("." + s for s in subs),
                  st.integers(0, 9), st.sampled_from("ABCDE"), st.integers(0, 999),
                  st.lists(st.sampled_from(list("abcdz") + ["1", "2"]), max_size=2))


@given(codes, st.sampled_from(["1. {} 金属钐：", "（{}）", "{}，", "code {}; ", "{}"]))
def test_control_code_round_trip(code: str, template: str) -> None:
    text = template.format(code)
    found = [nz.normalize_control_code(m.group(0)) for m in nz.CONTROL_CODE_RE.finditer(text)]
    assert found == [code]
    assert nz.normalize_control_code(code.lower().replace(".", " . ")) == code
    assert nz.control_category(code) == code[1]


@pytest.mark.parametrize("text", ["X1C902.a", "1C9021", "11C902", "1F902.a", "ICP1C90"])
def test_not_control_codes(text: str) -> None:
    assert [m.group(0) for m in nz.CONTROL_CODE_RE.finditer(text)] == []


hs = st.builds(lambda ch, rest, ten: f"{ch:02d}{rest}" + (ten or ""), st.integers(1, 97),
               st.from_regex(r"\d{6}", fullmatch=True), st.one_of(st.none(), st.from_regex(r"\d{2}", fullmatch=True)))


@given(hs, st.integers(0, 2))
def test_hs_code_round_trip(code: str, form: int) -> None:
    printed = [code, f"{code[:4]}.{code[4:6]}.{code[6:]}", " ".join([code[:4], code[4:6], code[6:]])][form]
    text = f"（参考海关商品编号：{printed}）"
    found = [nz.normalize_hs_code(m.group(1)) for m in nz.HS_NUMBER_RE.finditer(text)]
    assert found == [code]


@pytest.mark.parametrize("text", ["123456789", "12345678901", "9812345678", "0012345678"])
def test_hs_code_rejects_wrong_lengths_and_chapters(text: str) -> None:
    assert nz.normalize_hs_code(text) is None


years = st.integers(2000, 2039)
numbers = st.integers(1, 199)


@given(years, numbers, st.integers(0, 7))
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
    ][form]
    assert nz.parse_announcement_id(text) == f"MOFCOM-{year}-{number}"


@given(years, st.lists(numbers, min_size=2, max_size=6, unique=True))
def test_announcement_lists_give_one_id_each(year: int, nums: list[int]) -> None:
    zh = f"{year}年" + "、".join(f"第{n}号" for n in nums) + "公告"
    en = "Announcements Nos. " + ", ".join(map(str, nums[:-1])) + f" and {nums[-1]} of {year}"
    for text in (zh, en):
        refs = list(nz.find_announcements(text))
        assert [r.value for r in refs] == [f"MOFCOM-{year}-{n}" for n in nums], text
        assert all(text[r.start:r.end] for r in refs)


def test_announcement_issuer_and_missing_year() -> None:
    (other,) = nz.find_announcements("海关总署公告2024年第3号")
    assert other.mofcom is False
    (bare,) = nz.find_announcements("第61号公告")
    assert bare.year is None and bare.number == 61
    assert list(nz.find_announcements("商电发〔2025〕163号 商办消费函〔2025〕87号 京ICP备05004198号")) == []


def test_chinese_relative_dates_resolve_against_the_story_date() -> None:
    anchor = dt.date(2024, 12, 4)  # a Wednesday
    found = {m.group(0): nz.relative_date(m, anchor) for m in nz.RELATIVE_RE.finditer("商务部昨日发布公告，周二已有消息，今天生效")}
    assert found == {"昨日": dt.date(2024, 12, 3), "周二": dt.date(2024, 12, 3), "今天": anchor}
    assert not list(nz.RELATIVE_RE.finditer("每周一次例会，下周一公布"))
