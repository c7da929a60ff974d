"""Parties in the diff: listings are `party` measures; suspensions of a listing act, and
suspensions or liftings that name parties, give `party` changes and the state of each party on
each list (same semantics as items), in memory and through the diff stage's tables alike."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from diff_support import act_input, keys, put

from pipeline import store
from pipeline.context import Context
from pipeline.diff import api
from pipeline.diff.analysis import analyse
from pipeline.diff.inputs import DocInput
from pipeline.diff.stage import run_stage
from pipeline.diff.state import state_on
from pipeline.records import sha256

LEIDOS, SKYDIO = "control_list:leidos", "control_list:skydioinc"


def listing(act: str, issued: str, names: list[tuple[str, str]], lst: str = "control_list",
            action: str = "added", **fields: Any) -> DocInput:
    """An act copy naming parties (printed name, other-language alias), each with evidence."""
    text = "\n".join(f"{i}. {name}（{alias}）" if alias else f"{i}. {name}" for i, (name, alias) in enumerate(names, 1))
    parties, evidence, rows = [], [], []
    for name, alias in names:
        value = {"name": name, "country": "US", "list": lst, "action": action}
        at = text.index(name)
        parties.append(value)
        evidence.append({"field": "parties", "value": value, "start": at, "end": at + len(name), "text": name})
        rows.append({"name": name, "aliases": [alias] if alias else [], "list": lst, "action": action})
    doc = act_input(act, issued, text, parties=parties, evidence=evidence, **fields)
    doc.parties = rows
    return doc


def corpus() -> list[DocInput]:
    return [
        # No. 13 lists two parties (Chinese page with English names, English page): one measure each
        listing("MOFCOM-2025-13", "2025-03-04", [("莱多斯公司", "Leidos"), ("斯凯迪奥公司", "Skydio, Inc.")]),
        listing("MOFCOM-2025-13", "2025-03-04", [("Leidos", ""), ("Skydio, Inc.", "")], lang="en"),
        # S suspends the whole of No. 13 until 2025-08-12
        act_input("MOFCOM-2025-30", "2025-05-14",
                  relations=[{"type": "suspends", "target": "MOFCOM-2025-13", "until": "2025-08-12"}]),
        # R lifts the measures on Leidos alone, naming it
        listing("MOFCOM-2025-60", "2025-11-05", [("莱多斯公司", "Leidos")], action="removed",
                effective=["2025-11-10"]),
    ]


def test_a_party_printed_in_two_languages_is_one_measure_under_its_latin_name():
    a = analyse(corpus())
    parties = {m.subject for m in a.measures if m.kind == "party"}
    assert parties == {LEIDOS, SKYDIO}


def test_party_changes_follow_the_acts():
    a = analyse(corpus())
    got = {k for k in keys(a.changes) if k[2] == "party"}
    assert got == {
        ("MOFCOM-2025-13", "added", "party", LEIDOS), ("MOFCOM-2025-13", "added", "party", SKYDIO),
        ("MOFCOM-2025-30", "suspended", "party", LEIDOS), ("MOFCOM-2025-30", "suspended", "party", SKYDIO),
        ("MOFCOM-2025-30", "expired", "party", LEIDOS), ("MOFCOM-2025-30", "expired", "party", SKYDIO),
        ("MOFCOM-2025-60", "removed", "party", LEIDOS),
    }
    removed = next(c for c in a.changes if c.type == "removed" and c.kind == "party")
    assert removed.date == "2025-11-10"
    assert removed.evidence and removed.evidence[0]["text"] == "莱多斯公司"


def _status(state: dict[str, Any]) -> dict[str, str]:
    return {m["subject"]: m["status"] for m in state["measures"] if m["kind"] == "party"}


def test_state_of_each_party_on_each_date():
    a = analyse(corpus())
    assert _status(state_on(a, "2025-04-01")) == {LEIDOS: "in_force", SKYDIO: "in_force"}
    assert _status(state_on(a, "2025-06-01")) == {LEIDOS: "suspended", SKYDIO: "suspended"}
    assert _status(state_on(a, "2025-09-01")) == {LEIDOS: "in_force", SKYDIO: "in_force"}
    # lifted by name: Leidos is off the list from the lifting's effective date, Skydio stays
    assert _status(state_on(a, "2025-11-10")) == {SKYDIO: "in_force"}


def _db(tmp_path: Any) -> Any:
    """The corpus as ingest and extract leave it: documents, records and party rows (aliases)."""
    from pipeline.extract import store as extract_store

    db = store.open_db(tmp_path / "p.db")
    extract_store.ensure_schema(db)
    for doc in corpus():
        put(db, doc, location=f"{doc.source}-{doc.lang}")
        doc_id = sha256((doc.text or "").encode())
        for row in doc.parties:
            db.execute("INSERT INTO parties (document_id, list, action, name, aliases, lang) VALUES (?, ?, ?, ?, ?, ?)",
                       [doc_id, row["list"], row["action"], row["name"], json.dumps(row["aliases"]), doc.lang])
    return db


def test_the_diff_stage_gives_the_same_party_changes_and_state(tmp_path):
    db = _db(tmp_path)
    ctx = Context(db=db, today=dt.date(2025, 6, 1), quiet=True)
    run_stage(ctx)
    stored = {(c["announcement"], c["type"], c["kind"], c["subject"]) for c in api.changes(db) if c["kind"] == "party"}
    assert stored == {k for k in keys(analyse(corpus()).changes) if k[2] == "party"}
    assert _status(api.state_on(db, "2025-11-10")) == {SKYDIO: "in_force"}
    # what could be known on 2025-06-01: the lifting of 2025-11-05 is not
    assert _status(api.state_on(db, "2025-11-10", as_known_on="2025-06-01")) == {LEIDOS: "in_force",
                                                                                  SKYDIO: "in_force"}
    known = {(c["type"], c["subject"]) for c in api.changes(db, as_known_on="2025-06-01") if c["kind"] == "party"}
    assert ("removed", LEIDOS) not in known and ("suspended", LEIDOS) in known
    rows = {r["subject"]: r for r in db.query("SELECT * FROM listed_parties")}
    assert rows[LEIDOS]["name"] == "莱多斯公司" and "Leidos" in rows[LEIDOS]["names"]
