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

# Files larger than this are recorded with an error instead of parsed.
MAX_FILE_BYTES = int(os.environ.get("EXPORTWATCH_MAX_FILE_BYTES", 50 * 1024 * 1024))
