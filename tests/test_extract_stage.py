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
