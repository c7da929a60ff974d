"""HTML -> Document with BeautifulSoup over lxml.

How the main content is chosen, so that templates never seen before still work: page chrome is
dropped by tag (nav, aside; header/footer outside the article), by class/id tokens and by UI
texts listed in config/parse/html.yml, never when the element holds most of the page's text.
The body is the first content hint (#zoom, .article-body, article …) holding enough text, else the
element whose paragraphs carry the most non-link text; it is then widened to the nearest ancestor
that also holds the title (so the h1 and the 来源/date line come along) when that adds little text.
Every tree walk is iterative (an explicit stack): 5,000 nested divs must not hit the recursion limit.
Links come from the whole page (the fetch stage needs navigation, list entries and the pager).
"""
from __future__ import annotations

import json
import re
import warnings
from functools import lru_cache
from html import escape as html_escape
from importlib.metadata import version
from typing import Any, Iterator
from urllib.parse import urljoin

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

from pipeline.parse.links import read_links
from pipeline.parse.lang import first_date, load
from pipeline.parse.text import (TextBuilder, base_url, classify_line, decoded_text, finish, last_date_line,
                                 meta_pairs, new_document, normalize_line, published_from_lines, space_meta_line)
from pipeline.records import Document, Raw, Table

SKIP_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
TOKEN_SPLIT = re.compile(r"[\s_\-]+")
HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
PARSER = f"html:bs4-{version('beautifulsoup4')}/lxml-{version('lxml')}"


@lru_cache(maxsize=1)
def _cfg() -> dict[str, Any]:
    cfg = dict(load("html"))
    for key in ("drop_tags", "chrome_tags", "chrome_tags_outside_article", "block_tags"):
        cfg[key] = frozenset(cfg[key])
    cfg["chrome_tokens"] = frozenset(t.lower() for t in cfg["chrome_tokens"])
    cfg["chrome_names"] = frozenset(t.lower() for t in cfg["chrome_names"])
    cfg["chrome_texts"] = frozenset(normalize_line(t) for t in cfg["chrome_texts"])
    cfg["drop_line_res"] = [re.compile(p) for p in cfg["drop_line_patterns"]]
    cfg["strip_res"] = [re.compile(p) for p in cfg["strip_patterns"]]
    cfg["soft_error_res"] = [re.compile(p) for p in cfg.get("soft_error_patterns", [])]
    return cfg


def parse(raw: Raw) -> Document:
    """Parse an HTML page; never raises for bad input (see module docstring for the method)."""
    doc = new_document(raw, "text/html", PARSER)
    source = decoded_text(doc, raw)
    if source is None:
        return doc
    source, flattened = _limit_depth(source)
    if flattened:
        doc.warnings.append(f"markup nested deeper than {MAX_DEPTH} levels: {flattened} subtree(s) flattened to text")
    soup = _soup(source)
    cfg = _cfg()
    doc.meta, ld = _read_meta(soup, cfg)
    base = base_url(raw)
    if (tag := soup.find("base", href=True)) and isinstance(tag, Tag):
        base = urljoin(base or "", str(tag["href"]).strip()) or base
    doc.links = read_links(soup, base, cfg["links"], lambda tag: _text(tag))

    dropped = _chrome(soup, cfg)
    doc.title = _title(soup, doc.meta, ld, dropped, cfg)
    root = _choose_root(soup, dropped, cfg, doc.title)
    builder = TextBuilder()
    doc.tables = _walk(root, dropped, cfg, builder, doc.title)
    lines, kinds = builder.lines, [b.kind for b in builder.blocks]
    for line, kind in zip(lines, kinds):
        if kind == "meta":
            for key, value in meta_pairs(line).items():
                doc.meta.setdefault(key, value)
    doc.published = (_meta_date(doc.meta, ld, cfg) or published_from_lines(lines)
                     or _time_date(root, dropped) or _masthead_date(soup, root, cfg)
                     or published_from_lines(lines, kinds) or last_date_line(lines))
    finish(doc, builder)
    if not doc.text:
        doc.error = "no text content in the HTML page"
    if not doc.links:
        doc.warnings.append("no links on the page")
    head = " ".join([doc.title or ""] + lines[:3])
    if len(doc.text) < 600 and any(r.search(head) for r in cfg["soft_error_res"]):
        doc.warnings.append("page looks like a maintenance or error notice")
    return doc


TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr"})
MAX_DEPTH = 128
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr basefont bgsound frame "
                      "keygen".split())
RAW_TEXT_TAGS = frozenset(["script", "style", "xmp", "plaintext", "noscript"])


class _Flatten:
    """lxml parser target re-serialising a page without the tags (text kept, in order; script and
    style text dropped) of elements nested deeper than MAX_DEPTH. A target, not a tree: libxml2
    refuses to build trees deeper than 2048, and dropping what is below would lose text."""

    def __init__(self, drop_tags: frozenset[str]) -> None:
        self.drop_tags, self.out, self.open = drop_tags, [], []
        self.depth = self.flattened = self.hidden = 0

    def start(self, tag: Any, attrib: dict[str, str]) -> None:
        self.depth += 1
        tag = str(tag).lower()
        if self.depth > MAX_DEPTH:
            self.flattened += 1
            self.hidden += tag in self.drop_tags
            return
        attrs = "".join(f' {k}="{html_escape(str(v))}"' for k, v in attrib.items()
                        if re.fullmatch(r"[A-Za-z_:][-A-Za-z0-9_:.]*", str(k)))
        self.out.append(f"<{tag}{attrs}>")
        self.open.append(tag)

    def end(self, tag: Any) -> None:
        tag = str(tag).lower()
        if self.depth > MAX_DEPTH:
            self.hidden -= tag in self.drop_tags
        else:
            self.open.pop()
            if tag not in VOID_TAGS:
                self.out.append(f"</{tag}>")
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.hidden:
            return
        raw = self.open and self.open[-1] in RAW_TEXT_TAGS and self.depth <= MAX_DEPTH
        self.out.append(text if raw else html_escape(text, quote=False))

    def close(self) -> str:
        return "".join(self.out)


def _limit_depth(markup: str) -> tuple[str, int]:
    """(markup, n): the tags of the n elements nested deeper than MAX_DEPTH removed, their text kept.
    The tree walks below cost (nodes x depth): 40,000 nested <div>s took minutes (issue 9). A page
    with fewer tags than MAX_DEPTH cannot be that deep, and a page within the limit is returned as is."""
    if markup.count("<") <= MAX_DEPTH:
        return markup, 0
    from lxml import etree

    try:
        root = etree.fromstring(markup, etree.HTMLParser(huge_tree=True))
        if root is None or not root.xpath(f"boolean(//*[count(ancestor::*) >= {MAX_DEPTH}])"):
            return markup, 0
        target = _Flatten(_cfg()["drop_tags"])
        flat = etree.fromstring(markup, etree.HTMLParser(target=target, huge_tree=True))
        return flat, target.flattened
    except (ValueError, etree.LxmlError):
        return markup, 0


