"""ReloadingDatabase (pipeline/serve/reloading.py) on real SQLite files and a real Datasette:
a swapped file is followed, and table counts are exact whatever the page's time limit."""
from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

from datasette.app import Datasette

from pipeline.serve.reloading import ReloadingDatabase


def _write(path: Path, rows: int) -> None:
    tmp = path.with_suffix(".tmp")
    conn = sqlite3.connect(tmp)
    conn.execute("create table items (id integer primary key, name text)")
    conn.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < ?) "
                 "insert into items (name) select 'x' || i from n", (rows,))
    conn.commit()
    conn.close()
    os.replace(tmp, path)  # a published snapshot arrives by an atomic rename


def _database(path: Path) -> ReloadingDatabase:
    ds = Datasette([], memory=True)
    db = ReloadingDatabase(ds, str(path))
    ds.add_database(db, name="exportwatch")
    return db


def test_counts_are_exact_under_a_one_millisecond_page_limit(tmp_path: Path) -> None:
    # Two million rows take far longer than 1 ms to count: Datasette's per-page limit would
    # give None; a published file is counted once, in full.
    path = tmp_path / "big.db"
    _write(path, 2_000_000)
    db = _database(path)
    counts = asyncio.run(db.table_counts(limit=1))
    assert counts["items"] == 2_000_000


def test_counts_follow_a_swapped_file(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    _write(path, 3)
    db = _database(path)
    assert asyncio.run(db.table_counts())["items"] == 3
    first = db.generation
    _write(path, 5)
    assert asyncio.run(db.table_counts())["items"] == 5
    assert db.generation == first + 1
    rows = asyncio.run(db.execute("select count(*) from items")).rows
    assert rows[0][0] == 5
