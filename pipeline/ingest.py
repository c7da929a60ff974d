"""Ingest: walk a corpus folder, read each file as Raw, parse it, store the Document.

A file whose bytes are already stored (same sha256) is not parsed again, so a re-run on an
unchanged corpus reports 0 new. A file that fails to parse is stored with its error; the run goes on.
"""
from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rich.progress import Progress

from pipeline import config, guard, store
from pipeline.dbfiles import is_companion
from pipeline.context import Context
from pipeline.parse import parse, sniff_media_type
from pipeline.records import Document, Raw
from pipeline.workers import default_workers, worker_pool

SKIP_NAMES = {"README.md", ".DS_Store"}
SKIP_DIRS = {"gold", ".git"}


@dataclass
class Listing:
    """What a corpus folder holds: the document files, and what could not be listed (an unreadable
    folder, a link leading outside the corpus or nowhere) as (path, message) pairs to report."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def walk_corpus(corpus: Path, db_path: Path | None = None) -> Listing:
    """Every document file under the corpus, in a stable order (gold answers, READMEs, and the
    database `db_path` with the files kept beside it, left out), with what could not be listed.

    Sorted by path components, as pathlib sorts. Links are not followed out of the corpus: a file
    link whose target lies outside it is reported, not read (`/etc/passwd` was once stored), as is
    a link to a folder outside it or a broken link; links to folders inside are not walked twice.
    os.walk rather than Path.rglob: 0.15 s instead of 0.22 s for 10,000 files."""
    listing = Listing()
    root = corpus.resolve()
    found: list[tuple[tuple[str, ...], Path]] = []
    db_dir = Path(db_path).resolve().parent if db_path is not None else None

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else corpus
        listing.problems.append((where, f"could not read folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(corpus, onerror=unreadable):
        rel_dir = os.path.relpath(dirpath, corpus)
        parts = () if rel_dir == "." else tuple(rel_dir.split(os.sep))
        if any(part in SKIP_DIRS or part.startswith(".") for part in parts):
            dirnames[:] = []
            continue
        for name in dirnames:
            path = Path(dirpath, name)
            if path.is_symlink() and not _inside(path.resolve(), root) and not name.startswith("."):
                listing.problems.append((path, f"link to a folder outside the corpus ({os.readlink(path)}): "
                                               f"not followed"))
        db_here = db_dir is not None and Path(dirpath).resolve() == db_dir  # one resolve per folder
        for name in filenames:
            path = Path(dirpath, name)
            if name in SKIP_NAMES or name.endswith(".json") or (db_here and is_companion(path, db_path)):
                continue
            if path.is_symlink():
                target = path.resolve()
                if not target.exists():
                    listing.problems.append((path, f"broken link ({os.readlink(path)}): nothing to read"))
                    continue
                if not _inside(target, root):
                    listing.problems.append((path, f"link to a file outside the corpus ({target}): not followed"))
                    continue
            if not path.is_file():
                continue
            found.append((parts + (name,), path))
    listing.files = [path for _, path in sorted(found, key=lambda item: item[0])]
    return listing


def corpus_files(corpus: Path) -> list[Path]:
    """The document files of `walk_corpus` (what it could not list is left out)."""
    return walk_corpus(corpus).files


def display_name(name: str) -> str:
    """A file name as text that any output can carry. Names are bytes on Linux: one unzipped from
    a Chinese archive is often GBK (附件1.pdf), which Python hands over with surrogate escapes
    that SQLite, JSON and terminals refuse. Read as UTF-8, else GB18030, else with the odd bytes
    shown as \\xNN."""
    raw = os.fsencode(name)
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="backslashreplace")


def url_for(rel: str) -> str | None:
    """The canonical URL of a mirrored file: site/<host>/<path> -> https://<host>/<path>, the path
    percent-encoded (a name holding '?', '#', quotes, spaces or a newline stays one path)."""
    parts = rel.split("/")
    if "site" in parts:
        i = parts.index("site")
        if len(parts) > i + 2:
            host = quote(parts[i + 1], safe=".-:[]")
            return f"https://{host}/" + quote("/".join(parts[i + 2:]), safe="/")
    return None


def read_raw(path: Path, corpus: Path) -> Raw:
    rel = display_name(path.relative_to(corpus).as_posix())
    size = path.stat().st_size
    if size > config.MAX_FILE_BYTES:
        # Archive nothing for oversized files; the caller records the error.
        raise ValueError(f"file is {size} bytes, over the {config.MAX_FILE_BYTES}-byte cap")
    return Raw(content=path.read_bytes(), source=rel, url=url_for(rel))


def ingest_raw(ctx: Context, raw: Raw) -> bool:
    """Parse and store one Raw unless its bytes are already stored (the fetch stage, one response
    at a time; a corpus goes through ingest_corpus). Returns True when new."""
    if store.has_document(ctx.db, raw.sha256):
        store.save_location(ctx.db, raw.source, raw.url, raw.sha256, ctx.run_id)
        ctx.count("unchanged")
        return False
    doc = parse(raw)
    new = store.save_document(ctx.db, raw, doc, ctx.run_id)
    ctx.count("new" if new else "unchanged")
    if doc.error:
        ctx.count("parse_errors")
        ctx.error(raw.source, doc.error)
    return new


UNCHANGED_BATCH = 500  # location updates of unchanged files per transaction (a re-run)
CHUNK = 32  # files read, parsed (across the workers) and stored per transaction by ingest_corpus


def _commit(ctx: Context) -> None:
    if ctx.db.conn.in_transaction:
        ctx.db.conn.commit()


def parse_workers() -> int:
    """EXPORTWATCH_PARSE_WORKERS, else one per CPU (at most 4); 1 = parse in this process."""
    return default_workers("EXPORTWATCH_PARSE_WORKERS")


def _parse_batch(raws: list[Raw]) -> list[Document]:
    return [parse(raw) for raw in raws]


@dataclass
class _File:
    """One corpus file on its way: read (or not), and whether its bytes need parsing."""

    path: Path
    raw: Raw | None = None
    error: str | None = None
    new: bool = False


def _read_chunk(ctx: Context, corpus: Path, paths: list[Path], pending: set[str]) -> list[_File]:
    """Read the files; a file is new when its bytes are neither stored nor already on their way
    (`pending`: read earlier and not stored yet; such a copy is stored as a location only)."""
    out = []
    for path in paths:
        item = _File(path)
        try:
            item.raw = read_raw(path, corpus)
        except (OSError, ValueError) as exc:
            item.error = f"could not read: {display_name(str(exc))}"
        else:
            sha = item.raw.sha256
            item.new = sha not in pending and not store.has_document(ctx.db, sha)
            if item.new:
                pending.add(sha)
        out.append(item)
    return out


def _store_chunk(ctx: Context, items: list[_File], docs: list[Document], pending: set[str]) -> None:
    """Store a chunk in file order inside the caller's transaction (BEGIN IMMEDIATE here when none
    is open; the caller commits)."""
    parsed = iter(docs)
    if not ctx.db.conn.in_transaction:
        ctx.db.execute("BEGIN IMMEDIATE")
    for item in items:
        ctx.count("files")
        if item.raw is None:
            ctx.error(display_name(str(item.path)), item.error or "could not read")
            ctx.count("errors")
            continue
        if not item.new:  # bytes stored already (or by a file before it): location only
            store.save_location(ctx.db, item.raw.source, item.raw.url, item.raw.sha256, ctx.run_id)
            ctx.count("unchanged")
            continue
        doc = next(parsed)
        ctx.count("parsed")
        if doc.media_type == "application/pdf":
            ctx.count("parsed_pdf")  # what a re-run must not do again (the benchmark checks)
        new = store.save_document(ctx.db, item.raw, doc, ctx.run_id)
        pending.discard(item.raw.sha256)
        ctx.count("new" if new else "unchanged")
        if new and doc.error:
            ctx.count("parse_errors")
            ctx.error(item.raw.source, doc.error)


def ingest_corpus(ctx: Context, corpus: Path, workers: int | None = None) -> None:
    """Ingest every file under `corpus`, streaming in chunks of CHUNK files: this process reads
    each chunk and checks which bytes are new, the worker processes parse those (pipeline.workers),
    and this process stores the chunk in file order in one transaction while the next chunks
    parse. At most three chunks are in memory; a crash loses at most the chunks not committed
    (their files are new again on the next run)."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus} does not exist")
    listing = walk_corpus(corpus, ctx.db_path)  # the database and its files are never their own input
    for path, problem in listing.problems:
        ctx.error(display_name(str(path)), problem)
        ctx.count("errors")
    files = listing.files
    workers = parse_workers() if workers is None else workers
    pending: set[str] = set()
    in_flight: deque[tuple[list[_File], Any]] = deque()
    since_commit = 0
    with Progress(console=ctx.console, disable=ctx.quiet, transient=True) as progress, \
            worker_pool(workers) as submit:
        task = progress.add_task("ingest", total=len(files))

        def store_next() -> None:
            nonlocal since_commit
            items, handle = in_flight.popleft()
            # every parse is capped (pipeline.guard), so a chunk that takes longer than all its
            # caps lost its worker: fail the run rather than wait forever
            cap = sum(guard.PDF_TIMEOUT_S if sniff_media_type(it.raw) == "application/pdf" else guard.PARSE_TIMEOUT_S
                      for it in items if it.new and it.raw) + 60
            _store_chunk(ctx, items, handle.get(cap) if handle is not None else [], pending)
            since_commit += len(items)
            # commit each chunk with new documents; location-only chunks (a re-run) gather up
            if handle is not None or since_commit >= UNCHANGED_BATCH:
                _commit(ctx)
                since_commit = 0
            progress.advance(task, len(items))

        try:
            for i in range(0, len(files), CHUNK):
                items = _read_chunk(ctx, corpus, files[i:i + CHUNK], pending)
                new = [it.raw for it in items if it.new]
                in_flight.append((items, submit(_parse_batch, new) if new else None))
                while len(in_flight) > max(2, workers):
                    store_next()
            while in_flight:
                store_next()
        except BaseException:
            if ctx.db.conn.in_transaction:
                ctx.db.conn.rollback()  # the chunk being stored; committed chunks stay
            raise
        _commit(ctx)