def _soup(markup: str) -> BeautifulSoup:
    """Parse with lxml; bs4's guesses ("looks like XML", "looks like a URL") are not our problem."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "lxml")


# --- tree helpers --------------------------------------------------------------------------------

def _strings(tag: Tag, dropped: set[int], drop_tags: frozenset[str]) -> Iterator[str]:
    """Text of a subtree in document order, skipping dropped elements; <br> yields a newline."""
    stack: list[Any] = [tag]
    while stack:
        node = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, SKIP_STRINGS):
                yield str(node)
        elif isinstance(node, Tag) and id(node) not in dropped and node.name not in drop_tags:
            if node.name == "br":
                yield "\n"
            stack.extend(reversed(node.contents))


def _text(tag: Tag, dropped: set[int] | None = None) -> str:
    return normalize_line("".join(_strings(tag, dropped or set(), _cfg()["drop_tags"])))


def _sizes(soup: BeautifulSoup, dropped: set[int], drop_tags: frozenset[str]) -> tuple[dict[int, int], dict[int, int]]:
    """Text length and link-text length of every element, bottom-up in one pass (no recursion)."""
    total: dict[int, int] = {}
    links: dict[int, int] = {}
    for node in reversed(list(soup.descendants)):
        parent = node.parent
        if parent is None:
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, SKIP_STRINGS):
                n = len(node.strip())
                total[id(parent)] = total.get(id(parent), 0) + n
                if parent.name == "a":
                    links[id(parent)] = links.get(id(parent), 0) + n
        elif id(node) not in dropped and node.name not in drop_tags:
            total[id(parent)] = total.get(id(parent), 0) + total.get(id(node), 0)
            links[id(parent)] = links.get(id(parent), 0) + links.get(id(node), 0)
    return total, links


def _tokens(tag: Tag) -> tuple[set[str], set[str]]:
    names = [" ".join(tag.get("class") or []), str(tag.get("id") or "")]
    whole = {n.lower() for n in names if n} | {c.lower() for c in tag.get("class") or []}
    parts = {t.lower() for n in names for t in TOKEN_SPLIT.split(n) if t}
    return whole, parts


def _chrome(soup: BeautifulSoup, cfg: dict[str, Any]) -> set[int]:
    """Ids of elements that are page chrome (navigation, footers, share bars, UI links)."""
    hard = {id(t) for t in soup.find_all(True) if t.name in cfg["drop_tags"]}
    total, _ = _sizes(soup, hard, cfg["drop_tags"])
    page = max(total.get(id(soup), 0), 1)
    dropped = set(hard)
    # a content container by name is never chrome, whatever its tokens say (gov.cn's
    # "pages_content" holds the word of a pager)
    content = {id(t) for selector in cfg["content_selectors"] for t in soup.select(selector)}
    for tag in soup.find_all(True):
        if id(tag) in dropped or id(tag) in content:
            continue
        href = str(tag.get("href") or "").strip().lower()
        if tag.name == "a" and href.startswith(("javascript:", "vbscript:")):
            dropped.add(id(tag))
            continue
        whole, parts = _tokens(tag)
        hidden = tag.has_attr("hidden") or bool(HIDDEN_RE.search(str(tag.get("style") or "")))
        chrome = (hidden or tag.name in cfg["chrome_tags"] or bool(parts & cfg["chrome_tokens"])
                  or bool(whole & cfg["chrome_names"])
                  or (tag.name in cfg["chrome_tags_outside_article"] and tag.find_parent(["article", "main"]) is None))
        if not chrome and total.get(id(tag), 0) <= 20 and tag.name not in ("html", "body"):
            chrome = _text(tag) in cfg["chrome_texts"]
        if chrome and total.get(id(tag), 0) <= cfg["chrome_max_share"] * page and tag.name not in ("html", "body"):
            dropped.add(id(tag))
    return _close(soup, dropped)


def _close(soup: BeautifulSoup, dropped: set[int]) -> set[int]:
    """Dropped elements plus everything inside them (pre-order: a parent is seen before its children)."""
    out = set(dropped)
    for node in soup.descendants:
        if isinstance(node, Tag) and node.parent is not None and id(node.parent) in out:
            out.add(id(node))
    return out


def _choose_root(soup: BeautifulSoup, dropped: set[int], cfg: dict[str, Any], title: str | None) -> Tag:
    """The element holding the main content (see module docstring)."""
    total, links = _sizes(soup, dropped, cfg["drop_tags"])
    body = soup.body or soup
    root: Tag | None = None
    for selector in cfg["content_selectors"]:
        found = [t for t in soup.select(selector) if not id(t) in dropped]
        found = [t for t in found if total.get(id(t), 0) >= cfg["content_min_chars"]]
        if found:
            root = max(found, key=lambda t: total.get(id(t), 0))
            # posts of a thread, answers of a Q&A: blocks of the same kind side by side are one content
            root = _with_sibling_paragraphs(root, body, dropped, total, links, same_kind_only=True)
            break
    if root is None:
        score: dict[int, float] = {}
        tags: dict[int, Tag] = {}
        for tag in soup.find_all(["p", "li", "td", "pre", "blockquote", "div", "section"]):
            own = total.get(id(tag), 0) - links.get(id(tag), 0)
            if own < 20 or id(tag) in dropped or (tag.name in ("div", "section") and any(
                    isinstance(c, Tag) and c.name in ("p", "div", "section") for c in tag.contents)):
                continue
            for weight, anc in ((1.0, tag.parent), (0.5, tag.parent.parent if tag.parent else None)):
                if isinstance(anc, Tag):
                    score[id(anc)] = score.get(id(anc), 0) + weight * own
                    tags[id(anc)] = anc
        if score:
            root = tags[max(score, key=lambda k: score[k])]
            # a table is part of the content, never all of it: an annex page holds several tables
            # with headings, notes and a signature between them
            while root.name in TABLE_PARTS and isinstance(root.parent, Tag):
                root = root.parent
            root = _with_sibling_paragraphs(root, body, dropped, total, links)
        if root is None or total.get(id(root), 0) < 0.3 * total.get(id(body), 0):
            return body
    return _widen(root, _title_element(soup, dropped, title, total), total)


def _with_sibling_paragraphs(root: Tag, body: Tag, dropped: set[int], total: dict[int, int],
                             links: dict[int, int], same_kind_only: bool = False) -> Tag:
    """Climb to the parent while a sibling holds paragraphs of prose: a letter and its reply, a
    question block and its answers are one content (a mailbox page's 来信内容 beside 答复内容)."""
    while isinstance(root.parent, Tag) and root.parent is not body:
        parent = root.parent
        if links.get(id(parent), 0) > 0.3 * max(total.get(id(parent), 0), 1):
            break
        def prose_of(tag: Tag) -> bool:  # a paragraph, or a block of the root's own kind, of plain text
            own = total.get(id(tag), 0) - links.get(id(tag), 0)
            return own >= 40 and links.get(id(tag), 0) <= 0.3 * max(total.get(id(tag), 0), 1) and (
                (tag.name == "p" and not same_kind_only) or (tag.name == root.name and tag.get("class") == root.get("class")))

        prose = any(
            isinstance(sib, Tag) and sib is not root and id(sib) not in dropped and any(
                prose_of(p) for p in [sib, *sib.find_all("p")])
            for sib in parent.children)
        if not prose:
            break
        root = parent
    return root


def _title_element(soup: BeautifulSoup, dropped: set[int], title: str | None,
                   total: dict[int, int]) -> Tag | None:
    if not title:
        return None
    low, high = len(title.replace(" ", "")) - 5, len(title) + 5  # `total` counts stripped strings
    for tag in soup.find_all(["h1", "h2", "h3", "div", "p", "td", "span", "strong"]):
        if id(tag) not in dropped and low <= total.get(id(tag), 0) <= high and _text(tag, dropped) == title:
            return tag
    return None


def _widen(root: Tag, title_el: Tag | None, total: dict[int, int]) -> Tag:
    """The nearest common ancestor of root and title element, when that adds little text."""
    if title_el is None:
        return root
    ancestors = {id(t): t for t in [root, *root.parents]}
    for anc in [title_el, *title_el.parents]:
        if id(anc) in ancestors:
            size, base = total.get(id(anc), 0), total.get(id(root), 0)
            return anc if size <= 1.5 * base + 500 else root
    return root


# --- text ---------------------------------------------------------------------------------------

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _walk(root: Tag, dropped: set[int], cfg: dict[str, Any], out: TextBuilder, title: str | None) -> list[Table]:
    """Emit one block per line of the content root; data tables become 'a | b' rows plus Tables."""
    tables: list[Table] = []
    pending: list[tuple[str, str, int]] = []
    buf: list[str] = []
    ctx: list[str] = []

    def flush() -> None:
        raw_text = _join(buf)
        buf.clear()
        parts = raw_text.split("\n") if "pre" in ctx else [raw_text]
        for part in parts:
            line = _clean(normalize_line(part), cfg)
            if line:
                pending.append((line, *_kind(line, ctx)))

    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):  # exit marker
            flush()
            ctx.pop()
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, SKIP_STRINGS):
                buf.append(str(node))
            continue
        if not isinstance(node, Tag) or id(node) in dropped or node.name in cfg["drop_tags"]:
            continue
        if node.name in ("br", "hr"):
            flush()
            continue
        if node.name == "table" and (rows := _data_rows(node, dropped, cfg)):
            flush()
            tables.append(Table(page=None, rows=rows))
            pending.extend((" | ".join(c or "" for c in row), "table_row", 0) for row in rows)
            continue
        if node.name in cfg["block_tags"]:
            flush()
            ctx.append(node.name)
            stack.append("exit")
        stack.extend(reversed(node.contents))
    flush()
    if title and not any(line == title for line, _, _ in pending):
        pending.insert(0, (title, "title", 1))
    for line, kind, level in pending:
        if kind != "table_row" and line == title:
            kind, level = "title", 1
        out.add(space_meta_line(line) if kind == "meta" else line, kind, level)
    return tables


