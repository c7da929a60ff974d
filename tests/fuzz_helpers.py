"""Hypothesis strategies and invariants shared by the fuzz tests (parsers, extractor, ingest).

Inputs are built from the real corpus (slices, byte flips, re-encodings with a wrong declared
charset) and from generators for the classic traps (deep nesting, huge attributes, mixed scripts,
entity bombs, cyclic PDF object graphs). The number of examples per test is a setting:
EXPORTWATCH_FUZZ_EXAMPLES (default 170; `make fuzz` raises it and sets EXPORTWATCH_FUZZ_RANDOM=1 so
that each run explores new inputs instead of the derandomised CI sequence).
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import fields
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from pipeline.records import Block, Document, Raw

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BAD = ROOT / "tests" / "fixtures" / "bad"

EXAMPLES = int(os.environ.get("EXPORTWATCH_FUZZ_EXAMPLES", "170"))
RANDOM = os.environ.get("EXPORTWATCH_FUZZ_RANDOM") == "1"


def fuzz_settings(share: float = 1.0) -> settings:
    """Settings for one fuzz test: `share` of EXPORTWATCH_FUZZ_EXAMPLES examples, no deadline
    (the tests assert their own time bound), derandomised unless EXPORTWATCH_FUZZ_RANDOM=1."""
    return settings(max_examples=max(1, int(EXAMPLES * share)), deadline=None, derandomize=not RANDOM,
                    database=None if not RANDOM else settings.default.database, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example,
                                           HealthCheck.function_scoped_fixture])


def _files(*suffixes: str) -> list[Path]:
    found = sorted(p for p in (CORPUS / "site").rglob("*") if p.is_file() and p.suffix in suffixes)
    assert found, f"no {suffixes} files in the corpus"
    return found


HTML_FILES = _files(".html", ".shtml")
PDF_FILES = _files(".pdf") + [BAD / "image-only-scan.pdf", BAD / "truncated-annex.pdf"]
FEED_FILES = _files(".xml") + [BAD / "feed-broken.xml"]
TEXT_FILES = [BAD / "mojibake-mixed.txt"]
ALL_FILES = HTML_FILES + PDF_FILES + FEED_FILES + TEXT_FILES + sorted(BAD.glob("*.html"))
BYTES = {p: p.read_bytes() for p in ALL_FILES}


class Counter:
    """How many inputs a test module fed (printed at the end of the module; run with -s to see)."""

    def __init__(self) -> None:
        self.n = 0
        self.errors = 0
        self.stopped = 0


# --- byte-level mutations of real files ---------------------------------------------------------

@st.composite
def mutated(draw: st.DrawFn, files: list[Path]) -> tuple[str, bytes]:
    """(name, bytes): a real file truncated, byte-flipped, with a chunk cut out, duplicated or
    spliced with random bytes (one to three of these, in any order)."""
    path = draw(st.sampled_from(files))
    data = bytearray(BYTES[path])
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["truncate", "flip", "cut", "dup", "splice", "head"]))
        n = len(data)
        if n == 0:
            break
        if op == "truncate":
            data = data[:draw(st.integers(0, n))]
        elif op == "head":  # the first bytes only: headers without bodies
            data = data[:draw(st.integers(0, min(n, 600)))]
        elif op == "flip":
            for _ in range(draw(st.integers(1, 64))):
                i = draw(st.integers(0, n - 1))
                data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            i = draw(st.integers(0, n - 1))
            j = draw(st.integers(i, min(n, i + 4096)))
            del data[i:j]
        elif op == "dup":
            i = draw(st.integers(0, n - 1))
            j = draw(st.integers(i, min(n, i + 2048)))
            data[j:j] = data[i:j] * draw(st.integers(1, 20))
        else:
            i = draw(st.integers(0, n))
            data[i:i] = draw(st.binary(min_size=1, max_size=512))
    return path.name, bytes(data)


# --- wrong encodings -----------------------------------------------------------------------------

ENCODINGS = ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "big5", "shift_jis",
             "utf-8", "utf-8-sig", "euc-kr", "koi8-r"]
DECLARED = ["utf-8", "gbk", "gb2312", "iso-8859-1", "utf-16", "big5", "x-no-such-charset", "", "utf-8\"><script>",
            "unicode-1-1-utf-7", "utf-32", "us-ascii"]
CHARSET_RE = re.compile(rb"""(charset\s*=\s*["']?)([A-Za-z0-9_.:-]+)|(encoding\s*=\s*["'])([A-Za-z0-9_.:-]+)""", re.I)


def _decoded(path: Path) -> str:
    data = BYTES[path]
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


@st.composite
def misencoded(draw: st.DrawFn, files: list[Path]) -> tuple[str, bytes]:
    """A real text file re-encoded in another charset while declaring a wrong one (or none)."""
    path = draw(st.sampled_from(files))
    text = _decoded(path)
    codec = draw(st.sampled_from(ENCODINGS))
    declared = draw(st.sampled_from(DECLARED)).encode("ascii")
    body = text.encode(codec, errors=draw(st.sampled_from(["replace", "ignore", "xmlcharrefreplace"])))
    body = CHARSET_RE.sub(lambda m: (m.group(1) or m.group(3)) + declared, body) if b"\x00" not in body else body
    if draw(st.booleans()) and b"\x00" not in body:
        body = b'<meta charset="' + declared + b'">' + body
    return path.name, body


# --- generated traps -----------------------------------------------------------------------------

MIXED = ("商务部公告2025年第61号 稀土 钐 镝 出口管制 1C902.a 2805301910 العربية עברית Ελληνικά Кириллица "
         "日本語のテキスト 한국어 \u202eRTL override\u202c \u200b\u200d\ufeff e\u0301 \U0001F600 \u00a0\u3000 "
         "\x00\x01\x1b\x7f\x85\u2028\u2029 \ufffd ﬁ Ａ１ （一） ＜script＞")
ENTITIES = ["&#0;", "&#xD800;", "&#xDFFF;", "&#x110000;", "&#99999999999;", "&#x1F600;", "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&amp;", "&nbsp;", "&unknown;", "&#", "&#x;", "&lt;", "&#65;", "&#x202E;"]


def mixed_text(max_size: int = 400) -> st.SearchStrategy[str]:
    """Text mixing CJK, Latin, RTL, combining marks, emoji, controls, surrogate-like entities."""
    pieces = st.one_of(st.sampled_from(MIXED.split(" ")), st.sampled_from(ENTITIES),
                       st.text(max_size=40), st.characters().map(str))
    return st.lists(pieces, max_size=max_size // 8).map(" ".join)


TAGS = ["div", "span", "p", "table", "tr", "td", "ul", "li", "b", "a", "font", "section", "article", "h1", "svg",
        "math", "template", "noscript", "select", "option", "iframe", "object"]


@st.composite
def deep_html(draw: st.DrawFn) -> tuple[str, bytes]:
    depth = draw(st.integers(100, 40_000))
    tag = draw(st.sampled_from(TAGS))
    close = draw(st.booleans())
    inner = draw(mixed_text(200))
    body = f"<{tag}>" * depth + f"<p>{inner}</p><p>本公告自公布之日起正式实施。</p>" + (f"</{tag}>" * depth if close else "")
    head = f"<html><head><meta charset='utf-8'><title>{draw(mixed_text(60))}</title></head><body>"
    return "deep.html", (head + body + "</body></html>").encode("utf-8")


@st.composite
def huge_attributes(draw: st.DrawFn) -> tuple[str, bytes]:
    size = draw(st.integers(10_000, 3_000_000))
    fill = draw(st.sampled_from(["a", "商", " nav ", "x-", "\"", "&amp;", "javascript:"]))
    value = (fill * (size // len(fill) + 1))[:size].replace('"', "&quot;")
    which = draw(st.sampled_from(["class", "id", "style", "href", "title", "data-x", "onclick", "content", "many"]))
    if which == "many":
        attrs = " ".join(f'a{i}="{i}"' for i in range(draw(st.integers(1000, 30000))))
    else:
        attrs = f'{which}="{value}"'
    tag = draw(st.sampled_from(["div", "a", "meta", "p", "img", "html", "base"]))
    text = draw(mixed_text(100))
    html = (f"<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='{text[:50]}'></head><body>"
            f"<{tag} {attrs}>{text}</{tag}><div id='zoom'><p>一、下列物项未经许可不得出口：</p>"
            f"<p>1C902.a 钐相关物项</p></div></body></html>")
    return "attrs.html", html.encode("utf-8")


@st.composite
def mixed_html(draw: st.DrawFn) -> tuple[str, bytes]:
    """Markup-ish soup of mixed scripts, entities and random tags."""
    parts = draw(st.lists(st.one_of(mixed_text(80), st.sampled_from(
        ["<p>", "</p>", "<br>", "<td>", "<tr>", "<table>", "<li>", "<h1>", "<title>", "<script>", "</script>",
         "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<meta charset='gbk'>", "<base href='javascript:x'>",
         "<a href='../../x.html'>", "</a>", "<div class='nav'>", "<div id='zoom'>", "</div>", "<?xml ?>",
         "<!DOCTYPE html>", "<html>", "<body>", "<frameset>", "<plaintext>", "<xmp>"])), max_size=60))
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16"]))
    return "mixed.html", "".join(parts).encode(encoding, errors="replace")


@st.composite
def feed_traps(draw: st.DrawFn) -> tuple[str, bytes]:
    """Feeds: entity expansion (billion laughs), external entities, deep nesting, mixed text."""
    kind = draw(st.sampled_from(["laughs", "xxe", "deep", "items", "atom"]))
    text = draw(mixed_text(120)).replace("]]>", "")
    if kind == "laughs":
        n = draw(st.integers(3, 10))
        ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, n)]
        body = (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(ents)}]><rss version="2.0"><channel>'
                f"<title>&lol{n - 1};</title><item><title>x</title><link>https://e.org/1</link></item></channel></rss>")
    elif kind == "xxe":
        body = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                '<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title>'
                "<description>&xxe;</description><link>https://e.org/1</link></item></channel></rss>")
    elif kind == "deep":
        depth = draw(st.integers(100, 20_000))
        body = ('<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title><description>'
                + "<b>" * depth + "x" + "</b>" * depth + "</description></item></channel></rss>")
    elif kind == "atom":
        body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>'
                f"<![CDATA[{text}]]></title><entry><title type='html'>{text.replace('&', '&amp;').replace('<', '&lt;')}"
                "</title><link href='javascript:alert(1)'/><updated>9999-99-99</updated></entry></feed>")
    else:
        items = "".join(f"<item><title><![CDATA[{text}]]></title><link>{draw(st.sampled_from(['', 'x', 'https://e.org/a', '//e.org', 'javascript:1', '::']))}</link>"
                        f"<pubDate>{draw(st.sampled_from(['', 'Mon, 13 Oct 2025 07:12 +0800', 'garbage', '2025-02-30', 'Thu, 31 Dec 9999 25:61 +9999']))}</pubDate>"
                        f"<description><![CDATA[{text}<script>alert(1)</script>]]></description></item>"
                        for _ in range(draw(st.integers(0, 30))))
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    return "feed.xml", body.encode("utf-8", errors="surrogatepass")


