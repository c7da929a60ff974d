"""Every corpus document: the record has exactly the schema's fields in order, and every evidence,
mention and item quote is exactly `text[start:end]` of the parsed document."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import extract_many
from pipeline.extract.commands import read_document
from pipeline.extract.record import FIELDS
from pipeline.ingest import corpus_files
from conftest import CORPUS, SHARED


def corpus_documents() -> list[Path]:
    roots = [CORPUS] + ([SHARED / "corpus"] if (SHARED / "corpus").is_dir() else [])
    return [p for root in roots for p in corpus_files(root)]


@pytest.fixture(scope="module")
def extracted():
    paths = corpus_documents()
    docs = [read_document(p, str(p)) for p in paths]
    return list(zip(docs, extract_many(docs)))


def test_corpus_is_there(extracted) -> None:
    # 27 bundled files (the whole dev set: 26 documents + feed); with ../shared its site and bad/
    # inputs come on top.
    assert len(corpus_files(CORPUS)) == 27
    expected = 27 + (len(corpus_files(SHARED / "corpus")) if (SHARED / "corpus").is_dir() else 0)
    assert len(extracted) == expected
    assert len(extracted) >= 27


def test_records_have_the_schema_fields_in_order(extracted) -> None:
    for doc, x in extracted:
        assert list(x.record) == FIELDS, doc.source
        assert x.document_id == doc.id and x.pipeline_version


def test_every_quote_is_the_text_at_its_offsets(extracted) -> None:
    n = 0
    for doc, x in extracted:
        for ev in x.record["evidence"]:
            assert doc.text[ev["start"]:ev["end"]] == ev["text"], (doc.source, ev)
            assert ev["text"], (doc.source, ev)
            n += 1
        for m in x.mentions:
            assert doc.text[m["start"]:m["end"]] == m["quote"], (doc.source, m)
        for item in x.items:
            assert doc.text[item["start"]:item["end"]] == item["quote"], (doc.source, item)
    assert n > 200


def test_every_list_value_has_evidence(extracted) -> None:
    for doc, x in extracted:
        r = x.record
        have = {(e["field"], repr(e["value"])) for e in r["evidence"]}
        for field in FIELDS[7:16]:
            for value in r[field]:
                if field == "relations":
                    value = {k: value[k] for k in ("type", "target", "until")}
                assert (field, repr(value)) in have, (doc.source, field, value)
        if r["announcement"]:
            assert ("announcement", repr(r["announcement"])) in have, doc.source
        if r["issued"]:
            assert ("issued", repr(r["issued"])) in have, doc.source


def test_noise_records_are_empty(extracted) -> None:
    for doc, x in extracted:
        r = x.record
        if not r["relevant"]:
            assert r["modality"] is None and not x.items, doc.source
            assert all(r[f] == [] for f in FIELDS[7:16]), doc.source
