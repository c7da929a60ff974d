"""What other stages (alert, serve, the CLI) may read of the diff stage: the change list and the
state of controls on a date, from the stored tables.

Reading the tables is cheap: `state` walks the measures table by cursor and builds the timeline from
the few acts that relate to others, so `exportwatch state` and the alert stage never hold the whole
analysis (at 10,000 documents: under 2 s and 150 MB). On a database the diff stage has not run on,
the same answers are computed in memory from the current records (`pipeline.diff.analysis`).

- `changes(db, since=, until=, include_news=, today=, as_known_on=)`: the change list, oldest first.
- `change(db, id)`, `changes_by_id(db, ids)`, `change_ids_after(db, rowid)`: rows for the alert stage.
- `announcement(db, id)`: one act's row (titles, dates, copies).
- `state_on(db, on, as_known_on=)` / `iter_state(db, on, as_known_on=)`: the state on a date.
- `listed_parties(db, on)`: every listed party with its names and its status on a date;
  `party_name(db, subject)`: how a party subject reads in a message.
- `state_of_acts(db, on, acts)`, `upcoming_events(db, today, horizon_days)`: for alerts.
- `inputs_fingerprint(db)`: changes whenever the diff's inputs change (alert bookkeeping).
- `evidence_spans(db)`: SQL selecting (document_id, start, end) of every stored evidence item.
- `matches(row, elements=, acts=, hs_prefixes=, types=)`: the filters of the CLI and the alert channels.
- `hs_lookup(db, code, on)`: the items listing an HS code, with their measure's status on a date.

`as_known_on=D`: only what acts issued by D say (an audit's "what could be known on D"); without
it, everything known now, including what later acts say about D.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Iterator

import sqlite_utils

from pipeline.diff import load, parties, state, tables
from pipeline.diff.acts import Act
from pipeline.diff.analysis import Analysis, analyse
from pipeline.diff.changes import change_id, happens, sort_key, timeline_changes
from pipeline.diff.inputs import iso
from pipeline.diff.intervals import Timeline, build_timeline
from pipeline.diff.measures import Measure
from pipeline.records import Change, ChangeType

inputs_fingerprint = load.inputs_fingerprint
has_tables = tables.has_tables


def ensure_reader_indexes(db: sqlite_utils.Database) -> None:
    """The indexes readers of the diff's tables need at 10,000 documents (facets, act lookups)."""
    for statement in tables.READER_INDEXES:
        db.execute(statement)


