"""Which databases are ours, and database faults named in one line.

exportwatch marks its databases (`PRAGMA application_id` = 0x45574154, "EWAT", and
`user_version` = the store's format) so that it can tell its own file from another program's
before writing anything. `claim(path)` runs before a database is opened for writing: a new or
empty file becomes ours; a file of ours passes; a database made by an older exportwatch (our
tables, no mark yet) is marked; anything else is refused untouched: no table created, no column
added, no journal mode changed — even a read-only command such as `changes` used to add tables
to whatever file --db named.

`describe(exc, path)` turns the faults a user can meet into one sentence saying what to do: a
file that is not a database, a damaged one, a read-only file or folder, a full disk, a lock held
elsewhere. `FaultNamingGroup` applies it to every command, so no fault reaches the user as a
traceback.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import click

APPLICATION_ID = 0x45574154  # "EWAT"
FORMAT_VERSION = 1  # user_version: bump when the store's layout changes incompatibly
HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"runs", "blobs", "documents", "locations"}  # what every exportwatch database has

last_path: Path | None = None  # the database most recently opened (for messages about later faults)


class DatabaseFault(click.ClickException):
    """A database problem the user can fix, said in one line."""


def read_header(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(100)


def claim(path: Path) -> bool:
    """Check that `path` may be opened as an exportwatch database, before anything writes to it.
    Returns True when it must be marked (a new, empty or older exportwatch file); raises
    DatabaseFault for a file that is not ours."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        header = read_header(path)
    except OSError as exc:
        raise DatabaseFault(describe(exc, path)) from None
    if not header.startswith(HEADER):
        start = header[:16].decode("ascii", errors="replace")
        raise DatabaseFault(f"{path} is not an SQLite database (it starts with {start!r}): pass --db with an "
                            f"exportwatch database, or a new file name for a new one")
    app_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big")
    if app_id == APPLICATION_ID:
        if version > FORMAT_VERSION:
            raise DatabaseFault(f"{path} was written by a newer exportwatch (format {version}; this one "
                                f"reads {FORMAT_VERSION}): upgrade exportwatch to use it")
        return version < FORMAT_VERSION
    if app_id != 0:
        raise DatabaseFault(f"{path} belongs to another program (SQLite application_id {app_id:#x}): "
                            f"exportwatch leaves it untouched; pass --db with a new file name")
    tables = _tables(path)
    if not tables or OUR_TABLES <= tables:  # empty, or made by exportwatch before databases were marked
        return True
    shown = ", ".join(sorted(tables)[:6]) + (", …" if len(tables) > 6 else "")
    raise DatabaseFault(f"{path} is an SQLite database of another program (tables: {shown}): exportwatch "
                        f"leaves it untouched; pass --db with a new file name")


def _tables(path: Path) -> set[str]:
    """The table names, read without writing (a read-only connection, no journal mode change)."""
    try:
        conn = sqlite3.connect(f"file:{_uri(path)}?mode=ro", uri=True)
        try:
            return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseFault(describe(exc, path)) from None


def _uri(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()))


def mark(conn: sqlite3.Connection) -> None:
    """Write our mark (call it on a connection to a database `claim` accepted)."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")


def describe(exc: BaseException, path: Path | None = None) -> str:
    """One sentence for a database fault: what is wrong and what to do."""
    where = str(path or last_path or "the database")
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in low:
        return (f"the disk holding {where} is full ({text}): free some space and run again; a run cut "
                f"short stays 'running' until the next run marks it interrupted")
    denied = isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EROFS)
    if "readonly" in low or "read-only" in low or denied or ("i/o error" in low and not _writable(where)):
        return (f"{where} cannot be written ({text}): exportwatch records every run in it; make the file "
                f"and its folder writable, or browse it as it is with `exportwatch serve --no-prepare "
                f"--db {where}`")
    if "unable to open database file" in low:
        return (f"cannot open {where} ({text}): its folder must exist and be writable (SQLite keeps "
                f"-wal and -shm files beside the database); to browse a read-only copy as it is, use "
                f"`exportwatch serve --no-prepare --db {where}`")
    if "file is not a database" in low or "not an sqlite" in low:
        return (f"{where} is not an SQLite database ({text}): pass --db with an exportwatch database, or a "
                f"new file name for a new one")
    if "malformed" in low or "corrupt" in low or "disk i/o error" in low:
        return (f"{where} is damaged ({text}): restore it from a backup, or build a new one with "
                f"`exportwatch run --db NEW.db` (the corpus and the sources are read again)")
    if "locked" in low or "busy" in low:
        return f"{where} is locked by another process ({text}): try again when it has finished"
    return f"database error on {where}: {text}"


def _writable(where: str) -> bool:
    """Can this process write the database, its folder and the journal files beside it? (SQLite
    reports a -wal it may not write as a "disk I/O error", which is no damage.)"""
    path = Path(where)
    files = [path, path.parent] + [Path(str(path) + s) for s in ("-wal", "-shm") if Path(str(path) + s).exists()]
    return all(os.access(f, os.W_OK, effective_ids=os.access in os.supports_effective_ids) for f in files)


class FaultNamingGroup(click.Group):
    """A click group whose commands report SQLite faults (and a full disk) as one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.Error as exc:
            raise DatabaseFault(describe(exc)) from None
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            raise DatabaseFault(describe(exc)) from None
