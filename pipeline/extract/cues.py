"""The cue book: every pattern the extractor scans for, read from the data files in models/src.

Why one book: each family of cues (element names, codes, act references, dates, control verbs,
genre cues, end-user rules ...) used to compile and scan on its own. Gathered here, they become
one list of `scanner.Pattern`s per language, compiled into one Hyperscan database and matched in
one pass (pipeline/extract/scanner.py); each component then reads the hits of its families.

Conventions shared by the data files (as in models/src/semantics/common.yml):
- Chinese fragments are regexes over the document view (Simplified script, ASCII punctuation for
  ，；：（）【】〔〕: see models/src/lang/normalise.yml), matched as written;
- English fragments are case-insensitive, a space matches any run of spaces or hyphens (" ?" an
  optional one), and they match whole words (no letter right before or after);
- an entry may be a mapping {p: regex, not_before: re, not_after: re} where a look-around is
  needed (the scanner checks these one-position regexes on the text around a match);
- a fragment may not use look-arounds or back-references (Hyperscan has neither).

The book is plain JSON-able data, saved inside each built pipeline with its compiled databases.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

import yaml

from pipeline import config
from pipeline.extract.scanner import Pattern, Scanner

SRC = config.MODELS_DIR / "src"
LANGS = ("zh", "en")
EN_EDGE = "[A-Za-z]"
SEMANTIC_FILES = ("common", "doc_classifier", "end_user_rules", "technologies", "thresholds", "exclusions")


def en_fragment(fragment: str) -> str:
    """A space in an English fragment matches spaces or hyphens ("case by case" = "case-by-case");
    " ?" makes the separator optional. Spaces inside a character class stay literal."""
    parts = re.split(r"(\[(?:\\.|[^\]\\])*\])", fragment)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"(?<!\\) \?", r"[\\s\\-]*", parts[i])
        parts[i] = re.sub(r"(?<!\\) +", r"[\\s\\-]+", parts[i])
    return "".join(parts)


def _either(*regexes: str) -> str:
    return "|".join(f"(?:{r})" for r in regexes if r)


class CueBook:
    """Patterns by language plus the tables the components need (tiers, months, weights ...)."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self._scanners: dict[str, Scanner] = {}

    # ------------------------------------------------------------------ building from sources
    @classmethod
    def from_source(cls, src: Path | str = SRC) -> "CueBook":
        src = Path(src)
        rows: list[dict[str, Any]] = []
        meta: dict[str, Any] = {}
        _elements(rows, meta, _yaml(src / "vocab" / "elements.yml"))
        _codes(rows, meta, _yaml(src / "grammar" / "codes.yml"))
        _dates(rows, meta, _yaml(src / "grammar" / "dates.yml"))
        _acts(rows, meta, _yaml(src / "grammar" / "acts.yml"))
        for path in sorted((src / "patterns").glob("*.jsonl")):
            family = {"hs_context": "hs_label", "date_cues": "date_cue", "relations": "relation",
                      "scope": "scope"}.get(path.stem, path.stem)
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    r = json.loads(line)
                    _add(rows, family, r["label"], r.get("lang", "any"), r["pattern"], caseless=True,
                         raw_en=True)
        sem = {name: _yaml(src / "semantics" / f"{name}.yml") for name in SEMANTIC_FILES}
        _semantics(rows, meta, sem)
        meta["layout"] = _yaml(src / "grammar" / "layout.yml")
        meta["context"] = _yaml(src / "grammar" / "context.yml")
        from pipeline.extract.view import load_data

        meta["normalise"] = load_data(src / "lang" / "normalise.yml")
        _parties(rows, meta, _yaml(src / "grammar" / "parties.yml"))
        return cls({"patterns": rows, "meta": meta})

    # ------------------------------------------------------------------------------- reading
    @property
    def meta(self) -> dict[str, Any]:
        return self.data["meta"]

    def patterns(self, lang: str) -> list[Pattern]:
        """The patterns a `lang` pipeline scans for: its own language, language-neutral ones, and
        element names of every language (a Chinese text names SmCo, an English one 钐)."""
        out = []
        for r in self.data["patterns"]:
            if r["lang"] in (lang, "any") or r["family"] == "element":
                out.append(Pattern(r["family"], r["label"], r["regex"], r.get("caseless", False),
                                   r.get("multiline", False), r.get("not_before", ""), r.get("not_after", ""),
                                   r["lang"]))
        return out

    def scanner(self, lang: str, database: bytes | None = None, end_only: list[int] | None = None) -> Scanner:
        if lang not in self._scanners:
            self._scanners[lang] = Scanner(self.patterns(lang), database, end_only)
        return self._scanners[lang]


