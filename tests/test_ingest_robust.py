"""One bad file name, byte, folder or link is reported clearly and loses nothing else.

Real corpus folders on disk, the real CLI in a subprocess, real SQLite files: file names that
are not UTF-8 (GBK, as unzipped from Chinese archives) or hold URL syntax, announcements with one
stray byte, a folder the run cannot read, links leading out of the corpus, the database inside
the corpus, PDFs that are empty, truncated or encrypted, and malformed numeric settings.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SITE

ART = "www.mofcom.gov.cn/zwgk/zcfb/art/2025"
NO57 = SITE / ART / "art_993dfbb3a3ed1d6b5b1258817c73561b.html"  # MOFCOM-2025-57, UTF-8
GBK_PAGE = SITE / "www.mofcom.gov.cn/article/zwgk/gkzcfb/202307/20230703419666.shtml"  # 2023 No. 23, GB2312


def cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True,
                          timeout=600, env={**os.environ, **(env or {})}, **kw)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def run_errors(db: Path) -> list[dict]:
    return [e for (errors,) in rows(db, "select errors from runs") for e in json.loads(errors)]


# ------------------------------------------------------------------ D2 file names

def test_gbk_file_names_and_url_syntax_in_names(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "site" / "www.mofcom.gov.cn" / "annex"
    folder.mkdir(parents=True)
    gbk_name = os.fsencode(str(folder)) + b"/" + "附件1.html".encode("gbk")
    with open(gbk_name, "wb") as fh:
        fh.write(NO57.read_bytes())
    (folder / 'list?page=2#top "x"\n.html').write_bytes(b"<html><body><p>A list page.</p></body></html>")
    db = tmp_path / "ew.db"
    for _ in range(2):  # the rerun must not fail either
        result = cli("run", "--corpus", str(tmp_path / "corpus"), "--db", str(db), "-q")
        assert result.returncode == 0, result.stderr.decode(errors="replace")
    located = dict(rows(db, "select source, url from locations"))
    assert located["site/www.mofcom.gov.cn/annex/附件1.html"] == \
        "https://www.mofcom.gov.cn/annex/%E9%99%84%E4%BB%B61.html"
    odd = located['site/www.mofcom.gov.cn/annex/list?page=2#top "x"\n.html']
    assert odd == "https://www.mofcom.gov.cn/annex/list%3Fpage%3D2%23top%20%22x%22%0A.html"
    assert rows(db, "select count(*) from records where announcement = 'MOFCOM-2025-57'") == [(1,)]
    out = cli("extract", os.fsdecode(gbk_name), "--json")  # the bytes of the name as given
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout.decode("utf-8"))  # valid UTF-8, valid JSON
    assert record["announcement"] == "MOFCOM-2025-57"
    assert record["source"].endswith("/annex/附件1.html")  # the name decoded, not \udcxx escapes


# ------------------------------------------------------------------ D3 one stray byte

@pytest.mark.parametrize("page, marker", [(NO57, "稀土"), (GBK_PAGE, "镓")])
@pytest.mark.parametrize("stray", [b"\xff", b"\xa0", b"\x00"])
def test_one_stray_byte_loses_nothing(tmp_path: Path, page: Path, marker: str, stray: bytes) -> None:
    data = page.read_bytes()
    encoding = "utf-8" if page == NO57 else "gbk"
    at = data.index(marker.encode(encoding), data.index(b"<p"))  # inside the body text
    damaged = tmp_path / page.name
    damaged.write_bytes(data[:at] + stray + data[at:])
    clean = cli("extract", str(page), "--json")
    hurt = cli("extract", str(damaged), "--json")
    assert hurt.returncode == 0, hurt.stderr
    want, got = json.loads(clean.stdout), json.loads(hurt.stdout)
    assert got["announcement"] == want["announcement"] and got["announcement"]
    assert got["elements"] == want["elements"] and got["elements"]
    from pipeline.parse import parse
    from pipeline.records import Raw

    doc = parse(Raw(content=damaged.read_bytes(), source=damaged.name))
    assert doc.error is None and "\ufffd" in doc.text
    assert any("replaced with U+FFFD" in w for w in doc.warnings), doc.warnings


# ------------------------------------------------------------------ D4 an unreadable folder

def without_privileges() -> list[str]:
    """A command prefix under which folder permissions hold: root reads every folder, so as root
    the run goes through setpriv with every capability dropped (same user, no DAC override)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot make a folder unreadable")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--ambient-caps=-all"]


