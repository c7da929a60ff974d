"""Shared fixtures: repository paths, ../shared (skipped when absent), a real local HTTP server."""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SITE = CORPUS / "site"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when a clone has no ../shared."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present: this test reads the shared dev set beside the repository (../shared)")
    return path


def dev_path(*parts: str) -> Path:
    """A path of the dev set: ../shared's when present, else the in-repo copy (corpus/ holds the
    whole dev set: every page and gold record of ../shared/corpus), so a fresh clone runs the test."""
    path = SHARED.joinpath(*parts)
    if path.exists():
        return path
    local = ROOT.joinpath(*parts)
    if parts and parts[0] == "corpus" and local.exists():
        return local
    return shared_path(*parts)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".shtml": "text/html"}

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep test output clean
        pass


def serve_directory(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def site_server() -> Iterator[str]:
    """Base URL of a real HTTP server on 127.0.0.1 serving corpus/site (host/path layout)."""
    server, url = serve_directory(SITE)
    yield url
    server.shutdown()


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    return tmp_path / "exportwatch.db"
