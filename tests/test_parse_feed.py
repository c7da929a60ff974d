"""Feed parser: the news RSS feed, an Atom feed, a broken feed, a summary with markup."""
from __future__ import annotations

from pathlib import Path

from pipeline.parse import feed, parse
from pipeline.records import Raw

ROOT = Path(__file__).resolve().parent.parent
FEED = ROOT / "corpus/site/news.example.org/feed.xml"
BAD = ROOT / "tests/fixtures/bad"


def test_rss_items_become_links_and_text() -> None:
    doc = parse(Raw(content=FEED.read_bytes(), source="site/news.example.org/feed.xml"))
    assert doc.error is None and doc.media_type == "application/rss+xml"
    assert doc.parser == "feed:feedparser-6.0.14" and doc.lang == "en"
    assert doc.title == "Example Mineral News - Critical minerals" and doc.published == "2025-12-04"
    assert len(doc.links) == 9 and {link.rel for link in doc.links} == {"feed_item"}
    first = doc.links[0]
    assert first.href == ("https://news.example.org/2025/12/04/"
                          "china-grants-first-general-licences-rare-earth-magnet-exports.html")
    assert first.text == "China grants first general licences for rare-earth magnet exports"
    assert [link.date for link in doc.links] == ["2025-12-04", "2025-11-11", "2025-10-30", "2025-10-22",
                                                  "2025-10-20", "2025-10-13", "2025-10-10", "2025-10-09",
                                                  "2025-06-12"]  # the feed's own dates, not UTC
    headings = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings == [link.text for link in doc.links]
    assert "first general export licences for rare-earth magnets" in doc.text
    assert "\n".join(doc.text[b.start:b.end] for b in doc.blocks) == doc.text


def test_broken_feed_keeps_recovered_items() -> None:
    doc = parse(Raw(content=(BAD / "feed-broken.xml").read_bytes(), source="bad/feed-broken.xml"))
    assert doc.error and "not well-formed" in doc.error and "recovered" in doc.error
    assert doc.links and doc.links[0].text == "China's rare-earth magnet exports to the US fall 29% in September"
    assert doc.links[0].date == "2025-10-20" and doc.links[0].href.endswith("-september.html")
    assert "420.5 tonnes" in doc.text and "<b>" not in doc.text


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title><updated>2025-10-10T02:00:00Z</updated>
<id>urn:x</id><link href="https://wire.example.com/"/>
<entry><title>Rare earth rules</title><link href="/a/1.html"/><id>urn:1</id>
<updated>2025-10-09T23:30:00-04:00</updated>
<summary type="html">&lt;p&gt;Licences needed.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;More.&lt;/p&gt;</summary></entry>
</feed>"""


def test_atom_feed_relative_links_and_markup_removed() -> None:
    doc = feed.parse(Raw(content=ATOM, source="atom.xml"))
    assert doc.error is None and doc.media_type == "application/atom+xml"
    assert [(link.href, link.text, link.date, link.rel) for link in doc.links] == [
        ("https://wire.example.com/a/1.html", "Rare earth rules", "2025-10-09", "feed_item")]
    assert "Licences needed." in doc.text and "More." in doc.text
    assert "alert" not in doc.text and "<" not in doc.text


def test_html_is_not_a_feed() -> None:
    doc = feed.parse(Raw(content=b"<html><body><p>hello</p></body></html>", source="x.xml"))
    assert doc.error and ("not an RSS or Atom feed" in doc.error or "not well-formed" in doc.error)
    assert not doc.links
