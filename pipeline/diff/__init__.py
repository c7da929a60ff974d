"""diff stage: merge act copies, derive measures, the change list and the state on any date.

Other stages use these entry points (all read the current records from the database):
`compute_changes(db, since=, include_news=, today=)`, `compute_state(db, on)`,
`state_of_acts(db, on, acts)`, `upcoming_events(db, today, horizon_days)`. The pure core is `pipeline.diff.analysis.analyse`.
"""
from __future__ import annotations

from typing import Any


def compute_changes(db: Any, **kwargs: Any) -> list[dict[str, Any]]:
    from pipeline.diff.store import compute_changes as impl

    return impl(db, **kwargs)


def compute_state(db: Any, on: Any) -> dict[str, Any]:
    from pipeline.diff.state import compute_state as impl

    return impl(db, on)


def upcoming_events(db: Any, today: Any, horizon_days: int) -> list[dict[str, Any]]:
    from pipeline.diff.state import upcoming_events as impl

    return impl(db, today, horizon_days)


def state_of_acts(db: Any, on: Any, acts: Any) -> list[dict[str, Any]]:
    from pipeline.diff.state import state_of_acts as impl

    return impl(db, on, acts)
