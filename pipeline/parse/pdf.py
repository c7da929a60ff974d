"""PDF -> Document with pdfplumber, page by page; pypdfium2 re-reads pages pdfplumber cannot.

How table text and page text are combined (each piece of a page appears in `text` exactly once,
in reading order): pdfplumber finds the bordered tables on a page; characters inside a table's
box are left out of the page's text lines, and the table is put back at its vertical position as
one "cell | cell | cell" line per row (Block kind "table_row") plus a `Table(page, rows)`. A cell's
own line breaks are joined (no space inside Chinese), so "各\\n种形态" reads "各种形态".

Text lines outside tables that the layout wrapped are joined into one paragraph when the line
runs to the right margin and the next one does not start an item (一、 （一） 1．…). Running
headers and footers (the same line, digits aside, at the top or bottom of two or more pages) are
kept once, on their first page, as "meta" blocks; their date (the annex footer's 2025年10月9日) is
the `published` date when the text states no labelled one.

Pages whose characters are mostly "(cid:NNN)" or U+FFFD (fonts without a ToUnicode map) are
flagged in `warnings` and re-read with pypdfium2, which decodes such fonts; tables from those
pages are not kept (pdfplumber's cells hold the same unreadable codes). A file with no text on
any page gets `error` "no text layer (scanned image?) …": OCR is out of scope.

A file that cannot be read says why, in words a user can act on (`describe_failure`): an empty
file, a truncated one (no %%EOF at its end: an interrupted download), an encrypted one (a password
is needed), or some other damage with pdfminer's own words.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import pdfplumber
import pypdfium2

from pipeline.parse.lang import first_date, is_cjk
from pipeline.parse.text import (TextBuilder, classify_line, finish, join_wrapped, last_date_line, new_document,
                                 normalize_line, published_from_lines)
from pipeline.records import Document, Raw, Table

PARSER = f"pdf:pdfplumber-{version('pdfplumber')}"
FALLBACK = f"pypdfium2-{version('pypdfium2')}"
BAD_SHARE = 0.3  # share of (cid:N) / U+FFFD characters that sends a page to pypdfium2


@dataclass
class Item:
    """A text line or a table on a page, with its vertical position."""
    top: float
    text: str = ""
    bottom: float = 0.0
    x1: float = 0.0
    rows: list[list[str | None]] | None = None
    kind: str = ""
    size: float = 0.0  # largest font size on the line


@dataclass
class Page:
    number: int
    items: list[Item] = field(default_factory=list)
    chars: int = 0
    images: int = 0
    bad: float = 0.0
    size: float = 10.0  # median font size, for the wrap tolerance
    height: float = 842.0
    fallback: bool = False


def parse(raw: Raw) -> Document:
    """Parse a PDF; never raises. Damaged files and image-only scans get a clear `error`."""
    doc = new_document(raw, "application/pdf", PARSER)
    if not raw.content.strip():
        doc.error = "empty file: the PDF has no bytes (an interrupted download?)" if not raw.content \
            else "empty file: the PDF holds only whitespace"
        return doc
    if b"%PDF" not in raw.content[:1024]:
        doc.error = "not a PDF: no %PDF header in the first 1024 bytes"
        return doc
    if b"/Encrypt" in raw.content[-4096:] or b"/Encrypt" in raw.content[:4096]:
        doc.warnings.append("encrypted PDF (readable without a password)")
    pages: list[Page] = []
    try:
        with pdfplumber.open(io.BytesIO(raw.content)) as pdf:
            doc.meta = _meta(pdf.metadata or {})
            for number, page in enumerate(pdf.pages, start=1):
                try:
                    pages.append(_read_page(page, number))
                except Exception as exc:  # one bad page must not lose the others
                    doc.warnings.append(f"page {number}: pdfplumber failed ({type(exc).__name__}: {exc})")
                    pages.append(Page(number, bad=1.0))
                finally:
                    page.close()  # flush the page's cached objects: memory stays flat on long files
    except Exception as exc:  # pdfminer raises many types (PSEOF, PDFSyntaxError …) for damaged files
        doc.error = describe_failure(raw.content, exc)
        doc.warnings = [w for w in doc.warnings if not w.startswith("encrypted PDF")]
        return doc
    _fallback(raw.content, pages, doc)
    if not pages or all(not p.items for p in pages):
        images = sum(p.images for p in pages)
        doc.error = (f"no text layer (scanned image?): {len(pages)} page(s), {images} image(s), "
                     f"no extractable text; OCR is not supported")
        return doc
    running = _running_lines(pages)
    builder = TextBuilder()
    kept: set[str] = set()
    for page in pages:
        _emit(page, running, kept, builder, doc)
    doc.title = _title(doc.meta, pages, builder)
    kinds = [b.kind for b in builder.blocks]
    running_text = [line for line, b in zip(builder.lines, builder.blocks) if b.kind == "meta"]
    doc.published = (published_from_lines(builder.lines) or _running_date(running_text)
                     or last_date_line(builder.lines) or published_from_lines(builder.lines, kinds))
    return finish(doc, builder)


def describe_failure(content: bytes, exc: Exception) -> str:
    """Why pdfplumber could not open the file, named first: encrypted, truncated, or damaged."""
    causes = [exc, *(a for a in getattr(exc, "args", ()) if isinstance(a, BaseException))]
    if {type(c).__name__ for c in causes} & {"PDFPasswordIncorrect", "PDFEncryptionError"}:
        return ("encrypted PDF: cannot open PDF without its password, so its text cannot be read; "
                "get an unprotected copy")
    detail = "; ".join(f"{type(c).__name__}: {c}".rstrip(": ") for c in causes)
    if b"%%EOF" not in content[-2048:]:
        return (f"truncated PDF: cannot open PDF (damaged or truncated file?): it ends after {len(content)} "
                f"bytes without %%EOF (an interrupted download? fetch it again): {detail}")
    return f"cannot open PDF (damaged or truncated file?): {detail}"


def _meta(info: dict[str, Any]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key, value in info.items():
        if isinstance(value, bytes):
            value = value.decode("utf-16" if value.startswith(b"\xfe\xff") else "latin-1", "replace")
        if isinstance(value, (str, int, float)) and str(value).strip():
            meta[str(key)] = normalize_line(str(value))
    for key in ("CreationDate", "ModDate"):
        if m := re.match(r"D:(\d{4})(\d{2})(\d{2})", meta.get(key, "")):
            meta[key + ".date"] = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return meta


def _cell(value: str | None) -> str | None:
    if value is None:
        return None
    text = ""
    for part in value.split("\n"):
        text = join_wrapped(text, normalize_line(part))
    return text or None


def _read_page(page: Any, number: int) -> Page:
    chars = page.chars
    bad = sum(1 for c in chars if c["text"].startswith("(cid:") or c["text"] == "\ufffd")
    sizes = sorted(c.get("size", 10.0) for c in chars) or [10.0]
    out = Page(number, chars=len(chars), images=len(page.images), bad=bad / max(len(chars), 1),
               size=sizes[len(sizes) // 2], height=float(page.height))
    tables = page.find_tables() if chars else []
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    for line in rest.extract_text_lines(strip=True, return_chars=True):
        if text := normalize_line(line["text"]):
            size = max((c.get("size", 0.0) for c in line["chars"]), default=0.0)
            out.items.append(Item(line["top"], text, line["bottom"], line["x1"], size=size))
    for table in tables:
        rows = [[_cell(c) for c in row] for row in table.extract()]
        rows = [r for r in rows if any(r)]
        if rows:
            out.items.append(Item(table.bbox[1], rows=rows, bottom=table.bbox[3]))
    out.items.sort(key=lambda i: i.top)
    return out


def _fallback(content: bytes, pages: list[Page], doc: Document) -> None:
    """Re-read with pypdfium2 the pages that came out empty or as (cid:N) codes."""
    todo = [p for p in pages if p.bad > BAD_SHARE or not p.items]
    for p in todo:
        if p.bad > BAD_SHARE:
            doc.warnings.append(f"page {p.number}: {p.bad:.0%} of characters are (cid:N) or U+FFFD "
                                f"(font without a Unicode map); re-read with pypdfium2")
    if not todo:
        return
    try:
        pdf = pypdfium2.PdfDocument(content)
    except Exception as exc:
        doc.warnings.append(f"pypdfium2 could not open the file: {exc}")
        return
    try:
        for p in todo:
            try:  # pdfium refuses some pages pdfplumber listed (cyclic page trees, issue 9)
                page = pdf[p.number - 1]
                textpage = page.get_textpage()
                lines = [normalize_line(x) for x in textpage.get_text_range().splitlines()]
                textpage.close()
                page.close()
            except Exception as exc:
                doc.warnings.append(f"page {p.number}: pypdfium2 could not read it ({type(exc).__name__}: {exc})")
                lines = []
            lines = [x for x in lines if x]
            if lines:
                p.items = [Item(float(i), x) for i, x in enumerate(lines)]
                p.fallback = True
                if FALLBACK not in doc.parser:
                    doc.parser += f"+{FALLBACK}"
            elif p.bad > BAD_SHARE:
                p.items = []
            if not p.items and len(pages) > 1:
                doc.warnings.append(f"page {p.number}: no text layer (scanned image?)")
    finally:
        pdf.close()


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def _in_margin(item: Item, page: Page) -> bool:
    return item.top < 0.12 * page.height or item.bottom > 0.88 * page.height


def _running_lines(pages: list[Page]) -> set[str]:
    """Line shapes (digits masked) in the top or bottom margin of at least two pages."""
    if len(pages) < 2:
        return set()
    seen: dict[str, set[int]] = {}
    for page in pages:
        lines = [i for i in page.items if i.rows is None and not page.fallback]
        for item in lines[:2] + lines[-2:]:
            if _in_margin(item, page):
                seen.setdefault(_key(item.text), set()).add(page.number)
    return {k for k, nums in seen.items() if len(nums) >= 2}


def _emit(page: Page, running: set[str], kept: set[str], builder: TextBuilder, doc: Document) -> None:
    """Add one page's lines and tables to the text, joining wrapped lines into paragraphs.
    A running header/footer is kept the first time (`kept`) and skipped on later pages."""
    lines = [i for i in page.items if i.rows is None and not page.fallback]
    right = max((i.x1 for i in lines if len(i.text) >= 8), default=0.0)
    tol = 1.6 * page.size
    merged: list[Item] = []
    for item in page.items:
        if item.rows is None and not page.fallback and _in_margin(item, page) and _key(item.text) in running:
            if _key(item.text) in kept:
                continue
            kept.add(_key(item.text))
            item.kind = "meta"
        prev = merged[-1] if merged else None
        if (prev is not None and item.rows is None and prev.rows is None and not item.kind and not prev.kind
                and not page.fallback and prev.x1 >= right - tol and item.top - prev.bottom < page.size * 1.2
                and classify_line(item.text)[0] in ("paragraph",) and not _ends_sentence(prev.text)):
            prev.text = join_wrapped(prev.text, item.text)
            prev.bottom, prev.x1 = item.bottom, item.x1
            continue
        merged.append(item)
    for item in merged:
        if item.rows is not None:
            doc.tables.append(Table(page=page.number, rows=item.rows))
            for row in item.rows:
                builder.add(" | ".join(c or "" for c in row), "table_row", page=page.number)
        elif item.kind == "meta":
            builder.add(item.text, "meta", page=page.number)
        else:
            kind, level = classify_line(item.text)
            builder.add(item.text, kind, level, page=page.number)


def _ends_sentence(text: str) -> bool:
    return text.endswith(("。", "：", "；", "！", "？")) or (not is_cjk(text[-1]) and text.endswith((".", ":", "!", "?")))


def _title(meta: dict[str, str], pages: list[Page], builder: TextBuilder) -> str | None:
    """The PDF's Title (cleaned of 'Microsoft Word - x.docx'), else the largest-font line of page 1
    when it stands out from the body text."""
    title = re.sub(r"^Microsoft (Word|Excel|PowerPoint) - |\.(docx?|xlsx?|pptx?|wps)$", "", meta.get("Title", "")).strip()
    if len(title) < 2 or title.lower() in ("untitled", "无标题"):
        first = [i for i in pages[0].items if i.rows is None and 2 <= len(i.text) <= 80] if pages else []
        big = max(first, key=lambda i: i.size, default=None)
        title = big.text if big is not None and big.size > pages[0].size * 1.15 else ""
    for line, block in zip(builder.lines, builder.blocks):
        if line == title and block.kind != "table_row":
            block.kind, block.level = "title", 1
            break
    return title or None


def _running_date(lines: list[str]) -> str | None:
    for line in lines:
        if date := first_date(line):
            return date
    return None
