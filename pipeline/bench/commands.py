"""CLI commands of the bench stage: `exportwatch bench` and `exportwatch synth`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline.options import quiet_option

DEFAULT_SIZES = "1000,10000"


def _sizes(ctx: click.Context | None, param: click.Parameter | None, value: str) -> list[int]:
    try:
        sizes = [int(x) for x in value.replace(" ", "").split(",") if x]
    except ValueError:
        raise click.BadParameter(f"{value!r}: give document counts separated by commas, e.g. 1000,10000")
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("give at least one document count of 1 or more")
    return sorted(set(sizes))


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "—"
    return format(value, spec) if isinstance(value, (int, float)) else str(value)


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    sizes = [str(n) for n in result["sizes"]]
    machine = result["machine"]
    table = Table(title="exportwatch bench",
                  caption=f"{machine['cpus']} CPUs; load average {machine['load_average_start']} at start, "
                          f"{machine.get('load_average_end')} at end")
    table.add_column("")
    for n in sizes:
        table.add_column(f"{int(n):,} docs", justify="right")
    runs = [result["runs"][n] for n in sizes]

    def row(label: str, fn, spec: str = ".1f") -> None:
        table.add_row(label, *[_fmt(fn(r), spec) for r in runs])

    row("total s", lambda r: r["seconds"])
    row("documents/s", lambda r: r["docs_per_s"])
    row("words/s", lambda r: r["words_per_s"], ",.0f")
    order = ["ingest", "extract", "diff", "alert", "serve"]
    for stage in sorted({s for r in runs for s in r["stages"]}, key=lambda s: order.index(s) if s in order else 99):
        row(f"  {stage} s", lambda r, s=stage: r["stages"].get(s))
    row("  (model load s)", lambda r: r["model_load_seconds"])
    row("extract words/s", lambda r: r["extract_words_per_s"], ",.0f")
    row("bare tokenise words/s", lambda r: r["tokenise_words_per_s"], ",.0f")
    row("extract words/CPU-s", lambda r: r.get("extract_words_per_cpu_s"), ",.0f")
    row("extract_ratio (per CPU)", lambda r: r["extract_ratio"], ".2f")
    row("  (wall, all workers)", lambda r: r.get("extract_ratio_wall"), ".2f")
    row("peak RSS MB", lambda r: r["peak_rss_mb"])
    row("  (largest worker)", lambda r: r.get("peak_rss_workers_mb"))
    row("PDFs parsed", lambda r: r["pdfs_parsed"], "d")
    console.print(table)

    ratios, met = result["ratios"], result["targets_met"]
    summary = Table(title="targets")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    summary.add_column("target")
    summary.add_column("met")
    big = result["runs"][sizes[-1]]
    for key, target in result["targets"].items():
        ok = met.get(key)
        summary.add_row(key, _fmt(ratios.get(key), ".3f"), target, {True: "yes", False: "NO", None: "—"}[ok])
    summary.add_row("no-op re-run s", _fmt(big["noop"]["seconds"]), "", "")
    if big.get("state"):
        console.print(f"state: {big['state']['command']}: {big['state']['seconds']:.2f} s, "
                      f"{big['state']['peak_rss_mb']:.0f} MB peak RSS")
    summary.add_row("no-op PDFs parsed", _fmt(ratios["noop_pdfs_parsed"], "d"), "0",
                    "yes" if met["noop_pdfs_parsed"] else "NO")
    console.print(summary)
    screening = result.get("screening")
    if screening:
        console.print(f"screening: one name against {screening['parties']:,} listed parties, median "
                      f"{screening['one_name_median_ms']:.1f} ms; a {screening['csv_rows']:,}-row CSV "
                      f"{screening['csv_seconds']:.1f} s")
    serve = result.get("serve", {})
    if serve.get("skipped"):
        console.print(f"Datasette: skipped ({serve['skipped']})")
    else:
        for key in ("current_controls", "hs_code", "hs_code_typical"):
            if key in serve:
                q = serve[key]
                console.print(f"Datasette {key}: median {q['median_ms']:.1f} ms over {serve['requests']} requests "
                              f"(p90 {q['p90_ms']:.1f}; HTTP {q['status']}, {q['rows']} rows) {q['url']}")


@click.command()
@click.option("--sizes", "sizes", default=DEFAULT_SIZES, show_default=True, callback=_sizes,
              help="Corpus sizes (document counts) to benchmark, comma-separated (each in a fresh database).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("bench.json"),
              show_default=True, help="Where to write the results (JSON).")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep corpora and databases in this folder (reused by the next run); default: a temp folder.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the synthetic corpus.")
@quiet_option
def bench(sizes: list[int], out: Path, keep: Path | None, seed: int, quiet: bool) -> None:
    """Benchmark the whole pipeline on synthetic corpora; write bench.json and print a table.

    \b
    For each size: documents/s, words/s, peak RSS and time per stage of a full run (a child
    process each), against bare spaCy tokenisation of the same texts (extract_ratio: extraction's
    CPU-seconds, all worker processes counted, against one process tokenising). On the
    largest: a no-op re-run (noop_ratio, PDFs parsed again), Datasette canned-query latency.
    Also memory_ratio = peak RSS at the largest size / at the smallest.

    \b
    exportwatch bench                         # 1,000 and 10,000 documents (make bench)
    exportwatch bench --sizes 200,2000 --keep data/bench
    """
    from pipeline.bench.harness import bench as run_bench

    result = run_bench(sizes, out, keep=keep, seed=seed, log=(lambda m: None) if quiet else lambda m: click.echo(m, err=True))
    print_table(result)
    if not quiet:
        click.echo(f"wrote {out}", err=True)


@click.command()
@click.option("--count", "n_docs", type=click.IntRange(min=1), required=True, help="Number of documents.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write (site/<host>/<path> inside, like the bundled corpus).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed (the same seed gives the same corpus).")
@quiet_option
def synth(n_docs: int, out: Path, seed: int, quiet: bool) -> None:
    """Generate a deterministic synthetic corpus from the bundled documents.

    \b
    exportwatch synth --count 1000 --out data/synth-1000
    exportwatch run --corpus data/synth-1000 --db data/synth.db
    """
    from pipeline.bench.synth import generate

    manifest = generate(out, n_docs, seed=seed)
    kinds = ", ".join(f"{k}={v}" for k, v in manifest.kinds.items())
    font = "zh PDFs with " + Path(manifest.pdf_font).name if manifest.pdf_font else "English-only PDFs (no CJK font)"
    if not quiet:
        click.echo(f"synth: {manifest.docs} documents ({kinds}; {manifest.bytes / 1e6:.1f} MB; {font}) in {out}")


commands: list[click.Command] = [bench, synth]
