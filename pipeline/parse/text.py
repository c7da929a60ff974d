"""Plain text (.txt) -> Document, and the line/block machinery every parser shares.

All parsers build `Document.text` the same way: a list of normalised lines, each one Block,
joined by "\\n". So `text[b.start:b.end]` is exactly the block's line, and evidence offsets found
later point into the same string the blocks describe. Line kinds (heading, list item, meta line)
come from the patterns in config/parse/text.yml, so a new numbering style is a data change.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib.metadata import version

from pipeline.parse import encoding
from pipeline.parse.lang import detect_lang, find_dates, first_date, is_cjk, is_date_line, load
from pipeline.records import Block, Document, Raw

SPACE_RE = re.compile(r"\s+")
INVISIBLE_RE = re.compile(r"[\u200b\u200e\u200f\u2060\ufeff\u00ad]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TRAILING_TIME_RE = re.compile(r"^(.*?\S)\s+(\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)$")
SITE_PATH_RE = re.compile(r"(?:^|/)site/([^/]+\.[^/]+/.*)$")


def new_document(raw: Raw, media_type: str, parser: str) -> Document:
    """An empty Document carrying the identity fields every parser fills the same way."""
    return Document(id=raw.sha256, source=raw.source, url=raw.url, media_type=media_type, parser=parser)


def decoded_text(doc: Document, raw: Raw) -> str | None:
    """Decode and repair the bytes of a text format, recording encoding and warnings on `doc`.

    Returns None (with `doc.error` set) when the bytes are not text in any encoding."""
    decoded = encoding.decode(raw.content, raw.headers, raw.media_type)
    doc.encoding, doc.warnings = decoded.encoding, list(decoded.warnings)
    if decoded.error:
        doc.error = decoded.error
        return None
    fixed, repairs = encoding.repair(decoded.text)
    doc.warnings += repairs
    return fixed


def base_url(raw: Raw) -> str | None:
    """The URL relative links resolve against: final URL, URL, else the mirror path under site/."""
    if raw.final_url or raw.url:
        return raw.final_url or raw.url
    source = raw.source.replace("\\", "/")
    if source.startswith(("http://", "https://")):
        return source
    m = SITE_PATH_RE.search(source)
    return f"https://{m.group(1)}" if m else None


def normalize_line(s: str) -> str:
    """One line of clean text: NBSP/full-width/other spaces become one space, runs collapse,
    a line break inside CJK text disappears (source wrapping, not a space), ends are stripped."""
    s = CONTROL_RE.sub(" ", INVISIBLE_RE.sub("", s))

    def space(m: re.Match[str]) -> str:
        ws, start, end = m.group(0), m.start(), m.end()
        if ("\n" in ws or "\r" in ws) and start > 0 and end < len(s) and is_cjk(s[start - 1]) and is_cjk(s[end]):
            return ""
        return " "

    return SPACE_RE.sub(space, s).strip()


def join_wrapped(a: str, b: str) -> str:
    """Join two pieces of one paragraph broken by layout: no space inside CJK, de-hyphenate Latin."""
    if not a or not b:
        return a or b
    if is_cjk(a[-1]) or is_cjk(b[0]):
        return a + b
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha() and b[0].islower():
        return a[:-1] + b
    return a + " " + b


class TextBuilder:
    """Collects lines as blocks; `text` is the lines joined by newlines, offsets exact."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.blocks: list[Block] = []
        self._pos = 0

    def add(self, line: str, kind: str = "paragraph", level: int = 0, page: int | None = None) -> Block | None:
        line = line.replace("\n", " ").strip()
        if not line:
            return None
        start = self._pos + (1 if self.lines else 0)
        self.lines.append(line)
        self._pos = start + len(line)
        block = Block(kind=kind, start=start, end=self._pos, level=level, page=page)
        self.blocks.append(block)
        return block

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@lru_cache(maxsize=1)
def _line_patterns() -> tuple[list[tuple[re.Pattern[str], int]], list[re.Pattern[str]], re.Pattern[str],
                              re.Pattern[str], list[re.Pattern[str]]]:
    cfg = load("text")
    headings = [(re.compile(h["pattern"]), int(h.get("level", 2))) for h in cfg["headings"]]
    items = [re.compile(p) for p in cfg["list_items"]]
    labels = "|".join(sorted((re.escape(x) for x in cfg["meta_labels"]), key=len, reverse=True))
    label_re = re.compile(rf"(?<![A-Za-z])({labels})\s*[：:]\s*")
    published = [re.compile(p) for p in cfg["published_labels"]]
    bracket = re.compile("|".join([cfg["meta_bracket"], *cfg.get("meta_patterns", [])]))
    return headings, items, bracket, label_re, published


def classify_line(line: str) -> tuple[str, int]:
    """(kind, level) of a line from its wording: meta, heading, list_item or paragraph."""
    headings, items, bracket, label_re, _ = _line_patterns()
    if bracket.match(line) or ((m := label_re.match(line)) and m.start() == 0):
        return "meta", 0
    for regex, level in headings:
        if regex.match(line):
            return "heading", level
    if any(regex.match(line) for regex in items):
        return "list_item", 0
    if is_date_line(line):
        return "meta", 0
    return "paragraph", 0


def space_meta_line(line: str) -> str:
    """'来源：X类型：原创2025-04-04' (spans without spaces) -> '来源：X 类型：原创 2025-04-04'."""
    _, _, _, label_re, _ = _line_patterns()
    out, last = [], 0
    for m in label_re.finditer(line):
        if m.start() > 0 and not line[m.start() - 1].isspace():
            out.append(line[last:m.start()] + " ")
            last = m.start()
    out.append(line[last:])
    line = "".join(out)
    return re.sub(r"(?<=[^\s\d\-/：:])(\d{4}-\d{2}-\d{2})", r" \1", line)