class StoredState:
    """A state.StateSource over the diff stage's tables (measures read by cursor)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.timeline: Timeline = build_timeline(self.related_acts())

    def related_acts(self) -> dict[str, Act]:
        return tables.related_acts(self.db)

    def issued(self) -> dict[str, str | None]:
        return dict(self.db.execute("SELECT id, issued FROM announcements").fetchall())

    def iter_measures(self, *, evidence: bool = False) -> Iterator[Measure]:
        for row in self.db.execute(f"SELECT {tables.MEASURE_COLS}, {'evidence' if evidence else 'NULL'} "
                                   "FROM measures ORDER BY rowid"):
            yield tables.measure_from_row(row[:-1], tables.loads(row[-1], []))

    def measures_of(self, act_id: str) -> list[Measure]:
        return [tables.measure_from_row(row) for row in self.db.execute(
            f"SELECT {tables.MEASURE_COLS} FROM measures WHERE announcement = ? ORDER BY rowid", [act_id])]

    def taking_effect(self, lo: str, hi: str) -> list[tuple[str, str]]:
        """From the change list: it holds exactly the takes_effect changes of the current acts."""
        return self.db.execute(
            "SELECT c.announcement, c.date FROM changes c JOIN announcements a ON a.id = c.announcement "
            "WHERE c.type = 'takes_effect' AND c.news = 0 AND c.withdrawn_run_id IS NULL AND c.date > ? AND c.date <= ? "
            "ORDER BY a.rowid, c.date", [lo, hi]).fetchall()


class InMemory:
    """A StateSource over an in-memory Analysis, with the same extra reads as StoredState."""

    def __init__(self, a: Analysis) -> None:
        self.a = a
        self.timeline = a.timeline

    def related_acts(self) -> dict[str, Act]:
        return {k: act for k, act in self.a.acts.items() if act.relations}

    def issued(self) -> dict[str, str | None]:
        return {k: act.issued for k, act in self.a.acts.items()}

    def iter_measures(self, *, evidence: bool = False) -> Iterator[Measure]:
        return self.a.iter_measures(evidence=evidence)

    def measures_of(self, act_id: str) -> list[Measure]:
        return self.a.measures_of(act_id)

    def taking_effect(self, lo: str, hi: str) -> list[tuple[str, str]]:
        return self.a.taking_effect(lo, hi)


class KnownOn:
    """What the acts issued on or before `day` say: later acts (their measures, suspensions,
    repeals) are left out, as they could not be known on that day."""

    def __init__(self, source: StoredState | InMemory, day: str) -> None:
        self.source, self.day = source, day
        self.acts = {k for k, issued in source.issued().items() if issued and issued <= day}
        self.timeline = build_timeline({k: a for k, a in source.related_acts().items() if k in self.acts})

    def iter_measures(self, *, evidence: bool = False) -> Iterator[Measure]:
        return (m for m in self.source.iter_measures(evidence=evidence) if m.announcement in self.acts)

    def measures_of(self, act_id: str) -> list[Measure]:
        return self.source.measures_of(act_id) if act_id in self.acts else []

    def taking_effect(self, lo: str, hi: str) -> list[tuple[str, str]]:
        return [(a, d) for a, d in self.source.taking_effect(lo, hi) if a in self.acts]


def _source(db: sqlite_utils.Database, as_known_on: dt.date | str | None = None) -> Any:
    src: Any = StoredState(db) if tables.has_tables(db) else InMemory(analyse(load.load_inputs(db), load.load_items(db)))
    return KnownOn(src, state.day_of(as_known_on)) if as_known_on else src


def iter_state(db: sqlite_utils.Database, on: dt.date | str, *,
               as_known_on: dt.date | str | None = None) -> tuple[Iterator[dict[str, Any]], list[dict[str, Any]]]:
    """(the state's measure entries one at a time in state order, with evidence; the suspensions
    ended by `on`): for writing a large state without holding it."""
    src = _source(db, as_known_on)
    day = state.day_of(on)
    return state.iter_state(src, day, evidence=True), state.ended(src, "0000-00-00", day, day)


def state_on(db: sqlite_utils.Database, on: dt.date | str, *,
             as_known_on: dt.date | str | None = None) -> dict[str, Any]:
    """`{"date", "measures": [...], "suspensions_ended": [...]}` (schema "State on a date")."""
    return state.state_on(_source(db, as_known_on), on)


def state_of_acts(db: sqlite_utils.Database, on: dt.date | str, acts: Iterable[str]) -> list[dict[str, Any]]:
    """The state entries (without evidence) of the measures of `acts` only."""
    return state.state_of_acts(_source(db), on, list(acts))


def upcoming_events(db: sqlite_utils.Database, today: dt.date | str, horizon_days: int) -> list[dict[str, Any]]:
    """Measures taking effect within `horizon_days` of `today`, suspensions ending in that window,
    and suspensions that ended within the last `horizon_days` (see state.upcoming)."""
    return state.upcoming(_source(db), today, horizon_days)


# --- the change list ----------------------------------------------------------------------------

CHANGE_KEYS = ("announcement", "date", "type", "kind", "subject", "evidence", "hs_codes", "new", "status", "news",
               "id")


def _row_out(row: dict[str, Any], today: dt.date | str | None) -> dict[str, Any]:
    return {"announcement": row["announcement"], "date": row["date"], "type": row["type"], "kind": row["kind"],
            "subject": row["subject"], "evidence": tables.loads(row["evidence"], []),
            "hs_codes": tables.loads(row["hs_codes"], []), "new": None if row["new"] is None else bool(row["new"]),
            "id": row["id"], "news": bool(row["news"]),
            "status": tables.status_of(row["date"], today) if today and not row["news"] else row["status"],
            "detected_run_id": row.get("detected_run_id"), "detected_at": row.get("detected_at")}


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return sort_key(Change(row["announcement"], row["date"], row["type"], row["kind"], row["subject"]))


def changes(db: sqlite_utils.Database, *, since: str | None = None, until: str | None = None,
            include_news: bool = False, today: dt.date | str | None = None,
            as_known_on: dt.date | str | None = None) -> list[dict[str, Any]]:
    """Current (not withdrawn) changes dated in [since, until], oldest first. The stored rows when
    the diff stage has run on this database, else derived from the current records in memory
    (same fields, without detection metadata)."""
    if as_known_on:
        rows = _known_on(db, state.day_of(as_known_on), include_news)
    elif tables.has_tables(db):
        sql = "SELECT * FROM changes WHERE withdrawn_run_id IS NULL" + ("" if include_news else " AND news = 0")
        rows = [dict(r) for r in db.query(sql)]
    else:
        a = analyse(load.load_inputs(db), load.load_items(db))
        rows = [_as_row(c, news) for c, news in [(c, False) for c in a.changes] + [(c, True) for c in a.news]
                if include_news or not news]
    out = [_row_out(r, today or dt.date.today()) for r in rows
           if (not since or (r["date"] or "") >= since) and (not until or (r["date"] or "9999") <= until)]
    return sorted(out, key=_key)


def _as_row(c: Change, news: bool) -> dict[str, Any]:
    return tables.change_row(c, news=news, today=dt.date.today())


def _known_on(db: sqlite_utils.Database, day: str, include_news: bool) -> list[dict[str, Any]]:
    """The change list as the acts issued by `day` give it: their own changes (added,
    takes_effect unless suspended or repealed by an act known then, and the suspensions,
    resumptions, repeals and expiries they bring) and news published by then."""
    src = _source(db)
    known = KnownOn(src, day)
    out: list[dict[str, Any]] = []
    stored = {(r["announcement"], r["type"], r["date"]): r for r in
              (dict(x) for x in db.query("SELECT * FROM changes WHERE withdrawn_run_id IS NULL"))} \
        if tables.has_tables(db) else {}
    for m in known.iter_measures(evidence=True):
        out.append(_as_row(Change(m.announcement, m.issued, ChangeType.ADDED.value, m.kind, m.subject, m.evidence,
                                  m.hs_codes, m.new), False))
    for act_id, effective in _effective_dates(db, src, known.acts):
        if happens(act_id, None, effective, known.timeline):
            old = stored.get((act_id, ChangeType.TAKES_EFFECT.value, effective))
            evidence = tables.loads(old["evidence"], []) if old else []
            out.append(_as_row(Change(act_id, effective, ChangeType.TAKES_EFFECT.value, "announcement", act_id,
                                      evidence), False))
    out += [_as_row(c, False) for c in timeline_changes(known.timeline)]
    out += [_as_row(c, False) for c in parties.changes(known.timeline, known.measures_of)]
    if include_news:
        out += [r for r in stored.values() if r["news"] and (r["date"] or "9999") <= day]
    return out


def _effective_dates(db: sqlite_utils.Database, src: Any, acts: set[str]) -> list[tuple[str, str]]:
    """(act, date) of each effective date after the act's issue date, for `acts`."""
    if isinstance(src, InMemory):
        return [(a.id, d) for a in src.a.acts.values() if a.id in acts and a.copies
                for d in a.effective if a.issued and d > a.issued]
    return [(act_id, d) for act_id, issued, effective in db.execute(
                "SELECT id, issued, effective FROM announcements WHERE seen_only_in_citations = 0 ORDER BY rowid")
            if act_id in acts for d in tables.loads(effective, []) if issued and d > issued]