def _yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _add(rows: list[dict[str, Any]], family: str, label: str, lang: str, fragment: Any, *,
         caseless: bool | None = None, multiline: bool = False, raw_en: bool = False,
         not_before: str = "", not_after: str = "") -> None:
    """One pattern row. English fragments get the word-edge checks (and the space convention
    unless `raw_en`); an entry may be a mapping with its own edges."""
    if isinstance(fragment, dict):
        nb, na = fragment.get("not_before", ""), fragment.get("not_after", "")
        fragment = fragment["p"]
    else:
        nb, na = "", ""
    regex = fragment
    if lang == "en":
        if not raw_en:
            regex = en_fragment(fragment)
        nb = _either(EN_EDGE, nb or not_before)
        na = _either(EN_EDGE, na or not_after)
        caseless = True if caseless is None else caseless
    else:
        nb, na = nb or not_before, na or not_after
    row = {"family": family, "label": label, "lang": lang, "regex": regex, "caseless": bool(caseless),
           "multiline": multiline}
    if nb:
        row["not_before"] = nb
    if na:
        row["not_after"] = na
    rows.append(row)


def _terms(spec: Any) -> Iterable[tuple[str, Any]]:
    """(lang, fragment) of a {zh: [...], en: [...], any: [...]} entry or a bare list (neutral)."""
    if spec is None:
        return
    if isinstance(spec, (list, tuple)):
        spec = {"any": spec}
    for lang, frags in spec.items():
        for frag in frags or []:
            yield lang, frag


def _family(rows: list[dict[str, Any]], family: str, spec: dict[str, Any] | None, **kw: Any) -> None:
    for label, terms in (spec or {}).items():
        for lang, frag in _terms(terms):
            _add(rows, family, label, lang, frag, **kw)


# ----------------------------------------------------------------------------------- elements

def _elements(rows: list[dict[str, Any]], meta: dict[str, Any], data: dict[str, Any]) -> None:
    """Element names (zh, en), material forms, matrix terms, non-element words, formulas and
    symbols in context. Labels: "name:Sm:1", "form:Sm:1" (symbol and the entry's tier), "symbol:Sm",
    "matrix", "not", "formula"."""
    tiers: dict[str, int] = {}
    symbol_ok: list[str] = []
    for el in data["elements"]:
        sym, tier = el["symbol"], int(el["tier"])
        tiers[sym] = min(tier, tiers.get(sym, tier))
        if el.get("symbol_in_context"):
            symbol_ok.append(sym)
        for name in el.get("zh", []):
            _add(rows, "element", f"name:{sym}:{tier}", "zh", re.escape(name))
        for name in el.get("en", []):
            _add(rows, "element", f"name:{sym}:{tier}", "en", re.escape(name.lower()) + "(?:e?s)?", raw_en=True)
        forms = el.get("forms") or {}
        for form in forms.get("zh", []):
            _add(rows, "element", f"form:{sym}:{tier}", "zh", re.escape(form))
        for form in forms.get("en", []):
            _add(rows, "element", f"form:{sym}:{tier}", "en", re.escape(form), raw_en=True, caseless=False,
                 not_before="[0-9]", not_after="[0-9]")
    for term in (data.get("matrix") or {}).get("zh", []):
        _add(rows, "element", "matrix", "zh", re.escape(term))
    for term in (data.get("matrix") or {}).get("en", []):
        _add(rows, "element", "matrix", "en", re.escape(term.lower()) + "(?:e?s)?", raw_en=True)
    for term in (data.get("not_elements") or {}).get("zh", []):
        _add(rows, "element", "not", "zh", re.escape(term))
    formula = data["formula"]
    _add(rows, "element", "formula", "any", formula["pattern"], caseless=False,
         not_before=formula["not_before"], not_after=formula["not_after"])
    for sym in symbol_ok:
        _add(rows, "element", f"symbol:{sym}", "any", re.escape(sym), caseless=False,
             not_before="[A-Za-z0-9]", not_after="[A-Za-z0-9]")
    meta["elements"] = {"tiers": tiers, "all_symbols": data["all_symbols"].split(),
                        "symbol_context": data["symbol_context"], "formula": formula,
                        "joiners": data["joiners"], "anions": data["anions"], "list_stops": data["list_stops"]}


