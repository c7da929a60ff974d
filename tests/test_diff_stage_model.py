"""The diff stage (one act at a time, through SQL) writes exactly what the pure model computes in
memory from the same records: the one write path is checked against the model, table by table."""
from __future__ import annotations

import datetime as dt
import json

from diff_support import gold_db, inputs, with_no61_clauses

from pipeline.context import Context
from pipeline.diff import load, tables
from pipeline.diff.analysis import analyse
from pipeline.diff.stage import run_stage
from pipeline.diff.state import state_on

TODAY = dt.date(2025, 11, 20)


def test_stage_tables_equal_the_in_memory_model(tmp_db) -> None:
    db = gold_db(tmp_db, with_no61_clauses(inputs()))
    ctx = Context(db=db, today=TODAY, quiet=True)
    ctx.start_run("test")
    run_stage(ctx)
    a = analyse(load.load_inputs(db), load.load_items(db))

    def rows(table: str, order: str = "rowid") -> list[dict]:
        return [dict(r) for r in db.query(f"SELECT * FROM {table} ORDER BY {order}")]

    assert [tables.measure_row(m) for m in a.measures] == rows("measures"), "measures, row for row, in order"
    want_acts = [tables.announcement_row(act, ctx.run_id) for act in a.acts.values()]
    assert want_acts == rows("announcements"), "announcements, with stubs and cited_by, in order"
    want_changes = [tables.change_row(c, news=False, today=TODAY) for c in a.changes] + \
                   [tables.change_row(c, news=True, today=TODAY) for c in a.news]
    got_changes = {r["id"]: r for r in rows("changes")}
    assert len(got_changes) == len(want_changes)
    for want in want_changes:
        got = got_changes[want["id"]]
        assert {k: got[k] for k in want if k not in ("evidence",)} == {k: v for k, v in want.items() if k != "evidence"}
        assert json.loads(got["evidence"]) == json.loads(want["evidence"]), want["id"]
    state = state_on(a, TODAY)
    got_state = rows("state_today")
    assert [(e["announcement"], e["kind"], e["subject"], e["status"], e["since"], e["until"]) for e in state["measures"]] \
        == [(r["announcement"], r["kind"], r["subject"], r["status"], r["since"], r["until"]) for r in got_state]
    assert [tables.discrepancy_row(d) for d in a.discrepancies] == rows("discrepancies")
