"""SQL views, helper tables and full-text indexes for browsing the database with Datasette.

`prepare(db)` runs at the end of every `exportwatch run` (and before `exportwatch serve`), so the
views always match the tables the other stages wrote. It is idempotent and cheap on an unchanged
database: views are recreated only when their SQL changed, FTS indexes only when missing or
stale (triggers keep them current), the sentence cache only fills new spans, and only the small
HS-code index is rebuilt each time.

Why views rather than more tables: Datasette pages, facets, filters and the JSON API work on views
as on tables, and a view can never drift from the data it reads. Links between pages are columns
named `*_link` holding a path inside this Datasette (`/exportwatch/...`): the `links` plugin in
`plugins/` renders them as anchors; `source_url` columns hold the official page (absolute URLs,
which Datasette links by itself). Document text is never marked safe anywhere.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import sqlite_utils

from pipeline.serve import derived

DB_NAME = "exportwatch"  # the name Datasette serves the database under (see commands.py)
P = f"/{DB_NAME}"

DOC_URL = """coalesce(NULLIF({d}.url, ''), (SELECT l.url FROM locations l WHERE l.document_id = {d}.id
                      AND l.url IS NOT NULL ORDER BY l.source LIMIT 1))"""
# Correlated subqueries over JSON lists. Each uses its own alias (au_, ev_, fd_) so that it never
# shadows a `j` of the query it is pasted into.
ACT_URL = """(SELECT json_extract(au_.value, '$.url') FROM json_each(CASE WHEN json_valid({a}.documents)
              THEN {a}.documents ELSE '[]' END) au_ WHERE json_extract(au_.value, '$.url') LIKE 'http%'
              ORDER BY json_extract(au_.value, '$.kind') = 'announcement' DESC,
                       json_extract(au_.value, '$.lang') = 'zh' DESC LIMIT 1)"""
JSON_LIST = """(SELECT group_concat(jl_.value, '{sep}') FROM json_each(CASE WHEN json_valid({col}) THEN {col}
                ELSE '[]' END) jl_)"""
FIRST_SENTENCE = """(SELECT coalesce(es_.sentence, json_extract(ev_.value, '$.text'))
    FROM json_each(CASE WHEN json_valid({col}) THEN {col} ELSE '[]' END) ev_
    LEFT JOIN evidence_sentences es_ ON es_.document_id = json_extract(ev_.value, '$.document_id')
         AND es_."start" = json_extract(ev_.value, '$.start') AND es_."end" = json_extract(ev_.value, '$.end')
    ORDER BY json_extract(ev_.value, '$.field') = 'clauses', coalesce(es_.sentence_start, 1) = 0,
             CAST(ev_.key AS INTEGER) LIMIT 1)"""
FIRST_DOC = """(SELECT json_extract(fd_.value, '$.document_id') FROM json_each(CASE WHEN json_valid({col})
    THEN {col} ELSE '[]' END) fd_ WHERE json_extract(fd_.value, '$.document_id') IS NOT NULL LIMIT 1)"""
AS_OF = "coalesce((SELECT max(date) FROM state_today), date('now'))"


# Columns from other tables are correlated lookups by primary key, not joins: SQLite then reads them
# only for the rows a page shows, and a count or a facet on another column never touches them.
def rec(column: str, doc: str) -> str:
    return f"(SELECT r_.{column} FROM records r_ WHERE r_.document_id = {doc})"


def act(column: str, ann: str) -> str:
    return f"(SELECT a_.{column} FROM announcements a_ WHERE a_.id = {ann})"


def item_state(column: str) -> str:
    """The state of an item's measure: by its control code, else by its element."""
    return (f"coalesce((SELECT sc_.{column} FROM state_today sc_ WHERE sc_.measure_id = i.announcement "
            f"|| '|control_code|' || i.control_code), (SELECT se_.{column} FROM state_today se_ "
            f"WHERE se_.measure_id = i.announcement || '|element|' || i.element))")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def esc(expr: str) -> str:
    """SQL that HTML-escapes `expr` (for the Atom feed's HTML content: text stays text)."""
    out = f"coalesce(CAST({expr} AS TEXT), '')"
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        out = f"replace({out}, {_lit(char)}, {_lit(entity)})"
    return out


