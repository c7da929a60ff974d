"""A deterministic synthetic corpus for benchmarks: `exportwatch synth --docs N --out DIR [--seed 7]`.

The bundled documents are parsed once (pipeline.parse) and their blocks cut into material: the
element sections of control announcements (zh, and en where a translation exists, aligned), their
numbered clauses, introductions, HS codes, the annex table rows, suspension wording, unrelated
notices, spokesperson Q&A pairs and news paragraphs. Each generated act gets a fresh number and
date (years 2016-2025, numbers from 100, so no act repeats a bundled one) and recombines that
material; pages are written into the mirror's own HTML templates (the bundled pages with their
title, dates and body swapped) under `DIR/site/<host>/<path>`, so `exportwatch run --corpus DIR`
ingests them like the bundled mirror:

- control announcements (zh; half with an English translation of the same act, some with a PDF
  annex, a fifth on the older GB18030 `.shtml` template),
- suspensions of earlier generated acts, unrelated notices, spokesperson Q&A pages (zh),
- news articles (en) that cite recent generated acts.

Each unit (an act with its copies, or one page) draws from its own `random.Random(f"{seed}:{unit}")`,
so the output depends only on the seed and N, and the first M documents of an N-document corpus
are the M-document corpus. PDFs are made with fpdf2: in Chinese with WenQuanYi Zen Hei when that
font is installed (pdfplumber extracts nothing from fpdf2 + Noto CJK), else in English.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
import logging
import random
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pipeline import config

ZH_DIGITS = "零一二三四五六七八九"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
CITIES = ["BEIJING", "SHANGHAI", "HONG KONG", "SINGAPORE", "LONDON", "TOKYO", "BRUSSELS", "WASHINGTON"]

ZH_SECTION = re.compile(r"^（([一二三四五六七八九十]+)）(.+?)相关物项")
EN_SECTION = re.compile(r"^\((\d+)\) (.+?)-related items", re.I)
ZH_CLAUSE = re.compile(r"^[一二三四五六七八九十]+、")
EN_CLAUSE = re.compile(r"^[IVX]+\. ")
ZH_ACT_NO = re.compile(r"公告(\d{4})年第(\d+)号")
EN_ACT_NO = re.compile(r"Announcement No\. (\d+) of (\d{4})")
ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
HS_CODE = re.compile(r"(?<!\d)(\d{8}|\d{10})(?!\d)")
DATELINE = re.compile(r"^[A-Z][A-Z ]+, [A-Z][a-z]{2}\.? \d{1,2} - ")

# Kinds of unit and their share (an act unit can bring 1-3 documents).
UNIT_KINDS = [("control", 0.40), ("suspension", 0.06), ("notice", 0.12), ("qa", 0.08), ("news", 0.34)]
P_EN_COPY = 0.5      # a control act also published in English
P_PDF_ANNEX = 0.06   # a control act with a PDF annex
P_SHTML = 0.2        # a zh page on the older GB18030 template


# --- numbers, dates ---------------------------------------------------------------------------

def zh_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (n < 100)."""
    if n < 10:
        return ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ZH_DIGITS[tens]) + "十" + (ZH_DIGITS[ones] if ones else "")


def zh_date(d: dt.date, pad: bool = False) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if pad else f"{d.year}年{d.month}月{d.day}日"


def en_date(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def en_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def unit_rng(seed: int, unit: int, salt: str = "") -> random.Random:
    return random.Random(f"{seed}:{unit}:{salt}")


def unit_hex(seed: int, unit: int, salt: str) -> str:
    return hashlib.md5(f"{seed}:{unit}:{salt}".encode()).hexdigest()


# --- material from the bundled corpus --------------------------------------------------------

@dataclass
class Section:
    """An element's block of items: `（一）钐相关物项` + its numbered items (zh), aligned en copy."""
    zh_header: str
    zh_items: list[str]
    element_zh: str
    en_header: str | None = None
    en_items: list[str] | None = None
    element_en: str | None = None


@dataclass
class Notice:
    title: str
    source: str
    lines: list[str]
    issued: dt.date


@dataclass
class Material:
    templates: dict[str, "Skeleton"]
    sections: list[Section]
    zh_intro: str
    en_intro: str | None
    zh_clauses: list[list[str]]               # numbered clauses (heading + its items), any zh control act
    paired_clauses: list[tuple[list[str], list[str]]]  # zh/en clauses of an act that has both copies
    suspension_intro: str
    suspension_clauses: list[str]
    notices: list[Notice]
    qa_intro: str
    qa_pairs: list[tuple[str, str]]
    news_leads: list[str]
    news_paragraphs: list[str]
    news_titles: list[str]
    annex_header: list[str]
    annex_rows: list[list[str]]
    annex_notes: list[str]
    hs_codes: list[str]
    sources: list[str] = field(default_factory=list)
    charset: str = ""  # every character of the bundled texts (for the PDF font subset)

    @property
    def paired_sections(self) -> list[int]:
        return [i for i, s in enumerate(self.sections) if s.en_items is not None]


def _lines(doc: Any) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start:b.end].strip()) for b in doc.blocks]


def _split_sections(lines: list[tuple[str, str]], header_re: re.Pattern) -> list[tuple[str, list[str]]]:
    """The sections of the first clause: header list_item then items until the next header/clause."""
    out: list[tuple[str, list[str]]] = []
    started = False
    for kind, text in lines:
        if kind == "heading" and started:
            break
        if kind == "heading":
            started = True
            continue
        if not started:
            continue
        if header_re.match(text):
            out.append((text, []))
        elif kind == "list_item" and out:
            out[-1][1].append(text)
        elif out:
            break  # a closing paragraph ("本条所列靶材…") ends the items
    return out


