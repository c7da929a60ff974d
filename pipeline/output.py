"""How list commands print rows: one `--format` option (table, json, jsonl, csv) with `--json` and
`--csv` as shortcuts, the same in every command that lists things (changes, state, hs).

Why: analysts paste into spreadsheets (CSV), scripts read JSON; a table is for people. `json` is
one JSON document (an array, or an object for `state`), `jsonl` one JSON object per line: the
names say which. Tables are never cut to 80 columns when the output is not a terminal.
"""
from __future__ import annotations

import csv
import json
import sys
from typing import Any, Callable, Iterable, TextIO

import click
from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "jsonl", "csv")




def format_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--format FORMAT, --json (= --format json), --csv (= --format csv); the command gets `fmt`."""
    f = click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv.")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Same as --format json (one JSON document).")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, metavar="|".join(FORMATS),
                     help="Output format: table (default), json (one document), jsonl (one object a line), csv.")(f)
    return f


def chosen(fmt: str | None, as_json: bool, as_csv: bool) -> str:
    picked = [x for x in (fmt, "json" if as_json else None, "csv" if as_csv else None) if x]
    if len(set(picked)) > 1:
        raise click.UsageError(f"choose one output format, not {' and '.join(sorted(set(picked)))}")
    return picked[0] if picked else "table"


def console() -> Console:
    """A console that does not cut or wrap lines to 80 columns when output goes to a pipe or file."""
    c = Console()
    return c if c.is_terminal else Console(width=100_000, soft_wrap=True)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    return str(value)


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str], out: TextIO | None = None) -> None:
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_table(rows: Iterable[dict[str, Any]], columns: list[str], title: str) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*[cell(row.get(c)) for c in columns])
    console().print(table)


def first_evidence(row: dict[str, Any]) -> dict[str, Any]:
    """The sentence and source URL of a row's first evidence item with a sentence (else its span)."""
    items = [e for e in row.get("evidence") or [] if isinstance(e, dict)]
    items.sort(key=lambda e: (e.get("field") == "clauses", not e.get("sentence")))
    for e in items:
        return {"sentence": e.get("sentence") or e.get("text"), "source_url": e.get("url")}
    return {"sentence": None, "source_url": None}
