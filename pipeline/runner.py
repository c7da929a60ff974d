"""The stage list, the run lock, timing and the run-failure alert, in one place.

`exportwatch run`, `exportwatch update` and the benchmark all run the pipeline through `execute`,
so they chain the same stages in the same order, time them the same way and report a failure the
same way. Nothing imports `pipeline.cli`: the CLI imports this.

A stage is a function `run(ctx)`; it may have a `prepare(ctx)` that runs before the first stage of
the run (the alert stage registers the configured channels there, so every change the diff stage
detects in this run is delivered to them: see pipeline/alert/outbox.py).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pipeline import ingest
from pipeline.alert import stage as alert_stage
from pipeline.context import Context
from pipeline.diff import stage as diff_stage
from pipeline.extract import stage as extract_stage
from pipeline.fetch import stage as fetch_stage
from pipeline.lock import LockBusy, run_lock  # noqa: F401 - callers take both from here
from pipeline.serve import stage as serve_stage


@dataclass(frozen=True)
class Stage:
    """`progress`: the stage shows its own progress bar (documents, acts); the others get a
    spinner with the time elapsed, so every long stage shows it is alive."""

    name: str
    run: Callable[[Context], Any]
    prepare: Callable[[Context], Any] | None = None
    progress: bool = False


# What follows ingest (or fetch) in every run, in order.
STAGES: list[Stage] = [
    Stage("extract", extract_stage.run_stage),
    Stage("diff", diff_stage.run_stage, progress=True),
    Stage("alert", alert_stage.run_stage, prepare=alert_stage.prepare),
    Stage("serve", serve_stage.run_stage),
]


def ingest_step(corpus: Path) -> Stage:
    return Stage("ingest", lambda ctx: ingest.ingest_corpus(ctx, corpus), progress=True)


def fetch_step(**options: Any) -> Stage:
    """The fetch stage with its options (base_url, sources_path, force, settings ...)."""
    return Stage("fetch", lambda ctx: fetch_stage.run_stage(ctx, **options))


def steps(first: Stage) -> list[Stage]:
    """`first` (ingest or fetch), then STAGES (read at call time, so a test may shorten it)."""
    return [first, *STAGES]


def execute(ctx: Context, plan: list[Stage], *,
            after: Callable[[str, float], None] | None = None) -> dict[str, Any]:
    """Run every stage's `prepare`, then each stage in order, timing each into `ctx.timings`
    (`after(name, seconds)` is told too: the benchmark records peak memory there). Returns each
    stage's return value by name.

    On an exception: the error is recorded, the run is finished as `failed`, the alert stage is
    tried so the failure goes out now (not at the next run), and the exception propagates. On
    success the run is left open: the caller finishes it with the status it decides."""
    results: dict[str, Any] = {}
    try:
        for stage in plan:
            if stage.prepare is not None:
                stage.prepare(ctx)
        for stage in plan:
            started = time.perf_counter()
            with _spinner(ctx, stage):
                results[stage.name] = stage.run(ctx)
            ctx.timings[stage.name] = round(time.perf_counter() - started, 3)
            if after is not None:
                after(stage.name, time.perf_counter() - started)
    except Exception as exc:
        ctx.error("run", f"{type(exc).__name__}: {exc}")
        ctx.finish_run("failed")
        alert_after_failure(ctx)
        raise
    return results


@contextmanager
def _spinner(ctx: Context, stage: Stage) -> Iterator[None]:
    """A transient "extract … 0:01:12" line on a terminal while a stage without its own bar runs."""
    if stage.progress or ctx.quiet:
        yield
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=ctx.console, transient=True) as progress:
        progress.add_task(stage.name, total=None)
        yield


def alert_after_failure(ctx: Context) -> None:
    """A failed run is itself an alert: run the alert stage so the failure goes out now."""
    try:
        alert_stage.run_stage(ctx)
    except Exception as exc:  # the original failure is what the user must see
        ctx.error("alert", f"could not send the failure alert: {type(exc).__name__}: {exc}")