PDF_TEMPLATE = """%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [{kids}] /Count {count} >> endobj
3 0 obj << /Type /Page /Parent {parent} /MediaBox {box} /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj
4 0 obj << /Length {length} >> stream
{stream}
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R /Size 6 >>
%%EOF
"""


@st.composite
def crafted_pdfs(draw: st.DrawFn) -> tuple[str, bytes]:
    """Small hand-written PDFs with hostile structure: page trees that point at themselves,
    deep arrays, absurd /Length and /Count, giant MediaBoxes, text operators with junk."""
    text = draw(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=60)).replace("\\", "").replace(")", "")
    ops = draw(st.sampled_from([f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET",
                                "BT /F1 12 Tf " + "[(" + "a" * 20000 + ")] TJ ET",
                                "q " * 5000 + "Q " * 5000,
                                "BT /F9 12 Tf (x) Tj ET",
                                "[" * draw(st.integers(10, 50_000)) + "]" * 3,
                                "BT /F1 1e308 Tf 1e308 1e308 Td (x) Tj ET",
                                "0 0 m " + "1 1 l " * 20000 + "S"]))
    kids = draw(st.sampled_from(["3 0 R", "2 0 R", "3 0 R 3 0 R", "1 0 R", "", "9 0 R", "[[[[3 0 R]]]]"]))
    pdf = PDF_TEMPLATE.format(
        kids=kids, count=draw(st.sampled_from([1, 0, -1, 2 ** 31, 99999999])),
        parent=draw(st.sampled_from(["2 0 R", "3 0 R", "1 0 R"])),
        box=draw(st.sampled_from(["[0 0 612 792]", "[0 0 1e9 1e9]", "[0 0 0 0]", "[]", "[a b c d]", "null"])),
        length=draw(st.sampled_from([len(ops), 0, 10 ** 12, -5])), stream=ops)
    return "crafted.pdf", pdf.encode("latin-1", errors="replace")


