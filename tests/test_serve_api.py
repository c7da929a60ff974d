"""The Datasette layer through its JSON API, on the real server (`exportwatch serve`) over a
database built by the real pipeline from the bundled corpus (today = 2026-01-01).

Covers every canned query and view, links between pages, full-text search in Chinese and English,
the Atom feed, escaping of hostile text, read-only serving, and `prepare` itself (idempotent,
index use, FTS kept in sync).
"""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import feedparser
import pytest
import yaml

from conftest import CORPUS
from pipeline.ingest import corpus_files
from pipeline.serve import commands, views
from pipeline.serve.plugins import links
from pipeline.store import open_db
from serve_support import PAYLOAD, TODAY, Server, shared_server

QUERIES = yaml.safe_load(commands.METADATA.read_text())["databases"]["exportwatch"]["queries"]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> Server:
    return shared_server("corpus", request, tmp_path_factory)


@pytest.fixture(scope="module")
def xss(request, tmp_path_factory) -> Server:
    return shared_server("xss", request, tmp_path_factory)


# ---------------------------------------------------------------- pages and metadata

def test_home_and_database_pages_carry_title_disclaimer_and_guide(server: Server) -> None:
    for path in ("/", "/exportwatch"):
        status, _, html = server.get(path)
        assert status == 200
        assert "exportwatch: China&#39;s export controls on rare earths" in html or "China's export" in html
        assert "not an official legal" in html.lower()
        assert "/exportwatch/hs_code?hs=2805301910" in html and "/exportwatch/current_controls" in html


def test_every_page_has_the_disclaimer_footer(server: Server) -> None:
    for path in ("/exportwatch/current_controls", "/exportwatch/hs_code?hs=2805301910", "/exportwatch/documents"):
        status, _, html = server.get(path)
        assert status == 200 and "exportwatch-disclaimer" in html and "Always" in html


def test_database_is_served_immutable_under_its_name_with_internals_hidden(server: Server) -> None:
    info = server.json("/-/databases")
    assert [(d["name"], d["is_mutable"]) for d in info] == [("exportwatch", False)]
    status, _, body = server.get("/exportwatch.json")
    tables = {t["name"]: t for t in json.loads(body)["tables"]}
    for hidden in ("blobs", "mentions", "hs_code_index", "evidence_sentences", "documents_fts"):
        assert tables[hidden]["hidden"], hidden
    for visible in ("documents", "items", "evidence", "announcements", "changes", "state_today"):
        assert not tables[visible]["hidden"], visible
    assert tables["documents"]["fts_table"] == "documents_fts"
    assert tables["items"]["fts_table"] == "items_fts"
    assert {v["name"] for v in json.loads(body)["views"]} >= set(views.VIEW_NAMES)


def test_sql_cannot_write(server: Server) -> None:
    status, _, body = server.get("/exportwatch.json", sql="DELETE FROM documents")
    assert status == 400 and "SELECT" in body
    assert server.json("/exportwatch", sql="select count(*) AS n from documents")[0]["n"] > 0


# ---------------------------------------------------------------- canned queries

