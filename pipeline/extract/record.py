"""The record builder: spans + document layout -> the extraction record (schema order).

The components say what a piece of text is (an element name, a code, a date); this module decides
what it means for the record from where it stands. Elements are those of controlled *items*: in an
act, the list items and table rows under a control clause (下列物项未经许可不得出口 / "shall not be
exported without a licence") with the element of their section heading ((一)钐相关物项), plus the
decision sentence (决定对…实施出口管制); in Q&A and news, sentences that speak of controls and are
not negated (不属于…管制范围), statistics (tonnes, %), or about technologies. The context regexes
are data (models/src/grammar/context.yml, compiled in the grammar).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pipeline.extract import parties, timeline
from pipeline.extract.grammar import Grammar
from pipeline.extract.layout import Layout, Unit
from pipeline.extract.values import control_category
from pipeline.records import Document

FIELDS = ["source", "kind", "lang", "relevant", "modality", "announcement", "issued", "effective",
          "elements", "control_codes", "hs_codes", "technologies", "end_user_rules", "thresholds",
          "not_controlled", "relations", "parties", "evidence"]
LIST_FIELDS = FIELDS[7:17]


class Mention(NamedTuple):
    start: int
    end: int
    label: str


@dataclass
class Ctx:
    """A document with its spans and layout, and the lookups the rules need."""

    doc: Document
    spans: dict[str, list[Mention]]
    kind: str
    lang: str
    tiers: dict[str, int]
    layout: Layout
    g: Grammar
    units: list[Unit] = field(default_factory=list)
    sents: list[tuple[int, int]] = field(default_factory=list)
    cited: list[tuple[int, int]] = field(default_factory=list)
    # span key -> (group, its length, starts when sorted by start) for within()
    _within_index: dict[str, tuple[list[Mention], int, list[int] | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.units = self.layout.units
        self.sents = [(s.start, s.end) for s in self.layout.sentences]
        self.cited = cited_titles(self.doc.text, self.spans.get("announcements", []), self.g)

    def sentence(self, pos: int) -> tuple[int, int]:
        return self.layout.sentence(pos)

    def unit_at(self, pos: int) -> Unit | None:
        return self.layout.unit_at(pos)

    def list_end(self, unit: Unit) -> int:
        """Where the list a line introduces (ending in :) ends."""
        end = self.layout.scope_end(unit.index)
        return self.units[end].start if end < len(self.units) else len(self.doc.text)

    def within(self, key: str, start: int, end: int) -> list[Mention]:
        """The mentions of span group `key` that start in [start, end) (some 70,000 calls per
        1,000 documents: an empty range or group returns at once, else two bisections)."""
        if start >= end:
            return []
        group = self.spans.get(key)
        if not group:
            return []
        known = self._within_index.get(key)
        if known is None or known[0] is not group or known[1] != len(group):
            starts = [m.start for m in group]
            known = self._within_index[key] = (group, len(group),
                                               starts if all(a <= b for a, b in zip(starts, starts[1:])) else None)
        starts = known[2]
        if starts is None:  # not sorted by start (the extractor sorts): the plain scan
            return [m for m in group if start <= m.start < end]
        return group[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]

    def has_cue(self, start: int, end: int, labels: set[str]) -> bool:
        return any(m.label in labels for m in self.within("scope_cues", start, end))

    def best_tier(self, symbols: list[str]) -> list[str]:
        symbols = list(dict.fromkeys(symbols))
        if not symbols:
            return []
        best = min(self.tiers.get(s, 9) for s in symbols)
        return [s for s in symbols if self.tiers.get(s, 9) == best]

    def rx(self, section: str, name: str) -> re.Pattern[str]:
        return self.g.rx(section, name)


def cited_titles(text: str, refs: list[Mention], g: Grammar) -> list[tuple[int, int]]:
    """《…》 law titles and the (…) title that follows a cited act's number: what they name is not
    what this document controls (No. 70 cites '公布对锂电池…实施出口管制的决定')."""
    out = [(m.start(), m.end()) for m in g.rx("elements", "cited_title").finditer(text)]
    after = g.rx("elements", "cited_act_title")
    for r in refs:
        m = after.match(text[r.end:r.end + 210])
        if m:
            out.append((r.end, r.end + m.end()))
    return out


# ------------------------------------------------------------------------------------------ items

def control_lead_ins(ctx: Ctx, labels: frozenset[str]) -> set[int]:
    """Indices of the lines a control lead-in governs: a line ending in a colon that carries a
    control cue ("决定对下列物项实施出口管制:", "exporters must obtain licences for the following
    items:", "These include export controls on:") opens a list; every line of that list is under
    control, whatever its marker (clauses as element headings, bullets, dashes, table rows)."""
    out: set[int] = set()
    breaks = ctx.g.context["items"]["lead_in_breaks"]
    for u in ctx.units:
        if not u.ends_colon:
            continue
        hits = ctx.within("scope_cues", u.start, u.end)
        cues = [m for m in hits if m.label in labels]
        if "control" in labels and not cues and (ctx.within("announcements", u.start, u.end) or ctx.rx(
                "dates", "qa_ref").search(u.text) or ctx.rx("dates", "self_ref").search(u.text)):
            # a report's "For each element, the announcement covers …:": the act's own list
            cues = [m for m in hits if m.label == "act_verb"]
            if not cues and "control" in labels:
                # "…再联合发布四份公告,编号由第55号至第58号,全部定于11月8日起实施:": the list after
                # a line that introduces the acts of a report on controls is what they control
                cues = ctx.within("announcements", u.start, u.end)
        if not cues and "control" in labels:
            # "The suspended package covered:": what a suspension froze is what the acts controlled
            cues = [c for c in ctx.within("relation_cues", u.start, u.end) if c.label in ("suspends", "resumes", "unaffected")]
        # the control phrase must introduce the list itself ("决定对下列物项实施出口管制:"), not an
        # earlier sentence of the paragraph ("…实施出口管制。现将有关事项公告如下:")
        tail = ctx.doc.text[cues[-1].end:u.end].rstrip().rstrip(":") if cues else ""
        if cues and len(tail) <= 120 and not any(ch in breaks for ch in tail):
            out.update(range(u.index + 1, ctx.layout.scope_end(u.index)))
    return out


def act_sections(ctx: Ctx) -> set[int]:
    """Lines under a report's heading that names an act ("3. Four new item lists (MOFCOM/GAC
    Announcements Nos. 55–58), effective November 8, 2025"): what they list is what the act controls."""
    out: set[int] = set()
    for u in ctx.units:
        if (u.style is not None or u.role == "heading") and u.heading_like() or (
                u.style is not None and len(u.text) <= 160):
            if ctx.within("announcements", u.start, u.end):
                out.update(range(u.index + 1, ctx.layout.section_end(u.index)))
    return out


