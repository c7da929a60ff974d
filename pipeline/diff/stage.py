"""The diff stage: current records -> announcements, measures, changes, state_today (the one
write path), one act at a time so its memory does not grow with the corpus.

The model functions (acts.py, measures.py, intervals.py, changes.py, state.py) run per act, fed
from pipeline.extract.api: the copies of one act -> its merged act, measures (with evidence),
discrepancies, the dates it takes effect -> rows written -> the act dropped. Nothing per act,
measure or change stays in Python across acts: what the cross-act logic needs later goes to the
output tables or to TEMP tables of this connection (`diff_*`, on disk beyond SQLite's page cache):
the act rows until `cited_by` is known, the dates each act takes effect, the derived changes until
they are sorted, the ids of the current changes. Only the relations (acts that cite, suspend or
repeal others; a few hundred at 10,000 documents) are kept, for the timeline and the citation
stubs. `new`, the change list, its sort and state_today are then computed by iterating SQL cursors.
tests/test_diff_stage_model.py checks that the tables hold what `analysis.analyse` computes in
memory from the same records.

Acts, measures, discrepancies and state_today are replaced every run; changes are incremental
(inserted once by id, withdrawn when no longer derived), so a re-run on an unchanged corpus inserts
nothing and the alert stage, which pulls new change rows, alerts nobody twice. Without a `records`
table there is nothing to diff: the stage says so and leaves its tables as they are.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import sqlite_utils
from rich.progress import Progress

from pipeline.context import Context
from pipeline.diff import load, parties, tables
from pipeline.diff.acts import ISSUER_CUES, Act, merge_act
from pipeline.diff.changes import (TYPE_ORDER, _clauses_on, _dedupe, _effective_evidence, _unique, happens,
                                   news_changes, timeline_changes)
from pipeline.diff.inputs import act_sort_key
from pipeline.diff.intervals import Timeline, build_timeline
from pipeline.diff.measures import ItemIndex, Measure, act_measures, discrepancies
from pipeline.diff.state import day_of, measure_state
from pipeline.extract import api as extract_api
from pipeline.records import Change, DocKind
from pipeline.store import now, transaction

CHUNK = 1000
SORT = "d, y, n, s, t, kind, subject, seq"  # changes.sort_key in SQL; seq = first derived first
ANNOUNCEMENT_COLS = ("id", "relevant", "issuers", "title_zh", "title_en", "issued", "effective", "documents",
                     "relations", "cited_by", "seen_only_in_citations", "run_id")
# Per-run scratch tables, TEMP: private to this connection and outside the database file
TEMP_SCHEMA = [
    "CREATE TEMP TABLE diff_order (id TEXT PRIMARY KEY, pos INTEGER, y INTEGER, n INTEGER, s TEXT)",
    f"CREATE TEMP TABLE diff_acts ({', '.join(ANNOUNCEMENT_COLS)}, pos INTEGER, y INTEGER, n INTEGER, s TEXT)",
    "CREATE UNIQUE INDEX temp.diff_acts_id ON diff_acts (id)",
    "CREATE TEMP TABLE diff_effects (seq INTEGER PRIMARY KEY, act TEXT, date TEXT, clauses TEXT, evidence TEXT)",
    "CREATE TEMP TABLE diff_new (id TEXT PRIMARY KEY, new INTEGER)",
    """CREATE TEMP TABLE diff_changes (seq INTEGER PRIMARY KEY, news INTEGER, key TEXT, announcement TEXT,
        date TEXT, type TEXT, kind TEXT, subject TEXT, evidence TEXT, hs_codes TEXT, new INTEGER,
        d TEXT, y INTEGER, n INTEGER, s TEXT, t INTEGER)""",
    "CREATE INDEX temp.diff_changes_key ON diff_changes (news, key)",
    # read back in this order: an index, not a sort of every row with its evidence
    "CREATE INDEX temp.diff_changes_sort ON diff_changes (news, d, y, n, s, t, kind, subject, seq)",
    "CREATE TEMP TABLE diff_current (id TEXT PRIMARY KEY)",
]
TEMP_TABLES = ("diff_order", "diff_acts", "diff_effects", "diff_new", "diff_changes", "diff_current")


def run_stage(ctx: Context, **options: Any) -> None:
    """Recompute acts and measures from all current records; insert only new changes; refresh
    state_today for `ctx.today`."""
    tables.ensure_schema(ctx.db)
    if not extract_api.has_records(ctx.db):
        ctx.log("diff: no extraction records yet; nothing to compare")
        return
    # Same inputs (records, locations, code), same day and untouched outputs as the last diff: the
    # result would be identical, so skip it (a no-op re-run then reads no record and no text).
    fp = load.inputs_fingerprint(ctx.db)
    done = {"today": ctx.today.isoformat(), "outputs": tables.outputs_signature(ctx.db)}
    last = tables.cached_value(ctx.db, "stage", fp)
    if last and {k: last.get(k) for k in done} == done:
        for name, n in (last.get("counts") or {}).items():
            ctx.count(name, n)
        ctx.count("changes_new", 0)
        ctx.count("news_changes_new", 0)
        ctx.log("diff: inputs unchanged since the last run; nothing to recompute")
        return
    counts = write(ctx, today=ctx.today, run_id=ctx.run_id)
    ctx.count("changes_new", counts.pop("changes"))
    ctx.count("news_changes_new", counts.pop("news"))
    if not counts["discrepancies"]:
        del counts["discrepancies"]
    for name, n in counts.items():
        ctx.count(name, n)
    tables.store_value(ctx.db, "stage", fp, {**done, "outputs": tables.outputs_signature(ctx.db), "counts": counts})


def write(ctx: Context, *, today: dt.date, run_id: int | None) -> dict[str, int]:
    """Every diff table, in one transaction (foreign keys deferred: measures are written act by act,
    their announcements once every act is known). Returns counts: acts, measures, discrepancies,
    and the changes inserted `{"changes": from acts, "news": from news}`."""
    db = ctx.db
    ts = now()
    with transaction(db), Progress(console=ctx.console, disable=ctx.quiet, transient=True) as progress:
        db.execute("PRAGMA defer_foreign_keys = ON")  # (until this transaction commits)
        for table in ("state_today", "listed_parties", "measures", "discrepancies", "announcements"):
            db.execute(f"DELETE FROM {table}")
        create_temp(db)
        total = order_acts(db)
        task = progress.add_task("diff", total=total)
        done = write_acts(db, run_id, lambda: progress.advance(task))
        resolve_parties(db, done.related)
        link_stored(db, done.related, run_id)
        timeline = build_timeline({act_id: act for act_id, (_, act) in done.related.items()})
        mark_new_stored(db, timeline)
        write_state(db, timeline, today)
        derive_changes(db, timeline)
        derive_news(db)
        inserted = write_changes(db, today, run_id, ts)
        drop_temp(db)
    return {"acts": done.acts, "measures": done.measures, "discrepancies": done.discrepancies, **inserted}


def one_act(db: sqlite_utils.Database, act_id: str) -> tuple[Act, list[Measure]]:
    """The merged act and its measures (with evidence), from its copies alone."""
    docs = [d for d in load.iter_inputs(db, kinds=load.ACT_KINDS, announcement=act_id) if d.announcement == act_id]
    act = merge_act(act_id, docs)
    items = load.load_items(db, [d.document_id for d in act.copies]) if act.copies else []
    return act, act_measures(act, ItemIndex(items))


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """`items` (any iterable, e.g. a cursor) in lists of `size`."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def create_temp(db: sqlite_utils.Database) -> None:
    """Fresh scratch tables (a run that failed midway may have left some on this connection)."""
    drop_temp(db)
    for statement in TEMP_SCHEMA:
        db.execute(statement)