def test_every_canned_query_answers(server: Server) -> None:
    """Each canned query, with the example its page links to, gives the answer the bundled corpus
    holds (today = 2026-01-01: No. 70's suspension of No. 61 is running)."""
    examples = {"hs": "2805301910", "element": "Sm", "code": "1C902", "q": "钐钴",
                "measure": "MOFCOM-2025-18|element|Sm", "change": _a_suspension_of_no61(server), "id": "1",
                "name": "Leidos"}
    answers = {}
    for name, query in QUERIES.items():
        params = {p: examples[p] for p in set(re.findall(r":(\w+)", query["sql"]))}
        answers[name] = server.json(f"/exportwatch/{name}", **params)
        if name == "party_listed":  # the bundled corpus lists no party (tests/test_parties_browser.py has them)
            assert answers[name] == [], answers[name]
            continue
        assert answers[name], f"{name} returned no rows for {params}"
    exact = [r for r in answers["hs_code"] if r["match"] == "exact"]
    assert {r["announcement"] for r in exact} == {"MOFCOM-2025-18"} and {r["element"] for r in exact} == {"Sm", "Gd"}
    sm = answers["items_by_element"]
    assert {r["element"] for r in sm} == {"Sm"} and len(sm) == 20
    assert {(r["announcement"], r["status"]) for r in sm} == {("MOFCOM-2025-18", "in_force"),
                                                               ("MOFCOM-2025-61", "suspended")}
    codes = answers["items_by_control_code"]
    assert {r["control_code"] for r in codes} == {"1C902.a", "1C902.b", "1C902.c"}
    assert {r["announcement"] for r in codes} == {"MOFCOM-2025-18", "MOFCOM-2025-61"}
    measure = answers["measure_evidence"]
    assert {(r["lang"], r["span"]) for r in measure} == {("zh", "钐"), ("en", "Samarium")}
    assert all(r["announcement"] == "MOFCOM-2025-18" and r["field"] == "elements" for r in measure)
    assert all(r["span"] in r["quote"] and r["source_url"].startswith("https://") for r in measure)
    detail = answers["evidence_detail"]
    assert len(detail) == 1 and detail[0]["span"] in detail[0]["sentence"]
    change = answers["change_evidence"]
    assert {(r["type"], r["subject"], r["announcement"], r["field"]) for r in change} == {
        ("suspended", "MOFCOM-2025-61", "MOFCOM-2025-70", "relations"),
        ("suspended", "MOFCOM-2025-61", "MOFCOM-2025-70", "until")}  # the sentence giving the end date
    assert any("第61号" in r["quote"] for r in change)
    found = answers["search"]
    assert {r["found_in"] for r in found} == {"document", "evidence", "item"}
    assert all("钐钴" in (r["title"] or "") + (r["excerpt"] or "") for r in found)
    feed = answers["changes_feed"]
    assert len(feed) == len({r["atom_id"] for r in feed}) == _count(server, "changes WHERE withdrawn_run_id IS NULL")


def test_hs_code_lists_the_samarium_and_gadolinium_metal_items(server: Server) -> None:
    rows = server.json("/exportwatch/hs_code", hs="2805301910")
    exact = [r for r in rows if r["match"] == "exact"]
    assert {(r["element"], r["control_code"], r["name"]) for r in exact} == {
        ("Sm", "1C902.a", "samarium metal"), ("Sm", "1C902.a", "金属钐"),
        ("Gd", "1C903.a", "gadolinium metal"), ("Gd", "1C903.a", "金属钆")}
    assert {r["announcement"] for r in exact} == {"MOFCOM-2025-18"}
    assert {r["status"] for r in exact} == {"in_force"} and {r["since"] for r in exact} == {"2025-04-04"}
    assert rows[: len(exact)] == exact  # exact matches first
    # The 8-digit parent 28053019 is listed by other acts' items: shown, and said so.
    broader = [r for r in rows if r["match"] != "exact"]
    assert broader and all(r["hs_code"] == "28053019" and r["match"] == "broader code listed" for r in broader)
    assert all(r["item_link"].startswith("/exportwatch/items/") for r in rows)


def test_hs_code_input_is_normalised_and_short_input_lists_nothing(server: Server) -> None:
    dotted = server.json("/exportwatch/hs_code", hs=" 2805.3019.10 ")
    assert {r["name"] for r in dotted if r["match"] == "exact"} >= {"金属钐", "金属钆"}
    assert server.json("/exportwatch/hs_code", hs="28") == []
    assert server.json("/exportwatch/hs_code", hs="") == []
    assert server.json("/exportwatch/hs_code", hs="0000000000") == []


def test_items_by_element_and_by_control_code(server: Server) -> None:
    sm = server.json("/exportwatch/items_by_element", element="sm")
    assert sm and {r["element"] for r in sm} == {"Sm"}
    assert {"金属钐", "samarium metal", "钐钴永磁材料"} <= {r["name"] for r in sm}
    codes = server.json("/exportwatch/items_by_control_code", code="1c902")
    assert codes and all(r["control_code"].startswith("1C902") for r in codes)
    assert {"1C902.a", "1C902.b", "1C902.c"} <= {r["control_code"] for r in codes}
    exact = server.json("/exportwatch/items_by_control_code", code="1C902.a")
    assert exact and {r["control_code"] for r in exact} == {"1C902.a"}