def _clauses(lines: list[tuple[str, str]], clause_re: re.Pattern) -> list[list[str]]:
    """Numbered clauses after the first: heading + the list items under it."""
    out: list[list[str]] = []
    for kind, text in lines:
        if kind == "heading" and clause_re.match(text):
            out.append([text])
        elif out and kind == "list_item" and len(out[-1]) and not clause_re.match(text):
            out[-1].append(text)
        elif out and kind != "list_item":
            out.append([])  # closes the clause; dropped below
    clauses = [c for c in out if c and clause_re.match(c[0])]
    return clauses[1:]  # the first clause holds the items


def _strip_number(text: str, clause_re: re.Pattern) -> str:
    return clause_re.sub("", text, count=1)


@functools.lru_cache(maxsize=4)
def load_material(corpus: Path = config.DEFAULT_CORPUS) -> Material:
    """Parse the bundled corpus once and cut its blocks into material."""
    from pipeline.ingest import corpus_files, read_raw
    from pipeline.parse import parse

    docs = []
    for path in corpus_files(corpus):
        raw = read_raw(path, corpus)
        if not raw.url:
            continue
        docs.append((path, raw, parse(raw)))

    zh_acts, en_acts, news, notices, qa, suspensions, pdfs = [], [], [], [], [], [], []
    for path, raw, doc in docs:
        if doc.error or not doc.published:
            continue  # listing pages, feeds without articles
        title = doc.title or ""
        host = raw.url.split("/")[2]
        if doc.media_type == "application/pdf":
            pdfs.append((path, doc))
        elif host.startswith("news."):
            news.append((path, doc))
        elif doc.media_type != "text/html":
            continue
        elif doc.lang == "en" and EN_ACT_NO.search(title):
            en_acts.append((path, doc))
        elif "答记者问" in title:
            qa.append((path, doc))
        elif "暂停实施" in title:
            suspensions.append((path, doc))
        elif "出口管制" in title and ZH_ACT_NO.search(title):
            zh_acts.append((path, doc))
        elif doc.lang == "zh":
            notices.append((path, doc))

    templates = build_templates(corpus, zh_acts, en_acts, news, qa)

    # Element sections, zh with their en translation when the act has an English copy.
    sections: list[Section] = []
    zh_clauses: list[list[str]] = []
    paired_clauses: list[tuple[list[str], list[str]]] = []
    zh_intro = en_intro = None
    en_by_no = {}
    for _, doc in en_acts:
        m = EN_ACT_NO.search(doc.title or "")
        en_by_no[(m.group(2), m.group(1))] = doc
    for _, doc in zh_acts:
        lines = _lines(doc)
        zh_secs = _split_sections(lines, ZH_SECTION)
        if not zh_secs:
            continue
        m = ZH_ACT_NO.search(doc.title or "")
        en_doc = en_by_no.get((m.group(1), m.group(2))) if m else None
        en_secs = _split_sections(_lines(en_doc), EN_SECTION) if en_doc else []
        aligned = len(en_secs) == len(zh_secs) and all(len(a[1]) == len(b[1]) for a, b in zip(zh_secs, en_secs))
        for i, (header, items) in enumerate(zh_secs):
            s = Section(header, items, ZH_SECTION.match(header).group(2))
            if aligned:
                s.en_header, s.en_items = en_secs[i]
                s.element_en = EN_SECTION.match(s.en_header).group(2).lower()
            sections.append(s)
        clauses = _clauses(lines, ZH_CLAUSE)
        zh_clauses += clauses[:-1]  # the last one is the act's entry into force
        intro = next((t for k, t in lines if k == "paragraph" and t.endswith("如下：")), None)
        if aligned:
            en_lines = _lines(en_doc)
            en_cl = _clauses(en_lines, EN_CLAUSE)
            if len(en_cl) == len(clauses):
                paired_clauses = list(zip(clauses[:-1], en_cl[:-1]))
            zh_intro = intro or zh_intro
            en_intro = next((t for k, t in en_lines if k == "paragraph" and t.endswith("as follows:")), en_intro)
        zh_intro = zh_intro or intro
    if not sections:
        raise RuntimeError(f"no control announcement with element sections found under {corpus}")

    susp_intro, susp_clauses = "为落实有关共识，经国务院批准，现将有关事项公告如下：", []
    for _, doc in suspensions[:1]:
        lines = _lines(doc)
        susp_intro = next((t for k, t in lines if k == "paragraph" and t.endswith("如下：")), susp_intro)
        susp_clauses = [_strip_number(c[0], ZH_CLAUSE) for c in _clauses(lines, ZH_CLAUSE)[:-1]]

    notice_list = []
    for path, doc in notices:
        body = [t for k, t in _lines(doc) if k in ("paragraph", "heading", "list_item")
                and not t.startswith("【") and t not in (doc.title or "")]
        source = doc.meta.get("ContentSource") or "办公厅"
        notice_list.append(Notice(doc.title or "", source, body, dt.date.fromisoformat(doc.published)))

    qa_intro, qa_pairs = "", []
    for _, doc in qa:
        paras = [t for k, t in _lines(doc) if k == "paragraph"]
        qa_intro = qa_intro or next((p for p in paras if not p.startswith(("问：", "答："))), "")
        for q, a in zip(paras, paras[1:]):
            if q.startswith("问：") and a.startswith("答："):
                qa_pairs.append((q, a))

    leads, paragraphs, titles = [], [], []
    for _, doc in news:
        if doc.media_type != "text/html":
            continue
        paras = [t for k, t in _lines(doc) if k == "paragraph"]
        titles.append(doc.title or "")
        for p in paras:
            (leads if DATELINE.match(p) else paragraphs).append(p)

    annex_header, annex_rows, annex_notes = ["序号", "物项名称", "物项说明", "对应出口管制编码"], [], []
    for _, doc in pdfs:
        for table in doc.tables:
            for row in table.rows:
                cells = [c or "" for c in row]
                if cells and cells[0].isdigit():
                    annex_rows.append(cells)
                elif cells and not annex_rows:
                    annex_header = cells
        annex_notes += [t for k, t in _lines(doc) if k == "list_item" and re.match(r"^\d+．", t)]

    codes = sorted({c for s in sections for line in s.zh_items for c in HS_CODE.findall(line)})
    return Material(
        templates=templates, sections=sections, zh_intro=zh_intro or "", en_intro=en_intro,
        zh_clauses=zh_clauses, paired_clauses=paired_clauses, suspension_intro=susp_intro,
        suspension_clauses=susp_clauses, notices=notice_list, qa_intro=qa_intro, qa_pairs=qa_pairs,
        news_leads=leads, news_paragraphs=paragraphs, news_titles=titles, annex_header=annex_header,
        annex_rows=annex_rows, annex_notes=annex_notes, hs_codes=codes,
        sources=sorted(str(p.relative_to(corpus)) for p, _, _ in docs),
        charset="".join(sorted({ch for _, _, doc in docs for ch in (doc.text or "") + (doc.title or "")})))


