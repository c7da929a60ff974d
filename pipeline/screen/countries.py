"""Country words -> ISO 3166-1 alpha-2, from the party extractor's table (models/src/grammar/parties.yml):
a customer file's 'United States' or '美国' filters like 'US'."""
from __future__ import annotations

from functools import lru_cache

import yaml

from pipeline import config

SOURCE = config.MODELS_DIR / "src" / "grammar" / "parties.yml"


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8")) or {}
    return {word.casefold(): iso for iso, words in (data.get("countries") or {}).items() for word in words}


def code_of(value: str) -> str | None:
    """The code of a country word, else None (an unknown word filters nothing)."""
    return table().get(value.strip().casefold())
