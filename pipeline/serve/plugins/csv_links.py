"""Datasette plugin: link columns in CSV exports are absolute URLs.

Our `*_link` columns hold paths inside this Datasette (`/exportwatch/measure_evidence?...`, see
links.py); pages render them as anchors, but in a CSV file opened in a spreadsheet a bare path
leads nowhere. Datasette 0.65 has no hook for CSV cells, so this ASGI wrapper rewrites them in
the CSV stream: Datasette writes a CSV export one row per body message (csv.writer calls its
writer once per row), so each message is parsed as CSV rows, every cell that is one of our paths
gets the scheme and host the request came to (Datasette's own `absolute_url`), and the row is
written back with the same dialect. Messages without such a cell pass through byte for byte;
responses with a Content-Length (error pages) are never touched.
"""
from __future__ import annotations

import csv
import io

from datasette import hookimpl
from datasette.utils.asgi import Request

PREFIX = "/exportwatch/"


def is_our_path(value: str) -> bool:
    return (value.startswith(PREFIX) and "\\" not in value and not any(c.isspace() for c in value))


def absolutize(chunk: bytes, base: str) -> bytes:
    """CSV rows with our paths made absolute against `base` (scheme://host, no slash)."""
    text = chunk.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    changed = False
    for row in rows:
        for i, cell in enumerate(row):
            if is_our_path(cell):
                row[i] = base + cell
                changed = True
    if not changed:
        return chunk
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
                return await app(scope, receive, send)
            base = datasette.absolute_url(Request(scope, receive), "/").rstrip("/")
            streaming = False

            async def rewrite(message):
                nonlocal streaming
                if message["type"] == "http.response.start":
                    headers = {k.lower(): v for k, v in message.get("headers", [])}
                    streaming = (b"content-length" not in headers
                                 and b"html" not in headers.get(b"content-type", b""))
                elif message["type"] == "http.response.body" and streaming and message.get("body"):
                    message = {**message, "body": absolutize(message["body"], base)}
                await send(message)

            await app(scope, receive, rewrite)

        return wrapped

    return wrap
