"""Datasette plugin: `party_match(name, names_json)` in SQL, for the "Is this party listed?" query.

The same keys and rule as `exportwatch screen` (pipeline/screen/names.py): the best score of the
asked name against any of a listed party's names when it is a match, else NULL.
"""
from __future__ import annotations

import json

from datasette import hookimpl

from pipeline.screen import names


def party_match(query: str | None, names_json: str | None) -> float | None:
    if not query or not names_json:
        return None
    try:
        printed = json.loads(names_json)
    except ValueError:
        return None
    q = names.key(query)
    best = None
    for n in printed if isinstance(printed, list) else []:
        k = names.key(str(n))
        s = names.score(q, k)
        if names.accepted(q, k, s) and (best is None or s > best):
            best = s
    return round(best, 1) if best is not None else None


@hookimpl
def prepare_connection(conn) -> None:  # noqa: ANN001 - sqlite3.Connection, as Datasette passes it
    conn.create_function("party_match", 2, party_match, deterministic=True)
