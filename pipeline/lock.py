"""One writer at a time: an advisory lock file beside the database.

SQLite's WAL mode already serialises writers, but two whole pipeline runs interleaving their
stages would double-send alerts and race on change detection, so `exportwatch run` holds this
lock for its whole duration. A second run waits up to `wait` seconds, then refuses clearly.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class LockBusy(RuntimeError):
    pass


@contextmanager
def run_lock(db_path: Path, wait: float = 0.0) -> Iterator[Path]:
    lock_path = Path(str(db_path) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    raise LockBusy(f"another exportwatch run holds {lock_path} (pid {holder}); "
                                   f"try again when it has finished, or pass --wait SECONDS")
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield lock_path
    finally:
        os.close(fd)  # closing releases the flock
