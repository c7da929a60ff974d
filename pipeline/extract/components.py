"""spaCy components of the exportwatch pipelines (registered factories, `ew_*`).

The pipeline reads one document view (the tokenizer made it: pipeline/extract/tokenizer.py) and
scans it once: `ew_scan` runs every cue pattern of the language (the cue book, from models/src)
through one Hyperscan database and keeps the hits with the document's layout in
`doc.user_data["ew_scan"]` (a `Scan`). The components after it read the hits of their families and
write span groups whose label is the normalised value (an element symbol, `1C902.a`,
`MOFCOM-2025-18`, `2025-10-09`, a cue type). Components judge single mentions; which mentions are
controlled items, effective dates or relations is decided by record.py from structure and context.

Inputs in `doc.user_data` (set by pipeline.extract before the components run):
- `ew_published`: the publication date (YYYY-MM-DD) when known: it resolves dates without a year,
  weekday references in news and references to acts without a year;
- `ew_blocks`: the parser's blocks as (kind, start, end) in view offsets (the layout's lines).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable

from spacy.attrs import IDX, LENGTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extract import values as vals
from pipeline.extract.cues import CueBook, default_book
from pipeline.extract.grammar import Grammar, grammar_of
from pipeline.extract.layout import Layout, boilerplate_ranges
from pipeline.extract.scanner import Hit, Scanner, leftmost_longest
from pipeline.records import Block, Document

SpanTuple = tuple[int, int, str]
MENTIONS_KEY = "ew_mentions"  # user_data[(MENTIONS_KEY, span key)] = (n spans, [(start_char, end_char, label)])
SCAN_KEY = "ew_scan"

_TOKENS: list[Any] = [None, None]  # (doc, (token starts, token ends, text length) | None) of the last doc


def _token_offsets(doc: Doc) -> tuple[list[int], list[int], int] | None:
    """Start and end (without trailing space) character offsets of every token and the text length,
    once per document; None unless the tokens tile the text (then Doc.char_span aligns)."""
    if _TOKENS[0] is doc and _TOKENS[1][0] == len(doc):
        return _TOKENS[1][1]
    offsets: tuple[list[int], list[int], int] | None = None
    if len(doc):
        arr = doc.to_array([IDX, LENGTH, SPACY]).astype("int64")
        starts, lengths = arr[:, 0], arr[:, 1]
        nxt = starts + lengths + arr[:, 2]
        if starts[0] == 0 and (lengths > 0).all() and (starts[1:] == nxt[:-1]).all():
            offsets = (starts.tolist(), (starts + lengths).tolist(), int(nxt[-1]))
    _TOKENS[0], _TOKENS[1] = doc, (len(doc), offsets)
    return offsets


def set_spans(doc: Doc, key: str, found: Iterable[SpanTuple]) -> None:
    """Write char-offset matches as a span group (token-aligned: strict, else expanded)."""
    spans: list[Span] = []
    mentions: list[SpanTuple] = []
    seen = set()
    offsets = _token_offsets(doc)
    if offsets is None:  # tokens do not tile the text: let spaCy align
        for start, end, label in found:
            span = doc.char_span(start, end, label=label) or doc.char_span(start, end, label=label,
                                                                         alignment_mode="expand")
            if span is not None and (span.start, span.end, label) not in seen:
                seen.add((span.start, span.end, label))
                spans.append(span)
        doc.spans[key] = spans
        doc.user_data[(MENTIONS_KEY, key)] = None
        return
    starts, ends, total = offsets
    n = len(starts)
    label_ids: dict[str, int] = {}
    add = doc.vocab.strings.add
    new_span, add_seen, add_span, add_mention = Span, seen.add, spans.append, mentions.append
    for start, end, label in found:
        if not (0 <= start < total and 0 < end <= total):
            continue
        a = bisect_right(starts, start) - 1
        b = bisect_right(starts, end - 1)
        if start == ends[a]:  # (tokens are never empty: a token ending there does not start there)
            a += 1  # expand: trailing whitespace is not part of the token before it
        ident = (a, b, label)
        if ident in seen:
            continue
        add_seen(ident)
        label_id = label_ids.get(label)
        if label_id is None:
            label_id = label_ids[label] = add(label)
        add_span(new_span(doc, a, b, label=label_id))
        first = starts[a] if a < n else total
        add_mention((first, ends[b - 1] if b > a else first, label))
    doc.spans[key] = spans
    doc.user_data[(MENTIONS_KEY, key)] = (len(spans), mentions)


def text_of(doc: Doc) -> str:
    """The view's text, computed once: spaCy rebuilds Doc.text from the tokens on every access."""
    text = doc.user_data.get("ew_text")
    if text is None:
        text = doc.user_data["ew_text"] = doc.text
    return text


