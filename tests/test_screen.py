"""`exportwatch screen`: every listed party of the party fixtures is found from its printed name,
with its legal form changed or dropped, from its other-language name and with a one-letter typo;
none of 200 unlisted names of the same countries matches (tests/fixtures/parties/unlisted.txt,
some close to listed names on purpose). The database is the real pipeline's, built from the
fixtures; the CLI runs as a subprocess."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parties_support import PARTIES, ROOT, TODAY, build_parties_db

from pipeline.screen import names

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LATIN_FORM = re.compile(r",?\s*(?:Inc\.?|LLC|Corp\.?|Corporation|Co\.?,? Ltd\.?|Ltd\.?|Company|GmbH|AG|a\.s\.|"
                        r"spol\. s r\.o\.|s\.r\.o\.|plc|LP|Limited Partnership)$")
CJK_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限責任公司|有限公司|株式会社|株式會社|公司)$")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_parties_db(tmp_path_factory.mktemp("screen"))


@pytest.fixture(scope="module")
def listed(db: Path) -> list[dict[str, Any]]:
    from pipeline.diff import api
    from pipeline.store import open_db

    rows = api.listed_parties(open_db(db), TODAY)
    assert len(rows) >= 40  # the acts of the fixtures list 50-odd parties
    return rows


@pytest.fixture(scope="module")
def index(listed: list[dict[str, Any]]) -> Any:
    from pipeline.screen.index import Index

    return Index(listed)


def found(index: Any, query: str, party: dict[str, Any]) -> bool:
    return any(m.party["measure_id"] == party["measure_id"] for m in index.search(query))


def legal_variants(name: str) -> list[str]:
    """The name with its legal form changed and dropped (or one added when it has none)."""
    if CJK.search(name):
        body = CJK_FORM.sub("", name)
        return [body + "有限公司", body] if body != name else [name + "有限公司"]
    body = LATIN_FORM.sub("", name).rstrip(" ,")
    return [body + " Corporation", body] if body != name else [name + " Inc.", name + " GmbH"]


def typo(name: str) -> str | None:
    """One letter changed in the middle of the name's longest word (its distinctive part): None
    when the name's key is too short for a typo to tell it from another name."""
    key = names.key(name)
    body = CJK_FORM.sub("", name)
    if CJK.search(body):
        chars = [i for i, c in enumerate(body) if CJK.match(c)]
        if len(key) < 4 or not chars:
            return None
        i = chars[len(chars) // 2]
        return body[:i] + ("甲" if body[i] != "甲" else "乙") + body[i + 1:]
    if len(key) < 5:
        return None
    words = [m for m in re.finditer(r"[A-Za-z]{3,}", LATIN_FORM.sub("", body))]
    if not words:
        return None
    w = max(words, key=lambda m: len(m.group()))
    i = w.start() + len(w.group()) // 2
    return body[:i] + ("x" if body[i].lower() != "x" else "q") + body[i + 1:]


def test_every_listed_party_is_found_from_its_printed_name(index: Any, listed: list[dict[str, Any]]) -> None:
    missed = [p["name"] for p in listed if not found(index, p["name"], p)]
    assert not missed


def test_legal_form_changed_or_dropped(index: Any, listed: list[dict[str, Any]]) -> None:
    missed = [(p["name"], v) for p in listed for v in legal_variants(p["name"]) if not found(index, v, p)]
    assert not missed


def test_other_language_name(index: Any, listed: list[dict[str, Any]]) -> None:
    both = [p for p in listed if any(CJK.search(n) for n in p["names"]) and any(not CJK.search(n) for n in p["names"])]
    assert len(both) >= 20  # the Chinese acts print the English name of each party beside it
    missed = []
    for p in both:
        other = next(n for n in p["names"] if bool(CJK.search(n)) != bool(CJK.search(p["name"])))
        if not found(index, other, p):
            missed.append((p["name"], other))
    assert not missed


def test_one_letter_typo(index: Any, listed: list[dict[str, Any]]) -> None:
    """A one-letter typo in any printed name of a party (the Chinese and the English one) still
    finds it. A name too short to tell a typo from another firm ("VSE Corporation" -> key "vse",
    萊多斯公司) is not tested; a party is exempt only when none of its names can be (at most a few:
    one in fifteen of the listed parties, counted by party, the same key in both scripts)."""
    def printed(p: dict[str, Any]) -> list[str]:
        return list(dict.fromkeys([p["name"], *(p["names"] or [])]))

    exempt = sorted({names.key(p["name"]) for p in listed if all(typo(n) is None for n in printed(p))})
    parties = {names.key(p["name"]) for p in listed}
    assert len(exempt) <= max(3, len(parties) // 15), exempt
    missed = [(n, typo(n)) for p in listed for n in printed(p) if typo(n) and not found(index, typo(n), p)]
    assert not missed


def test_traditional_script_and_word_order(index: Any, listed: list[dict[str, Any]]) -> None:
    flir = next(p for p in listed if "特励达菲力尔公司" in p["names"])
    assert found(index, "特勵達菲力爾公司", flir)
    cubic = next(p for p in listed if p["name"] == "立方全球防务公司" or "Cubic Global Defense" in p["names"])
    assert found(index, "Defense Global Cubic", cubic)
    assert found(index, "CUBIC GLOBAL DEFENSE, INC.", cubic)


def test_no_unlisted_name_matches(index: Any) -> None:
    unlisted = [line for line in (PARTIES / "unlisted.txt").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
    assert len(unlisted) == 200
    hits = {q: [m.party["name"] for m in index.search(q)] for q in unlisted}
    assert {q: h for q, h in hits.items() if h} == {}
    bulk = index.search_many([(q, None) for q in unlisted])
    assert all(not r for r in bulk)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_cli_names_and_csv(db: Path, tmp_path: Path) -> None:
    result = _cli("screen", "Gibbs and Cox", "no such company anywhere", "--db", str(db), "--on", TODAY, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    gibbs = [r for r in rows if r["query"] == "Gibbs and Cox"]
    assert gibbs and gibbs[0]["list"] == "control_list" and gibbs[0]["announcement"] == "MOFCOM-2025-13"
    assert gibbs[0]["score"] == 100.0 and gibbs[0]["evidence"] and gibbs[0]["status"]
    assert [r["status"] for r in rows if r["query"] == "no such company anywhere"] == ["no match"]
    customers = tmp_path / "customers.csv"
    customers.write_text("name,country\nTeledyne FLIR LLC,US\nSakura Paper Mills K.K.,JP\n亨廷頓·英格爾斯工業,\n",
                         encoding="utf-8")
    result = _cli("screen", "--csv", str(customers), "--db", str(db), "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("query,score,name")
    queries = [line.split(",")[0] for line in lines[1:]]
    assert "Teledyne FLIR LLC" in queries and "亨廷頓·英格爾斯工業" in queries
    assert "Sakura Paper Mills K.K." not in queries  # no match: not listed without --all


def test_cli_errors_say_what_to_do(db: Path, tmp_path: Path) -> None:
    result = _cli("screen", "--db", str(db))
    assert result.returncode != 0 and "[E010]" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_bytes("name\n\xff\xfe".encode("latin-1"))
    result = _cli("screen", "--csv", str(bad), "--db", str(db))
    assert result.returncode != 0 and "[E011]" in result.stderr and "UTF-8" in result.stderr
    result = _cli("screen", "Leidos", "--db", str(tmp_path / "missing.db"))
    assert result.returncode != 0 and "[E001]" in result.stderr


def test_a_misspelt_company_type_word_is_left_out_of_the_key() -> None:
    """fingerprints drops 'International' and 'Enterprises'; their one-letter misspellings must go
    too, or a typo in them leaves a word no listed name has."""
    assert names.key("Oceaneering Internatonal, Inc.") == names.key("Oceaneering International, Inc.")
    assert names.key("Stick Rudder Enterprizes LLC") == names.key("Stick Rudder Enterprises LLC")
    assert names.key("Interstellar Systems") != names.key("Systems")  # a distinctive long word stays
