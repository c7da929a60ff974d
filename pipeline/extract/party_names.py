"""What a party's name looks like in running text: the shapes the party reader (parties.py) uses
once it has chosen a sentence, a list item or a table cell.

Why separate: names are found differently in the two scripts. An English report enumerates
capitalised names after a cue ("They include American Photonics, Novotech, radar developer
Echodyne and Boeing's drone unit Insitu"): a name is a run of capitalised words, the lower-case
words before it describe it, a bare legal form after a comma belongs to it ("Shield AI, Inc.").
A Chinese text runs names together with 、 or 和 and ends each with an organisation word
(公司, 株式会社, 大学, 机构 …): a name ends at that word and starts after the last boundary word
before it (将, 把, 、, 分别是 …) and after any descriptor (海上无人载具制造商). The words
themselves are data (models/src/grammar/parties.yml, `shapes`); offsets are view offsets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass
class Name:
    """A party's name as found: its span, and the spans of names given for it beside it."""

    start: int
    end: int
    aliases: list[tuple[int, int]] = field(default_factory=list)


class Shapes:
    """The `shapes` regexes of parties.yml, compiled once per pipeline."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def rx(self, name: str, flags: int = 0) -> re.Pattern[str]:
        key = f"_rx_{name}_{flags}"
        if key not in self.__dict__:
            self.__dict__[key] = re.compile(self.data[name], flags)
        return self.__dict__[key]

    @cached_property
    def token(self) -> re.Pattern[str]:
        return re.compile(self.data["en_token"] + r"|[,;:()\[\]\-—–]|\S")

    @cached_property
    def trailer_end(self) -> re.Pattern[str]:
        return re.compile(f"(?:{self.data['trailers']})\\s*$", re.I)

    @cached_property
    def trailer_at(self) -> re.Pattern[str]:
        return re.compile(f"(?:{self.data['trailers']})", re.I)

    @cached_property
    def run_stops(self) -> frozenset[str]:
        return frozenset(self.data["en_run_stop"].split())


# ----------------------------------------------------------------------------------- English

def _is_cap(tok: str) -> bool:
    return bool(tok) and (tok[0].isupper() or (tok[0].isalnum() and any(c.isupper() for c in tok))
                          or (tok[0].isdigit() and any(c.isalpha() for c in tok)))


def _is_word(tok: str) -> bool:
    return bool(tok) and tok[0].isalnum()


class EnglishRun:
    """Names enumerated in an English sentence, forward from a cue or backward from one."""

    def __init__(self, text: str, shapes: Shapes):
        self.text = text
        self.sh = shapes

    def tokens(self, start: int, end: int) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), m.group(0)) for m in self.sh.token.finditer(self.text, start, end)]

    def _stop(self, tok: str) -> bool:
        # a stop word ending the sentence ("… fall outside the UEL.") is still one
        return bool(self.sh.rx("en_stop").match(tok) or self.sh.rx("en_stop").match(tok.rstrip(".")))

    def _based(self, tok: str) -> bool:
        """Where a name is from ("Virginia-based", "Taiwan-linked"): not part of it."""
        return bool(self.sh.rx("en_based").match(tok))

    def _owner(self, tok: str) -> bool:
        """A possessive ("Japan's", "Boeing’s"): whose the name after it is, not part of it."""
        return bool(self.sh.rx("en_possessive").match(tok))

    def _cap_run(self, toks: list[tuple[int, int, str]], j: int) -> int:
        """Index of the last token of the capitalised run starting at j (joiners inside)."""
        last, k = j, j + 1
        joiner = self.sh.rx("en_joiners")
        legal = self.sh.rx("en_legal_form")
        while k < len(toks):
            t = toks[k][2]
            if legal.match(toks[last][2]) and toks[last][2].endswith(".") and not legal.match(t):
                break  # "… Mu Electronics K.K. Two further firms …": a legal form ends the name
            if _is_cap(t):
                last, k = k, k + 1
            elif joiner.match(t) and k + 1 < len(toks) and _is_cap(toks[k + 1][2]):
                k += 1
            else:
                break
        return last

    def _span(self, toks: list[tuple[int, int, str]], j: int, last: int) -> tuple[int, int]:
        s, e = toks[j][0], toks[last][1]
        tail = toks[last][2]
        # a full stop ending the sentence is not part of the name ("… and Insitu.")
        if tail.endswith(".") and not self.sh.rx("en_legal_form").match(tail) and tail.count(".") == 1 \
                and not self.sh.rx("en_legal_tail", re.I).match(tail) and len(tail) > 2:
            e -= 1
        return s, e

    def _series_goes_on(self, toks: list[tuple[int, int, str]], i: int) -> bool:
        """Whether capitalised names and commas from toks[i] lead to an enumeration's own "and"/"or"
        before a name: English joins only the last item of a series with "and" ("Lockheed Martin
        Missiles and Fire Control, Lockheed Martin Aeronautics and the X Lab"), so an "and" in an
        item before a further comma is part of that item's name."""
        legal = self.sh.rx("en_legal_form")
        n, seen_name = len(toks), False
        while i < n:
            t = toks[i][2]
            if t in ("and", "or"):
                nxt = i + 2 if i + 2 < n and toks[i + 1][2].lower() == "the" else i + 1
                return seen_name and nxt < n and _is_cap(toks[nxt][2]) and not self._stop(toks[nxt][2])
            if t == "," or t == "&" or legal.match(t):
                i += 1
            elif _is_cap(t) and not self._stop(t):
                seen_name, i = True, i + 1
            else:
                return False
        return False

    def forward(self, start: int, end: int) -> list[Name]:
        """Names after a cue: 'A, radar developer B, C, Inc. and D' up to the first word that
        neither describes nor names (a verb, a preposition, the end of the sentence)."""
        toks = self.tokens(start, end)
        out: list[Name] = []
        i, n = 0, len(toks)
        desc = self.sh.rx("en_descriptor")
        legal = self.sh.rx("en_legal_form")
        tail_rx = self.sh.rx("en_legal_tail", re.I)
        head = self.sh.rx("en_group_head")
        owner_lead = self.sh.rx("en_owner_lead", re.I)
        role = self.sh.rx("en_trade_noun")
        if toks and toks[0][2] == ",":
            i = 1
        appositive = self.sh.rx("en_appositive", re.I)
        while i < n:
            ap = appositive.match(self.text, toks[i][0], end) if out else None
            if ap:  # "A, builder of the MQ-9 Reaper; B": what the name before makes, then the next name
                while i < n and toks[i][0] < ap.end():
                    i += 1
                if i < n and toks[i][2] in (",", ";"):
                    i += 1
                if i < n and toks[i][2] in ("and", "or"):
                    i += 1
                continue
            g = head.match(self.text, toks[i][0], end)
            if g:  # "four companies in the Czech Republic, A, B and C"
                while i < n and toks[i][0] < g.end():
                    i += 1
                if i >= n:
                    break
            j, skipped = i, 0
            while j < n and (_is_word(toks[j][2]) and not _is_cap(toks[j][2]) or (
                    desc.match(toks[j][2]) and (j + 1 >= n or not _is_cap(toks[j + 1][2])))):
                if toks[j][2].lower() in self.sh.run_stops or skipped >= 5:
                    return out
                j, skipped = j + 1, skipped + 1
            while j < n and _is_cap(toks[j][2]):
                # "defence IT contractor Leidos": a capitalised word inside a description that
                # ends in a trade noun right before the name is not the name
                r = self._cap_run(toks, j)
                if not (r + 2 < n and role.match(toks[r + 1][2]) and _is_cap(toks[r + 2][2])):
                    break
                j, skipped = r + 2, skipped + 1
            if skipped and owner_lead.search(self.text, toks[i][0], toks[j - 1][1]):
                return out  # "most of them units of A, B and C", "co-founded by D": owners, not parties
            if out and skipped and j + 1 < n and toks[j][2] == ",":
                # "A (HII), America's largest military shipbuilder, and B": a description of the
                # name before it, set off by commas; the enumeration goes on after it
                i = j + 1
                if toks[i][2] in ("and", "or"):
                    i += 1
                continue
            if j >= n or not _is_cap(toks[j][2]) or self._stop(toks[j][2]):
                break
            while j + 1 < n and (self._owner(toks[j][2]) or self._based(toks[j][2])) and _is_cap(toks[j + 1][2]) \
                    and not self._stop(toks[j + 1][2]):
                j += 1  # "Japan's Subaru Corporation", "Boeing's Insitu": the owner describes the name
            last = self._cap_run(toks, j)
            based = [b for b in range(j, last) if self._based(toks[b][2])]
            if based:
                j = based[-1] + 1  # "San Diego-based Illumina, Inc.": the place is not the name
            if last == j and self.sh.rx("en_place").match(toks[j][2]):
                break
            k = last + 1
            if k + 1 < n and toks[k][2] == "and" and _is_cap(toks[k + 1][2]) and not self._stop(toks[k + 1][2]):
                r = self._cap_run(toks, k + 1)
                if r + 2 < n and toks[r + 1][2] == "," and self._series_goes_on(toks, r + 2):
                    last, k = r, r + 1  # "A and B, C and D": the first "and" is inside a name
                elif self.sh.rx("en_inner_and", re.I).match(self.text, toks[last][0], toks[r][1]):
                    last, k = r, r + 1  # "Institute of Science and Technology": one name's words
            sector = self.sh.rx("en_sector_word", re.I)
            while k + 1 < n and toks[k][2] == "," and sector.match(toks[last][2]) and _is_cap(toks[k + 1][2]):
                # "Boeing Defense, Space & Security": a name whose last words are a series of
                # business lines ("X, Y & Z") goes on after the comma; not so "Lockheed, Raytheon"
                r = self._cap_run(toks, k + 1)
                part = [t[2] for t in toks[k + 1:r + 1]]
                if "&" not in part or not all(w == "&" or sector.match(w) for w in part):
                    break
                last, k = r, r + 1
            if not out and skipped and self.sh.rx("en_singular_head", re.I).match(toks[j - 1][2]):
                # "add the U.S. company Boeing Defense, Space & Security, which …": after a singular
                # head noun one name follows; capitalised parts set off by commas are inside it
                # (not an enumeration: "the firm A, Inc., B and C" keeps its legal forms and its "and")
                jl, jk = last, k
                while jk + 1 < n and toks[jk][2] == "," and _is_cap(toks[jk + 1][2]) and not self._stop(toks[jk + 1][2]) \
                        and not legal.match(toks[jk + 1][2]) and not legal.match(toks[jl][2]):
                    jl = self._cap_run(toks, jk + 1)
                    jk = jl + 1
                enum = jk < n and toks[jk][2] in ("and", "or") or (
                    jk + 1 < n and toks[jk][2] == "," and (_is_cap(toks[jk + 1][2]) or toks[jk + 1][2] in ("and", "or")
                                                           # ", shipbuilder B": the enumeration goes on
                                                           or (_is_word(toks[jk + 1][2])
                                                               and toks[jk + 1][2].lower() not in self.sh.run_stops)))
                if jk > k and not enum and not legal.match(toks[jl][2]):
                    last, k = jl, jk
            while k < n and (tail_rx.match(toks[k][2]) or (
                    toks[k][2] == "," and k + 1 < n and (legal.match(toks[k + 1][2]) or tail_rx.match(toks[k + 1][2])
                                                         or legal.match(toks[k + 1][2].rstrip("."))))):
                k += 1 if toks[k][2] != "," else 2
                last = k - 1
            if self._owner(toks[last][2]) and k < n and _is_word(toks[k][2]) and not _is_cap(toks[k][2]):
                i = k  # "General Atomics' aircraft unit": the owner of what follows, not a party
                continue
            s, e = self._span(toks, j, last)
            name = Name(s, e)
            out.append(name)
            if k < n and toks[k][2] == "(":  # "(JAXA)": an abbreviation or other name of it
                close = self.text.find(")", toks[k][1], min(end, toks[k][1] + 80))
                if close > 0 and _is_cap(self.text[toks[k][1]:close].strip()[:1] or "x"):
                    name.aliases.append((toks[k][1], close))
                    while k < n and toks[k][0] <= close:
                        k += 1
            m = self.sh.rx("alias_aka", re.I).match(self.text, e)
            if m and m.end() < end:
                rest = self.tokens(m.end(), end)
                if rest and _is_cap(rest[0][2]):
                    a_last = self._cap_run(rest, 0)
                    name.aliases.append(self._span(rest, 0, a_last))
                    toks = toks[:k] + [t for t in toks[k:] if t[0] >= rest[a_last][1]]
                    n = len(toks)
            tr = self.sh.trailer_at.match(self.text, e)
            if tr:
                while k < n and toks[k][0] < tr.end():
                    k += 1
            if k < n and toks[k][2] in (",", ";"):
                k += 1
                if k < n and toks[k][2] in ("and", "or"):
                    k += 1
                elif k < n and (also := self.sh.rx("en_series_also", re.I).match(self.text, toks[k][0])):
                    while k < n and toks[k][0] < also.end():  # "A, B, as well as C"
                        k += 1
                i = k
                continue
            if k < n and toks[k][2] in ("and", "or", "&"):
                i = k + 1
                continue
            break
        return out

    def backward(self, start: int, end: int) -> list[Name]:
        """Names right before a cue ('…, Dedrone by Axon and TechInsights Inc. and its branches
        among them'): whole capitalised elements, right to left; the rightmost may follow a
        description ('gene sequencers made by Illumina, which it had put on …')."""
        piece = self.text[start:end].rstrip(" ")
        aside = self.sh.rx("en_aside").search(piece)
        if aside:  # "A, for its part, has been on the list"
            piece = piece[:aside.start()]
        piece = piece.rstrip(" ,")
        tail = self.sh.rx("en_country_tail", re.I).search(piece)
        if tail:  # "A and B of the United States have been added"
            piece = piece[:tail.start()].rstrip(" ,")
        alias = None
        m = re.search(r"\(([^()]{2,80})\)$", piece)
        if m:  # "FN Herstal (also known as Fabrique Nationale de Herstal) were among …"
            inner = self.sh.rx("alias_aka", re.I).match(piece, m.start(1))
            alias = (start + (inner.end() if inner else m.start(1)), start + m.end(1))
            piece = piece[:m.start()].rstrip(" ,")
        tr = self.sh.trailer_end.search(piece)
        stop = start + (tr.start() if tr else len(piece))
        toks = self.tokens(start, stop)
        legal = self.sh.rx("en_legal_form")
        out: list[Name] = []
        k = len(toks) - 1
        first = True
        while k >= 0:
            last = k
            # legal forms after a comma belong to the name before them
            while k >= 2 and legal.match(toks[k][2]) and toks[k - 1][2] == ",":
                k -= 2
            j = k
            joiner = self.sh.rx("en_joiners")
            while j - 1 >= 0 and (_is_cap(toks[j - 1][2]) and not self._stop(toks[j - 1][2])
                                  or (joiner.match(toks[j - 1][2]) and j - 2 >= 0 and _is_cap(toks[j - 2][2]))):
                j -= 1
            if not _is_cap(toks[j][2]) or self._stop(toks[j][2]):
                break
            if not _is_cap(toks[last][2]) and not self.sh.rx("en_legal_tail", re.I).match(toks[last][2]):
                break  # "20 other Japanese entities, among them …": a description ends in a common noun
            head = j
            trade = self.sh.rx("en_trade_word", re.I)
            while head < last and (self._owner(toks[head][2]) or self._based(toks[head][2])
                                   or trade.match(toks[head][2])):
                head += 1  # "Carmaker SUBARU Corporation heads …": what it is, capitalised at the start
            before = toks[j - 1][2] if j > 0 else ""
            whole = before in ("", ",", "and", "or") or not _is_word(before)
            # "said that A, Inc., B and C had been added": a clause opener starts the first name
            opener = not whole and not first and bool(self.sh.rx("en_back_opener", re.I).match(before))
            if not whole and not first and not opener:
                break
            out.append(Name(*self._span(toks, head, last)))
            first = False
            if not whole:
                break
            if alias is not None and len(out) == 1:
                out[0].aliases.append(alias)
            k = j - 1
            if k >= 0 and toks[k][2] in ("and", "or"):
                k -= 1
                if k >= 0 and toks[k][2] == ",":
                    k -= 1
            elif k >= 0 and toks[k][2] == ",":
                k -= 1
            else:
                break
        return list(reversed(out))


# ----------------------------------------------------------------------------------- Chinese

def chinese_names(text: str, start: int, end: int, sh: Shapes) -> list[Name]:
    """Names in a Chinese sentence: each ends with an organisation word and starts after the last
    boundary word (or descriptor) before it; a bracketed name right after it is its alias."""
    out: list[Name] = []
    suffix, boundary = sh.rx("zh_suffix"), sh.rx("zh_boundary")
    name_char = sh.rx("zh_name_char")
    depth_at = _bracket_depths(text, start, end)
    floor = start
    pos = start
    while True:
        m = suffix.search(text, pos, end)
        if not m:
            break
        e = m.end()
        while (nxt := suffix.match(text, e, end)) and nxt.end() > e:  # 集团公司, 研究所有限公司
            e = nxt.end()
        s = m.start()
        while s > floor and (name_char.match(text, s - 1) or (text[s - 1] == " " and s - 2 >= floor
                                                             and text[s - 2].isascii() and text[s - 2].isalnum())):
            s -= 1
        window = text[s:m.start()]
        # (the boundary's look-ahead sees past the window: "除A公司外" ends beyond the name)
        cuts = [b for b in boundary.finditer(text[s:min(end, e + 32)]) if b.end() <= len(window)]
        cut = cuts[-1].end() if cuts else 0
        if cuts and sh.rx("zh_and").fullmatch(cuts[-1].group()) and _before_separator(text, e, end, sh):
            head = cuts[-2].end() if len(cuts) > 1 else 0
            if 2 <= cuts[-1].start() - head <= 8 and not suffix.search(window, head, cuts[-1].start()):
                cut = head
        s += cut
        d = sh.rx("zh_descriptor").match(text, s, m.start())
        if d:
            s = d.end()
        s += len(text[s:e]) - len(text[s:e].lstrip(" -·"))
        if sh.rx("zh_example_lead").match(text, s, e + 4):
            s += 1  # "以英西图公司为例": the name given as an example
        if s > start and text[s - 1] == ")" and sh.rx("zh_and").match(text, s):
            s += 1  # "A公司(Alpha)与B公司": after a bracketed alias, 与 joins the next name
        if s - 1 > floor and sh.rx("zh_list_sep").match(text, s - 1) and sh.rx("zh_inner_and").search(text, s, m.start()):
            # "波音防务、空间与安全集团": an enumeration inside one name (a translated "Defense, Space &
            # Security"), its head without an organisation word of its own
            ps = s - 1
            while ps > floor and name_char.match(text, ps - 1):
                ps -= 1
            ps += max([b.end() for b in boundary.finditer(text, ps, s - 1)] + [ps]) - ps
            hd = sh.rx("zh_descriptor").match(text, ps, s - 1)  # "军火巨头波音旗下的波音防务、…"
            if hd:
                ps = hd.end()
            if 2 <= s - 1 - ps <= 8 and not suffix.search(text, ps, s - 1):
                s = ps
        name = text[s:e]
        pos = e
        tr = sh.trailer_at.match(text, e)
        if tr:
            pos = tr.end()
        owner = sh.rx("zh_owner_after").match(text, pos)  # "X公司旗下的三家子公司": X owns the parties
        owner = owner or sh.rx("zh_source_after").match(text, pos)  # "X大学一位学者表示": a source
        owner = owner or sh.rx("not_listed_after").match(text, pos)  # "X本身并不在名单上": set apart
        # "美国零售集团ABQ及…": an organisation word run into a Latin name describes that name
        # (the Latin name is read on its own; one with an organisation word of its own starts here)
        latin_after = pos == e and bool(sh.rx("zh_latin_after").match(text, e))
        owner = owner or latin_after
        if e - s > m.end() - m.start() and not sh.rx("zh_generic").match(name) and len(name) <= 40 \
                and not sh.rx("zh_generic_part").search(name) and not depth_at(s) and not owner:
            if out and out[-1].end == s and not out[-1].aliases:
                # "美国服装集团PVH集团": a description run into the name it describes
                out.pop()
            found = Name(s, e)
            a = sh.rx("alias_paren").match(text, pos)
            bare = sh.rx("zh_bare_name").match(text, pos) if not a and pos == e else None
            if bare:
                # "基因测序公司因美纳(Illumina)": the organisation word ends a description; the
                # name after it has no organisation word of its own but a Latin name beside it
                found = Name(bare.start(1), bare.end(1), [(bare.start(2), bare.end(2))])
                pos = bare.end()
            elif a:
                found.aliases.append((a.start(1), a.end(1)))
                pos = a.end()
            out.append(found)
            floor = pos
        elif latin_after:
            floor = e
        else:
            floor = max(floor, s)
    out += bare_before(text, start, sh, out)
    out += counted_bare(text, start, end, sh, out)
    out.sort(key=lambda n: n.start)
    return out + latin_in_chinese(text, start, end, sh, out)


def _before_separator(text: str, pos: int, end: int, sh: Shapes) -> bool:
    """Whether an enumeration goes on after the name ending at pos (past a bracketed alias)."""
    a = sh.rx("alias_paren").match(text, pos, end)
    pos = a.end() if a else pos
    return bool(sh.rx("zh_list_sep").match(text, pos, end))


def bare_before(text: str, start: int, sh: Shapes, taken: list[Name]) -> list[Name]:
    """A short name without an organisation word, between a description and the name after it
    ("将美国军火商洛歇马丁及雷神导弹与防务公司列入清单": 洛歇马丁 is the first of two names)."""
    out: list[Name] = []
    rx = sh.rx("zh_bare_before")
    for n in taken:
        m = rx.search(text, max(start, n.start - 24), n.start)
        if m and not any(o.start <= m.start(1) < o.end for o in taken):
            out.append(Name(m.start(1), m.end(1)))
    return out


def counted_bare(text: str, start: int, end: int, sh: Shapes, taken: list[Name]) -> list[Name]:
    """Short names with no organisation word, enumerated before a count of parties ("将天穹动力、
    北辰电子等3家美国实体列入"): what the count says they are makes them names."""
    out: list[Name] = []
    name_char, sep, lead = sh.rx("zh_name_char"), sh.rx("zh_counted_item_sep"), sh.rx("zh_counted_lead")
    spans = [(n.start, n.end) for n in taken] + [a for n in taken for a in n.aliases]
    for m in sh.rx("zh_counted_tail").finditer(text, start, end):
        if sh.rx("zh_counted_home").search(m.group()):
            continue
        s = m.start()
        while s > start and (name_char.match(text, s - 1) or sep.match(text, s - 1)):
            s -= 1
        leads = list(lead.finditer(text, s, m.start()))
        if not leads and s > start:
            continue  # no lead word: the run may be a description ("美国军工等企业"), not a list
        s = leads[-1].end() if leads else s
        d = sh.rx("zh_descriptor").match(text, s, m.start())
        s = d.end() if d else s
        pieces, pos = [], s
        for x in sep.finditer(text, s, m.start()):
            pieces.append((pos, x.start()))
            pos = x.end()
        pieces.append((pos, m.start()))
        for a, b in pieces:
            word = text[a:b]
            if not 2 <= len(word) <= 12 or any(x <= a < y or a <= x < b for x, y in spans):
                continue
            if sh.rx("zh_counted_not").match(word) or sh.rx("zh_generic_part").search(word) \
                    or sh.rx("zh_generic").match(word) or sh.rx("zh_counted_home").match(word) \
                    or not CJK_RE.match(word) and not word[:1].isupper():
                continue
            out.append(Name(a, b))
    return out


def latin_in_chinese(text: str, start: int, end: int, sh: Shapes, taken: list[Name]) -> list[Name]:
    """Names printed in Latin script in a Chinese sentence ("比利时的FN Herstal(Fabrique Nationale de
    Herstal)和FN Browning"): a run of Latin words between Chinese words or separators, not inside
    brackets and not part of a name found already; a bracketed name after it is its alias."""
    out: list[Name] = []
    spans = [(n.start, n.end) for n in taken] + [a for n in taken for a in n.aliases]
    depth_at = _bracket_depths(text, start, end)
    for m in sh.rx("zh_latin_name").finditer(text, start, end):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in " ,":
            e -= 1
        word = text[s:e]
        if depth_at(s) or any(a <= s < b or s <= a < e for a, b in spans) or len(word) < 2:
            continue
        if (s > start and text[s - 1].isascii() and text[s - 1].isalnum()) or (e < end and text[e].isascii() and text[e].isalnum()):
            continue
        if e < end and CJK_RE.match(text, e) and not sh.rx("zh_boundary").match(text, e):
            continue  # "JMU防务系统株式会社": the Latin word begins a Chinese name
        if sh.rx("en_stop").match(word.split()[0]) or not any(c.isalpha() for c in word) \
                or sh.rx("code_like").match(word):
            continue
        found = Name(s, e)
        a = sh.rx("alias_paren").match(text, e)
        if a:
            found.aliases.append((a.start(1), a.end(1)))
        out.append(found)
    return out


CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _bracket_depths(text: str, start: int, end: int):  # noqa: ANN202 - a small closure
    opens = [i for i in range(start, end) if text[i] == "("]
    closes = [i for i in range(start, end) if text[i] == ")"]

    def depth(pos: int) -> int:
        return sum(1 for i in opens if i < pos) - sum(1 for i in closes if i < pos)
    return depth


def split_alias(text: str, start: int, end: int, sh: Shapes) -> Name | None:
    """A list item or cell: the name, a bracketed other-language name at its end, and a trailer
    ('及其分支机构', 'and its branches') cut off. None when it does not read like a name."""
    piece = text[start:end]
    m = sh.rx("item_prefix").match(piece)
    s = start + (m.end() if m else 0)
    e = start + len(piece.rstrip(sh.data["name_trail"]))
    aliases: list[tuple[int, int]] = []
    paren = re.search(r"\(([^()]{2,160})\)\s*$", text[s:e])
    if paren and paren.start() > 0:
        aliases.append((s + paren.start(1), s + paren.end(1)))
        e = s + paren.start()
    body = text[s:e].rstrip()
    tr = sh.trailer_end.search(body)
    if tr:
        body = body[:tr.start()].rstrip()
    e = s + len(body)
    if e - s < 2 or e - s > 120 or sh.rx("not_a_name", re.I).search(text[s:e]):
        return None
    for a_s, a_e in aliases:
        tr = sh.trailer_end.search(text[a_s:a_e])
        if tr:
            aliases[aliases.index((a_s, a_e))] = (a_s, a_s + len(text[a_s:a_s + tr.start()].rstrip()))
    return Name(s, e, aliases)