def control_headings(ctx: Ctx) -> set[int]:
    """Lines under a report's heading that puts items under control ("一、目前仍需申请出口许可的
    主要物项", "Items that now need a licence"): what the section lists is controlled."""
    out: set[int] = set()
    for u in ctx.units:
        if (u.heading or u.role == "heading") and u.role != "title" and ctx.has_cue(u.start, u.end, {"control", "control_intro"}) \
                and not ctx.has_cue(u.start, u.end, {"negation"}) and not ctx.within("relation_cues", u.start, u.end):
            out.update(range(u.index + 1, ctx.layout.section_end(u.index)))
    return out


def table_acts(ctx: Ctx) -> set[int]:
    """Rows of a report's table whose header speaks of coverage or control ("Measure | Items
    covered | In force from"): a row that cites an act lists what that act controls."""
    out: set[int] = set()
    labels = {"control", "control_intro", "act_verb", "item_word"}
    effect = ctx.rx("dates", "effect_column")
    leads: bool | None = None  # None outside a table; else whether its header row leads its rows
    for u in ctx.units:
        if u.role != "row":
            leads = None
        elif leads is None:
            # "Measure | Items covered | In force from": a table of acts and what they cover
            leads = ctx.has_cue(u.start, u.end, labels) or bool(effect.search(u.text))
        elif leads and ctx.within("announcements", u.start, u.end):
            out.add(u.index)
    return out


def annex_lists(ctx: Ctx) -> set[int]:
    """Indices of annex headings that open a list of items printed on the act's own page ("附件1"
    over "境外相关稀土物项清单", "Annex 1 – List of Items"); not the act's list of its attachments
    ("附件:1.境外相关稀土物项清单 2.…"), which names files printed elsewhere."""
    heading, title = ctx.rx("items", "annex_heading"), ctx.rx("items", "annex_list_title")
    out: set[int] = set()
    for i, u in enumerate(ctx.units):
        m = heading.match(u.text)
        if not m or len(u.text) > 80 or u.role == "clause":
            continue
        rest = u.text[m.end():]
        if rest[:1].isdigit() or (rest and not u.heading_like()):
            continue  # "附件:1.…清单" lists attachments; a sentence starting "Annex 1 lists …" is prose
        named = rest if rest.strip() else (ctx.units[i + 1].text if i + 1 < len(ctx.units) else "")
        if title.search(named):
            out.add(u.index)
    return out


