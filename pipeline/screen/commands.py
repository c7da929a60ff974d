"""CLI of the screening package: `exportwatch screen` and `exportwatch ftm`."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import click

from pipeline import output
from pipeline.errors import Errors, fail
from pipeline.options import db_option, parse_date, quiet_option, today_option

SCREEN_COLUMNS = ["query", "score", "name", "matched_name", "list", "status", "announcement", "listed_on", "since",
                  "until", "country", "evidence", "url"]


def _open(db_path: Path) -> Any:
    from pipeline.store import open_db

    if not db_path.exists():
        raise fail(Errors.E001, path=db_path)
    return open_db(db_path)


def read_names(path: Path) -> list[tuple[str, str | None]]:
    """(name, country) per row of a CSV: a header naming the columns ('name', 'country'), or none
    (then the first column is the name, a second the country). Blank rows are skipped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(Errors.E011, path=path, problem="it is not UTF-8 text")
    except OSError as exc:
        raise fail(Errors.E011, path=path, problem=exc.strerror or str(exc))
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise fail(Errors.E011, path=path, problem="it holds no row")
    from pipeline.screen.names import settings

    headers = settings()["csv_headers"]
    NAME_HEADERS, COUNTRY_HEADERS = tuple(headers["name"]), tuple(headers["country"])  # noqa: N806
    head = [c.strip().casefold() for c in rows[0]]
    name_col = next((i for i, c in enumerate(head) if c in NAME_HEADERS), None)
    country_col = next((i for i, c in enumerate(head) if c in COUNTRY_HEADERS), None)
    if name_col is None and country_col is not None:
        raise fail(Errors.E011, path=path, problem="its header has a country column but no name column")
    body = rows[1:] if name_col is not None else rows
    name_col = name_col or 0
    if country_col is None and name_col == 0 and any(len(r) > 1 for r in body) and head[0] not in NAME_HEADERS:
        country_col = 1 if all(len(r) <= 2 for r in body) else None
    out = []
    for r in body:
        name = r[name_col].strip() if name_col < len(r) else ""
        country = r[country_col].strip() if country_col is not None and country_col < len(r) else ""
        if name:
            out.append((name, country_code(country)))
    return out


def country_code(value: str | None) -> str | None:
    """'US', 'us', 'United States', '美国' -> 'US' (the country words of the party extractor)."""
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        return value.upper()
    from pipeline.screen.countries import code_of

    return code_of(value)


@click.command("screen")
@click.argument("names", nargs=-1)
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV file of names to screen: one a row (header 'name', optional 'country').")
@db_option
@click.option("--on", "on", callback=parse_date, metavar="YYYY-MM-DD", help="Status on this date (default today).")
@click.option("--all", "show_all", is_flag=True, help="With --csv: list names without a match too (score empty).")
@click.option("--format", "fmt", type=click.Choice(output.FORMATS), default=None, metavar="|".join(output.FORMATS),
              help="Output format: table (default), json (one document), jsonl (one object a line), csv.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json (one JSON document).")
@today_option
@quiet_option
def screen_command(names: tuple[str, ...], csv_path: Path | None, db_path: Path, on: dt.date | None,
                   show_all: bool, fmt: str | None, as_json: bool, today: dt.date | None, quiet: bool) -> None:
    """Is this party listed? Match names against every party on China's export control list, watch
    list and unreliable entity list, and every name printed for them (other language, aliases),
    tolerant of legal forms (Inc., GmbH, 有限公司, 株式会社), word order, case, punctuation,
    Traditional or Simplified script and a typo. Each match: score (0-100), list, status on the
    date, act, dates and the sentence that lists the party.

    \b
    exportwatch screen "Gibbs and Cox" 三菱造船
    exportwatch screen "Huntington Ingalls" --json
    exportwatch screen --csv customers.csv --format csv > hits.csv
    exportwatch screen --csv suppliers.csv --all --format jsonl
    """
    from pipeline.diff import api
    from pipeline.screen.index import Index

    fmt = output.chosen(fmt, as_json, False)  # (--csv names the input file here)
    queries = [(n, None) for n in names] + (read_names(csv_path) if csv_path else [])
    if not queries:
        raise fail(Errors.E010)
    db = _open(db_path)
    parties = api.listed_parties(db, on or today or dt.date.today())
    if not parties:
        raise fail(Errors.E012, path=db_path)
    index = Index(parties)
    results = index.search_many(queries) if len(queries) > 1 else [index.search(*queries[0])]
    rows: list[dict[str, Any]] = []
    for (query, _country), matches in zip(queries, results):
        rows.extend(m.row() for m in matches)
        if not matches and (show_all or not csv_path):
            rows.append({"query": query, "score": None, "status": "no match"})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "jsonl":
        output.write_jsonl(rows)
    elif fmt == "csv":
        output.write_csv(rows, SCREEN_COLUMNS)
    else:
        hits = sum(1 for r in rows if r.get("score") is not None)
        output.write_table(rows, ["query", "score", "name", "list", "status", "announcement", "listed_on", "evidence"],
                           f"{len(queries)} name(s) screened against {len(parties)} listed parties: {hits} match(es)")


@click.command("ftm")
@db_option
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the entities here (JSON Lines) instead of standard output.")
@click.option("--on", "on", callback=parse_date, metavar="YYYY-MM-DD", help="Status on this date (default today).")
@today_option
@quiet_option
def ftm_command(db_path: Path, out_path: Path | None, on: dt.date | None, today: dt.date | None,
                quiet: bool) -> None:
    """Export the listed parties as FollowTheMoney entities (JSON Lines), the model OpenSanctions,
    yente and Aleph read: one Organization per party with its names and aliases, country and
    export-control topics, a Sanction per listing (list, act, dates, status), and the act as a
    PublicBody-issued Documentation source. Every entity is validated by followthemoney.

    \b
    exportwatch ftm --out parties.ftm.json
    exportwatch ftm | ftm validate           # with the followthemoney CLI
    """
    from pipeline.diff import api
    from pipeline.screen.ftm import entities

    db = _open(db_path)
    parties = api.listed_parties(db, on or today or dt.date.today())
    out = out_path.open("w", encoding="utf-8") if out_path else None
    counts: dict[str, int] = {}
    try:
        for entity in entities(parties, api.announcements_of(db, {p["announcement"] for p in parties})):
            counts[entity["schema"]] = counts.get(entity["schema"], 0) + 1
            line = json.dumps(entity, ensure_ascii=False, sort_keys=True)
            if out:
                out.write(line + "\n")
            else:
                click.echo(line)
    finally:
        if out:
            out.close()
    if out_path and not quiet:
        click.echo("ftm: " + ", ".join(f"{n} {schema}" for schema, n in sorted(counts.items())) + f" -> {out_path}",
                   err=True)


commands: list[click.Command] = [screen_command, ftm_command]
