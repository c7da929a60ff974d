"""Datasette plugin: serve the `exportwatch` database through ReloadingDatabase.

`datasette serve -i FILE` opens FILE as a plain immutable database; at startup this swaps it for
a ReloadingDatabase on the same path, so a snapshot published by a run (an atomic rename over
that path) is picked up on the next query without a restart. See pipeline/serve/snapshot.py.
"""
from __future__ import annotations

from datasette import hookimpl

from pipeline.serve.reloading import ReloadingDatabase

DB = "exportwatch"


@hookimpl
def startup(datasette):
    current = datasette.databases.get(DB)
    if current is None or not current.path or isinstance(current, ReloadingDatabase):
        return
    replacement = ReloadingDatabase(datasette, path=current.path)
    replacement.name, replacement.route = current.name, current.route
    # same position in the (ordered) mapping; Datasette replaces the dict rather than mutating it
    datasette.databases = {name: (replacement if db is current else db)
                           for name, db in datasette.databases.items()}
    current.close()
