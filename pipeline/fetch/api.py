"""What other stages may read of the fetch stage's tables (fetches, source_health).

- `failed_checks(db)`: every source check that failed, oldest first, as
  `{id, source, run_id, checked_at, error}` (the alert stage's health alerts).
"""
from __future__ import annotations

from typing import Any

import sqlite_utils


def failed_checks(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    if "source_health" not in db.table_names():
        return []
    has_id = "id" in {c[1] for c in db.execute("PRAGMA table_info(source_health)").fetchall()}
    cols = ("id", "source", "run_id", "checked_at", "error")
    return [dict(zip(cols, r)) for r in db.execute(
        f"SELECT {'id' if has_id else 'NULL'}, source, run_id, checked_at, error FROM source_health "
        "WHERE status = 'error' ORDER BY checked_at, source").fetchall()]
