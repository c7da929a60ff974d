"""Extraction throughput against bare tokenisation, a cProfile of extraction, and golden outputs.

    python -m pipeline.bench.extract_profile prepare --synth /tmp/syn1k --out /tmp/docs.pkl [--site DIR ...]
    python -m pipeline.bench.extract_profile time --docs /tmp/docs.pkl [--group synth] [--profile N] [--repeat 3]
    python -m pipeline.bench.extract_profile golden --docs /tmp/docs.pkl --out /tmp/golden.jsonl

`prepare` parses the files once (pickled Documents: timing and golden outputs do not depend on the
parsers). `time` runs, per language, (a) bare `spacy.blank(lang)` tokenisation through `nlp.pipe`
with the extract stage's batch size and (b) the extraction exactly as the extract stage runs it
(`extract_many(docs, batch_size=BATCH_SIZE)`), and prints their ratio (the benchmark's
`extract_ratio`: extraction words/s over tokenisation words/s = tokenise seconds / extract seconds).
`golden` writes every Extraction (record with evidence, mentions, items, clauses, relation scopes;
not the pipeline version, which hashes the sources) as JSON lines, for byte-for-byte comparison.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pickle
import pstats
import sys
import time
from pathlib import Path
from typing import Any

SUFFIXES = {".html", ".shtml", ".htm", ".txt", ".pdf", ".xml", ".json"}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and p.name != "synth.json" and not p.name.endswith(".html.json") and not p.name.endswith(".txt.json"))


def prepare(synth: Path | None, sites: list[Path], out: Path) -> None:
    from pipeline.extract.commands import read_document

    docs: list[tuple[str, str, Any]] = []
    for group, folder in ([("synth", synth)] if synth else []) + [(f"site{i}", s) for i, s in enumerate(sites)]:
        for path in _files(folder):
            doc = read_document(path, str(path))
            if (doc.text or "").strip():
                docs.append((group, str(path), doc))
    out.write_bytes(pickle.dumps(docs))
    print(f"{len(docs)} documents -> {out}")


def load_docs(path: Path, group: str | None) -> list[tuple[str, str, Any]]:
    docs = pickle.loads(path.read_bytes())
    return [d for d in docs if group is None or d[0] == group]


def golden(docs: list[tuple[str, str, Any]], out: Path) -> None:
    from pipeline.extract import extract_many
    from pipeline.extract.stage import BATCH_SIZE

    with open(out, "w", encoding="utf-8") as fh:
        for (_, source, _), x in zip(docs, extract_many((d for _, _, d in docs), sources=[s for _, s, _ in docs],
                                                        batch_size=BATCH_SIZE)):
            d = x.to_dict()
            d.pop("pipeline_version")
            fh.write(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(docs)} extractions -> {out}")


def _cpu() -> float:
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def time_lang(docs: list[Any], lang: str, repeat: int, profile: int) -> dict[str, Any]:
    import spacy

    from pipeline.extract import extract_many
    from pipeline.extract.build import load
    from pipeline.extract.stage import BATCH_SIZE

    texts = [d.text for d in docs]
    blank = spacy.blank(lang)
    list(blank.pipe(texts[:20], batch_size=BATCH_SIZE))
    load(lang)
    list(extract_many(docs[:20], batch_size=BATCH_SIZE))
    tok, ext, tok_cpu, ext_cpu = [], [], [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), _cpu()
        for sdoc in blank.pipe(texts, batch_size=BATCH_SIZE):
            pass
        tok.append(time.perf_counter() - t)
        tok_cpu.append(_cpu() - c)
        t, c = time.perf_counter(), _cpu()
        for _x in extract_many(docs, batch_size=BATCH_SIZE):
            pass
        ext.append(time.perf_counter() - t)
        ext_cpu.append(_cpu() - c)
    # wall-clock ratio (what the benchmark reports) and CPU-time ratio (this process and its
    # extraction workers: less sensitive to other load on the machine)
    out = {"docs": len(docs), "tokenise_s": round(min(tok), 3), "extract_s": round(min(ext), 3),
           "ratio": round(min(tok) / min(ext), 3), "tokenise_cpu_s": round(min(tok_cpu), 3),
           "extract_cpu_s": round(min(ext_cpu), 3), "cpu_ratio": round(min(tok_cpu) / min(ext_cpu), 3)}
    if profile:
        pr = cProfile.Profile()
        pr.enable()
        for _x in extract_many(docs, batch_size=BATCH_SIZE):
            pass
        pr.disable()
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats("cumulative").print_stats(profile)
        buf.write("\n--- tottime ---\n")
        pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(profile)
        out["profile"] = buf.getvalue()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.bench.extract_profile")
    ap.add_argument("mode", choices=["prepare", "time", "golden"])
    ap.add_argument("--synth", type=Path)
    ap.add_argument("--site", type=Path, action="append", default=[])
    ap.add_argument("--docs", type=Path)
    ap.add_argument("--group")
    ap.add_argument("--lang", action="append")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, help="cProfile the extraction: print N top rows")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.mode == "prepare":
        prepare(args.synth, args.site, args.out)
        return 0
    docs = load_docs(args.docs, args.group)
    if args.mode == "golden":
        golden(docs, args.out)
        return 0
    from pipeline.extract import detect_lang

    by_lang: dict[str, list[Any]] = {}
    for _, _, d in docs:
        by_lang.setdefault(detect_lang(d), []).append(d)
    for lang, items in sorted(by_lang.items(), reverse=True):
        if args.lang and lang not in args.lang:
            continue
        res = time_lang(items, lang, args.repeat, args.profile)
        prof = res.pop("profile", None)
        print(lang, json.dumps(res))
        if prof:
            print(prof)
    return 0


if __name__ == "__main__":
    sys.exit(main())
