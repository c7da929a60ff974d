"""The Datasette pages in a real browser: Debian's headless Chromium driven by python playwright.

A reader's path: the home page, the current controls, the evidence behind one measure, one
evidence row, the HS-code lookup and the search form; then the hostile database, where markup
planted in every text must show as text and never run. Screenshots go to tests/artifacts/ (git-
ignored) for a human to look at.

Chromium comes from apt (`apt-get install -y chromium fonts-wqy-zenhei`), never from `playwright
install`. Without it the tests fail when the environment variable CI is set, and skip (saying why)
otherwise.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

import pytest

from serve_support import ARTIFACTS, TODAY, Server, shared_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL = "apt-get update && apt-get install -y chromium fonts-wqy-zenhei"


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure). Install it with: {INSTALL}")
    pytest.skip(f"{reason}; install it with: {INSTALL}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _missing(f"Debian's Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("python playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page that records every dialog (alert/confirm) and script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.dialogs = []
    page.errors = []

    def on_dialog(dialog) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> Server:
    return shared_server("corpus", request, tmp_path_factory)


@pytest.fixture(scope="module")
def xss(request, tmp_path_factory) -> Server:
    return shared_server("xss", request, tmp_path_factory)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"serve-{name}.png"), full_page=False)


def test_home_current_controls_and_evidence(page, server: Server) -> None:
    page.goto(server.base + "/")
    body = page.locator("body")
    assert "China's export controls on rare earths" in page.locator("h1").inner_text()
    assert "not an official legal edition" in body.inner_text().lower()
    shot(page, "home")

    page.get_by_role("link", name="current controls").first.click()
    page.wait_for_url(re.compile(r"/exportwatch/current_controls"))
    assert page.locator("h1").inner_text().startswith("Current controls")
    table = page.locator("table.rows-and-columns")
    assert table.is_visible()
    text = table.inner_text()
    assert "MOFCOM-2025-18" in text and "in_force" in text and "suspended" in text and "2026-11-10" in text
    assert TODAY in text  # as_of
    shot(page, "current-controls")

    # One measure's evidence: the samarium measure of MOFCOM-2025-18.
    page.goto(server.base + "/exportwatch/current_controls?announcement=MOFCOM-2025-18&subject=Sm")
    row = page.locator("table.rows-and-columns tbody tr").first
    assert "Sm" in row.inner_text() and "in_force" in row.inner_text()
    row.get_by_role("link", name="evidence").click()
    page.wait_for_url(re.compile(r"/exportwatch/measure_evidence\?measure="))
    evidence = page.locator("table.rows-and-columns").inner_text()
    assert "1C902.a 金属钐" in evidence and "Samarium metal" in evidence
    source = page.locator("table.rows-and-columns a[href^='https://www.mofcom.gov.cn/']").first
    assert source.is_visible()
    shot(page, "measure-evidence")

    # From the evidence to the document it quotes.
    page.locator("table.rows-and-columns").get_by_role("link", name="document").first.click()
    page.wait_for_url(re.compile(r"/exportwatch/documents/[0-9a-f]{64}$"))
    assert "商务部 海关总署公告2025年第18号" in page.locator("body").inner_text()
    assert page.dialogs == [] and page.errors == []


def test_one_evidence_row(page, server: Server) -> None:
    page.goto(server.base + "/exportwatch/evidence_quotes?field=hs_codes&value=2805301910")
    first = page.locator("table.rows-and-columns tbody tr").first
    sentence = first.locator("td.col-sentence").inner_text()
    assert "2805301910" in sentence
    shot(page, "evidence-quotes")
    first.locator("td.col-detail_link a").click()
    page.wait_for_url(re.compile(r"/exportwatch/evidence_detail\?id=\d+$"))
    detail = page.locator("table.rows-and-columns").inner_text()
    assert sentence[:40] in detail and "MOFCOM-2025-18" in detail
    assert page.locator("td.col-source_url a[href^='https://www.mofcom.gov.cn/']").count() == 1
    shot(page, "evidence-detail")
    # The evidence table's own row page: one field per line, the document as a link.
    page.locator("td.col-evidence_row_link a").click()
    page.wait_for_url(re.compile(r"/exportwatch/evidence/\d+$"))
    row = page.locator("table.exportwatch-record").inner_text()
    assert "hs_codes" in row and "2805301910" in row
    doc_link = page.locator("td.col-document_id a")
    assert doc_link.count() == 1 and re.search(r"/exportwatch/documents/[0-9a-f]{64}$",
                                               doc_link.get_attribute("href"))
    shot(page, "evidence-row")
    doc_link.click()
    page.wait_for_url(re.compile(r"/exportwatch/documents/[0-9a-f]{64}$"))
    record = page.locator("table.exportwatch-record")
    assert record.locator("tr").first.inner_text().startswith("title")
    assert "2805301910" in record.locator("td.col-text").inner_text()
    shot(page, "document")


def test_hs_code_form_and_search_form(page, server: Server) -> None:
    page.goto(server.base + "/exportwatch/hs_code")
    page.fill("input[name='hs']", "2805301910")
    page.get_by_role("button", name="Run SQL").click()
    page.wait_for_url(re.compile(r"hs=2805301910"))
    text = page.locator("table.rows-and-columns").inner_text()
    for name in ("samarium metal", "gadolinium metal", "金属钐", "金属钆"):
        assert name in text
    shot(page, "hs-code")

    page.goto(server.base + "/exportwatch/search")
    page.fill("input[name='q']", "钐钴")
    page.get_by_role("button", name="Run SQL").click()
    page.wait_for_url(re.compile(r"q="))
    text = page.locator("table.rows-and-columns").inner_text()
    assert "钐钴永磁材料" in text and "document" in text
    shot(page, "search")


def test_change_timeline_links_to_act_and_evidence(page, server: Server) -> None:
    page.goto(server.base + "/exportwatch/change_timeline?type=suspended")
    row = page.locator("table.rows-and-columns tbody tr").first
    assert "MOFCOM-2025-70" in row.inner_text()
    shot(page, "change-timeline")
    row.locator("td.col-evidence_link a").click()
    page.wait_for_url(re.compile(r"/exportwatch/change_evidence\?change="))
    assert "暂停" in page.locator("body").inner_text() or "公告" in page.locator("body").inner_text()
    page.locator("table.rows-and-columns td.col-announcement a").first.click()
    page.wait_for_url(re.compile(r"/exportwatch/announcements/MOFCOM-2025-70$"))
    assert "2025-11-07" in page.locator("body").inner_text()


def test_planted_markup_never_runs(page, xss: Server) -> None:
    doc_path = xss.json("/exportwatch/document_list")[0]["document_link"]
    for name, path in (("xss-document", doc_path), ("xss-documents", "/exportwatch/document_list"),
                       ("xss-items", "/exportwatch/controlled_items"), ("xss-search", "/exportwatch/search?q=钐钴"),
                       ("xss-timeline", "/exportwatch/change_timeline")):
        page.goto(xss.base + path)
        page.wait_for_load_state("load")
        assert '<script>alert("xss")</script>' in page.locator("body").inner_text(), path  # shown as text
        assert page.locator("img[src='x']").count() == 0, path
        assert page.locator("[onerror], [onload], [onmouseover]").count() == 0, path
        shot(page, name)
    assert page.dialogs == [], page.dialogs