# --------------------------------------------------------------------------- codes and dates

def _codes(rows: list[dict[str, Any]], meta: dict[str, Any], data: dict[str, Any]) -> None:
    for family in ("control_code", "hs_number"):
        d = data[family]
        _add(rows, family, family, "any", d["pattern"], caseless=False, not_before=d.get("not_before", ""),
             not_after=d.get("not_after", ""))
    meta["codes"] = {"hs_gap": data["hs_gap"], "hs_gap_max": int(data["hs_gap_max"]),
                     "hs_back_gap": data["hs_back_gap"], "hs_back_max": int(data["hs_back_max"]),
                     "paren": (data["hs_paren_open"], data["hs_paren_close"], int(data["hs_paren_max"])),
                     "table_rule": data["hs_table_rule"], "table_no_row": data["hs_table_no_row"],
                     "table_section": data["hs_table_section"]}


def _dates(rows: list[dict[str, Any]], meta: dict[str, Any], data: dict[str, Any]) -> None:
    for family in ("forms", "relative"):
        for label, d in data[family].items():
            _add(rows, "date" if family == "forms" else "relative_date", label, "any", d["pattern"],
                 caseless=True, not_before=d.get("not_before", ""), not_after=d.get("not_after", ""))
    meta["dates"] = {k: data[k] for k in ("months", "weekdays", "relative_days", "relative_years", "day_words", "same_year_before", "past_before", "past_after", "year_after", "zh_digits", "zh_ten",
                                          "ambiguous_months")}


def _acts(rows: list[dict[str, Any]], meta: dict[str, Any], data: dict[str, Any]) -> None:
    uel, bare = [], []
    for label, d in data["forms"].items():
        regex = d["pattern"].replace("{issuers}", data["issuer_pattern"]).replace(
            "{year}", data["year_pattern"]).replace("{num}", data["number_pattern"])
        _add(rows, "act", label, "any", regex, caseless=True, not_before=d.get("not_before", ""),
             not_after=d.get("not_after", ""))
        if d.get("uel"):
            uel.append(label)
        if d.get("bare"):
            bare.append(label)
    meta["acts"] = {"issuers_mofcom": data["issuers_mofcom"], "list_joiners": data["list_joiners"],
                    "range_words": data["range_words"], "max_range": int(data["max_range"]), "uel": uel,
                    "bare": bare, "act_words": data["act_words"], "until_before": data["until_before"],
                    "relative_year_before": data["relative_year_before"], "issue_verbs": data["issue_verbs"],
                    "verb_before_bare": data.get("verb_before_bare", ""),
                    "acts_per_week": float(data["acts_per_week"]), "acts_slack": float(data["acts_slack"])}


# ---------------------------------------------------------------------------------- semantics