def change(db: sqlite_utils.Database, change_id_: str) -> dict[str, Any] | None:
    """One `changes` row as stored (JSON columns as text), or None."""
    if not tables.has_tables(db):
        return None
    cur = db.execute("SELECT * FROM changes WHERE id = ?", [change_id_])
    found = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], found)) if found else None


def changes_by_id(db: sqlite_utils.Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """`changes` rows by id, for these ids."""
    if not ids or not tables.has_tables(db):
        return {}
    cur = db.execute("SELECT * FROM changes WHERE id IN (SELECT value FROM json_each(?))", [tables.dumps(ids)])
    cols = [c[0] for c in cur.description]
    return {row["id"]: row for row in (dict(zip(cols, r)) for r in cur.fetchall())}


def change_heads(db: sqlite_utils.Database) -> Iterator[tuple[str, str | None, str | None]]:
    """(id, detected_at, date) of every change, by cursor (the Atom feed keeps the newest)."""
    if tables.has_tables(db):
        yield from db.execute("SELECT id, detected_at, date FROM changes")


def change_ids_after(db: sqlite_utils.Database, rowid: int) -> Iterator[tuple[int, str]]:
    """(rowid, id) of every change recorded after `rowid`, in the order recorded (rowids only grow:
    change rows are never deleted)."""
    if tables.has_tables(db):
        yield from db.execute("SELECT rowid, id FROM changes WHERE rowid > ? ORDER BY rowid", [rowid])


def last_change_rowid(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT ifnull(max(rowid), 0) FROM changes").fetchone()[0] if tables.has_tables(db) else 0


def suspended_targets(db: sqlite_utils.Database, act_id: str) -> list[str]:
    """The acts `act_id` suspends (from its suspended changes)."""
    if not tables.has_tables(db):
        return []
    return sorted({r[0] for r in db.execute(
        "SELECT subject FROM changes WHERE type = 'suspended' AND announcement = ?", [act_id])})


def announcement(db: sqlite_utils.Database, act_id: str | None) -> dict[str, Any] | None:
    """One `announcements` row (JSON columns as text), or None."""
    if not act_id or not tables.has_tables(db):
        return None
    cur = db.execute("SELECT * FROM announcements WHERE id = ?", [act_id])
    found = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], found)) if found else None


