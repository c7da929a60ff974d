"""What an alert says: one `Summary` per change or timed/health alert, rendered as text or HTML.

Why one summary for both: the Atom entry and the notification must tell the same story (what
changed, under which act, when, which HS codes, the quote that proves it, where to read it), so
both are rendered from the same fields. The diff stage is read through pipeline.diff.api.

HTML is always built by escaping every value (`html.escape`): quotes come from web pages and may
hold markup (`<script>`). Notifications are sent as plain text (apprise then escapes for HTML
channels itself).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from pipeline.alert.outbox import Message
from pipeline.diff import api as diff_api

KIND_WORDS = {"control_code": "control code", "end_user_rule": "end-user rule", "announcement": "act"}
QUOTE_MAX = 400
ACT_ID = re.compile(r"^[A-Z]+-\d{4}-\d+$")
# Sentence ends in Chinese and English text ("1C902.a" is no sentence end: a '.' needs a space after).
SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?=\s)|\n")
# A "<" that would open a tag ("<script", "</p", "<!--"): quotes come from web pages, and a webhook
# consumer may render the plain-text body as HTML (issue 9). "<0.1%" is left alone.
TAG_OPEN = re.compile(r"<(?=\s*[A-Za-z!/?])")


def inert(text: str) -> str:
    """Plain text that no HTML renderer turns into markup: a tag-opening "<" becomes "‹"."""
    return TAG_OPEN.sub("\u2039", text)


@dataclass
class Summary:
    """The facts of one alert. `lines` are (label, value) pairs in reading order."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    quote: str | None = None
    link: str | None = None
    updated: str | None = None  # ISO 8601 timestamp (Atom <updated>)

    def text(self) -> str:
        out = [f"{label}: {value}" for label, value in self.lines]
        if self.quote:
            out.append(f"Evidence: \u201c{self.quote}\u201d")
        if self.link:
            out.append(f"Source: {self.link}")
        return "\n".join(out)

    def html(self) -> str:
        esc = html.escape
        parts = [f"<p><b>{esc(label)}:</b> {esc(value)}</p>" for label, value in self.lines]
        if self.quote:
            parts.append(f"<blockquote>{esc(self.quote)}</blockquote>")
        if self.link:
            parts.append(f'<p>Source: <a href="{esc(self.link, quote=True)}">{esc(self.link)}</a></p>')
        return "\n".join(parts)

    def message(self) -> Message:
        return Message(title=inert(self.title), body=inert(self.text()))


def _row(db: sqlite_utils.Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cur = db.execute(sql, params)
    found = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], found)) if found else None


