"""Parties an act places on, or takes off, one of China's lists (the record's `parties` field).

Why structure first: an act prints its parties as a list under a lead-in ("列入出口管制管控名单的
实体:", "… place the following 14 foreign entities on the unreliable entity list:") or as an annex
table (name, name in the original language, country, address, in any column order); a report
enumerates them in a sentence ("The six firms added to the unreliable entity list - Shield AI,
…"), a Chinese text runs them together with 、. So lists and tables are read first (their lead-in,
caption or heading says which list and what happens), then sentences that speak of a list, then
the coded rows of a screening digest whose legend defines the codes. Which list a name is on: the
list word nearest to it in its sentence, else the list a count of parties was given with ("the 12
firms"), else the list spoken of last. What happens to it: a suspension or lifting said in its
sentence or paragraph wins over the listing it recalls (a text's entry carries what it reports as
happening; the earlier listing is history). A name printed in both languages is one party under
the document's language, the other kept as an alias. The cue words and name shapes are data
(models/src/grammar/parties.yml); the cue families are scanned with every other cue.

What is not a party: a description before a name (美国最大军用造船企业X公司, "Japan's X",
"Virginia-based X"), a generic phrase (本地一家律师事务所, "20 other Japanese entities"), an owner
named before its listed subsidiaries, a name in a bracketed aside, anything on another country's
list, and, on a page copying an act, a party its own notes name (outside the copy, or in a sentence
below the signature citing another act). Where a sentence gives several lists, a count ("and 20
others, including C, on the watch list") opens a new group: a list word past it is not for the
names before it.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

from pipeline.extract.party_names import EnglishRun, Name, Shapes, chinese_names, split_alias
from pipeline.extract.scanner import Hit, leftmost_longest

if TYPE_CHECKING:
    from pipeline.extract.layout import Unit
    from pipeline.extract.record import Ctx

FAMILIES = ("party_list", "party_action", "party_run", "party_same", "party_entity")
NOT_ADDED = ("removed", "suspended", "resumed")
CJK = re.compile(r"[\u4e00-\u9fff]")


def norm(name: str) -> str:
    """The scoring key of a name: case-folded, letters and digits only."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


@dataclass
class Found:
    name: Name
    list: str
    action: str
    how: str
    country: str | None = None


@dataclass
class Party:
    name: Name
    keys: set[str]
    country: str | None
    lists: dict[str, list[str]] = field(default_factory=dict)  # list -> actions, in reading order
    how: str = ""


_SHAPES: dict[int, Shapes] = {}


def shapes_of(meta: dict[str, Any]) -> Shapes:
    key = id(meta)
    if key not in _SHAPES:
        _SHAPES[key] = Shapes(meta["shapes"])
    return _SHAPES[key]


