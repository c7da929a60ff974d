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
    from pipeline.extract.record import Ctx, Mention

def own_announcement(ctx: "Ctx") -> "Mention | None":
    """The act this document is: the 发布文号/meta line, the title, an annex header, else the
    first reference near the top; for a Q&A the act it explains (the one most referred to)."""
    refs = ctx.spans.get("announcements", [])
    if not refs:
        return None
    if ctx.kind == "qa":
        counts: dict[str, int] = {}
        for r in refs:
            counts[r.label] = counts.get(r.label, 0) + 1
        best = max(counts, key=lambda k: (counts[k], -min(r.start for r in refs if r.label == k)))
        return next(r for r in refs if r.label == best)
    for unit in ctx.units:
        if unit.role in ("meta", "title") or unit.kind in ("meta", "title"):
            inside = [r for r in refs if unit.start <= r.start < unit.end]
            if inside and (unit.role == "title" or ctx.rx("acts", "own_meta_line").search(unit.text)):
                return inside[0]
    title = ctx.doc.title or ""
    for r in refs:
        if title and ctx.doc.text[r.start:r.end] in title:
            return r
    head = [r for r in refs if r.start < 400]
    return head[0] if head else None


def issued_date(ctx: "Ctx", own: "Mention | None") -> "Mention | None":
    """Issue date of the act: a 发文日期 line, else the signature line (a line that is only a
    date, or a date beside the act's number as in an annex footer), else the page date."""
    dates = ctx.spans.get("dates", [])
    if ctx.kind == "qa":
        return _cited_date(ctx, own) if own else None
    for cue in ctx.spans.get("date_cues", []):
        if cue.label == "issued":
            after = [d for d in dates if cue.end <= d.start < cue.end + 12]
            if after:
                return after[0]
    standalone = []
    for unit in ctx.units:
        inside = [d for d in dates if unit.start <= d.start < unit.end]
        if len(inside) != 1 or unit.role == "title":
            continue
        rest = ctx.doc.text[unit.start:inside[0].start] + ctx.doc.text[inside[0].end:unit.end]
        if len(rest.strip()) <= 40 and not ctx.rx("dates", "issued_line").search(rest):
            standalone.append(inside[0])
    if standalone:
        return standalone[-1]
    pub = [d for d in dates if ctx.doc.published and d.label == ctx.doc.published[:10]]
    return pub[0] if pub else None


def _cited_date(ctx: "Ctx", own: "Mention") -> "Mention | None":
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


def _in_dateline(ctx: "Ctx", d: "Mention") -> bool:
    """'BEIJING, Sept 20 (Reuters) -', '新华社北京2月4日电': the filing date, not an effect date."""
    text = ctx.doc.text
    return bool(ctx.rx("dates", "dateline_before").search(text[max(0, d.start - 40):d.start])) or \
        bool(ctx.rx("dates", "dateline_after").match(text, d.end))


def _is_until(ctx: "Ctx", d: "Mention") -> bool:
    return bool(ctx.rx("dates", "until_before").search(ctx.doc.text[max(0, d.start - 10):d.start]))


def announced_date(ctx: "Ctx") -> str | None:
    """News: the day the act was announced ('made the announcement on Thursday')."""
    text = ctx.doc.text
    filed = None  # a dateline's filing day: the announcement day when the story names no other
    for d in ctx.spans.get("dates", []):
        s, e = ctx.sentence(d.start)
        if ctx.rx("dates", "meta_date_before").search(text[max(0, d.start - 16):d.start]):
            continue  # the page's own 发布时间/Published line
        if ctx.rx("dates", "announce").search(text[s:e]) and not _is_until(ctx, d):
            if not _in_dateline(ctx, d):
                return d.label
            filed = filed or d.label
    return filed


