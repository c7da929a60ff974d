"""`ew_doc_classifier`: what a document is -> doc.user_data["ew_kind"|"ew_relevant"|"ew_modality"].

Why weighted cues rather than a trained text classifier: the dev set has 22 documents, and a
model trained on so few would learn topics ("rare earth") instead of genre. Genre shows in
form, which rules read directly and which carries across templates and outlets:
- announcement: an act's number heading the page ("公告2025年第61号", "Announcement No. 62 of
  2025"), "现将有关事项公告如下"/"hereby announced", "本公告自…起", numbered clauses, salutation;
- qa: "答记者问", 问：/答：, "in response to a question", a ministry spokesperson;
- news: bylines, datelines ("BEIJING, June 12 -"), "said on Thursday", "reportedly", sources,
  analysts, outlet names, "Explainer:" headings;
- other: nothing scores `min_score`.
Relevance needs an export-control cue near a critical-mineral cue (or a dual-use-items cue) at
least twice, or a control cue in the title: one passing mention in an earnings story is not
enough, and anti-dumping, statistics or e-commerce notices carry no control cue at all.
Modality: official kinds are `official` (a draft title makes them `proposed`); third-party
texts are `proposed` when the title (or, failing that, the lead sentence) speaks of a measure
being weighed/planned before any issued act, else `reported` ("reportedly" is not a proposal).
Related-story lists are boilerplate: other headlines must not vote ("China weighs …").
Evidence: doc.spans["doc_class"] with labels `kind:<kind>`, `relevant`, `modality:<modality>`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.semantics._lexicon import SemanticComponent, make_spans
from pipeline.extract.semantics._text import NormText, Segmenter, first_lines

KEY = "doc_class"
KINDS = ("announcement", "qa", "news")
OFFICIAL = ("announcement", "qa")


@dataclass
class KindCue:
    kind: str
    weight: float
    cap: int
    zone: str


class DocClassifier(SemanticComponent):
    files = ("doc_classifier",)

    def compile(self) -> None:
        d = self.data["doc_classifier"]
        self.min_score = float(d.get("min_score", 2.5))
        self.head_lines = int(d.get("head_lines", 6))
        self.cues: dict[str, KindCue] = {}
        spec: dict[str, dict[str, list[str]]] = {}
        for kind, cues in d["kinds"].items():
            for c in cues:
                name = f"c{len(self.cues)}"
                self.cues[name] = KindCue(kind, float(c["w"]), int(c.get("cap", 1)), c.get("zone", "all"))
                spec[name] = {k: c[k] for k in ("zh", "en") if c.get(k)}
        self.kind_lexicon = self.lexicon(spec, "kind", re.M)  # one pass for every kind cue
        rel = d["relevance"]
        self.window, self.min_pairs = int(rel["window"]), int(rel["min_pairs"])
        self.control, self.mineral = self.terms(rel["control"]), self.terms(rel["mineral"])
        mod = d["modality"]
        self.draft, self.proposed, self.issued = (self.terms(mod[k]) for k in ("draft", "proposed", "issued"))

    def classify(self, norm: NormText, seg: Segmenter) -> tuple[dict[str, Any], list[tuple[int, int, str]]]:
        """The three decisions plus evidence triples (normalised offsets)."""
        text = norm.text
        heads = list(first_lines(text, self.head_lines))
        head_end = heads[-1][1] if heads else 0
        title = heads[0] if heads else (0, 0)
        kind, scores, kind_ev = self._kind(text, head_end, seg)
        relevant, rel_ev = self._relevance(text, title, seg)
        evidence = [(a, b, f"kind:{kind}") for a, b in kind_ev] + ([rel_ev] if rel_ev else [])
        modality, mod_ev = None, None
        if relevant:
            modality, mod_ev = self._modality(kind, text, title, seg, kind_ev)
            if mod_ev:
                evidence.append((mod_ev[0], mod_ev[1], f"modality:{modality}"))
        return {"ew_kind": kind, "ew_relevant": relevant, "ew_modality": modality, "ew_kind_scores": scores}, evidence

    def _kind(self, text: str, head_end: int, seg: Segmenter) -> tuple[str, dict[str, float], list[tuple[int, int]]]:
        scores = {k: 0.0 for k in KINDS}
        hits: dict[str, list[tuple[float, int, int]]] = {k: [] for k in KINDS}
        counts: dict[str, int] = {}
        for h in self.kind_lexicon.find(text):
            cue = self.cues[h.label]
            if (cue.zone == "head" and h.start >= head_end) or counts.get(h.label, 0) >= cue.cap \
                    or seg.in_boilerplate(h.start):
                continue
            counts[h.label] = counts.get(h.label, 0) + 1
            scores[cue.kind] += cue.weight
            hits[cue.kind].append((cue.weight, h.start, h.end))
        best = max(KINDS, key=lambda k: scores[k])
        if scores[best] < self.min_score:
            return "other", scores, []
        strongest = sorted(hits[best], key=lambda h: (-h[0], h[1]))[:5]
        return best, scores, [(a, b) for _, a, b in strongest]

    def _relevance(self, text: str, title: tuple[int, int],
                   seg: Segmenter) -> tuple[bool, tuple[int, int, str] | None]:
        if self.control is None or self.mineral is None:
            return False, None
        minerals = [m for m in self.mineral.finditer(text) if not seg.in_boilerplate(m.start())]
        if not minerals:
            return False, None
        starts = [m.start() for m in minerals]
        pairs: list[tuple[int, int]] = []
        # Controls in text order: one in the title decides; past the title, min_pairs pairs do
        # (the rest of the document cannot change the answer or its evidence).
        for c in self.control.finditer(text):
            if seg.in_boilerplate(c.start()):
                continue
            if title[0] <= c.start() < title[1]:
                return True, (title[0], title[1], "relevant")
            k = bisect_left(starts, c.start())
            near = [minerals[j] for j in (k - 1, k) if 0 <= j < len(minerals)
                    and abs(minerals[j].start() - c.start()) <= self.window]
            if near:
                m = min(near, key=lambda m: abs(m.start() - c.start()))
                pairs.append((min(c.start(), m.start()), max(c.end(), m.end())))
            if len(pairs) >= self.min_pairs and c.start() >= title[1]:
                break
        if len(pairs) >= self.min_pairs:
            a, b = pairs[0]
            return True, (a, b, "relevant")
        return False, None

    def _modality(self, kind: str, text: str, title: tuple[int, int], seg: Segmenter,
                  kind_ev: list[tuple[int, int]]) -> tuple[str, tuple[int, int] | None]:
        title_text = text[title[0]:title[1]]
        if kind in OFFICIAL:
            draft = self.draft.search(title_text) if self.draft else None
            if draft:
                return "proposed", (title[0] + draft.start(), title[0] + draft.end())
            return "official", kind_ev[0] if kind_ev else title
        t_prop = self.proposed.search(title_text) if self.proposed else None
        t_iss = self.issued.search(title_text) if self.issued else None
        if t_prop and (not t_iss or t_prop.start() < t_iss.start()):  # "或将…实施": the plan governs
            return "proposed", (title[0] + t_prop.start(), title[0] + t_prop.end())
        if t_iss:
            return "reported", (title[0] + t_iss.start(), title[0] + t_iss.end())
        lead = next((s for s in seg.sentences if s.start >= title[1] and s.end - s.start >= 60
                     and not seg.in_boilerplate(s.start)), None)
        if lead is not None:
            lead_text = text[lead.start:lead.end]
            l_prop = self.proposed.search(lead_text) if self.proposed else None
            l_iss = self.issued.search(lead_text) if self.issued else None
            if l_prop and (not l_iss or l_prop.start() < l_iss.start()):
                return "proposed", (lead.start + l_prop.start(), lead.start + l_prop.end())
            if l_iss:
                return "reported", (lead.start + l_iss.start(), lead.start + l_iss.end())
        return "reported", title

    def __call__(self, doc: Doc) -> Doc:
        norm, seg = self.views(doc)
        decisions, evidence = self.classify(norm, seg)
        doc.user_data.update(decisions)
        doc.spans[KEY] = make_spans(doc, norm, evidence)
        return doc


@Language.factory("ew_doc_classifier", default_config={"data_dir": ""})
def make_doc_classifier(nlp: Language, name: str, data_dir: str) -> DocClassifier:
    return DocClassifier(nlp, name, data_dir)
