"""`ew_exclusions`: items explicitly NOT controlled -> doc.spans["not_controlled"].

Why clause scope: an item and a negation cue must share a clause ("…的电机转子、定子组件,…一般
不属于第18号公告的管制范围"); a contrast ("X is not controlled, but Y is") starts a new clause, and a
clause that affirms control ("仍在管制范围之内", "remain subject to controls") never yields an
exclusion. Questions ("电机的转子…是否属于管制范围?") are skipped: only the answer counts. News
often lists the items after the claim ("…are not subject to the material controls. This
includes: motor rotors and stators, and sensors."): items in the list that a negated sentence
opens count too. Span = from the item to the negation cue when both are in the clause (the
tight supporting sub-span), else the item within the list.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.components import Scan
from pipeline.extract.layout import Layout
from pipeline.extract.scanner import Hit
from pipeline.extract.semantics.base import SemanticComponent, clause_spans, resolve, tightest, write

KEY = "not_controlled"


class Exclusions(SemanticComponent):
    def find(self, scan: Scan, seg: Layout) -> list[tuple[int, int, str]]:
        items = resolve(scan.family("excl_item"))
        if not items:
            return []
        cues = resolve(scan.family("excl_cue"))
        splits = scan.family("clause_split")
        by_sent: dict[int, list[Hit]] = {}
        for c in cues:
            by_sent.setdefault(seg.index_of(c.start), []).append(c)

        listed: set[int] = set()
        for idx, hits in by_sent.items():
            if any(h.label == "neg" for h in hits) and not seg.sentences[idx].question:
                listed.update(seg.list_scope(idx))

        per_clause: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        for item in items:
            idx = seg.index_of(item.start)
            sent = seg.sentences[idx]
            if sent.question or seg.in_boilerplate(sent.start):
                continue
            clause = next(((a, b) for a, b in clause_spans(sent.start, sent.end, splits)
                           if a <= item.start < b), (sent.start, sent.end))
            here = [c for c in by_sent.get(idx, []) if clause[0] <= c.start < clause[1]]
            if any(c.label == "aff" for c in here):
                continue
            negs = [c for c in here if c.label == "neg"]
            bucket = per_clause.setdefault(clause, [])
            if negs:
                neg = min(negs, key=lambda c: abs(c.start - item.start))
                bucket.append((min(item.start, neg.start), max(item.end, neg.end), item.label))
            elif idx in listed:
                bucket.append((item.start, item.end, item.label))
        return [t for bucket in per_clause.values() for t in tightest(bucket)]

    def __call__(self, doc: Doc) -> Doc:
        scan, seg = self.views(doc)
        write(doc, KEY, self.find(scan, seg))
        return doc


@Language.factory("ew_exclusions", default_config={"data_dir": ""})
def make_exclusions(nlp: Language, name: str, data_dir: str) -> Exclusions:
    return Exclusions(nlp, name, data_dir)
