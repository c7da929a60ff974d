"""Gold extraction records as diff inputs, so the diff can be checked without the extractor.

Why: the change list's gold is derived from the gold records, so running the diff core on them
separates diff errors from extraction errors. The document text (needed for scope words) is
parsed with the project's parser when it handles the file, else with a plain fallback.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.diff.inputs import DocInput
from pipeline.records import sha256


def document_text(path: Path) -> tuple[str, str | None, str | None]:
    """(text, title, published) of a corpus file: the pipeline's parser first, a fallback second."""
    raw_bytes = path.read_bytes()
    try:
        from pipeline.parse import parse
        from pipeline.records import Raw

        doc = parse(Raw(content=raw_bytes, source=path.as_posix()))
        if doc.text and not doc.error:
            return doc.text, doc.title, doc.published
    except Exception:  # noqa: BLE001 - the parser may not exist yet in a fresh tree; fall back
        pass
    if raw_bytes.startswith(b"%PDF"):
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages), None, None
    from bs4 import BeautifulSoup

    try:
        markup = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        markup = raw_bytes.decode("gb18030", errors="replace")
    soup = BeautifulSoup(markup, "lxml")
    title = soup.title.get_text(strip=True) if soup.title else None
    return soup.get_text("\n"), title, None


def gold_inputs(gold_dir: Path, corpus_root: Path | None = None) -> list[DocInput]:
    """One DocInput per gold file; `source` in gold is relative to the corpus folder (gold's parent)."""
    gold_dir = Path(gold_dir)
    corpus_root = Path(corpus_root) if corpus_root else gold_dir.parent
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        doc_path = corpus_root / record["source"]
        text = title = published = None
        doc_id = sha256(path.name.encode())
        if doc_path.exists():
            doc_id = sha256(doc_path.read_bytes())
            text, title, published = document_text(doc_path)
        out.append(DocInput(document_id=doc_id, record=record, source=record["source"], title=title,
                            text=text, published=published))
    return out
