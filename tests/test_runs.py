"""The runs table tells the truth about killed runs."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipeline.context import Context


def _status(ctx: Context) -> dict[int, tuple[str, str, list]]:
    return {r[0]: (r[1], r[2], json.loads(r[3] or "[]"))
            for r in ctx.db.execute("SELECT id, command, status, errors FROM runs")}


def test_a_run_left_running_by_a_killed_process_is_marked_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    killed = Context.open(db, today=dt.date(2026, 1, 1), quiet=True)
    killed.start_run("run", locked=True)          # a SIGKILL leaves the row like this: never finished
    other = Context.open(db, today=dt.date(2026, 1, 1), quiet=True)
    other.start_run("alert")                       # not a locked command: may really be running now
    nxt = Context.open(db, today=dt.date(2026, 1, 1), quiet=True)
    nxt.start_run("run", locked=True)
    rows = _status(nxt)
    assert rows[killed.run_id][1] == "interrupted"
    assert "interrupted" in rows[killed.run_id][2][0]["error"]
    assert rows[other.run_id][1] == "running"
    assert rows[nxt.run_id][1] == "running"
    nxt.finish_run("ok")
    assert _status(nxt)[nxt.run_id][1] == "ok"


def test_an_unlocked_start_marks_nothing(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    first = Context.open(db, today=dt.date(2026, 1, 1), quiet=True)
    first.start_run("run", locked=True)
    second = Context.open(db, today=dt.date(2026, 1, 1), quiet=True)
    second.start_run("diff")                       # without the lock it cannot know the first is dead
    assert _status(second)[first.run_id][1] == "running"
