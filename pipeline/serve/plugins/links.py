"""Datasette plugin: turn our link columns into links, and nothing else.

Why a plugin: Datasette links foreign keys on table pages and absolute http(s) URLs by itself, but
views, canned queries and row pages have no foreign-key links, and an absolute link to ourselves
would depend on the host and port we are served on. So:
- `*_link` columns hold a path inside this Datasette (`/exportwatch/measure_evidence?measure=…`);
- `announcement`, `act`, `target`, `subject`, `suspended_by` cells holding exactly one act id
  (MOFCOM-2025-18) link to the act;
- `document_id` cells holding a SHA-256 link to the document.
Hrefs and labels are escaped (Markup.format), only single-slash relative paths are accepted (no
`//host`, no `javascript:`), and every other cell is left to Datasette, which escapes it.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from datasette import hookimpl
from markupsafe import Markup

DB = "exportwatch"
ACT_ID = re.compile(r"^[A-Z]+-\d{4}-\d+$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
HASHLIKE = re.compile(r"^[0-9a-f]{12,}$")
ACT_COLUMNS = {"announcement", "act", "target", "subject", "suspended_by"}
LABEL_MAX = 28


def label_for(path: str, column: str) -> str:
    """Short text for a link: the act or row id it points at, else what it is ("evidence")."""
    parts = urlsplit(path)
    query = parse_qsl(parts.query)
    text = query[-1][1] if query else unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = column[: -len("_link")].replace("_", " ")
    if HASHLIKE.match(text) or not text:
        return stem
    if text.isdigit():  # a row number: "item 102" says more than "102"
        return f"{stem} {text}"
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def is_internal_path(value: object) -> bool:
    return (isinstance(value, str) and value.startswith("/") and not value.startswith("//")
            and "\\" not in value and not any(c.isspace() for c in value))


def _link(datasette, path: str, label: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(datasette.urls.path(path), label)


@hookimpl
def render_cell(value, column, table, datasette):
    if not column or not isinstance(value, str):
        return None
    column = str(column)
    if column.endswith("_link") and is_internal_path(value):
        return _link(datasette, value, label_for(value, column))
    if column in ACT_COLUMNS and ACT_ID.match(value) and table != "announcements":
        return _link(datasette, f"/{DB}/announcements/{quote(value)}", value)
    if column == "document_id" and SHA256.match(value) and table != "documents":
        return _link(datasette, f"/{DB}/documents/{value}", value[:12] + "…")
    return None