def published(doc: Doc) -> dt.date | None:
    value = doc.user_data.get("ew_published")
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except (TypeError, ValueError):
        return None


@dataclass
class Scan:
    """One document's hits (by family), with what reads them: the scanner (for named groups), the
    cue book's tables, the grammar and the layout."""

    text: str
    hits: dict[str, list[Hit]]
    scanner: Scanner
    book: CueBook
    blocks: list[tuple[str, int, int]] = field(default_factory=list)
    decisions: dict[str, Any] = field(default_factory=dict)  # what earlier components decided (ew_kind ...)

    def family(self, name: str) -> list[Hit]:
        return self.hits.get(name, [])

    def groups(self, hit: Hit) -> dict[str, Any]:
        return self.scanner.groups(self.text, hit)

    @cached_property
    def grammar(self) -> Grammar:
        return grammar_of(self.book.meta)

    @cached_property
    def layout(self) -> Layout:
        doc = Document(id="", source="", media_type="", text=self.text,
                       blocks=[Block(kind, s, e) for kind, s, e in self.blocks])
        bp = boilerplate_ranges(self.text, [(h.start, h.end) for h in self.family("related_header")],
                                [(h.start, h.end) for h in self.family("footer")],
                                self.grammar.layout["headline_end"],
                                dated_link=(self.grammar.layout["dated_link_line"], int(self.grammar.layout["dated_link_tail_max"])))
        return Layout(doc, self.grammar, bp)


def scan_of(doc: Doc) -> Scan:
    """The document's scan; made here (with the cue book of models/src) for pipelines assembled in
    code without `ew_scan` (spacy.blank + add_pipe, as in tests)."""
    scan = doc.user_data.get(SCAN_KEY)
    if scan is None:
        book = default_book()
        scanner = book.scanner(doc.lang_ if doc.lang_ in ("zh", "en") else "en")
        text = text_of(doc)
        scan = Scan(text, _group(scanner.scan(text)), scanner, book, doc.user_data.get("ew_blocks") or [])
        doc.user_data[SCAN_KEY] = scan
    return scan


def _group(hits: list[Hit]) -> dict[str, list[Hit]]:
    out: dict[str, list[Hit]] = {}
    for h in hits:
        out.setdefault(h.family, []).append(h)
    return out


class ScanComponent:
    """`ew_scan`: the cue book of the pipeline's language, compiled into one Hyperscan database
    (built at initialize from models/src, saved with the pipeline: book.json and the serialised
    database), run once per document."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.lang = nlp.lang
        self.book: CueBook | None = None
        self._scanner: Scanner | None = None
        self._db: bytes | None = None
        self._end_only: list[int] = []

    def initialize(self, get_examples: Callable | None = None, *, nlp: Language | None = None,
                   src_path: str | None = None) -> None:
        self.book = CueBook.from_source(src_path) if src_path else default_book()
        self._scanner = self.book.scanner(self.lang)
        self._db = self._scanner.serialise()
        self._end_only = sorted(self._scanner.end_only)

    @property
    def scanner(self) -> Scanner:
        if self._scanner is None:
            if self.book is None:
                self.initialize()
            else:
                self._scanner = self.book.scanner(self.lang, self._db, self._end_only)
        return self._scanner  # type: ignore[return-value]

    def __call__(self, doc: Doc) -> Doc:
        scanner = self.scanner
        text = text_of(doc)
        doc.user_data[SCAN_KEY] = Scan(text, _group(scanner.scan(text)), scanner, self.book,  # type: ignore[arg-type]
                                       doc.user_data.get("ew_blocks") or [])
        return doc

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.book is None:
            self.initialize()
        (path / "book.json").write_text(json.dumps(self.book.data, ensure_ascii=False), encoding="utf-8")  # type: ignore[union-attr]
        (path / "hyperscan.db").write_bytes(self._db or self.scanner.serialise())
        (path / "scanner.json").write_text(json.dumps({"end_only": sorted(self.scanner.end_only)}), encoding="utf-8")

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> "ScanComponent":
        path = Path(path)
        self.book = CueBook(json.loads((path / "book.json").read_text(encoding="utf-8")))
        self._db = (path / "hyperscan.db").read_bytes()
        self._end_only = json.loads((path / "scanner.json").read_text(encoding="utf-8"))["end_only"]
        self._scanner = None
        return self


# ----------------------------------------------------------------------------------- elements

class ElementsComponent:
    """Element names, material forms, formulas, symbols in context -> spans 'elements' (symbol) and
    'materials' (matrix terms such as NdFeB, label 'matrix').

    Longest match first at any position; adjacent names joined by a compound joiner (钐钴,
    samarium-cobalt, Tb/Dy) form one compound, reduced to its best tier (钐钴 -> Sm; 铽镝铁 -> Tb, Dy)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        scan = scan_of(doc)
        found = find_elements(scan)
        set_spans(doc, "elements", ((s, e, sym) for s, e, sym, _ in found if sym))
        set_spans(doc, "materials", ((s, e, "matrix") for s, e, sym, _ in found if not sym))
        return doc


