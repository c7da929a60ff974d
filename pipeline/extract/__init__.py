"""Extract: Document -> Extraction (the record of ../shared/schema/extraction.md, with provenance).

    from pipeline.extract import extract
    extraction = extract(document)          # one document
    for x in extract_many(documents): ...   # a stream, through nlp.pipe in batches

The spaCy pipelines (models/exportwatch-zh, -en) find mentions; record.py turns them into the
record using the document's structure. Pipelines are loaded once per process (build.load caches
them and rebuilds a missing or stale build first).
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing as mp
import re
from collections import deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator

from pipeline.records import Document
from pipeline.workers import default_workers as workers_for, worker_pool

CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Extraction:
    """The record (schema fields in order, with evidence) and what the later stages need besides:
    every mention, the items as printed, the numbered clauses with their effective dates, and
    relation scopes (which clauses of which act a suspension reaches)."""

    document_id: str
    record: dict[str, Any]
    mentions: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    clauses: list[dict[str, Any]] = field(default_factory=list)
    relation_scopes: list[dict[str, Any]] = field(default_factory=list)
    pipeline_version: str = ""
    parties: list[dict[str, Any]] = field(default_factory=list)  # party rows with aliases (parties.py)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def pipeline_version() -> str:
    from pipeline.extract.build import pipeline_version as version

    return version()


def detect_lang(doc: Document) -> str:
    """The parser's language when it gave one, else zh when CJK characters are a fair share."""
    if doc.lang in ("zh", "en"):
        return doc.lang
    sample = doc.text[:4000]
    cjk = len(CJK_RE.findall(sample))
    return "zh" if cjk and cjk >= 0.1 * len(sample.replace(" ", "")) else "en"


def _prepare(nlp: Any, doc: Document) -> Any:
    """The spaCy Doc of a Document: the tokenizer makes the view (normalised text, offset map);
    the parser's blocks and title are carried over into view offsets and script."""
    sdoc = nlp.make_doc(doc.text or "")
    omap = sdoc.user_data["ew_map"]
    sdoc.user_data["ew_published"] = doc.published
    sdoc.user_data["ew_title"] = nlp.tokenizer.normaliser.fold(doc.title) if doc.title else doc.title
    sdoc.user_data["ew_media_type"] = doc.media_type
    sdoc.user_data["ew_blocks"] = [(b.kind, omap.to_norm(b.start), omap.to_norm(b.end)) for b in doc.blocks]
    return sdoc


def _view_document(doc: Document, sdoc: Any) -> Document:
    """The Document as the components saw it: view text, blocks and title."""
    from dataclasses import replace

    from pipeline.records import Block

    blocks = [Block(kind, s, e) for kind, s, e in sdoc.user_data["ew_blocks"]]
    return replace(doc, text=sdoc.user_data["ew_text"], blocks=blocks, title=sdoc.user_data.get("ew_title"))


def _finish(doc: Document, sdoc: Any, lang: str, tiers: dict[str, int], source: str | None) -> Extraction:
    from pipeline.extract.record import Mention, build_record

    doc = _view_document(doc, sdoc)
    strings = sdoc.vocab.strings
    names: dict[int, str] = {}  # label id -> label (Span.label_ looks the string up per span)
    spans = {}
    for key, group in sdoc.spans.items():
        known = sdoc.user_data.get(("ew_mentions", key))  # written by components.set_spans
        if known is not None and known[0] == len(group):
            spans[key] = sorted(map(Mention._make, known[1]))
            continue
        found = []
        for s in group:
            label = s.label
            name = names.get(label)
            if name is None:
                name = names[label] = strings[label]
            found.append(Mention(s.start_char, s.end_char, name))
        found.sort()
        spans[key] = found
    user_data = {k: v for k, v in sdoc.user_data.items() if isinstance(k, str) and k.startswith("ew_")
                 and k not in ("ew_text", "ew_published", "ew_title", "ew_media_type", "ew_blocks")}
    scan = sdoc.user_data["ew_scan"]
    built = build_record(doc, spans, user_data, lang, tiers, scan.layout, scan.grammar, source)
    extra = built.pop("_extra")
    text = doc.text
    mentions = [{"label": key, "value": label, "start": start, "end": end, "quote": text[start:end]}
                for key, group in spans.items() for start, end, label in group]
    x = Extraction(document_id=doc.id, record=built, mentions=mentions, items=extra["items"],
                   clauses=extra["clauses"], relation_scopes=extra["relation_scopes"],
                   pipeline_version=pipeline_version(), parties=extra.get("parties", []))
    return _remap(x, doc.text, sdoc.user_data["ew_original"], sdoc.user_data["ew_map"])


