"""The files exportwatch keeps beside a database, by name.

Ingest must never read them as documents (a --db inside the --corpus folder doubled its own
database into itself each run), and serve publishes one of them (pipeline/serve/snapshot.py).
"""
from __future__ import annotations

from pathlib import Path

SERVED = ".served"  # inserted before the suffix: data/exportwatch.db -> data/exportwatch.served.db


def snapshot_path(db_path: Path | str) -> Path:
    """Where the served copy of `db_path` lives (same folder, so the rename is atomic)."""
    db = Path(db_path)
    return db.with_name(f"{db.stem}{SERVED}{db.suffix or '.db'}")


def companion_paths(db_path: Path | str) -> set[Path]:
    """Every file the pipeline writes beside `db_path`: the database, its journal files, the run
    lock, the served copy (with its temporary file), the alert feed and the update lock and log at
    their default names. Absolute, symlinks resolved."""
    db = Path(db_path).resolve()
    served = snapshot_path(db)
    names = [db.name + suffix for suffix in ("", "-wal", "-shm", "-journal", ".lock")]
    names += [served.name, served.name + "-journal", f".{served.name}.tmp"]
    names += ["alerts.atom", "update.lock", "update.log"]
    return {db.with_name(name) for name in names}


def is_companion(path: Path | str, db_path: Path | str) -> bool:
    """True when `path` is the database or one of the files kept with it (ingest skips them)."""
    path = Path(path).resolve()
    served_tmp = f".{snapshot_path(db_path).name}.tmp"
    return path in companion_paths(db_path) or (path.parent == Path(db_path).resolve().parent
                                                and path.name.startswith(served_tmp))