def effective_dates(ctx: "Ctx", issued: str | None,
                    own: str | None = None) -> tuple[list[tuple[str, int, int]], dict[str, str], str | None]:
    """(effective dates with evidence offsets, clause id -> date overrides, whole-act date). A Q&A
    speaks of the act it explains by its number (`own`) or as "the announcement"."""
    text, official = ctx.doc.text, ctx.kind in ("announcement", "qa")
    dates = ctx.spans.get("dates", [])
    found: list[tuple[str, int, int]] = []
    overrides: dict[str, str] = {}
    whole: str | None = None
    for cue in ctx.spans.get("date_cues", []):
        if cue.label == "issued":
            continue
        s, e = ctx.sentence(cue.start)
        sent = text[s:e]
        if official and not ctx.rx("dates", "self_ref").search(sent) and not (ctx.kind == "qa" and (
                ctx.rx("dates", "qa_ref").search(sent) or any(r.label == own for r in ctx.within("announcements", s, e)))):
            continue  # an effective date of some other act or law the text cites
        near = [d for d in dates if s <= d.start < e and not _is_until(ctx, d)
                and (official or not (ctx.rx("dates", "said_before").search(text[max(0, d.start - 40):d.start])
                                      or _in_dateline(ctx, d)))]
        value, start, end = None, cue.start, cue.end
        if cue.label == "effective" and near:
            best = min(near, key=lambda d: min(abs(d.start - cue.end), abs(cue.start - d.end)))
            value, start, end = best.label, best.start, best.end
        elif cue.label == "publication":
            value = issued if official else announced_date(ctx)
        elif cue.label == "immediate":
            if near:
                best = min(near, key=lambda d: abs(d.start - cue.end))
                value, start, end = best.label, best.start, best.end
            else:
                value = issued if official else announced_date(ctx)
        if not value:
            continue
        refs = ctx.layout.clause_refs(sent) if official else []
        if refs:
            for ref in refs:
                overrides[ref] = value
        elif whole is None:
            whole = value
        found.append((value, start, end))
    if not official:
        for d in dates:
            before = text[max(0, d.start - 16):d.start]
            s, e = ctx.sentence(d.start)
            since = ctx.rx("dates", "since_before").search(before) and not ctx.has_cue(s, e, {"statistic"})
            if (ctx.rx("dates", "from_before").search(before) or since) and ctx.has_cue(s, e, {"control", "control_intro"}):
                found.append((d.label, d.start, d.end))
    return found, overrides, whole


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


def relations(ctx: "Ctx", own: str | None) -> tuple[list[dict], list[dict]]:
    """Relation verbs and the acts in their scope -> (relations, relation_scopes)."""
    text = ctx.doc.text
    refs = ctx.spans.get("announcements", [])
    cues = ctx.spans.get("relation_cues", [])
    merged: dict[tuple[str, str], dict] = {}
    scopes: list[dict] = []
    linked: set[tuple[str, int]] = set()  # (verb, sentence) pairs that already found their targets
    for i, cue in enumerate(cues):
        s, e = ctx.sentence(cue.start)
        scope_end = e
        unit = ctx.unit_at(cue.start)
        if unit is not None and unit.text.rstrip().endswith(("：", ":")) and e >= unit.end - 1:
            scope_end = ctx.list_end(unit)
        nxt = [c.start for c in cues[i + 1:] if c.start < scope_end and c.label != cue.label]
        scope_end = min(nxt + [scope_end])
        targets = [r for r in refs if cue.end <= r.start < scope_end and r.label != own]
        if not targets and (cue.label, s) not in linked:  # "第61号公告…暂停实施": the act before the verb
            targets = [r for r in refs if s <= r.start < cue.start and r.label != own]
        targets = [r for r in targets if not ctx.rx("dates", "acting_before").search(text[max(0, r.start - 8):r.start])]
        if not targets:
            continue
        linked.add((cue.label, s))
        untils = [d for d in ctx.spans.get("dates", []) if s <= d.start < scope_end and _is_until(ctx, d)]
        until = untils[0].label if untils and cue.label in ("suspends",) else None
        for ref in targets:
            key = (cue.label, ref.label)
            rel = merged.setdefault(key, {"type": cue.label, "target": ref.label, "until": None,
                                          "start": ref.start, "end": ref.end})
            rel["until"] = rel["until"] or until
            tail = re.sub(r"^\s*\([^)]{0,80}\)", "", text[ref.end:ref.end + 120])[:30]
            parts = ctx.layout.clause_refs(re.split(r"[,;。]", tail)[0]) if ctx.rx("dates", "clause_tail").match(tail) else []
            scopes.append({"type": cue.label, "target": ref.label, "until": until,
                           "clauses": parts or None, "start": ref.start, "end": ref.end})
    # One act suspends its targets together: when its text gives a single end date (in the body)
    # and the title or another list names more targets without it, they share that date.
    for kind in {k for k, _ in merged}:
        dates = {r["until"] for (k, _), r in merged.items() if k == kind and r["until"]}
        if len(dates) == 1:
            for (k, _), r in merged.items():
                if k == kind and not r["until"]:
                    r["until"] = next(iter(dates))
    for sc in scopes:
        sc["until"] = merged[(sc["type"], sc["target"])]["until"]
    uniq = {(sc["type"], sc["target"], tuple(sc["clauses"] or ())): sc for sc in scopes}
    return list(merged.values()), list(uniq.values())
