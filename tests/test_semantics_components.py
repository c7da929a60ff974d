"""Component mechanics: registration, the cue book saved with the pipeline, edge inputs, offsets."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy

import pipeline.extract.semantics as semantics
from pipeline.config import MODELS_DIR
from pipeline.extract import extract
from pipeline.extract.build import assemble
from pipeline.records import Document

TEXT_ZH = ("商务部公告2025年第99号\n现将有关事项公告如下：\n一、出口至境外军事用户的，原则上不予许可。\n"
           "二、价值占比达到0.1%及以上的，适用本公告。\n三、手机壳不属于管制范围。\n"
           "四、下列技术未经许可不得出口：\n1E999 稀土冶炼分离技术。\n本公告自公布之日起实施。")
_FULL: dict[str, spacy.language.Language] = {}


def full(lang: str) -> spacy.language.Language:
    if lang not in _FULL:
        _FULL[lang] = assemble(lang, semantics.FACTORIES)
    return _FULL[lang]


def summary(doc) -> dict:
    out = {k: doc.user_data.get(k) for k in ("ew_kind", "ew_relevant", "ew_modality")}
    out.update({key: sorted((s.start_char, s.end_char, s.label_) for s in doc.spans[key])
                for key in semantics.SPAN_KEYS.values()})
    return out


def test_factories_are_registered_under_the_contract_names() -> None:
    for name in semantics.FACTORIES:
        assert name in spacy.registry.factories.get_all() or spacy.blank("en").has_factory(name)


def test_every_component_writes_its_outputs() -> None:
    got = summary(full("zh")(TEXT_ZH))
    assert (got["ew_kind"], got["ew_relevant"], got["ew_modality"]) == ("announcement", True, "official")
    assert {s[2] for s in got["end_user_rules"]} == {"military:deny"}
    assert {s[2] for s in got["thresholds"]} == {"value_ratio:0.001"}
    assert {s[2] for s in got["not_controlled"]} == {"phone_case"}
    assert {s[2] for s in got["technologies"]} == {"smelting_separation"}


def test_pipeline_round_trips_through_disk_without_sources(tmp_path: Path) -> None:
    nlp = full("zh")
    expected = summary(nlp(TEXT_ZH))
    nlp.to_disk(tmp_path / "model")
    assert (tmp_path / "model" / "ew_scan" / "book.json").exists()
    assert (tmp_path / "model" / "ew_scan" / "hyperscan.db").exists()
    assert (tmp_path / "model" / "tokenizer" / "normalise.json").exists()
    loaded = spacy.load(tmp_path / "model")
    assert summary(loaded(TEXT_ZH)) == expected


def test_the_cue_sources_given_at_initialize_are_used(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(MODELS_DIR / "src", src)
    exclusions = (src / "semantics" / "exclusions.yml").read_text(encoding="utf-8")
    (src / "semantics" / "exclusions.yml").write_text(exclusions.replace("'手机(?:保护)?壳', ", ""), encoding="utf-8")
    doc = assemble("zh", semantics.FACTORIES, src=src)(TEXT_ZH)
    assert not doc.spans["not_controlled"]  # the edited vocabulary, not the default, was compiled


def test_missing_cue_sources_fail_loudly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        assemble("en", ["ew_thresholds"], src=tmp_path)


@pytest.mark.parametrize("lang,text", [("zh", ""), ("en", ""), ("en", "   \n\n "), ("zh", "？？？"),
                                       ("en", "?" * 50), ("zh", "\n".join(["表格 | 行"] * 300))])
def test_edge_inputs_do_not_crash(lang: str, text: str) -> None:
    doc = full(lang)(text)
    assert doc.user_data["ew_kind"] == "other" and doc.user_data["ew_relevant"] is False


def test_evidence_maps_to_original_offsets_with_nbsp_and_wraps() -> None:
    text = ("China's rare earth export controls: what they cover\n"
            "Rotors\u00a0and stators are?not?subject to the controls.\n"
            "Foreign products need a licence if Chinese rare earths make up 0.1% or more of the\n"
            "product's value.")
    x = extract(Document(id="n" * 64, source="n.txt", media_type="text/plain", text=text, lang="en"))
    for ev in x.record["evidence"]:
        assert text[ev["start"]:ev["end"]] == ev["text"]
    assert set(x.record["not_controlled"]) == {"rotor", "stator"}
    assert x.record["thresholds"] == [{"kind": "value_ratio", "value": 0.001}]
    ratio = next(ev for ev in x.record["evidence"] if ev["field"] == "thresholds")
    assert ratio["text"].startswith("0.1%") and ratio["text"].endswith("value")


def test_every_threshold_pattern_captures_its_number() -> None:
    """Each value-ratio pattern names the number it reads: (?P<pct>…) digits or (?P<zh>…) numerals."""
    import yaml

    data = yaml.safe_load((MODELS_DIR / "src" / "semantics" / "thresholds.yml").read_text(encoding="utf-8"))
    for lang, patterns in data["value_ratio"].items():
        for pattern in patterns:
            assert "(?P<pct>" in pattern or "(?P<zh>" in pattern, pattern
