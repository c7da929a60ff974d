"""Vocabulary loading, regex compilation and the base class of the semantic components.

Why regexes over the normalised text rather than a PhraseMatcher: the blank `zh` tokenizer is
per character and `en` splits hyphens, so multi-word cues with optional parts ("不属于…管制范围",
"case-by-case", "0.1% or more of the product's value") are far simpler and faster as compiled
alternations over the text; matches are mapped back to tokens with `char_span(..., "expand")`.

Data lives in YAML under models/src/semantics (one file per component plus common.yml). Each
vocabulary entry is a regex fragment; English fragments are case-insensitive, a space in them
matches any run of spaces or hyphens, and they only match at word edges. Components keep their
data dict and save it with the pipeline (to_disk/from_disk), so a built model needs no sources.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import yaml
from spacy.attrs import ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import config
from pipeline.extract.components import _token_offsets
from pipeline.extract.regexes import folded, group_by_head
from pipeline.extract.semantics._text import NormText, Segmenter, boilerplate_ranges, normalise

DEFAULT_DIR = config.MODELS_DIR / "src" / "semantics"
_VIEWS: list[Any] = [None, None]  # (key, (NormText, Segmenter)) of the last document seen
_SERIAL = [0]
_SERIAL_KEY = "ew_semantics_serial"


def doc_text(doc: Doc) -> str:
    """doc.text without building a Token object per token (5x faster on per-character zh docs)."""
    arr = doc.to_array([ORTH, SPACY])
    words = list(map(doc.vocab.strings.__getitem__, arr[:, 0].tolist()))
    for i in arr[:, 1].nonzero()[0].tolist():
        words[i] += " "
    return "".join(words)


class Hit(NamedTuple):
    """One cue match in normalised text: `label` is the vocabulary key it belongs to.
    (A named tuple: made for every match, 5x cheaper than a frozen dataclass.)"""

    label: str
    start: int
    end: int
    group: str = ""


def en_fragment(fragment: str) -> str:
    """A space in an English fragment matches spaces or hyphens ("case by case" = "case-by-case");
    " ?" makes the separator optional ("0.1 %" and "0.1%")."""
    # spaces inside a character class ("[- ]") stay literal: only spaces between tokens become
    # separators (a class holding "[\\s\\-]+" would not compile to what was meant)
    parts = re.split(r"(\[(?:\\.|[^\]\\])*\])", fragment)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"(?<!\\) \?", r"[\\s\\-]*", parts[i])
        parts[i] = re.sub(r"(?<!\\) +", r"[\\s\\-]+", parts[i])
    return "".join(parts)


LANGS = ("zh", "en")


def _fragments(terms: dict[str, list[str]] | list[str], langs: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(raw fragments, English fragments) for the languages asked for, longest first.

    A bare list is language-neutral (codes): its fragments are raw for every language.
    """
    if isinstance(terms, list):
        terms = {"any": terms}
    raw: list[str] = []
    en: list[str] = []
    for lang, frags in terms.items():
        if lang not in langs and lang != "any":
            continue
        for frag in frags or []:
            (en if lang == "en" else raw).append(en_fragment(frag) if lang == "en" else frag)
    return sorted(raw, key=len, reverse=True), sorted(en, key=len, reverse=True)


def _join(raw: list[str], en: list[str]) -> str:
    """English alternatives share one word-edge guard (5x faster than a guard per alternative)."""
    parts = [group_by_head(raw)] if raw else []
    if en:
        parts.append(r"(?<![A-Za-z])(?i:" + group_by_head(en, fold_case=True) + r")(?![A-Za-z])")
    return "|".join(f"(?:{p})" for p in parts)


def compile_terms(terms: dict[str, list[str]] | list[str] | None, flags: int = 0,
                  langs: tuple[str, ...] = LANGS) -> re.Pattern[str] | None:
    """One regex for a {zh: [...], en: [...]} entry, restricted to `langs`. Callers read the
    offsets of its matches, not their text (it may scan a lower-cased copy: regexes.folded)."""
    if not terms:
        return None
    body = _join(*_fragments(terms, langs))
    return folded(re.compile(body, flags), offsets_only=True) if body else None


_HEAD_GROUP = re.compile(r"^\(\?:([^()\[\]\\?*+{}.^$|]+(?:\|[^()\[\]\\?*+{}.^$|]+)+)\)(?![?*+{])(.*)$", re.S)


def _expand_head(frag: str) -> list[str]:
    """"(?:对|向|至)美国" -> ["对(?:美国)", ...]: literal-start fragments keep the fast scan."""
    m = _HEAD_GROUP.match(frag)
    if not m:
        return [frag]
    return [f"{alt}(?:{m.group(2)})" if m.group(2) else alt for alt in m.group(1).split("|")]


_LITERAL_START = re.compile(r"[^\\()\[\]^$.*+?{}|]")