def item_rows(ctx: Ctx, own: str | None) -> list[dict[str, Any]]:
    """One row per controlled item as printed, with its code, HS codes, section heading and element.

    Items are list items and table rows in a control region: a clause that puts items under
    control, the list a control lead-in opens (the official layout "决定对下列物项实施出口管制:"
    followed by 一、钐相关物项 ...), or the whole of a document without clauses (an annex list). A
    section heading with an element ((一)钐相关物项, 一、钐相关物项) gives that element to every item
    below it; otherwise an item's element is the best-tier element in its name (钐钴合金 -> Sm)."""
    if ctx.kind != "announcement":
        return []
    led = control_lead_ins(ctx, frozenset({"control_intro"}))
    has_clauses = any(u.role == "clause" for u in ctx.units)
    in_region = not has_clauses
    section: Unit | None = None
    section_elements: list[str] = []
    parent_code: str | None = None
    name_col: int | None = None
    rows: list[dict[str, Any]] = []
    annex = annex_lists(ctx)
    in_annex = False
    led_style: str | None = None  # enumerator style of the led list's clauses (I., II., …)
    headings: list[Unit] = []  # element headings of the region, to keep those printed without items
    for u in ctx.units:
        if u.index in annex:
            in_region = in_annex = True
            section, section_elements, parent_code = None, [], None
            continue
        if in_annex and u.heading and u.role != "row" and ctx.rx("items", "commentary_heading").search(u.text):
            in_region = in_annex = False  # a reposter's "说明"/"Our comments" after the annex
        if u.role == "clause" and u.index in led:
            led_style = u.style
        elif u.role == "clause" and not in_annex and led_style is not None and u.style == led_style \
                and (u.heading_like() or len(ctx.rx("items", "section_heading").findall(u.text)) >= 2
                     and not ctx.g.heading_punct.search(u.text)) \
                and ctx.rx("items", "section_heading").search(u.text):
            # a sibling element heading of the led list ("IV. 1C912 Europium-related items") after
            # a line the PDF wrapped out of the list: still the list, with the lines under it
            led.add(u.index)
            in_region = True
        if u.role == "clause" and u.index not in led and not in_annex:
            in_region = ctx.has_cue(u.start, u.end, {"control_intro"})
            section, section_elements, parent_code = None, [], None
            led_style = None
            continue
        if u.role == "clause" and not u.heading_like():  # "V. 1C913 Ytterbium-related items, covering …"
            section, section_elements, parent_code = None, [], None
        if not (in_region or u.index in led) or u.role in ("title", "meta"):
            continue
        if u.role in ("clause", "sub", "part", "heading") or (
                ctx.rx("items", "section_heading").search(u.text) and u.heading_like()
                and not ctx.within("control_codes", u.start, u.end)):
            # ("(1) 1C912.a Europium oxide and its mixtures." is a short item, not a heading)
            coded_item = u.role == "sub" and bool(ctx.within("control_codes", u.start, u.end)) \
                and not ctx.rx("items", "section_heading").search(u.text)
            if u.heading_like() and not coded_item:
                section, parent_code = u, None
                section_elements = ctx.best_tier([m.label for m in ctx.within("elements", u.start, u.end)])
                headings.append(u)
                continue
        name_header = ctx.rx("items", "name_header")
        if u.role == "row" and any(name_header.search(ctx.doc.text[s:e]) for s, e in u.cells):
            name_col = next(i for i, (s, e) in enumerate(u.cells) if name_header.search(ctx.doc.text[s:e]))
            continue
        if u.role not in ("item", "subitem", "row", "codeled", "sub", "clause", "bullet") and not (
                in_annex and u.role in ("part", "text")) and not (section_elements and u.role == "text"):
            continue  # (an unmarked line under an element's heading, "V. 1C913 Ytterbium-related items", is its item)
        if u.role == "row" and ctx.within("announcements", u.start, u.end):
            continue  # a table of acts ("2 | 2025年第56号 | 关于对…实施出口管制的决定 | 2025.10.9"), not of items
        codes = ctx.within("control_codes", u.start, u.end)
        code = codes[0].label if codes else (parent_code if u.role == "subitem" else None)
        if u.role != "subitem":
            parent_code = codes[0].label if codes else None
        name_span = (u.start, u.end)
        if u.role == "row" and name_col is not None and name_col < len(u.cells):
            name_span = u.cells[name_col]
        # only category C (materials) names an element: A/B are equipment, D software, E technology
        technology = (code and control_category(code) in "ABDE") or ctx.has_cue(u.start, u.end, {"technology"})
        if technology:
            elements: list[str] = []
        elif section_elements:
            elements = section_elements
        else:
            def named(a: int, b: int) -> list[str]:  # not in a cited act's title "(…Decision on …)"
                return [m.label for m in ctx.within("elements", a, b)
                        if not any(x <= m.start < y for x, y in ctx.cited)]
            elements = ctx.best_tier(named(*name_span) or named(u.start, u.end))
        hs = [m.label for m in ctx.within("hs_codes", u.start, u.end)]
        if not (elements or code or hs):
            continue
        rows.append({
            "announcement": own, "lang": ctx.lang, "control_code": code,
            "name": item_name(ctx.doc.text[name_span[0]:name_span[1]], ctx.g),
            "element": elements[0] if elements else None, "elements": elements,
            "hs_codes": list(dict.fromkeys(hs)), "heading": section.text if section else None,
            "start": u.start, "end": u.end, "quote": ctx.doc.text[u.start:u.end],
        })
    # an element's heading whose items the copy leaves out ("四、镝相关物项 五、镥相关物项 …(以上四类
    # 物项的具体条目从略)"): the heading is the item, one per element it names
    for u in headings:
        if any(r["heading"] == u.text for r in rows):
            continue
        for m in {m.label: m for m in reversed(ctx.within("elements", u.start, u.end))}.values():
            rows.append({"announcement": own, "lang": ctx.lang, "control_code": None,
                         "name": item_name(ctx.doc.text[m.start:u.end], ctx.g), "element": m.label,
                         "elements": [m.label], "hs_codes": [], "heading": None,
                         "start": u.start, "end": u.end, "quote": u.text})
    return rows