# --- the mirror's templates --------------------------------------------------------------------

@dataclass
class Skeleton:
    """A bundled page with its title, dates and body replaced by @@NAME@@ slots."""
    name: str
    text: str
    encoding: str

    def fill(self, values: dict[str, str]) -> bytes:
        out = self.text
        for key, value in values.items():
            out = out.replace(f"@@{key}@@", value)
        leftover = re.search(r"@@[A-Z_]+@@", out)
        if leftover:
            raise ValueError(f"template {self.name}: slot {leftover.group(0)} not filled")
        return out.encode(self.encoding, errors="xmlcharrefreplace")


def _skeleton(name: str, text: str, encoding: str, subs: list[tuple[str, str]]) -> Skeleton:
    for pattern, slot in subs:
        text, n = re.subn(pattern, lambda m, slot=slot: m.group(1) + f"@@{slot}@@" + m.group(m.re.groups),
                          text, flags=re.S)
        if not n:
            raise RuntimeError(f"template {name}: {pattern!r} not found; the bundled page changed")
    return Skeleton(name, text, encoding)


MODERN_ZH = [
    (r'(<meta name="ArticleTitle" content=")[^"]*(")', "TITLE"),
    (r'(<meta name="PubDate" content=")[^"]*(")', "PUBTIME"),
    (r'(<meta name="ContentSource" content=")[^"]*(")', "SOURCE"),
    (r'(<meta name="Keywords" content=")[^"]*(")', "KEYWORDS"),
    (r'(<meta name="Description" content=")[^"]*(")', "TITLE"),
    (r"(<title>)[^<]*(</title>)", "TITLE"),
    (r"(<h1>)[^<]*(</h1>)", "TITLE"),
    (r'(<span class="source">来源：)[^<]*(</span>)', "SOURCE"),
    (r'(<span class="time">)[^<]*(</span>)', "PUBTIME"),
    (r'(id="zoom">\n)(.*?)(\n</div>)', "BODY"),
]
LEGACY_ZH = [
    (r"(<title>)[^<]*(</title>)", "TITLE"),
    (r'(<meta name="keywords" content=")[^"]*(")', "KEYWORDS"),
    (r'(<meta name="description" content=")[^"]*(")', "TITLE"),
    (r'(var __pageId = ")[^"]*(")', "PAGEID"),
    (r'(<div class="artTitle">)[^<]*(</div>)', "TITLE"),
    (r"(文章来源：)[^&<]*(&)", "SOURCE"),
    (r"(发布时间：)[^&<]*(&)", "PUBTIME"),
    (r'(<div id="zoom">\n)(.*?)(\n</div>)', "BODY"),
]
EN_ACT = [
    (r'(<meta name="ArticleTitle" content=")[^"]*(")', "TITLE"),
    (r'(<meta name="PubDate" content=")[^"]*(")', "PUBTIME"),
    (r"(<title>)[^<]*(</title>)", "TITLE"),
    (r"(<h2>)[^<]*(</h2>)", "TITLE"),
    (r"(Updated: )[^&<]*( &)", "PUBTIME"),
    (r'(id="zoom">\n)(.*?)(\n</div>)', "BODY"),
]
EN_NEWS = [
    (r"(<title>)[^<|]*?( \| )", "TITLE"),
    (r'(<meta property="og:title" content=")[^"]*(")', "TITLE"),
    (r'(<meta property="article:published_time" content=")[^"]*(")', "ISOTIME"),
    (r'(<meta property="article:section" content=")[^"]*(")', "SECTION"),
    (r'(<link rel="canonical" href=")[^"]*(")', "URL"),
    (r'("headline": ")[^"]*(")', "TITLE_JSON"),
    (r'("datePublished": ")[^"]*(")', "ISOTIME"),
    (r'("articleSection": ")[^"]*(")', "SECTION"),
    (r'(<div class="kicker">)[^<]*(</div>)', "SECTION"),
    (r"(<h1>)[^<]*(</h1>)", "TITLE"),
    (r'(<time datetime=")[^"]*(">)', "ISOTIME"),
    (r'(<time datetime="@@ISOTIME@@">)[^<]*(</time>)', "LONGDATE"),
    (r'(<div class="article-body">\n)(.*?)(\n</div>)', "BODY"),
]


