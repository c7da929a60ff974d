"""CLI commands of the extract stage: `exportwatch extract` and `exportwatch eval`."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator

import click

from pipeline.records import Document, Raw


def read_document(path: Path, source: str) -> Document:
    """Read and parse one file (any supported format or encoding); never raises on bad content."""
    from pipeline.parse import parse

    return parse(Raw(content=path.read_bytes(), source=source))


def _extract_paths(paths: list[tuple[Path, str]], errors: dict[str, str] | None = None
                   ) -> Iterator[tuple[str, Any]]:
    """(source, Extraction) per file, in order; `errors` collects each unparseable file's reason."""
    from pipeline.extract import extract_many

    def docs() -> Iterator[Document]:
        for path, source in paths:
            doc = read_document(path, source)
            if doc.error and errors is not None:
                errors[source] = doc.error
            yield doc

    for (_, source), x in zip(paths, extract_many(docs(), sources=[s for _, s in paths])):
        yield source, x


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one extraction record per input file.")
@click.option("--full", is_flag=True, help="With --json: the whole extraction (record, mentions, items, "
              "clauses, relation scopes, pipeline version) instead of the record alone.")
def extract_command(paths: tuple[Path, ...], as_json: bool, full: bool) -> None:
    """Extract the record of each document file (HTML in any encoding, PDF, text). No database.

    `source` in each record is the path as given on the command line (a file name in another
    encoding, such as a GBK 附件1.pdf, is shown decoded). A file that cannot be parsed (an empty,
    truncated or encrypted PDF) still gets its record, and the reason goes to stderr.

    \b
    exportwatch extract corpus/site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/*.html --json
    exportwatch extract annex.pdf --json --full | jq '.items[] | [.control_code, .element, .name]'
    exportwatch extract notice.txt             # short human-readable summary
    """
    from pipeline.ingest import display_name

    pairs = [(p, display_name(str(p))) for p in paths]
    from pipeline.extract import ExtractionFailure

    errors: dict[str, str] = {}
    failed = 0
    for source, x in _extract_paths(pairs, errors):
        if source in errors:
            click.echo(f"extract: {source}: {errors.pop(source)}", err=True)
        if isinstance(x, ExtractionFailure):  # no record for this file; the others are printed
            click.echo(f"extract: {source}: {x.error}", err=True)
            failed += 1
            continue
        if as_json:
            out = x.to_dict() if full else x.record
            click.echo(json.dumps(out, ensure_ascii=False))
            continue
        r = x.record
        click.echo(f"{source}\n  {r['kind']} {r['lang']} relevant={r['relevant']} modality={r['modality']} "
                   f"announcement={r['announcement']} issued={r['issued']}")
        for key in ("effective", "elements", "control_codes", "hs_codes", "technologies", "end_user_rules",
                    "thresholds", "not_controlled", "relations", "parties"):
            if r[key]:
                click.echo(f"  {key}: {json.dumps(r[key], ensure_ascii=False)}")
    if failed:
        raise click.ClickException(f"{failed} of {len(pairs)} file(s) could not be extracted (see above)")


def gold_documents(gold_dir: Path, docs: Path | None) -> list[tuple[dict[str, Any], Path]]:
    """Gold records with the document each names (source relative to --docs or GOLD_DIR's parent)."""
    base = docs or gold_dir.parent
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        out.append((gold, base / gold["source"]))
    return out


@click.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--docs", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder the gold `source` paths are relative to (default: GOLD_DIR's parent).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_command(gold_dir: Path, docs: Path | None, as_json: bool) -> None:
    """Extract the documents named by the gold files and score them: per-field P/R/F1 and the
    overall micro-F1, as ../shared/tools/score.py computes them.

    \b
    exportwatch eval corpus/gold
    exportwatch eval ../shared/corpus/gold
    exportwatch eval ../shared/corpus/gold --docs ../shared/corpus --json
    """
    from pipeline.extract.evaluate import format_report, score

    pairs = gold_documents(gold_dir, docs)
    if not pairs:  # scoring nothing would print a perfect score
        raise click.ClickException(f"{gold_dir} holds no gold files (*.json): nothing to score; pass the "
                                   f"folder of gold records, e.g. `exportwatch eval corpus/gold`")
    missing = [str(p) for _, p in pairs if not p.is_file()]
    if missing:
        click.echo("eval: gold names missing documents: " + ", ".join(missing), err=True)
    from pipeline.extract import ExtractionFailure

    present = [(p, g["source"]) for g, p in pairs if p.is_file()]
    preds = []
    for source, x in _extract_paths(present):
        if isinstance(x, ExtractionFailure):  # scored as a missing record
            click.echo(f"eval: {source}: {x.error}", err=True)
        else:
            preds.append(x.record)
    result = score(preds, [g for g, _ in pairs])
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_report(result))
    sys.stdout.flush()


commands: list[click.Command] = [extract_command, eval_command]
