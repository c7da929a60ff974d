"""Limits for parsing untrusted bytes: no input may hang a run or exhaust its memory.

Two tools, used by `pipeline.parse.parse`:

- `run_limited(func, args, timeout_s=, memory_mb=)` runs `func(*args)` in a forked child with an
  address-space cap (RLIMIT_AS = the parent's current size + `memory_mb`) and a CPU-time backstop,
  and waits at most `timeout_s` wall-clock seconds for its pickled result. A child that runs over
  is SIGKILLed; one that dies (out of memory in C code, a segfault in a PDF library) is reported.
  The parent never hangs and never shares the child's memory blow-up. PDFs go through this: their
  libraries (pdfminer, pdfium) do most work in loops or C code a watchdog cannot interrupt safely.
- `time_limit(seconds)` is the in-process fast path for HTML, feeds and text: a SIGALRM watchdog
  (main thread only; elsewhere, or when another ITIMER_REAL is active, it is a no-op rather than
  steal the timer). Parsing HTML in a child for every page would cost a fork per file.

Both raise `LimitExceeded`, a BaseException (like KeyboardInterrupt) so that a parser's own
`except Exception` cannot swallow the timeout and carry on; the caller turns it into a Document error.

Settings (environment): EXPORTWATCH_PARSE_TIMEOUT (seconds, default 30), EXPORTWATCH_PDF_TIMEOUT
(default 120), EXPORTWATCH_PDF_MEMORY_MB (extra megabytes a PDF parse may map, default 1536). A
value that is not a number is reported by the CLI before it runs (pipeline.config.ENV_PROBLEMS).
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from pipeline import config

PARSE_TIMEOUT_S = config.PARSE_TIMEOUT_S
PDF_TIMEOUT_S = config.PDF_TIMEOUT_S
PDF_MEMORY_MB = config.PDF_MEMORY_MB


class LimitExceeded(BaseException):
    """A guarded call ran out of time or memory, or its child process died. `kind` is
    "timeout", "memory" or "died"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class ChildError(Exception):
    """The function raised in the child; the message is "ExceptionType: message"."""


def _vm_bytes() -> int | None:
    """This process's current virtual size (Linux /proc), None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _child(func: Callable[..., Any], args: tuple, kwargs: dict, w: int, timeout_s: float,
           memory_mb: int | None) -> None:
    """Body of the forked child: cap, run, write the pickled outcome, _exit. Never returns."""
    code = 0
    try:
        # Only the result pipe stays open: the run lock (flock) and SQLite files are the parent's.
        os.closerange(3, w)
        os.closerange(w + 1, 1 << 16)
        devnull = open(os.devnull, "w")  # a lock held by a parent thread at fork must not block us
        sys.stdout = sys.stderr = devnull
        import resource

        cpu = int(timeout_s) + 5  # backstop: an orphan (parent SIGKILLed) still stops
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        if memory_mb is not None and (vm := _vm_bytes()) is not None:
            cap = vm + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        try:
            outcome: tuple[str, Any] = ("ok", func(*args, **kwargs))
        except MemoryError:
            outcome = ("memory", f"over the {memory_mb} MB memory cap")
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", f"over the {memory_mb} MB memory cap (sending the result)"))
        except Exception as exc:  # noqa: BLE001 - an unpicklable result
            data = pickle.dumps(("error", f"result not transferable: {type(exc).__name__}: {exc}"))
        view = memoryview(data)
        while view:
            view = view[os.write(w, view):]
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child
        code = 70
    finally:
        os._exit(code)


def run_limited(func: Callable[..., Any], args: tuple = (), kwargs: dict | None = None, *,
                timeout_s: float = PDF_TIMEOUT_S, memory_mb: int | None = PDF_MEMORY_MB) -> Any:
    """`func(*args, **kwargs)` in a forked child with time and memory caps; returns its result.

    Raises LimitExceeded (timeout, memory, died) or ChildError (func raised). Where fork is not
    available the call runs in-process under `time_limit` only."""
    kwargs = kwargs or {}
    if not hasattr(os, "fork"):
        with time_limit(timeout_s):
            return func(*args, **kwargs)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(r)
        _child(func, args, kwargs, w, timeout_s, memory_mb)
    os.close(w)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    reaped = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LimitExceeded("timeout", f"took longer than {timeout_s:g} s (stopped)")
            ready, _, _ = select.select([r], [], [], left)
            if ready:
                chunk = os.read(r, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(r)
        if not reaped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    data = b"".join(chunks)
    if not data:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            kind = "memory" if sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT) and memory_mb else "died"
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            raise LimitExceeded(kind, f"parser process died with {name}"
                                + (f" (memory cap {memory_mb} MB?)" if kind == "memory" else ""))
        raise LimitExceeded("died", f"parser process exited with status {os.waitstatus_to_exitcode(status)} "
                                    "and no result")
    kind, value = pickle.loads(data)
    if kind == "ok":
        return value
    if kind == "memory":
        raise LimitExceeded("memory", value)
    raise ChildError(value)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise LimitExceeded("timeout") in the block after `seconds` of wall-clock time (SIGALRM).

    A no-op off the main thread, without SIGALRM, or when an interval timer is already running
    (pytest-timeout or the caller's own watchdog keeps its timer)."""
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise LimitExceeded("timeout", f"took longer than {seconds:g} s (stopped)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