def build_templates(corpus: Path, zh_acts: list, en_acts: list, news: list, qa: list) -> dict[str, Skeleton]:
    def pick(candidates: list, marker: str) -> tuple[Path, str, str]:
        for path, doc in candidates:
            raw = path.read_bytes()
            enc = doc.encoding or "utf-8"
            text = raw.decode(enc)
            if marker in text:
                return path, text, enc
        raise RuntimeError(f"no bundled page with {marker!r} to use as a template")

    out = {}
    _, text, enc = pick([c for c in zh_acts if c[0].suffix == ".html"], 'class="art-con')
    out["zh_act"] = _skeleton("zh_act", text, "utf-8", MODERN_ZH)
    _, text, enc = pick([c for c in zh_acts if c[0].suffix == ".shtml"], 'class="artTitle"')
    out["zh_legacy"] = _skeleton("zh_legacy", text, "gb18030", LEGACY_ZH)
    _, text, _ = pick(qa or zh_acts, 'class="art-con')
    out["zh_news"] = _skeleton("zh_news", text, "utf-8", MODERN_ZH)
    _, text, _ = pick(en_acts, 'id="zoom"')
    out["en_act"] = _skeleton("en_act", text, "utf-8", EN_ACT)
    plain = [c for c in news if c[0].suffix == ".html" and "'" not in (c[1].title or "")]
    _, text, _ = pick(plain, 'class="article-body"')
    out["en_news"] = _skeleton("en_news", text, "utf-8", EN_NEWS)
    return out


def _p(text: str, cls: str | None = None, legacy: bool = False) -> str:
    body = html.escape(text, quote=False)
    if legacy:
        attrs = {"center": ' align="center" style="text-indent:0"', "right": ' align="right"'}.get(cls or "", "")
        inner = f"<b>{body}</b>" if cls == "center" else body
        return f"<p{attrs}>{inner}</p>"
    if cls == "bold":
        return f"<p><b>{body}</b></p>"
    return f'<p class="{cls}">{body}</p>' if cls else f"<p>{body}</p>"


# --- specs: what each unit is, drawn from its own RNG -----------------------------------------

@dataclass
class Act:
    unit: int
    kind: str  # control | suspension | notice
    year: int
    number: int
    issued: dt.date
    time: str
    customs: bool
    sections: list[int] = field(default_factory=list)
    clauses: list[int] = field(default_factory=list)
    effective: dt.date | None = None
    en: bool = False
    pdf: bool = False
    legacy: bool = False
    code_map: dict[str, str] = field(default_factory=dict)
    targets: list["Act"] = field(default_factory=list)
    until: dt.date | None = None
    notice: int = 0

    @property
    def issuers_zh(self) -> str:
        return "商务部 海关总署" if self.customs else "商务部"

    @property
    def number_zh(self) -> str:
        return f"{self.issuers_zh}公告{self.year}年第{self.number}号"

    def elements_zh(self, m: Material) -> list[str]:
        return [m.sections[i].element_zh for i in self.sections]

    def elements_en(self, m: Material) -> list[str]:
        return [m.sections[i].element_en or m.sections[i].element_zh for i in self.sections]

    def subject_zh(self, m: Material) -> str:
        return f"公布对{'、'.join(self.elements_zh(m))}相关物项实施出口管制的决定"


