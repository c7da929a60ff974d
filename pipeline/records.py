"""The record types that cross stage boundaries.

Data flows one way: Raw -> Document -> Extraction -> Change -> Alert. Each stage takes one of
these and returns the next, so a stage can be tested, replaced or re-run on its own.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Raw:
    """Bytes exactly as read from disk or the network, with where they came from."""

    content: bytes
    source: str  # path relative to the corpus root, or the URL as requested
    url: str | None = None  # canonical URL (https://host/path) when known
    final_url: str | None = None  # after redirects
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None  # ISO 8601 UTC
    media_type: str | None = None  # hint from headers or file name; the parser sniffs too

    @cached_property
    def sha256(self) -> str:
        """The content's hash, computed once (ingest and the store both ask for it)."""
        return sha256(self.content)


@dataclass
class Block:
    """One structural unit of a document's clean text: `text[start:end]` is its content.

    kind: heading | paragraph | list_item | table_row | meta | title
    level: heading depth (1 = top) where known, else 0.
    """

    kind: str
    start: int
    end: int
    level: int = 0
    page: int | None = None  # PDF page number (1-based)


@dataclass
class Table:
    """A table as rows of cell strings (None for an empty or merged cell)."""

    page: int | None
    rows: list[list[str | None]]


@dataclass
class Link:
    href: str  # absolute URL as resolved against the page's URL
    text: str = ""
    date: str | None = None  # YYYY-MM-DD when the listing shows one
    rel: str = "link"  # link | detail | next | attachment | feed_item


@dataclass
class Document:
    """One parsed document. `text` is the clean text every evidence offset points into."""

    id: str  # sha256 of the raw bytes
    source: str
    media_type: str  # text/html, application/pdf, application/rss+xml, text/plain ...
    text: str = ""
    url: str | None = None
    encoding: str | None = None
    lang: str | None = None  # zh | en
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD as the page states it
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # page metadata (ArticleTitle, PubDate, 发文日期 ...)
    parser: str = ""  # name and version, e.g. "html:bs4-4.15.0/lxml-6.1.3"
    error: str | None = None  # why parsing failed; text may still hold what was recovered
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Evidence:
    """Where a value came from. `text` (the schema's name for the quote) is exactly
    `document.text[start:end]`; `sentence` is the surrounding sentence, for people reading it."""

    field: str
    value: Any
    start: int
    end: int
    text: str
    document: str | None = None  # document id
    sentence: str | None = None


@dataclass
class Change:
    """One typed change in the scope of controls (schema/extraction.md, "Change list")."""

    announcement: str
    date: str | None
    type: str  # a ChangeType
    kind: str  # a ChangeKind
    subject: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    hs_codes: list[str] = field(default_factory=list)
    new: bool | None = None  # for `added`: no earlier act covered the subject

    @property
    def key(self) -> str:
        """Stable identity of a change: the same change found twice has the same key."""
        return "|".join([self.announcement, self.type, self.kind, self.subject, self.date or ""])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DocKind(StrEnum):
    """What a document is (schema/extraction.md `kind`). Only `announcement` copies change scope."""

    ANNOUNCEMENT = "announcement"
    QA = "qa"
    NEWS = "news"
    OTHER = "other"


class ChangeType(StrEnum):
    """A change's `type` (schema "Change list"), in the order changes of one day are listed."""

    ADDED = "added"
    TAKES_EFFECT = "takes_effect"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    REMOVED = "removed"
    EXPIRED = "expired"
    REPORTED = "reported"
    PROPOSED = "proposed"


class ChangeKind(StrEnum):
    """What a change or a measure is about (schema "Change list" `kind`), in display order."""

    ELEMENT = "element"
    CONTROL_CODE = "control_code"
    TECHNOLOGY = "technology"
    END_USER_RULE = "end_user_rule"
    THRESHOLD = "threshold"
    SCOPE = "scope"
    ANNOUNCEMENT = "announcement"
    PARTY = "party"


class MeasureStatus(StrEnum):
    """A measure's status on a date (schema "State on a date")."""

    IN_FORCE = "in_force"
    PENDING = "pending"
    SUSPENDED = "suspended"
