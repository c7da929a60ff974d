"""CLI commands of the diff stage: `changes`, `state`, `hs`, `diff` (shared options from
pipeline.options and pipeline.output; everything read through pipeline.diff.api)."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator

import click

from pipeline import output
from pipeline.errors import Errors, fail
from pipeline.options import db_option, parse_date as _date, quiet_option, today_option
from pipeline.records import ChangeType

CHANGE_COLUMNS = ["date", "announcement", "type", "kind", "subject", "new", "status", "news", "hs_codes",
                  "sentence", "source_url", "id"]
STATE_COLUMNS = ["announcement", "kind", "subject", "status", "since", "until", "suspended_by", "hs_codes",
                 "sentence", "source_url"]
HS_COLUMNS = ["hs_code", "match", "announcement", "element", "control_code", "name", "lang", "status", "since",
              "until", "source_url"]


def _open(db_path: Path) -> Any:
    from pipeline.store import open_db

    if not db_path.exists():
        raise fail(Errors.E001, path=db_path)
    db = open_db(db_path)
    from pipeline.runstate import partial_warning

    if warning := partial_warning(db, db_path):  # a killed run left part of its work: say so
        click.echo(f"warning: {warning}", err=True)
    return db


def _elements(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    from pipeline import elements

    out = []
    for value in values:
        symbol = elements.symbol(value)
        if symbol is None:
            raise click.BadParameter(fail(Errors.E006, value=value).message)
        out.append(symbol)
    return out


def _acts(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    from pipeline.diff.inputs import ACT_ID

    out = []
    for value in values:
        value = value.strip().upper()
        if not ACT_ID.match(value):
            raise click.BadParameter(fail(Errors.E009, value=value).message)
        out.append(value)
    return out


def _hs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...] | str) -> Any:
    single = isinstance(values, str)
    out = []
    for value in ([values] if single else values):
        digits = "".join(value.replace(".", "").split())
        if not digits.isdigit() or not 4 <= len(digits) <= 10:
            raise click.BadParameter(fail(Errors.E007, value=value).message)
        out.append(digits)
    return out[0] if single else out


def filter_options(f: Any) -> Any:
    """--element, --act, --hs: the same filters on changes and state."""
    f = click.option("--hs", "hs_prefixes", multiple=True, callback=_hs, metavar="CODE",
                     help="Only entries listing an HS code that starts with CODE (repeatable).")(f)
    f = click.option("--act", "acts", multiple=True, callback=_acts, metavar="MOFCOM-YYYY-N",
                     help="Only entries of this act, or about it (a suspension of it); repeatable.")(f)
    f = click.option("--element", "elements", multiple=True, callback=_elements, metavar="NAME",
                     help="Only entries about this element: symbol, English or Chinese name "
                          "(Sm, samarium, 钐); repeatable.")(f)
    return f


as_known_on_option = click.option(
    "--as-known-on", "as_known_on", callback=_date, metavar="YYYY-MM-DD",
    help="Only what acts issued on or before this date say (what could be known then). "
         "Default: everything known now, including later acts' effect on earlier dates.")


def _flat(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield {**r, **output.first_evidence(r)}


@click.command()
@db_option
@output.format_options
@click.option("--since", callback=_date, metavar="YYYY-MM-DD", help="Only changes dated on or after this date.")
@click.option("--until", callback=_date, metavar="YYYY-MM-DD", help="Only changes dated on or before this date.")
@click.option("--type", "types", multiple=True, type=click.Choice([t.value for t in ChangeType]),
              help="Only changes of this type (repeatable).")
@filter_options
@click.option("--include-news", is_flag=True, help="Also list reported/proposed measures from news.")
@as_known_on_option
@today_option
@quiet_option
def changes(db_path: Path, fmt: str | None, as_json: bool, as_csv: bool, since: dt.date | None,
            until: dt.date | None, types: tuple[str, ...], elements: list[str], acts: list[str],
            hs_prefixes: list[str], include_news: bool, as_known_on: dt.date | None, today: dt.date | None,
            quiet: bool) -> None:
    """List changes in the scope of controls, oldest first (future-dated ones marked scheduled).

    Every change carries its evidence: the sentence that says so and the URL of the source.

    \b
    exportwatch changes --json
    exportwatch changes --since 2025-10-01 --until 2025-12-31 --include-news
    exportwatch changes --element samarium --csv > samarium.csv
    exportwatch changes --act MOFCOM-2025-61 --hs 2805 --format jsonl
    exportwatch changes --as-known-on 2025-10-20 --json   # only acts issued by then
    """
    from pipeline.diff import api

    fmt = output.chosen(fmt, as_json, as_csv)
    db = _open(db_path)
    rows = api.changes(db, since=since.isoformat() if since else None, until=until.isoformat() if until else None,
                       include_news=include_news, today=today or dt.date.today(), as_known_on=as_known_on)
    rows = [r for r in rows if api.matches(r, elements=elements, acts=acts, hs_prefixes=hs_prefixes, types=types)]
    if fmt == "json":
        click.echo(json.dumps([{k: r.get(k) for k in api.CHANGE_KEYS} for r in rows], ensure_ascii=False, indent=1))
    elif fmt == "jsonl":
        output.write_jsonl({k: r.get(k) for k in api.CHANGE_KEYS} for r in rows)
    elif fmt == "csv":
        output.write_csv(_flat(rows), CHANGE_COLUMNS)
    else:
        output.write_table(_flat(rows), ["date", "announcement", "type", "kind", "subject", "new", "status"],
                           f"{len(rows)} changes")


def write_state_json(day: str, entries: Iterable[dict[str, Any]], ended: list[dict[str, Any]], out: Any,
                     as_known_on: str | None = None) -> None:
    """`{"date", "measures": [...], "suspensions_ended": [...]}` written a measure at a time (the
    state of a large database is tens of MB: never one string)."""
    known = f'\n "as_known_on": {json.dumps(as_known_on)},' if as_known_on else ""
    out.write(f'{{\n "date": {json.dumps(day)},{known}\n "measures": [')
    for i, entry in enumerate(entries):
        out.write(("," if i else "") + "\n  " + json.dumps(entry, ensure_ascii=False))
    out.write(f'\n ],\n "suspensions_ended": {json.dumps(ended, ensure_ascii=False)}\n}}\n')


@click.command()
@db_option
@click.option("--on", "on", callback=_date, metavar="YYYY-MM-DD", help="Date to compute the state for (default today).")
@output.format_options
@filter_options
@as_known_on_option
@today_option
@quiet_option
def state(db_path: Path, on: dt.date | None, fmt: str | None, as_json: bool, as_csv: bool, elements: list[str],
          acts: list[str], hs_prefixes: list[str], as_known_on: dt.date | None, today: dt.date | None,
          quiet: bool) -> None:
    """The scope of controls on a date: each measure in_force, pending or suspended.

    Each measure carries its evidence (sentences and source URLs). Read from the diff stage's
    tables a measure at a time: fast on a large database.

    \b
    exportwatch state --on 2025-11-20 --json
    exportwatch state --on 2025-11-20 --element 钐 --csv
    exportwatch state --on 2025-10-15 --as-known-on 2025-10-15   # as it could be known that day
    """
    from pipeline.diff import api

    fmt = output.chosen(fmt, as_json, as_csv)
    day = on or today or dt.date.today()
    db = _open(db_path)
    entries, ended = api.iter_state(db, day, as_known_on=as_known_on)
    entries = (e for e in entries if api.matches(e, elements=elements, acts=acts, hs_prefixes=hs_prefixes))
    if fmt == "json":
        write_state_json(day.isoformat(), entries, ended, sys.stdout, as_known_on.isoformat() if as_known_on else None)
    elif fmt == "jsonl":
        output.write_jsonl(entries)
    elif fmt == "csv":
        output.write_csv(_flat(entries), STATE_COLUMNS)
    else:
        rows = list(entries)
        output.write_table(rows, ["announcement", "kind", "subject", "status", "since", "until"],
                           f"State on {day.isoformat()}: {len(rows)} measures")
        for g in ended:
            output.console().print(f"suspension by {g['act']} ended {g['ended']} ({g['how']}): "
                                   f"{len(g['measures_back_in_force'])} measures back in force")


@click.command()
@click.argument("code", callback=_hs)
@db_option
@click.option("--on", "on", callback=_date, metavar="YYYY-MM-DD", help="Status on this date (default today).")
@output.format_options
@today_option
@quiet_option
def hs(code: str, db_path: Path, on: dt.date | None, fmt: str | None, as_json: bool, as_csv: bool,
       today: dt.date | None, quiet: bool) -> None:
    """Is an HS code controlled? The items that list it (or its parent or child codes), by which
    act, and the status of their measure.

    \b
    exportwatch hs 2805301910
    exportwatch hs 2805.30.19 --on 2025-11-20 --json
    """
    from pipeline.diff import api

    fmt = output.chosen(fmt, as_json, as_csv)
    rows = api.hs_lookup(_open(db_path), code, on or today or dt.date.today())
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "jsonl":
        output.write_jsonl(rows)
    elif fmt == "csv":
        output.write_csv(rows, HS_COLUMNS)
    else:
        output.write_table(rows, ["match", "hs_code", "announcement", "element", "control_code", "name", "status",
                                  "since", "until"], f"HS {code}: {len(rows)} items")
        if not rows:
            output.console().print(f"no item of the stored acts lists HS code {code} or a code above or below it")


@click.command("diff")
@db_option
@today_option
@quiet_option
def diff_command(db_path: Path, today: dt.date | None, quiet: bool) -> None:
    """Run only the diff stage on a database that already holds extraction records.

    \b
    exportwatch diff --db data/exportwatch.db --today 2026-01-01
    """
    from pipeline.context import Context
    from pipeline.diff.stage import run_stage

    ctx = Context.open(db_path, today=today, quiet=quiet)
    ctx.start_run("diff")
    try:
        run_stage(ctx)
    except Exception:
        ctx.finish_run("failed")
        raise
    ctx.finish_run("ok")
    click.echo("diff: " + ", ".join(f"{k}={v}" for k, v in sorted(ctx.counts.items())))


commands: list[click.Command] = [changes, state, hs, diff_command]
