"""Vocabulary matching on plain strings: element names, material forms, formulas, cue patterns.

Kept free of spaCy so the same finders serve the components, the record builder and the tests.
The data (models/src/vocab/elements.yml, models/src/patterns/*.jsonl) is loaded once into plain
dicts, which the components serialise into the built pipeline, so a built model needs no sources.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import yaml

from pipeline.extract.normalize import lower_same_length
from pipeline.extract.regexes import group_by_head, split_alternatives

# Every element symbol, so a formula such as GaAs or Nd2Fe14B parses fully (only vocabulary
# elements get a label).
ALL_SYMBOLS = set("""H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn
Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd
Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu""".split())
FORMULA_RE = re.compile(r"(?<![A-Za-z0-9\-])((?:[A-Z][a-z]?\d{0,2}){2,6})(?![A-Za-z0-9])")
FORMULA_PART_RE = re.compile(r"([A-Z][a-z]?)(\d{0,2})")
# Joiners that make adjacent element names one compound name (钐钴, 锑化镓, samarium-cobalt, Tb/Dy).
ZH_JOIN_RE = re.compile(r"^[化酸]?$")
EN_JOIN_RE = re.compile(r"^(?:\s?[-/–]\s?|\s)$")
SYMBOL_CONTEXT_AFTER = re.compile(
    r"^\s?(?:[-–]\s?)?(?:containing|content|metal|oxides?|magnets?|alloys?|based|doped|compounds?)\b|^\s?[/,]\s?[A-Z][a-z]?\b",
)
SYMBOL_CONTEXT_BEFORE = re.compile(r"(?:[A-Z][a-z]?\s?[/,]\s?|\()$")


class Hit(NamedTuple):
    """One vocabulary match: `symbol` None for a matrix term (NdFeB) that names no element.
    (A named tuple: made for every match, 5x cheaper than a frozen dataclass.)"""

    start: int
    end: int
    symbol: str | None
    tier: int
    kind: str  # name | form | formula | symbol | matrix


def load_vocab(path: Path | str) -> dict[str, Any]:
    """elements.yml -> plain dict (what components serialise into the built model)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return {"elements": data["elements"], "matrix": data.get("matrix", {}),
            "not_elements": data.get("not_elements", {})}


def load_patterns(folder: Path | str) -> dict[str, list[dict[str, str]]]:
    """models/src/patterns/*.jsonl -> {file stem: [ {label, lang, pattern} ]}."""
    out: dict[str, list[dict[str, str]]] = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out[path.stem] = rows
    return out


def _alternation(terms: Iterable[str]) -> str:
    """Longest first (then in code-point order: the same pattern in every process), grouped by
    first character (3x faster on English names, same matches)."""
    return group_by_head([re.escape(t) for t in sorted(set(terms), key=lambda t: (-len(t), t))])


