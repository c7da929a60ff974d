"""The extract stage in the pipeline: incremental by pipeline version, rows replaced per document;
and the `exportwatch extract` command on files of every format."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import CORPUS, SITE
from pipeline.cli import cli
from pipeline.context import Context
from pipeline.extract import pipeline_version
from pipeline.extract.stage import run_stage
from pipeline.ingest import ingest_corpus


def test_stage_extracts_once_then_only_stale(tmp_db: Path) -> None:
    ctx = Context.open(tmp_db, quiet=True)
    ingest_corpus(ctx, CORPUS)
    run_stage(ctx)
    n = ctx.counts["extracted"]
    assert n >= 17 and ctx.counts["extract_skipped"] == 0
    db = ctx.db
    assert db.execute("select count(*) from records where pipeline_version = ?", [pipeline_version()]).fetchone()[0] == n
    items = db.execute("select count(*) from items where element = 'Sm'").fetchone()[0]
    assert items > 10
    assert db.execute("select count(*) from evidence").fetchone()[0] > 100
    row = db.execute("select record, clauses from records where announcement = 'MOFCOM-2025-61' "
                     "and clauses != '[]'").fetchone()
    assert "2025-12-01" in row[1]

    again = Context.open(tmp_db, quiet=True)
    run_stage(again)
    assert again.counts["extracted"] == 0 and again.counts["extract_skipped"] == n

    db.execute("update records set pipeline_version = 'old' where announcement = 'MOFCOM-2025-57'")
    before = db.execute("select count(*) from mentions").fetchone()[0]
    third = Context.open(tmp_db, quiet=True)
    run_stage(third)
    assert third.counts["extracted"] == 1
    assert db.execute("select count(*) from mentions").fetchone()[0] == before  # replaced, not duplicated


def test_extract_command_any_format(tmp_path: Path) -> None:
    gbk = SITE / "www.mofcom.gov.cn/article/zwgk/gkzcfb/202307/20230703419666.shtml"
    pdf = SITE / "www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805262.pdf"
    txt = tmp_path / "note.txt"
    txt.write_text("商务部公告2025年第62号\n一、下列技术未经许可不得出口：\n1E902.a 稀土开采技术。\n二、本公告自公布之日起正式实施。\n商务部\n2025年10月9日\n",
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(gbk), str(pdf), str(txt), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["source"] for r in records] == [str(gbk), str(pdf), str(txt)]
    assert records[0]["announcement"] == "MOFCOM-2023-23" and records[0]["elements"] == ["Ga", "Ge"]
    assert records[1]["announcement"] == "MOFCOM-2025-61" and "1C904.b" in records[1]["control_codes"]
    assert records[2]["control_codes"] == ["1E902.a"] and records[2]["issued"] == "2025-10-09"


def test_extract_command_names_why_a_file_could_not_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    cut = tmp_path / "cut.pdf"
    pdf = (SITE / "www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805262.pdf").read_bytes()
    cut.write_bytes(pdf[: len(pdf) // 3])
    good = tmp_path / "note.txt"
    good.write_text("商务部公告2025年第62号\n一、下列技术未经许可不得出口：\n1E902.a 稀土开采技术。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(empty), str(cut), str(good), "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(empty), str(cut), str(good)]  # every file keeps its record
    assert records[2]["control_codes"] == ["1E902.a"]
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"extract: {empty}: empty file")
    assert errors[1].startswith(f"extract: {cut}: truncated PDF")
    assert len(errors) == 2  # the readable file has no error line


def test_stage_reads_documents_from_a_database_path_with_uri_characters(tmp_path: Path) -> None:
    """The extract workers open the database read-only by URI: spaces, '#' and '?' in its path
    must not change which file they open."""
    import datetime as dt

    db = tmp_path / "a b#c?d" / "x.db"
    db.parent.mkdir()
    ctx = Context.open(db, today=dt.date(2026, 1, 1), quiet=True)
    ingest_corpus(ctx, CORPUS, workers=1)
    run_stage(ctx)
    assert ctx.counts["extracted"] > 0
    assert ctx.db.execute("SELECT count(*) FROM records").fetchone()[0] == ctx.counts["extracted"]


def _long_text(chars: int) -> str:
    head = "商务部公告2025年第18号\n决定对下列物项实施出口管制：\n一、钐相关物项\n"
    filler = "本段为附件说明文字，列明物项的技术参数，供出口经营者对照。"
    return head + filler * (chars // len(filler) + 1) + "\n本公告自公布之日起正式实施。\n商务部\n2025年4月4日\n"


def test_a_text_over_a_million_characters_is_extracted(tmp_path: Path) -> None:
    """spaCy's max_length (1,000,000, for parser/NER memory) is not this pipeline's limit: a long
    annex is extracted, with the act, its issue date and evidence offsets into the whole text."""
    long_file = tmp_path / "annex.txt"
    long_file.write_text(_long_text(1_200_000), encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(long_file), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["announcement"] == "MOFCOM-2025-18" and record["issued"] == "2025-04-04"
    issued = next(e for e in record["evidence"] if e["field"] == "issued")
    assert issued["start"] > 1_200_000 and issued["text"] == "2025年4月4日"


def test_one_document_that_cannot_be_extracted_costs_only_itself(tmp_path: Path, monkeypatch) -> None:
    """A document over the text limit (EXPORTWATCH_MAX_TEXT_CHARS) is that document's error: the
    other files are printed (the command then exits non-zero, naming it), and in a run the other
    documents get their records and the failed one its error row."""
    from pipeline import config

    monkeypatch.setattr(config, "MAX_TEXT_CHARS", 50_000)
    big, good = tmp_path / "big.txt", tmp_path / "note.txt"
    big.write_text(_long_text(60_000), encoding="utf-8")
    good.write_text("商务部公告2025年第62号\n一、下列技术未经许可不得出口：\n1E902.a 稀土开采技术。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(big), str(good), "--json"])
    assert result.exit_code == 1
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [str(good)]
    assert f"extract: {big}: text too long to extract" in result.stderr
    assert "1 of 2 file(s) could not be extracted" in result.stderr

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.txt").write_bytes(big.read_bytes())
    (corpus / "note.txt").write_bytes(good.read_bytes())
    db = tmp_path / "ew.db"
    ctx = Context.open(db, quiet=True)
    ingest_corpus(ctx, corpus)
    run_stage(ctx)
    assert ctx.counts["extracted"] == 1 and ctx.counts["extract_errors"] == 1
    assert any("text too long to extract" in e["error"] for e in ctx.errors)
    rows = dict(ctx.db.execute("select d.source, d.error from documents d").fetchall())
    assert "text too long" in rows["big.txt"] and not rows["note.txt"]
    assert ctx.db.execute("select count(*) from records").fetchone()[0] == 1
