"""docs/schema.md, docs/cli.md and the README stay true to what the code creates."""
from __future__ import annotations

import os
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


def test_readme_make_targets_exist_and_are_documented() -> None:
    """Every target in the README's table is a Makefile target, and every Makefile target is in it."""
    import re

    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z]+):", makefile, re.M)) - {"install"}
    table = set(re.findall(r"^\| `make ([a-z]+)` \|", readme, re.M))
    assert table == targets, f"README make table {sorted(table)} vs Makefile {sorted(targets)}"


# ---------------------------------------------------------------- the CLI reference (sqlite-utils style)

def _prose() -> str:
    """README and every docs page except the generated reference: where a user reads about a command."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in pages if p.name != "cli.md")


def test_cli_reference_is_generated_from_the_current_help() -> None:
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "docs/cli.md"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={k: v for k, v in os.environ.items() if not k.startswith("EXPORTWATCH_")})
    assert result.returncode == 0, f"docs/cli.md is out of date: run .venv/bin/cog -r docs/cli.md\n{result.stderr}"


def test_help_never_shows_the_checkout_path() -> None:
    """Defaults show relative to the checkout: an absolute path would make --help (and docs/cli.md,
    which click wraps from it) differ between a clone in /work and one in /check/work."""
    from click.testing import CliRunner

    from pipeline import config
    from pipeline.cli import cli

    shown = {name: CliRunner().invoke(cli, [name, "--help"], terminal_width=100).output for name in cli.commands}
    leaking = [name for name, text in shown.items() if str(config.ROOT) in text]
    assert not leaking, f"--help of {leaking} shows the checkout's absolute path"


def test_every_command_and_option_is_documented() -> None:
    from pipeline.cli import cli

    prose = _prose()
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    undocumented = [name for name in cli.commands if f"exportwatch {name}" not in prose]
    assert not undocumented, f"commands the README and docs/ never mention: {undocumented}"
    missing = [f"{name} {opt}" for name, command in cli.commands.items() for param in command.params
               for opt in param.opts if opt.startswith("--") and f"## exportwatch {name}" in reference
               and opt not in reference.split(f"## exportwatch {name}\n", 1)[1].split("\n## ", 1)[0]]
    assert not missing, f"options missing from docs/cli.md: {missing}"
    assert not [n for n in cli.commands if f"## exportwatch {n}\n" not in reference]


def test_every_help_has_an_example() -> None:
    import re

    from click.testing import CliRunner

    from pipeline.cli import cli

    lacking = [name for name in cli.commands
               if not re.search(rf"^\s+exportwatch {name}\b", CliRunner().invoke(cli, [name, "--help"]).output, re.M)]
    assert not lacking, f"--help without an example line (`  exportwatch NAME ...`): {lacking}"
