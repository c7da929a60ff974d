"""The synthetic corpus generator and `exportwatch bench` (small N; no timing assertions)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.bench import synth
from pipeline.cli import cli
from pipeline.ingest import corpus_files, read_raw
from pipeline.parse import parse

HOSTS = {"www.mofcom.gov.cn", "english.mofcom.gov.cn", "news.example.org"}


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus40(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synth.Manifest]:
    out = tmp_path_factory.mktemp("synth") / "c40"
    return out, synth.generate(out, 40, seed=7)


def test_generator_is_deterministic_and_prefix_stable(corpus40, tmp_path: Path) -> None:
    out, manifest = corpus40
    again = synth.generate(tmp_path / "again", 40, seed=7)
    assert tree(out) == tree(tmp_path / "again") and manifest.files == again.files
    # the first N documents of a bigger corpus are the N-document corpus
    small = synth.generate(tmp_path / "small", 15, seed=7)
    assert small.files == manifest.files[:15]
    big = tree(out)
    assert all(big[f] == h for f, h in tree(tmp_path / "small").items() if f != "synth.json")
    other = synth.generate(tmp_path / "other", 40, seed=8)
    assert tree(tmp_path / "other") != big and other.docs == 40


def test_generated_documents_are_valid(corpus40) -> None:
    out, manifest = corpus40
    files = corpus_files(out)
    assert len(files) == manifest.docs == 40 == sum(manifest.kinds.values())
    assert json.loads((out / "synth.json").read_text())["docs"] == 40
    hashes, langs, acts = set(), set(), set()
    for path in files:
        rel = path.relative_to(out).parts
        assert rel[0] == "site" and rel[1] in HOSTS, rel
        raw = read_raw(path, out)
        assert raw.url and raw.url.startswith("https://" + rel[1] + "/")
        hashes.add(raw.sha256)
        doc = parse(raw)
        assert doc.error is None, (path, doc.error)
        assert doc.lang in ("zh", "en") and doc.text.strip() and doc.published and doc.title
        langs.add(doc.lang)
        if "公告" in doc.title and "号" in doc.title and doc.media_type == "text/html":
            acts.add(doc.title.split(" ")[0].split("公告")[-1])
    assert len(hashes) == 40  # every document differs
    assert langs == {"zh", "en"}
    assert len(acts) >= 5  # fresh announcement numbers
    assert {"zh_act", "en_act", "en_news"} <= set(manifest.kinds)


def test_generated_act_recombines_bundled_items(corpus40) -> None:
    out, _ = corpus40
    material = synth.load_material()
    lines = {line for s in material.sections for line in s.zh_items}
    page = next(p for p in corpus_files(out) if p.suffix == ".html" and "zcfb/art" in p.as_posix())
    doc = parse(read_raw(page, out))
    assert "下列物项未经许可不得出口" in doc.text
    body = doc.text.splitlines()
    assert any(line in lines or synth.HS_CODE.sub("", line) in {synth.HS_CODE.sub("", x) for x in lines}
               for line in body)
    assert not any(n in doc.title for n in ("2025年第18号", "2025年第57号", "2023年第23号"))


@pytest.mark.parametrize("font", ["cjk", None])
def test_pdf_annex_parses(font, tmp_path: Path) -> None:
    cjk = synth.find_cjk_font() if font else None
    if font and cjk is None:
        pytest.skip("no CJK font (fonts-wqy-zenhei) on this machine: English-only PDFs")
    gen = synth.Generator(7, cjk_font=cjk)
    u = next(u for u in range(400) if gen.spec(u)[0] == "control" and gen.spec(u)[1].pdf)
    rel, data, kind = [d for d in gen.documents(u) if d[2] == "pdf"][0]
    assert kind == "pdf" and rel.endswith(".pdf") and data.startswith(b"%PDF")
    again = [d for d in synth.Generator(7, cjk_font=cjk).documents(u) if d[2] == "pdf"][0][1]
    assert again == data  # fixed creation date: byte-identical
    doc = parse(read_raw(_write(tmp_path, rel, data), tmp_path))
    assert doc.error is None and doc.lang == ("zh" if cjk else "en")
    assert doc.published == gen.spec(u)[1].issued.isoformat()
    if cjk:
        assert doc.tables and any(b.kind == "table_row" for b in doc.blocks)


def _write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_synth_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["synth", "--count", "6", "--out", str(tmp_path / "s"), "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "synth: 6 documents" in result.output
    assert len(corpus_files(tmp_path / "s")) == 6


def test_bench_command_writes_every_key(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(cli, ["bench", "--sizes", "12,6", "--out", str(out), "--keep", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output + str(result.exception)
    data = json.loads(out.read_text())
    assert data["sizes"] == [6, 12]
    for n in ("6", "12"):
        run = data["runs"][n]
        for key in ("seconds", "docs_per_s", "words", "words_per_s", "stages", "peak_rss_mb", "pdfs_parsed",
                    "extract_words_per_s", "tokenise_words_per_s", "extract_ratio", "limit", "load_average",
                    "extract_cpu_seconds", "extract_words_per_cpu_s", "extract_ratio_wall", "stage_cpu_seconds"):
            assert key in run, key
        assert run["extract_cpu_seconds"] > 0  # every worker's CPU counted: extraction took some
        assert {"ingest", "extract", "diff", "alert"} <= set(run["stages"])
        assert run["counts"]["new"] == int(n) and run["counts"]["extracted"] == int(n)
        assert run["limit"]["docs"] == int(n) and run["words"] > 0
    noop = data["runs"]["12"]["noop"]
    assert noop["counts"].get("new", 0) == 0 and noop["counts"]["extracted"] == 0
    assert noop["pdfs_parsed"] == 0
    assert data["runs"]["12"]["pdfs"] >= 1 and data["runs"]["12"]["pdfs_parsed"] == data["runs"]["12"]["pdfs"]
    for key in ("extract_ratio", "noop_ratio", "memory_ratio", "noop_pdfs_parsed", "serve_current_controls_ms",
                "serve_hs_code_ms"):
        assert key in data["ratios"], key
    assert set(data["targets_met"]) >= {"extract_ratio", "noop_ratio", "memory_ratio", "noop_pdfs_parsed"}
    serve = data["serve"]
    assert serve.get("skipped") or {"current_controls", "hs_code"} <= set(serve)
    for key in ("current_controls", "hs_code"):
        if key in serve:
            assert serve[key]["status"] == 200 and serve[key]["median_ms"] > 0
    assert "extract_ratio" in result.output and "noop_ratio" in result.output
