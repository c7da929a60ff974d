"""PDF parser: the No. 61 annex (3 pages, 5 bordered tables), the pypdfium2 fallback, bad PDFs."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pipeline.parse import parse, pdf
from pipeline.records import Document, Raw

ROOT = Path(__file__).resolve().parent.parent
ANNEX = ROOT / "corpus/site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805262.pdf"
BAD = ROOT / "tests/fixtures/bad"
HEADER = ["序号", "物项名称", "物项说明", "对应出口管制编码"]


def annex() -> Document:
    return parse(Raw(content=ANNEX.read_bytes(), source="site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/"
                                                       "P020251009537180805262.pdf"))


def lines(doc: Document, kind: str | None = None) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks if kind is None or b.kind == kind]


def test_annex_identity_and_dates() -> None:
    doc = annex()
    assert doc.error is None and doc.media_type == "application/pdf"
    assert doc.parser == "pdf:pdfplumber-0.11.10"
    assert doc.title == "境外相关稀土物项清单" and doc.lang == "zh"
    assert doc.published == "2025-10-09"  # from the running footer
    assert doc.meta["Subject"] == "商务部公告2025年第61号附件1" and doc.meta["CreationDate.date"] == "2025-10-09"


def test_annex_tables() -> None:
    doc = annex()
    assert [t.page for t in doc.tables] == [1, 2, 2, 2, 3]
    assert all(t.rows[0] == HEADER for t in doc.tables)  # header row repeated on each page
    rows = [row for t in doc.tables for row in t.rows[1:]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 29)]
    assert rows[0] == ["1", "金属钐", "单质金属钐，包括锭、块、屑、粉等各种形态", "1C902.a"]
    assert rows[12] == ["13", "氧化铽", "氧化铽及其混合物", "1C904.b"]
    assert rows[14][2] == "含铽的烧结、粘结钕铁硼永磁体及其毛坯，包括经切割、磨削、镀覆等初级加工制成的磁钢、磁环、磁块"


def test_annex_text_has_rows_once_in_reading_order_with_pages() -> None:
    doc = annex()
    text = lines(doc)
    assert "\n".join(text) == doc.text and all(b.page in (1, 2, 3) for b in doc.blocks)
    row = "1 | 金属钐 | 单质金属钐，包括锭、块、屑、粉等各种形态 | 1C902.a"
    block = next(b for b in doc.blocks if doc.text[b.start:b.end] == row)
    assert block.kind == "table_row" and block.page == 1
    # table content is not repeated by the page text
    assert doc.text.count("1C904.b") == 1 and doc.text.count("以铽、镝、铁为主要成分的合金") == 1
    assert text.index("第二部分 境外制造的相关稀土物项") < text.index("（一）稀土永磁材料") \
        < text.index("14 | 钐钴永磁材料 | 烧结、粘结钐钴永磁体及其毛坯 | 1C902.a") < text.index("（二）稀土靶材")
    assert "第一部分 原产于中国的相关稀土物项" in lines(doc, "heading")
    assert len(lines(doc, "table_row")) == 28 + 5


def test_annex_wrapped_notes_joined_and_running_lines_kept_once() -> None:
    doc = annex()
    notes = lines(doc, "list_item")
    assert any("且第一部分物项价值占比达到0.1%及以上的，适用本公告第一条第（一）项的规定。" in n for n in notes)
    assert any(n.endswith("中的对应编码，仅供参考；未列明编码的，不影响本清单的适用。") for n in notes)
    assert doc.text.count("第 1 页 共 3 页") == 1 and "第 2 页" not in doc.text
    assert doc.text.count("商务部公告2025年第61号附件1") == 2  # running header + footer, first page only


def test_each_page_is_closed_before_the_next_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    close, read = pdfplumber.page.Page.close, pdf._read_page

    def closing(self: pdfplumber.page.Page) -> None:
        events.append(f"close {self.page_number}")
        close(self)

    def reading(page: pdfplumber.page.Page, number: int) -> pdf.Page:
        events.append(f"read {number}")
        return read(page, number)

    monkeypatch.setattr(pdfplumber.page.Page, "close", closing)
    monkeypatch.setattr(pdf, "_read_page", reading)
    pdf.parse(Raw(content=ANNEX.read_bytes(), source="annex.pdf"))  # in-process: parse() forks for PDFs
    assert events[:6] == ["read 1", "close 1", "read 2", "close 2", "read 3", "close 3"]


def test_cid_pages_are_reread_with_pypdfium2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A font without a Unicode map makes pdfplumber return (cid:N); simulate it on page 2."""
    real = pdf._read_page

    def garbled(page: object, number: int) -> pdf.Page:
        out = real(page, number)
        if number == 2:
            out.bad = 0.9
            out.items = [pdf.Item(i.top, "(cid:12)(cid:34)(cid:56)", i.bottom, i.x1) for i in out.items]
        return out

    monkeypatch.setattr(pdf, "_read_page", garbled)
    doc = annex()
    assert any("page 2" in w and "(cid:N)" in w and "pypdfium2" in w for w in doc.warnings)
    assert doc.parser == "pdf:pdfplumber-0.11.10+pypdfium2-5.15.2"
    assert "(cid:" not in doc.text and "氧化铽" in doc.text
    assert {b.page for b in doc.blocks if "钐靶" in doc.text[b.start:b.end]} == {2}
    assert [t.page for t in doc.tables] == [1, 3]  # page 2's garbled tables are not kept