def _remap(x: Extraction, text: str, orig: str, omap: Any) -> Extraction:
    """Offsets of the view -> offsets (and quotes) of the stored clean text: every span the
    components found in the normalised text is given back as the document prints it."""
    if omap.identity and text == orig:
        return x
    to_orig = omap.to_orig

    def fix(d: dict[str, Any], quote_key: str) -> None:
        s, e = to_orig(d["start"], d["end"])
        d["start"], d["end"] = s, e
        d[quote_key] = orig[s:e]

    def printed(value: str | None, near: int) -> str | None:
        if not value:
            return value
        at = text.find(value, max(0, near))
        if at < 0:
            at = text.find(value)
        if at < 0:
            return value
        s, e = to_orig(at, at + len(value))
        return orig[s:e]

    for ev in x.record["evidence"]:
        fix(ev, "text")
    for m in x.mentions:
        fix(m, "quote")
    for it in x.items:
        it["name"] = printed(it.get("name"), it["start"])
        it["heading"] = printed(it.get("heading"), 0)
        fix(it, "quote")
    for c in x.clauses:
        c["start"], c["end"] = to_orig(c["start"], c["end"])
    for sc in x.relation_scopes:
        sc["start"], sc["end"] = to_orig(sc["start"], sc["end"])
    from pipeline.extract.parties import remap

    remap(x.parties, x.record["evidence"], to_orig, orig)
    return x


def _tiers(nlp: Any) -> dict[str, int]:
    return nlp.get_pipe("ew_scan").book.meta["elements"]["tiers"]


Loader = Callable[[Any], "Document | None"]
Post = Callable[[Document, Extraction], Any]
_JOB: dict[str, Any] = {"load": None, "post": None}  # set before the fork: the workers inherit it


def _extract_batch(batch: list[tuple[Any, str | None]], batch_size: int, load: Loader | None = None,
                   post: Post | None = None) -> list[Any]:
    """Extract a batch (each language through its pipeline, document by document: a failure is
    that document's ExtractionFailure, never the batch's); results in input order.
    With `load`, the batch holds keys and `load(key)` gives the Document (None: nothing to
    extract, result None); with `post`, each result is `post(document, extraction)`."""
    from pipeline.extract.build import load as load_nlp

    docs: list[tuple[Document, str | None] | None] = []
    for key, source in batch:
        doc = load(key) if load is not None else key
        docs.append((doc, source) if doc is not None else None)
    by_lang: dict[str, list[int]] = {}
    for i, item in enumerate(docs):
        if item is not None:
            by_lang.setdefault(detect_lang(item[0]), []).append(i)
    results: list[Any] = [None] * len(batch)
    for lang, idx in by_lang.items():
        nlp = load_nlp(lang)
        tiers = _tiers(nlp)
        for i in idx:
            doc, source = docs[i]  # type: ignore[misc]
            results[i] = _extract_one(nlp, doc, lang, tiers, source, post)
    return results


@dataclass
class ExtractionFailure:
    """A document the extractor could not process: its id, source and why. The other documents of
    the batch and the run go on; the stage records the error against this document."""

    document_id: str
    source: str | None
    error: str


def _extract_one(nlp: Any, doc: Document, lang: str, tiers: dict[str, int], source: str | None,
                 post: Post | None) -> Any:
    """One document through the pipeline, its failure kept to itself."""
    from pipeline.config import MAX_TEXT_CHARS

    if len(doc.text or "") > MAX_TEXT_CHARS:
        return ExtractionFailure(doc.id, source or doc.source, f"text too long to extract: {len(doc.text):,} "
                                 f"characters (limit {MAX_TEXT_CHARS:,}, EXPORTWATCH_MAX_TEXT_CHARS)")
    try:
        sdoc = _prepare(nlp, doc)
        for _, proc in nlp.pipeline:
            sdoc = proc(sdoc)
        x = _finish(doc, sdoc, lang, tiers, source)
    except Exception as exc:  # one document's bug or pathology must not cost the others
        return ExtractionFailure(doc.id, source or doc.source, f"extraction failed: {type(exc).__name__}: {exc}")
    return post(doc, x) if post is not None else x


