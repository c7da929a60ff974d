"""Which act a document is, when it was issued, when its measures take effect, which acts it acts on.

Dates and references are found by the components; this module gives them a role from where they
stand: the 发布文号/title line names the act itself, the signature line dates it, an effect cue
(自…起实施, "come into force", "took immediate effect") makes a date effective, 至/until makes it
the end of a suspension, and a relation verb (暂停实施, suspend, 废止 ...) links the references
in its sentence, or in the list its clause introduces, to the act.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from pipeline.extract.layout import Unit
    from pipeline.extract.record import Ctx, Mention


def several_acts_issued(ctx: "Ctx") -> bool:
    """Does the text announce two or more acts as issued ("11月7日…发布2025年第70号公告…; 11月9日…
    发布2025年第72号公告")? A Q&A that does is no one act's, and gives no one issue date."""
    issue = ctx.rx("dates", "issue_verb_before")
    refs = [r for r in ctx.spans.get("announcements", []) if not ctx.layout.in_boilerplate(r.start)]
    return len({r.label for r in refs if issue.search(ctx.doc.text[max(0, r.start - 24):r.start])}) >= 2


def own_announcement(ctx: "Ctx") -> "Mention | None":
    """The act this document is: the 发布文号/meta line, the title, an annex header, else the
    first reference near the top; for a Q&A the act it explains (the one most referred to)."""
    # (an act a related-reading list names is another page's)
    refs = [r for r in ctx.spans.get("announcements", []) if not ctx.layout.in_boilerplate(r.start)]
    if not refs:
        return None
    if ctx.kind == "qa":
        # a briefing that announces two acts issued in turn ("11月7日…发布2025年第70号公告…; 11月9日…
        # 发布2025年第72号公告") explains neither alone: it is no one act's Q&A
        if several_acts_issued(ctx):
            return None
        counts: dict[str, int] = {}
        for r in refs:
            counts[r.label] = counts.get(r.label, 0) + 1
        best = max(counts, key=lambda k: (counts[k], -min(r.start for r in refs if r.label == k)))
        return next(r for r in refs if r.label == best)
    own_line = ctx.rx("acts", "own_meta_line")
    # (a database's facts table: "Document No. | MOFCOM GAC Announcement No. 70 [2025]")
    numbered = ctx.rx("acts", "own_number_label")
    header = [u for u in ctx.units if u.role in ("meta", "title") or u.kind in ("meta", "title")
              or (u.index < 12 and u.role == "row" and numbered.match(u.text))]
    # the act's number line (发布文号, Annex …) first: a repost's title may name the acts it acts on
    for unit in [u for u in header if own_line.search(u.text)] + [u for u in header if u.role == "title"]:
        inside = [r for r in refs if unit.start <= r.start < unit.end]
        if inside:
            return inside[0]
    title = ctx.doc.title or ""
    for r in refs:
        if title and ctx.doc.text[r.start:r.end] in title:
            return r
    # a line that is nothing but an act's number, perhaps with a label ("商务部 海关总署公告2025年第70号",
    # "[Document No.] MOFCOM and GAC Announcement No. 10 of 2025"): the copy of the act a page
    # carries below its own introduction ("附全文", "Below is our English rendering")
    for u in ctx.units:
        inside = [r for r in refs if u.start <= r.start < u.end]
        if len(inside) == 1 and len(u.text.strip()) - (inside[0].end - inside[0].start) <= 20 \
                and inside[0].end - inside[0].start >= 8 \
                and ctx.rx("acts", "act_word").search(ctx.doc.text, inside[0].start, inside[0].end):
            return inside[0]
    head = [r for r in refs if r.start < 400]
    return head[0] if head else None


def under_issuer_line(ctx: "Ctx", unit: "Unit | None") -> bool:
    """Is this (date) line right under a line that is only the issuer ("Ministry of Commerce",
    "商务部 海关总署"): an act's signature block, even without numbered clauses above it?"""
    if unit is None or unit.index == 0:
        return False
    above = ctx.units[unit.index - 1]
    return len(above.text) <= 80 and bool(ctx.rx("dates", "signature_before").search(above.text.strip()))


_BRACKETED = re.compile(r"\([^()\n]*\)?\s*$")


def issued_date(ctx: "Ctx", own: "Mention | None") -> "Mention | None":
    """Issue date of the act: a 发文日期 line, else the signature line (a line that is only a
    date, or a date beside the issuers or the act's number as in an annex footer), else a page's
    发布日期/release-date line, else the page date. (A repost's own 发布日期 is the repost's day,
    so the act's signature comes before it.)"""
    dates = ctx.spans.get("dates", [])
    if ctx.kind == "qa":
        return _cited_date(ctx, own)

    def after_cue(label: str) -> "Mention | None":
        for cue in ctx.spans.get("date_cues", []):
            if cue.label == label and label == "issued" and not _label_at_line_start(ctx, cue):
                continue  # "the six announcements were all issued on 9 October": other acts' day
            if cue.label == label:
                after = [d for d in dates if cue.end <= d.start < cue.end + 12]
                if after:
                    return after[0]
        return None

    strong = after_cue("issued")
    standalone = []
    # a line, or a cell of a bilingual table ("商务部 2024年12月3日 | Ministry of Commerce 3 December 2024")
    spans = [c for u in ctx.units if u.role != "title" for c in (u.cells if u.role == "row" and u.cells else [(u.start, u.end)])]
    for a, b in spans:
        if ctx.layout.in_boilerplate(a):
            continue  # a related-reading entry's date ("《…条例》 2024-10-19") is another page's
        inside = [d for d in dates if a <= d.start < b]
        if len(inside) != 1:
            continue
        rest = ctx.doc.text[a:inside[0].start] + ctx.doc.text[inside[0].end:b]
        # a note in brackets after the signature's date ("2025年4月4日(注:节录本由…整理)") is the
        # compiler's, not a sentence around the date
        rest = _BRACKETED.sub("", rest)
        if len(rest.strip()) <= 40 and not ctx.rx("dates", "issued_line").search(rest):
            standalone.append(inside[0])
        elif not ctx.doc.text[inside[0].end:b].strip() and ctx.rx("dates", "signature_before").search(
                ctx.doc.text[max(a, inside[0].start - 40):inside[0].start]):
            standalone.append(inside[0])  # a signature run into the last clause's line or cell
    if strong:
        # a forwarding letter's 发文日期 stands above the act it forwards: the act's own signature
        # below its number line is the act's date
        later = [d for d in standalone if own is not None and any(
            r.label == own.label and strong.start < r.start < d.start for r in ctx.spans.get("announcements", []))]
        return later[-1] if later else strong
    if own is not None and not _carries_copy(ctx, own):
        # a notice that cites the act without carrying its copy ("商务部、海关总署于2025年4月4日联合发布
        # 《…》(…公告2025年第18号)", then the office's own signature): the act's date is the cited one
        beside = _date_beside_act(ctx, own)
        if beside is not None:
            return beside
    if standalone:
        # a date line right under the issuer's line ("Ministry of Commerce" / "4 March 2025") is the
        # signature, whatever dated lines a page adds below it (a status log's "5 Mar 2025 — posted")
        signed = [d for d in standalone if under_issuer_line(ctx, ctx.unit_at(d.start))]
        return (signed or standalone)[-1]
    weak = after_cue("page_date")
    if weak:
        return weak
    pub = [d for d in dates if ctx.doc.published and d.label == ctx.doc.published[:10]]
    return pub[0] if pub else None


def _label_at_line_start(ctx: "Ctx", cue: "Mention") -> bool:
    """Is a date label ("Issued on", "发文日期") a field label, at the start of its line or table
    cell, rather than words of a sentence?"""
    unit = ctx.unit_at(cue.start)
    if unit is None:
        return True
    start = next((a for a, b in (unit.cells or []) if a <= cue.start < b), unit.start)
    return len(ctx.doc.text[start:cue.start].strip(" \t-•*|[](){}:")) <= 12


def _carries_copy(ctx: "Ctx", own: "Mention") -> bool:
    """Does the page print the act itself: a line that is its number (with a label at most), or a
    title or meta line naming it?"""
    for r in ctx.spans.get("announcements", []):
        if r.label != own.label:
            continue
        u = ctx.unit_at(r.start)
        if u is None or ctx.rx("dates", "cites_act").search(ctx.doc.text, u.start, r.start):
            continue  # "(依据商务部 海关总署公告2025年第18号整理)": a note citing the act
        if u.role in ("title", "meta") or len(u.text.strip()) - (r.end - r.start) <= 20:
            return True
    return False


def _date_beside_act(ctx: "Ctx", own: "Mention") -> "Mention | None":
    """'2025年4月4日发布的…公告2025年第18号': the date written right before or after the act's number."""
    text = ctx.doc.text
    for ref in ctx.spans.get("announcements", []):
        if ref.label != own.label:
            continue
        for d in ctx.spans.get("dates", []):
            gap = text[d.end:ref.start]
            if 0 <= ref.start - d.end <= 100 and (ctx.rx("dates", "cited_date").match(gap) or ctx.rx("dates", "cited_gap").match(gap)):
                return d
            if 0 <= d.start - ref.end <= 24 and ctx.rx("dates", "cited_after").search(text[ref.end:d.start]):
                return d
    return None


def _cited_date(ctx: "Ctx", own: "Mention | None") -> "Mention | None":
    """'2025年4月4日发布的…公告2025年第18号': the date written right before or after the act's number;
    else the date of 'the announcement' the Q&A explains, named without its number."""
    text = ctx.doc.text
    if own is not None and (beside := _date_beside_act(ctx, own)) is not None:
        return beside
    original = ctx.rx("dates", "original_date_before")
    for d in ctx.spans.get("dates", []):
        if original.search(text[max(0, d.start - 30):d.start]):
            return d
    # "公告于2025年4月4日发布", "the announcement was issued on April 4"
    before, after = ctx.rx("dates", "qa_act_date_before"), ctx.rx("dates", "qa_act_date_after")
    for d in ctx.spans.get("dates", []):
        m = before.search(text[max(0, d.start - 40):d.start])
        # the English form names the verb before the date; the Chinese one after it (于…发布)
        if m and (after.match(text, d.end) or not _cjk_text(m.group())):
            return d
    # "问:7月3日,商务部、海关总署联合发布公告…": a Q&A's bare "the announcement" is the act it explains
    generic = ctx.rx("dates", "qa_generic_act")
    for d in ctx.spans.get("dates", []):
        s, e = ctx.sentence(d.start)
        if generic.search(text[d.end:e]) and not _is_until(ctx, d) and not ctx.rx(
                "dates", "meta_date_before").search(text[max(0, d.start - 16):d.start]):
            return d
    # "近日,商务部、科技部发布2023年第57号公告": no date of its own; an official Q&A comes out with
    # its act, so the page's own date (发布时间) stands for it when the act is of that year
    if own is not None and ctx.rx("dates", "recent_act").search(text, *ctx.sentence(own.start)):
        for cue in ctx.spans.get("date_cues", []):
            if cue.label == "page_date":
                after = [d for d in ctx.spans.get("dates", []) if cue.end <= d.start < cue.end + 12]
                if after and own.label.split("-")[-2] == after[0].label[:4]:
                    return after[0]
    return None


def _entry_date(ctx: "Ctx", pos: int) -> str | None:
    """A timeline entry's date: the line above holds nothing but a date ("2025.2.4" then
    "钨、碲…相关物项即日起管制")."""
    unit = ctx.unit_at(pos)
    if unit is None or unit.index == 0:
        return None
    above = ctx.units[unit.index - 1]
    inside = ctx.within("dates", above.start, above.end)
    if len(inside) == 1 and len(above.text.strip()) <= inside[0].end - inside[0].start + 4:
        return inside[0].label
    return None


def _page_day(ctx: "Ctx") -> str | None:
    """The story's own date (its 发布时间/dateline line): a flash that says "即日生效" and names no
    other day reports a measure of its own day."""
    if ctx.doc.published:
        return ctx.doc.published[:10]
    before, after = ctx.rx("dates", "byline_date_before"), ctx.rx("dates", "byline_date_after")
    for u in ctx.units[:6]:
        inside = ctx.within("dates", u.start, u.end)
        if u.role == "meta" and inside:
            return inside[0].label
        # a byline line that sets its date off with separators
        for d in inside:
            if before.search(ctx.doc.text[u.start:d.start]) and after.match(ctx.doc.text[d.end:u.end]):
                return d.label
    return None


def _cjk_text(s: str) -> bool:
    from pipeline.extract.values import is_cjk

    return any(is_cjk(ch) for ch in s)


def _in_dateline(ctx: "Ctx", d: "Mention") -> bool:
    """'BEIJING, Sept 20 (Reuters) -', '新华社北京2月4日电': the filing date, not an effect date."""
    text = ctx.doc.text
    return bool(ctx.rx("dates", "dateline_before").search(text[max(0, d.start - 40):d.start])) or \
        bool(ctx.rx("dates", "dateline_after").match(text, d.end))


def _is_effect(ctx: "Ctx", d: "Mention") -> bool:
    """A date an effect cue follows or precedes ("自11月8日起实施", "from Dec. 1"): not the day an act
    was announced."""
    text = ctx.doc.text
    return bool(ctx.rx("dates", "effect_after").match(text, d.end)) or \
        bool(ctx.rx("dates", "from_before").search(text[max(0, d.start - 16):d.start]))


def _is_until(ctx: "Ctx", d: "Mention") -> bool:
    return bool(ctx.rx("dates", "until_before").search(ctx.doc.text[max(0, d.start - 10):d.start]))


def announced_date(ctx: "Ctx", before: int | None = None, suspending: bool = False) -> str | None:
    """News: the day the act was announced ('made the announcement on Thursday', 'On December 3,
    MOFCOM went further with Announcement No. 46'). With `before` (the position of the words that
    call for it: "took effect the day it was issued"), the latest such day stated before them,
    else the first in the text."""
    text = ctx.doc.text
    acts = ctx.spans.get("announcements", [])
    filed = None  # a dateline's filing day: the announcement day when the story names no other
    found: list[tuple[int, str]] = []
    for d in ctx.spans.get("dates", []):
        s, e = ctx.sentence(d.start)
        if ctx.rx("dates", "meta_date_before").search(text[max(0, d.start - 16):d.start]):
            continue  # the page's own 发布时间/Published line
        if _is_until(ctx, d) or _is_effect(ctx, d) \
                or ctx.rx("dates", "time_clause_before").search(text[max(0, d.start - 16):d.start]) \
                or ctx.rx("dates", "cited_date").match(text, d.end) \
                or ctx.rx("dates", "cited_date_before").search(text[max(0, d.start - 40):d.start]) \
                or ctx.rx("dates", "time_clause_after").match(text, d.end):
            continue  # (…, "10月9日公布的六份公告": the day of the acts it names, not of this one)
        if _in_dateline(ctx, d):
            filed = filed or d.label  # (the story's filing day, whatever its lead sentence says)
        elif ctx.rx("dates", "announce").search(text[s:e]) or any(s <= r.start < e for r in acts):
            if suspending and not any(c.label == "suspends" for c in ctx.within("relation_cues", s, e)):
                continue  # "the suspension applied from publication": the day the suspending act came out
            found.append((d.start, d.label))
    if before is not None:
        earlier = [(pos, label) for pos, label in found if pos < before]
        if earlier:
            # the last sentence before the words that dates an act, and in it the first date: "11月7日
            # 商务部发布第70号公告,暂停今年10月9日发布的第55号…" is the day of No. 70
            s, e = ctx.sentence(earlier[-1][0])
            return next(label for pos, label in earlier if s <= pos < e)
        if filed:
            return filed  # nothing dated before the words: the story's filing day, not a later paragraph's
    return found[0][1] if found else filed


def effective_dates(ctx: "Ctx", issued: str | None,
                    own: str | None = None) -> tuple[list[tuple[str, int, int]], dict[str, str], str | None]:
    """(effective dates with evidence offsets, clause id -> date overrides, whole-act date). A Q&A
    speaks of the act it explains by its number (`own`) or as "the announcement"."""
    text, official = ctx.doc.text, ctx.kind in ("announcement", "qa")
    dates = ctx.spans.get("dates", [])
    found: list[tuple[str, int, int]] = []
    overrides: dict[str, str] = {}
    whole: str | None = None
    negated = ctx.rx("dates", "negated_cue")
    aliases = _own_aliases(ctx, own) if ctx.kind == "qa" else []
    for cue in ctx.spans.get("date_cues", []):
        if cue.label in ("issued", "page_date") or ctx.layout.in_boilerplate(cue.start):
            continue  # (a related-reading line's "(12月1日起施行)" dates another text)
        s, e = ctx.sentence(cue.start)
        sent = text[s:e]
        if negated.search(text[s:cue.start]):
            continue  # "did not take effect immediately", "并未立即生效"
        if not official and _other_measure(ctx, cue.start, s, e):
            continue  # "the 34% tariff takes effect on April 10", a BIS rule's date: not China's control
        if official and not (ctx.kind == "qa" and own is None) \
                and not ctx.rx("dates", "self_ref").search(sent) and not (ctx.kind == "qa" and (
                ctx.rx("dates", "qa_ref").search(sent) or any(a in sent for a in aliases)
                or any(r.label == own for r in ctx.within("announcements", s, e)))) \
                and not (ctx.kind in ("announcement", "qa") and (not any(
                    r.label != own for r in ctx.within("announcements", s, e))
                    # "自即日起至…,暂停实施…第46号公告第二款": the act's own action on the act it names
                    or ctx.within("relation_cues", s, e))):
            continue  # an effective date of some other act the text cites (an act's own sentence counts)
        cited = ctx.rx("dates", "cited_date")
        plain = [d for d in dates if s <= d.start < e and not _is_until(ctx, d) and not cited.match(text, d.end)]
        near = [d for d in plain if official or not (ctx.rx("dates", "said_before").search(text[max(0, d.start - 40):d.start])
                                                     or _in_dateline(ctx, d))]
        if cue.label == "immediate" and not near and not official:
            # "the ministry said on Friday that … taking effect immediately": the day it was said
            near = [d for d in plain if not _in_dateline(ctx, d)]
        value, start, end = None, cue.start, cue.end
        if cue.label == "effective" and near:
            best = min(near, key=lambda d: min(abs(d.start - cue.end), abs(cue.start - d.end)))
            value, start, end = best.label, best.start, best.end
        elif cue.label == "publication":
            # "the ministry said on December 3 that …, in a notice that took effect the same day":
            # the day the sentence gives before the words
            told = [d for d in plain if d.end <= cue.start and not _in_dateline(ctx, d)
                    and not _is_effect(ctx, d)] if not (official and issued) else []
            # (a Q&A on several acts has no issue date: each phrase takes the day its sentence gives)
            suspending = bool(ctx.rx("dates", "suspension_subject").search(sent))
            gap = ctx.rx("dates", "publication_day_gap")
            if official and issued:
                value = issued
            elif (named := next((d for d in plain if d.start >= cue.end and gap.fullmatch(text, cue.end, d.start)),
                                None)) is not None:  # "effective on publication on 7 November 2025"
                value, start, end = named.label, named.start, named.end
            else:
                value = (_entry_date(ctx, cue.start) or (told[-1].label if told else None)
                         or (suspending and announced_date(ctx, cue.start, suspending=True))
                         or announced_date(ctx, cue.start))
        elif cue.label == "immediate":
            if near:
                best = min(near, key=lambda d: abs(d.start - cue.end))
                value, start, end = best.label, best.start, best.end
            else:
                value = issued if official else (_entry_date(ctx, cue.start) or announced_date(ctx, cue.start)
                                                 or _page_day(ctx))
        if not value:
            continue
        refs = ctx.layout.clause_refs(sent) if official else []
        if refs:
            for ref in refs:
                overrides[ref] = value
        elif whole is None:
            whole = value
        found.append((value, start, end))
    found.extend(_effect_column(ctx))
    if not official:
        for d in dates:
            before = text[max(0, d.start - 16):d.start]
            s, e = ctx.sentence(d.start)
            since = ctx.rx("dates", "since_before").search(before) and not ctx.has_cue(s, e, {"statistic"})
            if (ctx.rx("dates", "from_before").search(before) or since
                    or ctx.rx("dates", "from_after").match(text, d.end)) and (
                    ctx.has_cue(s, e, {"control", "control_intro"})
                    or any(c.label == "suspends" for c in ctx.within("relation_cues", s, e))) \
                    and not _other_measure(ctx, d.start, s, e):  # last: the costly clause scan
                # (other measures: "自2月10日起对…加征关税", a tariff's start; a BIS rule's)
                found.append((d.label, d.start, d.end))
    return found, overrides, whole


def _effect_column(ctx: "Ctx") -> list[tuple[str, int, int]]:
    """A date after an effect field label ("实施日期: 2024年9月15日"); a table column headed by an
    effect cue ("In force from", "生效日期"): its dates take effect;
    so does the date in the cell after such a label in a row of label/value pairs ("[实施日期] | 2025.02.04")."""
    out: list[tuple[str, int, int]] = []
    label = ctx.rx("dates", "effect_label_before")
    for d in ctx.spans.get("dates", []):
        if label.search(ctx.doc.text[max(0, d.start - 16):d.start]) and not ctx.layout.in_boilerplate(d.start):
            out.append((d.label, d.start, d.end))
    head = ctx.rx("dates", "effect_column")
    for u in ctx.units:
        if u.role == "row" and u.cells:
            for (a, b), nxt in zip(u.cells, u.cells[1:]):
                if head.search(ctx.doc.text, a, b) and not ctx.within("dates", a, b):
                    inside = ctx.within("dates", *nxt)
                    if inside and len(ctx.doc.text[nxt[0]:nxt[1]].strip()) <= 24:
                        out.append((inside[0].label, inside[0].start, inside[0].end))
    col: int | None = None
    in_table = False
    for u in ctx.units:
        if u.role != "row" or not u.cells:
            in_table, col = False, None
            continue
        if not in_table:
            in_table = True
            head = ctx.rx("dates", "effect_column")
            col = next((i for i, (a, b) in enumerate(u.cells) if head.search(ctx.doc.text, a, b)), None)
            continue
        if col is not None and col < len(u.cells):
            a, b = u.cells[col]
            out.extend((d.label, d.start, d.end) for d in ctx.within("dates", a, b))
            # "公布之日起" in the column: the day the row's act came out (a date in another cell of
            # the row, as in an "Announced" column, else the day the text says the acts came out)
            for cue in ctx.within("date_cues", a, b):
                if cue.label in ("publication", "immediate") and not any(
                        d.start < cue.start for d in ctx.within("dates", a, b)):
                    others = [d.label for d in ctx.within("dates", u.start, u.end) if not a <= d.start < b]
                    day = others[0] if others else announced_date(ctx)
                    if day:
                        out.append((day, cue.start, cue.end))
    return out


def _acts_by_month(ctx: "Ctx", start: int, end: int, refs: list["Mention"], own: str | None) -> list["Mention"]:
    """'suspending … its December 2024 announcement': the one act the text dates to that month
    (a date in the sentence that cites its number), as a mention at the descriptive words."""
    text, months = ctx.doc.text, ctx.g.dates["months"]
    m = ctx.rx("dates", "act_by_month").search(text, start, end)
    if not m:
        return []
    year = m.group("y") or m.group("y2")
    mon = months.get((m.group("mon") or "").lower()) if m.group("mon") else int(m.group("m2"))
    if not mon:
        return []
    prefix = f"{year}-{int(mon):02d}"
    found: dict[str, "Mention"] = {}
    for r in refs:
        if r.label == own or r.label.split("-")[-2:-1] != [year]:
            continue
        s, e = ctx.sentence(r.start)
        if any(d.label.startswith(prefix) for d in ctx.within("dates", s, e)):
            found.setdefault(r.label, r._replace(start=m.start(), end=m.end()))
    return list(found.values()) if len(found) == 1 else []


def _own_aliases(ctx: "Ctx", own: str | None) -> list[str]:
    """Short names ('《清单》', '"the List"') defined in the sentence that cites the explained act."""
    text, out = ctx.doc.text, []
    for m in ctx.rx("dates", "alias_def").finditer(text):
        s, e = ctx.sentence(m.start())
        if own and any(r.label == own for r in ctx.within("announcements", s, e)):
            out.append(m.group(1) or m.group(2))  # 《清单》 with its brackets, "List" without quotes
    return out


def _other_measure(ctx: "Ctx", pos: int, s: int, e: int) -> bool:
    """Whether the clause around `pos` speaks of another kind of measure (a tariff, a duty) or of
    another government's (a BIS rule, "Japan's own rules")."""
    cut = ctx.rx("dates", "clause_cut")
    a = max([m.end() for m in cut.finditer(ctx.doc.text, s, pos)], default=s)
    m = cut.search(ctx.doc.text, pos, e)
    b = m.start() if m else e
    text = ctx.doc.text
    if ctx.rx("dates", "other_measure").search(text, a, b) or ctx.rx("dates", "foreign_agency").search(text, a, b):
        return True
    # the sentence's subject is another measure ("The tariffs on U.S. goods, ranging from 10% to 15%,
    # are due to start on Feb. 10") and no control cue comes between it and the date
    subject = ctx.rx("dates", "other_measure").search(text, s, min(pos, s + 40))
    if subject and not ctx.has_cue(subject.end(), pos, {"control", "control_intro"}):
        return True
    # the sentence's subject is a foreign agency and China's side is not named before `pos`
    lead = ctx.rx("dates", "foreign_agency").search(text, s, min(e, s + 30))
    return bool(lead and lead.start() - s <= 4 and not ctx.rx("dates", "china_actor").search(text, lead.end(), pos))


def clauses(ctx: "Ctx", overrides: dict[str, str], default: str | None) -> list[dict]:
    """Numbered clauses of an act with the date each takes effect."""
    if ctx.kind != "announcement":
        return []
    out = []
    for c in ctx.layout.clause_spans():
        parent = c["id"].split("(")[0]
        c["effective"] = overrides.get(c["id"]) or overrides.get(parent) or default
        out.append(c)
    return out


def _names_an_element(ctx: "Ctx", ref: "Mention", cue: "Mention", sentence_end: int) -> bool:
    """Whether the title or description printed with a repealed act (between its number and the
    verb, or just after the number) names an element the repealing text also controls."""
    # "除上述物项外,…2006年第50号所列其他物项不再实施临时出口管制", "all other items covered by
    # No. 50 of 2006": the new act keeps some of the old act's items and lifts the rest
    others = ctx.rx("dates", "other_items_of_act")
    for r in ctx.spans.get("announcements", []):
        if r.label == ref.label:
            s, e = ctx.sentence(r.start)
            if others.search(ctx.doc.text, s, e):
                return True
    end = cue.start if ref.end <= cue.start else min(ref.end + 80, sentence_end)
    if end - ref.end > 120:
        return False
    named = {m.label for m in ctx.within("elements", ref.end, end)}
    return bool(named) and any(m.label in named for m in ctx.spans.get("elements", [])
                               if not ref.end <= m.start < end)


def relations(ctx: "Ctx", own: str | None) -> tuple[list[dict], list[dict]]:
    """Relation verbs and the acts in their scope -> (relations, relation_scopes)."""
    text = ctx.doc.text
    refs = ctx.spans.get("announcements", [])
    all_cues = ctx.spans.get("relation_cues", [])
    # "2025年第18号公告等此前已实施的管制措施不受影响": acts said to stay in force are no targets
    unaffected = [c for c in all_cues if c.label == "unaffected"]
    # "暂停期间", "during the suspension": the period named, no act suspended
    cues = [c for c in all_cues if c.label not in ("unaffected", "period")]
    if unaffected:
        cut = ctx.rx("dates", "clause_cut")

        def clause_of(pos: int) -> tuple[int, int]:
            s, e = ctx.sentence(pos)
            a = max([m.end() for m in cut.finditer(text, s, pos)], default=s)
            m = cut.search(text, pos, e)
            return a, (m.start() if m else e)

        spared = [clause_of(c.start) for c in unaffected]
        refs = [r for r in refs if not any(a <= r.start < b for a, b in spared)]
    merged: dict[tuple[str, str], dict] = {}
    scopes: list[dict] = []
    linked: set[tuple[str, int]] = set()  # (verb, sentence) pairs that already found their targets
    found_in: dict[tuple[str, str], set[int]] = {}  # (verb, act) -> sentences that gave it
    negated = ctx.rx("dates", "negated_relation")
    # a related-reading list's headline ("商务部公告2025年第70号 关于暂停实施…") is another page's
    cues = [c for c in cues if not negated.search(text[max(0, c.start - 12):c.start])
            and not ctx.layout.in_boilerplate(c.start)]
    actor = ctx.rx("dates", "actor_after")
    for i, cue in enumerate(cues):
        s, e = ctx.sentence(cue.start)
        scope_end = e
        unit = ctx.unit_at(cue.start)
        if unit is not None and unit.ends_colon and e >= unit.end - 1:
            scope_end = ctx.list_end(unit)
        nxt = [c.start for c in cues[i + 1:] if c.start < scope_end and c.label != cue.label]
        scope_end = min(nxt + [scope_end])
        acting = ctx.rx("dates", "acting_before")
        # ("are suspended under Announcement No. 70": the act after the verb may be the one acting)
        targets = [r for r in refs if cue.end <= r.start < scope_end and r.label != own
                   and not acting.search(text[max(0, r.start - 24):r.start])]
        if unit is not None and unit.role in (None, "text") and unit.end - cue.end <= 12 and e >= unit.end \
                and not ctx.rx("dates", "line_end_punct").search(unit.text) and unit.index + 1 < len(ctx.units):
            # "暂停实施商务部\n海关总署公告2025年第55号…": a line broken inside the clause (a hand-set
            # PDF); the clause goes on in the next line
            nxt = ctx.units[unit.index + 1]
            scope_end = max(scope_end, ctx.sentence(nxt.start)[1])
            e = max(e, scope_end)
            targets = [r for r in refs if cue.end <= r.start < scope_end and r.label != own
                       and not acting.search(text[max(0, r.start - 24):r.start])]
        if unit is not None and unit.role == "row" and unit.cells and (cue.label, unit.start) not in linked:
            # a table's status cell ("Suspended until Nov. 10, 2026 (Announcement No. 70)") speaks of
            # the acts of its row's earlier cells; an act after the verb in that cell is the one acting
            cell = next(((a, b) for a, b in unit.cells if a <= cue.start < b), None)
            # "Suspended until Nov. 10, 2026 (Announcement No. 70 of 2025)": the act in brackets after
            # the end date is the one acting
            by = [r for r in targets if cell and r.start < cell[1] and text[max(cue.end, r.start - 2):r.start].strip() == "("
                  and any(cue.end <= d.start < r.start for d in ctx.spans.get("dates", []))]
            targets = [r for r in targets if r not in by]
            in_cell = [r for r in targets if cell and r.start < cell[1]]
            # a row whose other cell names what its act suspends ("暂停实施第55号…公告") is the
            # acting act's row: its status cell adds nothing
            acting_row = any(c is not cue and c.label == cue.label and unit.start <= c.start < unit.end
                             and any(c.end <= r.start < next((b for a, b in unit.cells if a <= c.start < b), c.end)
                                     for r in refs) for c in cues)
            if cell is not None and cell[0] > unit.start and not in_cell:
                targets = [] if acting_row else [r for r in refs if unit.start <= r.start < cell[0] and r.label != own]
                linked.add((cue.label, unit.start))
                linked.add((cue.label, s))
        if not targets and ctx.rx("dates", "hold_cue").fullmatch(text[cue.start:cue.end]):
            verbs = list(ctx.rx("dates", "hold_verb").finditer(text, s, cue.start))
            if verbs:  # "No. 70 put Nos. 55, 56 … on hold": the acts between verb and 'on hold'
                targets = [r for r in refs if verbs[-1].end() <= r.start < cue.start and r.label != own]
        if not targets and (cue.label, s) not in linked and (ctx.lang == "zh" or ctx.rx(
                "dates", "passive_before").search(text[max(0, cue.start - 20):cue.start])
                or ctx.rx("dates", "passive_cue").search(text, cue.start, cue.end)):
            # "第61号公告…暂停实施", "No. 58 was suspended": the act before the verb (in English only
            # in the passive: "No. 70 suspended No. 58" names the suspending act first)
            # (an act's reference may begin on the line before: "…以及商务部\n科技部公告2020年第38号…")
            targets = [r for r in refs if s < r.end and r.start < cue.start and r.label != own
                       and not actor.match(text, r.end)]
        acting = ctx.rx("dates", "acting_before")
        targets = [r for r in targets if not acting.search(text[max(0, r.start - 24):r.start])]
        ana = ctx.rx("dates", "anaphora").search(text[s:e]) if not targets else None
        if ana:
            # "…第46号公告第二款…。根据第72号公告，该款暂停实施": the act the previous sentence named;
            # "将上述六份公告暂停实施", "these announcements": every act of that sentence
            before = [r for r in refs if r.start < s and r.label != own]
            if before and ctx.rx("dates", "plural_anaphora").search(ana.group()):
                last = ctx.sentence(before[-1].start)
                targets = [r for r in before if last[0] <= r.start < last[1]]
            else:
                # "MOFCOM Announcement No. 72 …, suspends that clause": with the acting act named before
                # the verb, the clause is the last other act's, however that act was introduced
                actors = {r.label for r in refs if s <= r.start < cue.start}
                targets = [r for r in before if r.label not in actors][-1:] if actors else \
                    [r for r in before if not acting.search(text[max(0, r.start - 24):r.start])][-1:]
        if not targets:
            targets = _acts_by_month(ctx, cue.end, scope_end, refs, own)
        if not targets and e < len(text) and cue.label in ("suspends", "resumes", "repeals"):
            # "…6份出口管制公告全部喊停,暂停到2026年11月10日。这6份分别是第55号(…)、第56号(…)…": the
            # next sentence lists the acts one by one
            s2, e2 = ctx.sentence(e)
            if s2 >= e and ctx.rx("dates", "next_act_list").match(text, s2, e2):
                targets = [r for r in refs if s2 <= r.start < e2 and r.label != own]
                scope_end = max(scope_end, e2)
            nxt_unit = ctx.unit_at(s2) if s2 >= e else None
            if not targets and cue.label == "suspends" and nxt_unit is not None and nxt_unit.ends_colon \
                    and e2 >= nxt_unit.end - 1 \
                    and not any(s2 <= r.start < e2 for r in refs):
                # "…suspended a set of measures announced on 9 October. Three matter most:" and the
                # acts listed under that lead-in
                # (each item opens with its act, "Announcement No. 57: licensing for holmium …"; the
                # list stops at the next heading)
                end2 = ctx.list_end(nxt_unit)
                marker = ctx.rx("items", "number_prefix")
                items = []
                for u in ctx.units[nxt_unit.index + 1:]:
                    if u.start >= end2 or u.heading or u.role in ("heading", "title"):
                        break
                    items.extend(r for r in refs if u.start <= r.start < u.end and r.label != own
                                 and not marker.sub("", text[u.start:r.start].strip(" \t-*")).strip())
                targets = items
                scope_end = max(scope_end, end2)
        if not targets:
            continue
        linked.add((cue.label, s))
        untils = [d for d in ctx.spans.get("dates", []) if s <= d.start < scope_end and _is_until(ctx, d)]
        if not untils and cue.label == "suspends" and e < len(text):
            # "…分别系第55、56号。暂停去到2026年11月10号。", "… Nos. 55 and 56. The suspension runs
            # until …": a next sentence that speaks of the suspension, names no act, gives its end
            s2, e2 = ctx.sentence(max(e, scope_end))  # (after the list a lead-in opens)
            for _ in range(3):  # "2. The suspension runs …": past the gap and a clause's bare number
                if e2 >= len(text) or any(ch.isalpha() for ch in text[s2:e2]):
                    break
                s2, e2 = ctx.sentence(e2)
            if s2 >= e and not any(s2 <= r.start < e2 for r in refs) and (any(
                    s2 <= c.start < e2 and c.label in ("suspends", "period") for c in all_cues)
                    or ctx.rx("dates", "suspension_subject").search(text, s2, e2)):
                untils = [d for d in ctx.spans.get("dates", []) if s2 <= d.start < e2 and _is_until(ctx, d)]
        if not untils and cue.label == "suspends" and s > 0:
            # "The suspension runs until 10 November 2026. The same notice also shelves Nos. 55 …
            # for the same period": the sentence before speaks of the suspension and gives its end
            # (past a sentence that names only the acting act: "… would not be implemented until Nov.
            # 10, 2026. The decision, published as No. 70, took effect immediately. The frozen
            # package includes No. 61 …")
            back = s
            for _ in range(2):
                s0, e0 = ctx.sentence(back - 1)
                named = [r for r in refs if s0 <= r.start < e0]
                if any(not acting.search(text[max(0, r.start - 24):r.start]) for r in named):
                    break
                if any(s0 <= c.start < e0 and c.label in ("suspends", "period") for c in all_cues):
                    untils = [d for d in ctx.spans.get("dates", []) if s0 <= d.start < e0 and _is_until(ctx, d)]
                    break
                if s0 <= 0:
                    break
                back = s0
        until = untils[0].label if untils and cue.label in ("suspends",) else None
        for ref in targets:
            kind = cue.label
            if kind == "repeals" and _names_an_element(ctx, ref, cue, e):
                # "2006年第50号公告(《决定对石墨类相关制品实施临时出口管制措施》)同时废止": the act
                # repealed controlled the same items the new act now controls: it is superseded
                kind = "supersedes"
            key = (kind, ref.label)
            found_in.setdefault(key, set()).add(s)
            rel = merged.setdefault(key, {"type": kind, "target": ref.label, "until": None,
                                          "start": ref.start, "end": ref.end})
            rel["until"] = rel["until"] or until
            tail = re.sub(r"^\s*\([^)]{0,80}\)", "", text[ref.end:ref.end + 120])[:30]
            parts = ctx.layout.clause_refs(ctx.rx("dates", "clause_end").split(tail)[0]) if ctx.rx("dates", "clause_tail").match(tail) else []
            scopes.append({"type": kind, "target": ref.label, "until": until,
                           "clauses": parts or None, "start": ref.start, "end": ref.end})
    # An act the text says was issued ("MOFCOM put out Announcement No. 70") found as a target in
    # one place ("China suspends the October rules (MOFCOM Announcement No. 70)") while sentences
    # that do not name it give the verb other targets: it is the act doing it, not a target.
    acting = ctx.rx("dates", "acting_before")
    issued_refs = {r.label for r in refs if acting.search(text[max(0, r.start - 24):r.start])}

    def order(label: str) -> tuple[int, int]:
        parts = label.split("-")
        return (int(parts[-2]), int(parts[-1])) if len(parts) >= 3 and parts[-1].isdigit() and parts[-2].isdigit() else (0, 0)
    # (only the latest act the text names: an act suspends earlier ones)
    latest = max((order(r.label) for r in refs if r.label.startswith("MOFCOM-")), default=None)
    for (kind, label) in list(merged):
        if label not in issued_refs or order(label) != latest or not label.startswith("MOFCOM-"):
            continue
        mine = {ctx.sentence(r.start)[0] for r in refs if r.label == label}
        others = [k for k in merged if k[0] == kind and k[1] != label and found_in.get(k, set()) - mine]
        if others:
            del merged[(kind, label)]
            scopes = [sc for sc in scopes if (sc["type"], sc["target"]) != (kind, label)]
    # One act suspends its targets together: when its text gives a single end date (in the body)
    # and the title or another list names more targets without it, they share that date. The
    # date may stand in a sentence of its own ("…暂停执行，自即日起至2026年11月27日止。被暂停的是
    # 第46号公告第二款"): the single end date of the document's suspension sentences.
    stated = {d.label for c in cues if c.label == "suspends"
              for d in ctx.spans.get("dates", []) if ctx.sentence(c.start)[0] <= d.start < ctx.sentence(c.start)[1]
              and _is_until(ctx, d)}
    for kind in {k for k, _ in merged}:
        dates = {r["until"] for (k, _), r in merged.items() if k == kind and r["until"]}
        if not dates and kind == "suspends" and len(stated) == 1:
            dates = stated
        # (a text giving two suspensions with their own end dates shares neither)
        if len(dates) == 1 and (kind != "suspends" or len(stated) <= 1):
            for (k, _), r in merged.items():
                if k == kind and not r["until"]:
                    r["until"] = next(iter(dates))
        elif kind == "suspends" and len(stated - dates) == 1:
            # two suspensions, one of them with its acts named where its end date is not ("No. 70 …
            # suspends six October announcements until 10 November 2026" and later "The six
            # suspended acts are: No. 55 …"): the undated acts take the end date no act has taken
            for (k, _), r in merged.items():
                if k == kind and not r["until"]:
                    r["until"] = next(iter(stated - dates))
    for sc in scopes:
        sc["until"] = merged[(sc["type"], sc["target"])]["until"]
    uniq = {(sc["type"], sc["target"], tuple(sc["clauses"] or ())): sc for sc in scopes}
    return list(merged.values()), list(uniq.values())
