"""Where the served data comes from: live sites, a local mirror, or local files (test data).

The bundled corpus is a set of reconstructions written for testing; a database built from it
must not present itself as MOFCOM's announcements. The home page and every page's footer say
which it is (templates `_origin.html`, `_footer.html`), and name real sources only for documents
actually fetched from them:

- live: documents at a URL whose latest fetch came from that URL itself (`fetch_url = url`);
- mirror: fetched through `--base-url` (a local copy of the sites: test data);
- local: read from a folder (`exportwatch run --corpus`), such as the bundled corpus.

A live source is one with a successful check whose run fetched it from the real site.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

LOCAL = """SELECT count(DISTINCT document_id) FROM locations
           WHERE source NOT LIKE 'http://%' AND source NOT LIKE 'https://%'"""
FETCHED = """SELECT count(DISTINCT l.document_id) FROM locations l
             WHERE l.source LIKE 'http%' AND EXISTS (SELECT 1 FROM fetches f WHERE f.url = l.source
               AND f.sha256 = l.document_id AND (f.fetch_url = f.url) = {live})"""
SOURCES = """SELECT h.source, max(h.checked_at) FROM source_health h
             WHERE h.status = 'ok' AND EXISTS (SELECT 1 FROM fetches f WHERE f.run_id = h.run_id
               AND f.source = h.source AND f.fetch_url = f.url)
             GROUP BY h.source ORDER BY h.source"""
START_URL = """SELECT url FROM fetches WHERE source = ? AND fetch_url = url AND outcome != 'robots'
               ORDER BY id LIMIT 1"""  # the first page a check asks for: its start URL

Query = Callable[[str, list[Any]], Awaitable[list[tuple]]]


async def data_origin(query: Query, tables: set[str]) -> dict[str, Any]:
    """Counts of current documents by origin and the live sources (name, host, url, last check)."""
    origin: dict[str, Any] = {"local": 0, "mirror": 0, "live": 0, "sources": []}
    if "locations" in tables:
        origin["local"] = (await query(LOCAL, []))[0][0] or 0
    if {"locations", "fetches"} <= tables:
        origin["live"] = (await query(FETCHED.format(live=1), []))[0][0] or 0
        origin["mirror"] = (await query(FETCHED.format(live=0), []))[0][0] or 0
    if {"source_health", "fetches"} <= tables:
        for name, checked in await query(SOURCES, []):
            rows = await query(START_URL, [name])
            url = rows[0][0] if rows else None
            origin["sources"].append({"name": name, "checked_at": (checked or "")[:16].replace("T", " "),
                                      "url": url, "host": urlsplit(url).hostname if url else name})
    return origin
