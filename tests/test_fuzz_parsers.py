"""Fuzzing the parsers (issue 9): every input ends as a Document with a clear error or content,
never an exception, never a hang, and an ingest of fuzzed files never loses a good neighbour.

Inputs: random bytes under every file name, real corpus files truncated / byte-flipped / cut /
spliced, re-encoded in a wrong charset with a wrong declaration, 40,000-deep nesting, megabyte
attributes, mixed scripts and hostile entities, billion-laughs and external-entity feeds, and
broken or hand-crafted hostile PDFs. Each test's example count is EXPORTWATCH_FUZZ_EXAMPLES-based
(tests/fuzz_helpers.py). Time: every parse is bounded by pipeline/guard.py, with tightened limits
here so a hang shows up as a failure in seconds, not a stuck CI job.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fuzz_helpers as fz
from pipeline import guard
from pipeline.parse import feed, html, parse, pdf, text
from pipeline.records import Raw

HTML_LIMIT = 10.0  # seconds, in-process watchdog
PDF_LIMIT = 20.0  # seconds, child process
SLACK = 5.0
COUNT = fz.Counter()


@pytest.fixture(autouse=True)
def tight_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "PARSE_TIMEOUT_S", HTML_LIMIT)
    monkeypatch.setattr(guard, "PDF_TIMEOUT_S", PDF_LIMIT)
    monkeypatch.setattr(guard, "PDF_MEMORY_MB", 768)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\nfuzz parsers: {COUNT.n} inputs, {COUNT.errors} with a parse error, "
          f"{COUNT.stopped} stopped by a limit")


def feed_one(name: str, content: bytes) -> None:
    """parse() through the dispatcher, as ingest calls it, with the invariants checked."""
    raw = Raw(content=content, source=f"fuzz/{name}")
    doc, elapsed = fz.timed_parse(raw, parse)
    limit = PDF_LIMIT if doc.media_type == "application/pdf" else HTML_LIMIT
    assert elapsed < limit + SLACK, f"{name}: parse took {elapsed:.1f} s"
    fz.check_document(doc, raw)
    assert not (doc.error or "").startswith("parser crashed"), f"{name}: {doc.error}"
    COUNT.n += 1
    COUNT.errors += doc.error is not None
    COUNT.stopped += (doc.error or "").startswith("parse stopped")
    if (doc.error or "").startswith("parse stopped"):  # not a failure (the guard worked), but worth a look
        print(f"\nstopped by a limit: {name} ({len(content)} bytes): {content[:120]!r}")


NAMES = ["x.html", "x.shtml", "x.pdf", "feed.xml", "x.rss", "x.txt", "noext", "x.docx", "site/h/p?q=1.pdf"]


@fz.fuzz_settings(1.0)
@given(name=st.sampled_from(NAMES), prefix=st.sampled_from(
    [b"", b"%PDF-1.7\n", b"<html>", b"<?xml version='1.0'?><rss>", b"<feed", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
     b"\x00\x00\xfe\xff", b"<meta charset='utf-16'>"]), body=st.binary(max_size=16_384))
def test_random_bytes(name: str, prefix: bytes, body: bytes) -> None:
    feed_one(name, prefix + body)


@fz.fuzz_settings(1.0)
@given(st.one_of(fz.mutated(fz.HTML_FILES), fz.misencoded(fz.HTML_FILES)))
def test_html_real_pages_mutated_and_misencoded(case: tuple[str, bytes]) -> None:
    feed_one(*case)


@fz.fuzz_settings(0.5)
@given(st.one_of(fz.deep_html(), fz.huge_attributes(), fz.mixed_html()))
def test_html_traps(case: tuple[str, bytes]) -> None:
    feed_one(*case)


@fz.fuzz_settings(0.75)
@given(st.one_of(fz.mutated(fz.PDF_FILES), fz.crafted_pdfs()))
def test_pdf_broken_and_crafted(case: tuple[str, bytes]) -> None:
    feed_one(*case)


@fz.fuzz_settings(0.75)
@given(st.one_of(fz.mutated(fz.FEED_FILES), fz.misencoded(fz.FEED_FILES), fz.feed_traps()))
def test_feeds(case: tuple[str, bytes]) -> None:
    name, content = case
    feed_one(name, content)
    doc = parse(Raw(content=content, source=name))
    assert "root:x:" not in doc.text and "/bin/" not in doc.text, "external entity was resolved"


@fz.fuzz_settings(0.5)
@given(st.one_of(fz.mutated(fz.TEXT_FILES), fz.misencoded(fz.TEXT_FILES),
                 fz.mixed_text(2000).map(lambda t: ("mixed.txt", t.encode("utf-8", "surrogatepass")))))
def test_text(case: tuple[str, bytes]) -> None:
    feed_one(*case)


@fz.fuzz_settings(0.5)
@given(st.one_of(fz.mutated(fz.ALL_FILES), fz.misencoded(fz.HTML_FILES + fz.FEED_FILES)),
       st.sampled_from([html.parse, pdf.parse, feed.parse, text.parse]))
def test_each_parser_on_every_kind_of_input(case: tuple[str, bytes], parser) -> None:
    """Each parser called directly (no dispatcher safety net) on any kind of input never raises."""
    name, content = case
    raw = Raw(content=content, source=name)
    with guard.time_limit(HTML_LIMIT if parser is not pdf.parse else PDF_LIMIT):
        doc = parser(raw)
    fz.check_document(doc, raw)
    COUNT.n += 1


# --- limits: the guard really stops what would hang, and ingest goes on ---------------------------

def test_pdf_parse_runs_under_time_and_memory_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF parser that never returns, or one that eats memory, is stopped; parse() returns an
    error Document within the limit, and the parent is unharmed."""
    monkeypatch.setattr(guard, "PDF_TIMEOUT_S", 1.5)
    raw = Raw(content=fz.BYTES[fz.PDF_FILES[0]], source="hang.pdf")

    def hang(raw: Raw):
        while True:
            pass

    monkeypatch.setattr(pdf, "parse", hang)
    t = time.monotonic()
    doc = parse(raw)
    assert time.monotonic() - t < 1.5 + SLACK
    assert doc.error and doc.error.startswith("parse stopped") and "1.5 s" in doc.error

    def hog(raw: Raw):
        blocks = []
        while True:
            blocks.append(bytearray(64 * 1024 * 1024))

    monkeypatch.setattr(guard, "PDF_TIMEOUT_S", 60)
    monkeypatch.setattr(guard, "PDF_MEMORY_MB", 256)
    monkeypatch.setattr(pdf, "parse", hog)
    t = time.monotonic()
    doc = parse(raw)
    assert time.monotonic() - t < 30, "the memory cap, not the timeout, must stop it"
    assert doc.error and doc.error.startswith("parse stopped") and "memory" in doc.error


