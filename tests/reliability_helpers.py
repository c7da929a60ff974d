"""Shared by the reliability tests (crash safety, concurrency, safe output): a reduced corpus
copy that exercises every stage, the `exportwatch run` command line, and table dumps that leave out
run ids and timestamps so two histories can be compared."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TODAY = "2026-11-28"
REDUCED = [
    "site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805262.pdf",  # No. 61 annex (PDF child)
    "site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_2715f48e177aa7dc3d356bae8fada586.html",  # No. 61
    "site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_496877fa93e8e7cdcf7c128f0e531340.html",  # No. 62
    "site/www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_e5d133ba529e782f06c0f12a93762117.html",  # No. 70 suspends
    "site/www.mofcom.gov.cn/article/zwgk/gkzcfb/202307/20230703419666.shtml",  # 2023 No. 23, takes effect
    "site/news.example.org/2025/12/04/china-grants-first-general-licences-rare-earth-magnet-exports.html",
    "site/news.example.org/feed.xml",
    "site/www.mofcom.gov.cn/zwgk/zcfb/index.html",
]
# Columns that legitimately differ between an interrupted and an uninterrupted history.
VOLATILE = re.compile(r"(^|_)run_id$|_at$|^first_seen$|^last_seen$|^attempts$|^last_error$|^started$|^ended$")
COMPARED = ["blobs", "documents", "locations", "records", "mentions", "items", "evidence", "announcements",
            "measures", "changes", "discrepancies", "state_today", "alerts", "alert_channels", "timed_alerts",
            "evidence_sentences", "hs_code_index", "documents_fts", "evidence_fts", "items_fts"]
# Not compared: caches keyed on run-dependent fingerprints (diff_cache, timed_state), serve_meta, runs.
NATURAL_KEYS = {
    "documents": "id", "locations": "source", "records": "document_id",
    "items": "document_id, \"start\", \"end\", control_code, name",
    "changes": "announcement, type, kind, subject, date", "alerts": "change_id, channel_id",
    "measures": "announcement, kind, subject", "timed_alerts": "key",
}


def make_corpus(dest: Path) -> Path:
    if os.environ.get("EXPORTWATCH_CRASH_CORPUS") == "full":
        shutil.copytree(CORPUS / "site", dest / "site")
        return dest
    for rel in REDUCED:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, dest / rel)
    return dest


def command(corpus: Path, db: Path, *extra: str) -> list[str]:
    """`exportwatch run` on CORPUS into DB (default: waits up to 30 s for a previous run's lock)."""
    return [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--db", str(db), "--today", TODAY,
            "-q", *(extra or ("--wait", "30"))]


def dump(db: Path) -> dict[str, Counter]:
    """Every compared table as a multiset of rows without volatile columns."""
    out: dict[str, Counter] = {}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in COMPARED:
            if table not in tables:
                continue
            cols = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")') if not VOLATILE.search(c[1])]
            sql = f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)} FROM "{table}"'
            out[table] = Counter(conn.execute(sql).fetchall())
    return out


def duplicates(db: Path) -> dict[str, int]:
    found = {}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for table, key in NATURAL_KEYS.items():
            n = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} GROUP BY {key} HAVING count(*) > 1)")
            found[table] = n.fetchone()[0]
    return found


def scalar(db: Path, sql: str):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchone()[0]


def atom_ids(db: Path) -> set[str]:
    return set(re.findall(r"<id>([^<]+)</id>", (db.parent / "alerts.atom").read_text(encoding="utf-8")))


def diff_tables(got: dict[str, Counter], want: dict[str, Counter]) -> list[str]:
    problems = []
    for table in sorted(set(got) | set(want)):
        g, w = got.get(table, Counter()), want.get(table, Counter())
        if g != w:
            problems.append(f"{table}: {sum((g - w).values())} extra row(s) e.g. {list((g - w))[:1]}, "
                            f"{sum((w - g).values())} missing e.g. {list((w - g))[:1]}")
    return problems
