""""Is this party listed?" in a real browser (Debian's headless Chromium via playwright, as the
other browser tests): from the home page to the query, a Traditional-script name typed into its
form, the match with list, status, act and evidence, then the evidence page it links to."""
from __future__ import annotations

import re

import pytest

from serve_support import Server, shared_server
from test_serve_browser import browser, page, shot  # noqa: F401 - the fixtures and helper of the browser tests


@pytest.fixture(scope="module")
def parties_server(request, tmp_path_factory) -> Server:
    return shared_server("parties", request, tmp_path_factory)


def test_is_this_party_listed(page, parties_server: Server) -> None:  # noqa: F811 - the imported fixture
    base = parties_server.base
    page.goto(base + "/")
    page.get_by_role("link", name="party lookup").click()
    page.wait_for_url(re.compile(r"/exportwatch/party_listed\?name=Leidos"))
    assert page.locator("h1").inner_text().startswith("Is this party listed?")
    table = page.locator("table.rows-and-columns").inner_text()
    assert "Leidos" in table and "control_list" in table and "MOFCOM-2025-13" in table
    shot(page, "party-listed-leidos")

    # Traditional script, legal form dropped: the Simplified name printed in the UEL annex is found
    field = page.locator("form input[name='name']")
    field.fill("特勵達菲力爾")
    field.press("Enter")
    page.wait_for_url(re.compile(r"name=%E7%89%B9"))
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 1
    first = rows.first.inner_text()
    assert "特励达菲力尔公司" in first and "unreliable_entity" in first and "UEL-2025-10" in first
    assert "Teledyne FLIR, LLC" in first  # the other-language name printed beside it
    shot(page, "party-listed-flir")

    rows.first.locator("a[href*='measure_evidence']").click()
    page.wait_for_url(re.compile(r"/exportwatch/measure_evidence\?measure=UEL-2025-10"))
    assert "特励达菲力尔公司" in page.locator("table.rows-and-columns").inner_text()

    # a name no act lists: the query says nothing matched
    page.goto(base + "/exportwatch/party_listed?name=Sakura+Paper+Mills")
    assert page.locator("table.rows-and-columns tbody tr").count() == 0
    assert page.dialogs == [] and page.errors == []


def test_party_query_through_the_json_api(parties_server: Server) -> None:
    rows = parties_server.json("/exportwatch/party_listed", name="GIBBS AND COX CORP")
    # the name in the act's language (p04 holds a Chinese copy of MOFCOM No. 13), the English one beside it
    assert [(r["name"], r["list"], r["announcement"], r["status"]) for r in rows] == [
        ("吉布斯和考克斯公司", "control_list", "MOFCOM-2025-13", "in_force")]
    assert "Gibbs & Cox, Inc." in rows[0]["other_names"]
    assert rows[0]["score"] == 100.0 and "Gibbs & Cox" in rows[0]["evidence"]
    assert rows[0]["source_url"].startswith("https://")
    assert parties_server.json("/exportwatch/party_listed", name="Okinawa Pearl Traders") == []