def _json(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    if isinstance(value, (list, dict)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


LIST_WORDS = {"control_list": "export control list", "watch_list": "watch list",
              "unreliable_entity": "unreliable entity list"}


def party_phrase(change: dict[str, Any]) -> str:
    """A party change names the party: "MOFCOM-2025-13 puts Leidos on the export control list"."""
    ann, typ, subj = change.get("announcement"), change.get("type"), str(change.get("subject") or "")
    lst, _, key = subj.partition(":")
    name = change.get("party_name") or key
    where = LIST_WORDS.get(lst, lst.replace("_", " "))
    if typ == "added":
        return f"{ann} puts {name} on the {where}"
    if typ == "removed":
        return f"{ann} takes {name} off the {where}"
    if typ == "suspended":
        return f"{ann} suspends the {where} measures on {name}"
    if typ == "resumed":
        return f"{ann} resumes the {where} measures on {name}"
    if typ == "expired":
        return f"the suspension by {ann} of the {where} measures on {name} runs out"
    if typ in ("reported", "proposed"):
        source = urlsplit(str(ann)).hostname or ann
        return f"News ({source}) reports {name} on the {where}"
    return f"{ann}: {typ} {name} ({where})"


def phrase(change: dict[str, Any]) -> str:
    """One line a person reads: "MOFCOM-2025-70 suspends MOFCOM-2025-55"."""
    ann, typ, subj = change.get("announcement"), change.get("type"), change.get("subject")
    if change.get("kind") == "party":
        return party_phrase(change)
    kind = KIND_WORDS.get(change.get("kind") or "", (change.get("kind") or "").replace("_", " "))
    if typ == "added":
        return f"{ann} brings {kind} {subj} under control"
    if typ == "removed":
        return f"{ann} repeals {subj}"
    if typ == "suspended":
        return f"{ann} suspends {subj}"
    if typ == "resumed":
        return f"{ann} lifts the suspension of {subj}"
    if typ == "expired":
        return f"the suspension by {subj} runs out" if subj == ann else f"{ann}: {subj} runs out"
    if typ == "takes_effect":
        return f"{subj} takes effect"
    if typ in ("reported", "proposed") and not ACT_ID.match(str(ann or "")):
        where = urlsplit(str(ann)).hostname or ann
        verb = "reports" if typ == "reported" else "reports a plan to put"
        return f"News ({where}) {verb} {kind} {subj} under control"
    return f"{ann}: {typ} {kind} {subj}"


def source_link(db: sqlite_utils.Database, doc_ids: list[str], docs: list[dict[str, Any]]) -> str | None:
    """The canonical URL of the first document that has one (locations.url, then documents.url),
    else a stored URL from the announcement's document list, else a corpus path."""
    tables = set(db.table_names())
    for doc_id in doc_ids:
        if "locations" in tables:
            found = db.execute(
                "SELECT url FROM locations WHERE document_id = ? AND url IS NOT NULL AND url != '' "
                "ORDER BY url LIKE 'https://%' DESC, last_seen DESC LIMIT 1", [doc_id]).fetchone()
            if found:
                return found[0]
        if "documents" in tables:
            found = db.execute("SELECT url FROM documents WHERE id = ? AND url IS NOT NULL AND url != ''",
                               [doc_id]).fetchone()
            if found:
                return found[0]
    for doc in docs:
        if doc.get("url"):
            return str(doc["url"])
    for doc in docs:
        if doc.get("source"):
            return str(doc["source"])
    return None


def _doc_ids(evidence: list[Any], change: dict[str, Any], docs: list[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for item in evidence:
        if isinstance(item, dict):
            for key in ("document", "document_id"):
                if item.get(key):
                    ids.append(str(item[key]))
    for key in ("document", "document_id"):
        if change.get(key):
            ids.append(str(change[key]))
    ids += [str(d.get("document_id") or d.get("id")) for d in docs if d.get("document_id") or d.get("id")]
    return list(dict.fromkeys(ids))


def _trim(text: str, start: int, end: int) -> str:
    """At most QUOTE_MAX characters of `text`, kept around [start, end)."""
    if len(text) <= QUOTE_MAX:
        return text
    lo = max(0, min(start - QUOTE_MAX // 3, len(text) - QUOTE_MAX))
    return ("…" if lo else "") + text[lo:lo + QUOTE_MAX - 2] + "…"


def sentence_around(db: sqlite_utils.Database, doc_id: str, start: int, end: int, span: str) -> str | None:
    """The sentence of document `doc_id` holding the evidence span: a reader wants "本公告自2023年8月1日起
    正式实施" rather than "2023年8月1日". None if the stored offsets do not point at the span."""
    if "documents" not in db.table_names():
        return None
    lo = max(0, start - 300)
    found = db.execute("SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
                       [lo + 1, end - lo + 300, doc_id]).fetchone()
    window = found[0] if found else None
    s, e = start - lo, end - lo
    if not window or window[s:e] != span:
        return None
    left = max((m.end() for m in SENTENCE_END.finditer(window, 0, s)), default=0)
    after = SENTENCE_END.search(window, e)
    right = after.end() if after else len(window)
    sentence = window[left:right]
    pad = len(sentence) - len(sentence.lstrip())
    sentence = " ".join(sentence.split())
    return _trim(sentence, s - left - pad, e - left - pad)


def _quote(db: sqlite_utils.Database, evidence: list[Any]) -> str | None:
    """The quote that proves the change: the first evidence item's sentence (else its span);
    clause spans (whole paragraphs) only when nothing more specific is there."""
    items = [i for i in evidence if isinstance(i, dict) and (i.get("sentence") or i.get("text"))]
    items.sort(key=lambda i: i.get("field") == "clauses")
    for item in items:
        if item.get("sentence"):
            return _trim(" ".join(str(item["sentence"]).split()), 0, 0)
        text = str(item["text"])
        doc_id = item.get("document_id") or item.get("document")
        if doc_id and isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
            sentence = sentence_around(db, str(doc_id), item["start"], item["end"], text)
            if sentence:
                return sentence
        return _trim(" ".join(text.split()), 0, 0)
    return None


def change_summary(db: sqlite_utils.Database, change: dict[str, Any]) -> Summary:
    """Everything a reader needs about one `changes` row."""
    ann_id = change.get("announcement")
    ann = diff_api.announcement(db, ann_id)
    if change.get("kind") == "party":  # the subject line names the party as the act prints it
        change = {**change, "party_name": diff_api.party_name(db, str(change.get("subject") or ""))}
    docs = [d if isinstance(d, dict) else {"document_id": d} for d in _json((ann or {}).get("documents"), [])]
    evidence = _json(change.get("evidence"), [])
    hs_codes = _json(change.get("hs_codes"), [])
    date = change.get("date") or "undated"
    lines = [("What changed", f"{change.get('type')} \u00b7 {change.get('kind')} \u00b7 {change.get('subject')}"),
             ("Act" if ACT_ID.match(str(ann_id or "")) else "Reported by", str(ann_id))]
    if ann and ann.get("title_zh"):
        lines.append(("Title (zh)", ann["title_zh"]))
    if ann and ann.get("title_en"):
        lines.append(("Title (en)", ann["title_en"]))
    status = change.get("status")
    lines.append(("Date", f"{date} ({status})" if status else date))
    if ann and ann.get("issued"):
        effective = ", ".join(_json(ann.get("effective"), [])) or "\u2014"
        lines.append(("Issued / effective", f"{ann['issued']} / {effective}"))
    if hs_codes:
        lines.append(("HS codes", ", ".join(map(str, hs_codes))))
    if change.get("type") == "added" and change.get("new") in (0, False):
        lines.append(("Note", "an earlier act already covered this subject"))
    if change.get("news") in (1, True):
        lines.append(("Note", "reported in news, not (yet) an official act"))
    if change.get("withdrawn_run_id") is not None:
        lines.append(("Note", f"withdrawn: the records no longer show this change (run {change['withdrawn_run_id']})"))
    return Summary(
        title=f"{phrase(change)} ({date})", lines=lines, quote=_quote(db, evidence),
        link=source_link(db, _doc_ids(evidence, change, docs), docs),
        updated=change.get("detected_at"),
    )


def timed_summary(row: dict[str, Any]) -> Summary:
    """A `timed_alerts` row: its title and body were written when it fired, so they never drift."""
    payload = _json(row.get("payload"), {})
    return Summary(title=row["title"], lines=[(k, v) for k, v in payload.get("lines", [])],
                   quote=payload.get("quote"), link=row.get("link"), updated=row.get("created_at"))


def render(db: sqlite_utils.Database, alert: dict[str, Any]) -> Message:
    """outbox.Renderer: the message for one alert row."""
    ref = alert["change_id"]
    if alert.get("topic", "change") == "change":
        change = diff_api.change(db, ref)
        if change is None:
            raise LookupError(f"change {ref} is not in the changes table")
        return change_summary(db, change).message()
    row = _row(db, "SELECT * FROM timed_alerts WHERE key = ?", [ref])
    if row is None:
        raise LookupError(f"timed alert {ref} is not in the timed_alerts table")
    return timed_summary(row).message()


def announcement_link(db: sqlite_utils.Database, ann_id: str | None) -> str | None:
    """Where to read an act: the canonical URL of one of its copies, if any is stored."""
    ann = diff_api.announcement(db, ann_id)
    docs = [d if isinstance(d, dict) else {"document_id": d} for d in _json((ann or {}).get("documents"), [])]
    return source_link(db, _doc_ids([], {}, docs), docs)


def render_digest(db: sqlite_utils.Database, alerts: list[dict[str, Any]]) -> Message:
    """One message for many alert rows: a line per alert (what happened, when) with its link."""
    lines = []
    for alert in alerts:
        if alert.get("topic", "change") == "change":
            change = diff_api.change(db, alert["change_id"])
            if change is None:
                raise LookupError(f"change {alert['change_id']} is not in the changes table")
            summary = change_summary(db, change)
        else:
            row = _row(db, "SELECT * FROM timed_alerts WHERE key = ?", [alert["change_id"]])
            if row is None:
                raise LookupError(f"timed alert {alert['change_id']} is not in the timed_alerts table")
            summary = timed_summary(row)
        lines.append(f"- {summary.title}" + (f"\n  {summary.link}" if summary.link else ""))
    title = f"exportwatch: {len(alerts)} alert{'s' if len(alerts) != 1 else ''}"
    return Message(title=inert(title), body=inert("\n".join(lines)))
