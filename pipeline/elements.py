"""Element names a user may type (samarium, 钐, Sm, SAMARIUM) -> the element symbol the data uses.

The names come from the extractor's own vocabulary (models/src/vocab/elements.yml: symbol, zh and en
names), read here and never edited, so the CLI filters, the alert filters and Datasette's
`items_by_element` accept exactly the names the extractor recognises.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from pipeline import config

VOCAB = config.MODELS_DIR / "src" / "vocab" / "elements.yml"


@functools.lru_cache(maxsize=2)
def names(path: Path = VOCAB) -> dict[str, str]:
    """Lower-cased symbol, Chinese and English name -> symbol."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: dict[str, str] = {}
    for entry in data.get("elements") or []:
        symbol = str(entry["symbol"])
        for name in [symbol, *(entry.get("zh") or []), *(entry.get("en") or [])]:
            out.setdefault(str(name).strip().lower(), symbol)
    return out


def symbol(name: str | None) -> str | None:
    """The symbol for an element name or symbol in any case, else None."""
    if not name:
        return None
    return names().get(name.strip().lower())


def symbol_or_self(name: str | None) -> str | None:
    """The symbol when `name` names an element, else `name` unchanged (SQL helper for Datasette)."""
    return symbol(name) or name
