"""`ew_end_user_rules`: licensing policy by end user / end use -> doc.spans["end_user_rules"].

A rule is a category cue and a policy cue in the same clause: the No. 61 style "出口至境外军事用户的
…原则上不予许可" and the news style "defence users would not be granted licences, while …
case-by-case" both pair up clause by clause (sentences are split at semicolons and contrast
markers, so "civilian … fast-track, while … defence … blocked" yields two rules). Why these
extra rules:
- a list header carrying the policy ("下列情形原则上不予许可:") lends it to items lacking one;
- an expedited cue that names the civilian track itself (general licence, validated end user)
  is `civilian:expedited` even without a category word;
- `country` only when no more specific category is in the clause ("US military users" is
  military) and only for a destination or its companies (patterns in end_user_rules.yml);
- clauses with a "void" cue (a decision formula "准予或者不予许可的决定", advice "should expect")
  state no rule.
Span = from the category cue to the policy cue (a tight sub-span of the clause).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.components import Scan
from pipeline.extract.layout import Layout
from pipeline.extract.scanner import Hit
from pipeline.extract.semantics.base import SemanticComponent, clause_spans, resolve, tightest, write

KEY = "end_user_rules"


QUALIFIER_GAP = 24  # characters between a country word and the category it qualifies


class EndUserRules(SemanticComponent):
    def find(self, scan: Scan, seg: Layout) -> list[tuple[int, int, str]]:
        cats = [h for h in resolve(scan.family("eu_category")) if h.label != "_neutral"]
        implicit = scan.family("eu_implicit")
        if not cats and not implicit:
            return []
        # a void cue ("并未禁止…", "did not ban") wins over the policy it overlaps
        # a withheld facilitation ("不得申请通用许可") is consumed and states no policy
        pols = [h for h in resolve(h for h in scan.family("eu_policy") if h.label != "_void") if h.label != "_none"] + \
            [h for h in scan.family("eu_policy") if h.label == "_void"]
        splits = scan.family("clause_split")
        by_sent: dict[int, dict[str, list[Hit]]] = {}
        for group, hits in (("cat", cats), ("pol", pols), ("imp", implicit)):
            for h in hits:
                by_sent.setdefault(seg.index_of(h.start), {}).setdefault(group, []).append(h)

        inherited: dict[int, list[Hit]] = {}  # list item sentence -> its header's policies
        for idx, hits in by_sent.items():
            header_pols = [h for h in hits.get("pol", []) if h.label != "_void"]
            if header_pols and seg.sentences[idx].ends_colon:
                for j in seg.list_scope(idx):
                    inherited.setdefault(j, header_pols)

        found: list[tuple[int, int, str]] = self._country_columns(scan, seg, cats, pols)
        for idx, sent in enumerate(seg.sentences):
            hits = by_sent.get(idx)
            prev = by_sent.get(idx - 1) if idx else None
            if hits and prev and seg.sentences[idx - 1].ends_colon and prev.get("cat") and not prev.get("pol") \
                    and not hits.get("cat") and seg.unit_at(sent.start) is seg.unit_at(seg.sentences[idx - 1].start):
                # "All dual-use items to US military end users:\n banned outright.": the category
                # before the colon takes the policy after it
                head = [p for p in hits.get("pol", []) if p.label != "_void"][:1]
                if head and not any(p.label == "_void" for p in hits.get("pol", [])):
                    found.extend((c.start, head[0].end, f"{c.label}:{head[0].label}") for c in prev["cat"])
            if not hits and idx not in inherited:
                continue
            if sent.question or seg.in_boilerplate(sent.start):
                continue
            hits = hits or {}
            lead: list[Hit] = inherited.get(idx, [])
            # a table row ("出口至境外军事用户;进口商为管控名单实体 | 原则上不予许可"): its policy cell
            # governs every clause of its situation cell
            row = seg.unit_at(sent.start)
            row_pols = [p for p in pols if p.label != "_void" and row is not None and row.role == "row"
                        and row.cells and row.start <= p.start < row.end]
            for a, b in clause_spans(sent.start, sent.end, splits):
                def inside(group: str) -> list[Hit]:
                    return [h for h in hits.get(group, []) if a <= h.start < b]
                head = row_pols[-1:] if row_pols and not inside("pol") else lead
                found.extend(self._pair(inside("cat"), inside("pol"), inside("imp"), head, (a, b), scan.text))
                # "原则上不予许可:出口至军事用户…;进口商为管控名单所列实体…": a policy that opens the
                # sentence with a colon governs the clauses after it
                heads = [p for p in inside("pol") if p.label != "_void" and scan.text[p.end:p.end + 2].lstrip()[:1] == ":"]
                if heads:
                    lead = heads[:1]
        return found

    @staticmethod
    def _country_columns(scan: Scan, seg: Layout, cats: list[Hit], pols: list[Hit]) -> list[tuple[int, int, str]]:
        """A table column headed by a country's name ("… | United States"): a policy in its cells
        with no category of its own is that country's rule ("Licences denied in principle")."""
        names = scan.family("eu_country_name")
        if not names:
            return []
        text, out = scan.text, []
        col: int | None = None
        in_table = False
        for u in seg.units:
            if u.role != "row" or not u.cells:
                in_table, col = False, None
                continue
            if not in_table:
                in_table = True
                col = next((i for i, (a, b) in enumerate(u.cells) for h in names
                            if a <= h.start and h.end <= b and text[a:b].strip() == text[h.start:h.end]), None)
                continue
            if col is None or col >= len(u.cells):
                continue
            a, b = u.cells[col]
            inside = [p for p in pols if a <= p.start < b]
            if any(p.label == "_void" for p in inside) or any(a <= c.start < b for c in cats):
                continue
            out.extend((p.start, p.end, f"country:{p.label}") for p in inside)
        return tightest(out)

    @staticmethod
    def _pair(cats: list[Hit], pols: list[Hit], imp: list[Hit], header: list[Hit],
              clause: tuple[int, int], text: str) -> list[tuple[int, int, str]]:
        """Pair each category with the nearest policy of its clause."""
        if any(p.label == "_void" for p in pols):
            return []
        # a country beside another category qualifies it ("US military end users", "美国军事用户");
        # a country further on in the clause is a destination of its own ("… to US military end
        # users, and exports of gallium … to the United States will in principle not be permitted")
        # (and only with a policy of its own: more policies in the clause than other categories)
        others = [c for c in cats if c.label != "country"]
        real_pols = [p for p in pols if p.label != "_void"]
        if others:
            cats = others + [c for c in cats if c.label == "country" and len(real_pols) > len(others) and all(
                max(c.start - o.end, o.start - c.end) > QUALIFIER_GAP for o in others)]
        out: list[tuple[int, int, str]] = []
        if not cats:
            # "general licences", "validated end-user system": the civilian track by name
            for p in pols:
                if p.label == "expedited" and any(i.start < p.end and p.start < i.end for i in imp):
                    out.append((p.start, p.end, "civilian:expedited"))
            return tightest(out)
        if not pols:
            out = [(c.start, clause[1], f"{c.label}:{h.label}") for c in cats for h in header[:1]]
        used: set[int] = set()
        for c in cats:
            if not pols:
                break
            # a policy in the category's own comma-segment first ("…更严格的审查,涉及军事用户的出口
            # 不予批准": the military users' policy is the one after them)
            same = [p for p in pols if "," not in text[min(c.end, p.end):max(c.start, p.start)]]
            p = min(same or pols, key=lambda p: max(p.start - c.end, c.start - p.end, 0))
            used.add(id(p))
            out.append((min(c.start, p.start), max(c.end, p.end), f"{c.label}:{p.label}"))
        # "镓…原则上不予许可出口去美国,石墨就要做更严格的最终用户审查": a stricter-review policy
        # in a segment of its own goes with the category before it
        for p in pols:
            if id(p) in used or p.label != "case_by_case" or any(
                    "," not in text[min(c.end, p.end):max(c.start, p.start)] for c in cats):
                continue
            before = [c for c in cats if c.end <= p.start]
            if before:
                c = before[-1]
                out.append((c.start, p.end, f"{c.label}:{p.label}"))
        return tightest(out)

    def __call__(self, doc: Doc) -> Doc:
        scan, seg = self.views(doc)
        write(doc, KEY, self.find(scan, seg))
        return doc


@Language.factory("ew_end_user_rules", default_config={"data_dir": ""})
def make_end_user_rules(nlp: Language, name: str, data_dir: str) -> EndUserRules:
    return EndUserRules(nlp, name, data_dir)
