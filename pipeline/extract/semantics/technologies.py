"""`ew_technologies`: technology areas placed under control -> doc.spans["technologies"].

Why sentence gating: the same words ("开采、冶炼分离、金属冶炼、磁材制造") appear in a technology
control (No. 62), in a technology nexus for items made abroad (No. 61: "使用…技术在境外制造的物项",
not a technology control), in market statistics ("China controls 70% of mining and processing")
and in suspensions. An area cue counts only where the sentence controls a technology: it holds
a technology control-list entry (1E902), or a technology object ("技术", "technologies",
"know-how") together with a control cue ("不得出口", "require a licence"), or it is an item of a
list whose header does. Sentences with a nexus or a suspension cue are skipped. Span = the area
cue itself ("冶炼分离", "reprocessing"), inside the controlling sentence.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.components import Scan
from pipeline.extract.layout import Layout
from pipeline.extract.semantics.base import SemanticComponent, doc_kind, resolve, write

KEY = "technologies"


class Technologies(SemanticComponent):
    def find(self, scan: Scan, seg: Layout) -> list[tuple[int, int, str]]:
        areas = resolve(scan.family("tech_area"))
        if not areas:
            return []
        gates: dict[int, set[str]] = {}
        for h in scan.family("tech_gate"):
            gates.setdefault(seg.index_of(h.start), set()).add(h.label)

        def controls(idx: int) -> bool:
            g = gates.get(idx, set())
            return "code" in g or {"object", "control"} <= g

        # An act that suspends or lifts others controls no technology of theirs; a report or Q&A
        # lists the technologies of the acts it describes, suspended ones included (contract).
        official_act = doc_kind(scan) == "announcement"

        def blocked(idx: int) -> bool:
            g = gates.get(idx, set())
            return "nexus" in g or (official_act and "blocker" in g)

        listed: set[int] = set()
        # a heading that controls ("一、禁止出口部分") covers the technology entries of its section
        for u in seg.units:
            if (u.heading or u.role in ("clause", "heading")) and u.start < len(scan.text):
                k = seg.index_of(u.start)
                if "control" in gates.get(k, set()) and not blocked(k):
                    end = seg.section_end(u.index)
                    listed.update(j for j in range(k + 1, len(seg.sentences)) if seg.sentences[j].line < end
                                  and "object" in gates.get(j, set()))
        # an act's item table: each row holding a technology ("7 | 锑 | 金锑冶炼分离技术 | —") is
        # an entry of what the act controls; so is a report's table row that names the act
        # ("No. 62 (MOFCOM) | Technologies for rare-earth mining, … | on publication")
        acts = [h.start for h in scan.family("act")]
        for u in seg.units:
            if u.role == "row" and (official_act or any(u.start <= a < u.end for a in acts)):
                k = seg.index_of(u.start)
                if "object" in gates.get(k, set()) and not blocked(k):
                    listed.add(k)
        for idx in list(gates):
            if {"object", "control"} <= gates[idx] and not blocked(idx):
                listed.update(seg.list_scope(idx))
            elif "control" in gates[idx] and not blocked(idx):
                # a header that controls items ("下列物项未经许可不得出口:") controls the technology
                # entries among them ("金锑冶炼分离技术")
                listed.update(j for j in seg.list_scope(idx) if "object" in gates.get(j, set()))

        if not official_act:
            # "The suspended package covered:" and its entries: what a suspension froze, a report lists
            for h in scan.family("relation"):
                if h.label in ("suspends", "resumes"):
                    listed.update(j for j in seg.list_scope(seg.index_of(h.start)) if "object" in gates.get(j, set()))

        # A report describes an act's scope over several sentences of one paragraph ("It brought two
        # families of items under licence. … to the technology for smelting and separating gold-
        # antimony ores."): a technology object after a control in the same paragraph counts.
        continued: set[int] = set()
        if not official_act:
            open_unit = None
            for idx, sent in enumerate(seg.sentences):
                g = gates.get(idx, set())
                if blocked(idx):
                    continue
                if "control" in g or "code" in g:
                    open_unit = sent.line
                elif open_unit == sent.line and "object" in g:
                    continued.add(idx)
        found: list[tuple[int, int, str]] = []
        for hit in areas:
            idx = seg.index_of(hit.start)
            sent = seg.sentences[idx]
            if sent.question or seg.in_boilerplate(sent.start) or blocked(idx):
                continue
            if controls(idx) or idx in listed or idx in continued:
                found.append((hit.start, hit.end, hit.label))
        return found

    def __call__(self, doc: Doc) -> Doc:
        scan, seg = self.views(doc)
        write(doc, KEY, self.find(scan, seg))
        return doc


@Language.factory("ew_technologies", default_config={"data_dir": ""})
def make_technologies(nlp: Language, name: str, data_dir: str) -> Technologies:
    return Technologies(nlp, name, data_dir)