class _El:
    __slots__ = ("start", "end", "symbol", "tier", "kind")

    def __init__(self, start: int, end: int, symbol: str | None, tier: int, kind: str):
        self.start, self.end, self.symbol, self.tier, self.kind = start, end, symbol, tier, kind


_CTX: dict[int, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]] = {}


def _element_regexes(meta: dict[str, Any]) -> tuple[re.Pattern[str], ...]:
    key = id(meta)
    if key not in _CTX:
        sc = meta["symbol_context"]
        _CTX[key] = (re.compile(sc["after"]), re.compile(sc["before"]), re.compile(r"([A-Z][a-z]?)(\d{0,2})"),
                     re.compile("^" + meta["joiners"]["zh"] + "$"), re.compile("^" + meta["joiners"]["en"] + "$"))
    return _CTX[key]


def find_elements(scan: Scan) -> list[tuple[int, int, str | None, int]]:
    """(start, end, symbol or None for a matrix term, tier) of every element mention."""
    meta = scan.book.meta["elements"]
    tiers: dict[str, int] = meta["tiers"]
    after_rx, before_rx, part_rx, zh_join, en_join = _element_regexes(meta)
    text = scan.text
    raw: list[_El] = []
    for h in scan.family("element"):
        kind, _, sym = h.label.partition(":")
        if kind in ("name", "form"):
            sym, _, tier = sym.partition(":")
            raw.append(_El(h.start, h.end, sym, int(tier), kind))
        elif kind == "matrix":
            raw.append(_El(h.start, h.end, None, 0, "matrix"))
        elif kind == "not":
            raw.append(_El(h.start, h.end, None, 0, "not"))
        elif kind == "symbol":
            if after_rx.match(text, h.end, min(len(text), h.end + 16)) or \
                    before_rx.search(text[max(0, h.start - 6):h.start]):
                raw.append(_El(h.start, h.end, sym, tiers.get(sym, 9), "symbol"))
        elif kind == "formula":
            raw.extend(_formula(text[h.start:h.end], h.start, meta, tiers, part_rx))
    raw.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_El] = []
    covered = -1
    for hit in raw:
        if hit.start < covered and not (kept and kept[-1].kind == "formula" and hit.kind == "formula"
                                        and kept[-1].start == hit.start):
            continue
        kept.append(hit)
        covered = max(covered, hit.end)
    kept = [h for h in kept if h.kind != "not"]
    out: list[tuple[int, int, str | None, int]] = []
    groups: list[list[_El]] = []
    for hit in kept:
        if groups and hit.kind != "matrix" and groups[-1][-1].kind != "matrix":
            prev = groups[-1][-1]
            gap = text[prev.end:hit.start]
            join = zh_join if _cjk(text[hit.start]) else en_join
            if prev.end <= hit.start and join.match(gap):
                groups[-1].append(hit)
                continue
        groups.append([hit])
    anion_zh, anion_en = _anion_regexes(meta)
    prev_named: _El | None = None
    for group in groups:
        named = [h for h in group if h.symbol]
        if len(named) == 1 and len(group) == 1 and _anion(text, named[0], anion_zh, anion_en) \
                and prev_named is not None and named[0].start - prev_named.end <= 80 \
                and not any(ch in ".;:\n" for ch in text[prev_named.end:named[0].start]):
            # a lone anion after another element's name is an elided compound of it:
            # "gallium nitride, oxide, arsenide" names gallium arsenide, not arsenic
            continue
        prev_named = named[-1] if named else prev_named
        best = min((h.tier for h in named), default=0)
        tops = [h for h in named if h.tier == best]
        if len(tops) > 1:
            # of equal tiers, the element the surrounding list is about ("antimony metal, antimony
            # oxides … and indium antimonide" -> Sb), else the cation (锑化镓 -> Ga)
            lead = _list_subject(text, group, groups, {h.symbol for h in tops}, meta)
            tops = [h for h in tops if h.symbol == lead] if lead else (
                [h for h in tops if not _anion(text, h, anion_zh, anion_en)] or tops)
        keep = {id(h) for h in tops}
        for h in group:
            if h.symbol is None or id(h) in keep:
                out.append((h.start, h.end, h.symbol, h.tier))
    return out


def _list_subject(text: str, group: list["_El"], groups: list[list["_El"]], candidates: set[str | None],
                  meta: dict[str, Any]) -> str | None:
    """The candidate element that other names of the same sentence repeat most (the element a
    list of items is about), or None."""
    a, b = group[0].start, group[-1].end
    stop = meta["list_stops"]
    left = max(text.rfind(ch, 0, a) for ch in stop)
    right = min((i for i in (text.find(ch, b) for ch in stop) if i >= 0), default=len(text))
    counts: dict[str, int] = {}
    for g in groups:
        if g is group or len(g) != 1 or not (left < g[0].start and g[-1].end <= right):
            continue
        sym = g[0].symbol
        if sym in candidates:
            counts[sym] = counts.get(sym, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


_ANIONS: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _anion_regexes(meta: dict[str, Any]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    key = id(meta)
    if key not in _ANIONS:
        a = meta["anions"]
        _ANIONS[key] = (re.compile(a["zh_after"]), re.compile(f"(?:{a['en_suffix']})$", re.IGNORECASE))
    return _ANIONS[key]


def _anion(text: str, h: "_El", zh_after: re.Pattern[str], en_suffix: re.Pattern[str]) -> bool:
    """The anion of a compound name: 锑 in 锑化镓, 'arsenide' in 'gallium arsenide'."""
    if _cjk(text[h.start]):
        return bool(zh_after.match(text, h.end))
    return h.kind == "name" and bool(en_suffix.search(text[h.start:h.end]))


def _formula(token: str, offset: int, meta: dict[str, Any], tiers: dict[str, int],
             part_rx: re.Pattern[str]) -> list[_El]:
    parts = part_rx.findall(token)
    if "".join(a + b for a, b in parts) != token or any(p[0] not in meta["all_symbols"] for p in parts):
        return []
    if not any(c.islower() or c.isdigit() for c in token):
        return []  # all-capital tokens are acronyms (USB, CNN), not formulas
    symbols = [p[0] for p in parts]
    if all(s in symbols for s in meta["formula"]["matrix"]):
        return [_El(offset, offset + len(token), None, 0, "matrix")]
    known = [s for s in symbols if s in tiers]
    if not known or min(tiers[s] for s in known) > int(meta["formula"]["max_tier"]):
        return []
    best = min(tiers[s] for s in known)
    return [_El(offset, offset + len(token), s, best, "formula") for s in dict.fromkeys(known) if tiers[s] == best]


def _cjk(ch: str) -> bool:
    return vals.is_cjk(ch)


# -------------------------------------------------------------------------------------- codes

class CodesComponent:
    """Control codes anywhere; HS codes only in a customs context -> 'control_codes', 'hs_codes'."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        scan = scan_of(doc)
        codes = []
        for h in scan.family("control_code"):
            value = vals.normalize_control_code(scan.text[h.start:h.end])
            if value:
                codes.append((h.start, h.end, value))
        set_spans(doc, "control_codes", codes)
        set_spans(doc, "hs_codes", hs_codes(scan))
        return doc


_GAP: dict[int, re.Pattern[str]] = {}


def hs_codes(scan: Scan) -> list[SpanTuple]:
    text = scan.text
    numbers = []
    for h in scan.family("hs_number"):
        value = vals.normalize_hs_code(text[h.start:h.end])
        if value:
            numbers.append((h.start, h.end, value))
    if not numbers:
        return []
    meta = scan.book.meta["codes"]
    gap_rx = _GAP.get(id(meta))
    if gap_rx is None:
        gap_rx = _GAP[id(meta)] = re.compile("^" + meta["hs_gap"] + "$", re.IGNORECASE)
    gap_max = meta["hs_gap_max"]
    back_rx = re.compile(meta["hs_back_gap"], re.IGNORECASE)  # (re caches the compiled pattern)
    opening, closing, paren_max = meta["paren"]
    found: dict[int, SpanTuple] = {}
    layout = scan.layout if scan.family("hs_label") else None
    for cue in leftmost_longest(scan.family("hs_label")):
        # the sentence of a customs cue lists its codes: "ammonium paratungstate (reference HS
        # 2841801000), tungsten oxide (2825901200, 2825901910) ..."
        sent_end = layout.sentence(cue.start)[1] if layout is not None else cue.end
        for start, end, value in numbers:
            if cue.end <= start < sent_end:
                found[start] = (start, end, value)
        if layout is not None and not any(cue.end <= n[0] < sent_end for n in numbers) and sent_end < len(text):
            # "The notice gives reference customs codes for each item. Those listed for natural flake
            # graphite include 2504101000 …": the next sentence of its paragraph lists them
            unit = layout.unit_at(cue.start)
            n_start, n_end = layout.sentence(sent_end + 1)
            if unit is not None and n_start >= sent_end and n_end <= unit.end:
                for start, end, value in numbers:
                    if n_start <= start < n_end:
                        found[start] = (start, end, value)
        if opening in text[max(0, cue.start - 6):cue.start]:
            close = text.find(closing, cue.end, cue.end + paren_max)
            if close > 0:
                for start, end, value in numbers:
                    if cue.end <= start < close:
                        found[start] = (start, end, value)
        pos = cue.end
        for start, end, value in numbers:
            if start < cue.end:
                continue
            if not gap_rx.match(text[pos:start]) or start - pos > gap_max:
                break
            found[start] = (start, end, value)
            pos = end
        # numbers right before the cue ("gives 71051020 as the reference tariff line")
        back = [n for n in numbers if n[1] <= cue.start]
        pos = cue.start
        for start, end, value in reversed(back):
            gap = text[end:pos]
            if pos - end > meta["hs_back_max"] or not (back_rx.fullmatch(gap) if pos == cue.start else gap_rx.match(gap)):
                break
            found[start] = (start, end, value)
            pos = start
        _table_column(text, cue.start, cue.end, numbers, found, meta)
    if found:
        _bracketed_like(text, numbers, found, gap_rx, opening, closing)
    return sorted(found.values())


def _bracketed_like(text: str, numbers: list, found: dict, gap_rx: re.Pattern[str], opening: str,
                    closing: str) -> None:
    """Once a customs cue has shown what the text's codes look like ("1. 锑矿(参考海关商品编号:
    2617101000、…)"), the sibling items print theirs bare in brackets ("2. 金属锑(8110101000、
    8110200000)"): a bracket that holds nothing but numbers of a found code's length holds codes."""
    lengths = {len(v) for _, _, v in found.values()}
    for start, end, value in numbers:
        if start in found or len(value) not in lengths:
            continue
        a = text.rfind(opening, max(0, start - 60), start)
        b = text.find(closing, end, end + 120)
        if a < 0 or b < 0:
            continue
        inside = [n for n in numbers if a < n[0] and n[1] <= b]
        pos, ok = a + 1, True
        for n in inside:
            ok = ok and bool(gap_rx.match(text[pos:n[0]]))
            pos = n[1]
        if ok and gap_rx.match(text[pos:b]) and all(len(n[2]) in lengths for n in inside):
            for n in inside:
                found[n[0]] = n


def _table_column(text: str, cue_start: int, cue_end: int, numbers: list, found: dict,
                  meta: dict[str, Any]) -> None:
    """A cue in a header line without numbers (a table header) covers the rows below it, as long
    as each following line carries digits (a plain-text table's rule line and its section rows
    are passed over; a row answering its licence column "NO" lists a number outside the controls)."""
    line_start = text.rfind("\n", 0, cue_start) + 1
    line_end = text.find("\n", cue_end)
    line_end = len(text) if line_end < 0 else line_end
    if re.search(r"\d{6,}", text[line_start:line_end]):
        return
    rule = re.compile(meta["table_rule"])
    no_row = re.compile(meta["table_no_row"])
    section = re.compile(meta["table_section"])
    pos = line_end + 1
    first = True
    while pos < len(text):
        nxt = text.find("\n", pos)
        nxt = len(text) if nxt < 0 else nxt
        line = text[pos:nxt]
        if first and line.strip() and rule.match(line):
            first = False
            pos = nxt + 1
            continue
        first = False
        if not re.search(r"\d", line):
            if section.match(line.strip()):
                pos = nxt + 1
                continue
            break
        if not no_row.search(line):
            for start, end, value in numbers:
                if pos <= start < nxt:
                    found[start] = (start, end, value)
        pos = nxt + 1


# ------------------------------------------------------------------------------- act references

class AnnouncementsComponent:
    """References to acts in both languages -> 'announcements' (MOFCOM-YYYY-N, UEL-YYYY-N). A
    reference without a year (第61号公告, "No. 57") takes the year of the same number cited with
    one, else the year of the date its sentence narrates ("on November 7 MOFCOM issued No. 70"),
    else of the nearest reference, else of the publication date. Runs after ew_dates."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        scan = scan_of(doc)
        dated = [(s.start_char, int(s.label_[:4])) for s in doc.spans.get("dates", [])]
        # the page's date (or the first full date printed above its content, as ew_dates reads it)
        set_spans(doc, "announcements", announcement_spans(scan, published(doc) or page_date(scan), dated))
        return doc


def _opens_a_line_under_an_act_lead_in(scan: Scan, pos: int, act_words: re.Pattern[str]) -> bool:
    """"…suspends the measures in six October announcements:" then "No. 55 – superhard materials"
    on a line of its own: a number that opens a line of the list under a lead-in naming acts is one."""
    unit = scan.layout.unit_at(pos)
    if unit is None or len(scan.text[unit.start:pos].strip(" \t-•*·")) > 0:
        return False
    units = scan.layout.units
    for k in range(unit.index - 1, max(-1, unit.index - 13), -1):
        if units[k].ends_colon:
            return bool(act_words.search(scan.text, units[k].start, units[k].end))
    return False


def act_references(scan: Scan) -> list[vals.ActRef]:
    """Act references; a bare number ("No. 46", "Nos. 55, 56 and 61") only where the text cites
    one of its list's numbers as an act."""
    groups: list[list[vals.ActRef]] = []
    for h in leftmost_longest(scan.family("act")):
        m = scan.scanner.match(scan.text, h)
        if m is not None:
            groups.append(vals.act_refs(m, h.label, scan.grammar))
    cited = {r.number for g in groups for r in g if not r.bare}
    act_words = None

    full = [r.start for g in groups for r in g if not r.bare]

    def listed_acts(g: list[vals.ActRef]) -> bool:
        """A list of bare numbers in a sentence about announcements ("暂停的六份公告,即第55号、
        56号…及62号"), or a bare number beside an act cited in full ("第55号至第58号公告…,
        亦公布了第61号(…)和第62号(…)")."""
        nonlocal act_words
        act_words = act_words or re.compile(scan.book.meta["acts"]["act_words"])
        s, e = scan.layout.sentence(g[0].start)
        if _opens_a_line_under_an_act_lead_in(scan, g[0].start, act_words):
            return True
        unit = scan.layout.unit_at(g[0].start)
        if g[0].year and full and unit is not None and unit.role == "row":
            return True  # a table of acts: "5 | 2025年第10号 | 钨、碲…相关物项 | 2025/02/04"
        verb = scan.book.meta["acts"].get("verb_before_bare")
        if verb and re.search(verb, scan.text[max(0, g[0].start - 8):g[0].start]):
            return True  # "暂停第55号至第58号及第61号、第62号": what a verb on acts takes
        # (also when a note in brackets follows each number: "第55号(超硬材料)、第56号(…)、第57号(…)")
        in_sentence = sum(1 for h in groups for r in h if r.bare and s <= r.start < e)
        if not act_words.search(scan.text, s, e):
            # a list of three or more numbers in a text citing acts in full ("- Nos. 55, 56, 57, 58,
            # 61 and 62 are suspended", a bullet under "Announcement No. 70 of 2025"): a list of acts
            return (len(g) >= 3 or in_sentence >= 3) and bool(full)
        return len(g) >= 2 or in_sentence >= 3 or any(s <= pos < e for pos in full)

    return sorted(r for g in groups for r in g
                  if not r.bare or any(x.number in cited for x in g) or listed_acts(g))


def announcement_spans(scan: Scan, pub: dt.date | None,
                       dated: list[tuple[int, int]] = ()) -> list[SpanTuple]:
    """`dated`: (offset, year) of the document's dates, for references narrated with a date."""
    refs = [r for r in act_references(scan) if r.mofcom]
    if dated and any(r.year is None for r in refs):
        layout = scan.layout
        until = re.compile(scan.book.meta["acts"]["until_before"])
        relative = re.compile(scan.book.meta["acts"]["relative_year_before"])
        issue = re.compile(scan.book.meta["acts"]["issue_verbs"])
        for i, ref in enumerate(refs):
            if ref.year is None and not any(r.year and r.number == ref.number and r.scheme == ref.scheme
                                            for r in refs):
                s, e = layout.sentence(ref.start)
                # (an end date "至2026年11月10日" is not the day the act was issued)
                inside = [(pos, y) for pos, y in dated if s <= pos < e and not until.search(scan.text, max(s, pos - 6), pos)
                          and issue.search(scan.text[min(pos, ref.start):max(pos, ref.end) + 8])]
                before = [y for pos, y in inside if pos < ref.start]
                rel = relative.search(scan.text, max(s, ref.start - 12), ref.start)
                if rel and pub:  # 去年第46号公告, "last year's No. 46"
                    refs[i] = ref._replace(year=pub.year + int(scan.grammar.dates["relative_years"][rel.group(1).lower()]))
                elif inside:
                    refs[i] = ref._replace(year=before[-1] if before else inside[0][1])
    out = []
    inferred: dict[tuple[str, int], int] = {}
    for i, ref in enumerate(refs):
        year = ref.year
        if year is None:
            # the same number cited with its year anywhere in the text, the nearest first; else the
            # nearest dated reference before it, after it, or the page's year
            same = sorted((r for r in refs if r.year and r.number == ref.number and r.scheme == ref.scheme),
                          key=lambda r: abs(r.start - ref.start))
            before = [r for r in refs[:i] if r.year and r.scheme == ref.scheme]
            after = [r for r in refs[i + 1:] if r.year and r.scheme == ref.scheme]
            # a dated reference after it speaks for it only in its own sentence ("Nos. 55 and 58 …
            # under No. 70 of 2025"); a later sentence's "No. 46 of 2024" is another year's act
            s_end = scan.layout.sentence(ref.start)[1]
            near_after = [r for r in after if r.start < s_end]
            # likewise a dated reference before it, within its paragraph (a report's earlier
            # paragraph on "No. 46 of 2024" says nothing of this year's Nos. 55-58)
            unit = scan.layout.unit_at(ref.start)
            near_before = [r for r in before if unit is not None and r.start >= unit.start]
            # (a number the text already gave a year by its context keeps it: "2024年第33号…之前46号公告
            #说原则上不批" then, in a later post, "46号公告第二款暂停实施")
            year = same[0].year if same else (near_before[-1].year if near_before else (
                near_after[0].year if near_after else inferred.get((ref.scheme, ref.number)) or (
                    _page_year(pub, ref.number, scan) if pub else (
                    before[-1].year if before else (after[0].year if after else None)))))
            if year:
                inferred.setdefault((ref.scheme, ref.number), year)
        if year:
            out.append((ref.start, ref.end, vals.act_id(ref.scheme, year, ref.number)))
    return out


def _page_year(pub: dt.date, number: int, scan: Scan) -> int:
    """The year of an act cited by its bare number on a page dated `pub`: the page's own, unless
    the number is higher than that year's acts could have reached by then ("46号公告" on a thread
    of 8 January is last year's No. 46)."""
    meta = scan.book.meta["acts"]
    reach = pub.timetuple().tm_yday / 7 * meta["acts_per_week"] + meta["acts_slack"]
    return pub.year - 1 if number > reach else pub.year


# -------------------------------------------------------------------------------------- dates

class DatesComponent:
    """Calendar dates in every supported form, partial dates and weekdays resolved -> 'dates'
    (YYYY-MM-DD); cue phrases -> 'date_cues' (publication, immediate, effective, issued)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        scan = scan_of(doc)
        set_spans(doc, "dates", find_dates(scan, published(doc) or page_date(scan)))
        set_spans(doc, "date_cues", [(h.start, h.end, h.label) for h in leftmost_longest(scan.family("date_cue"))])
        return doc


def page_date(scan: Scan, head: int = 300) -> dt.date | None:
    """A page's own date when the parser found none: the first full date in its first lines (a
    "April 4, 2025 6:52 PM" stamp, a 2025-10-09 line), the anchor of weekdays and partial dates.
    A flash dated without a year ("财闻快讯2月24日电") takes the latest year of the acts it cites."""
    partial = None
    until = re.compile(scan.book.meta["acts"]["until_before"])
    for h in leftmost_longest(scan.family("date")):
        if h.start >= head:
            break
        if until.search(scan.text, max(0, h.start - 6), h.start):
            continue  # a period's end in the first lines ("暂停实施至2026年11月10日") is no page date
        parts = vals.date_of(scan.groups(h), scan.text[h.start:h.end], scan.grammar)
        if parts and parts[0]:
            return vals.make_date(*parts)
        partial = partial or parts
    if partial:
        years = [r.year for r in act_references(scan) if r.year]
        if years:
            return vals.make_date(max(years), partial[1], partial[2])
    return None


def _local_anchor(text: str, matches: list[tuple], i: int, same_year: re.Pattern[str],
                  until: re.Pattern[str], stops: str, year_after: re.Pattern[str]) -> dt.date | None:
    """The dated entry a yearless date belongs to, when its text says so: a timeline's date line
    just above it ("2023.7.3" then "…同年8月1日起实施"), or 同年/that year after a full date."""
    s = matches[i][0]
    prev = [m for m in matches[:i] if m[2]]
    if not prev:
        return None
    p = prev[-1]
    line_start = text.rfind("\n", 0, s) + 1
    prev_line_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
    date_line = prev_line_start <= p[0] and p[1] <= line_start and \
        len(text[prev_line_start:line_start].strip()) <= (p[1] - p[0]) + 6
    if date_line or (same_year.search(text[max(0, s - 8):s + 2]) and s - p[1] <= 200):
        return vals.make_date(p[2], p[3], p[4])
    # "二〇二三年七月三号,中国宣布…,八月一号开始": a full date shortly before in the same sentence
    # (not a period's end: "至2026年11月10日")
    between = text[p[1]:s]
    if s - p[1] <= 100 and not any(ch in between for ch in stops) and not until.search(text, max(0, p[0] - 6), p[0]) \
            and not year_after.match(text, matches[i][1]):
        return vals.make_date(p[2], p[3], p[4])
    return None


def find_dates(scan: Scan, pub: dt.date | None) -> list[SpanTuple]:
    g, text = scan.grammar, scan.text
    matches: list[tuple[int, int, int | None, int, int]] = []
    same: set[int] = set()  # indices of 同年-dates: the anchor's own year, not the nearest one
    last_end = -1
    for h in leftmost_longest(scan.family("date")):
        if h.start < last_end:
            continue
        groups = scan.groups(h)
        parts = vals.date_of(groups, text[h.start:h.end], g)
        if parts is None:
            continue
        shift = g.dates["relative_years"].get((groups.get("ry") or "").lower())
        if shift == "same":  # 同年8月1日: the year of the full date before it (_local_anchor)
            parts = (None, parts[1], parts[2])
            same.add(len(matches))
        elif groups.get("ry"):
            if not pub:
                continue  # "next year's" with no page date to count from
            parts = (pub.year + int(shift), parts[1], parts[2])
        matches.append((h.start, h.end, *parts))
        last_end = h.end
    out: list[SpanTuple] = []
    same_year = re.compile(g.dates["same_year_before"])
    past_before, past_after = re.compile(g.dates["past_before"]), re.compile(g.dates["past_after"])
    until = re.compile(scan.book.meta["acts"]["until_before"])
    stops = scan.book.meta["elements"]["list_stops"]  # sentence ends
    year_after = re.compile(g.dates["year_after"])
    for i, (s, e, year, month, day) in enumerate(matches):
        if year is None:
            anchor = _local_anchor(text, matches, i, same_year, until, stops, year_after)
            past = past_before.search(text, max(0, s - 24), s) or past_after.match(text, e)
            if anchor:
                year = anchor.year if i in same else vals.nearest_year(month, day, anchor)
            elif pub:
                year = vals.nearest_year(month, day, pub, ahead=0 if past else 120)
            else:
                # (not a period's end: "until Nov. 10, 2026" is a year after the events it ends)
                before = [m[2] for m in matches[:i] if m[2] and not until.search(text, max(0, m[0] - 6), m[0])]
                after = [m[2] for m in matches[i + 1:] if m[2] and not until.search(text, max(0, m[0] - 6), m[0])]
                year = before[-1] if before else (after[0] if after else None)
        date = vals.make_date(year, month, day)
        if date:
            out.append((s, e, date.isoformat()))
    if pub:
        taken = [(s, e) for s, e, _ in out]
        for h in leftmost_longest(scan.family("relative_date")):
            if any(s <= h.start < e for s, e in taken):
                continue
            date = vals.relative_date(scan.groups(h), pub, g)
            if date:
                out.append((h.start, h.end, date.isoformat()))
    return sorted(out)


# --------------------------------------------------------------------------------------- cues

class CuesComponent:
    """Relation verbs -> 'relation_cues' (suspends, resumes, amends, repeals, supersedes) and scope
    cues -> 'scope_cues' (control_intro, control, negation, statistic, technology, item_word, act_verb, definition)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        scan = scan_of(doc)
        set_spans(doc, "relation_cues", [(h.start, h.end, h.label) for h in leftmost_longest(scan.family("relation"))])
        set_spans(doc, "scope_cues", [(h.start, h.end, h.label) for h in leftmost_longest(scan.family("scope"))])
        return doc


@Language.factory("ew_scan")
def make_scan(nlp: Language, name: str) -> ScanComponent:
    return ScanComponent(nlp, name)


@Language.factory("ew_elements")
def make_elements(nlp: Language, name: str) -> ElementsComponent:
    return ElementsComponent(nlp, name)


@Language.factory("ew_codes")
def make_codes(nlp: Language, name: str) -> CodesComponent:
    return CodesComponent(nlp, name)


@Language.factory("ew_announcements")
def make_announcements(nlp: Language, name: str) -> AnnouncementsComponent:
    return AnnouncementsComponent(nlp, name)


@Language.factory("ew_dates")
def make_dates(nlp: Language, name: str) -> DatesComponent:
    return DatesComponent(nlp, name)


@Language.factory("ew_cues")
def make_cues(nlp: Language, name: str) -> CuesComponent:
    return CuesComponent(nlp, name)


MY_COMPONENTS = ["ew_scan", "ew_elements", "ew_codes", "ew_dates", "ew_announcements", "ew_cues"]
SEMANTIC_COMPONENTS = ["ew_doc_classifier", "ew_end_user_rules", "ew_technologies", "ew_thresholds",
                       "ew_exclusions"]