class ElementFinder:
    """Finds element mentions in any language: names, forms, formulas and symbols in context."""

    def __init__(self, vocab: dict[str, Any]):
        self.tier: dict[str, int] = {}
        self.symbol_ok: set[str] = set()
        zh: dict[str, tuple[str | None, int, str]] = {}
        en_ci: dict[str, tuple[str | None, int, str]] = {}
        en_cs: dict[str, tuple[str | None, int, str]] = {}
        for el in vocab["elements"]:
            sym, tier = el["symbol"], int(el["tier"])
            self.tier[sym] = min(tier, self.tier.get(sym, tier))
            if el.get("symbol_in_context"):
                self.symbol_ok.add(sym)
            for name in el.get("zh", []):
                zh[name] = (sym, tier, "name")
            for name in el.get("en", []):
                en_ci[name.lower()] = (sym, tier, "name")
            forms = el.get("forms") or {}
            for form in forms.get("zh", []):
                zh[form] = (sym, tier, "form")
            for form in forms.get("en", []):
                en_cs[form] = (sym, tier, "form")
        for term in vocab["matrix"].get("zh", []):
            zh[term] = (None, 0, "matrix")
        for term in vocab["matrix"].get("en", []):
            en_ci[term.lower()] = (None, 0, "matrix")
        for term in vocab["not_elements"].get("zh", []):
            zh[term] = (None, 0, "not")
        self.zh, self.en_ci, self.en_cs = zh, en_ci, en_cs
        self.zh_re = re.compile(_alternation(zh))
        # runs on the lower-cased text; the leading word boundary is checked on the match
        self.en_ci_re = re.compile(rf"(?:{_alternation(en_ci)})(?:e?s)?(?![a-z])")
        self.en_cs_re = re.compile(rf"(?<![A-Za-z0-9])(?:{_alternation(en_cs)})(?![A-Za-z0-9])")
        self.symbol_re = re.compile(rf"(?<![A-Za-z0-9])({_alternation(self.symbol_ok)})(?![A-Za-z0-9])")

    def _raw_hits(self, text: str, low: str | None = None) -> list[Hit]:
        hits: list[Hit] = []
        for m in self.zh_re.finditer(text):
            sym, tier, kind = self.zh[m.group(0)]
            hits.append(Hit(m.start(), m.end(), sym, tier, kind))
        low = low if low is not None else lower_same_length(text)
        for m in self.en_ci_re.finditer(low):
            if m.start() and low[m.start() - 1].isascii() and low[m.start() - 1].isalpha():
                continue
            word = m.group(0)
            entry = self.en_ci.get(word) or self.en_ci.get(word[:-1]) or self.en_ci.get(word[:-2])
            if entry:
                hits.append(Hit(m.start(), m.end(), *entry))
        for m in self.en_cs_re.finditer(text):
            hits.append(Hit(m.start(), m.end(), *self.en_cs[m.group(0)]))
        for m in FORMULA_RE.finditer(text):
            hits.extend(self._formula(m.group(1), m.start(1)))
        for m in self.symbol_re.finditer(text):
            after, before = text[m.end():m.end() + 16], text[max(0, m.start() - 6):m.start()]
            if SYMBOL_CONTEXT_AFTER.search(after) or SYMBOL_CONTEXT_BEFORE.search(before):
                sym = m.group(1)
                hits.append(Hit(m.start(), m.end(), sym, self.tier[sym], "symbol"))
        return hits

    def _formula(self, token: str, offset: int) -> list[Hit]:
        parts = FORMULA_PART_RE.findall(token)
        if "".join(a + b for a, b in parts) != token or any(p[0] not in ALL_SYMBOLS for p in parts):
            return []
        if not any(c.islower() or c.isdigit() for c in token):
            return []  # all-capital tokens are acronyms (USB, CNN), not formulas
        symbols = [p[0] for p in parts]
        if "Nd" in symbols and "Fe" in symbols and "B" in symbols:
            return [Hit(offset, offset + len(token), None, 0, "matrix")]
        known = [s for s in symbols if s in self.tier]
        if not known or min(self.tier[s] for s in known) > 2:
            return []
        best = min(self.tier[s] for s in known)
        return [Hit(offset, offset + len(token), s, best, "formula")
                for s in dict.fromkeys(known) if self.tier[s] == best]

    def find(self, text: str, low: str | None = None) -> list[Hit]:
        """Element mentions, longest match first at any position, compounds reduced to their
        best tier (钐钴 -> Sm; 铽镝铁 -> Tb, Dy). Matrix terms come back with symbol None."""
        raw = sorted(self._raw_hits(text, low), key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[Hit] = []
        covered_until = -1
        for hit in raw:
            if hit.start < covered_until and not (kept and kept[-1].kind == "formula" and hit.kind == "formula"
                                                 and kept[-1].start == hit.start):
                continue
            kept.append(hit)
            covered_until = max(covered_until, hit.end)
        kept = [h for h in kept if h.kind != "not"]
        out: list[Hit] = []
        for group in self._compounds(text, kept):
            named = [h for h in group if h.symbol]
            if not named:
                out.extend(group)
                continue
            best = min(h.tier for h in named)
            out.extend(h for h in group if h.symbol is None or h.tier == best)
        return out

    @staticmethod
    def _compounds(text: str, hits: list[Hit]) -> list[list[Hit]]:
        groups: list[list[Hit]] = []
        for hit in hits:
            if groups and hit.kind not in ("matrix",) and groups[-1][-1].kind not in ("matrix",):
                prev = groups[-1][-1]
                gap = text[prev.end:hit.start]
                if (prev.end <= hit.start) and (ZH_JOIN_RE.match(gap) if _is_cjk(text[hit.start]) else EN_JOIN_RE.match(gap)):
                    groups[-1].append(hit)
                    continue
            groups.append([hit])
        return groups

    def best_tier(self, symbols: Iterable[str]) -> list[str]:
        """Of several elements named in one item, those of the best tier, in order."""
        symbols = list(dict.fromkeys(symbols))
        if not symbols:
            return []
        best = min(self.tier.get(s, 9) for s in symbols)
        return [s for s in symbols if self.tier.get(s, 9) == best]


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


class CuePatterns:
    """Cue regexes of one patterns file, for one language, run as one alternation over the
    lower-cased text: find(text) -> [(start, end, label)]. Patterns are written in lower case;
    where two cues overlap the leftmost (then the first listed) wins.

    Why two regexes: the labelled one (a named group per row) is what defines a match, but named
    groups stop the engine from skipping ahead, so the text is scanned with the same
    alternatives grouped by first character (regexes.group_by_head: the same match at every
    position) and each match is labelled by the labelled regex at its start."""

    def __init__(self, rows: list[dict[str, str]], lang: str | None = None):
        rows = [r for r in rows if lang is None or r.get("lang", "any") in (lang, "any")]
        self.labels = {f"g{i}": r["label"] for i, r in enumerate(rows)}
        joined = "|".join(f"(?P<g{i}>{r['pattern']})" for i, r in enumerate(rows))
        self.rx = re.compile(joined) if rows else None
        frags = [f for r in rows for f in split_alternatives(r["pattern"])]
        self.scan = re.compile(group_by_head(frags)) if rows else None

    def find(self, text: str, low: str | None = None) -> list[tuple[int, int, str]]:
        if self.rx is None or self.scan is None:
            return []
        low = low if low is not None else lower_same_length(text)
        out = []
        label_at = self.rx.match
        for m in self.scan.finditer(low):
            s = m.start()
            if m.end() > s and not (s and low[s].isascii() and low[s].isalpha() and low[s - 1].isascii()
                                    and low[s - 1].isalpha()):  # a cue word starts at a word boundary
                labelled = label_at(low, s)
                if labelled is not None and labelled.end() == m.end():
                    out.append((s, m.end(), self.labels[labelled.lastgroup]))
        return out