# --- invariants ----------------------------------------------------------------------------------

DOC_FIELDS = {f.name for f in fields(Document)}


def timed_parse(raw: Raw, parse) -> tuple[Document, float]:
    t = time.monotonic()
    doc = parse(raw)
    return doc, time.monotonic() - t


def check_document(doc: Document, raw: Raw) -> None:
    """What every parse must give: a Document for these bytes, offsets that hold, a clear error
    or some content, and values the store can write (JSON, UTF-8: no lone surrogates)."""
    assert isinstance(doc, Document), f"parse returned {type(doc).__name__}"
    assert doc.id == raw.sha256 and doc.source == raw.source
    assert isinstance(doc.text, str) and isinstance(doc.media_type, str) and doc.media_type
    if doc.error is not None:
        assert isinstance(doc.error, str) and len(doc.error.strip()) >= 8, f"unclear error {doc.error!r}"
        assert "Traceback" not in doc.error
    else:
        assert doc.text.strip() or doc.links or doc.media_type not in ("text/html", "application/pdf", "text/plain"), \
            "no error, yet nothing came out"
    pos = -1
    for b in doc.blocks:
        assert isinstance(b, Block) and 0 <= b.start <= b.end <= len(doc.text), b
        assert b.start > pos, "blocks overlap or go backwards"
        pos = b.end
        line = doc.text[b.start:b.end]
        assert line and "\n" not in line
    if doc.blocks:
        assert "\n".join(doc.text[b.start:b.end] for b in doc.blocks) == doc.text
    assert all(isinstance(w, str) for w in doc.warnings)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in doc.meta.items())
    assert all(isinstance(link.href, str) for link in doc.links)
    for value in (doc.title, doc.published, doc.encoding, doc.lang):
        assert value is None or isinstance(value, str)
    if doc.published is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.published), doc.published
    # What store.document_row writes must be valid UTF-8 for SQLite.
    json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8")
