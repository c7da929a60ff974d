"""RSS 2.0 / Atom -> Document with feedparser.

Each item becomes a Link(rel="feed_item", text=title, date=YYYY-MM-DD) for the fetch stage, and
its title (heading block) and summary (paragraph blocks, markup removed) go into `text`. A feed
that is not well-formed XML (feedparser's `bozo`) gets `error` set, but the items feedparser
recovered are kept: a half-broken feed still announces something.
"""
from __future__ import annotations

import re
import time
import warnings
from email.utils import parsedate_to_datetime
from importlib.metadata import version
from urllib.parse import urljoin

import feedparser
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from pipeline.parse import encoding
from pipeline.parse.lang import first_date
from pipeline.parse.text import TextBuilder, base_url, finish, new_document, normalize_line
from pipeline.records import Document, Link, Raw

PARSER = f"feed:feedparser-{version('feedparser')}"
# bozo exceptions that only say the declared and detected encodings differ: not a broken feed.
BENIGN = ("CharacterEncodingOverride", "NonXMLContentType")
BAD_XML_ENCODING_RE = re.compile(rb"""\s*<\?xml[^>]*?(\sencoding\s*=\s*["'][^"']*[\x80-\xff][^"']*["'])""")


def _date(entry: dict) -> str | None:
    """The item's date as the feed states it, in the feed's own time zone (feedparser's
    *_parsed values are UTC: "Mon, 13 Oct 2025 07:12 +0800" would become the 12th)."""
    for key in ("published", "updated", "created", "dc_date"):
        value = str(dict.get(entry, key) or "").strip()  # plain get: no deprecated key mapping
        if not value:
            continue
        try:
            return parsedate_to_datetime(value).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        if date := first_date(value):
            return date
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if isinstance(value := dict.get(entry, key), time.struct_time):
            return time.strftime("%Y-%m-%d", value)
    return None


def _plain(value: str) -> list[str]:
    """Text lines of an HTML-ish summary (feedparser sanitises it; this removes the markup)."""
    if "<" not in value and "&" not in value:
        return [normalize_line(value)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(value, "lxml")
    for tag in soup.find_all(["script", "style", "iframe", "object", "embed", "svg"]):
        tag.extract()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return [normalize_line(x) for x in soup.get_text("\n").split("\n\n")]


def parse(raw: Raw) -> Document:
    """Parse a feed; never raises. Items become links and text; bozo feeds get `error`."""
    media_type = "application/atom+xml" if b"<feed" in raw.content[:2048].lower() else "application/rss+xml"
    doc = new_document(raw, media_type, PARSER)
    if not raw.content.strip():
        doc.error = "empty file"
        return doc
    if encoding.looks_binary(raw.content):
        doc.error = "not a feed: the bytes look binary"
        return doc
    headers = {k.lower(): v for k, v in raw.headers.items()}
    content = raw.content
    if m := BAD_XML_ENCODING_RE.match(content):  # feedparser raises UnicodeDecodeError on it (issue 9)
        content = content[:m.start(1)] + content[m.end(1):]
        doc.warnings.append("the XML declaration names a non-ASCII encoding; ignored")
    try:
        result = feedparser.parse(content, response_headers=headers or None,
                                  resolve_relative_uris=True, sanitize_html=True)
    except Exception as exc:  # feedparser bug on hostile bytes: a clear error, never a raise
        doc.error = f"feed could not be read: {type(exc).__name__}: {exc}"
        return doc
    doc.encoding = result.get("encoding")
    feed = result.get("feed", {})
    builder = TextBuilder()
    doc.title = normalize_line(feed.get("title", "")) or None
    if doc.title:
        builder.add(doc.title, "title", 1)
    for key in ("link", "language", "subtitle", "updated", "generator"):
        if feed.get(key):
            doc.meta[key] = normalize_line(str(feed[key]))
    doc.published = _date(feed)
    base = feed.get("link") or base_url(raw)
    for entry in result.get("entries", []):
        title = normalize_line(entry.get("title", ""))
        href = entry.get("link") or entry.get("id") or ""
        date = _date(entry)
        if href:
            doc.links.append(Link(href=urljoin(base, href) if base else href, text=title, date=date, rel="feed_item"))
        if title:
            builder.add(title, "heading", 2)
        if date:
            builder.add(date, "meta")
        for line in _plain(entry.get("summary", "") or ""):
            builder.add(line, "paragraph")
    finish(doc, builder)
    bozo = result.get("bozo_exception")
    if result.get("bozo") and type(bozo).__name__ not in BENIGN:
        doc.error = (f"feed is not well-formed XML ({type(bozo).__name__}: {bozo}); "
                     f"{len(doc.links)} item(s) recovered")
    elif result.get("bozo"):
        doc.warnings.append(f"feed encoding: {bozo}")
    if not result.get("version") and not doc.links and not doc.error:
        doc.error = "not an RSS or Atom feed"
    return doc
