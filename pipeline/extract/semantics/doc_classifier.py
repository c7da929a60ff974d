"""`ew_doc_classifier`: what a document is -> doc.user_data["ew_kind"|"ew_relevant"|"ew_modality"].

Why weighted cues rather than a trained text classifier: genre shows in form, which rules read
directly and which carries across templates and outlets:
- announcement: an act's number heading the page ("公告2025年第61号", "Announcement No. 62 of
  2025"), "现将有关事项公告如下"/"hereby announced", "本公告自…起", numbered clauses, salutation, the
  legal-basis and approval formulas of an act's preamble, "全文如下" before a reposted act;
- qa: "答记者问", 问:/答:, "in response to a question", a ministry spokesperson;
- news: bylines, datelines ("BEIJING, June 12 -", 中央社上海7日电), "said on Thursday",
  "reportedly", sources, analysts, outlet names, "Explainer:" headings, law-firm alerts;
- below `min_score`: `default_kind` (third-party reporting: news) for a relevant text or prose with
  a reporting cue; `other` for the rest (a glossary, an empty page, a bare table).
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
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.components import Scan, act_references
from pipeline.extract.layout import Layout
from pipeline.extract.scanner import Hit, leftmost_longest
from pipeline.extract.semantics.base import SemanticComponent, write

KEY = "doc_class"
KINDS = ("announcement", "qa", "news", "other")
OFFICIAL = ("announcement", "qa")


def first_lines(text: str, n: int) -> list[tuple[int, int]]:
    """(start, end) of the first n non-empty lines: the title area of a page."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
            if len(out) >= n:
                break
        pos += len(line) + 1
    return out


