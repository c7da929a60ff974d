"""Forked worker processes for the CPU-bound stages (parsing pages, extracting records).

    with worker_pool(2) as submit:
        handles = [submit(parse_batch, raws) for raws in chunks]   # runs in the workers
        results = [h.get() for h in handles]                       # in submission order

Why processes: parsing and extraction are pure Python, so they scale with CPUs, not threads.
Why fork: the children inherit what the parent loaded (pipelines, parser configuration) without
pickling it. The database stays with the parent: children get plain inputs (bytes, ids) and send
plain outputs back, and the parent writes. With one worker (or no fork on the platform) `submit`
runs the call in this process when its result is asked for, so the order of side effects is the
same as a plain loop.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from contextlib import contextmanager
from typing import Any, Callable, Iterator


def default_workers(env: str) -> int:
    """Worker processes: the environment variable `env` when set (1 = in this process), else one
    per CPU, at most 4."""
    value = os.environ.get(env, "")
    if value.strip().isdigit():
        return max(1, int(value))
    return max(1, min(4, os.cpu_count() or 1))


class _Deferred:
    """A call run in this process when its result is asked for (the one-worker pool)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]):
        self.fn, self.args = fn, args

    def get(self, timeout: float | None = None) -> Any:
        return self.fn(*self.args)


@contextmanager
def worker_pool(workers: int, initializer: Callable[[], None] | None = None
                ) -> Iterator[Callable[..., Any]]:
    """A `submit(fn, *args)` whose result has `.get()`: in `workers` forked processes, or in this
    process when `workers` is 1 or fork is unavailable. The pool is torn down on exit, also on
    an error (no orphaned workers)."""
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        yield lambda fn, *args: _Deferred(fn, args)
        return
    pool = mp.get_context("fork").Pool(workers, initializer=initializer)
    try:
        yield lambda fn, *args: pool.apply_async(fn, args)
    finally:
        pool.terminate()
        pool.join()
