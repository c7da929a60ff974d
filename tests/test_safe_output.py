"""Safe output (issue 9): text from documents never reaches an output as markup, and no secret
from the channel configuration is ever written down.

One run over a corpus of (a) the No. 62 act with `&lt;script&gt;alert("xss")&lt;/script&gt;` and an
`&lt;img onerror&gt;` in its title, heading, decision sentence and the clauses the evidence quotes
(so the parsed text really holds `<script>` and carries it into records, changes, alerts and the
feed) and (b) tests/fixtures/bad/xss-title-body.html (live markup: scripts, handlers, javascript:
links, svg, iframe). Channels: a json:// receiver on 127.0.0.1 whose URL holds a user, a password
token and a query token, and a channel that is down with other tokens in its URL.

Checked: the Atom file (raw bytes, and the HTML inside each entry once decoded), every alert title
and body the receiver got, every page Datasette serves for the tables, views and canned queries
(and its Atom feed), Datasette's database being immutable; the secrets appear nowhere in the
database files, the run's output, the Atom file or any other file the run wrote.
(The Datasette engineer's browser tests cover rendering; this is about the bytes.)
"""
from __future__ import annotations

import hashlib
import html.parser
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from alert_helpers import HookReceiver, free_port
from reliability_helpers import CORPUS, ROOT, TODAY

SECRETS = ["SECRETTOKEN", "SECRETTOKEN2", "DOWNSECRET3", "DOWNSECRET4"]
PAYLOAD = '&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;'
IMG = "&lt;img src=x onerror=alert(1)&gt;"
ACT = CORPUS / "site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_496877fa93e8e7cdcf7c128f0e531340.html"
TITLE = "商务部公告2025年第62号 公布对稀土相关技术实施出口管制的决定"
RAW_MARKUP = re.compile(r"<\s*(script|img|svg|iframe|object|embed)\b", re.IGNORECASE)
ANY_TAG = re.compile(r"<\s*[A-Za-z!/?]")  # plain-text notification bodies hold no tag at all


def hostile_act() -> str:
    page = ACT.read_text(encoding="utf-8")
    edits = [(f"{TITLE}</title>", f"{TITLE}{PAYLOAD}</title>"), (f'content="{TITLE}"', f'content="{TITLE}{PAYLOAD}"'),
             (f"<h1>{TITLE}</h1>", f"<h1>{TITLE}{PAYLOAD}</h1>"),
             ("相关技术及其载体；", f"相关技术及其载体{PAYLOAD}；"),
             ("本公告自公布之日起正式实施。", f"本公告自公布之日起正式实施{IMG}。"),
             ("商务部决定对稀土相关技术实施出口管制。", f"商务部决定对稀土相关技术实施出口管制{PAYLOAD}。")]
    for old, new in edits:
        assert old in page, old
        page = page.replace(old, new)
    return page


class Run:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.hook = HookReceiver()
        self.down = free_port()
        site = base / "corpus/site/www.mofcom.gov.cn/zwgk/zcfb/art/2025"
        site.mkdir(parents=True)
        (site / "art_hostile.html").write_text(hostile_act(), encoding="utf-8")
        shutil.copyfile(ROOT / "tests/fixtures/bad/xss-title-body.html", site / "xss-title-body.html")
        self.db = base / "data" / "exportwatch.db"
        self.notify = (f"json://user:SECRETTOKEN@127.0.0.1:{self.hook.port}/hook?token=SECRETTOKEN2 "
                       f"json://DOWNSECRET3:DOWNSECRET4@127.0.0.1:{self.down}/x?token=DOWNSECRET4")
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "EXPORTWATCH_NOTIFY": self.notify, "COLUMNS": "200"}
        self.env.pop("EXPORTWATCH_TEST_SLOW_SEND", None)
        done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--corpus", str(base / "corpus"), "--db",
                               str(self.db), "--today", TODAY], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=300)
        self.output = done.stdout + done.stderr
        assert done.returncode == 0, self.output[-3000:]
        self.atom = (self.db.parent / "alerts.atom").read_bytes()


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    r = Run(tmp_path_factory.mktemp("safe"))
    yield r
    r.hook.stop()


