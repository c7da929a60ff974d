"""The Atom feed: valid, stable ids, escaped HTML, atomic rewrite, written with no channel."""
from __future__ import annotations

import json
import os
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from alert_helpers import copy_db, rows, run_alert, shared
from pipeline.alert import atom
from pipeline.store import open_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return copy_db(shared().base_db, tmp_path / "data" / "exportwatch.db")


def add_change(db: Path, change_id: str, quote: str) -> None:
    evidence = [{"field": "elements", "value": "Nd", "start": 0, "end": len(quote), "text": quote}]
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO changes (id, announcement, date, type, kind, subject, evidence, hs_codes, news, "
                     "status, detected_at) VALUES (?, 'MOFCOM-2026-9', '2026-11-20', 'added', 'element', 'Nd', ?, "
                     "'[\"2805301910\"]', 0, 'occurred', '2026-11-28T09:00:00+00:00')",
                     [change_id, json.dumps(evidence)])


def test_feed_is_valid_stable_and_written_without_channels(db: Path):
    counts, log, _ = run_alert(db, "")
    path = db.parent / "alerts.atom"
    assert log.count("no notification channel configured") == 1
    assert counts["alerts_sent"] == 0
    first = path.read_bytes()
    feed = feedparser.parse(first)
    assert not feed.bozo, feed.get("bozo_exception")
    ids = [e.id for e in feed.entries]
    change_ids = {i for (i,) in rows(db, "SELECT id FROM changes")}
    assert {f"tag:exportwatch,2025:change/{c}" for c in change_ids} <= set(ids)
    assert len(ids) == len(set(ids)) == len(change_ids) + rows(db, "SELECT count(*) FROM timed_alerts")[0][0]
    e = next(e for e in feed.entries if e.title.startswith("MOFCOM-2025-70 suspends MOFCOM-2025-61"))
    assert e.link.startswith("https://www.mofcom.gov.cn/")
    assert "2025-11-07" in e.content[0].value

    run_alert(db, "")
    assert path.read_bytes() == first, "an unchanged database gives the same feed, same ids"
    add_change(db, "extra1", "plain quote")
    run_alert(db, "")
    again = feedparser.parse(path.read_bytes())
    assert set(ids) < {x.id for x in again.entries}
    assert not list(path.parent.glob(".alerts-*")), "no temporary file left behind"


def test_markup_in_a_quote_is_escaped(db: Path):
    add_change(db, "xss1", 'NdFeB <script>alert("x")</script> & <b>magnets</b>')
    run_alert(db, "")
    raw = (db.parent / "alerts.atom").read_text(encoding="utf-8")
    assert "<script>" not in raw
    entry = next(e for e in ET.fromstring(raw).iter(f"{ATOM}entry")
                 if e.findtext(f"{ATOM}id") == "tag:exportwatch,2025:change/xss1")
    html = entry.findtext(f"{ATOM}content")  # the HTML a reader renders, once XML-unescaped
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;magnets&lt;/b&gt;" in html
    assert "<script" not in html and "<b>magnets" not in html
    parsed = feedparser.parse(raw)
    value = next(e for e in parsed.entries if e.id.endswith("/xss1")).content[0].value
    assert "&lt;script&gt;" in value and "2805301910" in value


def test_failed_write_keeps_the_old_feed(db: Path, monkeypatch):
    run_alert(db, "")
    path = db.parent / "alerts.atom"
    old = path.read_bytes()
    add_change(db, "extra2", "quote")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atom.write(open_db(db), path)
    assert path.read_bytes() == old
    assert not list(path.parent.glob(".alerts-*"))
