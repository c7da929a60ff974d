"""Assemble the spaCy pipelines models/exportwatch-{zh,en} from models/src (config + data files).

`python -m pipeline.extract.build` (the Makefile's `models` target) builds both. The pipelines are
blank zh/en spaCy pipelines with rule components; their data (vocabulary, patterns) is read from
models/src at build time and saved inside the built folder, so loading needs no sources. The
build records a hash of every source (models/src and the code in pipeline/extract) in meta.json;
`pipeline_version()` is derived from the same hash, so changing a pattern re-extracts every
document, and a stale built model is rebuilt on first use.
"""
from __future__ import annotations

import hashlib
import importlib
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import spacy
from spacy import util

from pipeline import __version__, config

SRC = config.MODELS_DIR / "src"
CODE = Path(__file__).resolve().parent
LANGS = ("zh", "en")
SEMANTICS_MODULE = "pipeline.extract.semantics"


def model_dir(lang: str) -> Path:
    return config.MODELS_DIR / f"exportwatch-{lang}"


def source_files() -> list[Path]:
    """Every file whose change must rebuild the pipelines and re-extract the documents."""
    files = [p for p in SRC.rglob("*") if p.is_file() and not p.name.startswith(".")]
    files += [p for p in CODE.rglob("*.py")]
    return sorted(set(files))


@lru_cache(maxsize=1)
def sources_hash() -> str:
    digest = hashlib.sha256()
    for path in source_files():
        rel = path.relative_to(config.ROOT) if path.is_relative_to(config.ROOT) else path
        digest.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def pipeline_version() -> str:
    """Package version + hash of the model sources, e.g. '0.1.0+3f9c2a1b7d4e'."""
    return f"{__version__}+{sources_hash()}"


def import_components() -> None:
    """Register the factories the configs name: ours (ew_elements ...) and the semantic ones
    (ew_doc_classifier ...), which importing pipeline.extract.semantics registers."""
    importlib.import_module("pipeline.extract.tokenizer")
    importlib.import_module("pipeline.extract.components")
    importlib.import_module(SEMANTICS_MODULE)


def build(lang: str, out: Path | None = None) -> Path:
    """Build one pipeline into `out` (default models/exportwatch-LANG); atomic replace."""
    import_components()
    cfg_path = SRC / lang / "config.cfg"
    overrides = {"paths.src": str(SRC), "paths.normalise": str(SRC / "lang" / "normalise.yml")}
    cfg = util.load_config(cfg_path, overrides=overrides, interpolate=False)
    nlp = util.load_model_from_config(cfg, auto_fill=True, validate=True)
    nlp.initialize()
    nlp.meta.update({
        "name": "exportwatch", "version": __version__,
        "description": "exportwatch rule pipeline: view, one cue scan, elements, codes, acts, dates, cues, semantics",
        "exportwatch_sources": sources_hash(),
    })
    out = out or model_dir(lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        nlp.to_disk(tmp)
        backup = out.with_name(out.name + ".old")
        if out.exists():
            shutil.rmtree(backup, ignore_errors=True)
            out.rename(backup)
        tmp.rename(out)
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def assemble(lang: str, names: tuple[str, ...] | list[str] = (), src: Path | None = None) -> spacy.language.Language:
    """A pipeline of some components only, built from sources in memory: the view tokenizer, the
    scan and `names` (for tests of one component; the full pipelines come from `build`/`load`)."""
    import_components()
    src = src or SRC
    nlp = spacy.blank(lang, config={"nlp": {"tokenizer": {"@tokenizers": "exportwatch.ViewTokenizer.v1"}}})
    nlp.add_pipe("ew_scan")
    for name in names:
        nlp.add_pipe(name)
    nlp.config["initialize"]["tokenizer"] = {"normalise_path": str(src / "lang" / "normalise.yml")}
    nlp.config["initialize"]["components"] = {"ew_scan": {"src_path": str(src)}}
    nlp.initialize()
    return nlp


def is_current(lang: str) -> bool:
    meta = model_dir(lang) / "meta.json"
    if not meta.exists():
        return False
    return util.load_meta(meta).get("exportwatch_sources") == sources_hash()


@lru_cache(maxsize=None)
def load(lang: str) -> spacy.language.Language:
    """The built pipeline for `lang`, (re)built first when missing or stale. Cached per process:
    a pipeline is loaded once, never per document."""
    from pipeline.config import MAX_TEXT_CHARS

    import_components()
    if not is_current(lang):
        build(lang)
    nlp = spacy.load(model_dir(lang))
    # long annexes and pages (spaCy's 1,000,000 limit is for parser/NER memory; these pipelines
    # have neither): the document's own cap is checked per document before extraction
    nlp.max_length = MAX_TEXT_CHARS + 1
    return nlp


def main(argv: list[str] | None = None) -> int:
    for lang in (argv or LANGS):
        path = build(lang)
        nlp = spacy.load(path)
        print(f"built {path} ({', '.join(nlp.pipe_names)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