DATE_START = re.compile(r"^[\[(（【]?\d{4}[-/.年]\d{1,2}")


def _join(fragments: list[str]) -> str:
    """Concatenate text nodes; a date in its own element (<span>2025-10-09</span>) gets a space."""
    out: list[str] = []
    for frag in fragments:
        if out and out[-1] and frag and not out[-1][-1].isspace() and not out[-1][-1].isdigit() \
                and DATE_START.match(frag):
            out.append(" ")
        out.append(frag)
    return "".join(out)


def _clean(line: str, cfg: dict[str, Any]) -> str:
    if any(r.search(line) for r in cfg["drop_line_res"]):
        return ""
    for regex in cfg["strip_res"]:
        line = regex.sub("", line)
    return normalize_line(line)


def _kind(line: str, ctx: list[str]) -> tuple[str, int]:
    for name in reversed(ctx):
        if name in HEADING_TAGS:
            return "heading", HEADING_TAGS[name]
        if name == "li":
            kind, level = classify_line(line)
            return ("meta", 0) if kind == "meta" else ("list_item", 0)
        if name in ("p", "td", "th", "dd", "dt", "blockquote", "pre"):
            break
    return classify_line(line)


def _data_rows(table: Tag, dropped: set[int], cfg: dict[str, Any]) -> list[list[str | None]]:
    """Rows of a data table; [] for a layout table (nested tables, one column, huge cells, or a cell
    that holds a page: a heading, a list, or several paragraphs, as old table-layout sites do)."""
    if table.find("table") is not None:
        return []
    for td in table.find_all(["td", "th"]):
        if td.find(["h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"]) is not None or \
                len(td.find_all(["p", "div"])) >= 4:
            return []
    rows: list[list[str | None]] = []
    for tr in table.find_all("tr"):
        if id(tr) in dropped:
            continue
        cells = [_text(td, dropped) or None for td in tr.find_all(["td", "th"])]
        if any(cells):
            rows.append(cells)
    if not rows or max(len(r) for r in rows) < 2 or any(len(c or "") > 1000 for r in rows for c in r):
        return []
    return rows