def meta_pairs(line: str) -> dict[str, str]:
    """Label/value pairs of a meta line: 【发布单位】商务部 -> {'发布单位': '商务部'}."""
    _, _, bracket, label_re, _ = _line_patterns()
    if (m := bracket.match(line)) and m.group(1):
        return {m.group(1).strip(): (m.group(2) or "").strip()}
    pairs: dict[str, str] = {}
    matches = list(label_re.finditer(line))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[m.end():end].strip(" |｜")
        if (t := TRAILING_TIME_RE.match(value)) and not find_dates(m.group(1) + "：" + t.group(1)):
            value = t.group(1)
            pairs.setdefault("时间", t.group(2))
        if value:
            pairs.setdefault(m.group(1), value)
    return pairs


def published_from_lines(lines: list[str], kinds: list[str] | None = None) -> str | None:
    """The publication date a text states: a labelled date first (【发文日期】, 发布时间：, Date:),
    then a date inside a meta line (来源：… 类型：… 2025-10-09)."""
    *_, published = _line_patterns()
    for regex in published:
        for line in lines:
            if m := regex.search(line):
                if date := first_date(line[m.end():m.end() + 40]):
                    return date
    for line, kind in list(zip(lines, kinds or []))[:12]:
        # a meta line near the top is the page's; a long one is a paragraph opened by a bracket
        # label (【本報訊】…) whose dates are the story's, and date lines further down are a
        # timeline's
        if kind == "meta" and len(line) <= 120 and (dates := find_dates(line)):
            return dates[0][2]
    return None


def last_date_line(lines: list[str]) -> str | None:
    """The last line that is only a date (the signature date that ends an official text)."""
    for line in reversed(lines):
        if is_date_line(line):
            return first_date(line)
    return None


def finish(doc: Document, builder: TextBuilder) -> Document:
    """Copy the builder's text and blocks into the document and set its language."""
    doc.text, doc.blocks = builder.text, builder.blocks
    doc.lang = detect_lang(doc.text)
    return doc


def parser_name() -> str:
    return f"text:charset-normalizer-{version('charset-normalizer')}/ftfy-{version('ftfy')}"


def parse(raw: Raw) -> Document:
    """Decode a .txt file, repair mojibake, one block per paragraph (wrapped lines joined)."""
    doc = new_document(raw, "text/plain", parser_name())
    fixed = decoded_text(doc, raw)
    if fixed is None:
        return doc
    builder = TextBuilder()
    lines = [normalize_line(x) for x in fixed.splitlines()]
    lines = _captions(lines)
    for para in _paragraphs(lines):
        kind, level = classify_line(para)
        builder.add(para, kind, level)
    if builder.lines and len(builder.lines[0]) <= 160:
        doc.title = builder.lines[0]
        builder.blocks[0].kind, builder.blocks[0].level = "title", 1
    kinds = [b.kind for b in builder.blocks]
    doc.published = published_from_lines(builder.lines, kinds)
    for line, kind in zip(builder.lines, kinds):
        if kind == "meta":
            doc.meta.update({k: v for k, v in meta_pairs(line).items() if k not in doc.meta})
    if not builder.lines:
        doc.error = "no text in file"
    return finish(doc, builder)


CUE_INDEX_RE = re.compile(r"^\d{1,5}$")
CUE_TIME_RE = re.compile(r"^(?:\d{1,2}:)?\d{2}:\d{2}[,.]\d{3}\s*-->\s*(?:\d{1,2}:)?\d{2}:\d{2}[,.]\d{3}")


def _captions(lines: list[str]) -> list[str]:
    """A subtitle file (SRT/WebVTT: a cue number, a "00:00:03,600 --> 00:00:06,200" line, the
    caption lines) becomes running text: a sentence a broadcaster split over cues is one again
    (the timings are not the text). Other files pass unchanged."""
    if sum(1 for x in lines if CUE_TIME_RE.match(x)) < 3:
        return lines
    out: list[str] = []
    run: list[str] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if CUE_TIME_RE.match(line) or (CUE_INDEX_RE.match(line) and CUE_TIME_RE.match(nxt)) or line == "WEBVTT":
            continue
        if not line:
            continue
        if any(CUE_TIME_RE.match(x) for x in lines[:i]):
            run.append(line)  # a caption
        else:
            out.append(line)  # the file's header lines
    # a cue ends a phrase: a Chinese caption without punctuation is followed by a comma
    text = ""
    for cap in run:
        if text and is_cjk(text[-1]) and text[-1] not in "，。！？；：、":
            text += "，"
        text = join_wrapped(text, cap) if text else cap
    return out + [""] + [text] if text else out


def _paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs. Lines are joined only in a hard-wrapped file (many lines
    close to one width): elsewhere a line break in a .txt file is meant, and each line is a block."""
    filled = [x for x in lines if x]
    lengths = sorted(len(x) for x in filled)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    full = [len(x) >= 0.85 * width for x in filled]
    wrapped = 20 <= width <= 120 and sum(full) >= max(3, 0.4 * len(filled))
    out: list[str] = []
    prev_full = False
    for line in lines:
        if not line:
            prev_full = False
            continue
        if out and wrapped and prev_full and classify_line(line)[0] == "paragraph":
            out[-1] = join_wrapped(out[-1], line)
        else:
            out.append(line)
        prev_full = len(line) >= 0.85 * width and not line.endswith(("。", ".", "：", ":", "！", "？", "!", "?"))
    return out
