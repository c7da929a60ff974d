"""Links of an HTML page, classified for the fetch stage: list entries, pager, attachments.

Every <a href> becomes a Link with an absolute href. The rel is decided from data in
config/parse/html.yml (`links:`), not from one site's markup: an entry of a list is an item
(<li>, <tr>, <dt>/<dd>) that pairs a link with a date, in a container listed there or in any
list/table where at least `min_dated_items` items do so (the MOFCOM <ul><li><a/><span>date</span>
and the table rows with [YYYY-MM-DD] both qualify; a navigation <ul> has no dates). The next
page is the link whose text is 下一页 / Next, or rel="next". Attachments are links to files
(.pdf, .docx …). javascript:/mailto: links are not links to follow and are left out.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urldefrag, urljoin, urlsplit

import soupsieve
from bs4 import BeautifulSoup, Tag

from pipeline.parse.lang import find_dates
from pipeline.parse.text import normalize_line
from pipeline.records import Link

TOKEN_SPLIT = re.compile(r"[\s_\-]+")


# --- links --------------------------------------------------------------------------------------

def read_links(soup: BeautifulSoup, base: str | None, lc: dict[str, Any], text_of: Callable[[Tag], str]) -> list[Link]:
    """Every <a href> (and <link rel=next>) as a Link; see the module docstring for the rels.
    `text_of` gives an element's clean text (the HTML parser's, which skips scripts)."""
    entries = _list_entries(soup, lc, text_of)
    next_texts = {t.lower() for t in lc["next_texts"]}
    out: list[Link] = []
    seen: set[tuple[str, str, str]] = set()
    anchors = list(soup.find_all("a", href=True)) + list(soup.find_all("link", rel="next", href=True))
    for a in anchors:
        href = _absolute(str(a["href"]), base, lc)
        if href is None:
            continue
        text = text_of(a) or normalize_line(str(a.get("title") or ""))
        rels = {r.lower() for r in (a.get("rel") or [])}
        parts = {t.lower() for t in TOKEN_SPLIT.split(" ".join(a.get("class") or [])) if t}
        path = urlsplit(href).path.lower()
        is_file = path.rsplit(".", 1)[-1] in lc["attachment_ext"] if "." in path.rsplit("/", 1)[-1] else False
        date = entries.get(id(a))
        if "next" in rels or re.sub(r"[\s>›»]+", "", text.lower()) in next_texts or text.lower() in next_texts \
                or parts & set(lc["next_tokens"]):
            rel = "next"
        elif is_file:
            rel = "attachment"
        elif id(a) in entries:
            rel = "detail"
        else:
            rel = "link"
        if (href, text, rel) not in seen:
            seen.add((href, text, rel))
            out.append(Link(href=href, text=text, date=date, rel=rel))
    return out


def _absolute(href: str, base: str | None, lc: dict[str, Any]) -> str | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    scheme = urlsplit(href).scheme.lower() if ":" in href.split("/", 1)[0] else ""
    if scheme in lc["skip_schemes"]:
        return None
    return urldefrag(urljoin(base, href) if base else href)[0]


@lru_cache(maxsize=8)
def _selector(selectors: tuple[str, ...]) -> Any:
    """The list container selectors compiled once (soupsieve), matched against candidate boxes."""
    return soupsieve.compile(", ".join(selectors) or "none-such")


def _list_entries(soup: BeautifulSoup, lc: dict[str, Any], text_of: Callable[[Tag], str]) -> dict[int, str | None]:
    """Anchor id -> date for list entries: items of known list containers, or of any list/table
    where at least `min_dated_items` items pair one link with a date."""
    is_known = _selector(tuple(lc["list_selectors"])).match  # tested on each box, not by
    # selecting over the whole page per selector (that was a third of all HTML parsing)
    entries: dict[int, str | None] = {}
    for box in soup.find_all(["ul", "ol", "table", "dl"]):
        known = bool(lc["list_selectors"]) and is_known(box)
        if box.name == "table":
            items = [tr for tr in box.find_all("tr") if tr.find_parent("table") is box]
        else:
            items = box.find_all(["li", "dt", "dd"], recursive=False)
        found: list[tuple[Tag, str | None]] = []
        for item in items:
            anchors = [a for a in item.find_all("a", href=True) if _absolute(str(a["href"]), None, lc)]
            if not anchors:
                continue
            anchor = max(anchors, key=lambda a: len(text_of(a)))
            dates = find_dates(text_of(item))
            found.append((anchor, dates[-1][2] if dates else None))
        if known or sum(1 for _, d in found if d) >= lc["min_dated_items"]:
            for anchor, date in found:
                if date or known:
                    entries[id(anchor)] = date
    return entries