def test_html_parse_runs_under_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "PARSE_TIMEOUT_S", 1.0)

    def slow(raw: Raw):
        try:  # a parser's own `except Exception` must not swallow the watchdog
            while True:
                pass
        except Exception:
            return None

    monkeypatch.setattr(html, "parse", slow)
    t = time.monotonic()
    doc = parse(Raw(content=b"<html><p>x</p></html>", source="slow.html"))
    assert time.monotonic() - t < 1.0 + SLACK
    assert doc.error and doc.error.startswith("parse stopped")


def test_guard_reports_a_dying_child_and_passes_results_back() -> None:
    def die():
        os.kill(os.getpid(), 9)

    with pytest.raises(guard.LimitExceeded) as info:
        guard.run_limited(die, timeout_s=10)
    assert info.value.kind == "died" and "SIGKILL" in str(info.value)
    big = guard.run_limited(lambda n: "商" * n, (3_000_000,), timeout_s=20)  # larger than a pipe buffer
    assert big == "商" * 3_000_000
    with pytest.raises(guard.ChildError, match="ZeroDivisionError"):
        guard.run_limited(lambda: 1 / 0, timeout_s=10)


@fz.fuzz_settings(0.08)
@given(st.lists(st.one_of(fz.mutated(fz.ALL_FILES), fz.misencoded(fz.HTML_FILES), fz.crafted_pdfs(),
                          fz.feed_traps(), st.binary(max_size=4096).map(lambda b: ("random.html", b))),
                min_size=3, max_size=8))