class Generator:
    """Pure functions of (seed, unit): `spec(u)` decides, `render(u)` writes the bytes."""

    def __init__(self, seed: int = 7, corpus: Path = config.DEFAULT_CORPUS, cjk_font: Path | None | bool = True):
        self.seed = seed
        self.m = load_material(Path(corpus))
        self.font = find_cjk_font() if cjk_font is True else (cjk_font or None)
        self._spec_cache: dict[int, tuple[str, Any]] = {}

    # The calendar: ten years of acts, numbered from 100 in each year, dated in number order.
    def act_date(self, u: int, rng: random.Random) -> tuple[int, int, dt.date]:
        year = 2016 + u % 10
        number = 100 + u // 10
        day = min(((u // 10) * 3) // 8, 360)
        return year, number, dt.date(year, 1, 2) + dt.timedelta(days=day)

    def spec(self, u: int) -> tuple[str, Any]:
        if u in self._spec_cache:
            return self._spec_cache[u]
        rng = unit_rng(self.seed, u, "spec")
        r, acc, kind = rng.random(), 0.0, "news"
        for name, share in UNIT_KINDS:
            acc += share
            if r < acc:
                kind = name
                break
        if kind == "notice" and not self.m.notices:
            kind = "control"
        if kind == "suspension":
            targets = [t for t in (self._control(v) for v in range(max(0, u - 80), u)) if t]
            if not targets:
                kind = "control"
        year, number, issued = self.act_date(u, rng)
        act = Act(unit=u, kind=kind if kind in ("control", "suspension", "notice") else "control", year=year,
                  number=number, issued=issued, time=f"{rng.randint(8, 21):02d}:{rng.choice(['00', '15', '30', '45'])}",
                  customs=rng.random() < 0.5, legacy=rng.random() < P_SHTML)
        m = self.m
        if kind == "control":
            act.en = rng.random() < P_EN_COPY and bool(m.paired_sections) and bool(m.en_intro)
            pool = m.paired_sections if act.en else list(range(len(m.sections)))
            act.sections = sorted(rng.sample(pool, rng.randint(1, min(4, len(pool)))))
            if not act.en and m.zh_clauses:
                act.clauses = sorted(rng.sample(range(len(m.zh_clauses)), rng.randint(2, min(4, len(m.zh_clauses)))))
            act.effective = issued + dt.timedelta(days=rng.choice([0, 0, 30, 45, 60, 90]))
            if act.effective == issued:
                act.effective = None  # "on the date of its publication"
            act.pdf = rng.random() < P_PDF_ANNEX and (bool(self.font) or act.en)
            codes = sorted({c for i in act.sections for line in m.sections[i].zh_items for c in HS_CODE.findall(line)})
            for code in rng.sample(codes, min(len(codes), rng.randint(0, 3))):
                same = [c for c in m.hs_codes if len(c) == len(code) and c != code]
                if same:
                    act.code_map[code] = rng.choice(same)
        elif kind == "suspension":
            act.targets = sorted(rng.sample(targets[-12:], min(len(targets[-12:]), rng.randint(1, 4))),
                                 key=lambda a: a.unit)
            act.until = issued + dt.timedelta(days=rng.choice([180, 365, 366]))
            act.customs = True
        elif kind == "notice":
            act.notice = rng.randrange(len(m.notices))
        self._spec_cache[u] = (kind, act)
        return kind, act

    def _control(self, u: int) -> Act | None:
        kind, act = self.spec(u)
        return act if kind == "control" else None

    def recent_act(self, u: int) -> Act | None:
        for v in range(u - 1, max(-1, u - 40), -1):
            act = self._control(v)
            if act:
                return act
        return None

    # -- documents -------------------------------------------------------------------------
    def documents(self, u: int) -> Iterator[tuple[str, bytes, str]]:
        """(relative path, bytes, kind) of unit u's documents."""
        kind, act = self.spec(u)
        rng = unit_rng(self.seed, u, "render")
        if kind == "control":
            pdf_name = None
            if act.pdf:
                d = act.issued
                pdf_name = f"P0{d:%Y%m%d}{int(unit_hex(self.seed, u, 'pdf')[:8], 16) % 10**9:09d}.pdf"
            yield self.zh_act(act, rng, pdf_name)
            if act.en:
                yield self.en_act(act)
            if pdf_name:
                yield self.annex(act, rng, pdf_name)
        elif kind == "suspension":
            yield self.suspension(act)
        elif kind == "notice":
            yield self.notice_page(act)
        elif kind == "qa":
            yield self.qa_page(u, act, rng)
        else:
            yield self.news_page(u, act, rng)

    def _recode(self, act: Act, text: str) -> str:
        if not act.code_map:
            return text
        return HS_CODE.sub(lambda m: act.code_map.get(m.group(1), m.group(1)), text)

    def _zh_page(self, act: Act, title: str, source: str, lines: list[str], keywords: str,
                 path_kind: str = "zcfb", template: str | None = None) -> tuple[str, bytes]:
        legacy = act.legacy and template is None
        d = act.issued
        if legacy:
            page_id = f"{d:%Y%m%d}{int(unit_hex(self.seed, act.unit, 'page')[:8], 16) % 10**6:06d}"
            path = f"site/www.mofcom.gov.cn/article/zwgk/gkzcfb/{d:%Y%m}/{page_id}.shtml"
            sk = self.m.templates["zh_legacy"]
            values = {"PAGEID": page_id, "PUBTIME": f"{d.isoformat()} {act.time}:00"}
        else:
            hexid = unit_hex(self.seed, act.unit, path_kind)
            folder = "xwfb/xwfyrth" if path_kind == "qa" else "zwgk/zcfb"
            path = f"site/www.mofcom.gov.cn/{folder}/art/{d.year}/art_{hexid}.html"
            sk = self.m.templates[template or "zh_act"]
            values = {"PUBTIME": f"{d.isoformat()} {act.time}"}
        body = "\n".join(self._render_lines(lines, legacy))
        values.update(TITLE=html.escape(title), SOURCE=html.escape(source), KEYWORDS=html.escape(keywords),
                      BODY=body)
        return path, sk.fill(values)

    @staticmethod
    def _render_lines(lines: list[Any], legacy: bool) -> list[str]:
        out = []
        for line in lines:
            text, cls = (line, None) if isinstance(line, str) else line
            if legacy and cls == "noindent":
                continue  # the older template states issuer and number in its info bar
            out.append(text if cls == "raw" else _p(text, cls, legacy))
        return out

    def zh_act(self, act: Act, rng: random.Random, pdf_name: str | None) -> tuple[str, bytes, str]:
        m = self.m
        elements = act.elements_zh(m)
        subject = act.subject_zh(m)
        lines: list[Any] = [(f"【发布单位】{act.issuers_zh}", "noindent"), (f"【发布文号】{act.number_zh}", "noindent"),
                            (f"【发文日期】{zh_date(act.issued, pad=True)}", "noindent"),
                            (act.number_zh, "center"), (subject, "center")]
        intro = re.sub(r"决定对.+?等\d+类(?:中重稀土)?相关物项", f"决定对{'、'.join(elements)}等{len(elements)}类相关物项",
                       m.zh_intro, count=1)
        lines.append(intro)
        lines.append("一、下列物项未经许可不得出口：")
        for k, i in enumerate(act.sections, 1):
            s = m.sections[i]
            lines.append(re.sub(r"^（[一二三四五六七八九十]+）", f"（{zh_numeral(k)}）", s.zh_header))
            lines += [self._recode(act, t) for t in s.zh_items]
        clauses = [c for c, _ in m.paired_clauses] if act.en else [m.zh_clauses[i] for i in act.clauses]
        n = 1
        for clause in clauses:
            n += 1
            lines.append(f"{zh_numeral(n)}、{_strip_number(clause[0], ZH_CLAUSE)}")
            lines += clause[1:]
        n += 1
        when = f"自{zh_date(act.effective)}起" if act.effective else "自公布之日起"
        lines.append(f"{zh_numeral(n)}、本公告{when}正式实施。《中华人民共和国两用物项出口管制清单》同步更新。")
        lines += [(act.issuers_zh, "right"), (zh_date(act.issued), "right")]
        if pdf_name and not act.legacy:
            lines += [("附件：", "noindent"),
                      (f'<p><a href="{pdf_name}" target="_blank">附件1：{html.escape(self.annex_title(act))}.pdf</a></p>',
                       "raw")]
        title = f"{act.number_zh} {subject}"
        path, data = self._zh_page(act, title, "安全与管制局", lines, ";".join(elements[:3] + ["出口管制"]))
        return path, data, "zh_act_legacy" if act.legacy else "zh_act"

    def en_act(self, act: Act) -> tuple[str, bytes, str]:
        m = self.m
        names = act.elements_en(m)
        issuer = "the Ministry of Commerce" + (" and the General Administration of Customs" if act.customs else "")
        title = (f"Announcement No. {act.number} of {act.year} of {issuer} on the Decision to Implement Export "
                 f"Controls on {en_list([n.capitalize() for n in names])}-Related Items")
        intro = re.sub(r"impose export controls on items related to [^:]+: .+?\. ",
                       f"impose export controls on items related to {en_list(names)}. ", m.en_intro or "", count=1)
        lines: list[Any] = [("(This English version is provided for reference only. In case of any discrepancy, "
                             "the Chinese version shall prevail.)", "note"), intro,
                            "I. The following items shall not be exported without a licence:"]
        for k, i in enumerate(act.sections, 1):
            s = m.sections[i]
            lines.append((re.sub(r"^\(\d+\)", f"({k})", s.en_header or ""), "bold"))
            lines += [self._recode(act, t) for t in s.en_items or []]
        n = 1
        for _, clause in m.paired_clauses:
            n += 1
            lines.append(f"{ROMAN[n - 1]}. {_strip_number(clause[0], EN_CLAUSE)}")
            lines += clause[1:]
        n += 1
        when = f"on {en_date(act.effective)}" if act.effective else "on the date of its publication"
        lines.append(f"{ROMAN[n - 1]}. This announcement shall come into force {when}. The Dual-Use Items Export "
                     "Control List of the People's Republic of China is updated accordingly.")
        lines.append(("Ministry of Commerce", "r"))
        if act.customs:
            lines.append(("General Administration of Customs", "r"))
        lines.append((en_date(act.issued), "r"))
        d = act.issued
        values = {"TITLE": html.escape(title), "PUBTIME": f"{d.isoformat()} {act.time}",
                  "BODY": "\n".join(self._render_lines(lines, False))}
        hexid = unit_hex(self.seed, act.unit, "en")
        path = f"site/english.mofcom.gov.cn/Policies/GeneralPolicies/art/{d.year}/art_{hexid}.html"
        return path, m.templates["en_act"].fill(values), "en_act"

    def annex_title(self, act: Act) -> str:
        return f"{'、'.join(act.elements_zh(self.m))}相关物项清单"

    def annex(self, act: Act, rng: random.Random, name: str) -> tuple[str, bytes, str]:
        d = act.issued
        path = f"site/www.mofcom.gov.cn/zwgk/zcfb/art/{d.year}/{name}"
        if self.font:
            data = self._annex_zh(act, rng)
        else:
            data = self._annex_en(act)
        return path, data, "pdf"

    def _pdf(self, act: Act, title: str, subject: str, author: str) -> Any:
        import fpdf

        logging.getLogger("fontTools").setLevel(logging.ERROR)
        pdf = fpdf.FPDF()
        when = dt.datetime.combine(act.issued, dt.time(9, 12), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        pdf.set_creation_date(when)
        pdf.set_title(title)
        pdf.set_subject(subject)
        pdf.set_author(author)
        pdf.set_creator("Microsoft Word")
        pdf.set_auto_page_break(True, margin=22)
        return pdf

    def font_subset(self) -> Path:
        """The CJK font cut down to the characters the annexes can use, cached in the temp folder:
        fpdf2 parses the whole 10 MB collection on every add_font (0.6 s), the subset in a few ms."""
        if getattr(self, "_font_subset", None):
            return self._font_subset
        import tempfile

        from fontTools import subset, ttLib

        chars = set(self.m.charset) | set(map(chr, range(32, 127))) | set("附件第一部分相关物项清单说明页共：—（）、，。０１２３４５６７８９")
        text = "".join(sorted(chars))
        key = hashlib.sha256(f"{self.font}|{self.font.stat().st_size}|{text}".encode()).hexdigest()[:16]
        path = Path(tempfile.gettempdir()) / f"exportwatch-synth-font-{key}.ttf"
        if not path.exists():
            logging.getLogger("fontTools").setLevel(logging.ERROR)
            font = ttLib.TTFont(str(self.font), fontNumber=0) if str(self.font).endswith((".ttc", ".otc")) \
                else ttLib.TTFont(str(self.font))
            options = subset.Options()
            options.name_IDs = ["*"]
            options.notdef_outline = True
            sub = subset.Subsetter(options)
            sub.populate(text=text)
            sub.subset(font)
            tmp = path.with_suffix(f".{id(self)}.tmp")
            font.save(str(tmp))
            tmp.replace(path)
        self._font_subset = path
        return path

    def _annex_zh(self, act: Act, rng: random.Random) -> bytes:
        import fpdf

        m = self.m
        number = f"{act.number_zh}附件1"
        pdf = self._pdf(act, self.annex_title(act), number, "商务部")
        pdf.add_font("cjk", fname=str(self.font_subset()))
        footer = f"{number} {zh_date(act.issued)}"
        pdf.footer = lambda: (pdf.set_y(-15), pdf.set_font("cjk", size=9),  # type: ignore[method-assign]
                              pdf.cell(0, 8, f"{footer} 第 {pdf.page_no()} 页", align="C"))
        pdf.add_page()
        pdf.set_font("cjk", size=11)
        pdf.cell(0, 8, "附件1", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=16)
        pdf.cell(0, 12, self.annex_title(act), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=11)
        rows = sorted(rng.sample(m.annex_rows, min(len(m.annex_rows), rng.randint(6, 20))),
                      key=lambda r: int(r[0]) if r[0].isdigit() else 0) if m.annex_rows else []
        if not rows:  # no annex in the bundled corpus: list the act's own items
            rows = [[str(k), t, "", ""] for k, t in
                    enumerate((t for i in act.sections for t in m.sections[i].zh_items), 1)]
        pdf.cell(0, 9, "第一部分 相关物项", new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(12, 40, 95, 33), headings_style=fpdf.FontFace(emphasis=None),
                       line_height=7) as table:
            for cells in [m.annex_header] + [[str(k)] + r[1:4] for k, r in enumerate(rows, 1)]:
                row = table.row()
                for c in (cells + ["", "", "", ""])[:4]:
                    row.cell(self._recode(act, c))
        pdf.ln(4)
        pdf.cell(0, 8, "说明：", new_x="LMARGIN", new_y="NEXT")
        for note in m.annex_notes[:rng.randint(1, max(1, len(m.annex_notes)))]:
            pdf.multi_cell(0, 7, note, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.cell(0, 8, act.issuers_zh, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 8, zh_date(act.issued), align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())

    def _annex_en(self, act: Act) -> bytes:
        import fpdf

        m = self.m
        names = [n.capitalize() for n in act.elements_en(m)]
        title = f"List of {en_list(names)}-Related Items"
        subject = f"Annex 1 to Announcement No. {act.number} of {act.year}"
        pdf = self._pdf(act, title, subject, "Ministry of Commerce")
        pdf.footer = lambda: (pdf.set_y(-15), pdf.set_font("Helvetica", size=9),  # type: ignore[method-assign]
                              pdf.cell(0, 8, f"{subject} - {en_date(act.issued)} - page {pdf.page_no()}", align="C"))
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.cell(0, 8, "Annex 1", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=15)
        pdf.cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        items = [self._recode(act, t) for i in act.sections for t in (m.sections[i].en_items or [])]
        with pdf.table(col_widths=(15, 165), headings_style=fpdf.FontFace(emphasis=None), line_height=6) as table:
            for cells in [["No.", "Item"]] + [[str(k), t] for k, t in enumerate(items, 1)]:
                row = table.row()
                for c in cells:
                    row.cell(c.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(6)
        pdf.cell(0, 8, "Ministry of Commerce", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 8, en_date(act.issued), align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())

    def suspension(self, act: Act) -> tuple[str, bytes, str]:
        m = self.m
        nums = "、".join(f"第{t.number}号" if t.year == act.targets[0].year else f"{t.year}年第{t.number}号"
                        for t in act.targets)
        subject = f"关于暂停实施{act.targets[0].year}年{nums}公告的公告"
        lines: list[Any] = [(f"【发布单位】{act.issuers_zh}", "noindent"), (f"【发布文号】{act.number_zh}", "noindent"),
                            (f"【发文日期】{zh_date(act.issued, pad=True)}", "noindent"),
                            (act.number_zh, "center"), (subject, "center"), m.suspension_intro,
                            f"一、暂停实施下列公告，暂停期限至{zh_date(act.until)}："]
        for k, t in enumerate(act.targets, 1):
            end = "。" if k == len(act.targets) else "；"
            lines.append(f"（{zh_numeral(k)}）{t.number_zh}（{t.subject_zh(m)}）{end}")
        n = 1
        for clause in m.suspension_clauses:
            n += 1
            lines.append(f"{zh_numeral(n)}、{clause}")
        lines.append(f"{zh_numeral(n + 1)}、本公告自公布之日起施行。")
        lines += [(act.issuers_zh, "right"), (zh_date(act.issued), "right")]
        path, data = self._zh_page(act, f"{act.number_zh} {subject}", "安全与管制局", lines, "出口管制;暂停实施")
        return path, data, "zh_suspension"

    def notice_page(self, act: Act) -> tuple[str, bytes, str]:
        n = self.m.notices[act.notice]
        delta = act.issued - n.issued

        def fresh(text: str) -> str:
            text = ZH_DATE.sub(lambda m_: zh_date(_safe_date(m_) + delta), text)
            text = re.sub(r"(?<!\d)(\d{4})年(?![\d〕])", lambda m_: f"{int(m_.group(1)) + act.year - n.issued.year}年",
                          text)
            text = ZH_ACT_NO.sub(f"公告{act.year}年第{act.number}号", text)
            return re.sub(r"〔\d{4}〕\d+号", f"〔{act.year}〕{act.number}号", text)

        title = fresh(n.title)
        lines: list[Any] = [(f"【发布单位】{n.source}", "noindent"), (f"【发文日期】{zh_date(act.issued, pad=True)}", "noindent")]
        lines += [fresh(t) for t in n.lines]
        lines += [(zh_date(act.issued), "right")]
        path, data = self._zh_page(act, title, n.source, lines, "通知")
        return path, data, "zh_notice"

    def qa_page(self, u: int, act: Act, rng: random.Random) -> tuple[str, bytes, str]:
        m = self.m
        ref = self.recent_act(u)
        pairs = sorted(rng.sample(range(len(m.qa_pairs)), rng.randint(min(3, len(m.qa_pairs)), len(m.qa_pairs))))
        lines: list[Any] = [m.qa_intro]
        topic = "出口管制"
        day = act.issued
        if ref:
            topic = f"{ref.elements_zh(m)[0]}等相关物项出口管制"
            day = ref.issued + dt.timedelta(days=rng.randint(3, 40))
        for i in pairs:
            for text in m.qa_pairs[i]:
                if ref:
                    text = re.sub(r"\d{4}年\d{1,2}月\d{1,2}日发布的.+?公告\d{4}年第\d+号",
                                  f"{zh_date(ref.issued)}发布的{ref.number_zh}", text)
                    text = re.sub(r"第\d+号公告", f"第{ref.number}号公告", text)
                lines.append(text)
        page = Act(unit=u, kind="qa", year=day.year, number=0, issued=day, time=act.time, customs=False)
        title = f"商务部新闻发言人就{topic}有关问题答记者问"
        path, data = self._zh_page(page, title, "新闻办公室", lines, "出口管制;答记者问", path_kind="qa",
                                   template="zh_news")
        return path, data, "zh_qa"

    def news_page(self, u: int, act: Act, rng: random.Random) -> tuple[str, bytes, str]:
        m = self.m
        ref = self.recent_act(u)
        day = (ref.issued + dt.timedelta(days=rng.randint(0, 30))) if ref else act.issued
        if ref and rng.random() < 0.6:
            names = ref.elements_en(m)
            title = rng.choice([
                f"China adds {en_list(names)} to export licence list",
                f"China to require licences for {en_list(names)} exports from {en_date(ref.effective or ref.issued)}",
                f"What China's Announcement No. {ref.number} of {ref.year} means for {names[0]} buyers",
            ])
        else:
            title = rng.choice(m.news_titles or ["China rare earth export controls"])
            title = f"{title} ({en_date(day)})"
        lead = rng.choice(m.news_leads) if m.news_leads else ""
        lead = DATELINE.sub(f"{rng.choice(CITIES)}, {MONTHS[day.month - 1][:3]} {day.day} - ", lead)
        k = min(len(m.news_paragraphs), rng.randint(3, 6))
        paras = [lead] + [m.news_paragraphs[i] for i in sorted(rng.sample(range(len(m.news_paragraphs)), k))]
        if ref:
            names = ref.elements_en(m)
            when = f"from {en_date(ref.effective)}" if ref.effective else "immediately"
            paras.insert(1, f"The Ministry of Commerce set out the rules in Announcement No. {ref.number} of "
                            f"{ref.year}, published on {en_date(ref.issued)}, which requires exporters of "
                            f"{en_list(names)} and related items to apply for a licence {when}.")
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70].strip("-") + f"-{u}"
        path = f"site/news.example.org/{day:%Y/%m/%d}/{slug}.html"
        iso = f"{day.isoformat()}T{act.time}:00+08:00"
        values = {"TITLE": html.escape(title), "TITLE_JSON": json.dumps(title)[1:-1], "ISOTIME": iso,
                  "SECTION": rng.choice(["Policy", "Markets", "Metals"]),
                  "URL": "https://" + path.split("/", 1)[1], "LONGDATE": f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                  "BODY": "\n".join(_p(p) for p in paras if p)}
        return path, m.templates["en_news"].fill(values), "en_news"


def _safe_date(m: re.Match) -> dt.date:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return dt.date(int(m.group(1)), 1, 1)


def find_cjk_font() -> Path | None:
    """A CJK font pdfplumber can read back from an fpdf2 PDF (WenQuanYi Zen Hei), or None."""
    candidates = [Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")]
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file", "family"], capture_output=True, text=True, timeout=10)
        for line in out.stdout.splitlines():
            path = line.split(":")[0].strip()
            if "zenhei" in path.lower() or "WenQuanYi Zen Hei" in line:
                candidates.append(Path(path))
    except (OSError, subprocess.SubprocessError):
        pass
    return next((p for p in candidates if p.is_file()), None)


@dataclass
class Manifest:
    seed: int
    docs: int
    kinds: dict[str, int]
    bytes: int
    pdf_font: str | None
    files: list[str]

    def to_dict(self, files: bool = False) -> dict[str, Any]:
        d = {"seed": self.seed, "docs": self.docs, "kinds": self.kinds, "bytes": self.bytes, "pdf_font": self.pdf_font}
        if files:
            d["files"] = self.files
        return d


def iter_documents(n_docs: int, seed: int = 7, corpus: Path = config.DEFAULT_CORPUS,
                   cjk_font: Path | None | bool = True) -> Iterator[tuple[str, bytes, str]]:
    """The first `n_docs` documents (relative path, bytes, kind) of the corpus for `seed`."""
    gen = Generator(seed, corpus, cjk_font)
    emitted, u = 0, 0
    while emitted < n_docs:
        for item in gen.documents(u):
            yield item
            emitted += 1
            if emitted >= n_docs:
                return
        u += 1
        if u > 1000 and u % 1000 == 0:
            gen._spec_cache = {k: v for k, v in gen._spec_cache.items() if k >= u - 100}


def generate(out: Path, n_docs: int, seed: int = 7, corpus: Path = config.DEFAULT_CORPUS,
             cjk_font: Path | None | bool = True) -> Manifest:
    """Write `n_docs` documents under `out/site/...` and `out/synth.json`; returns the manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, int] = {}
    files: list[str] = []
    total = 0
    seen: set[str] = set()
    font = find_cjk_font() if cjk_font is True else (cjk_font or None)
    for rel, data, kind in iter_documents(n_docs, seed, corpus, font):
        if rel in seen:
            raise RuntimeError(f"synth: two documents at {rel}")
        seen.add(rel)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        kinds[kind] = kinds.get(kind, 0) + 1
        files.append(rel)
        total += len(data)
    manifest = Manifest(seed, n_docs, dict(sorted(kinds.items())), total, str(font) if font else None, files)
    (out / "synth.json").write_text(json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return manifest
