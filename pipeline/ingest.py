"""Ingest: walk a corpus folder, read each file as Raw, parse it, store the Document.

A file whose bytes are already stored (same sha256) is not parsed again, so a re-run on an
unchanged corpus reports 0 new. A file that fails to parse is stored with its error; the run goes on.
"""
from __future__ import annotations

from pathlib import Path
from rich.progress import Progress

from pipeline import config, store
from pipeline.context import Context
from pipeline.parse import parse
from pipeline.records import Raw

SKIP_NAMES = {"README.md", ".DS_Store"}
SKIP_DIRS = {"gold", ".git"}


def corpus_files(corpus: Path) -> list[Path]:
    """Every document file under the corpus, in a stable order (gold answers and READMEs skipped)."""
    files = []
    for path in sorted(corpus.rglob("*")):
        rel = path.relative_to(corpus)
        if not path.is_file() or path.name in SKIP_NAMES or path.name.endswith(".json"):
            continue
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        files.append(path)
    return files


def url_for(rel: str) -> str | None:
    """The canonical URL of a mirrored file: site/<host>/<path> -> https://<host>/<path>."""
    parts = rel.split("/")
    if "site" in parts:
        i = parts.index("site")
        if len(parts) > i + 2:
            return "https://" + "/".join(parts[i + 1:])
    return None


def read_raw(path: Path, corpus: Path) -> Raw:
    rel = path.relative_to(corpus).as_posix()
    size = path.stat().st_size
    if size > config.MAX_FILE_BYTES:
        # Archive nothing for oversized files; the caller records the error.
        raise ValueError(f"file is {size} bytes, over the {config.MAX_FILE_BYTES}-byte cap")
    return Raw(content=path.read_bytes(), source=rel, url=url_for(rel))


def ingest_raw(ctx: Context, raw: Raw, *, batch: bool = False) -> bool:
    """Parse and store one Raw unless its bytes are already stored. Returns True when new.
    With `batch` (ingest_corpus), an unchanged file's location update joins an open transaction
    that the caller commits."""
    if store.has_document(ctx.db, raw.sha256):
        # unchanged files only touch their location row: batched into one transaction (see
        # ingest_corpus) instead of one commit per file
        if batch and not ctx.db.conn.in_transaction:
            ctx.db.execute("BEGIN")
        store.save_location(ctx.db, raw.source, raw.url, raw.sha256, ctx.run_id)
        ctx.count("unchanged")
        return False
    if batch:
        _commit(ctx)  # never hold the write lock while parsing
    doc = parse(raw)
    new = store.save_document(ctx.db, raw, doc, ctx.run_id)
    ctx.count("new" if new else "unchanged")
    if doc.error:
        ctx.count("parse_errors")
        ctx.error(raw.source, doc.error)
    return new


UNCHANGED_BATCH = 500  # location updates of unchanged files per transaction


def _commit(ctx: Context) -> None:
    if ctx.db.conn.in_transaction:
        ctx.db.conn.commit()


def ingest_corpus(ctx: Context, corpus: Path) -> None:
    """Ingest every file under `corpus`, streaming: one file in memory and one transaction at a time."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus} does not exist")
    files = corpus_files(corpus)
    with Progress(console=ctx.console, disable=ctx.quiet, transient=True) as progress:
        task = progress.add_task("ingest", total=len(files))
        try:
            for i, path in enumerate(files, 1):
                ctx.count("files")
                try:
                    raw = read_raw(path, corpus)
                except (OSError, ValueError) as exc:
                    ctx.error(str(path), f"could not read: {exc}")
                    ctx.count("errors")
                else:
                    ingest_raw(ctx, raw, batch=True)
                if i % UNCHANGED_BATCH == 0:
                    _commit(ctx)
                progress.advance(task)
        except BaseException:
            if ctx.db.conn.in_transaction:
                ctx.db.conn.rollback()  # only location updates of unchanged files are pending
            raise
        _commit(ctx)
