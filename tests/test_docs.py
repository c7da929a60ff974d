"""docs/schema.md and the README stay true to what the code creates."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_schema_doc_lists_every_table_and_view(tmp_path: Path) -> None:
    db = tmp_path / "ew.db"
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--db", str(db), "-q", "--today", "2026-01-01"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        names = [n for (n,) in conn.execute(
            "select name from sqlite_master where type in ('table','view') and name not like 'sqlite_%' "
            "and name not like '%_fts%'")]
    doc = (ROOT / "docs" / "schema.md").read_text()
    missing = [n for n in names if f"## `{n}`" not in doc]
    assert not missing, f"docs/schema.md lacks {missing}: run docs/make_schema.py"
    assert len(names) >= 20


def test_readme_names_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