def test_an_unreadable_folder_is_an_error_not_a_silent_gap(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "site" / "www.mofcom.gov.cn"
    (corpus / "open").mkdir(parents=True)
    (corpus / "locked").mkdir()
    shutil.copy(NO57, corpus / "open" / "a.html")
    shutil.copy(GBK_PAGE, corpus / "locked" / "b.html")
    os.chmod(corpus / "locked", 0)
    db = tmp_path / "ew.db"
    try:
        result = subprocess.run([*without_privileges(), sys.executable, "-m", "pipeline", "ingest", "--corpus",
                                 str(tmp_path / "corpus"), "--db", str(db)],
                                cwd=ROOT, capture_output=True, timeout=600)
    finally:
        os.chmod(corpus / "locked", 0o755)
    assert result.returncode == 0, result.stderr
    errors = run_errors(db)
    assert any(e["where"].endswith("www.mofcom.gov.cn/locked") and "could not read folder" in e["error"]
               for e in errors), errors
    assert "could not read folder" in result.stderr.decode()
    assert [s for (s,) in rows(db, "select source from locations")] == ["site/www.mofcom.gov.cn/open/a.html"]


# ------------------------------------------------------------------ links and the database itself

def test_links_out_of_the_corpus_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.html"
    secret.parent.mkdir()
    secret.write_text("<html><body><p>private: not for the corpus</p></body></html>", encoding="utf-8")
    (tmp_path / "outside" / "more").mkdir()
    shutil.copy(NO57, tmp_path / "outside" / "more" / "c.html")
    folder = tmp_path / "corpus" / "site" / "www.mofcom.gov.cn"
    folder.mkdir(parents=True)
    shutil.copy(NO57, folder / "a.html")
    (folder / "inside-link.html").symlink_to(folder / "a.html")
    (folder / "passwd.html").symlink_to(secret)
    (folder / "dangling.html").symlink_to(tmp_path / "nowhere.html")
    (folder / "more").symlink_to(tmp_path / "outside" / "more", target_is_directory=True)
    db = tmp_path / "ew.db"
    result = cli("ingest", "--corpus", str(tmp_path / "corpus"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert sorted(s for (s,) in rows(db, "select source from locations")) == \
        ["site/www.mofcom.gov.cn/a.html", "site/www.mofcom.gov.cn/inside-link.html"]
    assert rows(db, "select count(*) from blobs where content like '%private: not for%'") == [(0,)]
    errors = {Path(e["where"]).name: e["error"] for e in run_errors(db)}
    assert errors["passwd.html"].startswith("link to a file outside the corpus")
    assert errors["dangling.html"].startswith("broken link")
    assert errors["more"].startswith("link to a folder outside the corpus")


def test_a_database_inside_the_corpus_is_not_ingested(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SITE / "english.mofcom.gov.cn", corpus / "site" / "english.mofcom.gov.cn")
    db = corpus / "data" / "ew.db"
    counts = []
    for _ in range(3):
        result = cli("run", "--corpus", str(corpus), "--db", str(db), "-q")
        assert result.returncode == 0, result.stderr
        counts.append(rows(db, "select count(*) from documents")[0][0])
    assert counts[0] == counts[1] == counts[2] == sum(1 for p in corpus.rglob("*.html"))
    assert rows(db, "select count(*) from locations where source like 'data/%'") == [(0,)]


# ------------------------------------------------------------------ PDFs that cannot be read

def _pdf(password: str | None = None) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    doc = fpdf.FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="Announcement No. 61 of 2025 on samarium")
    if password is not None:
        doc.set_encryption(owner_password="owner", user_password=password)
    return bytes(doc.output())


def test_empty_truncated_and_encrypted_pdfs_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "site" / "www.mofcom.gov.cn" / "annex"
    folder.mkdir(parents=True)
    whole = _pdf()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    (folder / "encrypted.pdf").write_bytes(_pdf(password="secret"))
    (folder / "fine.pdf").write_bytes(whole)
    db = tmp_path / "ew.db"
    result = cli("ingest", "--corpus", str(tmp_path / "corpus"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    by_name = {Path(s).name: e for s, e in rows(db, "select l.source, d.error from locations l "
                                                    "join documents d on d.id = l.document_id")}
    assert by_name["empty.pdf"].startswith("empty file")
    assert by_name["truncated.pdf"].startswith("truncated PDF") and "%%EOF" in by_name["truncated.pdf"]
    assert by_name["encrypted.pdf"].startswith("encrypted PDF") and "password" in by_name["encrypted.pdf"]
    assert by_name["fine.pdf"] is None
    printed = result.stderr.decode()
    assert "encrypted PDF" in printed and "truncated PDF" in printed and "empty file" in printed


# ------------------------------------------------------------------ D11 numeric settings

@pytest.mark.parametrize("name, value", [("EXPORTWATCH_MAX_FILE_BYTES", "50MB"), ("EXPORTWATCH_PDF_TIMEOUT", "fast"),
                                         ("EXPORTWATCH_PARSE_TIMEOUT", "-1")])
def test_a_malformed_numeric_setting_is_one_clear_error(tmp_path: Path, name: str, value: str) -> None:
    result = cli("ingest", "--corpus", str(SITE / "english.mofcom.gov.cn"), "--db", str(tmp_path / "ew.db"),
                 env={name: value})
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err
    assert f"{name}={value!r} is not a" in err and "unset it" in err
    assert not (tmp_path / "ew.db").exists()  # refused before doing anything
