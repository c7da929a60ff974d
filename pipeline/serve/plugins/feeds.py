"""Datasette plugin: the Atom feed of changes answers with an empty feed when there are no rows.

datasette-atom 0.9 builds the feed's `updated` as `max(row["atom_updated"] for row in rows)`,
which raises on zero rows: `/exportwatch/changes_feed.atom` was an HTTP 500 ("max() arg is an
empty sequence") on a fresh install or after an interrupted run. This plugin registers the `.atom`
renderer again, last (so it is the one Datasette keeps), hands every non-empty result to
datasette-atom unchanged, and answers an empty result with a valid feed that has no entries.
"""
from __future__ import annotations

import datetime as dt

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette_atom import REQUIRED_COLUMNS, can_render_atom, render_atom
from feedgen.feed import FeedGenerator


def render(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
    if rows or not REQUIRED_COLUMNS.issubset(columns):
        return render_atom(datasette, request, sql, columns, rows, database, table, query_name,
                           view_name, data)
    title = f"{database}: {query_name or table or 'query'}"
    if query_name:
        title = ((datasette.metadata(database=database) or {}).get("queries", {})
                 .get(query_name, {}).get("title") or title)
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title(title)
    feed.subtitle("No changes recorded yet.")
    feed.updated(dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200)


@hookimpl(trylast=True)
def register_output_renderer(datasette):
    return {"extension": "atom", "render": render, "can_render": can_render_atom}
