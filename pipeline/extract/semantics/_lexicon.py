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
import string
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from spacy.attrs import ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import config
from pipeline.extract.components import _token_offsets
from pipeline.extract.normalize import lower_same_length
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


_PLAIN_HEAD = re.compile(r"[A-Za-z](?![?*+{])")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


def _top_level_bar(frag: str) -> bool:
    """Whether `frag` is itself an alternation ("a|b" outside any group or class)."""
    depth, in_class, i = 0, False, 0
    while i < len(frag):
        ch = frag[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if frag[i + 1:i + 2] == "^":
                i += 1
            if frag[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def _by_first_letter(frags: list[str]) -> str:
    """The alternation of `frags` (in order), consecutive fragments that start with a plain letter
    grouped by that letter: "e(?:(?:xport)|(?:mbargo))|d(?:(?:ual use))". The engine then tries
    one letter per group at a word start instead of every fragment (case-insensitive literals
    get no fast check). Same matches: only fragments with different first letters change order,
    and those never both match at one position; a fragment starting otherwise ("(?-i:US)",
    "[- ]") keeps its place between the groups before and after it."""
    out: list[str] = []
    run: dict[str, list[str]] = {}

    def close() -> None:
        for letter, rests in run.items():
            out.append(letter + "(?:" + "|".join(f"(?:{r})" for r in rests) + ")")
        run.clear()

    for f in frags:
        if _PLAIN_HEAD.match(f) and not _BACKREF.search(f) and not _top_level_bar(f):
            run.setdefault(f[0].lower(), []).append(f[1:])
        else:
            close()
            out.append(f"(?:{f})")
    close()
    return "|".join(out)


def _join(raw: list[str], en: list[str]) -> str:
    """English alternatives share one word-edge guard (5x faster than a guard per alternative)."""
    parts = ["|".join(f"(?:{f})" for f in raw)] if raw else []
    if en:
        parts.append(r"(?<![A-Za-z])(?i:" + _by_first_letter(en) + r")(?![A-Za-z])")
    return "|".join(f"(?:{p})" for p in parts)


_LOWERED: list[Any] = [None, None]  # (text, its lower-cased copy) of the last text scanned


def lowered(text: str) -> str:
    """`text` lower-cased with the same offsets, computed once per text (the components of one
    document scan the same normalised text many times)."""
    if _LOWERED[0] is not text:
        _LOWERED[0], _LOWERED[1] = text, lower_same_length(text)
    return _LOWERED[1]


def _cased(ch: str) -> bool:
    return ch.lower() != ch or ch.upper() != ch


def _class_end(pattern: str, i: int) -> int:
    """Index just past the character class opening at pattern[i] ("["), or -1."""
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":  # "[]...]": the bracket is a member
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j + 1
        j += 1
    return -1


def _case_symmetric(klass: str) -> bool:
    """Whether a class holds each ASCII letter exactly when it holds the other case of it
    ("[A-Za-z]" yes, "[A-Z]" no): such a class says the same of the lower-cased text."""
    try:
        rx = re.compile(klass)
    except re.error:
        return False
    return all(bool(rx.fullmatch(c)) == bool(rx.fullmatch(c.swapcase())) for c in string.ascii_lowercase)


def _lower_class(klass: str) -> str:
    """The class with its letters lowered (escapes such as \\S kept)."""
    out, j = [], 0
    while j < len(klass):
        if klass[j] == "\\":
            out.append(klass[j:j + 2])
            j += 2
            continue
        out.append(klass[j].lower())
        j += 1
    return "".join(out)


def fold_pattern(pattern: str, flags: int = 0) -> str | None:
    """A case-sensitive pattern for the lower-cased text that matches at least wherever
    `pattern` matches the original text: literals and classes lowered, "(?i:" and "(?-i:" made
    "(?:" (a case-sensitive part is relaxed; FoldedPattern checks each candidate with the
    original). None when lowering could lose a match: a cased letter in a negated class or a
    negative lookaround outside any case-insensitive scope ("[^A-Z]", "(?!Ltd)"), an inline
    global flag, a backreference, a named escape."""
    ci_all = bool(flags & re.I)
    out: list[str] = []
    stack: list[tuple[bool, bool]] = []  # per open group: (case-insensitive inside, negative lookaround)
    i, n = 0, len(pattern)

    def ci() -> bool:
        return next((c for c, _ in reversed(stack) if c is not None), ci_all)

    def negative() -> bool:
        return any(neg for _, neg in stack)

    while i < n:
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1:i + 2]
            if not nxt or nxt in "123456789gkN":
                return None
            if nxt in "xuU":  # \x20, \u4e00: keep unless it spells a cased letter
                width = {"x": 2, "u": 4, "U": 8}[nxt]
                code = pattern[i + 2:i + 2 + width]
                try:
                    lit = chr(int(code, 16))
                except ValueError:
                    return None
                if _cased(lit):
                    if negative() and not ci():
                        return None
                    out.append(re.escape(lit.lower()))
                else:
                    out.append(pattern[i:i + 2 + width])
                i += 2 + width
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[":
            end = _class_end(pattern, i)
            if end < 0:
                return None
            klass = pattern[i:end]
            negated = klass.startswith("[^")
            if (negated or negative()) and not ci() and not _case_symmetric(klass):
                return None
            out.append(_lower_class(klass))
            i = end
            continue
        if ch == "(":
            if pattern.startswith(("(?i:", "(?-i:"), i):
                # both become "(?:": a case-sensitive part is relaxed (candidates are checked)
                stack.append((pattern[i + 2] != "-", False))
                out.append("(?:")
                i += 5 if pattern[i + 2] == "-" else 4
                continue
            if pattern.startswith("(?P<", i):  # a named group: the name stays as written
                close = pattern.find(">", i)
                if close < 0:
                    return None
                out.append(pattern[i:close + 1])
                stack.append((None, False))  # type: ignore[arg-type]
                i = close + 1
                continue
            if pattern.startswith(("(?!", "(?<!"), i):
                stack.append((None, True))  # type: ignore[arg-type]
            elif pattern.startswith("(?", i) and not pattern.startswith(("(?:", "(?=", "(?<="), i):
                return None
            else:
                stack.append((None, False))  # type: ignore[arg-type]
        elif ch == ")":
            if stack:
                stack.pop()
        if _cased(ch):
            if negative() and not ci():
                return None
            ch = ch.lower()
        out.append(ch)
        i += 1
    return "".join(out)


class FoldedPattern:
    """A case-insensitive regex (or one with case-sensitive parts) scanned on the lower-cased
    text, each candidate confirmed with the original regex at that position.

    Why: CPython's engine compares case-insensitive literals through the Unicode case tables,
    character by character, and alternations starting with a lookbehind get no fast skip; the
    same alternation lowered and case-sensitive scans about 3x faster. The scan finds the
    leftmost position where the lowered pattern matches (never after one where the original
    would); the original's own match there (ordered choice, its end, its groups) is what is
    returned, else the scan goes on from the next character: the matches of `original.finditer`,
    exactly, over the original text."""

    def __init__(self, original: re.Pattern[str], folded: str):
        self.original = original
        self.pattern = original.pattern
        self.rx = re.compile(folded, original.flags & ~re.I)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        low, scan, confirm = lowered(text), self.rx.search, self.original.match
        endpos = min(endpos, len(text))
        while pos <= endpos:
            cand = scan(low, pos, endpos)
            if cand is None:
                return
            start = cand.start()
            m = confirm(text, start, endpos)
            if m is None:
                pos = start + 1
                continue
            yield m
            pos = m.end() if m.end() > start else start + 1

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return next(self.finditer(text, pos, endpos), None)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.original.match(text, pos, endpos)


def folded(rx: re.Pattern[str] | None) -> "re.Pattern[str] | FoldedPattern | None":
    """`rx` as a FoldedPattern when it has case-insensitive parts and folds, else `rx` itself."""
    if rx is None or not (rx.flags & re.I or "(?i" in rx.pattern):
        return rx
    body = fold_pattern(rx.pattern, rx.flags)
    return rx if body is None else FoldedPattern(rx, body)


def compile_terms(terms: dict[str, list[str]] | list[str] | None, flags: int = 0,
                  langs: tuple[str, ...] = LANGS) -> re.Pattern[str] | None:
    """One regex for a {zh: [...], en: [...]} entry, restricted to `langs`."""
    if not terms:
        return None
    body = _join(*_fragments(terms, langs))
    return folded(re.compile(body, flags)) if body else None


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
        self.scanners: list[Any] = [folded(re.compile(_join(sorted(part, key=len, reverse=True), []), flags))
                                    for part in (fast, slow) if part]
        if english:
            self.scanners.append(folded(re.compile(_join([], sorted(english, key=len, reverse=True)), flags)))

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
