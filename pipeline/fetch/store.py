"""The fetch stage's own tables: `fetches` (one row per request outcome) and `source_health`.

Response bodies go through `pipeline.ingest.ingest_raw` into the shared blobs/documents/locations
tables like corpus files; these tables add what only the network has: status, validators
(ETag / Last-Modified for conditional GET next time), headers, errors, and per-source run health
that the alert stage reads (`source_health.status = 'error'`).

Runs against a local mirror (`--base-url`) keep their own state: their rows carry `base_url`, and
neither a source's check interval nor the validators of a conditional GET to the real site are
taken from them. Only a successful check of the real site counts as a check.
"""
from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pipeline.store import now


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the fetch tables if missing (idempotent)."""
    tables = set(db.table_names())
    if "fetches" not in tables:
        db["fetches"].create({
            "id": int,
            "run_id": int,
            "source": str,        # source name from config/sources.toml
            "url": str,           # canonical https URL
            "fetch_url": str,     # URL requested (differs with --base-url)
            "final_url": str,     # after redirects
            "status": int,        # HTTP status of the last hop; null when no response
            "outcome": str,       # new | unchanged | not_modified | http_error | error | blocked
            "etag": str,
            "last_modified": str,
            "sha256": str,        # body hash (the document id when it was stored)
            "size": int,
            "content_type": str,
            "headers": str,       # JSON object of the final response's headers
            "attempts": int,
            "elapsed_ms": int,
            "fetched_at": str,
            "error": str,
            "failure": str,       # dns | connect | tls | timeout | reset (network) | blocked | http | size | …
            "base_url": str,      # the local mirror it was fetched from (--base-url), null for the real site
        }, pk="id")
        db["fetches"].create_index(["url", "id"])
        db["fetches"].create_index(["run_id"])
    if "source_health" not in tables:
        db["source_health"].create({
            "id": int,
            "source": str,
            "run_id": int,
            "checked_at": str,
            "status": str,        # ok | error
            "links_found": int,   # distinct detail links (list entries or feed items)
            "pages": int,         # listing pages / feeds read
            "fetched": int,       # requests made for this source
            "new": int,           # documents stored for the first time
            "error": str,
            "failure": str,       # why: dns | connect | tls | timeout | reset (network), blocked, http,
                                  # no_entries (the list yielded too few links), crashed …
            "start_url": str,     # the source's canonical start URL
            "base_url": str,      # the local mirror checked instead (--base-url), null for the real site
        }, pk="id")
        db["source_health"].create_index(["source", "id"])


    for table in ("fetches", "source_health"):  # tables made before these columns existed
        have = db[table].columns_dict
        for column in ("failure", "base_url", "start_url"):
            if column not in have and (column != "start_url" or table == "source_health"):
                db[table].add_column(column, str)


def record_fetch(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    row = dict(row)
    row.setdefault("fetched_at", now())
    if isinstance(row.get("headers"), dict):
        row["headers"] = json.dumps(row["headers"], ensure_ascii=False, sort_keys=True)
    db["fetches"].insert(row)


def validators(db: sqlite_utils.Database, url: str,
               base_url: str | None = None) -> tuple[str | None, str | None, str | None]:
    """(etag, last_modified, sha256) of the last stored 200 for url from the same place (the real
    site, or the same mirror), for a conditional GET.

    Only a response whose document is still stored counts: a 304 must let us reuse that document.
    """
    row = db.execute(
        """select f.etag, f.last_modified, f.sha256 from fetches f
           join documents d on d.id = f.sha256
           where f.url = ? and f.base_url is ? and f.status between 200 and 299 and f.sha256 is not null
           order by f.id desc limit 1""", [url, base_url]).fetchone()
    return (row[0], row[1], row[2]) if row else (None, None, None)


def record_health(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    row = dict(row)
    row.setdefault("checked_at", now())
    db["source_health"].insert(row)


def last_checked(db: sqlite_utils.Database, source: str) -> str | None:
    """When the real source was last checked successfully: the check interval counts from then.
    A failed check is not a check (the next run tries again), and a mirror is not the source."""
    row = db.execute("select checked_at from source_health where source = ? and status = 'ok' "
                     "and base_url is null order by id desc limit 1", [source]).fetchone()
    return row[0] if row else None


def blob(db: sqlite_utils.Database, sha256: str) -> bytes | None:
    """Stored bytes of a response (read-only use of the shared blobs table)."""
    row = db.execute("select content from blobs where sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None
