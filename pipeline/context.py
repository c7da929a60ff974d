"""One context object per run, passed to every stage (the zavod habit).

It carries the database, the run id, the clock and the console, so that stages take their
external effects as a parameter and tests can pass a temporary database and a fixed `today`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import sqlite_utils
from rich.console import Console

from pipeline import store


def log_console() -> Console:
    """stderr; when it is not a terminal (cron, a pipe, a log file) lines are never wrapped at 80
    columns, so a URL or a path in a log line stays whole and greppable."""
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=100_000, soft_wrap=True)


@dataclass
class Context:
    db: sqlite_utils.Database
    db_path: Path | None = None
    today: dt.date = field(default_factory=dt.date.today)
    quiet: bool = False
    console: Console = field(default_factory=log_console)
    run_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    errors: list[dict[str, Any]] = field(default_factory=list)
    finished: list[Callable[["Context"], None]] = field(default_factory=list)  # see when_finished

    @classmethod
    def open(cls, db_path: Path | str, *, today: dt.date | None = None, quiet: bool = False) -> "Context":
        db = store.open_db(db_path)
        return cls(db=db, db_path=Path(db_path), today=today or dt.date.today(), quiet=quiet)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def error(self, where: str, message: str) -> None:
        """Record an error for this run; the run goes on."""
        self.errors.append({"where": where, "error": message})
        if not self.quiet:
            self.console.print(f"[red]error[/red] {where}: {message}", highlight=False)

    def log(self, message: str) -> None:
        if not self.quiet:
            self.console.print(message, highlight=False)

    def start_run(self, command: str, *, locked: bool = False) -> int:
        """Record the run. `locked`: the caller holds the run lock, so earlier runs of locked
        commands still marked 'running' were killed: they are marked 'interrupted'."""
        self.run_id = store.start_run(self.db, command)
        if locked and (n := store.mark_interrupted(self.db, self.run_id)):
            self.log(f"run: {n} earlier run(s) had been interrupted (marked in the runs table)")
        return self.run_id

    def finish_run(self, status: str = "ok") -> None:
        """Record the run's end, then call what asked to run once the run's row is final
        (`when_finished`: the serve stage publishes the served copy there)."""
        if self.run_id is not None:
            store.finish_run(self.db, self.run_id, status=status, counts=self.counts, errors=self.errors,
                             timings=self.timings)
            for callback in self.finished:
                try:
                    callback(self)
                except Exception as exc:  # noqa: BLE001 - the run is recorded; this must not undo it
                    self.log(f"[red]error[/red] after the run: {type(exc).__name__}: {exc}")

    def when_finished(self, callback: Callable[["Context"], None]) -> None:
        """Call `callback(ctx)` after the run's row is final (once, however often registered)."""
        if callback not in self.finished:
            self.finished.append(callback)

    def summary(self) -> str:
        return json.dumps(self.counts, sort_keys=True)