def test_ingest_with_fuzzed_files_keeps_every_good_document(tmp_path_factory, cases) -> None:
    """A corpus of good files plus fuzzed ones (and one hanging, one crashing parser call):
    every good document is stored with its text, every fuzzed file is recorded, the run goes on."""
    from pipeline.context import Context
    from pipeline.ingest import ingest_corpus
    from pipeline.store import load_document

    root = tmp_path_factory.mktemp("corpus")
    good = {}
    for src in fz.HTML_FILES[:4] + fz.PDF_FILES[:1] + fz.FEED_FILES[:1]:
        rel = Path("good") / src.name
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, root / rel)
        good[rel.as_posix()] = parse(Raw(content=src.read_bytes(), source=rel.as_posix()))
    fuzzed = {}
    for i, (name, content) in enumerate(cases):
        rel = f"fuzz/{i:02d}-{name}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
        fuzzed[rel] = Raw(content=content, source=rel).sha256
    db = root.parent / f"{root.name}.db"
    ctx = Context.open(db, today=dt.date(2026, 11, 28), quiet=True)
    ctx.start_run("fuzz")
    ingest_corpus(ctx, root)
    ctx.finish_run("ok")
    locations = dict(ctx.db.execute("SELECT source, document_id FROM locations").fetchall())
    for rel, expected in good.items():
        assert locations.get(rel) == expected.id, f"good file {rel} lost"
        stored = load_document(ctx.db, expected.id)
        assert stored.error is None and stored.text == expected.text and stored.blocks == expected.blocks
    for rel, sha in fuzzed.items():
        assert locations.get(rel) == sha, f"fuzzed file {rel} not recorded"
    assert ctx.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ctx.db.conn.close()


def test_ingest_goes_on_past_a_hanging_and_a_crashing_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.context import Context
    from pipeline.ingest import ingest_corpus

    monkeypatch.setattr(guard, "PARSE_TIMEOUT_S", 1.0)
    monkeypatch.setattr(guard, "PDF_TIMEOUT_S", 1.5)
    real_html, real_pdf = html.parse, pdf.parse

    def html_parse(raw: Raw):
        if b"HANG" in raw.content:
            while True:
                pass
        if b"CRASH" in raw.content:
            raise RecursionError("simulated parser bug")
        return real_html(raw)

    def pdf_parse(raw: Raw):
        if b"HANG" in raw.content:
            time.sleep(3600)
        return real_pdf(raw)

    monkeypatch.setattr(html, "parse", html_parse)
    monkeypatch.setattr(pdf, "parse", pdf_parse)
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a-hang.html").write_bytes(b"<html><p>HANG</p></html>")
    (root / "b-crash.html").write_bytes(b"<html><p>CRASH</p></html>")
    (root / "c-hang.pdf").write_bytes(b"%PDF-1.4 HANG")
    for src in fz.HTML_FILES[:3] + fz.PDF_FILES[:1]:
        shutil.copyfile(src, root / f"z-{src.name}")
    ctx = Context.open(tmp_path / "x.db", quiet=True)
    ctx.start_run("fuzz")
    t = time.monotonic()
    ingest_corpus(ctx, root)
    assert time.monotonic() - t < 1.0 + 1.5 + 20
    rows = dict(ctx.db.execute("SELECT l.source, d.error FROM locations l JOIN documents d ON d.id = l.document_id"))
    assert rows["a-hang.html"].startswith("parse stopped") and rows["c-hang.pdf"].startswith("parse stopped")
    assert rows["b-crash.html"].startswith("parser crashed: RecursionError")
    assert all(rows[f"z-{src.name}"] is None for src in fz.HTML_FILES[:3] + fz.PDF_FILES[:1])
    assert ctx.counts["parse_errors"] == 3
