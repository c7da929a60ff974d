"""The diff stage one act at a time, so its memory does not grow with the corpus.

`analyse` (the pure core) holds every current record at once: fine for tests and gold files, but a
10,000-document corpus then needs hundreds of MB. Here the same functions run per act, read from
SQL: the copies of one act -> its merged act, measures (with evidence), discrepancies, the dates
it takes effect -> measures written -> copies dropped. Across acts only what the cross-act logic
needs is kept (a *lean* `Analysis`): acts without text or evidence of their copies (relations,
dates, titles, document list; `Act.effect_dates`), measures without evidence (mark_new, the state
on a date), the timeline. The evidence of `added` changes and of state_today rows is read back
from the measures just written; news changes are built one article at a time. The result is the
same tables, row for row, as `save_analysis(analyse(...))`.
"""
from __future__ import annotations

import json
import zlib
from typing import Any, Callable, Iterator

import sqlite_utils

from pipeline.diff.acts import Act, link_citations, merge_act
from pipeline.diff.analysis import Analysis
from pipeline.diff.changes import _dedupe, act_changes, effect_dates, mark_new, news_changes, sort_key
from pipeline.diff.inputs import DocInput, act_sort_key
from pipeline.diff.measures import ItemIndex, Measure, act_measures, discrepancies
from pipeline.diff.timeline import build_timeline
from pipeline.records import Change

CHUNK = 1000
ACT_KINDS = "AND r.kind IN ('announcement', 'qa') AND r.announcement = ?"


def act_ids(db: sqlite_utils.Database) -> list[str]:
    """Ids of the acts current documents name, in the order `merge_acts` meets them (first
    document by source): the order stubs and `cited_by` are built in."""
    if "records" not in db.table_names():
        return []
    rows = db.execute(
        """SELECT r.announcement FROM records r JOIN documents d ON d.id = r.document_id
           WHERE r.document_id IN (SELECT document_id FROM locations)
             AND r.kind IN ('announcement', 'qa') AND r.announcement IS NOT NULL AND r.announcement != ''
           ORDER BY d.source, r.document_id""")
    return list(dict.fromkeys(r[0] for r in rows))


def one_act(db: sqlite_utils.Database, act_id: str) -> tuple[Act, list[Measure]]:
    """The merged act and its measures (with evidence), from its copies alone."""
    from pipeline.diff.store import iter_inputs, load_items

    docs = [d for d in iter_inputs(db, ACT_KINDS, [act_id]) if d.announcement == act_id]
    act = merge_act(act_id, docs)
    items = load_items(db, [d.document_id for d in act.copies]) if act.copies else []
    return act, act_measures(act, ItemIndex(items))


def _slim(doc: DocInput) -> DocInput:
    """What an act's row still reads of a copy: ids, source, url, kind, lang, relevant."""
    return DocInput(document_id=doc.document_id, source=doc.source, url=doc.url,
                    record={k: doc.record.get(k) for k in ("kind", "lang", "announcement", "relevant")})


def lean_analysis(db: sqlite_utils.Database,
                  write_measures: Callable[[list[Measure]], None] | None = None) -> tuple[Analysis, dict[str, bytes]]:
    """The analysis of the current records, one act at a time; measures (with evidence) go to
    `write_measures` as each act is done and are kept without evidence. Returns the lean analysis
    and the evidence (zlib-compressed JSON) of each news change, by change key."""
    acts: dict[str, Act] = {}
    measures: list[Measure] = []
    found: list[dict[str, Any]] = []
    order = act_ids(db)
    for act_id in sorted(order, key=act_sort_key):
        act, ms = one_act(db, act_id)
        found.extend(discrepancies({act_id: act}))
        act.effect_dates = effect_dates(act)
        if write_measures:
            write_measures(ms)
        for m in ms:  # written: what the cross-act logic and the state read stays
            m.evidence, m.documents = [], []
        measures.extend(ms)
        act.copies = [_slim(d) for d in act.copies]
        act.others = [_slim(d) for d in act.others]
        acts[act_id] = act
    acts = link_citations({k: acts[k] for k in order})
    timeline = build_timeline(acts)
    mark_new(measures, timeline)
    news, evidence = news_stream(db)
    return Analysis(inputs=[], acts=acts, measures=measures, timeline=timeline, changes=act_changes(acts, measures, timeline),
                    news=news, discrepancies=found, lean=True), evidence


def news_stream(db: sqlite_utils.Database) -> tuple[list[Change], dict[str, bytes]]:
    """`news_changes` one article at a time: the changes without evidence, and their evidence
    (merged over articles as `news_changes` does) as zlib-compressed JSON by change key."""
    from pipeline.diff.store import _json, iter_inputs

    seen: dict[str, Change] = {}
    evidence: dict[str, bytes] = {}  # zlib-compressed: ~20,000 news changes at 10,000 documents
    for doc in iter_inputs(db, "AND r.kind = 'news'"):
        if not doc.is_news:
            continue
        for c in news_changes([doc]):
            if c.key in seen:
                merged = _dedupe(json.loads(zlib.decompress(evidence[c.key])) + c.evidence)
                evidence[c.key] = zlib.compress(_json(merged).encode())
            else:
                evidence[c.key] = zlib.compress(_json(_dedupe(c.evidence)).encode())
                seen[c.key] = c
            c.evidence = []
    return sorted(seen.values(), key=sort_key), evidence


def measure_evidence(db: sqlite_utils.Database, ids: list[str]) -> dict[str, str]:
    """measures.evidence (JSON) by measure id."""
    out: dict[str, str] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        out.update(db.execute("SELECT id, evidence FROM measures WHERE id IN (SELECT value FROM json_each(?))",
                              [json.dumps(chunk)]).fetchall())
    return out


def fill_state_evidence(db: sqlite_utils.Database, entries: list[dict[str, Any]]) -> None:
    """Give state entries of a lean analysis their measures' evidence (recomputed act by act)."""
    by_act: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        by_act.setdefault(e["announcement"], []).append(e)
    for act_id, group in by_act.items():
        _, ms = one_act(db, act_id)
        ev = {(m.kind, m.subject): m.evidence for m in ms}
        for e in group:
            e["evidence"] = ev.get((e["kind"], e["subject"]), e["evidence"])


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