def test_measure_evidence_has_quotes_documents_and_source_pages(server: Server) -> None:
    rows = server.json("/exportwatch/measure_evidence", measure="MOFCOM-2025-18|element|Sm")
    assert {r["lang"] for r in rows} == {"zh", "en"}
    zh = next(r for r in rows if r["lang"] == "zh")
    assert "钐" in zh["quote"] and len(zh["quote"]) > len(zh["span"])  # the sentence, not just the span
    assert all(r["source_url"].startswith("https://") for r in rows)
    measure_id = next(r for r in server.json("/exportwatch/current_controls", announcement="MOFCOM-2025-18",
                                             subject="Sm"))["evidence_link"].split("=", 1)[1]
    assert server.json("/exportwatch/measure_evidence", measure=measure_id) == rows


def test_change_evidence_follows_a_change(server: Server) -> None:
    change = next(r for r in server.json("/exportwatch/change_timeline", type="suspended"))
    rows = server.json(change["evidence_link"])
    assert rows and all(r["subject"] == change["subject"] and r["quote"] for r in rows)
    assert rows[0]["source_url"].startswith("https://www.mofcom.gov.cn/")


@pytest.mark.parametrize("term, expect_item", [
    ("钐钴", "钐钴永磁材料"),                                # 2 characters: the LIKE branch
    ("钐钴永磁", "钐钴永磁材料"),                            # 4 characters: trigram FTS
    ("samarium-cobalt", "samarium-cobalt permanent magnet materials"),
    ("SAMARIUM-COBALT", "samarium-cobalt permanent magnet materials"),  # trigram folds ASCII case
])
def test_search_finds_items_and_documents_in_both_languages(server: Server, term: str, expect_item: str) -> None:
    rows = server.json("/exportwatch/search", q=term)
    assert expect_item in {r["title"] for r in rows if r["found_in"] == "item"}
    assert any(r["found_in"] == "document" for r in rows)


def test_search_box_on_tables_and_views_uses_trigram_fts(server: Server) -> None:
    for path in ("/exportwatch/items", "/exportwatch/controlled_items"):
        rows = server.json(path, _search="钐钴永磁")
        assert rows and all("钐钴永磁" in r["name"] for r in rows)
    assert server.json("/exportwatch/documents", _search="samarium-cobalt")
    assert server.json("/exportwatch/evidence_quotes", _search="钐钴磁体")
    assert server.json("/exportwatch/document_list", _search="稀土相关")
    assert server.json("/exportwatch/document_list", _search="稀土") == []  # < 3 characters: use search


# ---------------------------------------------------------------- views

def test_current_controls_state_with_status_and_dates(server: Server) -> None:
    rows = server.json("/exportwatch/current_controls")
    assert len(rows) == _count(server, "state_today")
    by_key = {(r["announcement"], r["kind"], r["subject"]): r for r in rows}
    sm = by_key[("MOFCOM-2025-18", "element", "Sm")]
    assert (sm["status"], sm["since"], sm["until"], sm["as_of"]) == ("in_force", "2025-04-04", None, TODAY)
    assert "2805301910" in sm["hs_codes"].split()
    ho = by_key[("MOFCOM-2025-57", "element", "Ho")]
    assert (ho["status"], ho["until"], ho["suspended_by"]) == ("suspended", "2026-11-10", "MOFCOM-2025-70")
    assert by_key[("MOFCOM-2025-61", "end_user_rule", "military:deny")]["category"] == "military"
    assert all(r["source_url"].startswith("https://") for r in rows if r["announcement"] != "MOFCOM-2023-23")


def test_change_timeline_is_newest_first_with_hs_codes_and_evidence(server: Server) -> None:
    rows = server.json("/exportwatch/change_timeline")
    dates = [r["date"] for r in rows if r["date"]]
    assert dates == sorted(dates, reverse=True)
    ga = next(r for r in rows if (r["announcement"], r["type"], r["subject"]) == ("MOFCOM-2023-23", "added", "Ga"))
    assert "8112929010" in ga["hs_codes"].split() and "镓" in ga["evidence"]
    assert all(r["evidence"] for r in rows if r["origin"] == "act")
    news = [r for r in rows if r["origin"] == "news report"]
    assert news and all(r["announcement"] is None and r["source_url"].startswith("https://news.") for r in news)
    assert {r["status"] for r in rows} <= {"occurred", "scheduled"}


