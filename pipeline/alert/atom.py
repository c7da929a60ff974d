"""`alerts.atom` beside the database: every change and timed/health alert as an Atom entry.

Why a file: a feed reader needs no channel configuration and no secret, and it can always be
rebuilt from the database, so it is rewritten whole on each run. It is written to a temporary file
in the same folder and renamed over the old one, so a reader (or a crash) never sees half a feed.

Entry ids are derived from change ids (`tag:exportwatch,2025:change/<id>`) and timed-alert keys,
so a reader shows each change once however often the file is rewritten; timestamps come from the
database, so an unchanged database gives a byte-identical file. ElementTree escapes all text, and
the HTML content is itself built from escaped values (see message.py).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import heapq
import os
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from pipeline.alert import message
from pipeline.diff import api as diff_api

ATOM = "http://www.w3.org/2005/Atom"
TAG = "tag:exportwatch,2025:"
MAX_ENTRIES = 500
STALE_TMP_SECONDS = 600
FEED_TITLE = "exportwatch: China's export controls on rare earths \u2014 changes and alerts"


def entry_id(topic: str, ref: str) -> str:
    """Stable entry id. Change ids are hashes already; timed keys hold ':' and spaces, so hash them."""
    if topic == "change":
        return f"{TAG}change/{ref}"
    return f"{TAG}{topic}/{hashlib.sha256(ref.encode()).hexdigest()[:24]}"


def rfc3339(value: str | None, fallback: str = "1970-01-01T00:00:00Z") -> str:
    """Atom needs a full timestamp with a zone; the database may hold a date or a naive time."""
    if not value:
        return fallback
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return fallback
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _heads(db: sqlite_utils.Database, tables: set[str], health: bool = True) -> Iterator[tuple[str, str, str, Any]]:
    """(updated, entry id, kind, ref) of every change and timed/health alert, read by cursor."""
    for change_id, detected_at, date in diff_api.change_heads(db):
        yield rfc3339(detected_at or date), entry_id("change", str(change_id)), "change", change_id
    if "timed_alerts" in tables:
        cur = db.execute("SELECT * FROM timed_alerts")
        cols = [c[0] for c in cur.description]
        for values in cur:
            row = dict(zip(cols, values))
            if row["topic"] == "health" and not health:  # run failures have their own channels
                continue
            yield rfc3339(row.get("created_at")), entry_id(row["topic"], row["key"]), "timed", row


def collect(db: sqlite_utils.Database, health: bool = True) -> list[tuple[str, message.Summary]]:
    """(entry id, summary) for every change and timed/health alert, newest first."""
    tables = set(db.table_names())
    # Only the entries the feed keeps, newest (updated, entry id) first, are held and summarised:
    # summarising every change took most of a run that had nothing new, and holding a head per
    # change was the alert stage's memory (+51 MB at 10,000 documents). nlargest is
    # sorted(..., reverse=True)[:n] in O(n) memory.
    heads = heapq.nlargest(MAX_ENTRIES, _heads(db, tables, health), key=lambda item: (item[0], item[1]))
    changes = diff_api.changes_by_id(db, [ref for _, _, kind, ref in heads if kind == "change"])
    out: list[tuple[str, message.Summary]] = []
    for updated, eid, kind, ref in heads:
        summary = message.change_summary(db, changes[ref]) if kind == "change" else message.timed_summary(ref)
        summary.updated = updated
        out.append((eid, summary))
    return out



def build(db: sqlite_utils.Database, health: bool = True) -> bytes:
    ET.register_namespace("", ATOM)
    entries = collect(db, health)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{TAG}feed"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = FEED_TITLE
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = max((s.updated or "" for _, s in entries),
                                                          default=rfc3339(None))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "exportwatch"
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "exportwatch"
    for eid, summary in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = eid
        ET.SubElement(entry, f"{{{ATOM}}}title").text = summary.title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = summary.updated
        if summary.link:
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": summary.link})
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = summary.text()
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"}).text = summary.html()
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def feed_path(db_path: Path | str) -> Path:
    return Path(db_path).parent / "alerts.atom"


def write(db: sqlite_utils.Database, path: Path, health: bool = True) -> int:
    """Rewrite the feed atomically; returns the number of entries. `health`: list run and source
    failures too (not when they have operations channels of their own)."""
    data = build(db, health)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(".alerts-*.atom.tmp"):  # left by a process killed mid-write
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > STALE_TMP_SECONDS:
                stale.unlink()
    fd, tmp = tempfile.mkstemp(prefix=".alerts-", suffix=".atom.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return data.count(b"<entry>")
