"""The benchmark behind `exportwatch bench` (`make bench`).

For each corpus size N (default 1,000 and 10,000) it generates a synthetic corpus (synth.py) and, each
in its own child process so that peak RSS is per run:

1. `pipeline`: the whole `exportwatch run` (ingest, then the stages of pipeline.runner) on a fresh
   database, each stage timed; PDFs parsed are counted; peak RSS after each stage.
2. `limit`: the same texts (every document the extract stage read) through bare `spacy.blank(lang)`
   tokenisation with `nlp.pipe` and the extract stage's batch size: the ceiling for extraction.

Then, on the largest corpus: a no-op re-run on the unchanged database (its time over the full run's,
and how many PDFs it parsed: must be 0), `exportwatch state --on 2025-11-20 --json` in a fresh
process (seconds and peak RSS), and the median latency of the Datasette canned queries through a
real `exportwatch serve` process.

    python -m pipeline.bench.harness pipeline --corpus DIR --db PATH --out result.json
    python -m pipeline.bench.harness limit --db PATH --out result.json
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable

BENCH_TODAY = "2026-01-01"  # a fixed "today", so counts (scheduled/occurred, timed alerts) repeat
SERVE_REQUESTS = 30
SERVE_WARMUP = 5
TARGETS = {"extract_ratio": (">=", 0.5), "noop_ratio": ("<=", 0.02), "memory_ratio": ("<=", 1.2),
           "serve_current_controls_ms": ("<", 50.0), "serve_hs_code_ms": ("<", 50.0),
           "state_seconds": ("<", 2.0), "state_peak_rss_mb": ("<", 150.0),
           "screen_one_name_ms": ("<", 50.0), "screen_csv_10000_s": ("<", 60.0)}
STATE_ON = "2025-11-20"  # `exportwatch state --on STATE_ON --json` on the largest database


# --- child: one pipeline run ---------------------------------------------------------------

def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def peak_rss_workers_mb() -> float:
    """The largest peak RSS of this process's finished children (the parse and extract workers,
    the PDF parse children): the memory_ratio is the run's own process, this is reported beside."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU of this process and of its children that have been waited for (the
    extract stage's worker pool is joined when the stage ends)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_pipeline(corpus: Path, db_path: Path, today: dt.date) -> dict[str, Any]:
    """`exportwatch run --corpus CORPUS --db DB`, stage by stage with a clock on each (this process)."""
    from pipeline import runner
    from pipeline.context import Context
    from pipeline.extract import build

    loads = {"seconds": 0.0, "cpu": 0.0}
    load = build.load

    def timed_load(lang):
        t, c = time.perf_counter(), time.process_time()
        try:
            return load(lang)
        finally:
            # wall and CPU apart: in a fresh clone the first load builds the models, or waits on
            # another process building them (wall time without CPU)
            loads["seconds"] += time.perf_counter() - t
            loads["cpu"] += time.process_time() - c

    build.load = timed_load  # extract_many imports it at call time: model load time kept apart

    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rss: dict[str, float] = {"start": peak_rss_mb()}  # peak so far after each stage: who grows
    last_cpu = [cpu_seconds()]

    def after(name: str, seconds: float) -> None:
        stages[name] = seconds
        rss[name] = peak_rss_mb()
        now = cpu_seconds()  # this process and its finished workers: what the stage cost in CPU
        cpu[name], last_cpu[0] = now - last_cpu[0], now

    t0 = time.perf_counter()
    with runner.run_lock(db_path):
        ctx = Context.open(db_path, today=today, quiet=True)
        ctx.start_run("bench run", locked=True)
        runner.execute(ctx, runner.steps(runner.ingest_step(corpus)), after=after)
        ctx.finish_run("ok")
    notes: dict[str, str] = {}
    total = time.perf_counter() - t0
    docs = ctx.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    return {"corpus": str(corpus), "db": str(db_path), "seconds": total, "stages": stages, "stage_cpu_seconds": cpu,
            "model_load_seconds": loads["seconds"], "model_load_cpu_seconds": loads["cpu"], "pdfs_parsed": ctx.counts.get("parsed_pdf", 0), "counts": ctx.counts,
            "documents_in_db": docs, "pipeline_version": build.pipeline_version(), "peak_rss_mb": peak_rss_mb(),
            "peak_rss_workers_mb": peak_rss_workers_mb(),
            "peak_rss_mb_after": rss, "notes": notes, "db_bytes": db_path.stat().st_size}


