"""Fuzzing the extractor (issue 9): any Document gives a record with every schema field, values
from the vocabularies of ../shared/schema/extraction.md, evidence for every value, and every
evidence span exact (`document.text[start:end] == text`); mentions and items too.

Documents come from two generators: (1) parses of mutated real files (truncated, flipped,
misencoded: the documents a damaged corpus really produces), and (2) synthetic documents whose
lines mix real corpus lines, lines cut at random points, act numbers / dates / codes with
out-of-range parts (2025年13月32日, 第0号, 9Z999.zz), mixed scripts and control characters, with
random block kinds, languages, media types and published dates.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fuzz_helpers as fz
from pipeline.parse import parse
from pipeline.parse.text import TextBuilder
from pipeline.records import Document, Link, Raw

SCHEMA_FIELDS = ["source", "kind", "lang", "relevant", "modality", "announcement", "issued", "effective",
                 "elements", "control_codes", "hs_codes", "technologies", "end_user_rules", "thresholds",
                 "not_controlled", "relations", "parties", "evidence"]
LIST_FIELDS = ["effective", "elements", "control_codes", "hs_codes", "technologies", "end_user_rules",
               "thresholds", "not_controlled", "relations", "parties"]
KINDS = {"announcement", "qa", "news", "other"}
MODALITIES = {"official", "reported", "proposed", None}
TECHNOLOGIES = {"mining", "smelting_separation", "metal_smelting", "magnet_manufacturing", "recycling", "equipment"}
CATEGORIES = {"military", "advanced_semiconductor", "military_ai", "humanitarian", "civilian", "listed_entity",
              "country"}
POLICIES = {"deny", "case_by_case", "exempt", "expedited", "license_required"}
NOT_CONTROLLED = {"rotor", "stator", "sensor", "motor", "toy", "phone_case", "charger", "accessory", "catalyst",
                  "phosphor", "consumer_goods"}
RELATION_TYPES = {"suspends", "resumes", "amends", "supersedes", "repeals"}
ELEMENTS = set(
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr "
    "Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir "
    "Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh "
    "Fl Mc Lv Ts Og".split())
ACT_RE = re.compile(r"MOFCOM-\d{4}-\d+")
COUNT = fz.Counter()


def _date(value: object) -> None:
    assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    dt.date.fromisoformat(value)  # a real calendar date, not 2025-02-30


def check_extraction(doc: Document, x) -> None:
    rec = x.record
    assert list(rec) == SCHEMA_FIELDS, "schema fields, in schema order"
    assert x.document_id == doc.id
    assert rec["kind"] in KINDS and rec["lang"] in ("zh", "en") and isinstance(rec["relevant"], bool)
    assert rec["modality"] in MODALITIES
    assert isinstance(rec["source"], str) and rec["source"]
    if rec["announcement"] is not None:
        assert ACT_RE.fullmatch(rec["announcement"]), rec["announcement"]
    if rec["issued"] is not None:
        _date(rec["issued"])
    for f in LIST_FIELDS:
        assert isinstance(rec[f], list), f
    if not rec["relevant"]:
        assert rec["modality"] is None and not any(rec[f] for f in LIST_FIELDS), "noise must be empty"
    for d in rec["effective"]:
        _date(d)
    assert set(rec["elements"]) <= ELEMENTS, rec["elements"]
    assert all(isinstance(c, str) and re.match(r"\d[A-E]\d{3}", c) for c in rec["control_codes"]), rec["control_codes"]
    assert all(isinstance(c, str) and re.fullmatch(r"\d{8}(\d{2})?", c) for c in rec["hs_codes"]), rec["hs_codes"]
    assert set(rec["technologies"]) <= TECHNOLOGIES, rec["technologies"]
    assert set(rec["not_controlled"]) <= NOT_CONTROLLED, rec["not_controlled"]
    for r in rec["end_user_rules"]:
        assert set(r) == {"category", "policy"} and r["category"] in CATEGORIES and r["policy"] in POLICIES, r
    for t in rec["thresholds"]:
        assert set(t) == {"kind", "value"} and t["kind"] == "value_ratio", t
        assert isinstance(t["value"], float) and 0 <= t["value"] <= 1, t
    for r in rec["relations"]:
        assert set(r) == {"type", "target", "until"} and r["type"] in RELATION_TYPES, r
        assert ACT_RE.fullmatch(r["target"]), r
        if r["until"] is not None:
            _date(r["until"])
    for f in LIST_FIELDS:
        assert len({json.dumps(v, sort_keys=True) for v in rec[f]}) == len(rec[f]), f"duplicate values in {f}"
    # Evidence: exact spans, and every extracted value has some.
    text = doc.text
    have: set[tuple[str, str]] = set()
    for e in rec["evidence"]:
        assert set(e) >= {"field", "value", "start", "end", "text"}, e
        assert e["field"] in SCHEMA_FIELDS, e
        assert isinstance(e["start"], int) and isinstance(e["end"], int) and 0 <= e["start"] <= e["end"] <= len(text), e
        assert text[e["start"]:e["end"]] == e["text"], f"evidence span off: {e}"
        have.add((e["field"], json.dumps(e["value"], sort_keys=True)))
    for f in LIST_FIELDS:
        for v in rec[f]:
            assert (f, json.dumps(v, sort_keys=True)) in have, f"{f} value {v!r} has no evidence"
    for f in ("announcement", "issued"):
        if rec[f] is not None:
            assert (f, json.dumps(rec[f])) in have, f"{f} {rec[f]!r} has no evidence"
    for m in x.mentions:
        assert 0 <= m["start"] <= m["end"] <= len(text) and text[m["start"]:m["end"]] == m["quote"], m
    for item in x.items:
        assert 0 <= item["start"] <= item["end"] <= len(text) and text[item["start"]:item["end"]] == item["quote"]
    json.dumps(x.to_dict(), ensure_ascii=False).encode("utf-8")


def run_extract(doc: Document) -> None:
    from pipeline.extract import extract

    x = extract(doc)
    check_extraction(doc, x)
    COUNT.n += 1
    COUNT.errors += bool(x.record["relevant"])


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\nfuzz extract: {COUNT.n} documents extracted, {COUNT.errors} found relevant")


# --- (1) documents parsed from damaged files -----------------------------------------------------

@fz.fuzz_settings(0.75)
@given(st.one_of(fz.mutated(fz.HTML_FILES + fz.PDF_FILES[:1] + fz.FEED_FILES), fz.misencoded(fz.HTML_FILES)))
def test_extract_documents_parsed_from_damaged_files(case: tuple[str, bytes]) -> None:
    name, content = case
    doc = parse(Raw(content=content, source=f"fuzz/{name}"))
    if not doc.text.strip():
        return  # the extract stage skips documents without text (counted as extract_errors)
    run_extract(doc)


# --- (2) synthetic documents ---------------------------------------------------------------------

def _corpus_lines() -> list[str]:
    lines: list[str] = []
    for path in fz.HTML_FILES + fz.PDF_FILES[:1] + fz.FEED_FILES[:1]:
        doc = parse(Raw(content=fz.BYTES[path], source=path.name))
        lines += [doc.text[b.start:b.end] for b in doc.blocks]
    assert len(lines) > 200
    return lines


LINES = _corpus_lines()
NUM = st.integers(-1, 100_000)
MONTHS = ["January", "February", "March", "Smarch", "December", ""]


@st.composite
def cue_line(draw: st.DrawFn) -> str:
    y, m, d, n = draw(st.sampled_from([2025, 2023, 0, 1, 9999, 10_000])), draw(st.integers(0, 13)), \
        draw(st.integers(0, 32)), draw(NUM)
    code = f"{draw(st.integers(0, 9))}{draw(st.sampled_from('ABCDEZ'))}{draw(st.integers(0, 99999)):03d}" \
           f"{draw(st.sampled_from(['', '.a', '.zz', '.a.1', '.']))}"
    hs = "".join(draw(st.lists(st.sampled_from("0123456789. "), min_size=1, max_size=14)))
    pct = draw(st.sampled_from(["0.1", "0", "100", "1e400", "-5", "0.0000001", "１", "."]))
    return draw(st.sampled_from([
        f"商务部公告{y}年第{n}号", f"商务部 海关总署公告{y}年第{n}号", f"本公告自{y}年{m}月{d}日起正式实施。",
        f"暂停实施商务部公告{y}年第{n}号至{y}年{m}月{d}日。", f"一、下列物项未经许可不得出口：{code} 钐、镝、钆相关物项",
        f"（{n}）{code} 稀土开采技术 海关商品编号 {hs}", f"价值占比达到{pct}%及以上的，适用本公告规定。",
        f"对军事最终用户的出口申请原则上不予许可；{code}", f"MOFCOM Announcement No. {n} of {y}",
        f"This announcement shall take effect on {draw(st.sampled_from(MONTHS))} {d}, {y}.",
        f"suspended until {draw(st.sampled_from(MONTHS))} {d}, {y}; export controls on samarium {code} HS {hs}",
        f"items with a value ratio of {pct}% or more; rotors, stators and toys are not controlled",
        f"发布文号：商务部公告{y}年第{n}号 发文日期：{y}-{m:02d}-{d:02d}", f"{y}-{m}-{d}", f"问：{code}答：",
    ]))


@st.composite
def synthetic_documents(draw: st.DrawFn) -> Document:
    pieces = st.one_of(st.sampled_from(LINES), cue_line(), fz.mixed_text(120),
                       st.sampled_from(LINES).flatmap(lambda line: st.integers(0, len(line)).map(lambda i: line[:i])),
                       st.tuples(st.sampled_from(LINES), st.sampled_from(LINES)).map("".join))
    kinds = st.sampled_from(["heading", "paragraph", "list_item", "table_row", "meta", "title"])
    builder = TextBuilder()
    for line, kind, level in draw(st.lists(st.tuples(pieces, kinds, st.integers(0, 6)), min_size=1, max_size=40)):
        builder.add(line, kind, level, page=draw(st.sampled_from([None, 1, 2])))
    text = builder.text
    links = [Link(href=f"https://e.org/{i}", text=t, rel=draw(st.sampled_from(["link", "detail", "feed_item"])))
             for i, t in enumerate(draw(st.lists(st.sampled_from(LINES), max_size=6)))]
    return Document(
        id=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), source="fuzz/synthetic",
        media_type=draw(st.sampled_from(["text/html", "application/pdf", "application/rss+xml", "text/plain"])),
        text=text, lang=draw(st.sampled_from([None, "zh", "en", "xx"])),
        title=draw(st.one_of(st.none(), st.sampled_from(LINES), fz.mixed_text(60))),
        published=draw(st.sampled_from([None, "2025-10-09", "2025-02-30", "0000-00-00", "9999-12-31"])),
        blocks=builder.blocks, links=links,
    )


@fz.fuzz_settings(1.0)
@given(synthetic_documents())
def test_extract_synthetic_documents(doc: Document) -> None:
    run_extract(doc)


def test_extract_stage_on_fuzzed_corpus_stores_consistent_rows(tmp_path) -> None:
    """Through the stage and the store: every stored evidence/item/mention quote equals the
    stored document text at its offsets (what Datasette and the alerts read back)."""
    from pipeline.context import Context
    from pipeline.extract.stage import run_stage
    from pipeline.ingest import ingest_raw

    ctx = Context.open(tmp_path / "x.db", quiet=True)
    ctx.start_run("fuzz")
    rnd = random.Random(9)
    examples: list[tuple[str, bytes]] = []
    for path in fz.HTML_FILES + fz.PDF_FILES[:1]:  # each real file cut short and byte-flipped
        data = bytearray(fz.BYTES[path][:rnd.randint(len(fz.BYTES[path]) // 3, len(fz.BYTES[path]))])
        for _ in range(rnd.randint(1, 20)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        examples.append((path.name, bytes(data)))
    for i, (name, content) in enumerate(examples + [(p.name, fz.BYTES[p]) for p in fz.HTML_FILES]):
        ingest_raw(ctx, Raw(content=content, source=f"{i:03d}-{name}"))
    run_stage(ctx)
    bad = ctx.db.execute(
        """SELECT t, quote, got FROM (
             SELECT 'evidence' t, e.quote, substr(d.text, e."start" + 1, e."end" - e."start") got
               FROM evidence e JOIN documents d ON d.id = e.document_id
             UNION ALL SELECT 'items', i.quote, substr(d.text, i."start" + 1, i."end" - i."start")
               FROM items i JOIN documents d ON d.id = i.document_id
             UNION ALL SELECT 'mentions', m.quote, substr(d.text, m."start" + 1, m."end" - m."start")
               FROM mentions m JOIN documents d ON d.id = m.document_id) WHERE quote IS NOT got""").fetchall()
    assert not bad, bad[:5]
    n = ctx.db.execute("SELECT count(*) FROM records").fetchone()[0]
    assert n >= len(fz.HTML_FILES)
    COUNT.n += n