# --- metadata, title, dates ---------------------------------------------------------------------

def _sanitize(value: str) -> str:
    """Text of a string that may hold markup (a <title> or meta content with <script> in it)."""
    if "<" in value:
        frag = _soup(value)
        value = " ".join(_strings(frag, set(), _cfg()["drop_tags"]))
        value = re.sub(r"<[^>]*>?", " ", value)
    return normalize_line(value)


def _read_meta(soup: BeautifulSoup, cfg: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    meta: dict[str, str] = {}
    ignore = {m.lower() for m in cfg["meta_ignore"]}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip()
        content = tag.get("content")
        if name and content is not None and name.lower() not in ignore:
            meta.setdefault(name, _sanitize(str(content)))
    ld: dict[str, str] = {}
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if isinstance(item, dict):
                for key in ("headline", "datePublished"):
                    if isinstance(item.get(key), str):
                        ld.setdefault(key, _sanitize(item[key]))
    return meta, ld


def _meta_value(meta: dict[str, str], names: list[str]) -> str | None:
    lower = {k.lower(): v for k, v in meta.items()}
    for name in names:
        if lower.get(name.lower()):
            return lower[name.lower()]
    return None


def _title(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, str], dropped: set[int],
           cfg: dict[str, Any]) -> str | None:
    """ArticleTitle / og:title meta, JSON-LD headline, the first h1 outside chrome, then <title>;
    a site name after a separator ("… | Example News", "…_中华人民共和国商务部") is removed."""
    sites = [s for s in [_meta_value(meta, cfg["site_meta"]), *cfg.get("site_names", [])] if s]
    if value := _meta_value(meta, cfg["title_meta"]) or ld.get("headline"):
        return _strip_site(value, sites, cfg, loose=False)
    for h1 in soup.find_all("h1"):
        if id(h1) not in dropped and (text := _text(h1, dropped)):
            return text
    if soup.title is None:
        return None
    return _strip_site(_sanitize(soup.title.get_text()), sites, cfg, loose=True) or None