def test_suspensions_with_dates_and_status(server: Server) -> None:
    rows = server.json("/exportwatch/suspensions")
    suspended = {r["target"]: r for r in rows if r["relation"] == "suspends"}
    assert set(suspended) == {"MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57", "MOFCOM-2025-58",
                              "MOFCOM-2025-61", "MOFCOM-2025-62"}
    for r in suspended.values():
        assert (r["act"], r["since"], r["until"], r["status"], r["days_left"]) == (
            "MOFCOM-2025-70", "2025-11-07", "2026-11-10", "ending", 313)
        assert "公告" in r["evidence"]


def test_items_evidence_documents_and_problem_views(server: Server) -> None:
    items = server.json("/exportwatch/controlled_items", element="Gd")
    assert items and all(r["status"] in ("in_force", "suspended", "pending") for r in items)
    quotes = server.json("/exportwatch/evidence_quotes", field="hs_codes", value="2805301910")
    assert quotes and all("2805301910" in r["sentence"] for r in quotes)
    docs = server.json("/exportwatch/document_list")
    assert len(docs) == len(corpus_files(CORPUS)) == 27  # the whole dev set
    assert {d["kind"] for d in docs} == {"announcement", "qa", "news", "other"}
    assert len(server.json("/exportwatch/document_list", announcement="MOFCOM-2025-18")) >= 2
    for row in server.json("/exportwatch/document_problems"):
        assert row["problem"] in ("parse error", "no text", "not extracted", "parse warnings")


def test_links_lead_to_existing_pages(server: Server) -> None:
    paths: set[str] = set()
    for view in ("current_controls", "change_timeline", "controlled_items", "evidence_quotes", "document_list"):
        for row in server.json(f"/exportwatch/{view}", _size="5"):
            paths |= {v for k, v in row.items() if k.endswith("_link") and v}
    for name, params in (("hs_code", {"hs": "2805301910"}), ("search", {"q": "钐钴"})):
        for row in server.json(f"/exportwatch/{name}", **params)[:5]:
            paths |= {v for k, v in row.items() if k.endswith("_link") and v}
    assert len(paths) > 20
    for path in sorted(paths):
        status, _, _ = server.get(path)
        assert status == 200, path


def test_links_render_as_anchors_in_html(server: Server) -> None:
    _, _, html = server.get("/exportwatch/current_controls", announcement="MOFCOM-2025-18", subject="Sm")
    assert re.search(r'<a href="/exportwatch/measure_evidence\?measure=[0-9a-f]+">evidence</a>', html)
    assert '<a href="/exportwatch/announcements/MOFCOM-2025-18">MOFCOM-2025-18</a>' in html
    assert '<a href="https://www.mofcom.gov.cn/' in html


def test_atom_feed_of_changes(server: Server) -> None:
    status, ctype, body = server.get("/exportwatch/changes_feed.atom")
    assert status == 200 and "xml" in ctype
    feed = feedparser.parse(body)
    assert feed.feed.title.startswith("exportwatch")
    assert len(feed.entries) == min(200, len(server.json("/exportwatch/change_timeline")))
    entry = next(e for e in feed.entries if e.title == "MOFCOM-2025-70: suspended announcement MOFCOM-2025-57 (2025-11-07)")
    html = entry.content[0].value
    assert "<blockquote>" in html and "not an official legal edition" in html
    assert entry.link.startswith("https://www.mofcom.gov.cn/")


# ---------------------------------------------------------------- escaping

def test_markup_in_texts_stays_inert_everywhere(xss: Server) -> None:
    doc = xss.json("/exportwatch/document_list")[0]
    pages = ["/exportwatch/document_list", doc["document_link"], "/exportwatch/documents",
             "/exportwatch/controlled_items", "/exportwatch/items", "/exportwatch/evidence_quotes",
             "/exportwatch/change_timeline", "/exportwatch/announcements",
             "/exportwatch/search?q=钐钴", "/exportwatch/search?q=script", "/exportwatch/documents?_search=alert",
             "/exportwatch/measure_evidence?measure=MOFCOM-2025-62|control_code|1E902.a"]
    for path in pages + ["/", "/exportwatch", "/exportwatch/current_controls", "/exportwatch/suspensions"]:
        status, _, html = xss.get(path)
        assert status == 200, path
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html, path
        if path in pages:
            assert "&lt;script&gt;alert" in html, f"{path}: the planted text should be shown, escaped"
    status, _, feed = xss.get("/exportwatch/changes_feed.atom")
    entries = feedparser.parse(feed).entries
    assert status == 200 and entries
    for entry in entries:
        content = entry.content[0].value
        assert "<script" not in content and "<img" not in content and "&lt;script&gt;" in content
        assert PAYLOAD in entry.title  # a text construct: feedparser hands back the text as written


