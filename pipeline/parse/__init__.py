"""Parse: Raw bytes -> Document. One module per format; this one only dispatches.

Every parser returns a Document, never raises for bad input: a broken file becomes a Document with
`error` set (and whatever text could be recovered), so a run records it and goes on.
"""
from __future__ import annotations

from pipeline.records import Document, Raw


def sniff_media_type(raw: Raw) -> str:
    """Guess the media type from the bytes first, then the header hint, then the file name."""
    head = raw.content[:1024].lstrip()
    lower = head.lower()
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if lower.startswith(b"<?xml") or lower.startswith(b"<rss") or lower.startswith(b"<feed"):
        if b"<rss" in lower or b"<feed" in lower or b"<rdf" in lower:
            return "application/rss+xml" if b"<feed" not in lower else "application/atom+xml"
    hint = (raw.media_type or "").split(";")[0].strip().lower()
    name = (raw.final_url or raw.url or raw.source).lower().split("?")[0]
    if hint in ("application/pdf",) or name.endswith(".pdf"):
        return "application/pdf"
    if hint in ("application/rss+xml", "application/atom+xml") or name.endswith((".xml", ".rss", ".atom")):
        return "application/rss+xml"
    if name.endswith((".txt", ".text")) or hint == "text/plain":
        return "text/plain"
    if name.endswith((".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar")):
        return "application/octet-stream"
    return "text/html"


def parse(raw: Raw) -> Document:
    """Parse one raw response or file into a Document (never raises on bad input)."""
    from pipeline import guard
    from pipeline.parse import feed, html, pdf, text

    media_type = sniff_media_type(raw)
    parser = {
        "application/pdf": pdf.parse,
        "application/rss+xml": feed.parse,
        "application/atom+xml": feed.parse,
        "text/plain": text.parse,
        "text/html": html.parse,
    }.get(media_type)
    if parser is None:
        return Document(id=raw.sha256, source=raw.source, url=raw.url, media_type=media_type,
                        parser="none", error=f"unsupported media type {media_type}: archived, not parsed")
    try:  # time and memory limits (pipeline/guard.py): PDFs in a capped child, the rest in-process
        if media_type == "application/pdf":
            return guard.run_limited(parser, (raw,), timeout_s=guard.PDF_TIMEOUT_S, memory_mb=guard.PDF_MEMORY_MB)
        with guard.time_limit(guard.PARSE_TIMEOUT_S):
            return parser(raw)
    except guard.LimitExceeded as exc:
        return Document(id=raw.sha256, source=raw.source, url=raw.url, media_type=media_type,
                        parser=getattr(parser, "__module__", "?"), error=f"parse stopped: {exc}")
    except Exception as exc:  # a parser bug must not stop the run: record it on the document
        return Document(id=raw.sha256, source=raw.source, url=raw.url, media_type=media_type,
                        parser=getattr(parser, "__module__", "?"),
                        error=f"parser crashed: {type(exc).__name__}: {exc}")
