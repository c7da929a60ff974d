"""Issue 14, items 4, 6, 7 and 9, as an analyst uses the CLI on the bundled corpus: evidence with
sentences and URLs, formats, filters, the HS-code lookup, knowledge time, consistent options."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from pipeline.cli import cli

TODAY = "2026-01-01"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("analyst") / "exportwatch.db"
    env = {**os.environ, "EXPORTWATCH_NOTIFY": ""}
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--db", str(path), "--today", TODAY, "-q"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return path


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# ---------------------------------------------------------------- item 4: evidence

def test_every_change_and_measure_carries_its_sentence_and_source_url(db: Path) -> None:
    rows = json.loads(invoke("changes", "--db", str(db), "--json", "--include-news", "--today", TODAY))
    assert len(rows) > 71
    for r in rows:
        assert r["evidence"], (r["announcement"], r["type"], r["subject"])
        assert any(e.get("sentence") and e.get("url", "").startswith("https://") for e in r["evidence"]), r
        for e in r["evidence"]:
            if e.get("sentence") and e["field"] != "clauses":
                assert e["text"] in " ".join(e["sentence"].split()) or e["text"] in e["sentence"]
    state = json.loads(invoke("state", "--db", str(db), "--on", "2025-11-20", "--json"))
    assert state["measures"]
    for m in state["measures"]:
        assert any(e.get("sentence") and e.get("url", "").startswith("https://") for e in m["evidence"]), m


def test_suspension_and_expiry_carry_the_sentence_stating_the_end_date(db: Path) -> None:
    rows = json.loads(invoke("changes", "--db", str(db), "--json", "--act", "MOFCOM-2025-70", "--today", TODAY))
    by_70 = [r for r in rows if r["announcement"] == "MOFCOM-2025-70" and r["type"] in ("suspended", "expired")]
    assert {r["type"] for r in by_70} == {"suspended", "expired"} and len(by_70) == 7
    for r in by_70:
        until = [e for e in r["evidence"] if e["field"] == "until"]
        assert until and until[0]["value"] == "2026-11-10", r
        assert "暂停期限至2026年11月10日" in until[0]["sentence"] and until[0]["url"].startswith("https://")


# ---------------------------------------------------------------- item 6: formats, filters, hs

def test_csv_json_jsonl_and_table_say_the_same(db: Path) -> None:
    base = ("changes", "--db", str(db), "--today", TODAY)
    as_json = json.loads(invoke(*base, "--format", "json"))
    as_jsonl = [json.loads(line) for line in invoke(*base, "--format", "jsonl").splitlines()]
    as_csv = list(csv.DictReader(io.StringIO(invoke(*base, "--csv"))))
    assert as_json == as_jsonl and len(as_csv) == len(as_json) == 71
    assert [r["id"] for r in as_csv] == [r["id"] for r in as_json]
    assert all(r["sentence"] and r["source_url"].startswith("https://") for r in as_csv)
    table = invoke(*base)
    assert "71 changes" in table and "MOFCOM-2025-70" in table
    state_csv = list(csv.DictReader(io.StringIO(invoke("state", "--db", str(db), "--on", "2025-11-20", "--csv"))))
    assert len(state_csv) == 63 and {r["status"] for r in state_csv} >= {"suspended", "in_force"}
    both = CliRunner().invoke(cli, [*base, "--json", "--csv"])
    assert both.exit_code != 0 and "choose one output format" in both.output


def test_changes_until_and_since(db: Path) -> None:
    rows = json.loads(invoke("changes", "--db", str(db), "--json", "--since", "2025-10-01", "--until", "2025-10-31"))
    assert rows and all("2025-10-01" <= r["date"] <= "2025-10-31" for r in rows)
    assert ("MOFCOM-2025-61", "added", "element", "Sm") in {(r["announcement"], r["type"], r["kind"], r["subject"])
                                                           for r in rows}
    everything = json.loads(invoke("changes", "--db", str(db), "--json"))
    assert len(rows) == len([r for r in everything if r["date"] and "2025-10-01" <= r["date"] <= "2025-10-31"])


def test_element_filter_takes_symbol_english_and_chinese_names(db: Path) -> None:
    got = [json.loads(invoke("changes", "--db", str(db), "--json", "--element", name)) for name in ("Sm", "samarium",
                                                                                                     "钐", "SAMARIUM")]
    assert got[0] and all(g == got[0] for g in got)
    assert {(r["announcement"], r["kind"], r["subject"]) for r in got[0]} == {
        ("MOFCOM-2025-18", "element", "Sm"), ("MOFCOM-2025-61", "element", "Sm")}
    state = json.loads(invoke("state", "--db", str(db), "--on", "2025-11-20", "--json", "--element", "钐"))
    assert {(m["announcement"], m["status"]) for m in state["measures"]} == {("MOFCOM-2025-18", "in_force"),
                                                                            ("MOFCOM-2025-61", "suspended")}
    bad = CliRunner().invoke(cli, ["changes", "--db", str(db), "--element", "unobtainium"])
    assert bad.exit_code != 0 and "[E006]" in bad.output


def test_act_and_hs_filters(db: Path) -> None:
    act = json.loads(invoke("changes", "--db", str(db), "--json", "--act", "MOFCOM-2025-61"))
    assert {r["announcement"] for r in act} == {"MOFCOM-2025-61", "MOFCOM-2025-70"}  # its own, and its suspension
    assert all(r["announcement"] == "MOFCOM-2025-61" or r["subject"] == "MOFCOM-2025-61" for r in act)
    hs = json.loads(invoke("changes", "--db", str(db), "--json", "--hs", "2805.30"))
    assert hs and all(any(c.startswith("280530") for c in r["hs_codes"]) for r in hs)
    assert {r["announcement"] for r in hs} == {"MOFCOM-2025-18", "MOFCOM-2025-57"}  # 2805301910, 28053019


def test_hs_lookup(db: Path) -> None:
    rows = json.loads(invoke("hs", "2805301910", "--db", str(db), "--on", "2025-11-20", "--json"))
    exact = [r for r in rows if r["match"] == "exact"]
    assert {(r["element"], r["control_code"], r["name"]) for r in exact} == {
        ("Sm", "1C902.a", "samarium metal"), ("Sm", "1C902.a", "金属钐"),
        ("Gd", "1C903.a", "gadolinium metal"), ("Gd", "1C903.a", "金属钆")}
    assert {(r["announcement"], r["status"], r["since"]) for r in exact} == {("MOFCOM-2025-18", "in_force", "2025-04-04")}
    assert rows[:len(exact)] == exact and all(r["source_url"].startswith("https://") for r in rows)
    broader = [r for r in rows if r["match"] != "exact"]
    assert broader and {r["hs_code"] for r in broader} == {"28053019"}
    assert {r["status"] for r in broader if r["announcement"] == "MOFCOM-2025-57"} == {"suspended"}
    assert invoke("hs", "2805.3019.10", "--db", str(db), "--on", "2025-11-20", "--json") == \
        invoke("hs", "2805301910", "--db", str(db), "--on", "2025-11-20", "--json")
    bad = CliRunner().invoke(cli, ["hs", "28", "--db", str(db)])
    assert bad.exit_code != 0 and "[E007]" in bad.output


def test_long_log_lines_are_not_wrapped_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    deep = tmp_path / ("a-folder-name-long-enough-to-push-a-log-line-past-eighty-columns-" * 2) / "x.db"
    env = {**os.environ, "EXPORTWATCH_NOTIFY": "", "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--db", str(deep), "--today", TODAY],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    feed = str(deep.parent / "alerts.atom")
    assert any(feed in line for line in done.stderr.splitlines()), done.stderr[-2000:]


def test_every_stage_without_its_own_bar_shows_a_spinner(tmp_path: Path) -> None:
    import datetime as dt

    from rich.console import Console

    from pipeline import runner
    from pipeline.context import Context

    ctx = Context.open(tmp_path / "x.db", today=dt.date(2026, 1, 1))
    screen = io.StringIO()
    ctx.console = Console(file=screen, force_terminal=True, width=100)
    runner.execute(ctx, [runner.Stage("extract", lambda c: None),
                         runner.Stage("diff", lambda c: None, progress=True)])
    assert "extract" in screen.getvalue(), "a spinner names the stage while it runs"
    assert "diff" not in screen.getvalue(), "a stage with its own bar gets no spinner around it"


# ---------------------------------------------------------------- item 7: consistent options

def test_quiet_and_db_mean_the_same_everywhere() -> None:
    ours = {name: c for name, c in cli.commands.items() if name not in ("extract", "eval")}  # extract: lead's module
    for name, command in ours.items():
        opts = {o for p in command.params for o in p.opts}
        assert "-q" in opts and "--quiet" in opts, f"{name} has no -q/--quiet"
    for name in ("fetch", "run", "update"):
        assert "--delay" in {o for p in cli.commands[name].params for o in p.opts}, name
    for name, command in cli.commands.items():
        for p in command.params:
            if "--docs" in p.opts:
                assert isinstance(p.type, click_path()) and not p.type.file_okay, f"{name} --docs is not a folder"
            if "--db" in p.opts:
                assert p.help == "SQLite database file.", f"{name} --db says {p.help!r}"


def click_path() -> type:
    import click

    return click.Path


def test_makefile_takes_port_sizes_and_base_url() -> None:
    make = ["make", "-n", "-C", str(ROOT)]
    serve = subprocess.run([*make, "serve", "PORT=8123", "DB=/nonexistent.db"], capture_output=True, text=True)
    assert re.search(r"exportwatch serve .*--port 8123", serve.stdout), serve.stdout
    bench = subprocess.run([*make, "bench", "SIZES=20,40"], capture_output=True, text=True)
    assert "--sizes 20,40" in bench.stdout, bench.stdout
    update = subprocess.run([*make, "update", "BASE_URL=http://127.0.0.1:8000", "DELAY=0"], capture_output=True,
                            text=True)
    assert "--base-url http://127.0.0.1:8000" in update.stdout and "--delay 0" in update.stdout, update.stdout


# ---------------------------------------------------------------- item 9: knowledge time

def test_state_as_known_on_leaves_out_later_acts(db: Path) -> None:
    now = json.loads(invoke("state", "--db", str(db), "--on", "2025-10-15", "--json"))
    then = json.loads(invoke("state", "--db", str(db), "--on", "2025-10-15", "--as-known-on", "2025-10-15", "--json"))
    no61_now = {m["until"] for m in now["measures"] if m["announcement"] == "MOFCOM-2025-61" and m["status"] == "in_force"}
    no61_then = {m["until"] for m in then["measures"] if m["announcement"] == "MOFCOM-2025-61" and m["status"] == "in_force"}
    assert no61_now == {"2025-11-07"}, "known now: No. 70 (issued 2025-11-07) suspends it from that day"
    assert no61_then == {None}, "known on 2025-10-15: no end in sight"
    assert then["as_known_on"] == "2025-10-15"


def test_changes_as_known_on_lists_only_what_acts_issued_by_then_say(db: Path) -> None:
    now = json.loads(invoke("changes", "--db", str(db), "--json", "--today", "2025-10-20"))
    then = json.loads(invoke("changes", "--db", str(db), "--json", "--today", "2025-10-20", "--as-known-on",
                             "2025-10-20"))
    assert any(r["type"] == "suspended" and r["date"] == "2025-11-07" for r in now)
    assert not any(r["announcement"] == "MOFCOM-2025-70" for r in then)
    # No. 57 was to take effect on 2025-11-08: known on 2025-10-20, suspended the day before by No. 70
    assert ("MOFCOM-2025-57", "takes_effect", "2025-11-08") in {(r["announcement"], r["type"], r["date"]) for r in then}
    assert ("MOFCOM-2025-57", "takes_effect", "2025-11-08") not in {(r["announcement"], r["type"], r["date"]) for r in now}
    assert all(r["type"] != "added" or r["date"] <= "2025-10-20" for r in then)


def test_knowledge_time_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--as-known-on" in readme and "what could be known" in readme.lower()