class Lexicon:
    """Labelled cue families, scanned with few plain alternations, labelled per match.

    Why not one regex with a named group per label: capturing groups (and alternatives that do
    not start with a literal) switch off the regex engine's first-character skipping, which
    made scanning 10-30x slower. So the scan uses non-capturing alternations, literal-start
    fragments apart from the others, and each match is labelled by re-matching the per-label
    patterns at its start (labels in spec order; the one reproducing the match wins).
    """

    def __init__(self, spec: dict[str, Any] | None, group: str = "", langs: tuple[str, ...] = LANGS,
                 flags: int = 0):
        self.group = group
        self.labels: list[tuple[str, re.Pattern[str]]] = []
        fast: list[str] = []
        slow: list[str] = []
        english: list[str] = []
        for label, terms in (spec or {}).items():
            if not terms:
                continue
            raw, en = _fragments(terms, langs)
            if not raw and not en:
                continue
            self.labels.append((label, re.compile(_join(raw, en), flags)))
            for frag in (f for r in raw for f in _expand_head(r)):
                (fast if _LITERAL_START.match(frag) else slow).append(frag)
            english.extend(en)
        originals = [re.compile(_join(sorted(part, key=len, reverse=True), []), flags) for part in (fast, slow) if part]
        if english:
            originals.append(re.compile(_join([], sorted(english, key=len, reverse=True)), flags))
        self.scanners: list[Any] = [folded(rx, True) for rx in originals]

    def label_at(self, text: str, start: int, end: int) -> str:
        best: tuple[str, int] | None = None
        for label, rx in self.labels:
            m = rx.match(text, start)
            if m is None:
                continue
            if m.end() == end:
                return label
            if best is None or m.end() > best[1]:
                best = (label, m.end())
        return best[0] if best else self.labels[0][0]

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Hit]:
        end = len(text) if end is None else end
        hits: list[Hit] = []
        for rx in self.scanners:
            for m in rx.finditer(text, start, end):
                if m.end() > m.start():
                    hits.append(Hit(self.label_at(text, m.start(), m.end()), m.start(), m.end(), self.group))
        return hits


def resolve(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits (so "军事用途的人工智能" beats "军事用途")."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def tightest(found: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One evidence span per label within a clause: the shortest, i.e. the tightest support."""
    best: dict[str, tuple[int, int, str]] = {}
    for a, b, label in found:
        if label not in best or b - a < best[label][1] - best[label][0]:
            best[label] = (a, b, label)
    return sorted(best.values())


def load_yaml(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


class SemanticComponent:
    """Base: loads `<file>.yml` and common.yml once at construction, compiles, saves with the model."""

    files: tuple[str, ...] = ()

    def __init__(self, nlp: Language, name: str, data_dir: str = ""):
        self.name = name
        # Cues of the pipeline's own language only: half the regex work, and a zh pipeline never
        # sees English documents (the caller picks the pipeline by document language).
        self.langs: tuple[str, ...] = (nlp.lang,) if nlp.lang in LANGS else LANGS
        self.data: dict[str, dict[str, Any]] = {}
        folder = Path(data_dir) if data_dir else DEFAULT_DIR
        if all((folder / f"{f}.yml").exists() for f in ("common", *self.files)):
            self.data = {f: load_yaml(folder / f"{f}.yml") for f in ("common", *self.files)}
            self._setup()

    def _setup(self) -> None:
        common = self.data["common"]
        self.headers = re.compile(r"(?:%s)\s*[:：]?" % "|".join(common["related_headers"]), re.I)
        self.footer = re.compile(r"^(?:%s)" % "|".join(common["footer_lines"]), re.I)
        self.clause_split = self.terms(common["clause_split"])
        self.compile()

    def lexicon(self, spec: dict[str, Any] | None, group: str = "", flags: int = 0) -> Lexicon:
        return Lexicon(spec, group, self.langs, flags)

    def terms(self, spec: Any, flags: int = 0) -> re.Pattern[str] | None:
        return compile_terms(spec, flags, self.langs)

    def compile(self) -> None:  # pragma: no cover - each component overrides
        raise NotImplementedError

    def views(self, doc: Doc) -> tuple[NormText, Segmenter]:
        """Normalised text and its sentences, with related-story lists and footers marked.

        Computed once per document and shared by the five components: the document is tagged
        with a serial number in user_data (an int, harmless to serialise) that keys the cache.
        """
        if not self.data:
            raise RuntimeError(f"{self.name}: no data loaded (models/src/semantics missing?)")
        serial = doc.user_data.get(_SERIAL_KEY)
        key = (serial, len(doc), self.headers.pattern, self.footer.pattern)
        if serial is not None and _VIEWS[0] == key:
            return _VIEWS[1]
        _SERIAL[0] += 1
        doc.user_data[_SERIAL_KEY] = _SERIAL[0]
        text = doc.user_data.get("ew_text")  # the source text, set by the extractor (== doc.text)
        norm = normalise(text if isinstance(text, str) else doc_text(doc))
        seg = Segmenter(norm, boilerplate_ranges(norm.text, self.headers, self.footer))
        _VIEWS[0], _VIEWS[1] = (_SERIAL[0], len(doc), self.headers.pattern, self.footer.pattern), (norm, seg)
        return norm, seg

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for fname, content in self.data.items():
            with open(path / f"{fname}.yml", "w", encoding="utf-8") as fh:
                yaml.safe_dump(content, fh, allow_unicode=True, sort_keys=False)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "SemanticComponent":
        path = Path(path)
        self.data = {f: load_yaml(path / f"{f}.yml") for f in ("common", *self.files)}
        self._setup()
        return self


def make_spans(doc: Doc, norm: NormText, found: Iterable[tuple[int, int, str]]) -> list[Span]:
    """Spans over doc tokens for normalised (start, end, label) triples, deduplicated, in order.

    Expand alignment by bisecting token start offsets (doc.char_span walks every token per call).
    """
    found = sorted(found)
    if not found or not len(doc):
        return []
    offsets = _token_offsets(doc)  # cached per document for all components
    starts = offsets[0] if offsets is not None else doc.to_array("IDX").tolist()
    spans: list[Span] = []
    seen: set[tuple[int, int, str]] = set()
    for start, end, label in found:
        a, b = norm.orig(start, end)
        first = max(0, bisect_right(starts, a) - 1)
        last = max(first + 1, bisect_left(starts, b))
        if (first, last, label) not in seen:
            seen.add((first, last, label))
            spans.append(Span(doc, first, last, label=label))
    return spans
