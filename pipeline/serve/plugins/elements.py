"""Datasette plugin: `element_symbol(name)` in SQL, so `items_by_element` accepts samarium, 钐 or Sm.

The names come from the extractor's vocabulary (pipeline.elements reads models/src/vocab/elements.yml);
a value that names no element is returned unchanged, so a symbol the vocabulary lacks still matches.
"""
from __future__ import annotations

from datasette import hookimpl

from pipeline.elements import symbol_or_self


@hookimpl
def prepare_connection(conn) -> None:  # noqa: ANN001 - sqlite3.Connection, as Datasette passes it
    conn.create_function("element_symbol", 1, symbol_or_self, deterministic=True)