def drop_temp(db: sqlite_utils.Database) -> None:
    for table in TEMP_TABLES:
        db.execute(f"DROP TABLE IF EXISTS temp.{table}")


def order_acts(db: sqlite_utils.Database) -> int:
    """temp.diff_order: the acts current documents name, `pos` = the order `merge_acts` meets them
    (first document by source), which orders stubs and `cited_by`; y, n, s = act_sort_key.
    Returns how many acts."""
    ids = extract_api.announcement_ids(db, load.ACT_KINDS)
    for batch in chunks(enumerate(ids)):
        db.conn.executemany("INSERT OR IGNORE INTO temp.diff_order (id, pos, y, n, s) VALUES (?, ?, ?, ?, ?)",
                            [(act_id, pos, *act_sort_key(act_id)) for pos, act_id in batch])
    return db.execute("SELECT count(*) FROM temp.diff_order").fetchone()[0]


@dataclass
class Pass:
    """What the act-by-act pass keeps: the acts with relations (by id, in act order, with their
    `pos`), and counts for the stage's summary."""

    related: dict[str, tuple[int, Act]]
    acts: int = 0
    measures: int = 0
    discrepancies: int = 0


def write_acts(db: sqlite_utils.Database, run_id: int | None, tick: Any = lambda: None) -> Pass:
    """Each act in act_sort_key order: its measures (new unset) and discrepancies written, its
    announcement row and the dates it takes effect put in temp tables."""
    done = Pass(related={})
    cursor = db.execute("SELECT id, pos FROM temp.diff_order ORDER BY y, n, s, pos")
    for batch in chunks(cursor):
        for act_id, pos in batch:
            act, ms = one_act(db, act_id)
            tables.insert(db, "measures", (tables.measure_row(m) for m in ms))
            if any(m.kind == parties.KIND for m in ms):
                names = parties.names_of(act)
                tables.insert(db, "listed_parties", (tables.party_row(m, names.get(m.subject)) for m in ms
                                                     if m.kind == parties.KIND))
            found = discrepancies({act_id: act})
            tables.insert(db, "discrepancies", (tables.discrepancy_row(d) for d in found))
            _put_act(db, tables.announcement_row(act, run_id), pos)
            db.conn.executemany(
                "INSERT INTO temp.diff_effects (act, date, clauses, evidence) VALUES (?, ?, ?, ?)",
                [(act.id, date, tables.dumps(_clauses_on(act, date)),
                  tables.dumps(_dedupe(_effective_evidence(act, date))))
                 for date in act.effective if act.issued and date > act.issued])
            act.party_actions = parties.party_actions(act)
            if act.relations or act.party_actions:  # cross-act: the timeline and the citations read them
                done.related[act_id] = (pos, Act(id=act.id, issued=act.issued, effective=act.effective,
                                                 relations=act.relations, party_actions=act.party_actions))
            done.acts += bool(act.copies)
            done.measures += len(ms)
            done.discrepancies += len(found)
            tick()
    return done


