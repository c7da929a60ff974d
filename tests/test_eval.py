"""`exportwatch eval` and the scorer: the extractor meets the bar on the bundled and shared gold."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.extract.evaluate import format_report, score
from conftest import CORPUS, dev_path, shared_path


def run_eval(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["eval", *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{"):])


def assert_meets_bar(result: dict) -> None:
    assert not result["unmatched"], result["unmatched"]
    for field, m in result["fields"].items():
        value = m.get("f1", m.get("accuracy"))
        assert value >= 0.90, f"{field}: {m}"
    assert result["overall_f1"] >= 0.95


def test_eval_bundled_gold() -> None:
    result = run_eval(str(CORPUS / "gold"))
    assert result["documents"] == len(list((CORPUS / "gold").glob("*.json")))
    assert_meets_bar(result)


def test_eval_shared_gold() -> None:
    gold = dev_path("corpus", "gold")
    result = run_eval(str(gold))
    assert result["documents"] == 22
    assert_meets_bar(result)


def test_eval_text_output_has_overall_line() -> None:
    result = CliRunner().invoke(cli, ["eval", str(CORPUS / "gold")], catch_exceptions=False)
    assert re.search(r"^overall micro-F1 \d\.\d{3}$", result.output, re.MULTILINE)
    assert re.search(r"^elements\s+P=\d\.\d{3} R=\d\.\d{3} F1=\d\.\d{3}", result.output, re.MULTILINE)


def test_scorer_agrees_with_shared_scorer(tmp_path: Path) -> None:
    """Our scoring of a deliberately damaged prediction equals ../shared/tools/score.py's."""
    scorer = shared_path("tools", "score.py")
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "gold").glob("*.json"))]
    preds = []
    for i, g in enumerate(golds):
        p = dict(g)
        if i % 3 == 0:
            p["elements"] = p["elements"][1:] + ["Zz"]
        if i % 4 == 0:
            p["issued"] = None
        if i == 5:
            continue  # a missing prediction counts as all misses
        preds.append(p)
    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in preds), encoding="utf-8")
    ours = score(preds, golds)
    out = subprocess.run([sys.executable, str(scorer), "records", str(pred_file), str(CORPUS / "gold"), "--json"],
                         capture_output=True, text=True, check=True).stdout
    theirs = json.loads(out)
    assert round(ours["overall_f1"], 6) == round(theirs["overall_f1"], 6) < 1.0
    for field, m in theirs["fields"].items():
        assert ours["fields"][field] == m
    assert "overall micro-F1" in format_report(ours)