class Elements(html.parser.HTMLParser):
    """Elements and attributes an HTML fragment would create in a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html_fragment(fragment: str) -> str:
    """No active element, no event handler, no javascript: URL; returns the fragment's text."""
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "svg", "iframe", "object", "embed", "style"), (tag, fragment[:300])
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for key in ("href", "src"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value or value.startswith(("http://", "https://", "/", "#")), (tag, attrs)
    return "".join(parser.text)


def test_the_payload_really_flows_through_the_pipeline(run: Run) -> None:
    """Otherwise the checks below would pass vacuously."""
    import sqlite3

    with sqlite3.connect(run.db) as conn:
        texts = [t for (t,) in conn.execute("SELECT text FROM documents")]
        n_changes = conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    assert any('<script>alert("xss")</script>' in t for t in texts), "the parsed text holds the payload"
    assert not any("<script>alert(1)" in t for t in texts), "live markup of xss-title-body.html is not text"
    assert n_changes and run.hook.raw_count > 0


def test_atom_feed_is_escaped(run: Run) -> None:
    assert not RAW_MARKUP.search(run.atom.decode("utf-8")), "raw markup in the Atom file"
    root = ET.fromstring(run.atom)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert entries
    seen_payload = False
    for entry in entries:
        for el in entry.iter():
            if el.tag.endswith("}content") and el.get("type") == "html":
                text = check_html_fragment(el.text or "")
                seen_payload |= 'alert("xss")' in text
            elif el.text:
                assert not RAW_MARKUP.search(el.text) or el.get("type") == "text", (el.tag, el.text[:200])
        link = entry.find("a:link", ns)
        if link is not None:
            assert link.get("href", "").startswith("https://")
    assert seen_payload, "the payload shows as text in a feed entry"


def test_alert_titles_and_bodies_carry_no_markup(run: Run) -> None:
    assert run.hook.raw
    seen_payload = False
    for item in run.hook.raw:
        for part in (item["title"] or "", item["body"] or ""):
            assert not ANY_TAG.search(part), f"raw markup in an alert: {part[:400]}"
            seen_payload |= "alert(" in part
    assert seen_payload, "the evidence quote with the payload is in some alert, neutralised"


def test_no_secret_is_written_or_printed(run: Run) -> None:
    # The receiver got the alerts through the URL with the secrets (basic auth), so they were used.
    assert any("Authorization" in item["headers"] for item in run.hook.raw)
    for secret in SECRETS:
        assert secret not in run.output, f"{secret} in the run's output"
        assert secret.encode() not in run.atom
    written = [p for p in run.base.rglob("*") if p.is_file() and "corpus" not in p.parts]
    assert any(p.name == "exportwatch.db" for p in written)
    for path in written:  # database, -wal/-shm, lock file, feed, temporary files
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data and secret.encode("utf-16-le") not in data, f"{secret} in {path}"
    import sqlite3

    with sqlite3.connect(run.db) as conn:  # the failing channel's error was recorded, scrubbed
        errors = [e for (e,) in conn.execute("SELECT last_error FROM alerts WHERE last_error IS NOT NULL")]
    assert errors, "the down channel must have produced errors to scrub"


# --- Datasette --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def datasette(run: Run):
    from pipeline.cli import cli

    if "serve" not in cli.commands:
        pytest.skip("the serve stage registers no `exportwatch serve` command")
    port = free_port()
    log = run.base / "serve.log"  # a file, not a pipe: Datasette logs every request and would block on a full pipe
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(run.db), "--port", str(port)],
                                cwd=ROOT, env=run.env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # poll until it answers (an observable condition)
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "datasette did not start"
        time.sleep(0.05)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def test_datasette_serves_the_database_immutable(run: Run, datasette: str) -> None:
    before = hashlib.sha256(run.db.read_bytes()).hexdigest()
    dbs = httpx.get(f"{datasette}/-/databases.json").json()
    mine = [d for d in dbs if d["name"] == "exportwatch"]
    assert mine and mine[0]["is_mutable"] is False, dbs
    for sql in ("DELETE FROM documents", "UPDATE documents SET title = 'x'", "PRAGMA journal_mode=DELETE"):
        r = httpx.get(f"{datasette}/exportwatch.json", params={"sql": sql})
        assert r.status_code >= 400 or "error" in r.text.lower()
    assert hashlib.sha256(run.db.read_bytes()).hexdigest() == before


def test_datasette_pages_escape_document_text(run: Run, datasette: str) -> None:
    info = httpx.get(f"{datasette}/exportwatch.json", params={"_shape": "objects"}).json()
    names = [t["name"] for t in info.get("tables", []) if not t.get("hidden")]
    names += [v["name"] if isinstance(v, dict) else v for v in info.get("views", [])]
    names += [q["name"] for q in info.get("queries", [])]
    assert {"documents", "changes", "evidence"} <= set(names), names
    import sqlite3

    with sqlite3.connect(run.db) as conn:
        doc_id = conn.execute("SELECT id FROM documents WHERE text LIKE '%<script>%'").fetchone()[0]
    pages = [f"/exportwatch/{name}" for name in names] + [f"/exportwatch/documents/{doc_id}", "/exportwatch",
                                                          "/exportwatch/documents?_search=script"]
    escaped = 0
    for page in pages:
        r = httpx.get(f"{datasette}{page}", params={"_size": "max"} if "?" not in page else None, timeout=30)
        if r.status_code == 400 and "parameter" in r.text.lower():  # canned query needing arguments
            continue
        assert r.status_code == 200, (page, r.status_code)
        body = r.text
        assert '<script>alert("xss")' not in body and "<img src=x onerror" not in body.lower(), page
        assert "javascript:alert" not in body.lower() or "href=\"javascript:" not in body.lower(), page
        escaped += "&lt;script&gt;alert(" in body
    assert escaped, "the payload shows, escaped, on some page"
    feed = httpx.get(f"{datasette}/exportwatch/changes_feed.atom", timeout=30)
    if feed.status_code == 200:
        assert not RAW_MARKUP.search(feed.text)
        for content in ET.fromstring(feed.content).iter("{http://www.w3.org/2005/Atom}content"):
            check_html_fragment(content.text or "")