def resolve_parties(db: sqlite_utils.Database, related: dict[str, tuple[int, Act]]) -> None:
    """`parties.resolve` over the stored measures: relations to the acts that listed the parties an
    act suspends, lifts or resumes by name (written into the act's row; acts left with no
    relation at all are dropped from `related`)."""
    acts = [act for _, act in related.values() if act.party_actions]
    if not acts:
        return
    before = {act.id: len(act.relations) for act in acts}

    def added_by(subject: str) -> list[tuple[str, str | None]]:
        return db.execute("SELECT announcement, issued FROM measures WHERE kind = ? AND subject = ? ORDER BY rowid",
                          [parties.KIND, subject]).fetchall()

    parties.resolve(acts, added_by)
    for act in acts:
        if len(act.relations) != before[act.id]:
            db.execute("UPDATE temp.diff_acts SET relations = ? WHERE id = ?",
                       [tables.dumps([r.__dict__ for r in act.relations]), act.id])
    for act_id in [k for k, (_, act) in related.items() if not act.relations]:
        del related[act_id]


def link_stored(db: sqlite_utils.Database, related: dict[str, tuple[int, Act]], run_id: int | None) -> None:
    """`link_citations` over the stored acts: cited_by of each cited act and a stub row for each act
    only cited, then the announcements in link_citations' order (act_sort_key, then `pos`)."""
    cited_by: dict[str, list[str]] = {}
    stubs: dict[str, Act] = {}
    known: set[str] = set()
    for _, act in sorted(related.values(), key=lambda p: p[0]):
        for rel in act.relations:
            target = rel.target
            if target not in known and target not in stubs:
                if db.execute("SELECT 1 FROM temp.diff_acts WHERE id = ?", [target]).fetchone():
                    known.add(target)
                else:
                    stubs[target] = Act(id=target)
            by = cited_by.setdefault(target, [])
            if act.id not in by:
                by.append(act.id)
            stub = stubs.get(target)
            if stub is not None:  # as link_citations names a stub: the first citing act's words
                stub.title_zh = stub.title_zh or rel.cited_as.get("zh")
                stub.title_en = stub.title_en or rel.cited_as.get("en")
                cited = " ".join(rel.cited_as.values())
                stub.issuers = stub.issuers or [n for n, cue in ISSUER_CUES if cue.search(cited.split("(")[0].split("（")[0])]
    last = db.execute("SELECT count(*) FROM temp.diff_order").fetchone()[0]
    for i, stub in enumerate(stubs.values()):
        _put_act(db, tables.announcement_row(stub, run_id), last + i)
    db.conn.executemany("UPDATE temp.diff_acts SET cited_by = ? WHERE id = ?",
                        [(tables.dumps(by), target) for target, by in cited_by.items()])
    cols = ", ".join(ANNOUNCEMENT_COLS)
    db.execute(f"INSERT INTO announcements ({cols}) SELECT {cols} FROM temp.diff_acts ORDER BY y, n, s, pos")


