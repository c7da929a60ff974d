"""Each dev-set document (../shared/corpus) must match its gold record on the semantic fields:
kind, relevant, modality, end_user_rules, technologies, thresholds, not_controlled. Text comes
from pipeline.parse (as in production) and, separately, from a crude HTML/PDF rendering, so the
components do not depend on one parser's output."""
from __future__ import annotations

import json
import pytest

from pipeline.extract.semantics.evaluate import FIELDS, blank, document_text, normalise_gold, semantic_fields
from conftest import dev_path

GOLD_NAMES = sorted(p.name for p in dev_path("corpus", "gold").glob("*.json"))
_PIPES: dict = {}


def predict(name: str, crude: bool) -> tuple[dict, dict]:
    gold_path = dev_path("corpus", "gold", name)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text, _ = document_text(dev_path("corpus") / gold["source"], gold["source"], crude=crude)
    if gold["lang"] not in _PIPES:
        _PIPES[gold["lang"]] = blank(gold["lang"])
    return semantic_fields(_PIPES[gold["lang"]](text)), normalise_gold(gold)


@pytest.mark.parametrize("name", GOLD_NAMES)
@pytest.mark.parametrize("crude", [False, True], ids=["parsed", "crude"])
def test_document_matches_gold(name: str, crude: bool) -> None:
    pred, gold = predict(name, crude)
    diffs = {f: (pred[f], gold[f]) for f in FIELDS if pred[f] != gold[f]}
    assert not diffs, f"{name}: (predicted, gold) per field: {diffs}"


def test_dev_set_is_complete() -> None:
    names = sorted(p.name for p in dev_path("corpus", "gold").glob("*.json"))
    assert len(names) == 22 and names == GOLD_NAMES