def _strip_site(title: str, sites: list[str], cfg: dict[str, Any], loose: bool) -> str:
    """Drop a trailing site name; `loose` also drops any short tail after a separator (<title>)."""
    for sep in cfg["title_separators"]:
        if sep in title:
            head, tail = (x.strip() for x in title.rsplit(sep, 1))
            if head and (tail in sites or (loose and len(tail) < len(head) and len(tail) <= 60)):
                return head
    return title


def _meta_date(meta: dict[str, str], ld: dict[str, str], cfg: dict[str, Any]) -> str | None:
    return first_date(_meta_value(meta, cfg["date_meta"])) or first_date(ld.get("datePublished"))


def _masthead_date(soup: BeautifulSoup, root: Tag, cfg: dict | None = None, limit: int = 1500) -> str | None:
    """The first full date printed above the content (a newspaper's masthead "2025年11月10日
    星期一", a research note's header), chrome included: the page's own date when it has no meta.
    A range of days ("3-4 March 2026") is an event's, in a promotion strip, not the page's."""
    body = soup.body or soup
    seen: list[str] = []
    size = 0
    for node in body.descendants:
        if node is root:
            break
        if isinstance(node, str) and not isinstance(node.parent, Tag) or (
                isinstance(node, str) and node.parent.name in ("script", "style")):
            continue
        if isinstance(node, str):
            seen.append(str(node))
            size += len(node)
            if size > limit:
                break
    text = " ".join(seen)
    for pattern in (cfg or {}).get("masthead_not_dates", []):
        text = re.sub(pattern, " ", text)
    return first_date(text)


def _time_date(root: Tag, dropped: set[int]) -> str | None:
    for tag in root.find_all("time"):
        if not id(tag) in dropped:
            if date := first_date(str(tag.get("datetime") or "")) or first_date(_text(tag)):
                return date
    return None