class Reader:
    """One document's parties, read from its view, layout and scan hits."""

    def __init__(self, ctx: "Ctx", scan: Any):
        self.ctx = ctx
        self.text = ctx.doc.text
        self.layout = ctx.layout
        self.units = ctx.layout.units
        meta = scan.book.meta["parties"]
        self.sh = shapes_of(meta)
        self.country_words = sorted(((w, iso) for iso, ws in meta["countries"].items() for w in ws),
                                    key=lambda p: -len(p[0]))
        self.hits = {f: leftmost_longest(scan.family(f)) for f in FAMILIES}
        # an idiom found as the longer hit hides the action word inside it, and says none
        self.hits["party_action"] = [h for h in self.hits["party_action"] if h.label != "idiom"]
        owner = self.sh.rx("foreign_list_owner")
        # another country's list ("Japan's export control list") holds none of China's parties
        self.hits["party_list"] = [h for h in self.hits["party_list"]
                                   if not owner.search(self.text, max(0, h.start - 40), h.start)]
        self._starts = {f: [h.start for h in hs] for f, hs in self.hits.items()}
        self.acts = ctx.spans.get("announcements", [])
        self.claimed: set[int] = set()
        self.signed: int | None = None  # an act's signature: sentences below it citing another act are notes
        self.own: str | None = None  # the act the document is
        self.en = EnglishRun(self.text, self.sh)

    # ------------------------------------------------------------------------------ cues
    def cues(self, family: str, start: int, end: int, label: str | None = None) -> list[Hit]:
        hs, st = self.hits[family], self._starts[family]
        out = hs[bisect_left(st, start):bisect_left(st, end)]
        return [h for h in out if label is None or h.label == label]

    def act_list(self, act_id: str) -> str:
        """The list an act places its parties on: UEL acts the unreliable-entity list; a MOFCOM
        act the list named beside it in this text, else the control list."""
        if act_id.startswith("UEL-"):
            return "unreliable_entity"
        for r in self.acts:
            if r.label == act_id:
                s, e = self.layout.sentence(r.start)
                near = sorted(self.cues("party_list", s, e), key=lambda h: abs(h.start - r.end))
                if near:
                    return near[0].label
        return "control_list"

    def act_action(self, act_id: str) -> str | None:
        """What a text says happens to the measures on an act's parties, in the clause after the act
        is cited ("对第22号公告所列的12家美国实体, 停止执行有关措施"): a suspension, lifting or resumption."""
        for r in self.acts:
            if r.label != act_id:
                continue
            s, e = self.layout.sentence(r.start)
            stop = self.sh.rx("clause_end").search(self.text, r.end, e)
            found = [h for h in self.cues("party_action", r.end, stop.start() if stop else e) if h.label in NOT_ADDED]
            if found:
                return found[0].label
        return None

    def unit_list(self, u: "Unit") -> str | None:
        found = self.cues("party_list", u.start, u.end)
        if found:
            return found[-1].label
        refs = [r for r in self.acts if u.start <= r.start < u.end]
        return self.act_list(refs[0].label) if refs else None

    def acted(self, u: "Unit") -> bool:
        """Does a sentence of this line put parties on (or take them off) a list it names?"""
        return any(self.cues("party_action", *self.layout.sentence(h.start)) for h in self.cues("party_list", u.start, u.end))

    def unit_action(self, u: "Unit") -> str | None:
        found = self.cues("party_action", u.start, u.end)
        other = [h for h in found if h.label in NOT_ADDED]
        return (other or found)[-1].label if found else None

    def fallback_list(self, pos: int) -> str | None:
        before = [h for h in self.hits["party_list"] if h.start < pos]
        # a list the text puts parties on ("列入「出口管制管控名单」") over one it only mentions
        # ("此次措施与「不可靠实体清单」不同")
        acted = [h for h in before if self.cues("party_action", *self.layout.sentence(h.start))]
        if acted or before:
            return (acted or before)[-1].label
        title = next((u for u in self.units if u.role == "title"), None)
        if title is not None and (found := self.unit_list(title)):
            return found
        own = self.ctx.spans.get("announcements", [])
        return self.act_list(own[0].label) if own and self.ctx.kind == "announcement" else None

    def context(self, index: int, near: bool = False) -> tuple[str | None, str | None]:
        """List and action of a table or list from the lines above it: its caption, heading or
        lead-in (short lines only, so a measure clause above an annex says nothing), up to the
        first line that names a list; then the title."""
        lst = act = None
        for k in range(index - 1, max(-1, index - 7), -1):
            u = self.units[k]
            if u.role == "row":
                break
            if len(u.text) > 160 and not u.ends_colon:
                continue
            act = act or self.unit_action(u)
            lst = self.unit_list(u)
            if lst and self.sh.rx("sentence_line").search(u.text) and not self.acted(u):
                continue  # a sentence that only compares ("本次措施与不可靠实体清单不同"): no lead-in
            if lst or (u.heading and u.role == "clause"):
                break  # a numbered section heading opens the table's section: lines above it are another's
        title = next((u for u in self.units if u.role == "title"), None)
        if title is not None:
            act = act or self.unit_action(title)
        if near:  # only a caption or lead-in says it
            return lst, act
        return lst or self.fallback_list(self.units[index].start), act

    # ---------------------------------------------------------------------------- tables
    def tables(self) -> list[Found]:
        out: list[Found] = []
        i = 0
        while i < len(self.units):
            if self.units[i].role != "row":
                i += 1
                continue
            rows, j = [], i
            while j < len(self.units) and (self.units[j].role == "row" or (
                    self.units[j].role == "meta" and j + 1 < len(self.units) and self.units[j + 1].role == "row")):
                if self.units[j].role == "row":
                    rows.append(self.units[j])
                j += 1
            out.extend(self.table(i, rows))
            i = j
        return out

    def columns(self, row: "Unit") -> dict[str, list[int]] | None:
        cols: dict[str, list[int]] = {}
        note = self.sh.rx("header_note", re.I)
        for k, (s, e) in enumerate(row.cells):
            cell = self.text[s:e].strip()
            kinds = ("header_name_zh", "header_name_en", "header_country", "header_address", "header_number",
                     "header_list", "header_action", "header_name_weak")
            # as printed, else without a note after the column's name ("Entity (as given in the annex)")
            kind = next((x for x in kinds if self.sh.rx(x, re.I).match(cell)), None) or next(
                (x for x in kinds if self.sh.rx(x, re.I).match(note.sub("", cell).strip())), None)
            if kind:
                cols.setdefault(kind, []).append(k)
        if "header_name_weak" in cols and "header_name_zh" not in cols and "header_name_en" not in cols:
            cols["header_name_zh" if self.ctx.lang == "zh" else "header_name_en"] = cols["header_name_weak"]
            cols["weak"] = []
        return cols if ("header_name_zh" in cols or "header_name_en" in cols) else None

    def table(self, index: int, rows: list["Unit"]) -> list[Found]:
        head = next(((r, c) for r in rows[:2] if (c := self.columns(r))), None)
        if head is None:
            return []
        header, cols = head
        lst, act = self.context(index, near="weak" in cols)
        if not lst and "header_list" not in cols:
            return []
        zh, en = cols.get("header_name_zh", []), cols.get("header_name_en", [])
        names = (zh + en) if self.ctx.lang == "zh" else (en + zh)
        out = []
        carried: tuple[str | None, str | None, str | None] | None = None
        for row in rows:
            self.claimed.add(row.index)
            if self.columns(row):
                continue
            # a row of one cell under a row of several: the other cells span it (rowspan), the
            # one left is the next name, on the list and with the country and action of the row above
            spanned = len(row.cells) == 1 and len(header.cells) > 1 and carried is not None
            # a row with fewer cells than the header lost cells to a span: on the right (a category
            # cell spanning rows) its cells align from the left, as when the name column holds a
            # name there; else (a date or instrument cell spanning rows on the left, two cells
            # merged) from the right
            off = 0
            if len(row.cells) < len(header.cells) and names[0] > 0:
                shift = len(header.cells) - len(row.cells)
                # a country column decides where it lands; else a name column landing on a cell
                # with an organisation word ("斯巴鲁株式会社等20家" under spanning date and country
                # cells); else the name column holding a word
                lands = [o for o in (0, shift) if any(
                    0 <= k - o < len(row.cells) and self.country_of(self.text[slice(*row.cells[k - o])].strip(), whole=True)
                    for k in cols.get("header_country", []))]
                named = [o for o in range(shift + 1) if 0 <= names[0] - o < len(row.cells)
                         and self.org_word(*row.cells[names[0] - o])]
                if len(lands) == 1:
                    off = lands[0]
                elif len(named) == 1:
                    off = named[0]
                elif not (names[0] < len(row.cells) and re.search(r"[^\W\d_]", self.text[slice(*row.cells[names[0]])])):
                    off = shift

            def at(k: int) -> int | None:
                return k - off if 0 <= k - off < len(row.cells) else None
            if at(names[0]) is None and not spanned:
                continue
            # a cell may hold several names ("Lockheed Martin Corporation; Raytheon Missiles & Defense")
            pieces = self.cell_pieces(*row.cells[0 if spanned else at(names[0])])
            found = []
            for s, e in pieces:
                name = split_alias(self.text, s, e, self.sh)
                if name is None or not re.search(r"[^\W\d_]", self.text[name.start:name.end]):
                    continue
                found.append(name)
            if not found:
                continue
            for k in names[1:]:
                if at(k) is not None and len(pieces) == 1 and not spanned:
                    a = split_alias(self.text, *row.cells[at(k)], self.sh)
                    if a is not None:
                        found[0].aliases.append((a.start, a.end))
            country = None
            for k in cols.get("header_country", []):
                if (c := at(k)) is not None:
                    country = self.country_of(self.text[row.cells[c][0]:row.cells[c][1]].strip(), whole=True)
            # a List or Action column says it per row ("Export control list | Added")
            row_lst, row_act = self.cell_cue(row, cols, "header_list", "party_list", off), \
                self.cell_cue(row, cols, "header_action", "party_action", off)
            if "header_action" in cols:  # a status column that says no change ("ACTIVE") keeps the listing
                # ("有效(针对其基因测序仪的出口禁令已停止执行,但该公司仍在清单内)": a note on one
                # measure after the status word does not change the status)
                if any((c := at(k)) is not None and self.sh.rx("status_active").match(self.text, *row.cells[c])
                       for k in cols["header_action"]):
                    row_act = None
                row_act = row_act or "added"
            if spanned and carried is not None:
                row_lst, country, row_act = carried
            else:
                carried = (row_lst, country, row_act)
            out.extend(Found(name, row_lst or lst, row_act or act or "added", "table", country) for name in found)
        return out

    def org_word(self, s: int, e: int) -> bool:
        """Does a cell carry an organisation word or a legal form (株式会社, 公司, Inc., GmbH)?"""
        return bool(self.sh.rx("zh_suffix").search(self.text, s, e) or any(
            self.sh.rx("en_legal_form").match(w.strip(",")) for w in self.text[s:e].split()))

    def cell_pieces(self, s: int, e: int) -> list[tuple[int, int]]:
        """A table cell's names: split where the cell separates names (`cell_sep`)."""
        out, a = [], s
        for m in self.sh.rx("cell_sep").finditer(self.text, s, e):
            out.append((a, m.start()))
            a = m.end()
        out.append((a, e))
        # "莱多斯公司等15家": a cell naming the first of a counted group holds that one name
        tail = self.sh.rx("cell_count_tail")
        out = [(a, m.start() if (m := tail.search(self.text, a, b)) else b) for a, b in out]
        # "洛克希德·马丁公司、雷神导弹与防务公司": Chinese names enumerated in one cell are read as in a
        # sentence (an enumeration inside one name, "波音防务、空间与安全集团", stays whole)
        split: list[tuple[int, int]] = []
        for a, b in out:
            named = chinese_names(self.text, a, b, self.sh) if self.sh.rx("zh_list_sep").search(self.text, a, b) else []
            if len(named) > 1:
                split.extend((n.start, n.end) for n in named)
            else:
                split.append((a, b))
        return [(a, b) for a, b in split if self.text[a:b].strip()]

    def cell_cue(self, row: "Unit", cols: dict[str, list[int]], kind: str, family: str, off: int = 0) -> str | None:
        for k in cols.get(kind, []):
            if 0 <= k - off < len(row.cells):
                found = self.cues(family, *row.cells[k - off])
                other = [h for h in found if h.label in NOT_ADDED]
                if found:
                    return (other or found)[-1].label
        return None

    # ----------------------------------------------------------------------------- lists
    def is_item(self, u: "Unit") -> bool:
        return (u.kind == "list_item" or u.role in ("item", "bullet", "subitem")) and not u.ends_colon

    def lists(self) -> list[Found]:
        out: list[Found] = []
        for u in self.units:
            if u.role in ("title", "meta"):
                continue
            marks = self.cues("party_list", u.start, u.end) + self.cues("party_entity", u.start, u.end)
            # a lead-in ("列入出口管制管控名单的实体:") or a caption ("附件:出口管制管控名单")
            # (not a point of a summary box or a related link, nor the list's issuer signing:
            # "美国零售集团ABQ列入不可靠实体清单" as a bullet, "不可靠实体清单工作机制")
            caption = len(u.text) <= 40 and bool(self.cues("party_list", u.start, u.end)) \
                and not self.sh.rx("not_caption").search(u.text) and not self.is_item(u) \
                and u.role not in ("item", "bullet", "subitem") and not self.sh.rx("list_issuer").search(u.text)
            if self.layout.in_boilerplate(u.start):
                continue
            # an annex caption naming no list ("附:名单", "Annex: List of Entities"): the act's list
            caption = caption or bool(self.sh.rx("annex_caption", re.I).match(u.text))
            if not (marks or caption) or not (u.ends_colon or caption):
                continue
            tail = self.text[max(h.end for h in marks):u.end]
            # a lead-in to measures ("并采取下列措施:") lists measures, unless what follows it
            # first are names (each with an organisation word or a name beside it in brackets)
            measures = bool(self.sh.rx("measure_lead", re.I).search(tail))
            items = []
            for k, v in enumerate(self.units[u.index + 1:], u.index + 1):
                if v.role == "row" and not self.headed(v):
                    v = self.row_item(v)  # a table without a header row: "1. | TCOM, Limited Partnership"
                # (once names have come, a short item without an organisation word among them is a
                # name too: "Shield AI, Inc. / Group W / Hudson Technologies Co.")
                if self.is_item(v) and not (measures and not self.named_item(v) and not (
                        len(items) >= 2 and len(v.text.strip()) <= 60 and not v.ends_colon)):
                    items.append(v)
                elif not measures and u.ends_colon and (not items or items[-1].role in (None, "text")) and self.name_line(v):
                    items.append(v)  # "The companies named were:" and a name a line, unmarked (wire copy)
                elif measures or not (v.role == "meta" and k + 1 < len(self.units) and self.is_item(self.units[k + 1])):
                    break  # a line of chrome between two items (a forum's advertisement) is skipped
            if not items:
                continue
            lst = self.unit_list(u)
            act = self.unit_action(u)
            if not lst or not act:
                c_lst, c_act = self.context(u.index)
                lst, act = lst or c_lst, act or c_act
            if not lst:
                continue
            for v in items:
                self.claimed.add(v.index)
                name = split_alias(self.text, v.start, v.end, self.sh)
                if self.ctx.within("control_codes", v.start, v.end) or self.ctx.within("hs_codes", v.start, v.end):
                    continue  # "一、1C117.d 钨相关材料…": an item of the control list of goods, not a party
                if name is not None and not self.lowercase_clause(name):
                    out.append(Found(name, lst, act or "added", "list"))
        return out

    def lowercase_clause(self, name: Name) -> bool:
        """An item that is a clause in lower case ("re-export the Annex 1 items themselves when
        …"), not a name: its first word has no capital and it runs over four words."""
        words = self.text[name.start:name.end].split()
        return len(words) > 4 and words[0].isascii() and any(c.isalpha() for c in words[0]) \
            and words[0] == words[0].lower()

    def name_line(self, v: "Unit") -> bool:
        """A line with no list marker that is only a name (under a lead-in naming parties): short,
        not a sentence unless it ends with a legal form, starting with a capital or a Chinese
        character."""
        body = v.text.strip()
        if v.role not in (None, "text") or v.ends_colon or ":" in body or not 2 <= len(body) <= 80:
            return False
        if self.named_item(v):
            return True
        # a name without a legal form: words in title case ("American Photonics", "Domo Tactical
        # Communications"), no sentence
        joiner = self.sh.rx("en_joiners")
        return body.isascii() and not self.sh.rx("sentence_line").search(body) and all(
            w[0].isupper() or w[0].isdigit() or joiner.match(w) for w in body.split())

    def headed(self, row: "Unit") -> bool:
        """Is a table row under (or itself) a header row that names the columns?"""
        k = row.index
        while k > 0 and self.units[k - 1].role == "row":
            k -= 1
        return any(self.columns(self.units[j]) for j in range(k, min(k + 2, len(self.units)))
                   if self.units[j].role == "row")

    def row_item(self, row: "Unit") -> "Unit":
        """A row of a table without a header, read as a list item: its one cell that is not a
        number ("1. | TCOM, Limited Partnership", "(2) | 美国光子公司"); a row of several such
        cells is no item (it is left as a row)."""
        number = self.sh.rx("item_prefix")
        cells = [(a, b) for a, b in row.cells if self.text[a:b].strip()
                 and not number.fullmatch(self.text[a:b].strip() + " ")]
        if len(cells) != 1 or len(row.cells) > 3:
            return row
        a, b = cells[0]
        return replace(row, start=a, end=b, text=self.text[a:b], role="item", kind="list_item", cells=[])

    def named_item(self, v: "Unit") -> bool:
        """A list item that is plainly a party's name: it ends with an organisation word or a
        legal form, or a name stands beside it in brackets."""
        name = split_alias(self.text, v.start, v.end, self.sh)
        if name is None:
            return False
        body = self.text[name.start:name.end]
        return bool(name.aliases) or bool(self.sh.rx("named_item_end").search(body))

    # ------------------------------------------------------------------------- coded rows
    def coded_rows(self) -> list[Found]:
        """A digest's rows 'DATE LIST STATUS PARTY SOURCE …', their codes defined by its legend
        ('ECL = MOFCOM export control list', 'LIFT = measures terminated, treat as delisted')."""
        lists: dict[str, str] = {}
        actions: dict[str, str] = {}
        legend = self.sh.rx("legend")
        for u in self.units:
            for m in legend.finditer(u.text):
                s, e = u.start + m.start(2), u.start + m.end(2)
                lc = self.cues("party_list", s, e)
                ac = self.cues("party_action", s, e)
                if lc and not ac:
                    lists[m.group(1)] = lc[0].label
                elif ac:
                    other = [h for h in ac if h.label in NOT_ADDED]
                    actions[m.group(1)] = (other or ac)[-1].label
        if not lists or not actions:
            return []
        out = []
        row_rx, end_rx = self.sh.rx("coded_row"), self.sh.rx("coded_row_end")
        for u in self.units:
            m = row_rx.match(u.text)
            if not m or m.group(1) not in lists or m.group(2) not in actions:
                continue
            s = u.start + m.start(3)
            stop = end_rx.search(self.text, s, u.end)
            e = stop.start() if stop else u.end
            self.claimed.add(u.index)
            out.append(Found(Name(s, e), lists[m.group(1)], actions[m.group(2)], "row"))
        return out

    # ---------------------------------------------------------------------------- prose
    def prose(self) -> list[Found]:
        out: list[Found] = []
        sents = self.layout.sentences
        counts = self.count_lists()
        notes = self.notes()
        for k, sent in enumerate(sents):
            u = self.units[sent.line]
            if u.index in self.claimed or u.role in ("title", "meta") or self.layout.in_boilerplate(sent.start):
                continue
            s, e = sent.start, sent.end
            lc = self.cues("party_list", s, e) + self.cues("party_same", s, e)
            runs = [h for h in self.cues("party_run", s, e) if h.label != "idiom"]
            prev = sents[k - 1] if k and sents[k - 1].line == sent.line else None
            entity = self.cues("party_entity", s, e) or (prev and (self.cues("party_entity", prev.start, prev.end)
                                                                   or self.cues("party_list", prev.start, prev.end)))
            pronoun = not lc and self.pronoun_run(k)
            # "名单所列主要是…。另外, A以及B亦被点名。": a listing verb in a paragraph that spoke of a list
            told = not (lc or runs) and bool(self.cues("party_action", s, e)) and bool(
                self.cues("party_list", u.start, s) or self.cues("party_same", u.start, s))
            if not (lc or (runs and entity) or pronoun or told):
                continue
            # "第22号公告涵盖的12家企业包括A、B": an act cited as the one whose parties these are
            cited = [] if lc or self.ctx.kind == "announcement" else \
                [r for r in self.acts if s <= r.start < e
                 and self.sh.rx("act_parties").match(self.text, r.end, e)]
            if not lc and not self.cues("party_action", s, e) and not (
                    prev and (self.cues("party_list", prev.start, prev.end) or self.cues("party_same", prev.start, prev.end))) \
                    and not self.counted(s, e, prev, counts) \
                    and not self.follows_listing(k, runs) and not cited and not pronoun:
                continue  # "Chinese companies such as X said …": no list, no listing, no listed count
            if self.note_on_other_act(s, e) or u.index in notes:
                continue
            acts = self.cues("party_action", s, e)
            if not acts and self.sh.rx("warning").search(self.text, s, e):
                continue  # a warning about a named party ("A规避有关规定, 将货物转移给清单中的企业")
            if self.ctx.kind == "announcement" and self.sh.rx("recalled").search(self.text, s, e) \
                    and not any(h.label in NOT_ADDED for h in acts):
                continue  # an act recalling an earlier listing: history, not its own parties
            if self.chinese(s, e):
                names = chinese_names(self.text, s, e, self.sh)
                # a typeset line broken inside a name ("…商务部决定将莱多\n斯公司等15家"): the part on
                # the next line is no name of its own
                names = [n for n in names if not self.wrapped(n.start)]
            else:
                names = self.english(s, e, runs)
            if not names and prev is not None and lc and self.chinese(s, e) \
                    and self.sh.rx("anaphor").search(self.text, s, e):
                # "A并非首次上榜。今年3月, 该公司已被列入不可靠实体清单。": the one name of the
                # sentence before is the company this one speaks of
                before = [n for n in chinese_names(self.text, prev.start, prev.end, self.sh) if not self.wrapped(n.start)]
                names = before if len(before) == 1 else []
            if not names and lc and self.cues("party_action", s, e) \
                    and self.sh.rx("anaphor_group").search(self.text, s, e):
                names = self.named_before(k)
            names = [n for n in names if not self.sh.rx("not_listed_after").match(self.text, n.end)
                     and not self.sh.rx("list_issuer").search(self.text, n.start, n.end)]  # "named by the … Working Mechanism"
            dated = self.dated_actions(names, s, e, k) if names else {}
            if cited and not self.cues("party_action", s, e):
                lst, act = self.act_list(cited[0].label), self.act_action(cited[0].label)
                out.extend(Found(name, lst, act or "added", "prose", None) for name in names)
                continue
            turns = self.lists_in_turn(names[0], e) if len(names) == 1 else []
            if turns:
                out.extend(Found(names[0], lst, act, "prose", None) for lst, act in turns)
                continue
            for i, name in enumerate(names):
                lst = self.prose_list(name, s, e, prev, counts, pronoun)
                if lst:
                    group = self.group_of(name, s, e)
                    out.append(Found(name, lst, dated.get(i) or self.prose_action(name, s, e, u), "prose",
                                     group[1] if group and group[0] == lst else None))
        return out

    def lists_in_turn(self, name: Name, e: int) -> list[tuple[str, str]]:
        """(list, action) for each of several lists one party is put on in turn in one sentence
        ("A于3月被列入不可靠实体清单后, 又于4月被列入出口管制管控名单"; "A was added to the UEL in
        March and placed on the control list in April"): each list after the name has its own
        listing verb between it and the list before; otherwise one list is the party's."""
        cues = sorted(self.cues("party_list", name.end, e), key=lambda h: h.start)
        if len({h.label for h in cues}) < 2:
            return []
        out: list[tuple[str, str]] = []
        pos = name.end
        for h in cues:
            acts = self.cues("party_action", pos, h.start)
            if not acts:
                return []
            if out and (self.cues("party_entity", pos, h.start) or self.sh.rx("count_zh").search(self.text, pos, h.start)
                        or self.sh.rx("count_en").search(self.text, pos, h.start)):
                return []  # "…; 同日, 商务部还将28家美国实体列入…": the later list is another group's
            if (h.label, acts[-1].label) not in out:
                out.append((h.label, acts[-1].label))
            pos = h.end
        return out

    def pronoun_run(self, k: int) -> bool:
        """Does this sentence open with "They include …" right after a sentence (of this paragraph
        or the one above) that reports a step on a list's parties?"""
        sents = self.layout.sentences
        sent = sents[k]
        if not k or not self.sh.rx("pronoun_run").match(self.text, sent.start, sent.end):
            return False
        # the step may stand up to five sentences before ("… added 12 American companies to its
        # export control list. Under No. 22, exports to the listed firms are prohibited. The
        # companies named are A, B …"), in this paragraph or the two above
        for j in range(k - 1, max(0, k - 5) - 1, -1):
            prev = sents[j]
            if sent.line - prev.line > 2 or self.units[prev.line].role in ("title", "meta"):
                break
            # (a step on a list: a list named with it, or a lifting or suspension, which only a
            # listing has; "placed 20 companies on its countermeasure list" is another government's tool)
            acts = self.cues("party_action", prev.start, prev.end)
            if acts and (bool(self.cues("party_list", prev.start, prev.end)) or any(h.label in NOT_ADDED for h in acts)):
                return True
            if j == k - 1 and self.pronoun_run(j):
                return True  # "They include A and B. Also named were C and D": the run goes on
        return False

    def named_before(self, k: int) -> list[Name]:
        """The parties "the above entities" go back to: the names of the nearest sentence before
        (in this paragraph or the one above) that names two or more, or counts them ("A、B等10家")."""
        sents = self.layout.sentences
        line = sents[k].line
        for j in range(k - 1, max(-1, k - 4), -1):
            prev = sents[j]
            if line - prev.line > 1 or self.units[prev.line].role in ("title", "meta") \
                    or self.layout.in_boilerplate(prev.start):
                break
            if self.chinese(prev.start, prev.end):
                names = [n for n in chinese_names(self.text, prev.start, prev.end, self.sh) if not self.wrapped(n.start)]
            else:
                names = self.english(prev.start, prev.end, self.cues("party_run", prev.start, prev.end))
            counted = any(rx.search(self.text, prev.start, prev.end) for rx in (self.sh.rx("count_en"), self.sh.rx("count_zh")))
            if len(names) >= 2 or (names and counted):
                return names
        return []

    def title_names(self, found: list[Found]) -> list[Found]:
        """A name a Chinese headline reports listed ("TechInsights等14家外国实体被列入不可靠实体清单")
        that the body names only in a sentence with no list word ("最受关注的是…TechInsights公司"):
        the body's mention, with the organisation word it carries there, on the headline's list."""
        title = next((u for u in self.units if u.role == "title"), None)
        if title is None or not self.chinese(title.start, title.end):
            return []
        lst, act = self.unit_list(title), self.unit_action(title)
        if lst is None or act is None:
            return []
        heads = chinese_names(self.text, title.start, title.end, self.sh)
        taken = [(f.name.start, f.name.end) for f in found]
        out = []
        for n in heads:
            word = self.text[n.start:n.end]
            pos = self.text.find(word, title.end)
            while pos >= 0 and (self.layout.in_boilerplate(pos) or getattr(self.layout.unit_at(pos), "role", None) in ("title", "meta")):
                pos = self.text.find(word, pos + 1)
            if pos < 0 or any(a <= pos < b for a, b in taken):
                continue
            end = pos + len(word)
            suffix = self.sh.rx("zh_suffix").match(self.text, end)
            if word[-1].isascii() or suffix:  # (a bare Chinese short form, "台船指出", is a way of speaking)
                out.append(Found(Name(pos, suffix.end() if suffix else end), lst, act, "title", None))
        return out

    def wrapped(self, pos: int) -> bool:
        """Does a Chinese name start a line that goes on from a line broken without punctuation
        (hand-set breaks of a PDF, the previous line ending in a name character)?"""
        k = pos - 1
        while k >= 0 and self.text[k] in " \t":
            k -= 1
        if k < 1 or self.text[k] != "\n":
            return False
        j = k - 1
        while j >= 0 and self.text[j] in " \t":
            j -= 1
        return j >= 0 and bool(CJK.match(self.text[j])) and bool(self.sh.rx("zh_name_char").match(self.text[j]))

    def follows_listing(self, k: int, runs: list[Hit]) -> bool:
        """A sentence whose run of names goes on from a listing reported in the paragraph before
        ("…将三间美国军工企业列入不可靠实体清单。" then "第一份公告涉及A及B"): the sentence
        right before (in the paragraph above) names a list and a listing, and this one speaks of
        an act (公告, notice)."""
        if not k or not any(h.label == "forward" for h in runs):
            return False
        sent = self.layout.sentences[k]
        if not self.sh.rx("act_subject").search(self.text, sent.start, sent.end):
            return False  # "Chinese companies such as X said …": no act's parties
        prev = self.layout.sentences[k - 1]
        if self.units[prev.line].role in ("title", "meta"):
            return False
        return bool(self.cues("party_list", prev.start, prev.end)) and bool(self.cues("party_action", prev.start, prev.end))

    def dated_actions(self, names: list[Name], s: int, e: int, k: int) -> dict[int, str]:
        """Names a sentence recalls as listed by acts of several dates, group by group ("于3月4日、
        4月4日先后发布公告,将A、B等10家…,以及C、D等11家…列入"), take what a later clause says
        happens to the measures of the act of their date ("对4月4日公告涉及的相关措施,继续暂停实施;
        对3月4日公告…停止实施"): name index -> action."""
        if any(h.label in NOT_ADDED for h in self.cues("party_action", s, e)):
            return {}
        first = names[0].start
        dates = [m for m in self.ctx.spans.get("dates", []) if s <= m.start < first]
        if len(dates) < 2 or not self.sh.rx("respectively", re.I).search(self.text, s, first):
            return {}
        found = [m for rx in (self.sh.rx("count_en"), self.sh.rx("count_zh")) for m in rx.finditer(self.text, first, e)]
        found.sort(key=lambda m: m.start())
        if len(found) != len(dates):
            return {}
        group = {i: next((g for g, m in enumerate(found) if n.start < m.start()), None) for i, n in enumerate(names)}
        day = [d.label[5:] for d in dates]  # month and day: a recalled date's year may be guessed wrong
        actions: dict[int, str] = {}
        sents = self.layout.sentences
        for sent in sents[k + 1:k + 8]:
            a = sent.start
            for m in list(re.finditer(";", self.text[sent.start:sent.end])) + [None]:
                b = sent.start + m.start() if m else sent.end
                acts = [h for h in self.cues("party_action", a, b) if h.label in NOT_ADDED]
                if acts:
                    for d in self.ctx.spans.get("dates", []):
                        if a <= d.start < b and d.label[5:] in day:
                            actions.setdefault(day.index(d.label[5:]), acts[-1].label)
                a = b + 1
        return {i: actions[g] for i, g in group.items() if g is not None and g in actions}

    def notes(self) -> set[int]:
        """Lines of a page's note on the act it copies or translates (编者按, "Translator's note"):
        on a copy of an act, or under a note that says it is not part of the act. A note heading
        covers the lines below it up to a divider; a note paragraph covers itself."""
        mark, not_act, divider = self.sh.rx("note_mark"), self.sh.rx("note_not_act"), self.sh.rx("divider")
        out: set[int] = set()
        for u in self.units:
            if not mark.search(u.text) or not (self.ctx.kind == "announcement" or not_act.search(u.text)):
                continue
            out.add(u.index)
            below_act = self.signed is not None and u.start > self.signed
            if (below_act or not_act.search(u.text)) and (u.heading or u.role == "heading" or len(u.text) <= 120):
                for v in self.units[u.index + 1:]:
                    if divider.match(v.text):
                        break
                    out.add(v.index)
        return out

    def counted(self, s: int, e: int, prev: Any, counts: dict[str, str]) -> bool:
        """Does this sentence or the one before give a count of parties given with a list ("the
        12 firms")?"""
        for a, b in [(s, e)] + ([(prev.start, prev.end)] if prev else []):
            for rx in (self.sh.rx("count_en"), self.sh.rx("count_zh")):
                if any(m.group(1).lower() in counts for m in rx.finditer(self.text, a, b)):
                    return True
        return False

    def note_on_other_act(self, s: int, e: int) -> bool:
        """A sentence below an act's signature that cites another act (a page's note: "同日商务部
        另以2026年第12号公告, 将…列入关注名单"): its parties are that act's, not this one's."""
        if self.signed is None or s < self.signed:
            return False
        return any(r.label != self.own for r in self.acts if s <= r.start < e)

    def chinese(self, s: int, e: int) -> bool:
        """Read as Chinese: a sentence of a Chinese text, or one mostly in Chinese characters (an
        English text quoting 出口管制管控名单 stays English)."""
        piece = self.text[s:e]
        cjk = len(CJK.findall(piece))
        if self.ctx.lang == "zh":
            return cjk > 0
        return cjk > 0.5 * sum(ch.isalpha() for ch in piece)

    def english(self, s: int, e: int, runs: list[Hit]) -> list[Name]:
        names: list[Name] = []
        starts: list[int] = [h.end for h in runs if h.label in ("forward", "around")]
        if (pr := self.sh.rx("pronoun_run").match(self.text, s, e)) is not None:
            starts.append(pr.end())  # "The six are A, B and C"
        marks = self.cues("party_list", s, e) + self.cues("party_entity", s, e)
        for m in re.finditer(r"\s[-—–]\s|:\s", self.text[s:e]):
            if any(h.end <= s + m.start() for h in marks):
                starts.append(s + m.end())
        for start in sorted(set(starts)):
            names.extend(self.en.forward(start, e))
        for h in runs:
            if h.label in ("backward", "around"):
                seg = max([s] + [s + m.end() for m in re.finditer(r"[;:]\s", self.text[s:h.start])])
                names.extend(self.en.backward(seg, h.start))
        seen, out = set(), []
        product = self.sh.rx("en_product_before")
        for n in sorted(names, key=lambda n: n.start):
            if product.search(self.text, max(s, n.start - 40), n.start):
                continue  # "builder of the MQ-9 Reaper": what a party makes
            if (n.start, n.end) not in seen and not any(o.start <= n.start < o.end for o in out):
                seen.add((n.start, n.end))
                out.append(n)
        return out

    def count_lists(self) -> dict[str, str]:
        """Counts of parties given with a list ("12 U.S. companies on its export control list and
        six more on its unreliable entity list"): count -> list."""
        out: dict[str, str] = {}
        for sent in self.layout.sentences:
            lc = self.cues("party_list", sent.start, sent.end)
            if not lc:
                continue
            piece = self.text[sent.start:sent.end]
            found = list(self.sh.rx("count_en").finditer(piece)) + list(self.sh.rx("count_zh").finditer(piece))
            found.sort(key=lambda m: m.start())
            for i, m in enumerate(found):
                pos = sent.start + m.end()
                nxt = sent.start + found[i + 1].start() if i + 1 < len(found) else sent.end
                after = [h for h in lc if pos <= h.start < nxt]
                before = [h for h in lc if h.end <= sent.start + m.start()]
                pick = after[0] if after else (before[-1] if before else None)
                if pick is not None:
                    out.setdefault(m.group(1).lower(), pick.label)
        return out

    def prose_list(self, name: Name, s: int, e: int, prev: Any, counts: dict[str, str], pronoun: bool = False) -> str | None:
        tail = self.sh.rx("count_after_name").match(self.text, name.end, e)
        if tail is not None and "," not in tail.group():
            # "put SUBARU Corporation and 19 other companies on the watch list": the count right
            # after a name opens the name's own group, whatever list stands nearer to the name
            # (", and 20 others, including C" after a name opens the next group instead)
            own = [g for g in self.groups(s, e) if g[0] == tail.end()]
            if own:
                return own[0][1]
        cues = self.cues("party_list", s, e)
        back = []
        for h in self.cues("party_same", s, e):
            before = [c for c in self.hits["party_list"] if c.end <= h.start]
            if before:
                (back if h.label == "back" else cues).append(Hit(h.start, h.end, before[-1].label, "party_list", -1))
        if len({h.label for h in cues}) > 1:
            # a count between a name and a list word opens another group ("…, among them A, and
            # 20 others, including C, on the watch list": the watch list is not A's)
            starts = [g[0] for g in self.groups(s, e)]
            cues = [h for h in cues if not any(min(h.end, name.end) <= c < max(h.start, name.start) for c in starts)] \
                or cues
        if cues:
            clause = self.clause(name, s, e)
            inside = [h for h in cues if clause[0] <= h.start < clause[1]] or cues

            def dist(h: Hit) -> int:
                return name.start - h.end if h.end <= name.start else h.start - name.end
            return min(inside, key=dist).label
        for span in ([(s, e)] + ([(prev.start, prev.end)] if prev else [])):
            piece = self.text[span[0]:span[1]]
            for rx in (self.sh.rx("count_en"), self.sh.rx("count_zh")):
                for m in rx.finditer(piece):
                    if m.group(1).lower() in counts:
                        return counts[m.group(1).lower()]
        if back:
            return back[-1].label
        u = self.units[self.layout.sentences[self.layout.index_of(s)].line]
        before = [h for h in self.cues("party_list", u.start, s)]
        if before:
            return before[-1].label
        # "名单所列主要是…。…亦被点名": the list a "the list" earlier in the paragraph went back to
        same = [h for h in self.cues("party_same", u.start, s) if h.label == "back"]
        listed = [c for c in self.hits["party_list"] if same and c.end <= same[-1].start]
        if listed:
            return listed[-1].label
        if pronoun:
            # "The control list is dominated by … They include A. Also named were B": a run by a
            # pronoun is on the list spoken of last before it
            last = [h for h in self.hits["party_list"] if h.start < s]
            if last:
                return last[-1].label
        return self.fallback_list(s)

    def groups(self, s: int, e: int, entity_only: bool = False) -> list[tuple[int, str, str | None]]:
        """The groups of parties a sentence gives per list, each opened by a count ("placed 20
        Japanese entities on the control list, among them A and B, and 20 others, including C,
        on the watch list"): (where the count starts, its list, the country it names). A group's
        list is the first list word after its count and before the next count, else the last
        one before it."""
        lc = self.cues("party_list", s, e)
        found = list(self.sh.rx("count_en").finditer(self.text, s, e)) + \
            list(self.sh.rx("count_zh").finditer(self.text, s, e))
        found.sort(key=lambda m: m.start())
        out = []
        for i, m in enumerate(found):
            nxt = found[i + 1].start() if i + 1 < len(found) else e
            after = [h for h in lc if m.end() <= h.start < nxt]
            before = [h for h in lc if h.end <= m.start()]
            pick = after[0] if after else (before[-1] if before else None)
            if pick is not None:
                end = self.entity_end(m.end(), nxt)
                if entity_only and (end == m.end() or not self.sh.rx("count_noun_gap").fullmatch(
                        self.text, m.end(), self.cues("party_entity", m.end(), nxt)[0].start)):
                    continue  # "等5家，IHI系有…公司": a count of names, not of a noun with a country
                iso = self.country_of(self.text[m.start():end])
                if iso is None and end > m.end():
                    # "eight entities from Taiwan", "3家来自日本的实体" (the country after the noun)
                    after = self.sh.rx("country_after_entity").match(self.text, end, nxt)
                    iso = self.country_of(after.group(0)) if after else None
                out.append((m.start(), pick.label, iso))
        return out

    def entity_end(self, pos: int, limit: int) -> int:
        """End of the noun a count goes with ("20 Japanese entities", "3家美国实体")."""
        ent = [h for h in self.cues("party_entity", pos, limit)]
        return ent[0].end if ent and ent[0].start - pos <= 30 else pos

    def group_of(self, name: Name, s: int, e: int) -> tuple[str, str | None] | None:
        """The list (and country) of the count group a name is enumerated in, when its sentence
        gives more than one list."""
        groups = self.groups(s, e)
        tail = self.sh.rx("count_after_name").match(self.text, name.end, e)
        if tail is not None:
            # "将A等3家美国实体列入…": the count right after a name is that name's group
            own = [g for g in groups if g[0] == tail.end()]
            if own:
                return own[0][1], own[0][2]
        before = [g for g in groups if g[0] < name.start]
        return (before[-1][1], before[-1][2]) if before else None

    def clause(self, name: Name, s: int, e: int) -> tuple[int, int]:
        left = self.text.rfind(";", s, name.start)
        right = self.text.find(";", name.end, e)
        return (left + 1 if left >= 0 else s, right if right >= 0 else e)

    def prose_action(self, name: Name, s: int, e: int, u: "Unit") -> str:
        def nearest(hits: list[Hit]) -> str | None:
            if not hits:
                return None
            return min(hits, key=lambda h: abs(h.start - name.start)).label
        sent = [h for h in self.cues("party_action", s, e) if h.label in NOT_ADDED]
        para = self.cues("party_action", u.start, u.end)
        if sent and not self.chinese(s, e):
            # English puts the verb before its objects ("suspend the measures on A and B, and stop
            # enforcing the listing of C"), or right after them in the passive ("C was removed")
            after = [h for h in sent if h.start >= name.end]
            if after and self.sh.rx("en_passive_gap", re.I).fullmatch(self.text, name.end, after[0].start):
                return after[0].label
            before = [h for h in sent if h.end <= name.start]
            if before:
                return before[-1].label
        return (nearest(sent) or nearest([h for h in para if h.label in NOT_ADDED]) or "added")

    # ---------------------------------------------------------------------------- merge
    def country_of(self, text: str, whole: bool = False) -> str | None:
        for word, iso in self.country_words:
            if (text.casefold() == word.casefold()) if whole else (word in text):
                return iso
        return None

    def list_countries(self) -> dict[str, str]:
        """The one country a text gives for each list's parties ("3家美国实体", "12 U.S. entities")."""
        seen: dict[str, set[str]] = {}
        for sent in self.layout.sentences:
            lc = self.cues("party_list", sent.start, sent.end)
            if not lc:
                continue
            for h in self.cues("party_entity", sent.start, sent.end):
                iso = self.country_of(self.text[max(sent.start, h.start - 14):h.end])
                if iso:
                    near = min(lc, key=lambda c: abs(c.start - h.start))
                    seen.setdefault(near.label, set()).add(iso)
        # a count given with a list but with no country ("14家外国实体", "14 foreign entities") is a
        # group of that list whose country the text does not give: another group's country ("已将A等
        # 3家美国实体列入") is not that of all the list's parties
        uncounted: set[str] = set()
        for sent in self.layout.sentences:
            if not self.cues("party_list", sent.start, sent.end):
                continue
            by_count: dict[str, dict[str, set[str | None]]] = {}
            for start, lst, iso in self.groups(sent.start, sent.end, entity_only=True):
                m = self.sh.rx("count_en").match(self.text, start) or self.sh.rx("count_zh").match(self.text, start)
                if iso is not None:
                    seen.setdefault(lst, set()).add(iso)
                if m is not None:
                    by_count.setdefault(lst, {}).setdefault(m.group(1).lower(), set()).add(iso)
            for lst, counts in by_count.items():
                if any(v == {None} for v in counts.values()):
                    uncounted.add(lst)
        return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k not in uncounted}

    def merge_country_prefixed(self, parties: list[Party]) -> list[Party]:
        """"美国天穹防务公司" and later "天穹防务公司": one party, under the name without the
        country word before it (a name printed only with it keeps it: 美国光子公司)."""
        words = {norm(w): iso for w, iso in self.country_words}
        by_key = {k: p for p in parties for k in p.keys}
        out = []
        for p in parties:
            name = norm(self.text[p.name.start:p.name.end])
            bare = next((by_key[name[len(w):]] for w in words if name.startswith(w) and by_key.get(name[len(w):])
                         not in (None, p)), None)
            if bare is not None:
                _merge(bare, p)
                bare.country = bare.country or words[next(w for w in words if name.startswith(w))]
                for k in p.keys:
                    by_key[k] = bare
                continue
            self.strip_country_word(p)
            out.append(p)
        return out

    def merge_latin_short(self, parties: list[Party]) -> list[Party]:
        """"PVH" in a summary line and "PVH集团" in the body: a name that another party's name
        continues with only an organisation word (`zh_suffix`) or a legal form is that party."""
        suffix = self.sh.rx("zh_suffix")
        legal_tail = self.sh.rx("en_legal_suffix_tail")
        names = [self.text[p.name.start:p.name.end] for p in parties]
        out = []
        for p, name in zip(parties, names):
            longer = None
            # (and "萨罗尼克科技等3家企业" after "萨罗尼克科技公司": the short form of a name found)
            if name and (not CJK.search(name) or len(name) >= 3):
                # ("Skydio" in a summary line and "Skydio, Inc." in the list: only a legal form added)
                longer = next((q for q, other in zip(parties, names) if q is not p and other.startswith(name)
                               and (suffix.fullmatch(other, len(name)) or legal_tail.fullmatch(other, len(name)))
                               and set(q.lists) == set(p.lists)), None)
            if longer is not None:
                _merge(longer, p)
                continue
            out.append(p)
        return out

    def _drop_country_word(self, p: Party, name: str, word: str) -> None:
        """The name without the country word before it; the word gives the country."""
        p.name = Name(p.name.start + len(word), p.name.end, p.name.aliases)
        p.keys.add(norm(name[len(word):]))
        p.country = p.country or dict(self.country_words)[word]

    def _printed_without(self, rest: str, word: str) -> bool:
        """Whether `rest` stands somewhere in the text without `word` right before it."""
        pos = self.text.find(rest)
        while pos >= 0:
            if not self.text.endswith(word, 0, pos):
                return True
            pos = self.text.find(rest, pos + 1)
        return False

    def strip_country_word(self, p: Party) -> None:
        """"美国通用动力陆地系统公司(General Dynamics Land Systems)": a country word before a Chinese
        name whose other-language name beside it does not start with that country is a description
        (the name is 通用动力陆地系统公司, the country US); "美国光子公司(American Photonics)" keeps it."""
        name = self.text[p.name.start:p.name.end]
        if not CJK.match(name):
            return
        # "美国PVH集团": a country word right before a Latin-script name is no part of it
        latin = next((w for w, _ in self.country_words if CJK.match(w) and len(w) >= 2 and name.startswith(w)
                      and re.match(r"[A-Za-z]", name[len(w):])), None)
        if not p.name.aliases and latin is None:
            # "…军售的美国通用原子航空系统公司" under a title naming 通用原子航空系统公司: the page
            # prints the name without the country word too (美国光子公司 carries it everywhere)
            word = next((w for w, _ in self.country_words if CJK.match(w) and len(w) >= 2 and name.startswith(w)
                         and len(name) - len(w) >= 4 and self._printed_without(name[len(w):], w)), None)
            if word is not None:
                self._drop_country_word(p, name, word)
            return
        word = latin or next((w for w, _ in self.country_words if CJK.match(w) and len(w) >= 2 and name.startswith(w)
                              and len(name) - len(w) >= 4), None)
        if word is None:
            return
        iso = dict(self.country_words)[word]
        if latin is not None:
            self._drop_country_word(p, name, word)
            return
        others = [w for w, i in self.country_words if i == iso and not CJK.match(w)]
        for a, b in p.name.aliases:
            alias = self.text[a:b].strip()
            if self.sh.rx("acronym").fullmatch(alias) and any(w[:1] == alias[:1] for w in others):
                return  # "日本宇宙航空研究开发机构(JAXA)": the short form starts with the country's word
            if not alias or CJK.match(alias) or any(alias.casefold().startswith(w.casefold()) for w in others):
                return
        self._drop_country_word(p, name, word)

    def read(self, region: tuple[int, int] | None = None) -> list[Party]:
        found = self.tables() + self.lists() + self.coded_rows() + self.prose()
        found += self.title_names(found)
        if region is not None:
            found = [f for f in found if region[0] <= f.name.start < region[1]]
        parties: list[Party] = []
        index: dict[str, Party] = {}
        for f in found:
            name = self.text[f.name.start:f.name.end]
            keys = {norm(name)} | {norm(self.text[a:b]) for a, b in f.name.aliases}
            keys.discard("")
            if not keys or not norm(name):
                continue
            party = next((index[k] for k in keys if k in index), None)
            if party is None:
                party = Party(f.name, set(), f.country, how=f.how)
                parties.append(party)
            elif not party.name.aliases and f.name.aliases:
                party.name.aliases.extend(f.name.aliases)
            party.keys |= keys
            party.country = party.country or f.country
            for k in keys:
                index.setdefault(k, party)
            party.lists.setdefault(f.list, []).append(f.action)
        parties = self.merge_country_prefixed(parties)
        parties = self.merge_latin_short(parties)
        by_list = self.list_countries()
        for p in parties:
            # a party on several lists takes the country the text gives for all of them
            isos = {by_list.get(lst) for lst in p.lists} - {None}
            if p.country is None and len(isos) == 1:
                p.country = next(iter(isos))
        return parties