# --- `exportwatch state --on D --json` ---------------------------------------------------------

def state_measure(db_path: Path, on: str) -> dict[str, Any]:
    """`exportwatch state --on ON --json` as a user runs it, in its own process (output to
    /dev/null): wall time, and that process's own peak RSS (os.wait4's rusage is per child)."""
    cmd = [sys.executable, "-m", "pipeline", "state", "--db", str(db_path), "--on", on, "--json"]
    t = time.perf_counter()
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": time.perf_counter() - t, "peak_rss_mb": usage.ru_maxrss / 1024, "exit_code": proc.returncode,
            "command": " ".join(["exportwatch", *cmd[3:]])}


# --- child: the limit (bare tokenisation of the same texts) ---------------------------------------

def run_limit(db_path: Path, batch_size: int, profile: bool = False) -> dict[str, Any]:
    """Tokenise the texts the extract stage read with bare spacy.blank(lang), same batch size.
    With `profile`, also time each step of extraction on the same documents (where it goes)."""
    import spacy

    from pipeline import store as core
    from pipeline.extract import detect_lang

    db = core.open_db(db_path)
    texts: dict[str, list[str]] = {"zh": [], "en": []}
    docs: dict[str, list[Any]] = {"zh": [], "en": []}
    ids = [r[0] for r in db.execute(
        "SELECT DISTINCT l.document_id FROM locations l JOIN records r ON r.document_id = l.document_id "
        "ORDER BY l.document_id").fetchall()]
    for doc_id in ids:
        doc = core.load_document(db, doc_id)
        if (doc.text or "").strip():
            texts[detect_lang(doc)].append(doc.text)
            if profile:
                docs[detect_lang(doc)].append(doc)
    out: dict[str, Any] = {"batch_size": batch_size, "langs": {}}
    words = chars = 0
    seconds = 0.0
    for lang, items in texts.items():
        if not items:
            continue
        nlp = spacy.blank(lang)
        list(nlp.pipe(items[:20], batch_size=batch_size))  # warm-up (lazy tables)
        t = time.perf_counter()
        n_words = 0
        for sdoc in nlp.pipe(items, batch_size=batch_size):
            n_words += sum(1 for tok in sdoc if not tok.is_space)
        s = time.perf_counter() - t
        n_chars = sum(len(x) for x in items)
        out["langs"][lang] = {"docs": len(items), "words": n_words, "chars": n_chars, "seconds": s,
                              "words_per_s": n_words / s if s else None}
        words += n_words
        chars += n_chars
        seconds += s
    out.update(docs=sum(len(v) for v in texts.values()), words=words, chars=chars, seconds=seconds,
               words_per_s=words / seconds if seconds else None, peak_rss_mb=peak_rss_mb())
    if profile:
        out["extract_profile"] = {lang: extract_profile(items, batch_size) for lang, items in docs.items() if items}
    return out


