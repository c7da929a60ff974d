"""Click options shared by every stage's commands (one definition, the same help everywhere)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pipeline import config
from pipeline.errors import Errors, message


def parse_date(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> dt.date | None:
    """click callback: YYYY-MM-DD -> date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(message(Errors.E002, value=value))


db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=config.DEFAULT_DB, show_default=config.shown(config.DEFAULT_DB), help="SQLite database file.")
today_option = click.option("--today", callback=parse_date, metavar="YYYY-MM-DD",
                            help="Pretend today is this date (tests, replays). Default: the real date.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress bars or log lines.")
base_url_option = click.option(
    "--base-url", metavar="URL",
    help="Fetch https://HOST/PATH from URL/HOST/PATH instead (a local mirror such as corpus/site).")
sources_option = click.option(
    "--sources", "sources_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Sources file (default: config/sources.toml, or $EXPORTWATCH_SOURCES).")
delay_option = click.option(
    "--delay", type=click.FloatRange(min=0), metavar="SECONDS",
    help="Seconds between requests to one host (default: [fetch] delay_seconds in the sources file).")
