"""Malformed inputs (tests/fixtures/bad, copied from ../shared/corpus/bad): every parser fails soft,
with a clear `error` where the input is unusable, and never raises (Hypothesis on random bytes)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parse import feed, html, parse, pdf, text
from pipeline.records import Document, Raw

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests/fixtures/bad"
SHARED_BAD = ROOT.parent / "shared" / "corpus" / "bad"


def bad(name: str) -> Document:
    return parse(Raw(content=(BAD / name).read_bytes(), source=f"bad/{name}"))


def test_fixture_copies_match_shared() -> None:
    if not SHARED_BAD.exists():
        pytest.skip(f"../shared not present: {SHARED_BAD} (the copies in tests/fixtures/bad are used)")
    for path in SHARED_BAD.iterdir():
        assert (BAD / path.name).read_bytes() == path.read_bytes(), path.name


def test_empty_file() -> None:
    doc = bad("empty.html")
    assert doc.error == "empty file" and doc.text == "" and doc.id == Raw(content=b"", source="").sha256


def test_random_binary_with_html_name() -> None:
    doc = bad("random-binary.html")
    assert doc.error and doc.error.startswith("not text/HTML") and doc.text == ""


def test_gbk_bytes_declared_utf8() -> None:
    doc = bad("gbk-declared-utf8.html")
    assert doc.error is None and doc.encoding == "gb18030"
    assert "镓" in doc.text and "锗" in doc.text and "商务部 海关总署公告2023年第23号" in doc.text
    assert "\ufffd" not in doc.text and doc.published == "2023-07-03"
    assert any("utf-8" in w and "not valid" in w for w in doc.warnings)


def test_nested_divs_do_not_recurse() -> None:
    assert sys.getrecursionlimit() < 5000  # the trap only works below the nesting depth
    doc = bad("nested-5000-divs.html")
    assert doc.error is None and doc.title == "商务部公告2025年第62号 公布对稀土相关技术实施出口管制的决定"
    assert "1E902.b 用于前项所列活动的生产线的装配、调试、维护、维修、升级等技术。" in doc.text
    assert "九、本公告自公布之日起正式实施。《中华人民共和国两用物项出口管制清单》同步更新。" in doc.text


def test_xss_markup_never_reaches_text() -> None:
    doc = bad("xss-title-body.html")
    assert doc.title == "商务部公告2025年第62号 公布对稀土相关技术实施出口管制的决定"
    assert "1E902.a 稀土开采" in doc.text and "九、本公告自公布之日起正式实施。" in doc.text
    values = [doc.text, doc.title, *doc.meta.values(), *(link.href + link.text for link in doc.links)]
    for value in values:
        for bad_part in ("<script", "<img", "<svg", "<iframe", "onerror", "onload", "onmouseover", "alert(",
                         "javascript:", "document.cookie", "<", ">"):
            assert bad_part not in value, (bad_part, value)
    assert doc.published == "2025-10-09"


def test_maintenance_page_reports_zero_entries() -> None:
    doc = bad("list-maintenance.html")
    assert doc.links == [] and not [link for link in doc.links if link.rel == "detail"]
    assert "page looks like a maintenance or error notice" in doc.warnings
    assert "系统维护中" in doc.text


def test_list_in_table_markup() -> None:
    doc = bad("list-table-markup.html")
    details = [link for link in doc.links if link.rel == "detail"]
    assert [d.date for d in details] == ["2025-11-07", "2025-10-28", "2025-10-09", "2025-10-09"]
    assert all(d.href.startswith("https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_") for d in details)
    assert details[3].text == "商务部公告2025年第62号 公布对稀土相关技术实施出口管制的决定"
    assert [n.href for n in doc.links if n.rel == "next"] == ["https://www.mofcom.gov.cn/zwgk/zcfb/index_1.html"]
    assert len(doc.tables) == 1 and doc.tables[0].rows[0] == ["序号", "标题", "发布日期"]
    assert "4 | 商务部公告2025年第62号 公布对稀土相关技术实施出口管制的决定 | [2025-10-09]" in doc.text


def test_bad_pdfs_feed_and_text() -> None:
    assert (bad("image-only-scan.pdf").error or "").startswith("no text layer (scanned image?)")
    assert "truncated" in (bad("truncated-annex.pdf").error or "")
    broken = bad("feed-broken.xml")
    assert broken.error and broken.links
    mojibake = bad("mojibake-mixed.txt")
    assert mojibake.error is None and "Ã" not in mojibake.text and "å" not in mojibake.text
    assert not any("\x80" <= ch <= "\x9f" for ch in mojibake.text)


PARSERS = [html.parse, pdf.parse, feed.parse, text.parse]
PREFIXES = [b"", b"%PDF-1.4\n", b"<html><body><p>", b"<?xml version='1.0'?><rss><channel><item><title>",
            b"\xef\xbb\xbf", b"<meta charset='gb2312'>"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2048))
def test_random_bytes_never_raise(prefix: bytes, body: bytes) -> None:
    content = prefix + body
    for parser in PARSERS:  # called directly: an exception would surface here
        doc = parser(Raw(content=content, source="fuzz"))
        assert isinstance(doc, Document) and doc.id == Raw(content=content, source="").sha256
        assert "\n".join(doc.text[b.start:b.end] for b in doc.blocks) == doc.text
    for name in ("x.html", "x.pdf", "x.xml", "x.txt"):
        doc = parse(Raw(content=content, source=name))
        assert not (doc.error or "").startswith("parser crashed")


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abp divscripttable&;#\n商务部　\u00a0")), max_size=400))
def test_random_markup_never_raises(markup: str) -> None:
    doc = html.parse(Raw(content=markup.encode("utf-8"), source="fuzz.html"))
    assert isinstance(doc, Document) and "<script" not in doc.text.replace("&lt;", "")
