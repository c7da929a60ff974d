"""Scope words (`extraterritorial`, `assistance`) of an act, found by cue phrases in its text.

Why here and not in extraction: the schema's extraction record has no scope field, yet the
change list has `scope` subjects. So the diff derives them from the act's own text, with the
same provenance discipline as extraction (every value has a span). The cue phrases live in
`models/src/vocab/scope.yml` so they can be reviewed and extended without touching code. If a
record does carry a `scope` list (a later extractor may add one), it is used as well.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from pipeline import config
from pipeline.diff.inputs import sentence_at

SCOPE_WORDS = ("extraterritorial", "assistance")
VOCAB_PATH = config.MODELS_DIR / "src" / "vocab" / "scope.yml"
CITED_TITLE = re.compile(r"《[^》]{0,120}》")


@functools.lru_cache(maxsize=4)
def load_vocab(path: Path | str = VOCAB_PATH) -> dict[str, list[re.Pattern[str]]]:
    """Scope word -> compiled cue patterns (zh and en together: a copy is one language or mixed)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    vocab: dict[str, list[re.Pattern[str]]] = {}
    for word, langs in data.items():
        if word not in SCOPE_WORDS:
            raise ValueError(f"{path}: unknown scope word {word!r}; the schema has {SCOPE_WORDS}")
        vocab[word] = [re.compile(p, re.I) for lang in ("zh", "en") for p in (langs or {}).get(lang) or []]
    return vocab


def detect_scope(text: str | None, vocab: dict[str, list[re.Pattern[str]]] | None = None) -> list[dict[str, Any]]:
    """Evidence `{field: "scope", value, start, end, text, sentence}` for every cue found in `text`.

    `text` is `text[start:end]` exactly (the schema's evidence contract); matches inside a cited
    title 《…》 do not count, since naming another instrument is not this act's scope.
    """
    if not text:
        return []
    vocab = load_vocab() if vocab is None else vocab
    cited = [(m.start(), m.end()) for m in CITED_TITLE.finditer(text)]
    found = []
    for word, patterns in vocab.items():
        for pattern in patterns:
            for m in pattern.finditer(text):
                if any(a <= m.start() < b for a, b in cited):
                    continue
                found.append({"field": "scope", "value": word, "start": m.start(), "end": m.end(),
                              "text": text[m.start():m.end()], "sentence": sentence_at(text, m.start(), m.end())})
    found.sort(key=lambda e: (e["start"], e["value"]))
    return found


def scope_words(evidence: list[dict[str, Any]]) -> list[str]:
    return sorted({e["value"] for e in evidence})