class DocClassifier(SemanticComponent):
    def classify(self, scan: Scan, seg: Layout) -> tuple[dict[str, Any], list[tuple[int, int, str]]]:
        """The three decisions plus evidence triples (view offsets)."""
        meta = scan.book.meta["doc_classifier"]
        text = scan.text
        # the title area starts at the page's title (a site's banner and menu lines come first on
        # old table-layout pages), else at the top
        top = next((u.start for u in seg.units if u.role == "title"), 0)
        heads = [(a + top, b + top) for a, b in first_lines(text[top:], meta["head_lines"])]
        head_end = heads[-1][1] if heads else 0
        title = heads[0] if heads else (0, 0)
        relevant, rel_ev = self._relevance(scan, meta, title, seg)
        kind, scores, kind_ev = self._kind(scan, meta, head_end, seg, relevant)
        evidence = [(a, b, f"kind:{kind}") for a, b in kind_ev] + ([rel_ev] if rel_ev else [])
        modality, mod_ev = None, None
        if relevant:
            modality, mod_ev = self._modality(kind, scan, title, seg, kind_ev)
            if mod_ev:
                evidence.append((mod_ev[0], mod_ev[1], f"modality:{modality}"))
        return {"ew_kind": kind, "ew_relevant": relevant, "ew_modality": modality, "ew_kind_scores": scores}, evidence

    @staticmethod
    def _kind(scan: Scan, meta: dict[str, Any], head_end: int, seg: Layout,
              relevant: bool) -> tuple[str, dict[str, float], list[tuple[int, int]]]:
        cues = meta["cues"]
        scores = {k: 0.0 for k in KINDS}
        hits: dict[str, list] = {k: [] for k in KINDS}
        counts: dict[str, int] = {}
        taken: set[tuple[str, int]] = set()
        for h in leftmost_longest(scan.family("kind")):
            cue = cues[int(h.label[1:])]
            unit = seg.unit_at(h.start)
            if (cue["zone"] == "head" and h.start >= head_end) or counts.get(h.label, 0) >= cue["cap"] \
                    or seg.in_boilerplate(h.start) or (h.label, h.start) in taken \
                    or (cue["zone"] == "head" and unit is not None and unit.role == "row"):
                # a table row opening with an act's number lists the act; it is not the page's heading
                continue
            taken.add((h.label, h.start))
            counts[h.label] = counts.get(h.label, 0) + 1
            hits[cue["kind"]].append((cue["weight"], h.start, h.end, cue.get("needs_other", False)))
        for kind, found in hits.items():
            if not all(needs for _, _, _, needs in found):  # cues that count only beside another
                scores[kind] = sum(w for w, _, _, _ in found)
            hits[kind] = [(w, a, b) for w, a, b, needs in found if not needs or scores[kind]]
        best = max(KINDS, key=lambda k: scores[k])
        # an official kind needs one strong cue of its own (list markers and an 附件 line add up to
        # nothing by themselves: a notice about acts numbers its paragraphs too)
        weak = best in OFFICIAL and max((w for w, _, _ in hits[best]), default=0) < 1.5
        if scores[best] < meta["min_score"] or weak:
            # A text about China's controls that is not an act or a Q&A is third-party reporting,
            # and so is prose with some reporting cue; anything else (a glossary, a bare table) is other.
            prose = sum(u.end - u.start for u in seg.units
                        if u.role in ("text", "heading", "clause", "sub", "item", "bullet") and u.style != "table")
            reporting = relevant or scores["news"] > 0
            kind = meta["default_kind"] if reporting and prose >= meta["default_min_prose"] else "other"
            return kind, scores, []
        strongest = sorted(hits[best], key=lambda h: (-h[0], h[1]))[:5]
        return best, scores, [(a, b) for _, a, b in strongest]

    @staticmethod
    def _relevance(scan: Scan, meta: dict[str, Any], title: tuple[int, int],
                   seg: Layout) -> tuple[bool, tuple[int, int, str] | None]:
        rel = scan.family("relevance")
        # a sentence naming another jurisdiction's measure speaks of its controls and its items
        # a foreign cue inside a longer cue of China's own is not one ("Entity List" in "unreliable entity list")
        own = [h for h in rel if h.label == "mineral"]  # China's list names (不可靠实体清单, unreliable entity list)
        foreign = {seg.index_of(h.start) for h in rel if h.label == "foreign" and not any(
            o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start for o in own)}
        minerals = [h for h in rel if h.label == "mineral" and not seg.in_boilerplate(h.start)
                    and seg.index_of(h.start) not in foreign]
        if not minerals:
            return False, None
        starts = [m.start for m in minerals]
        pairs: list[tuple[int, int]] = []
        window, min_pairs = meta["window"], meta["min_pairs"]
        # China's side must be named: by an act number or in the title (then every pair counts),
        # else, in a text that also names another government acting, near a pair
        china = {seg.index_of(h.start) for h in rel if h.label == "china"}
        acts = any(not r.bare for r in act_references(scan))
        if not china and not acts:
            return False, None  # nothing names China: another country's measure
        # (a title naming another government too, "Congo extends cobalt export halt; Chinese refiners
        # draw down stocks", does not make China the actor of every sentence)
        in_title = any(title[0] <= h.start < title[1] for h in rel if h.label == "china") and not any(
            title[0] <= h.start < title[1] for h in rel if h.label == "foreign")
        # (only a text that names another government acting needs its pairs near China's name)
        near_china = None if acts or in_title or not foreign else {k + d for k in china for d in (-1, 0, 1)}
        # Controls in text order: one in the title decides; past the title, min_pairs pairs do.
        # overlapping control cues ("requiring export licences" / "export licences") are one cue
        for c in leftmost_longest(h for h in rel if h.label == "control"):
            if seg.in_boilerplate(c.start) or seg.index_of(c.start) in foreign:
                continue  # another jurisdiction's controls
            if near_china is not None and seg.index_of(c.start) not in near_china:
                continue
            if title[0] <= c.start < title[1]:
                return True, (title[0], title[1], "relevant")
            k = bisect_left(starts, c.start)
            near = [minerals[j] for j in (k - 1, k) if 0 <= j < len(minerals)
                    and abs(minerals[j].start - c.start) <= window]
            if near:
                m = min(near, key=lambda m: abs(m.start - c.start))
                pairs.append((min(c.start, m.start), max(c.end, m.end)))
            if len(pairs) >= min_pairs and c.start >= title[1]:
                break
        if len(pairs) >= min_pairs:
            a, b = pairs[0]
            return True, (a, b, "relevant")
        # one pair in a sentence whose actor is China's ministry or customs ("China's commerce ministry
        # and customs put out a joint notice saying gallium items will need an export licence"):
        # a short post reporting the act itself, not a passing mention
        authority = re.compile(meta["authority"])
        cited = [r.start for r in act_references(scan)]
        for a, b in pairs:
            if seg.unit_at(a) is not seg.unit_at(b - 1):
                # a mineral of the next paragraph ("镓、锗概念股走强") is not the control's, unless
                # its own sentence names the acts ("分别是第55号(超硬材料)、第56号(稀土设备)")
                sents = {seg.index_of(a), seg.index_of(b - 1)}
                if not any(seg.index_of(pos) in sents for pos in cited):
                    continue
            k = seg.index_of(a)
            if any(seg.index_of(h.start) == k and authority.search(scan.text, h.start, h.end) for h in rel if h.label == "china"):
                return True, (a, b, "relevant")
        return False, None

    @staticmethod
    def _first(hits: list[Hit], label: str, start: int, end: int) -> Hit | None:
        inside = [h for h in hits if h.label == label and start <= h.start and h.end <= end]
        return min(inside, key=lambda h: h.start) if inside else None

    def _modality(self, kind: str, scan: Scan, title: tuple[int, int], seg: Layout,
                  kind_ev: list[tuple[int, int]]) -> tuple[str, tuple[int, int] | None]:
        mod = scan.family("modality")
        if kind in OFFICIAL:
            draft = self._first(mod, "draft", *title)
            if draft:
                return "proposed", (draft.start, draft.end)
            return "official", kind_ev[0] if kind_ev else title
        t_prop = self._first(mod, "proposed", *title)
        t_iss = self._first(mod, "issued", *title)
        if t_prop and (not t_iss or t_prop.start < t_iss.start):  # "或将…实施": the plan governs
            return "proposed", (t_prop.start, t_prop.end)
        if t_iss:
            return "reported", (t_iss.start, t_iss.end)
        lead = next((s for s in seg.sentences if s.start >= title[1] and s.end - s.start >= 60
                     and not seg.in_boilerplate(s.start)), None)
        if lead is not None:
            l_prop = self._first(mod, "proposed", lead.start, lead.end)
            l_iss = self._first(mod, "issued", lead.start, lead.end)
            if l_prop and (not l_iss or l_prop.start < l_iss.start):
                return "proposed", (l_prop.start, l_prop.end)
            if l_iss:
                return "reported", (l_iss.start, l_iss.end)
        return "reported", title

    def __call__(self, doc: Doc) -> Doc:
        scan, seg = self.views(doc)
        decisions, evidence = self.classify(scan, seg)
        doc.user_data.update(decisions)
        scan.decisions.update(decisions)
        write(doc, KEY, evidence)
        return doc


@Language.factory("ew_doc_classifier", default_config={"data_dir": ""})
def make_doc_classifier(nlp: Language, name: str, data_dir: str) -> DocClassifier:
    return DocClassifier(nlp, name, data_dir)
