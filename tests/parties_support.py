"""The party fixtures as a corpus and a database built by the real pipeline (shared by the
screening, FollowTheMoney, alert and browser tests)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTIES = ROOT / "tests" / "fixtures" / "parties"
DOC_SUFFIXES = (".html", ".txt", ".pdf")
TODAY = "2026-06-01"


def parties_corpus(dest: Path) -> Path:
    """dest/site/parties/<batch>/<document>: the documents of every party batch (no gold, no notes)."""
    for batch in sorted(p for p in PARTIES.iterdir() if p.is_dir()):
        out = dest / "site" / "parties" / batch.name
        out.mkdir(parents=True, exist_ok=True)
        for doc in batch.iterdir():
            if doc.suffix in DOC_SUFFIXES:
                shutil.copyfile(doc, out / doc.name)
    return dest


def build_parties_db(work: Path, notify: str | None = None) -> Path:
    """`exportwatch run` on the party fixtures (alerts to `notify`, an apprise URL, when given)."""
    db = work / "parties.db"
    corpus = parties_corpus(work / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTWATCH_NOTIFY")}
    if notify:
        env["EXPORTWATCH_NOTIFY"] = notify
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--db", str(db),
                             "--today", TODAY, "-q"], cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, f"exportwatch run failed:\n{result.stdout}\n{result.stderr}"
    return db