def test_image_only_scan_has_no_text_layer() -> None:
    doc = parse(Raw(content=(BAD / "image-only-scan.pdf").read_bytes(), source="bad/image-only-scan.pdf"))
    assert doc.error and doc.error.startswith("no text layer (scanned image?)")
    assert doc.text == "" and doc.blocks == []


def test_truncated_pdf_is_a_clear_error() -> None:
    doc = parse(Raw(content=(BAD / "truncated-annex.pdf").read_bytes(), source="bad/truncated-annex.pdf"))
    assert doc.error and "damaged or truncated" in doc.error and "Unexpected EOF" in doc.error


@pytest.mark.parametrize("content,message", [(b"", "empty file"), (b"hello, not a pdf", "not a PDF"),
                                             (b"%PDF-1.7\n" + b"\x00garbage" * 50, "cannot open PDF")])
def test_not_pdfs(content: bytes, message: str) -> None:
    doc = pdf.parse(Raw(content=content, source="x.pdf"))
    assert doc.error and message in doc.error


def test_generated_english_pdf_paragraphs_and_running_footer() -> None:
    """A two-page PDF without tables: wrapped lines become paragraphs, the footer is kept once."""
    fpdf = pytest.importorskip("fpdf")
    doc_pdf = fpdf.FPDF()
    doc_pdf.set_auto_page_break(False)
    sentence = ("The ministry said that exporters of the listed items must apply for a licence before "
                "shipping, and that approvals for civilian uses would be granted in accordance with the law. ")
    for number in (1, 2):
        doc_pdf.add_page()
        doc_pdf.set_font("Helvetica", size=11)
        doc_pdf.set_y(15)
        doc_pdf.cell(0, 6, "Export Control Bulletin", align="C", new_x="LMARGIN", new_y="NEXT")
        if number == 1:
            doc_pdf.cell(0, 8, "Date: 9 October 2025", new_x="LMARGIN", new_y="NEXT")
            doc_pdf.cell(0, 8, "1. Scope", new_x="LMARGIN", new_y="NEXT")
        doc_pdf.multi_cell(0, 6, sentence * 3, new_x="LMARGIN", new_y="NEXT")
        doc_pdf.set_y(280)
        doc_pdf.cell(0, 6, f"Bulletin 2025/10 - page {number} of 2", align="C")
    result = pdf.parse(Raw(content=bytes(doc_pdf.output()), source="bulletin.pdf"))
    assert result.error is None and result.lang == "en" and result.published == "2025-10-09"
    body = [result.text[b.start:b.end] for b in result.blocks if b.kind == "paragraph"]
    assert len(body) == 2 and all(p == (sentence * 3).strip() for p in body)
    assert [b.page for b in result.blocks if b.kind == "paragraph"] == [1, 2]
    assert result.text.count("Export Control Bulletin") == 1 and result.text.count("Bulletin 2025/10") == 1
    assert "1. Scope" in [result.text[b.start:b.end] for b in result.blocks if b.kind == "list_item"]