GC_THRESHOLD = (50_000, 50, 100)  # young collections after 50,000 allocations, not 700
_GC_USERS: list[Any] = [0, None]  # in-process extractions running, the caller's thresholds


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Extraction in this process with the workers' collector thresholds (see _worker_init): the
    collector's passes over short-lived objects cost 5-10% here too. Nothing is frozen (the
    caller's objects are its own) and the caller's thresholds come back when the last running
    extraction ends (streams may interleave)."""
    if _GC_USERS[0] == 0:
        _GC_USERS[1] = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)
    _GC_USERS[0] += 1
    try:
        yield
    finally:
        _GC_USERS[0] -= 1
        if _GC_USERS[0] == 0:
            gc.set_threshold(*_GC_USERS[1])


def _worker_init() -> None:
    """A worker's garbage collector: the pipelines and everything else inherited from the
    parent are frozen (never traversed again, which also keeps their pages shared with the
    parent), and young collections run less often. Extraction allocates many short-lived
    objects that reference counting frees; the collector's passes over them were 10% of the
    extraction time (1,000 documents)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _worker_batch(args: tuple[list[tuple[Any, str | None]], int]) -> list[Any]:
    return _extract_batch(*args, load=_JOB["load"], post=_JOB["post"])


def default_workers() -> int:
    """Worker processes for extract_many: EXPORTWATCH_EXTRACT_WORKERS, else one per CPU (at most 4);
    1 = extract in this process."""
    return workers_for("EXPORTWATCH_EXTRACT_WORKERS")


def extract_many(docs: Iterable[Any], *, sources: Iterable[str | None] | None = None,
                 batch_size: int = 16, workers: int | None = None, load: Loader | None = None,
                 post: Post | None = None) -> Iterator[Any]:
    """Extract a stream of documents, batching each language through its pipeline's nlp.pipe.
    Output order is input order.

    Why worker processes: extraction is pure Python per document (regexes, spans, the record), so
    it scales with CPUs, not threads. When the stream holds more than one batch (2 x batch_size
    documents) and `workers` > 1, batches go to a pool of forked processes (the pipelines loaded
    here before the fork are shared), with at most 2 batches per worker in flight.

    Why `load` and `post`: they run where the extraction runs. The extract stage passes document
    ids with a loader that reads each worker's own database connection, and a `post` that turns
    the Extraction into table rows, so only ids go out and plain tuples come back (this process
    is left to write, instead of decoding and pickling documents and results). Without them the
    stream holds Documents and yields Extractions. The results are the same in one process:
    extraction keeps no state across documents."""
    from pipeline.extract.build import load as load_nlp

    src_iter = iter(sources) if sources is not None else None
    chunk = batch_size * 2
    workers = default_workers() if workers is None else workers

    def batches() -> Iterator[list[tuple[Any, str | None]]]:
        batch: list[tuple[Any, str | None]] = []
        for doc in docs:
            batch.append((doc, next(src_iter) if src_iter else None))
            if len(batch) >= chunk:
                yield batch
                batch = []
        if batch:
            yield batch

    stream = batches()
    first = next(stream, None)
    if first is None:
        return
    second = next(stream, None) if workers > 1 else None
    if second is None or "fork" not in mp.get_all_start_methods():
        with _fewer_collections():
            for batch in itertools.chain([first], [second] if second is not None else [], stream):
                yield from _extract_batch(batch, batch_size, load, post)
        return
    sample = [load(k) if load is not None else k for k, _ in first + second]
    for lang in sorted({detect_lang(d) for d in sample if d is not None}):
        load_nlp(lang)  # before the fork: the workers share the loaded pipelines (others load lazily)
    _JOB.update(load=load, post=post)
    try:
        with worker_pool(workers, initializer=_worker_init) as submit:
            pending: deque[Any] = deque()
            for batch in itertools.chain([first, second], stream):
                pending.append(submit(_worker_batch, (batch, batch_size)))
                while len(pending) > 2 * workers:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
    finally:
        _JOB.update(load=None, post=None)


def extract(doc: Document, source: str | None = None) -> Extraction:
    """Extract one document (`source` overrides doc.source in the record)."""
    return next(extract_many([doc], sources=[source]))
