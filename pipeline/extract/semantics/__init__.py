"""Semantic spaCy components of the exportwatch pipelines; importing this package registers them.

Factories (each `nlp.add_pipe(name)`; they read the scan of `ew_scan`, or make one with the cue
book of models/src when the pipeline has none):
- `ew_doc_classifier`  -> doc.user_data["ew_kind" | "ew_relevant" | "ew_modality"], doc.spans["doc_class"]
- `ew_end_user_rules`  -> doc.spans["end_user_rules"], labels "category:policy"
- `ew_technologies`    -> doc.spans["technologies"], labels from the technology vocabulary
- `ew_thresholds`      -> doc.spans["thresholds"], labels "value_ratio:0.001"
- `ew_exclusions`      -> doc.spans["not_controlled"], labels from the not_controlled vocabulary
Every span's text is the cue that supports its label (evidence offsets = span.start_char/end_char).
The components do not blank their spans for irrelevant documents: the record builder applies
the contract's noise rule using doc.user_data["ew_relevant"].
"""
from __future__ import annotations

from pipeline.extract.semantics import doc_classifier, end_user, exclusions, technologies, thresholds

FACTORIES = ("ew_doc_classifier", "ew_end_user_rules", "ew_technologies", "ew_thresholds", "ew_exclusions")
SPAN_KEYS = {"ew_doc_classifier": "doc_class", "ew_end_user_rules": "end_user_rules",
             "ew_technologies": "technologies", "ew_thresholds": "thresholds", "ew_exclusions": "not_controlled"}

__all__ = ["FACTORIES", "SPAN_KEYS", "doc_classifier", "end_user", "exclusions", "technologies", "thresholds"]
