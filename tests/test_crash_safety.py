"""Crash safety (issue 9): SIGKILL `exportwatch run` at seeded random points, rerun, converge.

A reduced copy of the corpus (acts with an annex PDF, a suspension, a dated act, a news report, a
feed and a list page: every stage has work) runs once uninterrupted with a json:// receiver on
127.0.0.1; that run's duration T and its database are the reference. Then, KILLS times, a run on a
fresh database is SIGKILLed after a seeded delay (stratified over [0, T], so kills land in start-up,
ingest, the PDF child, extract, diff, alert delivery and the Atom write), and in every fifth round
the recovery run is killed too. After the final rerun the database must equal the reference table by
table (run ids and timestamps excluded), with no duplicate documents, items, changes or alerts,
every alert delivered (receiver, deduplicated by Idempotency-Key, holds exactly the database's
keys), `PRAGMA integrity_check` ok and the same Atom entries.

Exactly-once delivery under kills that land *inside* a send is tested more finely by
tests/test_alert_kill.py (slowed sends); this test is about the whole pipeline converging.

EXPORTWATCH_CRASH_KILLS (default 20) and EXPORTWATCH_CRASH_CORPUS=full (default: reduced) scale it.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from alert_helpers import HookReceiver
from reliability_helpers import ROOT, atom_ids, command, diff_tables, dump, duplicates, make_corpus, scalar

KILLS = int(os.environ.get("EXPORTWATCH_CRASH_KILLS", "20"))
SEED = 20251009


@pytest.fixture
def receiver():
    hook = HookReceiver()
    yield hook
    hook.stop()


def test_sigkill_at_random_points_then_rerun_converges(tmp_path: Path, receiver: HookReceiver) -> None:
    from pipeline.extract.build import load, pipeline_version

    load("zh"), load("en")  # a stale model is rebuilt here, not inside the timed reference run
    version = pipeline_version()
    corpus = make_corpus(tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EXPORTWATCH_NOTIFY": receiver.url}
    env.pop("EXPORTWATCH_TEST_SLOW_SEND", None)

    def run(db: Path) -> None:
        done = subprocess.run(command(corpus, db), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]

    # Reference: one uninterrupted run; a second one on another fresh database is timed (warm
    # caches, like the runs that follow) and must give the same content (the comparison is sound).
    ref_db = tmp_path / "ref" / "exportwatch.db"
    run(ref_db)
    ref = dump(ref_db)
    assert ref["changes"] and ref["alerts"] and ref["items"], "the reduced corpus must exercise every stage"
    assert set(receiver.unique) == {k for (k,) in sqlite3.connect(ref_db).execute("SELECT idempotency_key FROM alerts")}
    ref_atom = atom_ids(ref_db)
    # The kill points are spread over the run's duration: the faster of two warm runs, so that a
    # run slowed by a busy machine does not push kill points past the end of the runs that follow
    durations = []
    for n in (1, 2):
        receiver.reset()
        t0 = time.monotonic()
        run(tmp_path / f"timing{n}" / "exportwatch.db")
        durations.append(time.monotonic() - t0)
        assert not diff_tables(dump(tmp_path / f"timing{n}" / "exportwatch.db"), ref), "two clean runs differ"
    duration = min(durations)

    rnd = random.Random(SEED)
    kills = rounds_killed = 0
    resent = 0
    for i in range(KILLS):
        receiver.reset()
        db = tmp_path / f"kill{i:02d}" / "exportwatch.db"
        # Stratified: round i kills somewhere in the i-th slice of [0, T]; every 5th round kills the
        # recovery run as well, at a random point of its own.
        delays = [duration * (i + rnd.random()) / KILLS]
        if i % 5 == 4:
            delays.append(rnd.uniform(0, duration))
        killed_here = 0
        for delay in delays:
            proc = subprocess.Popen(command(corpus, db), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(delay)  # the seeded kill point (the only sleep: no synchronisation intended)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed_here += 1
            proc.wait()
        kills += killed_here
        rounds_killed += killed_here > 0
        run(db)

        assert scalar(db, "PRAGMA integrity_check") == "ok"
        assert scalar(db, "PRAGMA journal_mode") == "wal"
        got_version = scalar(db, "SELECT max(pipeline_version) FROM records")
        if got_version != version:
            pytest.skip(f"extract sources changed during the test ({version} -> {got_version})")
        problems = diff_tables(dump(db), ref)
        assert not problems, f"round {i} (killed after {delays}): database differs from the reference:\n" + \
            "\n".join(problems)
        dups = duplicates(db)
        assert not any(dups.values()), f"round {i}: duplicates {dups}"
        keys = {k for (k,) in sqlite3.connect(db).execute("SELECT idempotency_key FROM alerts WHERE status = 'sent'")}
        assert len(keys) == sum(ref["alerts"].values()), f"round {i}: alerts not all sent"
        assert set(receiver.unique) == keys, f"round {i}: receiver got {len(receiver.unique)} of {len(keys)} alerts"
        assert receiver.raw_count - len(receiver.unique) <= killed_here, "at most one resend per kill"
        resent += receiver.raw_count - len(receiver.unique)
        assert atom_ids(db) == ref_atom, f"round {i}: Atom feed entries differ"
    print(f"\ncrash safety: reference run {duration:.1f} s, {len(ref_atom) - 1} feed entries, "
          f"{sum(ref['alerts'].values())} alerts; {kills} SIGKILLs in {rounds_killed}/{KILLS} rounds, "
          f"all converged; {resent} alert(s) re-sent after a crash (deduplicated by key)")
    assert rounds_killed >= 0.75 * KILLS, "most kills must land while the run is still going"
    # Children of killed runs (the PDF parse child, extract workers) must not outlive them for long.
    deadline = time.monotonic() + 30
    while left := processes_mentioning(str(tmp_path)):
        assert time.monotonic() < deadline, f"processes left behind by killed runs: {left}"
        time.sleep(0.1)


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in args and cmdline.parent.name != str(os.getpid()):
            found.append(f"{cmdline.parent.name}: {args[:200]}")
    return found