def _merge(into: Party, other: Party) -> None:
    into.keys |= other.keys
    into.country = into.country or other.country
    for lst, actions in other.lists.items():
        into.lists.setdefault(lst, []).extend(actions)


def final_action(actions: list[str]) -> str:
    """Per party and list, what the text reports as happening: a suspension, lifting or
    resumption beats the listing it recalls."""
    other = [a for a in actions if a in NOT_ADDED]
    return other[0] if other else "added"


def fill(ctx: "Ctx", rec: dict[str, Any], ev: Callable[[str, Any, int, int], None], scan: Any,
         extra: dict[str, Any], region: tuple[int, int] | None = None, signed: int | None = None) -> None:
    """`rec["parties"]` with an evidence item per party (its name as printed), and the party rows
    with their aliases in `extra["parties"]` (for the parties table). Only parties named inside
    `region`: a page's copy of an act, not the page's own notes around it (an editor's note on
    another act the same day names that act's parties), and after the act's signature (`signed`)
    none from a sentence citing another act."""
    if scan is None or "parties" not in scan.book.meta:
        return
    rows = extra.setdefault("parties", [])
    text = ctx.doc.text
    reader = Reader(ctx, scan)
    reader.signed, reader.own = signed, rec.get("announcement")
    for p in reader.read(region):
        name = text[p.name.start:p.name.end]
        for lst, actions in p.lists.items():
            value = {"name": name, "country": p.country, "list": lst, "action": final_action(actions)}
            rec["parties"].append(value)
            ev("parties", value, p.name.start, p.name.end)
            rows.append({**value, "lang": ctx.lang, "aliases": [text[a:b] for a, b in p.name.aliases],
                         "alias_spans": [list(a) for a in p.name.aliases], "start": p.name.start,
                         "end": p.name.end, "how": p.how, "announcement": rec.get("announcement")})


def remap(rows: list[dict[str, Any]], evidence: list[dict[str, Any]], to_orig: Callable, orig: str) -> None:
    """Names as the document prints them (Traditional script, 亨廷顿·英格尔斯 with its dot): the
    view's spans mapped back to the stored text."""
    for e in evidence:
        if e.get("field") == "parties" and isinstance(e.get("value"), dict):
            e["value"]["name"] = e["text"]
    for row in rows:
        s, e = to_orig(row["start"], row["end"])
        row["start"], row["end"], row["name"] = s, e, orig[s:e]
        spans = [to_orig(a, b) for a, b in row["alias_spans"]]
        row["alias_spans"] = [list(x) for x in spans]
        row["aliases"] = [orig[a:b] for a, b in spans]
