"""One writer at a time: advisory `flock` lock files (the one lock implementation).

SQLite's WAL mode already serialises writers, but two whole pipeline runs interleaving their
stages would race on change detection, so `run`, `update`, `fetch` and `bench` hold
`<db>.lock` for their whole duration (`run_lock`). `update` also holds its own lock file
(`--lock`, for cron: a second update exits at once) with the same `hold`. The kernel drops a flock
when its holder dies, so a killed run never leaves a stale lock behind. The file holds
"pid N since TIME" of the holder, for the message the next caller gets.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Iterator


class LockBusy(RuntimeError):
    """Another process holds the lock. `holder` is what it wrote ("pid N since TIME")."""

    def __init__(self, message: str, path: Path, holder: str) -> None:
        super().__init__(message)
        self.path = path
        self.holder = holder


@contextmanager
def hold(path: Path, *, wait: float = 0.0, busy: str = "another process holds {path} ({holder})") -> Iterator[Path]:
    """Hold an exclusive flock on `path` until the block ends. Waits up to `wait` seconds, then
    raises LockBusy with `busy` formatted with `path` and `holder`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "pid unknown"
                    raise LockBusy(busy.format(path=path, holder=holder), path, holder) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} since {stamp}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the flock


def run_lock(db_path: Path, wait: float = 0.0) -> AbstractContextManager[Path]:
    """The database's run lock, `<db>.lock`."""
    return hold(Path(str(db_path) + ".lock"), wait=wait,
                busy="another exportwatch run holds {path} ({holder}); try again when it has finished, "
                     "or pass --wait SECONDS")
