"""`exportwatch eval` on a folder without gold files refuses: it used to print a perfect score."""
from __future__ import annotations

from click.testing import CliRunner

from pipeline.cli import cli


def test_eval_refuses_a_folder_without_gold(tmp_path):
    (tmp_path / "notes.txt").write_text("not a gold record")
    result = CliRunner().invoke(cli, ["eval", str(tmp_path)])
    assert result.exit_code == 1
    assert "holds no gold files (*.json): nothing to score" in result.output
    assert "F1" not in result.output and "1.000" not in result.output
