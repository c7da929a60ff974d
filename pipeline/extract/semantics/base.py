"""The base of the semantic components: they read the document's scan and layout.

Every cue they need was found by the one scan of `ew_scan` (families eu_*, tech_*, threshold,
excl_*, kind, relevance, modality, clause_split); what a cue means depends on where it stands,
which the layout tells (sentences that never cross a line, list scopes, related-story boxes).
Offsets are view offsets, written as span groups with `set_spans`.
"""
from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.components import Scan, scan_of, set_spans
from pipeline.extract.layout import Layout
from pipeline.extract.scanner import Hit, longest_first


class SemanticComponent:
    """A component with no state of its own: its cues live in the pipeline's cue book."""

    def __init__(self, nlp: Language, name: str, data_dir: str = ""):
        self.name = name
        self.lang = nlp.lang

    @staticmethod
    def views(doc: Doc) -> tuple[Scan, Layout]:
        scan = scan_of(doc)
        return scan, scan.layout


def doc_kind(scan: Scan) -> str | None:
    """The kind ew_doc_classifier gave the document (it runs first), if it ran."""
    return scan.decisions.get("ew_kind")


def resolve(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits (so "军事用途的人工智能" beats "军事用途")."""
    return longest_first(hits)


def tightest(found: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One evidence span per label within a clause: the shortest, i.e. the tightest support."""
    best: dict[str, tuple[int, int, str]] = {}
    for a, b, label in found:
        if label not in best or b - a < best[label][1] - best[label][0]:
            best[label] = (a, b, label)
    return sorted(best.values())


def clause_spans(start: int, end: int, splits: list[Hit]) -> list[tuple[int, int]]:
    """Split [start, end) at semicolons and contrast markers ("while", ",但") into clauses."""
    cuts = [start] + [h.start for h in splits if start < h.start < end] + [end]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def write(doc: Doc, key: str, found: Iterable[tuple[int, int, str]]) -> None:
    set_spans(doc, key, sorted(found))
