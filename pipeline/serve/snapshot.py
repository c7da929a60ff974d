"""Publishing the database for `exportwatch serve`: a finished, consistent copy, swapped in whole.

Why a copy: Datasette serves the file immutable (`-i`: no locks, counts cached, fast), and SQLite
promises nothing to an immutable reader of a file that changes under it. A run writing the same
file an immutable server reads gave "database disk image is malformed" pages until a restart.
Opening the live file read-only and mutable instead would work, but every page would then see
whatever the running stages had committed so far (documents already fetched, changes not yet
diffed), pay for locking and lose the cached counts.

So the writer publishes: when a run that ran the serve stage has finished (its row final: see
`serve/stage.py`, `Context.when_finished`) and when `serve` starts, the working database is copied
with SQLite's online backup API, in one step, inside one read transaction of the source: the copy
is exactly one committed state. The copy is switched to rollback-journal mode (an immutable reader
never looks for a -wal file), written to a temporary name beside the target, fsynced and renamed
over `<db stem>.served<suffix>`. A rename is atomic: a reader opening the name gets the old file or
the new one, never half of one; a reader that has the old file open keeps reading it, unchanged,
until it closes it (the inode lives while it is open). The server notices the new file and reopens
it (pipeline/serve/reloading.py): no restart.

A run publishes only when a served copy exists already (that is, after `serve` has been started
for this database once): users who never browse pay nothing, and the benchmark's no-op re-run
stays a no-op. A `fetch`, `ingest` or `diff` run alone publishes nothing: the next `run` or
`update` does.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pipeline.dbfiles import snapshot_path

__all__ = ["is_published", "publish", "snapshot_path"]

def is_published(db_path: Path | str) -> bool:
    return snapshot_path(db_path).is_file()


def publish(conn: sqlite3.Connection, db_path: Path | str) -> Path:
    """Copy the database `conn` is open on to its served path, atomically. Returns that path.

    Call it with nothing half-written in `conn` (the caller holds the run lock between stages)."""
    if conn.in_transaction:
        conn.commit()
    target = snapshot_path(db_path)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    for stale in (tmp, Path(str(tmp) + "-journal")):
        stale.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(copy)  # pages=-1: the whole database in one step, one read transaction
            copy.execute("PRAGMA journal_mode=DELETE")  # immutable readers ignore a WAL
        finally:
            copy.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o444)  # a published copy is never written again
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: some file systems refuse a directory fsync)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
