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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import config
from pipeline.extract.semantics._text import NormText, Segmenter, boilerplate_ranges, normalise

DEFAULT_DIR = config.MODELS_DIR / "src" / "semantics"


@dataclass(frozen=True)
class Hit:
    """One cue match in normalised text: `label` is the vocabulary key it belongs to."""

    label: str
    start: int
    end: int
    group: str = ""


def en_fragment(fragment: str) -> str:
    """A space in an English fragment matches spaces or hyphens ("case by case" = "case-by-case");
    " ?" makes the separator optional ("0.1 %" and "0.1%")."""
    fragment = re.sub(r"(?<!\\) \?", r"[\\s\\-]*", fragment)
    return re.sub(r"(?<!\\) +", r"[\\s\\-]+", fragment)


def compile_terms(terms: dict[str, list[str]] | list[str] | None, flags: int = 0) -> re.Pattern[str] | None:
    """One alternation for a {zh: [...], en: [...]} entry (a bare list counts as both languages)."""
    if not terms:
        return None
    if isinstance(terms, list):
        terms = {"zh": terms}
    parts: list[str] = []
    for lang, frags in terms.items():
        for frag in sorted(frags or [], key=len, reverse=True):
            if lang == "en":
                parts.append(r"(?<![A-Za-z])(?i:" + en_fragment(frag) + r")(?![A-Za-z])")
            else:
                parts.append(f"(?:{frag})")
    return re.compile("|".join(parts), flags) if parts else None


class Lexicon:
    """Labelled cue families: label -> compiled pattern; `find` returns every hit."""

    def __init__(self, spec: dict[str, Any] | None, group: str = ""):
        self.group = group
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        for label, terms in (spec or {}).items():
            rx = compile_terms(terms)
            if rx is not None:
                self.patterns.append((label, rx))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Hit]:
        end = len(text) if end is None else end
        hits: list[Hit] = []
        for label, rx in self.patterns:
            for m in rx.finditer(text, start, end):
                if m.end() > m.start():
                    hits.append(Hit(label, m.start(), m.end(), self.group))
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
        self.data: dict[str, dict[str, Any]] = {}
        folder = Path(data_dir) if data_dir else DEFAULT_DIR
        if all((folder / f"{f}.yml").exists() for f in ("common", *self.files)):
            self.data = {f: load_yaml(folder / f"{f}.yml") for f in ("common", *self.files)}
            self._setup()

    def _setup(self) -> None:
        common = self.data["common"]
        self.headers = re.compile(r"(?:%s)\s*[:：]?" % "|".join(common["related_headers"]), re.I)
        self.footer = re.compile(r"^(?:%s)" % "|".join(common["footer_lines"]), re.I)
        self.clause_split = compile_terms(common["clause_split"])
        self.compile()

    def compile(self) -> None:  # pragma: no cover - each component overrides
        raise NotImplementedError

    def views(self, doc: Doc) -> tuple[NormText, Segmenter]:
        """Normalised text and its sentences, with related-story lists and footers marked."""
        if not self.data:
            raise RuntimeError(f"{self.name}: no data loaded (models/src/semantics missing?)")
        norm = normalise(doc.text)
        seg = Segmenter(norm, boilerplate_ranges(norm.text, self.headers, self.footer))
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
    """Spans over doc tokens for normalised (start, end, label) triples, deduplicated, in order."""
    spans: list[Span] = []
    seen: set[tuple[int, int, str]] = set()
    for start, end, label in sorted(found):
        a, b = norm.orig(start, end)
        span = doc.char_span(a, b, label=label, alignment_mode="expand")
        if span is not None and (span.start, span.end, label) not in seen:
            seen.add((span.start, span.end, label))
            spans.append(span)
    return spans
