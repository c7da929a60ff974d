"""Paths and settings, overridable by environment variables (EXPORTWATCH_*)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EXPORTWATCH_DATA", ROOT / "data"))
DEFAULT_DB = Path(os.environ.get("EXPORTWATCH_DB", DATA_DIR / "exportwatch.db"))
DEFAULT_CORPUS = Path(os.environ.get("EXPORTWATCH_CORPUS", ROOT / "corpus"))
MODELS_DIR = Path(os.environ.get("EXPORTWATCH_MODELS", ROOT / "models"))
CONFIG_DIR = Path(os.environ.get("EXPORTWATCH_CONFIG", ROOT / "config"))
SHARED_DIR = Path(os.environ.get("EXPORTWATCH_SHARED", ROOT.parent / "shared"))



def shown(path: Path) -> str:
    """A default path as --help shows it: relative to the checkout when inside it, so the help text
    (and docs/cli.md, generated from it) wraps the same in every clone, whatever its location."""
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


# Numeric settings from the environment that do not parse are collected here, not raised: an
# exception at import would be a traceback before any command could explain it. The CLI refuses
# to run with any of them (check_environment), naming the variable and what to write.
ENV_PROBLEMS: list[str] = []


def env_number(name: str, default: int | float, *, minimum: int | float = 0, unit: str = "") -> int | float:
    """`name` from the environment as a number of the default's type (≥ minimum), else `default`
    with the problem recorded in ENV_PROBLEMS."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    kind = type(default)
    try:
        value = kind(raw.strip())
        if value >= minimum and value == value and value != float("inf"):
            return value
    except ValueError:
        pass
    what = "a whole number" if kind is int else "a number"
    ENV_PROBLEMS.append(f"{name}={raw!r} is not {what}{unit} of at least {minimum}: unset it "
                        f"(default {default}) or set, e.g., {name}={default}")
    return default


def check_environment() -> None:
    """Refuse to run with a malformed EXPORTWATCH_* number (see ENV_PROBLEMS)."""
    if ENV_PROBLEMS:
        import click

        raise click.ClickException("; ".join(ENV_PROBLEMS))


# Files larger than this are recorded with an error instead of parsed.
MAX_FILE_BYTES = env_number("EXPORTWATCH_MAX_FILE_BYTES", 50 * 1024 * 1024, minimum=1, unit=" of bytes")
# The longest document text extracted (characters): spaCy's 1,000,000 default guards its parser and
# NER, which the exportwatch pipelines do not have; a longer text is recorded with an error.
MAX_TEXT_CHARS = env_number("EXPORTWATCH_MAX_TEXT_CHARS", 20_000_000, minimum=1000, unit=" of characters")
# Parse limits (pipeline/guard.py says what each bounds and why).
PARSE_TIMEOUT_S = env_number("EXPORTWATCH_PARSE_TIMEOUT", 30.0, minimum=0.1, unit=" of seconds")
PDF_TIMEOUT_S = env_number("EXPORTWATCH_PDF_TIMEOUT", 120.0, minimum=0.1, unit=" of seconds")
PDF_MEMORY_MB = env_number("EXPORTWATCH_PDF_MEMORY_MB", 1536, minimum=64, unit=" of megabytes")