def _put_act(db: sqlite_utils.Database, row: dict[str, Any], pos: int) -> None:
    """An announcement row into temp.diff_acts, with what orders it (act_sort_key, then pos)."""
    db.execute(f"INSERT INTO temp.diff_acts ({', '.join(row)}, pos, y, n, s) VALUES ({', '.join('?' * (len(row) + 4))})",
               [*row.values(), pos, *act_sort_key(row["id"])])


def mark_new_stored(db: sqlite_utils.Database, timeline: Timeline) -> None:
    """`mark_new` over the measures table, one (kind, subject) at a time."""
    rows = db.execute("SELECT id, announcement, kind, subject, issued, clauses FROM measures ORDER BY kind, subject")
    for _, group in itertools.groupby(rows, key=lambda r: (r[2], r[3])):
        same = [(mid, ann, issued, tables.loads(clauses, []) or None) for mid, ann, _k, _s, issued, clauses in group]
        db.conn.executemany("INSERT INTO temp.diff_new (id, new) VALUES (?, ?)", [
            (mid, int(not any(o_issued and issued and o_issued < issued and not timeline.removed_by(o_ann, o_clauses, issued)
                              for _, o_ann, o_issued, o_clauses in same)))
            for mid, _a, issued, _c in same])
    db.execute("UPDATE measures SET new = (SELECT new FROM temp.diff_new WHERE diff_new.id = measures.id)")


def write_state(db: sqlite_utils.Database, timeline: Timeline, today: dt.date) -> None:
    """state_today for `today`, a measure at a time; the evidence is the measure's, as written.
    (Measures are stored in act order, kinds and subjects sorted: the order of the state.)"""
    day = day_of(today)
    for row in db.execute(f"SELECT id, {tables.MEASURE_COLS} FROM measures ORDER BY rowid").fetchall():
        e = measure_state(timeline, tables.measure_from_row(row[1:]), day)
        if e is None:
            continue
        db.execute("INSERT INTO state_today (measure_id, date, announcement, kind, subject, status, since, until, "
                   "suspended_by, hs_codes, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "(SELECT evidence FROM measures WHERE id = ?))",
                   [f"{e['announcement']}|{e['kind']}|{e['subject']}", day, e["announcement"], e["kind"],
                    e["subject"], e["status"], e["since"], e["until"], tables.dumps(e.get("suspended_by", [])),
                    tables.dumps(e["hs_codes"]), row[0]])


def _put_change(db: sqlite_utils.Database, c: Change, *, news: bool, evidence: str, hs_codes: str) -> None:
    db.execute("INSERT INTO temp.diff_changes (news, key, announcement, date, type, kind, subject, evidence, hs_codes, "
               "new, d, y, n, s, t) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [int(news), c.key, c.announcement, c.date, c.type, c.kind, c.subject, evidence, hs_codes,
                None if c.new is None else int(c.new), c.date or "9999-99-99", *act_sort_key(c.announcement),
                TYPE_ORDER.index(c.type)])