@dataclass
class View:
    name: str
    needs: set[str]
    select: str

    @property
    def sql(self) -> str:
        return f"CREATE VIEW {self.name} AS\n{self.select.strip()}"


VIEWS: list[View] = [
    View("current_controls", {"state_today", "announcements", "measures"}, f"""
SELECT s.announcement, s.kind, s.subject, s.status, s.since, s.until,
       {JSON_LIST.format(col='s.suspended_by', sep=', ')} AS suspended_by,
       {JSON_LIST.format(col='s.hs_codes', sep=' ')} AS hs_codes,
       CASE WHEN s.kind = 'end_user_rule' THEN substr(s.subject, 1, instr(s.subject, ':') - 1) END AS category,
       {act('issued', 's.announcement')} AS issued,
       (SELECT '{P}/measure_evidence?measure=' || m.id FROM measures m WHERE m.announcement = s.announcement
          AND m.kind = s.kind AND m.subject = s.subject LIMIT 1) AS evidence_link,
       (SELECT {ACT_URL.format(a='a')} FROM announcements a WHERE a.id = s.announcement) AS source_url,
       s.date AS as_of
FROM state_today s"""),
    View("change_timeline", {"changes", "announcements", "evidence_sentences"}, f"""
SELECT c.date, c.type, c.kind, c.subject, CASE WHEN c.news THEN NULL ELSE c.announcement END AS announcement,
       c.status,
       CASE WHEN c.news THEN 'news report' ELSE 'act' END AS origin,
       CASE WHEN c.new = 1 THEN 'new' WHEN c.new = 0 THEN 'already covered' END AS novelty,
       {JSON_LIST.format(col='c.hs_codes', sep=' ')} AS hs_codes,
       {FIRST_SENTENCE.format(col='c.evidence')} AS evidence,
       '{P}/change_evidence?change=' || c.id AS evidence_link,
       CASE WHEN NOT c.news AND EXISTS (SELECT 1 FROM announcements a WHERE a.id = c.announcement)
            THEN '{P}/document_list?announcement=' || c.announcement
            ELSE '{P}/documents/' || {FIRST_DOC.format(col='c.evidence')} END AS documents_link,
       CASE WHEN c.news THEN c.announcement
            ELSE (SELECT {ACT_URL.format(a='a')} FROM announcements a WHERE a.id = c.announcement) END AS source_url,
       c.detected_at, c.id AS change_id
FROM changes c
WHERE c.withdrawn_run_id IS NULL"""),
    View("controlled_items", {"items", "documents", "locations", "state_today", "announcements"}, f"""
SELECT i.announcement, i.element, i.control_code, i.name, i.lang,
       {JSON_LIST.format(col='i.hs_codes', sep=' ')} AS hs_codes, i.heading,
       {item_state('status')} AS status, {item_state('since')} AS since, {item_state('until')} AS until,
       {act('issued', 'i.announcement')} AS issued, i.quote,
       '{P}/items/' || i.rowid AS item_link,
       '{P}/documents/' || i.document_id AS document_link,
       (SELECT {DOC_URL.format(d='d')} FROM documents d WHERE d.id = i.document_id) AS source_url,
       i.rowid AS item_id
FROM items i
WHERE i.document_id IN (SELECT document_id FROM locations)"""),
    View("evidence_quotes", {"evidence", "documents", "locations", "records", "evidence_sentences"}, f"""
SELECT {rec('announcement', 'e.document_id')} AS announcement, e.field, e.value,
       coalesce((SELECT es.sentence FROM evidence_sentences es WHERE es.document_id = e.document_id
                   AND es."start" = e."start" AND es."end" = e."end"), e.quote) AS sentence,
       e.quote AS span, {rec('kind', 'e.document_id')} AS document_kind, {rec('lang', 'e.document_id')} AS lang,
       (SELECT d.title FROM documents d WHERE d.id = e.document_id) AS document_title,
       '{P}/evidence_detail?id=' || e.rowid AS detail_link, '{P}/documents/' || e.document_id AS document_link,
       (SELECT {DOC_URL.format(d='d')} FROM documents d WHERE d.id = e.document_id) AS source_url,
       e.rowid AS evidence_id
FROM evidence e
WHERE e.document_id IN (SELECT document_id FROM locations)"""),
    View("suspensions", {"announcements", "state_today"}, f"""
SELECT a.id AS act, json_extract(j.value, '$.type') AS relation,
       json_extract(j.value, '$.target') AS target, json_extract(j.value, '$.start') AS since,
       json_extract(j.value, '$.until') AS until,
       CASE WHEN json_extract(j.value, '$.type') != 'suspends' THEN NULL
            WHEN json_extract(j.value, '$.until') IS NULL THEN 'no end date'
            WHEN json_extract(j.value, '$.until') <= {AS_OF} THEN 'ended'
            ELSE 'ending' END AS status,
       CAST(julianday(json_extract(j.value, '$.until')) - julianday({AS_OF}) AS INTEGER) AS days_left,
       {AS_OF} AS as_of, {JSON_LIST.format(col="json_extract(j.value, '$.clauses')", sep=', ')} AS clauses,
       {FIRST_SENTENCE.format(col="json_extract(j.value, '$.evidence')")} AS evidence,
       {ACT_URL.format(a='a')} AS source_url
FROM announcements a, json_each(CASE WHEN json_valid(a.relations) THEN a.relations ELSE '[]' END) j
WHERE json_extract(j.value, '$.type') IN ('suspends', 'resumes', 'repeals')
ORDER BY json_extract(j.value, '$.until') IS NULL, json_extract(j.value, '$.until') DESC, a.id DESC, target"""),
    View("document_list", {"documents", "locations", "records"}, f"""
SELECT {rec('announcement', 'd.id')} AS announcement, {rec('kind', 'd.id')} AS kind,
       {rec('lang', 'd.id')} AS lang, {rec('relevant', 'd.id')} AS relevant,
       {rec('modality', 'd.id')} AS modality, coalesce({rec('issued', 'd.id')}, d.published) AS date,
       d.title, {DOC_URL.format(d='d')} AS source_url, d.media_type,
       CASE WHEN d.error IS NOT NULL THEN 'parse error'
            WHEN NOT EXISTS (SELECT 1 FROM records r WHERE r.document_id = d.id) THEN 'not extracted'
            ELSE 'ok' END AS problem,
       '{P}/documents/' || d.id AS document_link, d.id AS document_id, d.rowid AS doc_rowid
FROM documents d
WHERE d.id IN (SELECT document_id FROM locations)"""),
    View("document_problems", {"documents", "locations", "records"}, f"""
SELECT CASE WHEN d.error IS NOT NULL AND d.error != '' THEN 'parse error'
            WHEN trim(coalesce(d.text, '')) = '' THEN 'no text'
            WHEN r.document_id IS NULL THEN 'not extracted'
            ELSE 'parse warnings' END AS problem,
       d.error, CASE WHEN d.warnings NOT IN ('', '[]') THEN d.warnings END AS warnings,
       d.title, (SELECT group_concat(l.source, ' ') FROM locations l WHERE l.document_id = d.id) AS source,
       {DOC_URL.format(d='d')} AS source_url, d.media_type, d.parser, d.ingested_at,
       '{P}/documents/' || d.id AS document_link
FROM documents d LEFT JOIN records r ON r.document_id = d.id
WHERE d.id IN (SELECT document_id FROM locations)
  AND ((d.error IS NOT NULL AND d.error != '') OR trim(coalesce(d.text, '')) = ''
       OR r.document_id IS NULL OR coalesce(d.warnings, '[]') NOT IN ('', '[]'))
ORDER BY problem, d.ingested_at DESC"""),
    View("change_feed", {"changes", "announcements", "evidence_sentences"}, f"""
SELECT change_id AS atom_id,
       coalesce(t.announcement, 'News report') || ': ' || type || ' '
         || replace(kind, '_', ' ') || ' ' || subject || coalesce(' (' || date || ')', '') AS atom_title,
       coalesce(detected_at, date || 'T00:00:00+00:00') AS atom_updated,
       '<p><b>' || {esc('type')} || '</b> ' || {esc("replace(kind, '_', ' ')")} || ' <b>' || {esc('subject')}
         || '</b> on ' || {esc("coalesce(date, 'an unknown date')")} || ' (' || {esc('status')} || ', '
         || {esc('origin')} || ')</p>'
         || CASE WHEN a.id IS NOT NULL THEN '<p>Act: ' || {esc('t.announcement')} || ' '
              || {esc('coalesce(a.title_zh, a.title_en)')} || '</p>' ELSE '' END
         || CASE WHEN hs_codes IS NOT NULL THEN '<p>HS codes: ' || {esc('hs_codes')} || '</p>' ELSE '' END
         || CASE WHEN evidence IS NOT NULL THEN '<blockquote>' || {esc('evidence')} || '</blockquote>' ELSE '' END
         || CASE WHEN source_url IS NOT NULL THEN '<p>Source: <a href="' || {esc('source_url')} || '">'
              || {esc('source_url')} || '</a></p>' ELSE '' END
         || '<p>Extracted automatically from public texts; not an official legal edition. '
         || 'Always check the source.</p>' AS atom_content_html,
       source_url AS atom_link, date, type, kind, subject, t.announcement, status, origin
FROM change_timeline t LEFT JOIN announcements a ON a.id = t.announcement"""),
]
VIEW_NAMES = [v.name for v in VIEWS]