def evidence_spans() -> list[tuple[str, str, str]]:
    """(name, fingerprint SQL, SELECT of (document_id, start, end)) for every stored evidence list
    of the diff's tables (the serve stage caches the sentences around them)."""
    def spans(table: str, column: str) -> str:
        return (f"SELECT json_extract(j.value, '$.document_id'), json_extract(j.value, '$.start'), "
                f"json_extract(j.value, '$.end') FROM {table}, json_each(CASE WHEN json_valid({table}.{column}) "
                f"THEN {table}.{column} ELSE '[]' END) j")

    out = [(t, f"SELECT count(*), total(length(evidence)), max(rowid) FROM {t}", spans(t, "evidence"))
           for t in ("changes", "measures")]
    out.append(("announcements", "SELECT count(*), total(length(relations)), max(rowid) FROM announcements",
                "SELECT json_extract(e.value, '$.document_id'), json_extract(e.value, '$.start'), "
                "json_extract(e.value, '$.end') FROM announcements, json_each(CASE WHEN json_valid("
                "announcements.relations) THEN announcements.relations ELSE '[]' END) r, json_each(CASE WHEN "
                "json_valid(json_extract(r.value, '$.evidence')) THEN json_extract(r.value, '$.evidence') "
                "ELSE '[]' END) e"))
    return out


__all__ = ["matches", "hs_lookup", "StoredState", "KnownOn", "announcement", "change", "change_heads", "change_id", "change_ids_after",
           "changes", "changes_by_id", "ensure_reader_indexes", "has_tables", "evidence_spans", "inputs_fingerprint", "iso", "last_change_rowid",
           "state_of_acts", "state_on", "iter_state", "suspended_targets", "upcoming_events", "CHANGE_KEYS"]


def matches(row: dict[str, Any], *, elements: Iterable[str] = (), acts: Iterable[str] = (),
            hs_prefixes: Iterable[str] = (), types: Iterable[str] = ()) -> bool:
    """Does a change row or state entry pass these filters (each empty filter passes everything)?
    elements: symbols of element measures; acts: the act itself or the act it is about (a
    suspension of it); hs_prefixes: an HS code it lists starts with one; types: change types."""
    types, elements, acts, hs_prefixes = set(types), set(elements), set(acts), list(hs_prefixes)
    if types and row.get("type") not in types:
        return False
    if elements and not (row.get("kind") == "element" and row.get("subject") in elements):
        return False
    if acts and row.get("announcement") not in acts and row.get("subject") not in acts:
        return False
    if hs_prefixes:
        codes = ["".join(str(c).replace(".", "").split()) for c in row.get("hs_codes") or []]
        if not any(c.startswith(p) for c in codes for p in hs_prefixes):
            return False
    return True