def extract_profile(docs: list[Any], batch_size: int) -> dict[str, float]:
    """Seconds per step of extraction for `docs` (one language): tokenise (make_doc), each pipeline
    component, then the record (_finish). Steps run one after another over all documents."""
    from pipeline.extract import _finish, _prepare, _tiers, detect_lang
    from pipeline.extract.build import load

    lang = detect_lang(docs[0])
    nlp = load(lang)
    steps: dict[str, float] = {}
    t = time.perf_counter()
    sdocs = [_prepare(nlp, d) for d in docs]
    steps["tokenise (make_doc)"] = time.perf_counter() - t
    for name, proc in nlp.pipeline:
        t = time.perf_counter()
        sdocs = list(proc.pipe(sdocs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in sdocs]
        steps[name] = time.perf_counter() - t
    tiers = _tiers(nlp)
    t = time.perf_counter()
    for d, sd in zip(docs, sdocs):
        _finish(d, sd, lang, tiers, None)
    steps["record (_finish)"] = time.perf_counter() - t
    return {k: round(v, 3) for k, v in steps.items()}


# --- parent -------------------------------------------------------------------------------

def child(mode: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run `python -m pipeline.bench.harness MODE ...` and return its JSON result."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        result = Path(f.name)
    try:
        cmd = [sys.executable, "-m", "pipeline.bench.harness", mode, *args, "--out", str(result)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"bench {mode} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        return json.loads(result.read_text())
    finally:
        result.unlink(missing_ok=True)


def fresh_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    (path.parent / "alerts.atom").unlink(missing_ok=True)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def corpus_for(work: Path, n: int, seed: int, log: Callable[[str], None]) -> tuple[Path, dict[str, Any], float]:
    """The synthetic corpus of n documents under work (reused when --keep already holds it)."""
    from pipeline.bench import synth

    corpus = work / f"corpus-{n}"
    manifest = corpus / "synth.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        if m.get("seed") == seed and m.get("docs") == n and m.get("pdf_font") == (
                str(synth.find_cjk_font()) if synth.find_cjk_font() else None):
            log(f"bench: reusing {corpus} ({n} documents)")
            return corpus, m, 0.0
    shutil.rmtree(corpus, ignore_errors=True)
    log(f"bench: generating {n} documents into {corpus}")
    t = time.perf_counter()
    m = synth.generate(corpus, n, seed=seed).to_dict()
    return corpus, m, time.perf_counter() - t


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def canned_queries() -> tuple[dict[str, Any] | None, str]:
    """(metadata, reason): pipeline/serve/metadata.yml once the serve stage ships it."""
    import yaml

    path = Path(__file__).resolve().parent.parent / "serve" / "metadata.yml"
    if not path.exists():
        return None, f"{path.relative_to(path.parents[2])} does not exist yet (serve stage not written)"
    return yaml.safe_load(path.read_text()) or {}, ""


def pick_queries(meta: dict[str, Any], db_name: str) -> dict[str, tuple[str, str, str]]:
    """{"current_controls": (db, query, sql), "hs_code": (db, query, sql)} from the canned queries."""
    found: dict[str, tuple[str, str, str]] = {}
    for name, db in (meta.get("databases") or {}).items():
        target = db_name if name == "*" else name
        # canned queries first; a table or view of that name (e.g. current_controls) otherwise
        for section in ("queries", "tables"):
            for query, spec in ((db or {}).get(section) or {}).items():
                sql = spec if isinstance(spec, str) else (spec or {}).get("sql", "")
                words = query.lower().replace("-", "_").split("_")
                if "current" in words and "controls" in words:
                    found.setdefault("current_controls", (target, query, sql))
                elif words[0] == "hs" and section == "queries":
                    found.setdefault("hs_code", (target, query, sql))
    return found


def _params(sql: str) -> list[str]:
    import re

    return sorted(set(re.findall(r"(?<!:):([A-Za-z_][A-Za-z0-9_]*)", sql or "")))


def hs_codes_to_ask(db_path: Path, meta_text: str) -> dict[str, str]:
    """HS codes for the HS-code query: `documented`, the one the metadata's own example link asks
    for (else the most listed code), and `typical`, the code listed by the median number of items
    (in this synthetic corpus a common code is listed by thousands of items; in MOFCOM's by a few)."""
    import re
    import sqlite3

    out: dict[str, str] = {}
    m = re.search(r"hs_code\?hs=(\d{4,10})", meta_text)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        counts: list[tuple[str, int]] = []
        with contextlib.suppress(sqlite3.Error):
            counts = conn.execute("SELECT value, count(*) AS n FROM items, json_each(CASE WHEN json_valid(items.hs_codes) "
                                  "THEN items.hs_codes ELSE '[]' END) GROUP BY value ORDER BY n, value").fetchall()
        if m:
            out["documented"] = m.group(1)
        elif counts:
            out["documented"] = str(counts[-1][0])
        if counts:
            out["typical"] = str(counts[len(counts) // 2][0])
    finally:
        conn.close()
    return out


def serve_latency(db_path: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """Median latency of the current-controls and HS-code canned queries via `exportwatch serve`."""
    meta, reason = canned_queries()
    if meta is None:
        return {"skipped": reason}
    meta_text = (Path(__file__).resolve().parent.parent / "serve" / "metadata.yml").read_text()
    queries = pick_queries(meta, db_path.stem)
    missing = [k for k in ("current_controls", "hs_code") if k not in queries]
    if missing:
        return {"skipped": f"metadata.yml has no canned query for {', '.join(missing)}",
                "queries": sorted(q for db in (meta.get('databases') or {}).values()
                                  for q in ((db or {}).get('queries') or {}))}
    port = free_port()
    exe = Path(sys.executable).parent / "exportwatch"
    cmd = [str(exe), "serve", "--db", str(db_path), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"command": " ".join(cmd), "requests": SERVE_REQUESTS, "warmup": SERVE_WARMUP}
    try:
        t = time.perf_counter()
        while True:
            if proc.poll() is not None:
                return {"skipped": f"exportwatch serve exited ({proc.returncode}): {proc.stdout.read()[-1500:]}"}
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            if time.perf_counter() - t > 90:
                return {"skipped": "exportwatch serve did not answer within 90 s"}
            time.sleep(0.2)
        out["startup_seconds"] = time.perf_counter() - t
        codes = hs_codes_to_ask(db_path, meta_text)
        out["hs_codes_asked"] = codes
        probes = [("current_controls", *queries["current_controls"], None),
                  ("hs_code", *queries["hs_code"], codes.get("documented", "2805301910"))]
        if codes.get("typical") and codes["typical"] != codes.get("documented"):
            probes.append(("hs_code_typical", *queries["hs_code"], codes["typical"]))
        for key, db_name, query, sql, hs in probes:
            params = {p: hs if hs else "" for p in _params(sql)}
            url = f"{base}/{urllib.parse.quote(db_name)}/{urllib.parse.quote(query)}.json?" + \
                urllib.parse.urlencode({**params, "_shape": "array"})
            times, rows, status = [], None, None
            for i in range(SERVE_WARMUP + SERVE_REQUESTS):
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=30) as r:
                        body = r.read()
                        status = r.status
                except urllib.error.HTTPError as exc:
                    body, status = exc.read(), exc.code
                dt_ms = (time.perf_counter() - t) * 1000
                if i >= SERVE_WARMUP:
                    times.append(dt_ms)
                if rows is None and status == 200:
                    with contextlib.suppress(ValueError):
                        rows = len(json.loads(body))
            out[key] = {"query": query, "url": url.replace(base, ""), "status": status, "rows": rows,
                        "median_ms": statistics.median(times), "p90_ms": sorted(times)[int(len(times) * 0.9) - 1],
                        "min_ms": min(times)}
            log(f"bench: {key}: median {out[key]['median_ms']:.1f} ms (HTTP {status}, {rows} rows)")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait()
    return out


def bench(sizes: list[int], out: Path, keep: Path | None = None, seed: int = 7,
          log: Callable[[str], None] = print) -> dict[str, Any]:
    from pipeline.extract.stage import BATCH_SIZE

    started = time.perf_counter()
    tmp = None
    if keep is None:
        tmp = Path(tempfile.mkdtemp(prefix="exportwatch-bench-"))
    work = Path(keep or tmp)
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_start": load_average()},
        "seed": seed, "today": BENCH_TODAY, "batch_size": BATCH_SIZE, "sizes": sizes, "runs": {},
        "targets": {k: f"{op} {v}" for k, (op, v) in TARGETS.items()},
    }
    try:
        for n in sizes:
            corpus, manifest, synth_s = corpus_for(work, n, seed, log)
            db = work / f"run-{n}" / "exportwatch.db"
            db.parent.mkdir(parents=True, exist_ok=True)
            fresh_db(db)
            log(f"bench: full pipeline on {n} documents (load {load_average()[0]})")
            full = child("pipeline", "--corpus", str(corpus), "--db", str(db), "--today", BENCH_TODAY)
            log(f"bench: {full['seconds']:.1f} s; bare tokenisation of the same texts")
            limit = child("limit", "--db", str(db), "--batch-size", str(BATCH_SIZE),
                          *(["--profile"] if n == min(sizes) else []))
            run = summarise(n, full, limit, manifest, synth_s)
            run["load_average"] = load_average()
            result["runs"][str(n)] = run
        largest = str(max(sizes))
        big = result["runs"][largest]
        db = work / f"run-{largest}" / "exportwatch.db"
        log(f"bench: no-op re-run on the unchanged {largest}-document database")
        noop = child("pipeline", "--corpus", str(work / f"corpus-{largest}"), "--db", str(db), "--today", BENCH_TODAY)
        big["noop"] = {"seconds": noop["seconds"], "stages": noop["stages"], "pdfs_parsed": noop["pdfs_parsed"],
                       "peak_rss_mb_after": noop.get("peak_rss_mb_after"),
                       "counts": noop["counts"], "peak_rss_mb": noop["peak_rss_mb"],
                       "same_pipeline_version": noop["pipeline_version"] == big["pipeline_version"]}
        log(f"bench: exportwatch state --on {STATE_ON} --json on the {largest}-document database")
        big["state"] = state_measure(db, STATE_ON)
        log("bench: Datasette canned queries")
        result["serve"] = serve_latency(db, log)
        from pipeline.bench.screening import screening_measure

        result["screening"] = screening_measure(log=log)
        result["ratios"] = ratios(result, sizes)
        result["targets_met"] = check_targets(result)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    result["machine"]["load_average_end"] = load_average()
    result["bench_seconds"] = time.perf_counter() - started
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def summarise(n: int, full: dict[str, Any], limit: dict[str, Any], manifest: dict[str, Any],
              synth_s: float) -> dict[str, Any]:
    words = limit["words"]
    extract_s = full["stages"].get("extract", 0.0) - full["model_load_seconds"]
    extract_wps = words / extract_s if extract_s > 0 else None
    # the fair comparison: CPU-seconds of extraction (all its worker processes) against the
    # CPU-seconds of single-process bare tokenisation (its wall time: one busy process)
    extract_cpu = full.get("stage_cpu_seconds", {}).get("extract", 0.0) - full.get("model_load_cpu_seconds", 0.0)
    extract_cpu_wps = words / extract_cpu if extract_cpu > 0 else None
    return {
        "docs": n, "synth": {**manifest, "seconds": synth_s}, "seconds": full["seconds"],
        "docs_per_s": n / full["seconds"], "words": words, "chars": limit["chars"],
        "words_per_s": words / full["seconds"], "stages": full["stages"],
        "model_load_seconds": full["model_load_seconds"], "peak_rss_mb": full["peak_rss_mb"],
        "peak_rss_workers_mb": full.get("peak_rss_workers_mb"),
        "peak_rss_mb_after": full.get("peak_rss_mb_after"),
        "pdfs": manifest.get("kinds", {}).get("pdf", 0), "pdfs_parsed": full["pdfs_parsed"],
        "counts": full["counts"], "documents_in_db": full["documents_in_db"], "db_bytes": full["db_bytes"],
        "pipeline_version": full["pipeline_version"], "notes": full["notes"],
        "stage_cpu_seconds": full.get("stage_cpu_seconds", {}),
        "extract_words_per_s": extract_wps, "tokenise_words_per_s": limit["words_per_s"],
        "extract_cpu_seconds": extract_cpu, "extract_words_per_cpu_s": extract_cpu_wps,
        "limit": limit,
        "extract_ratio": extract_cpu_wps / limit["words_per_s"] if extract_cpu_wps and limit["words_per_s"] else None,
        "extract_ratio_wall": extract_wps / limit["words_per_s"] if extract_wps and limit["words_per_s"] else None,
    }


def ratios(result: dict[str, Any], sizes: list[int]) -> dict[str, Any]:
    small, large = result["runs"][str(min(sizes))], result["runs"][str(max(sizes))]
    out = {
        "extract_ratio": large["extract_ratio"],
        "noop_ratio": large["noop"]["seconds"] / large["seconds"],
        "memory_ratio": large["peak_rss_mb"] / small["peak_rss_mb"] if len(sizes) > 1 else None,
        "noop_pdfs_parsed": large["noop"]["pdfs_parsed"],
        "state_seconds": large.get("state", {}).get("seconds"),
        "state_peak_rss_mb": large.get("state", {}).get("peak_rss_mb"),
    }
    serve = result.get("serve", {})
    for key in ("current_controls", "hs_code", "hs_code_typical"):
        out[f"serve_{key}_ms"] = serve.get(key, {}).get("median_ms")
    screening = result.get("screening", {})
    out["screen_one_name_ms"] = screening.get("one_name_median_ms")
    out["screen_csv_10000_s"] = screening.get("csv_seconds")
    return out


def check_targets(result: dict[str, Any]) -> dict[str, bool | None]:
    r = result["ratios"]
    met: dict[str, bool | None] = {}
    for key, (op, limit) in TARGETS.items():
        value = r.get(key)
        met[key] = None if value is None else {">=": value >= limit, "<=": value <= limit, "<": value < limit}[op]
    met["noop_pdfs_parsed"] = r["noop_pdfs_parsed"] == 0
    return met


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.bench.harness")
    ap.add_argument("mode", choices=["pipeline", "limit"])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--today", default=BENCH_TODAY)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--profile", action="store_true", help="limit: also time each extraction step")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.mode == "pipeline":
        res = run_pipeline(args.corpus, args.db, dt.date.fromisoformat(args.today))
    else:
        res = run_limit(args.db, args.batch_size, args.profile)
    args.out.write_text(json.dumps(res, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
