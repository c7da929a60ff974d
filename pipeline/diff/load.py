"""What the diff reads: the extract stage's current records as `DocInput`s (through
pipeline.extract.api, never its tables), and a fingerprint of them.

`inputs_fingerprint` digests what the analysis reads (current records and locations, this
package's code and scope vocabulary): the diff stage skips a run whose inputs, day and outputs are
unchanged, and the alert stage can tell that the timed events it evaluated last time still hold.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from pipeline.diff.inputs import DocInput
from pipeline.diff.scope import VOCAB_PATH
from pipeline.extract import api as extract_api
from pipeline.records import DocKind

ACT_KINDS = (DocKind.ANNOUNCEMENT, DocKind.QA)


def iter_inputs(db: sqlite_utils.Database, *, kinds: Iterable[str] | None = None,
                announcement: str | None = None) -> Iterator[DocInput]:
    """DocInputs of the current records, one at a time, in (source, document id) order."""
    for r in extract_api.current_records(db, kinds=kinds, announcement=announcement):
        doc = DocInput(document_id=r.document_id, record=r.record, source=r.source, url=r.url, title=r.title,
                       text=r.text, published=r.published, clauses=r.clauses, relation_scopes=r.relation_scopes)
        if doc.record.get("parties") and (doc.is_act_copy or doc.is_news):
            doc.parties = extract_api.parties_of(db, doc.document_id)
        if not (doc.is_act_copy or doc.is_news):
            # Q&A, notices, listings: the analysis reads their record's scalar fields and, for an act
            # title, the start of the text; not their evidence (most of a record's memory) or body
            doc.record["evidence"] = []
            doc.text = (doc.text or "")[:200] or None
        yield doc


def load_inputs(db: sqlite_utils.Database) -> list[DocInput]:
    """A DocInput per current record (the in-memory analysis of a database the stage has not run on)."""
    return list(iter_inputs(db))


def load_items(db: sqlite_utils.Database, document_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The items (element / control code -> HS codes) of the current documents, or of these."""
    items = extract_api.current_items(db) if document_ids is None else extract_api.items_of(db, document_ids)
    for item in items:
        item.setdefault("announcement", item.get("act"))
    return items


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")) + [Path(VOCAB_PATH)]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def inputs_fingerprint(db: sqlite_utils.Database) -> str | None:
    """Digest of the analysis inputs (None without records: nothing to key on). Documents are
    immutable (id = content hash); a re-extraction changes the record's version or time."""
    if not extract_api.has_records(db):
        return None
    digest = hashlib.sha256(code_version().encode())
    for line in extract_api.fingerprint_rows(db):  # row by row: never one string of the whole corpus
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()
