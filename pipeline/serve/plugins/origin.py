"""Datasette plugin: `exportwatch_origin` for the templates (see pipeline/serve/origin.py).

Computed once per served copy of the database (ReloadingDatabase.generation), so pages pay for it
once after each published run, not on every view.
"""
from __future__ import annotations

from datasette import hookimpl

from pipeline.serve.origin import data_origin

DB = "exportwatch"
_cache: dict[tuple[int, int], dict] = {}


@hookimpl
def extra_template_vars(datasette):
    async def inner():
        db = datasette.databases.get(DB)
        if db is None:
            return {}
        key = (id(db), getattr(db, "generation", 0))
        if key not in _cache:
            async def query(sql, params):
                return [tuple(row) for row in (await db.execute(sql, params)).rows]

            tables = set(await db.table_names())
            _cache.clear()
            _cache[key] = await data_origin(query, tables)
        return {"exportwatch_origin": _cache[key]}

    return inner
