"""Ingest: every corpus file becomes a document row; bad files carry an error; re-runs add nothing."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, SITE

BAD_FIXTURES = ROOT / "tests" / "fixtures" / "bad"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("ingest") / "ew.db"
    result = run_cli("ingest", "--corpus", str(CORPUS), "--db", str(db), "-q")
    assert result.returncode == 0, result.stderr
    return db


def test_every_corpus_file_is_a_document_with_text(ingested: Path) -> None:
    files = sorted(p.relative_to(CORPUS).as_posix() for p in SITE.rglob("*") if p.is_file())
    stored = dict(rows(ingested, "select l.source, length(d.text) from locations l join documents d "
                                 "on d.id = l.document_id"))
    assert sorted(stored) == files
    empty = [source for source, length in stored.items() if not length]
    assert empty == []


def test_document_row_has_provenance(ingested: Path) -> None:
    (row,) = rows(ingested, "select d.id, d.media_type, d.encoding, d.lang, d.title, d.published, d.parser, "
                            "l.url from documents d join locations l on l.document_id = d.id "
                            "where l.source like '%20230703419666.shtml'")
    doc_id, media_type, encoding, lang, title, published, parser, url = row
    raw = (SITE / "www.mofcom.gov.cn/article/zwgk/gkzcfb/202307/20230703419666.shtml").read_bytes()
    import hashlib
    assert doc_id == hashlib.sha256(raw).hexdigest()
    assert media_type == "text/html"
    assert encoding.lower() in {"gb18030", "gbk", "gb2312"}
    assert lang == "zh"
    assert "镓" in title or "镓" in rows(ingested, "select text from documents where id=?", (doc_id,))[0][0]
    assert published == "2023-07-03"
    assert parser.startswith("html")
    assert url == "https://www.mofcom.gov.cn/article/zwgk/gkzcfb/202307/20230703419666.shtml"
    (blob,) = rows(ingested, "select content from blobs where sha256 = ?", (doc_id,))
    assert blob[0] == raw


def test_gbk_page_reads_as_chinese(ingested: Path) -> None:
    (text,) = rows(ingested, "select d.text from documents d join locations l on l.document_id = d.id "
                             "where l.source like '%20230703419666.shtml'")[0]
    assert "镓" in text and "锗" in text and "商务部" in text
    assert "\ufffd" not in text


def test_pdf_annex_tables_are_rows(ingested: Path) -> None:
    (tables,) = rows(ingested, "select d.tables from documents d join locations l on l.document_id = d.id "
                               "where l.source like '%.pdf'")[0]
    tables = json.loads(tables)
    assert len(tables) >= 3
    cells = [cell for table in tables for row in table["rows"] for cell in row if cell]
    assert any("1C902.a" in cell for cell in cells)


def test_rerun_adds_nothing(ingested: Path) -> None:
    before = rows(ingested, "select count(*) from documents")[0][0]
    result = run_cli("ingest", "--corpus", str(CORPUS), "--db", str(ingested), "-q")
    assert result.returncode == 0, result.stderr
    assert "0 new" in result.stdout
    assert rows(ingested, "select count(*) from documents")[0][0] == before
    runs = rows(ingested, "select command, status, counts from runs order by id")
    assert [r[:2] for r in runs] == [("ingest", "ok"), ("ingest", "ok")]
    assert json.loads(runs[-1][2])["unchanged"] == before


def test_bad_inputs_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BAD_FIXTURES, corpus / "bad")
    good = "site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_cdbfba3c241c9122a988aa1823cd3947.html"
    (corpus / good).parent.mkdir(parents=True)
    shutil.copy(CORPUS / good, corpus / good)
    db = tmp_path / "ew.db"
    result = run_cli("ingest", "--corpus", str(corpus), "--db", str(db), "-q")
    assert result.returncode == 0, result.stderr
    stored = dict(rows(db, "select l.source, d.error from locations l join documents d on d.id = l.document_id"))
    bad_files = sorted(p.name for p in BAD_FIXTURES.iterdir() if p.name != "README.md")
    assert len(bad_files) == 11
    for name in bad_files:
        assert f"bad/{name}" in stored, name
    must_fail = ["empty.html", "random-binary.html", "truncated-annex.pdf", "image-only-scan.pdf",
                 "feed-broken.xml"]
    for name in must_fail:
        assert stored[f"bad/{name}"], f"{name} should carry an error"
    assert stored[good] is None
    (text,) = rows(db, "select d.text from documents d join locations l on l.document_id = d.id where l.source=?",
                   (good,))[0]
    assert "1C902.a" in text


def test_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("ingest", "--corpus", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"))
    assert result.returncode != 0
    assert "does not exist" in result.stderr


def _ingest(corpus: Path, db: Path, workers: int) -> dict:
    import datetime as dt

    from pipeline import ingest
    from pipeline.context import Context

    ctx = Context.open(db, today=dt.date(2026, 1, 1), quiet=True)
    ingest.ingest_corpus(ctx, corpus, workers=workers)
    return dict(ctx.counts)


def _tables(db: Path) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    docs = conn.execute("SELECT id, source, media_type, title, text, blocks, tables, links, error "
                        "FROM documents ORDER BY id").fetchall()
    locs = conn.execute("SELECT source, url, document_id FROM locations ORDER BY source").fetchall()
    return docs, locs


def test_parallel_ingest_stores_what_one_process_stores(tmp_path: Path) -> None:
    """Parsing in worker processes changes nothing stored: same documents, same locations, same
    counts; copies of one file (in one chunk and across chunks) are parsed and stored once."""
    from pipeline import ingest

    corpus = tmp_path / "corpus"
    shutil.copytree(SITE, corpus / "site")
    pages = sorted(p for p in (corpus / "site").rglob("*.html"))
    assert len(pages) > ingest.CHUNK // 2
    shutil.copy(pages[0], corpus / "site" / "copy-same-chunk.html")          # sorts near the start
    shutil.copy(pages[-1], corpus / "zz-copy-later-chunk.html")               # sorts last
    one = _ingest(corpus, tmp_path / "one.db", workers=1)
    two = _ingest(corpus, tmp_path / "two.db", workers=2)
    assert one == two
    assert one["files"] == one["new"] + one.get("unchanged", 0) + one.get("errors", 0)
    assert one.get("unchanged", 0) >= 2  # the two copies
    assert _tables(tmp_path / "one.db") == _tables(tmp_path / "two.db")
    docs, locs = _tables(tmp_path / "two.db")
    assert len(locs) == one["files"] - one.get("errors", 0) and len(docs) == one["new"]
    again = _ingest(corpus, tmp_path / "two.db", workers=2)
    assert again.get("new", 0) == 0 and again.get("parsed", 0) == 0