def derive_changes(db: sqlite_utils.Database, timeline: Timeline) -> None:
    """`act_changes` into temp.diff_changes, in the order it builds them: added (measures),
    takes_effect (acts), then the timeline's own."""
    for mid, ann, issued, kind, subject, evidence, hs_codes, new in db.execute(
            "SELECT id, announcement, issued, kind, subject, evidence, hs_codes, new FROM measures ORDER BY rowid"):
        c = Change(ann, issued, "added", kind, subject, [], [], None if new is None else bool(new))
        _put_change(db, c, news=False, evidence=tables.dumps(_dedupe(tables.loads(evidence, []))), hs_codes=hs_codes)
    for act_id, date, clauses, evidence in db.execute(
            "SELECT act, date, clauses, evidence FROM temp.diff_effects ORDER BY seq"):
        if happens(act_id, tables.loads(clauses, None), date, timeline):
            _put_change(db, Change(act_id, date, "takes_effect", "announcement", act_id, []), news=False,
                        evidence=evidence, hs_codes="[]")
    def party_measures(act_id: str) -> list[Measure]:
        return [tables.measure_from_row(row) for row in db.execute(
            f"SELECT {tables.MEASURE_COLS} FROM measures WHERE announcement = ? AND kind = ? ORDER BY rowid",
            [act_id, parties.KIND])]

    for c in _unique(timeline_changes(timeline) + parties.changes(timeline, party_measures)):
        _put_change(db, c, news=False, evidence=tables.dumps(c.evidence), hs_codes=tables.dumps(c.hs_codes))


def derive_news(db: sqlite_utils.Database) -> None:
    """`news_changes` one article at a time into temp.diff_changes (news = 1): a change reported by
    several articles is one row whose evidence is merged as `news_changes` merges it."""
    for doc in load.iter_inputs(db, kinds=[DocKind.NEWS]):
        if not doc.is_news:
            continue
        for c in news_changes([doc]):
            old = db.execute("SELECT seq, evidence FROM temp.diff_changes WHERE news = 1 AND key = ?", [c.key]).fetchone()
            if old:
                merged = _dedupe(json.loads(old[1]) + c.evidence)
                db.execute("UPDATE temp.diff_changes SET evidence = ? WHERE seq = ?", [tables.dumps(merged), old[0]])
            else:
                _put_change(db, c, news=True, evidence=tables.dumps(_dedupe(c.evidence)),
                            hs_codes=tables.dumps(c.hs_codes))


def change_rows(db: sqlite_utils.Database, today: dt.date) -> Iterator[dict[str, Any]]:
    """The change rows in list order: the acts' changes, then the news, each sorted by
    changes.sort_key (read back from temp.diff_changes)."""
    for news in (0, 1):
        for ann, date, typ, kind, subject, evidence, hs_codes, new in db.execute(
                "SELECT announcement, date, type, kind, subject, evidence, hs_codes, new FROM temp.diff_changes "
                f"WHERE news = ? ORDER BY {SORT}", [news]):
            c = Change(ann, date, typ, kind, subject, [], [], None if new is None else bool(new))
            yield {**tables.change_row(c, news=bool(news), today=today), "evidence": evidence, "hs_codes": hs_codes}


def write_changes(db: sqlite_utils.Database, today: dt.date, run_id: int | None, ts: str) -> dict[str, int]:
    """Insert the changes whose id is new (the alert stage pulls them from there), refresh the
    others, mark as withdrawn those no longer derived. Returns how many were inserted."""
    inserted = {"changes": 0, "news": 0}
    for chunk in chunks(change_rows(db, today)):
        ids = tables.dumps([r["id"] for r in chunk])
        existing = {r[0] for r in db.execute("SELECT id FROM changes WHERE id IN (SELECT value FROM json_each(?))", [ids])}
        fresh = [{**r, "detected_run_id": run_id, "detected_at": ts} for r in chunk if r["id"] not in existing]
        tables.insert(db, "changes", fresh)
        for r in fresh:
            inserted["news" if r["news"] else "changes"] += 1
        for r in chunk:
            if r["id"] in existing:
                db.execute("UPDATE changes SET evidence = ?, hs_codes = ?, new = ?, status = ?, withdrawn_run_id = NULL "
                           "WHERE id = ?", [r["evidence"], r["hs_codes"], r["new"], r["status"], r["id"]])
        db.execute("INSERT OR IGNORE INTO temp.diff_current (id) SELECT value FROM json_each(?)", [ids])
    db.execute("UPDATE changes SET withdrawn_run_id = ? WHERE withdrawn_run_id IS NULL AND id NOT IN "
               "(SELECT id FROM temp.diff_current)", [run_id if run_id is not None else 0])
    return inserted
