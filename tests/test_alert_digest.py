"""Issue 14 item 5: alerts a user can live with. A digest per run and channel, per-channel filters,
run and source failures on their own operations channel (never the regulatory channels or the
Atom feed), all configured in one notification file; and the README documents it."""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from alert_helpers import EXPORTWATCH, HookReceiver, rows
from conftest import ROOT
from pipeline.alert.channels import channel_id
from reliability_helpers import make_corpus

TODAY = "2026-11-28"


@pytest.fixture
def hooks():
    made = [HookReceiver() for _ in range(3)]
    yield made
    for hook in made:
        hook.stop()


def run(args: list[str], notify_file: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTWATCH_NOTIFY")}
    env.update(PYTHONPATH=str(ROOT), EXPORTWATCH_NOTIFY_FILE=str(notify_file))
    done = subprocess.run(EXPORTWATCH + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_digest_filters_and_operations_channel(tmp_path: Path, hooks: list[HookReceiver]) -> None:
    digest, samarium, ops = hooks
    notify = tmp_path / "notify.toml"
    notify.write_text(f"""
[[channels]]
url = "{digest.url}"
digest = true

[[channels]]
url = "{samarium.url}"
elements = ["samarium"]
types = ["added"]

[operations]
urls = ["{ops.url}"]
""", encoding="utf-8")
    corpus = make_corpus(tmp_path / "corpus")
    db = tmp_path / "db" / "exportwatch.db"
    args = ["run", "--corpus", str(corpus), "--db", str(db), "--today", TODAY, "-q"]
    run(args, notify)

    # the digest channel: one message for the whole run, a line and a link per alert
    sent = rows(db, "SELECT change_id FROM alerts WHERE channel_id = ? AND status = 'sent'", (channel_id(digest.url),))
    changes = rows(db, "SELECT id FROM changes")
    assert len(changes) > 10 and len(sent) >= len(changes)
    assert digest.raw_count == 1 and len(digest.unique) == 1
    message = digest.raw[0]
    assert message["headers"]["Idempotency-Key"].startswith("ew-digest-")
    items = [line for line in message["body"].splitlines() if line.startswith("- ")]
    assert len(items) == len(sent)
    assert message["body"].count("\n  https://") >= len(changes)

    # the filtered channel: samarium additions only, one message each; the rest recorded as filtered
    titles = samarium.titles()
    assert titles and all("brings element Sm under control" in t for t in titles)
    assert len(titles) == rows(db, "SELECT count(*) FROM changes WHERE type = 'added' AND kind = 'element' "
                                   "AND subject = 'Sm'")[0][0]
    assert rows(db, "SELECT count(*) FROM alerts WHERE channel_id = ? AND status = 'filtered'",
                (channel_id(samarium.url),))[0][0] == len(changes) - len(titles)

    # operations: nothing on a healthy run; failures go there and nowhere else
    assert ops.raw_count == 0
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO runs (command, started, ended, status, counts, errors) VALUES ('update', "
                     "'2026-11-28T08:00:00+00:00', '2026-11-28T08:01:00+00:00', 'failed', '{}', "
                     "'[{\"where\": \"fetch\", \"error\": \"DNS lookup failed\"}]')")
    run(["alert", "--db", str(db), "--today", TODAY, "-q"], notify)
    assert [t for t in ops.titles() if t.startswith("exportwatch run ")] and ops.raw_count == 1
    assert "DNS lookup failed" in ops.raw[0]["body"]
    assert digest.raw_count == 1 and samarium.raw_count == len(titles), "failures stay off the regulatory channels"
    assert "exportwatch run" not in (db.parent / "alerts.atom").read_text(encoding="utf-8"), "not in the feed either"

    # a digest interrupted after transmission is resent as the same batch, with the same key
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alerts SET status = 'sending' WHERE channel_id = ?", (channel_id(digest.url),))
    run(["alert", "--db", str(db), "--today", TODAY, "-q"], notify)
    assert digest.raw_count == 2 and len(digest.unique) == 1, "same digest, same key: once at the receiver"
    assert digest.raw[1]["body"] == digest.raw[0]["body"]

    # nothing new: nobody hears anything
    before = (digest.raw_count, samarium.raw_count, ops.raw_count)
    run(args, notify)
    assert (digest.raw_count, samarium.raw_count, ops.raw_count) == before


def test_a_broken_notification_file_is_named_in_one_line(tmp_path: Path) -> None:
    from pipeline.alert.channels import NotifyConfigError, load_channels

    bad = tmp_path / "notify.toml"
    bad.write_text('[[channels]]\nurl = "json://127.0.0.1:9/x"\nelements = ["unobtainium"]\n', encoding="utf-8")
    with pytest.raises(NotifyConfigError, match="unobtainium"):
        load_channels({"EXPORTWATCH_NOTIFY_FILE": str(bad)})
    bad.write_text('[[channels]]\nurl = "json://127.0.0.1:9/x"\ndigest = "yes"\n', encoding="utf-8")
    with pytest.raises(NotifyConfigError, match="digest must be true or false"):
        load_channels({"EXPORTWATCH_NOTIFY_FILE": str(bad)})


def test_readme_documents_alert_setup() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for words in ("config/notify.toml", "EXPORTWATCH_NOTIFY", "EXPORTWATCH_NOTIFY_OPS", "json://", "mailto://",
                  "digest = true", "[operations]", "elements = ", "hs_prefixes", "exportwatch alert --test"):
        assert words in readme, f"README does not say {words!r}"
