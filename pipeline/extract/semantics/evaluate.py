"""Compare the semantic fields with gold records: `python -m pipeline.extract.semantics.evaluate`.

Why a module: the tests and a developer use the same mapping from spans to record fields
(`semantic_fields`), so what is checked is what E1's record builder will receive. Text comes
from pipeline.parse when available (what production sees), else a crude bs4/pdfplumber
rendering: the components must work on both.
"""
from __future__ import annotations

from pipeline.extract.values import is_cjk

import json
import sys
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import pipeline.extract.semantics  # noqa: F401 - registers the factories
from pipeline.extract.semantics import FACTORIES

FIELDS = ("kind", "relevant", "modality", "end_user_rules", "technologies", "thresholds", "not_controlled")


def blank(lang: str) -> Language:
    """The semantic components alone, behind the view tokenizer and the scan."""
    from pipeline.extract.build import assemble

    return assemble(lang, FACTORIES)


def semantic_fields(doc: Doc) -> dict[str, Any]:
    """The record fields these components decide, in the contract's shapes (sorted lists)."""
    relevant = bool(doc.user_data.get("ew_relevant"))
    rules = sorted({s.label_ for s in doc.spans.get("end_user_rules", [])}) if relevant else []
    out: dict[str, Any] = {
        "kind": doc.user_data.get("ew_kind"),
        "relevant": relevant,
        "modality": doc.user_data.get("ew_modality"),
        "end_user_rules": [dict(zip(("category", "policy"), r.split(":"))) for r in rules],
        "technologies": sorted({s.label_ for s in doc.spans.get("technologies", [])}) if relevant else [],
        "thresholds": [{"kind": k, "value": float(v)} for k, v in
                       sorted({tuple(s.label_.split(":")) for s in doc.spans.get("thresholds", [])})] if relevant else [],
        "not_controlled": sorted({s.label_ for s in doc.spans.get("not_controlled", [])}) if relevant else [],
    }
    return out


def normalise_gold(gold: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": gold["kind"], "relevant": gold["relevant"], "modality": gold["modality"],
        "end_user_rules": sorted(gold["end_user_rules"], key=lambda r: (r["category"], r["policy"])),
        "technologies": sorted(gold["technologies"]),
        "thresholds": sorted(gold["thresholds"], key=lambda t: (t["kind"], t["value"])),
        "not_controlled": sorted(gold["not_controlled"]),
    }


def document_text(path: Path, source: str, crude: bool = False) -> tuple[str, str]:
    """(text, lang) of a corpus file: pipeline.parse when present, else a crude rendering."""
    raw = path.read_bytes()
    if not crude:
        try:
            from pipeline.parse import parse
            from pipeline.records import Raw
            doc = parse(Raw(content=raw, source=source))
            if doc.text:
                return doc.text, doc.lang or guess_lang(doc.text)
        except ImportError:
            pass
    if path.suffix == ".pdf":
        import pdfplumber
        with pdfplumber.open(path) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    else:
        from bs4 import BeautifulSoup
        enc = "gb18030" if b"gb2312" in raw[:2000].lower() else "utf-8"
        soup = BeautifulSoup(raw.decode(enc, "replace"), "lxml")
        for tag in soup(["script", "style"]):
            tag.decompose()
        text = "\n".join(line.strip() for line in soup.get_text("\n").splitlines() if line.strip())
    return text, guess_lang(text)


def guess_lang(text: str) -> str:
    cjk = sum(1 for ch in text if is_cjk(ch))
    return "zh" if cjk > len(text) * 0.1 else "en"


def evaluate(gold_dir: Path, corpus: Path, crude: bool = False) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    pipes = {lang: blank(lang) for lang in ("zh", "en")}
    rows = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text, lang = document_text(corpus / gold["source"], gold["source"], crude)
        doc = pipes[gold.get("lang") or lang](text)
        rows.append((gold_path.name, semantic_fields(doc), normalise_gold(gold)))
    return rows


def main(argv: list[str]) -> int:
    from pipeline import config
    crude = "--crude" in argv
    corpus = config.SHARED_DIR / "corpus"
    rows = evaluate(corpus / "gold", corpus, crude)
    agree = {f: 0 for f in FIELDS}
    for name, pred, gold in rows:
        bad = [f for f in FIELDS if pred[f] != gold[f]]
        for f in FIELDS:
            agree[f] += f not in bad
        print(("OK   " if not bad else "DIFF ") + name)
        for f in bad:
            print(f"     {f}: pred={pred[f]} gold={gold[f]}")
    print(" ".join(f"{f}={agree[f]}/{len(rows)}" for f in FIELDS))
    return 0 if all(v == len(rows) for v in agree.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
