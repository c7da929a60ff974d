"""A Datasette 0.65 database that follows a file replaced by atomic renames (see snapshot.py).

Datasette keeps one connection per worker thread for as long as it runs, keyed by the database's
name, and caches an immutable database's table counts and hash for good. Both are right for a
file that never changes and wrong for a published snapshot, which is never changed either but is
*replaced*: the path then names a new file while the old connections still read the old one.

`ReloadingDatabase` checks the file's identity (device, inode, size, mtime: one stat, a few
microseconds) before each query. When it changed, the caches are dropped and each worker thread
reopens the path on its next query; a connection still reading the old file finishes on it,
unharmed (the old inode lives while it is open). Each query therefore sees one whole published
copy; a page whose queries straddle a swap may take its count from one copy and its rows from
the next, both of them consistent.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import threading
from typing import Any, Callable

from datasette.database import Database

FULL_COUNT_LIMIT_MS = 60 * 60 * 1000  # what Datasette allows an immutable file's counts


def file_identity(path: str) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class ReloadingDatabase(Database):
    """An immutable database whose file may be swapped (renamed over) while we serve it."""

    def __init__(self, ds: Any, path: str) -> None:
        super().__init__(ds, path=path, is_mutable=False)
        self._local = threading.local()
        self._identity = file_identity(path)
        self._generation = 0
        self._counts: tuple[int, dict[str, int | None]] | None = None
        self._lock = threading.Lock()

    @property
    def generation(self) -> int:
        """Bumped whenever the file at our path is another file than before. A missing file (being
        replaced by hand, say) keeps the current generation: open connections go on serving."""
        identity = file_identity(self.path)
        if identity is not None and identity != self._identity:
            with self._lock:
                if identity != self._identity:
                    self._identity = identity
                    self._generation += 1
                    self._counts = None
                    self.cached_hash = None
                    self.cached_size = None
        return self._generation

    # -- connections -------------------------------------------------------------------------
    def _connection(self, generation: int) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        if held is not None and held[1] == generation:
            return held[0]
        if held is not None:
            self._forget(held[0])
        conn = self.connect()
        self.ds._prepare_connection(conn, self.name)
        self._local.held = (conn, generation)
        return conn

    def _forget(self, conn: sqlite3.Connection) -> None:
        try:
            self._all_file_connections.remove(conn)
        except ValueError:
            pass
        conn.close()

    async def execute_fn(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        generation = self.generation

        def in_thread() -> Any:
            return fn(self._connection(generation))

        if self.ds.executor is None:  # Datasette's non-threaded mode
            return in_thread()
        return await asyncio.get_event_loop().run_in_executor(self.ds.executor, in_thread)

    # -- what Datasette caches for immutable files --------------------------------------------
    @property
    def cached_table_counts(self) -> dict[str, int | None] | None:
        counts = self._counts
        return counts[1] if counts is not None and counts[0] == self.generation else None

    async def table_counts(self, limit: int = 10) -> dict[str, int | None]:
        """Exact counts, once per published file. Datasette counts an immutable file in full once
        (with an hour's limit) and a mutable one under `limit` ms on every page; our file never
        changes while it is published, so it is counted in full like an immutable one. Counting
        under the page's few milliseconds gave `None` whenever the machine was busy."""
        generation = self.generation
        if self._counts is not None and self._counts[0] == generation:
            return self._counts[1]
        self._cached_table_counts = None
        counts = await super().table_counts(max(limit, FULL_COUNT_LIMIT_MS))
        self._cached_table_counts = None  # ours are keyed by generation instead
        if generation == self._generation:  # not swapped meanwhile: these counts are of this file
            self._counts = (generation, counts)
        return counts

    @property
    def hash(self) -> str | None:
        """A cheap identity of the file (not a hash of its bytes, which Datasette would otherwise
        recompute over the whole database after every swap): it changes exactly when the file does."""
        self.generation  # noqa: B018 - refresh the identity
        return hashlib.sha256(repr(self._identity).encode()).hexdigest()