def hs_lookup(db: sqlite_utils.Database, code: str, on: dt.date | str) -> list[dict[str, Any]]:
    """The items listing HS code `code` (or a parent or child code) with the status on `on` of the
    measure they belong to (by control code, else by element)."""
    from pipeline.extract import api as extract_api

    items = extract_api.items_with_hs(db, code)
    entries = {(e["announcement"], e["kind"], e["subject"]): e
               for e in state_of_acts(db, on, sorted({i["announcement"] for i in items if i["announcement"]}))}
    for item in items:
        e = entries.get((item["announcement"], "control_code", item["control_code"])) \
            or entries.get((item["announcement"], "element", item["element"])) or {}
        item.update(status=e.get("status"), since=e.get("since"), until=e.get("until"))
    return items


def listed_parties(db: sqlite_utils.Database, on: dt.date | str) -> list[dict[str, Any]]:
    """Every party an act listed, with every name printed for it and its status on `on`
    (in_force, pending, suspended; removed once an act lifted it; not_yet_issued before its act):
    what screening and the FollowTheMoney export read. Each row carries the first sentence of
    its evidence and the act's source URL."""
    if "listed_parties" not in db.table_names():
        return []
    day = state.day_of(on)
    src = StoredState(db)
    out: list[dict[str, Any]] = []
    for row in db.query(
            f"""SELECT lp.*, {', '.join('m.' + c.strip() for c in tables.MEASURE_COLS.split(','))}, m.evidence AS ev
                FROM listed_parties lp JOIN measures m ON m.id = lp.measure_id ORDER BY m.rowid"""):
        m = tables.measure_from_row(tuple(row[c.strip()] for c in tables.MEASURE_COLS.split(",")))
        entry = state.measure_state(src.timeline, m, day)
        evidence = tables.loads(row["ev"], [])
        first = next((e for e in evidence if e.get("sentence")), evidence[0] if evidence else {})
        status = entry["status"] if entry else ("removed" if m.issued and m.issued <= day else "not_yet_issued")
        out.append({"measure_id": row["measure_id"], "announcement": row["announcement"], "list": row["list"],
                    "subject": row["subject"], "name": row["name"], "names": tables.loads(row["names"], []),
                    "country": row["country"], "lang": row["lang"], "issued": row["issued"],
                    "effective": row["effective"], "status": status,
                    "since": entry["since"] if entry else None, "until": entry["until"] if entry else None,
                    "evidence": first.get("sentence") or first.get("text"), "url": first.get("url"),
                    "document_id": first.get("document_id")})
    return out


def announcements_of(db: sqlite_utils.Database, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{id: {title, issued, url}} of these acts (title: Chinese, else English; url of a copy)."""
    out: dict[str, dict[str, Any]] = {}
    for act_id in ids:
        row = db.execute("SELECT title_zh, title_en, issued, documents FROM announcements WHERE id = ?", [act_id]).fetchone()
        if row:
            docs = tables.loads(row[3], [])
            url = next((d.get("url") for d in docs if d.get("url")), None)
            out[act_id] = {"title": row[0] or row[1], "issued": row[2], "url": url}
    return out


def party_name(db: sqlite_utils.Database, subject: str) -> str | None:
    """How a party subject (`control_list:leidos`) reads: its name as an act printed it, with its
    Latin-script name beside a Chinese one ("莱多斯公司 (Leidos)"); None for a party no act lists."""
    if "listed_parties" not in db.table_names():
        return None
    row = db.execute("SELECT name, names FROM listed_parties WHERE subject = ? ORDER BY rowid LIMIT 1",
                     [subject]).fetchone()
    if not row:
        return None
    name, names = row[0], tables.loads(row[1], [])
    latin = next((n for n in names if n != name and n.isascii()), None)
    return f"{name} ({latin})" if latin and not name.isascii() else name

