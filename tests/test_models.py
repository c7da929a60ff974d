"""The built spaCy pipelines: assembled from models/src, loadable with spacy.load, self-contained."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy

from pipeline.extract import build
from pipeline.extract.components import MY_COMPONENTS, SEMANTIC_COMPONENTS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_build_and_spacy_load(lang: str, tmp_path: Path) -> None:
    out = build.build(lang, tmp_path / f"exportwatch-{lang}")
    assert (out / "meta.json").exists() and (out / "config.cfg").exists()
    nlp = spacy.load(out)  # factories are registered by importing pipeline.extract.components
    assert nlp.lang == lang
    assert nlp.pipe_names == MY_COMPONENTS + SEMANTIC_COMPONENTS
    assert nlp.meta["exportwatch_sources"] == build.sources_hash()
    doc = nlp("镝" if lang == "zh" else "dysprosium")
    assert [s.label_ for s in doc.spans["elements"]] == ["Dy"]


def test_built_pipeline_needs_no_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The vocabulary is inside the built folder: loading works with models/src out of reach."""
    out = build.build("en", tmp_path / "m")
    monkeypatch.setattr(build, "SRC", tmp_path / "nowhere")
    nlp = spacy.load(out)
    doc = nlp("samarium-cobalt magnets")
    assert [s.label_ for s in doc.spans["elements"]] == ["Sm"]


def test_load_is_cached_and_current() -> None:
    assert build.load("zh") is build.load("zh")
    build.load("en")
    assert build.is_current("zh") and build.is_current("en")


def test_pipeline_version_tracks_sources() -> None:
    version = build.pipeline_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+\+[0-9a-f]{12}", version)
    files = {p.name for p in build.source_files()}
    assert {"elements.yml", "config.cfg", "record.py", "components.py"} <= files
    assert any(p.suffix == ".jsonl" for p in build.source_files())