@dataclass
class PrepareReport:
    views: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    fts_rebuilt: list[str] = field(default_factory=list)
    hs_codes: int = 0
    sentences_added: int = 0
    seconds: float = 0.0


def _views_current(db: sqlite_utils.Database, wanted: list[View]) -> bool:
    have = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    return all(have.get(v.name) == v.sql for v in wanted) and not (set(have) & set(VIEW_NAMES)) - {
        v.name for v in wanted}


def _replace_views(db: sqlite_utils.Database, wanted: list[View]) -> None:
    for name in reversed(VIEW_NAMES):
        db.execute(f"DROP VIEW IF EXISTS {name}")
    for view in wanted:
        db.execute(view.sql)


def prepare(db: sqlite_utils.Database) -> PrepareReport:
    """Create or refresh everything Datasette reads. Safe to call any number of times."""
    started = time.perf_counter()
    report = PrepareReport()
    conn = db.conn
    if conn.in_transaction:  # never fold our writes into a caller's half-done transaction
        conn.commit()
    derived.ensure_schema(db)
    tables = set(db.table_names())
    report.fts_rebuilt = derived.ensure_fts(db, tables)  # commits on its own: outside our transaction
    tables = set(db.table_names())
    wanted = [v for v in VIEWS if v.needs <= tables]
    report.skipped = [v.name for v in VIEWS if not v.needs <= tables]
    conn.execute("BEGIN IMMEDIATE")
    try:
        derived.ensure_indexes(db, tables)
        report.hs_codes = derived.rebuild_hs_index(db, tables)
        report.sentences_added = derived.fill_sentences(db, tables)
        if not _views_current(db, wanted):
            _replace_views(db, wanted)
        report.views = [v.name for v in wanted]
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    report.seconds = time.perf_counter() - started
    return report


def checkpoint(db: sqlite_utils.Database) -> bool:
    """Fold the WAL into the main file. Datasette opens the file immutable (`-i`), which ignores
    the -wal file, so anything still only in the WAL would be invisible. True when complete."""
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy
