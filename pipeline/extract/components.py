"""spaCy components of the exportwatch pipelines (registered factories, `ew_*`).

Each component finds one family of mentions with compiled regexes over `doc.text` and writes them
to `doc.spans[KEY]`, `span.label_` being the normalised value (an element symbol, `1C902.a`,
`MOFCOM-2025-18`, `2025-10-09`, a cue type). Components judge single mentions only; which mentions
are controlled items, effective dates or relations is decided by record.py from structure and
context. Data (vocabulary, cue patterns) is loaded at `initialize` from models/src and saved
with the pipeline (to_disk/from_disk), so `spacy.load(models/exportwatch-zh)` needs no sources.

Inputs in `doc.user_data` (set by pipeline.extract before the pipeline runs):
- `ew_text`: the document text. Read it (or `text_of(doc)`) instead of `doc.text`, which spaCy
  rebuilds from the tokens on every access and which then costs more than all the matching.
- `ew_lower` (`lower_of(doc)`): the lower-cased text with the same offsets, made once.
- `ew_published`: the publication date (YYYY-MM-DD) when known: it resolves dates without a year
  and weekday references in news.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from bisect import bisect_right
from pathlib import Path
from typing import Any, Callable, Iterable

from spacy.attrs import IDX, LENGTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extract import normalize as nz
from pipeline.extract.lexicon import CuePatterns, ElementFinder, load_patterns, load_vocab

SpanTuple = tuple[int, int, str]
MENTIONS_KEY = "ew_mentions"  # user_data[(MENTIONS_KEY, span key)] = (n spans, [(start_char, end_char, label)])


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
    for start, end, label in found:
        # Doc.char_span(start, end) strict, else alignment_mode="expand": the same result,
        # bisecting token offsets instead of building Token objects (runs for every mention)
        if not (0 <= start < total and 0 <= end - 1 < total):
            continue
        a = bisect_right(starts, start) - 1
        e = bisect_right(starts, end - 1) - 1
        if not (start == starts[a] and end == ends[e] and e + 1 > a) and start == ends[a]:
            a += 1  # expand: trailing whitespace is not part of the token before it
        b = e + 1
        if (a, b, label) in seen:
            continue
        seen.add((a, b, label))
        label_id = label_ids.get(label)
        if label_id is None:
            label_id = label_ids[label] = add(label)
        spans.append(Span(doc, a, b, label=label_id))
        # the span's start_char/end_char, for the extractor (iterating a span group is slow)
        first = starts[a] if a < n else total
        mentions.append((first, ends[b - 1] if b > a else first, label))
    doc.spans[key] = spans
    doc.user_data[(MENTIONS_KEY, key)] = (len(spans), mentions)


def text_of(doc: Doc) -> str:
    """doc.text, computed once: spaCy rebuilds Doc.text from the tokens on every access, which
    costs more than all the matching; the extractor also puts the source text in user_data."""
    text = doc.user_data.get("ew_text")
    if text is None:
        text = doc.user_data["ew_text"] = doc.text
    return text


def lower_of(doc: Doc) -> str:
    """The lower-cased text, same offsets, computed once per document for all components."""
    low = doc.user_data.get("ew_lower")
    if low is None:
        low = doc.user_data["ew_lower"] = nz.lower_same_length(text_of(doc))
    return low


def published(doc: Doc) -> dt.date | None:
    value = doc.user_data.get("ew_published")
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except (TypeError, ValueError):
        return None


class DataComponent:
    """A component whose only state is a JSON-able dict, filled at initialize from source files."""

    name = "ew"

    def __init__(self, nlp: Language, name: str):
        self.nlp_name = name
        self.lang = nlp.lang  # cue patterns of this language only (plus "any")
        self.data: dict[str, Any] = {}
        self._compiled: Any = None

    def load(self, **paths: str | None) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _init(self, **paths: str | None) -> None:
        self.data = self.load(**paths)
        self._compiled = None

    # spaCy validates [initialize.components.X] against this signature, so each data path is a
    # named keyword (patterns_path for cue components, vocab_path for elements).
    def initialize(self, get_examples: Callable | None = None, *, nlp: Language | None = None,
                   patterns_path: str | None = None) -> None:
        self._init(patterns_path=patterns_path)

    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = self.compile(self.data)
        return self._compiled

    def compile(self, data: dict[str, Any]) -> Any:
        return data

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "data.json").write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> "DataComponent":
        self.data = json.loads((Path(path) / "data.json").read_text(encoding="utf-8"))
        self._compiled = None
        return self


class ElementsComponent(DataComponent):
    """Element names, material forms, formulas, context symbols -> spans 'elements' (symbol) and
    'materials' (matrix terms such as NdFeB, label 'matrix')."""

    def initialize(self, get_examples: Callable | None = None, *, nlp: Language | None = None,  # type: ignore[override]
                   vocab_path: str | None = None) -> None:
        self._init(vocab_path=vocab_path)

    def load(self, vocab_path: str | None = None, **_: Any) -> dict[str, Any]:
        return load_vocab(vocab_path) if vocab_path else {"elements": [], "matrix": {}, "not_elements": {}}

    def compile(self, data: dict[str, Any]) -> ElementFinder:
        return ElementFinder(data)

    def __call__(self, doc: Doc) -> Doc:
        hits = self.compiled().find(text_of(doc), lower_of(doc)) if self.data.get("elements") else []
        set_spans(doc, "elements", ((h.start, h.end, h.symbol) for h in hits if h.symbol))
        set_spans(doc, "materials", ((h.start, h.end, "matrix") for h in hits if not h.symbol))
        return doc


HS_GAP_RE = re.compile(r"^(?:[\s:：,，、;；/()（）《》\"“”'’\-–]|and|or|&|和|及|或|与|号列|编号|编码|codes?|numbers?|nos?\.?|s\b)*$",
                       re.IGNORECASE)


class CodesComponent(DataComponent):
    """Control codes anywhere; HS codes only in a customs context -> 'control_codes', 'hs_codes'."""

    def load(self, patterns_path: str | None = None, **_: Any) -> dict[str, Any]:
        rows = load_patterns(patterns_path).get("hs_context", []) if patterns_path else []
        return {"hs_context": rows}

    def compile(self, data: dict[str, Any]) -> CuePatterns:
        return CuePatterns(data["hs_context"], self.lang)

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        codes = []
        for m in nz.CONTROL_CODE_RE.finditer(text):
            value = nz.normalize_control_code(m.group(0))
            if value:
                codes.append((m.start(), m.end(), value))
        set_spans(doc, "control_codes", codes)
        set_spans(doc, "hs_codes", self.hs_codes(text, lower_of(doc)))
        return doc

    def hs_codes(self, text: str, low: str | None = None) -> list[SpanTuple]:
        numbers = [(m.start(1), m.end(1), nz.normalize_hs_code(m.group(1))) for m in nz.HS_NUMBER_RE.finditer(text)]
        numbers = [n for n in numbers if n[2]]
        if not numbers:
            return []
        found: dict[int, SpanTuple] = {}
        for cue_start, cue_end, _ in self.compiled().find(text, low):
            pos = cue_end
            for start, end, value in numbers:
                if start < cue_end:
                    continue
                if not HS_GAP_RE.match(text[pos:start]) or start - pos > 40:
                    break
                found[start] = (start, end, value)
                pos = end
            self._table_column(text, cue_start, cue_end, numbers, found)
        return sorted(found.values())

    @staticmethod
    def _table_column(text: str, cue_start: int, cue_end: int, numbers: list, found: dict) -> None:
        """A cue in a header line without numbers (a table header) covers the rows below it, as
        long as each following line carries digits."""
        line_start = text.rfind("\n", 0, cue_start) + 1
        line_end = text.find("\n", cue_end)
        line_end = len(text) if line_end < 0 else line_end
        if re.search(r"\d{6,}", text[line_start:line_end]):
            return
        pos = line_end + 1
        while pos < len(text):
            nxt = text.find("\n", pos)
            nxt = len(text) if nxt < 0 else nxt
            line = text[pos:nxt]
            if not re.search(r"\d", line):
                break
            for start, end, value in numbers:
                if pos <= start < nxt:
                    found[start] = (start, end, value)
            pos = nxt + 1


class AnnouncementsComponent(DataComponent):
    """MOFCOM announcement references in both languages -> 'announcements' (MOFCOM-YYYY-N). A
    reference without a year (第61号公告) takes the year of the nearest reference before it to the
    same number, else of the nearest reference, else of the publication date."""

    def load(self, **_: Any) -> dict[str, Any]:
        return {}

    def __call__(self, doc: Doc) -> Doc:
        refs = [r for r in nz.find_announcements(text_of(doc)) if r.mofcom]
        pub = published(doc)
        out = []
        for i, ref in enumerate(refs):
            year = ref.year
            if year is None:
                before = [r for r in refs[:i] if r.year]
                same = [r for r in before if r.number == ref.number]
                after = [r for r in refs[i + 1:] if r.year]
                year = (same or before or [None])[-1].year if (same or before) else (
                    after[0].year if after else (pub.year if pub else None))
            if year:
                out.append((ref.start, ref.end, nz.announcement_id(year, ref.number)))
        set_spans(doc, "announcements", out)
        return doc


class DatesComponent(DataComponent):
    """Calendar dates in every supported form, partial dates and weekdays resolved -> 'dates'
    (YYYY-MM-DD); cue phrases -> 'date_cues' (publication, immediate, effective, issued)."""

    def load(self, patterns_path: str | None = None, **_: Any) -> dict[str, Any]:
        rows = load_patterns(patterns_path).get("date_cues", []) if patterns_path else []
        return {"date_cues": rows}

    def compile(self, data: dict[str, Any]) -> CuePatterns:
        return CuePatterns(data["date_cues"], self.lang)

    def __call__(self, doc: Doc) -> Doc:
        text, pub = text_of(doc), published(doc)
        matches = list(nz.find_dates(text))
        out: list[SpanTuple] = []
        for i, m in enumerate(matches):
            year = m.year
            if year is None:
                if pub:
                    year = nz.nearest_year(m.month, m.day, pub)
                else:
                    before = [x for x in matches[:i] if x.year]
                    after = [x for x in matches[i + 1:] if x.year]
                    year = before[-1].year if before else (after[0].year if after else None)
            date = nz.make_date(year, m.month, m.day)
            if date:
                out.append((m.start, m.end, date.isoformat()))
        if pub:
            taken = [(s, e) for s, e, _ in out]
            low = lower_of(doc)
            for m in nz.confirmed_finditer(nz.RELATIVE_SCAN, nz.RELATIVE_RE, low):
                if any(s <= m.start() < e for s, e in taken) or (
                        m.start() and low[m.start() - 1].isascii() and low[m.start() - 1].isalpha()):
                    continue
                out.append((m.start(), m.end(), nz.relative_date(m, pub).isoformat()))
        set_spans(doc, "dates", sorted(out))
        set_spans(doc, "date_cues", self.compiled().find(text, lower_of(doc)))
        return doc


class CuesComponent(DataComponent):
    """Relation verbs -> 'relation_cues' (suspends, resumes, amends, repeals, supersedes) and
    scope cues -> 'scope_cues' (control_intro, control, negation, statistic, technology, item_word)."""

    def load(self, patterns_path: str | None = None, **_: Any) -> dict[str, Any]:
        pats = load_patterns(patterns_path) if patterns_path else {}
        return {"relations": pats.get("relations", []), "scope": pats.get("scope", [])}

    def compile(self, data: dict[str, Any]) -> tuple[CuePatterns, CuePatterns]:
        return CuePatterns(data["relations"], self.lang), CuePatterns(data["scope"], self.lang)

    def __call__(self, doc: Doc) -> Doc:
        relations, scope = self.compiled()
        text = text_of(doc)
        low = lower_of(doc)
        set_spans(doc, "relation_cues", relations.find(text, low))
        set_spans(doc, "scope_cues", scope.find(text, low))
        return doc


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


MY_COMPONENTS = ["ew_elements", "ew_codes", "ew_announcements", "ew_dates", "ew_cues"]
SEMANTIC_COMPONENTS = ["ew_doc_classifier", "ew_end_user_rules", "ew_technologies", "ew_thresholds",
                       "ew_exclusions"]
