"""`exportwatch serve`: browse the database in Datasette (read-only, immutable, updated live).

Why it wraps `datasette serve` instead of asking users to call it: the database must be served
under the name `exportwatch` whatever its file is called (the links, the metadata and the README
use `/exportwatch/...`), with our metadata, templates and plugins, and never straight from the
file the pipeline writes. `serve` refreshes the views, then publishes a consistent copy of the
database (pipeline/serve/snapshot.py) and serves that copy immutable (`-i`: read-only, no
locking, counts cached). Every later run publishes a new copy, which the server picks up without a
restart (pipeline/serve/reloading.py). The tests start this very command (`exportwatch serve
--port N`) as a subprocess.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from pipeline.options import db_option, quiet_option
from pipeline.serve.snapshot import is_published, publish, snapshot_path
from pipeline.serve.views import DB_NAME

HERE = Path(__file__).resolve().parent
METADATA = HERE / "metadata.yml"
TEMPLATES = HERE / "templates"
PLUGINS = HERE / "plugins"
SETTINGS = {
    "suggest_facets": "off",       # one query per column per page view: too slow on a big database
    "truncate_cells_html": "500",  # long document text in table pages (row pages show it all)
    "sql_time_limit_ms": "3000",   # the LIKE branch of the search query scans every document
    "facet_time_limit_ms": "500",
    "default_facet_size": "15",
    "default_cache_ttl": "0",      # the served copy is replaced after every run: browsers revalidate
}


def served_path(db_path: Path, workdir: Path) -> Path:
    """A path whose file name is `exportwatch.db` for `db_path`: the path itself when it already
    has that name, else a symlink in `workdir` (Datasette names a database after its file)."""
    db_path = Path(db_path).resolve()
    if db_path.name == f"{DB_NAME}.db":
        return db_path
    link = Path(workdir) / f"{DB_NAME}.db"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(db_path)
    return link


def datasette_argv(db_file: Path, *, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The `datasette serve` command line for a database file already named exportwatch.db."""
    argv = [sys.executable, "-m", "datasette", "serve", "-i", str(db_file),
            "--metadata", str(METADATA), "--template-dir", str(TEMPLATES), "--plugins-dir", str(PLUGINS),
            "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        argv += ["--setting", name, value]
    return argv


def ready_for_serving(db_path: Path, *, wait: float = 30.0) -> Path:
    """Refresh views/FTS, fold the WAL into the main file and publish the served copy, holding
    the run lock so no run is writing meanwhile. Returns the copy's path."""
    from pipeline.lock import run_lock
    from pipeline.serve.views import checkpoint, prepare
    from pipeline.store import open_db

    with run_lock(db_path, wait=wait):
        db = open_db(db_path)
        try:
            prepare(db)
            if not checkpoint(db):
                click.echo("serve: warning: the WAL could not be fully checkpointed (another reader?); "
                           "the served copy is complete all the same", err=True)
            return publish(db.conn, db_path)
        finally:
            db.conn.close()


def choose_served_file(db_path: Path, no_prepare: bool) -> Path:
    """The file Datasette opens: the published copy, refreshed now unless --no-prepare; with
    --no-prepare and no copy yet, the database itself (a database nobody writes, e.g. read-only)."""
    from pipeline.lock import LockBusy

    if no_prepare:
        return snapshot_path(db_path) if is_published(db_path) else db_path
    try:
        return ready_for_serving(db_path)
    except LockBusy as exc:
        if is_published(db_path):
            click.echo("serve: a run is writing the database; serving the copy it published last "
                       "(the run publishes a new one when it ends)", err=True)
            return snapshot_path(db_path)
        raise click.ClickException(f"{exc}; wait for the run to finish or pass --no-prepare")


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--no-prepare", is_flag=True,
              help="Serve as is: no view refresh and no new published copy (the last one, else the file "
                   "itself: for a database nobody writes, e.g. a read-only one).")
@quiet_option
def serve(db_path: Path, host: str, port: int, no_prepare: bool, quiet: bool) -> None:
    """Browse the database in Datasette, read-only: current controls, change timeline, HS-code
    lookup, evidence, search and an Atom feed of changes.

    Serves a published copy of the database; every later `exportwatch run` or `update` on the same
    database publishes a new one, which the running server shows without a restart.

    \b
    exportwatch serve                          # http://127.0.0.1:8001/exportwatch
    exportwatch serve --db /tmp/ew.db --port 8002
    """
    if not db_path.is_file():
        raise click.ClickException(f"{db_path} does not exist: build it first with "
                                   f"`exportwatch run --db {db_path}`")
    served = choose_served_file(db_path, no_prepare)
    with tempfile.TemporaryDirectory(prefix="exportwatch-serve-") as workdir:
        argv = datasette_argv(served_path(served, Path(workdir)), host=host, port=port)
        if not quiet:
            click.echo(f"serve: http://{host}:{port}/{DB_NAME} (Ctrl-C to stop)", err=True)
        code = run_until_stopped(argv)
    if code:
        raise SystemExit(code)


def run_until_stopped(argv: list[str]) -> int:
    """Run Datasette as a child; SIGTERM or Ctrl-C stop it and return here, so the temporary
    directory (with the exportwatch.db link) is always removed."""
    proc = subprocess.Popen(argv, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: proc.terminate())
    try:
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:  # the terminal sent SIGINT to the child too
                proc.terminate()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else code


commands: list[click.Command] = [serve]
