"""Plain-text parser and the shared text helpers (language, dates, line kinds, whitespace)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.parse import encoding, parse, text
from pipeline.parse.lang import detect_lang, find_dates
from pipeline.records import Raw

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests/fixtures/bad"


def lines(doc):  # type: ignore[no-untyped-def]
    return [doc.text[b.start:b.end] for b in doc.blocks]


def test_mojibake_mixed_is_repaired_line_by_line() -> None:
    doc = parse(Raw(content=(BAD / "mojibake-mixed.txt").read_bytes(), source="bad/mojibake-mixed.txt"))
    assert doc.error is None and doc.media_type == "text/plain" and doc.encoding == "utf-8"
    assert lines(doc) == [
        "MOFCOM notice digest - exported from a CMS with a broken charset step",
        "商务部公告2025年第61号 公布对境外相关稀土物项实施出口管制的决定",
        "商务部公告2025年第62号 公布对稀土相关技术实施出口管制的决定",
        "The ministry said the rules take effect on publication.",
        "“Compliant civilian applications will be approved” — the ministry’s spokesperson said.",
        "1E902.a 稀土开采、冶炼分离、金属冶炼、磁材制造相关技术",
        "1E902.b 生产线装配、调试、维护、维修、升级等技术",
        "Effective date: 2025年10月9日 – suspended until 2026年11月10日"]
    assert doc.title == lines(doc)[0] and doc.blocks[0].kind == "title"
    assert doc.published is None  # "Effective date" is not a publication date
    assert any("ftfy" in w for w in doc.warnings) and doc.lang == "zh"


def test_hard_wrapped_text_is_joined_into_paragraphs() -> None:
    body = ("Date: 2025-10-09\n\n"
            "The Ministry of Commerce announced on Thursday that exports of certain rare\n"
            "earth items will require a licence, and that the measures take effect at\n"
            "once for all exporters, the ministry said in a statement on its website.\n\n"
            "A second paragraph follows here, written to be long enough to wrap onto\n"
            "another line of the same width as the lines of the paragraph above it.\n")
    doc = text.parse(Raw(content=body.encode(), source="a.txt"))
    assert lines(doc)[1].startswith("The Ministry") and lines(doc)[1].endswith("on its website.")
    assert "rare earth items" in doc.text and len(doc.blocks) == 3 and doc.published == "2025-10-09"


def test_gbk_text_file_is_detected() -> None:
    content = "商务部公告2025年第61号\n公布对境外相关稀土物项实施出口管制的决定。\n发布日期：2025年10月9日\n".encode("gbk")
    doc = text.parse(Raw(content=content, source="a.txt"))
    assert "稀土物项" in doc.text and doc.encoding in ("gb18030", "gbk", "gb2312")
    assert doc.published == "2025-10-09" and doc.lang == "zh"


def test_empty_and_binary_text() -> None:
    assert text.parse(Raw(content=b"", source="a.txt")).error == "empty file"
    assert "binary" in (text.parse(Raw(content=bytes(range(256)) * 4, source="a.txt")).error or "")


@pytest.mark.parametrize("sample,lang", [("商务部公告2025年第18号 1C902.a", "zh"), ("Export controls on rare earths", "en"),
                                         ("The ministry named 钐 and 钆 in its notice on exports", "en"),
                                         ("2025-10-09 | 1234", None)])
def test_detect_lang(sample: str, lang: str | None) -> None:
    assert detect_lang(sample) == lang


def test_find_dates_formats() -> None:
    got = [d for _, _, d in find_dates("2025年4月4日, 2025-10-09T10:30, 2025/1/2, October 9, 2025, 9 Oct 2025, "
                                       "Sept. 16, 2025, 2025-02-30, 第2025年号")]
    assert got == ["2025-04-04", "2025-10-09", "2025-01-02", "2025-10-09", "2025-10-09", "2025-09-16"]


def test_normalize_line_keeps_cjk_intact() -> None:
    assert text.normalize_line("\u3000\u3000商务部\u3000海关总署\u00a0 公告\n") == "商务部 海关总署 公告"
    assert text.normalize_line("中华人民共和国\n   商务部") == "中华人民共和国商务部"
    assert text.normalize_line("rare\n earth\u200b") == "rare earth"


@pytest.mark.parametrize("line,kind", [("一、下列物项未经许可不得出口：", "heading"), ("第二部分 境外制造的相关稀土物项", "heading"),
                                       ("I. The following items", "heading"), ("（一）钐相关物项", "list_item"),
                                       ("1. 1C902.a 金属钐", "list_item"), ("1．第一部分所列物项", "list_item"),
                                       ("(a) samarium metal", "list_item"), ("【发文日期】2025年04月04日", "meta"),
                                       ("来源：安全与管制局 类型：原创", "meta"), ("2025年4月4日", "meta"),
                                       ("为维护国家安全和利益，依据规定。", "paragraph"), ("1.5% of the trade", "paragraph")])
def test_classify_line(line: str, kind: str) -> None:
    assert text.classify_line(line)[0] == kind


def test_lossy_em_dash_repair_spares_real_accents() -> None:
    fixed, warnings = encoding.repair("overseas transfers of these technologiesâwhether directly or not")
    assert fixed == "overseas transfers of these technologies—whether directly or not" and warnings
    assert encoding.repair("a château and a pâté in Câmara")[0] == "a château and a pâté in Câmara"
    assert encoding.repair("technologiesâwhether, said the café")[0] == "technologiesâwhether, said the café"
    assert encoding.repair("商务部（一）“出口”：，。")[0] == "商务部（一）“出口”：，。"
