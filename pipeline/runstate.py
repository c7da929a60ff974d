"""Is what the database says complete? A warning for readers when the last run did not finish.

`changes` and `state` read whatever the runs left behind. After a run was killed (SIGKILL, a
reboot, a full disk) the database holds part of that run's work: new documents without their
extraction, a diff not yet redone. The reader must be told, not shown partial results as if they
were whole. A run still marked 'running' is alive if the run lock (pipeline/lock.py) is held,
else it was killed.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

import sqlite_utils

from pipeline.store import LOCKED_COMMANDS


def lock_held(db_path: Path) -> bool:
    """True while a locked run holds `<db>.lock` (checked without creating or taking anything)."""
    try:
        fd = os.open(str(db_path) + ".lock", os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # releases the shared lock if we got it
    return False


def partial_warning(db: sqlite_utils.Database, db_path: Path) -> str | None:
    """A sentence when the latest pipeline run did not end well, else None."""
    marks = ",".join("?" * len(LOCKED_COMMANDS))
    row = db.execute(f"SELECT id, command, status, started FROM runs WHERE command IN ({marks}) "
                     f"ORDER BY id DESC LIMIT 1", list(LOCKED_COMMANDS)).fetchone()
    if row is None:
        return None
    run_id, command, status, started = row
    run = f"run {run_id} ({command}, started {started})"
    if status == "running" and lock_held(db_path):
        return f"{run} is still in progress: these results may change when it ends"
    if status in ("running", "interrupted"):
        return (f"{run} never finished (killed?): these results may be partial; run `exportwatch "
                f"{'update' if command in ('update', 'fetch') else 'run'}` again to complete them")
    if status == "failed":
        return f"{run} failed (see the runs table): these results may be incomplete"
    return None