def item_name(text: str, g: Grammar) -> str:
    strip = g.rx("items", "name_strip")
    name = g.rx("items", "number_prefix").sub("", text.strip())
    name = g.rx("items", "code_prefix").sub("", name)
    name = strip.sub("", name).strip()
    return strip.sub("", name).strip()


# --------------------------------------------------------------------------------------- elements

def controlled_elements(ctx: Ctx, items: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """Elements of controlled items, each with the offsets of a mention that supports it."""
    out: list[tuple[str, int, int]] = []
    for row in items:
        in_row = ctx.within("elements", row["start"], row["end"])
        for sym in row["elements"]:
            m = next((m for m in in_row if m.label == sym), None)
            if m is None and row["heading"]:
                m = next((m for m in ctx.within("elements", 0, row["start"]) if m.label == sym), None)
            out.append((sym, m.start, m.end) if m else (sym, row["start"], row["end"]))
    decision_only = ctx.kind == "announcement"
    labels = frozenset({"control_intro"} if decision_only else {"control", "control_intro"})
    led = set() if decision_only else (control_lead_ins(ctx, labels) | act_sections(ctx) | table_acts(ctx)
                                       | control_headings(ctx))
    prev_control = False
    inline_led = False  # an inline list: "…不得出口: (一)镓相关物项。…(二)锗相关物项。" in one paragraph
    section: list[str] = []  # the element of the list's current section heading ((一)镓相关物项)
    section_unit: Unit | None = None
    heading_rx = ctx.rx("items", "section_heading")
    prev_unit = None
    notes = [] if decision_only else act_notes(ctx)
    # a report names what an act it cites controls by its title (《关于对镓、锗相关物项实施出口管制的
    # 公告》): those elements are reported; an act citing another's title takes none from it
    control_title = ctx.rx("elements", "control_act_title")
    cited = ctx.cited if decision_only else [(a, b) for a, b in ctx.cited
                                             if not control_title.search(ctx.doc.text, a, b)]
    tags = [(m.start(), m.end()) for m in ctx.rx("items", "hashtag").finditer(ctx.doc.text)]
    workpiece = ctx.rx("elements", "workpiece_before")
    anaphor = ctx.rx("items", "anaphor_start")
    label_rx = ctx.rx("items", "element_label")

    def taken_up(i: int) -> bool:
        """Does the next sentence of the same line take these elements up as controlled ("…
        samarium, dysprosium and yttrium. Those are the elements China has licensed since April")?"""
        if i + 1 >= len(ctx.sents):
            return False
        a, b = ctx.sents[i + 1]
        if ctx.unit_at(a) is not ctx.unit_at(ctx.sents[i][0]) or not anaphor.match(ctx.doc.text, a, b):
            return False
        nxt = {m.label for m in ctx.within("scope_cues", a, b)}
        return bool(nxt & labels) and "negation" not in nxt and "statistic" not in nxt
    for i, (s, e) in enumerate(ctx.sents):
        unit = ctx.unit_at(s)
        if unit is not prev_unit:
            prev_control, inline_led, prev_unit = False, False, unit
            if unit is None or unit.index not in led or (
                    section_unit is not None and (unit.role, unit.style) == (section_unit.role, section_unit.style)):
                section = []  # (a sibling of the heading's line is the next entry, not one of its items)
        if ctx.layout.in_boilerplate(s):
            continue  # related-story headlines, tag lines, footers: other pages' words
        if decision_only and unit is not None and unit.role == "row" and ctx.within("announcements", unit.start, unit.end):
            continue  # an act's table of other acts and their titles ("2025年第58号 | 关于对锂电池…的决定")
        scope = ctx.within("scope_cues", s, e)
        cue_hits = [m for m in scope if m.label in labels]
        cues = {m.label for m in scope}
        control = bool(cues & labels) or inline_led or (unit is not None and unit.index in led)
        if not decision_only and "act_verb" in cues and (ctx.within("announcements", s, e) or (
                i > 0 and unit is not None and ctx.sents[i - 1][0] >= unit.start
                and ctx.within("announcements", *ctx.sents[i - 1]))):
            # "Announcement No. 58 of 2025 named artificial graphite anode material, …"; "——四类物项
            # (第55号至第58号)。包括…钬、铒…相关物项": the act named earlier in the paragraph
            control = True
        if not decision_only and any(c.label in ("suspends", "resumes") for c in ctx.within("relation_cues", s, e)):
            control = True  # "同被暂停的还有…钬铒铥铕镱五种中重稀土…的措施": suspended controls are reported ones
        if cue_hits and ":" in ctx.doc.text[cue_hits[0].end:e]:
            inline_led = True
        named = ctx.within("elements", s, e)
        if not named:  # most sentences: nothing to keep, only the state the next sentence reads
            prev_control = control and "negation" not in cues
            continue
        mentions = [m for m in named
                    if not any(a <= m.start < b for a, b in cited) and not any(a <= m.start < b for a, b in tags)
                    and not workpiece.search(ctx.doc.text, max(s, m.start - 40), m.start)]
        for a, b, head in inline_sections(ctx, s, e, mentions):
            mentions = [m for m in mentions if not (a <= m.start < b) or m.label == head]
        label = label_rx.match(ctx.doc.text, s, e) if unit is not None and s == unit.start else None
        if label:
            heads = {m.label for m in mentions if m.start < label.end("label")}
            if heads:
                mentions = [m for m in mentions if m.label in heads]
        continued = prev_control and not decision_only
        prev_control = control and "negation" not in cues
        if "statistic" in cues and mentions and not decision_only and cue_hits:
            # "…enter the control range, the short term may push up the overseas price": a figure
            # or price in another clause than the elements leaves the control clause standing
            stats = [m for m in scope if m.label == "statistic"]
            sep = ctx.rx("items", "clause_sep")
            bounds = [s] + [m.end() for m in sep.finditer(ctx.doc.text, s, e)] + [e]

            def clause(pos: int) -> int:
                return bisect.bisect_right(bounds, pos)
            stat_clauses = {clause(m.start) for m in stats}
            if not any(clause(c.start) in stat_clauses for c in cue_hits):
                mentions = [m for m in mentions if clause(m.start) not in stat_clauses]
                cues = cues - {"statistic"}
            else:
                # "prices pushed higher as buyers digested Beijing's decision to stop licensing exports
                # of antimony, gallium and germanium": the elements after a control cue that follows
                # every figure or price of the sentence are the control's
                last_stat = max(m.end for m in stats)
                after = [c.end for c in cue_hits if c.start >= last_stat]
                if after:
                    mentions = [m for m in mentions if m.start >= min(after)]
                    cues = cues - {"statistic"}
        if not mentions or "negation" in cues or "statistic" in cues or "definition" in cues:
            continue
        if "technology" in cues and ("item_word" not in cues or "tech_catalogue" in cues):
            continue  # a technology's words (有色金属冶金技术 … 金属锂制备), or a technology catalogue's entry
        if "technology" in cues:
            mentions = [m for m in mentions if not technology_bound(ctx, m, s, e)]
        listed = inline_led or (unit is not None and unit.index in led)
        if listed and heading_rx.search(ctx.doc.text[s:e]) and e - s <= 40:
            section, section_unit = ctx.best_tier([m.label for m in mentions]), unit
        elif listed and section:
            continue  # an item under a section heading belongs to the heading's element (铟镓砷 under 镓)
        if control or continued or (not decision_only and taken_up(i)):
            out.extend((m.label, m.start, m.end) for m in mentions)
        elif not decision_only:
            # "第55号至第58号公告(超硬材料、…钬铒铥铕镱五种中重稀土…)": a report's note of what an
            # act it cites covers
            out.extend((m.label, m.start, m.end) for m in mentions if any(a <= m.start < b for a, b in notes))
    return out


def act_start(ctx: Ctx, own: Mention | None) -> int:
    """Where a page's copy of an act starts: the line with the act's number (the page's own
    introduction comes first), else the top."""
    if own is not None:
        unit = ctx.unit_at(own.start)
        gloss = ctx.rx("items", "editor_gloss")
        if unit is not None and (unit.role in ("title", "meta") or unit.index == 0):
            # the page's title names the act, an editor's gloss follows, then the copy of the act
            # names it again: the copy starts there (not at a page footer naming it at the end)
            later = [u for m in ctx.spans.get("announcements", []) if m.label == own.label
                     and m.start > unit.end and (u := ctx.unit_at(m.start)) is not None
                     and u.role not in ("title", "meta") and u.index > unit.index]

            def number_line(u: Unit) -> bool:
                """Little but the act's number on the line (a label such as 附件 at most)."""
                return len(u.text.strip()) - sum(m.end - m.start for m in ctx.spans.get("announcements", [])
                                                 if u.start <= m.start < u.end) <= 20
            # (or a later line is nothing but the act's number: a chamber's notice above its copy)
            # ("现将商务部公告2025年第72号转发给你们,请…。" is a sentence citing it, not its number line)
            stops = ctx.g.context["items"]["lead_in_breaks"] + ","
            bare = next((u for u in later if number_line(u) and not any(ch in stops for ch in u.text.strip()[:-1])), None)
            again = later[0] if later else None
            # (not a PDF's running header on a later page: no clause of the act comes before it)
            # a forwarding notice's own words (and numbered requirements), then "附件" and the act's
            # number line: the copy starts at the number under the annex heading
            annex = ctx.rx("items", "annex_heading")
            under_annex = next((u for u in later if u.index > 0 and annex.match(ctx.units[u.index - 1].text.strip())
                                and number_line(u)), None)
            if bare is not None and not any(u.role in ("clause", "sub") for u in ctx.units[unit.index + 1:bare.index]):
                return bare.start
            if under_annex is not None:
                return under_annex.start
            elif again is not None and any(gloss.match(u.text) for u in ctx.units[unit.index + 1:again.index]):
                unit = again
        if unit is not None and unit.role not in ("title", "meta") and (unit.index > 5 or any(
                gloss.match(u.text) for u in ctx.units[:unit.index])):
            return unit.start
    return 0


def signature(ctx: Ctx, own: Mention | None, issued: Mention | None, dated_line: bool = False) -> int | None:
    """End of the act's signature date when it stands below the act's clauses (not a 发文日期
    line above them), else None; a date on a line of its own (role meta) counts when
    `dated_line`."""
    a = act_start(ctx, own)
    unit = ctx.unit_at(issued.start) if issued is not None else None
    roles = ("title",) if dated_line else ("meta", "title")
    if issued is not None and issued.start >= a and (unit is None or unit.role not in roles) \
            and any((u.role in ("clause", "sub") or u.style not in (None, "table")) and a <= u.start < issued.start
                    for u in ctx.units):
        return issued.end
    if issued is not None and unit is not None and issued.start >= a and unit.role != "title" \
            and timeline.under_issuer_line(ctx, unit) and ctx.units[unit.index - 1].start > a \
            and not ctx.doc.text[unit.start:issued.start].strip():
        # the signature block of an act without numbered clauses (a translation: "…hereby issued." /
        # "Ministry of Commerce" / "November 9, 2025")
        return issued.end
    return None


def act_region(ctx: Ctx, own: Mention | None, issued: Mention | None) -> tuple[int, int]:
    """Where a page's copy of an act runs: from the line with the act's number to the first
    commentary heading after its signature (a firm's "本所说明", "Our comments")."""
    a, b = act_start(ctx, own), len(ctx.doc.text)
    signed = signature(ctx, own, issued)
    if signed is None:
        # the issued date was read from a meta line above the act (【发文日期】…): the signature is
        # the date on the line under the issuers' names below the clauses
        for d in ctx.spans.get("dates", []):
            unit = ctx.unit_at(d.start)
            if d is not issued and d.start > a and unit is not None and unit.index > 0 \
                    and timeline.under_issuer_line(ctx, unit) and not ctx.doc.text[unit.start:d.start].strip():
                signed = signature(ctx, own, d)
                if signed is not None:
                    break
    if signed is not None:
        commentary = ctx.rx("items", "commentary_heading")
        annex, listed = ctx.rx("items", "annex_heading"), ctx.rx("items", "annex_list_title")
        for u in ctx.units:
            # (a table's header row is no heading: its "形态说明" column names no commentary)
            if u.start > signed and u.heading and u.role != "row" and commentary.search(u.text):
                b = u.start
                break
            # a heading of the page's own after the signature ("What the suspended paragraph said"),
            # not an annex of the act
            if u.start > signed and u.role == "heading" and not annex.match(u.text) and not listed.search(u.text):
                b = u.start
                break
    return a, b


def act_notes(ctx: Ctx) -> list[tuple[int, int]]:
    """The (…) after a cited act's number, or after acts named without one ("the other
    announcements (covering …)"), that says what it covers (not its title)."""
    text, out = ctx.doc.text, []
    for r in ctx.spans.get("announcements", []):
        m = ctx.rx("elements", "act_note").match(text[r.end:r.end + 220])
        if m and not any(a <= r.end + m.start(1) < b for a, b in ctx.cited):
            out.append((r.end + m.start(1), r.end + m.end(1)))
    for m in ctx.rx("elements", "act_word_note").finditer(text):
        g = 1 if m.group(1) is not None else 2
        out.append((m.start(g), m.end(g)))
    return out


def inline_sections(ctx: Ctx, s: int, e: int, mentions: list[Mention]) -> list[tuple[int, int, str]]:
    """(start, end, element) of each list a sentence opens with "X相关物项包括" / "X-related items
    include": what it lists are X's items."""
    text, out = ctx.doc.text, []
    end_rx = ctx.rx("items", "inline_section_end")
    for m in ctx.rx("items", "inline_section").finditer(text, s, e):
        head = [x for x in mentions if x.end <= m.start() and m.start() - x.end <= 2]
        if not head:
            continue
        stop = end_rx.search(text, m.end(), e)
        out.append((m.end(), stop.start() if stop else e, head[-1].label))
    tail_before, tail_after = ctx.rx("items", "inline_section_tail_before"), ctx.rx("items", "inline_section_tail_after")
    start_rx = ctx.rx("items", "inline_section_start")
    for x in mentions:
        lead = tail_before.search(text, max(s, x.start - 12), x.start)
        if lead and tail_after.match(text, x.end):
            a = max((m.end() for m in start_rx.finditer(text, s, lead.start())), default=s)
            out.append((a, lead.start(), x.label))
    return out


def technology_bound(ctx: Ctx, m: Mention, s: int, e: int) -> bool:
    """An element named inside a technology phrase is what the technology makes, not an item:
    "technology for producing samarium-cobalt magnets", "钐钴磁体制备技术". Bound when the
    mention follows a linked technology word (en) or precedes one (zh) in the same clause with no
    item word between."""
    text = ctx.doc.text
    cues = ctx.within("scope_cues", s, e)
    techs = [c for c in cues if c.label == "technology"]
    items = [c for c in cues if c.label == "item_word"]

    def clear(a: int, b: int, breaks: str) -> bool:
        return not any(a <= c.start < b for c in items) and not any(ch in breaks for ch in text[a:b])

    en_breaks = ctx.g.context["elements"]["clause_breaks_en"]
    zh_breaks = ctx.g.context["elements"]["clause_breaks_zh"]
    if techs and ctx.lang == "en" and ctx.rx("elements", "tech_verb_before").search(text[max(0, m.start - 40):m.start]):
        return any(t.end <= m.start and m.start - t.end <= 120 and not any(ch in en_breaks for ch in text[t.end:m.start])
                   for t in techs)
    if ctx.lang == "zh" and ctx.rx("elements", "tech_verb_after").match(text[m.end:m.end + 48]):
        return True
    if ctx.lang == "en" and ctx.rx("elements", "tech_noun_after").match(text[m.end:m.end + 80]):
        return True
    link = ctx.rx("elements", "tech_link")
    for t in techs:
        if t.end <= m.start and m.start - t.end <= 100 and link.match(text, t.end) \
                and clear(t.end, m.start, en_breaks):
            return True
        if ctx.lang == "zh" and m.end <= t.start and t.start - m.end <= 25 and clear(m.end, t.start, zh_breaks):
            return True
    return False


# ----------------------------------------------------------------------------------------- record

def excluded_codes(ctx: Ctx, codes: list[Mention]) -> list[Mention]:
    """Control codes without those cited only to exclude them ("未列入1C226或1C241管制的钨合金",
    "tungsten carbide other than that in 1C226")."""
    before, joiner = ctx.rx("items", "code_excluded_before"), ctx.rx("items", "code_list_joiner")
    text, kept, prev_out, prev_end = ctx.doc.text, [], False, -1
    for m in codes:
        out = bool(before.search(text[max(0, m.start - 40):m.start])) or (
            prev_out and bool(joiner.match(text[prev_end:m.start])))
        if not out:
            kept.append(m)
        prev_out, prev_end = out, m.end
    return kept


def is_listing(doc: Document) -> bool:
    """A feed or a list page (entries linking to documents) is not a document about anything: it
    gets kind 'other', not relevant, even though its entry titles name acts."""
    if doc.media_type in ("application/rss+xml", "application/atom+xml"):
        return True
    entries = [link for link in doc.links if link.rel in ("detail", "feed_item")]
    if len(entries) < 2:
        return False
    body = sum(b.end - b.start for b in doc.blocks if b.kind not in ("title", "meta")) or len(doc.text)
    # only list items that are entries (hold a linked title) count: an act's own numbered items
    # ("1. 1C909.a 金属钬…") are its content, not a list of other documents
    titles = [link.text.strip() for link in entries if len(link.text.strip()) >= 4]
    listed = sum(b.end - b.start for b in doc.blocks if b.kind in ("list_item", "table_row")
                 and any(t in doc.text[b.start:b.end] for t in titles))
    return listed >= 0.5 * body


def build_record(doc: Document, spans: dict[str, list[Mention]], user_data: dict[str, Any], lang: str,
                 tiers: dict[str, int], layout: Layout, grammar: Grammar,
                 source: str | None = None) -> dict[str, Any]:
    """The record (schema fields in order) plus items, clauses, relation scopes, under '_extra'."""
    ctx = Ctx(doc, spans, "news", lang, tiers, layout, grammar)
    if is_listing(doc):
        kind, relevant, modality = "other", False, None
    else:
        kind = user_data.get("ew_kind", "other")
        relevant, modality = bool(user_data.get("ew_relevant")), user_data.get("ew_modality")
    ctx.kind = kind
    evidence: list[dict[str, Any]] = []

    def ev(field_: str, value: Any, start: int, end: int) -> None:
        evidence.append({"field": field_, "value": value, "start": start, "end": end, "text": doc.text[start:end]})

    own = timeline.own_announcement(ctx) if kind in ("announcement", "qa") and not is_listing(doc) else None
    issued = timeline.issued_date(ctx, own) if kind == "announcement" or (
        kind == "qa" and (own is not None or not timeline.several_acts_issued(ctx))) else None
    rec: dict[str, Any] = {f: [] for f in FIELDS}
    rec.update(source=source or doc.source, kind=kind, lang=lang, relevant=relevant,
               modality=modality if relevant else None,
               announcement=own.label if own else None, issued=issued.label if issued else None)
    if own:
        ev("announcement", own.label, own.start, own.end)
    if issued:
        ev("issued", issued.label, issued.start, issued.end)
    for cue in spans.get("doc_class", [])[:3]:
        ev("kind", kind, cue.start, cue.end)
    effective, overrides, whole = timeline.effective_dates(ctx, rec["issued"], rec["announcement"])
    items = item_rows(ctx, rec["announcement"])
    clauses = timeline.clauses(ctx, overrides, whole or rec["issued"])
    relations, scopes = timeline.relations(ctx, rec["announcement"])
    extra = {"items": items, "clauses": clauses, "relation_scopes": scopes}
    if not relevant:
        rec["evidence"] = evidence
        extra.update(items=[], relation_scopes=[])
        return {**rec, "_extra": extra}
    if modality:
        for cue in [m for m in spans.get("doc_class", []) if m.label == modality][:1]:
            ev("modality", modality, cue.start, cue.end)

    region = act_region(ctx, own, issued) if kind == "announcement" else (0, len(doc.text))

    def add(field_: str, value: Any, start: int, end: int, key: Any = None) -> None:
        key = value if key is None else key
        if not region[0] <= start < region[1]:
            return  # a page's own words around the act it copies (编者说明, 本所说明)
        if key not in seen[field_]:
            seen[field_][key] = True
            rec[field_].append(value)
            ev(field_, value, start, end)

    seen: dict[str, dict[Any, bool]] = {f: {} for f in LIST_FIELDS}
    for value, s, e in effective:
        add("effective", value, s, e)
    for sym, s, e in controlled_elements(ctx, items):
        add("elements", sym, s, e)
    for m in excluded_codes(ctx, spans.get("control_codes", [])):
        add("control_codes", m.label, m.start, m.end)
    for m in spans.get("hs_codes", []):
        add("hs_codes", m.label, m.start, m.end)
    for m in spans.get("technologies", []):
        add("technologies", m.label, m.start, m.end)
    for m in spans.get("not_controlled", []):
        add("not_controlled", m.label, m.start, m.end)
    for m in spans.get("end_user_rules", []):
        category, _, policy = m.label.partition(":")
        add("end_user_rules", {"category": category, "policy": policy}, m.start, m.end, key=m.label)
    for m in spans.get("thresholds", []):
        kind_, _, value = m.label.partition(":")
        try:
            add("thresholds", {"kind": kind_, "value": float(value)}, m.start, m.end, key=m.label)
        except ValueError:
            continue
    for rel in relations:
        # the first place the relation's act is named inside the copied act
        at = min((sc["start"] for sc in scopes if (sc["type"], sc["target"]) == (rel["type"], rel["target"])
                  and region[0] <= sc["start"] < region[1]), default=rel["start"])
        add("relations", {k: rel[k] for k in ("type", "target", "until")}, at,
            at + (rel["end"] - rel["start"]) if at == rel["start"] else next(
                sc["end"] for sc in scopes if sc["start"] == at), key=(rel["type"], rel["target"]))
    parties.fill(ctx, rec, ev, user_data.get("ew_scan"), extra, region,
                 signature(ctx, own, issued, dated_line=True) if kind == "announcement" else None)
    rec["evidence"] = evidence
    return {**rec, "_extra": extra}