# ---------------------------------------------------------------- prepare, plugin, command

def test_prepare_is_idempotent_fast_and_keeps_fts_in_sync(server: Server, tmp_path: Path) -> None:
    db_path = tmp_path / "copy.db"
    src = sqlite3.connect(server.db)
    dst = sqlite3.connect(db_path)
    src.backup(dst)
    src.close()
    dst.close()
    db = open_db(db_path)
    first = views.prepare(db)
    schema = db.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()[0]
    second = views.prepare(db)
    assert first.fts_rebuilt == [] and second.fts_rebuilt == [] and second.sentences_added == 0
    assert db.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()[0] == schema
    assert second.seconds < 1.0
    # Triggers keep the trigram index current when the extract stage replaces a document's items.
    doc = db.execute("SELECT document_id FROM items LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO items (document_id, announcement, lang, name, hs_codes) VALUES (?, 'MOFCOM-2099-1', "
               "'zh', '测试钐钴新物项', '[\"9999999999\"]')", [doc])
    assert db.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH '\"钐钴新物项\"'").fetchone()[0] == 1
    views.prepare(db)
    assert db.execute("SELECT announcement FROM hs_code_index WHERE hs_code = '9999999999'").fetchall() == [
        ("MOFCOM-2099-1",)]


def test_prepare_on_a_database_without_stage_tables(tmp_path: Path) -> None:
    db = open_db(tmp_path / "empty.db")
    report = views.prepare(db)
    assert report.views == [] and set(report.skipped) == set(views.VIEW_NAMES)
    assert views.prepare(db).views == []


def test_queries_use_indexes(server: Server) -> None:
    conn = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + QUERIES["hs_code"]["sql"],
                                                 {"hs": "2805301910"}))
    assert "USING INDEX hs_code_index_code" in plan and not re.search(r"\bSCAN (i|d|sc|se)\b", plan), plan
    plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM current_controls"))
    assert not re.search(r"\bSCAN (m|a)\b", plan), plan
    conn.close()


def test_link_plugin_escapes_and_refuses_foreign_urls() -> None:
    class Urls:
        @staticmethod
        def path(p: str) -> str:
            return p

    class Ds:
        urls = Urls()

    render = links.render_cell
    assert render(value="/exportwatch/items/3", column="item_link", table=None, datasette=Ds()) == \
        '<a href="/exportwatch/items/3">item 3</a>'
    out = str(render(value='/x?q="><script>', column="evidence_link", table=None, datasette=Ds()))
    assert "<script>" not in out and "&#34;&gt;&lt;script&gt;" in out
    for bad in ("//evil.example/x", "javascript:alert(1)", "https://evil.example/", "/a b"):
        assert render(value=bad, column="evidence_link", table=None, datasette=Ds()) is None
    assert render(value="MOFCOM-2025-18", column="announcement", table="changes", datasette=Ds()) == \
        '<a href="/exportwatch/announcements/MOFCOM-2025-18">MOFCOM-2025-18</a>'
    assert render(value="<b>MOFCOM</b>", column="announcement", table="changes", datasette=Ds()) is None
    assert links.label_for("/exportwatch/measure_evidence?measure=8fd1922c527e8b20", "evidence_link") == "evidence"


def test_served_path_names_the_database_exportwatch(tmp_path: Path) -> None:
    db = tmp_path / "other-name.db"
    db.write_bytes(b"")
    link = commands.served_path(db, tmp_path)
    assert link.name == "exportwatch.db" and link.resolve() == db.resolve()
    (tmp_path / "data").mkdir()
    named = tmp_path / "data" / "exportwatch.db"
    assert commands.served_path(named, tmp_path / "elsewhere") == named.resolve()
    argv = commands.datasette_argv(link, port=8123)
    assert argv[argv.index("-i") + 1] == str(link) and "--metadata" in argv and "8123" in argv


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code != 0 and "exportwatch run" in result.output


def _count(server: Server, table: str) -> int:
    return server.json("/exportwatch", sql=f"select count(*) AS n from {table}")[0]["n"]


def _a_suspension_of_no61(server: Server) -> str:
    rows = server.json("/exportwatch/change_timeline", type="suspended", subject="MOFCOM-2025-61")
    return rows[0]["change_id"]

