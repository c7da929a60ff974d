"""The extract stage as `exportwatch run` calls it."""
from __future__ import annotations

from pipeline.context import Context


def run_stage(ctx: Context, **options) -> None:
    """Placeholder until the stage is built."""