def _semantics(rows: list[dict[str, Any]], meta: dict[str, Any], sem: dict[str, dict[str, Any]]) -> None:
    common = sem["common"]
    for frag in common["related_headers"]:
        _add(rows, "related_header", "header", "any", r"^[ \t]*(?:" + frag + r")[ \t]*:?[ \t]*$",
             caseless=True, multiline=True)
    for frag in common["footer_lines"]:
        _add(rows, "footer", "footer", "any", r"^[ \t]*(?:" + frag + ")", caseless=True, multiline=True)
    _family(rows, "clause_split", {"split": common["clause_split"]})

    dc = sem["doc_classifier"]
    cues = []
    for kind, entries in dc["kinds"].items():
        for entry in entries:
            label = f"c{len(cues)}"
            cues.append({"kind": kind, "weight": float(entry["w"]), "cap": int(entry.get("cap", 1)),
                         "zone": entry.get("zone", "all"), "needs_other": bool(entry.get("needs_other"))})
            for lang in ("zh", "en"):
                for frag in entry.get(lang) or []:
                    _add(rows, "kind", label, lang, frag, multiline=True)
    rel = dc["relevance"]
    _family(rows, "relevance", {"control": rel["control"], "mineral": rel["mineral"], "foreign": rel.get("foreign"),
                                "china": rel.get("china")})
    _family(rows, "modality", dc["modality"])
    meta["doc_classifier"] = {"min_score": float(dc.get("min_score", 2.5)), "head_lines": int(dc.get("head_lines", 6)),
                              "cues": cues, "window": int(rel["window"]), "min_pairs": int(rel["min_pairs"]),
                              "default_kind": dc.get("default_kind", "other"),
                              "default_min_prose": int(dc.get("default_min_prose", 0)),
                              "authority": rel.get("authority", "(?!)")}

    eu = sem["end_user_rules"]
    categories = dict(eu["categories"])
    names = eu.get("country_names", {})
    alt = {"zh": "(?:" + "|".join(sorted(names.get("zh", []), key=len, reverse=True)) + ")",
           "en": "(?-i:" + "|".join(sorted(names.get("en", []), key=len, reverse=True)) + ")"}
    def with_names(frags_by_lang: dict[str, list[Any]]) -> dict[str, list[Any]]:
        """{C} in a pattern (a string or a {p: …} entry) is the language's country names."""
        return {lang: [f.replace("{C}", alt[lang]) if isinstance(f, str) else {**f, "p": f["p"].replace("{C}", alt[lang])}
                       for f in frags or []] for lang, frags in frags_by_lang.items()}
    categories["country"] = with_names(categories.get("country") or {})
    _family(rows, "eu_category", {"_neutral": with_names(eu.get("neutral") or {}), **categories})
    _family(rows, "eu_policy", {"_void": eu.get("void"), "_none": eu.get("not_policies"), **eu["policies"]})
    _family(rows, "eu_implicit", {"civilian": eu.get("implicit_civilian")})
    # a country's bare name: a table column it heads ("… | United States") holds that country's rules
    _family(rows, "eu_country_name", {"country": {lang: [a] for lang, a in alt.items()}},
            not_before="[A-Za-z]", not_after="[A-Za-z]")

    tech = sem["technologies"]
    _family(rows, "tech_area", tech["areas"])
    _family(rows, "tech_gate", {"nexus": tech["nexus"], "code": tech["technology_code"], "blocker": tech["blockers"],
                                "object": tech["object"], "control": tech["control"]})

    th = sem["thresholds"]
    _family(rows, "threshold", {"value_ratio": th["value_ratio"]}, not_before="[0-9.]")
    meta["thresholds"] = {"zh_numerals": th["zh_numerals"]}

    ex = sem["exclusions"]
    _family(rows, "excl_item", ex["items"])
    _family(rows, "excl_cue", {"neg": ex["negation"], "aff": ex.get("affirmation")})


def _parties(rows: list[dict[str, Any]], meta: dict[str, Any], data: dict[str, Any]) -> None:
    """Party lists, actions, name runs (read by pipeline/extract/parties.py), and the name shapes
    it applies to the lines and sentences it chose."""
    for family, spec in data["cues"].items():
        _family(rows, family, spec)
    meta["parties"] = {"shapes": data["shapes"], "countries": data["countries"]}


_DEFAULT: list[CueBook] = []


def default_book() -> CueBook:
    """The book built from models/src (for pipelines assembled in code, e.g. spacy.blank + add_pipe)."""
    if not _DEFAULT:
        _DEFAULT.append(CueBook.from_source())
    return _DEFAULT[0]
