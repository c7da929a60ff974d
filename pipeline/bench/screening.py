"""Screening speed for `make bench`: one name against 10,000 listed parties (< 50 ms), and a
10,000-row CSV (< 1 minute), on synthetic parties and customers.

Why synthetic: the bundled corpus lists a few dozen parties. The names here are made from
syllables and legal forms (seeded, so every run screens the same names), a quarter of them with a
Chinese name beside the Latin one as the acts print them; the customers are half listed names with
their legal form changed or a letter changed, half names no party bears. The index is built as
`exportwatch screen` builds it, and the CSV is read by the command's own reader.
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

SYLLABLES = ["al", "bor", "cen", "dra", "el", "fin", "gar", "hel", "ix", "jun", "kor", "lum", "mar", "nov", "or",
             "pel", "qua", "ros", "sta", "tor", "ul", "ver", "wex", "yor", "zen"]
WORDS = ["Aerospace", "Systems", "Technologies", "Dynamics", "Defense", "Engineering", "Labs", "Robotics",
         "Materials", "Electronics", "Marine", "Analytics", "Security", "Industries", "Solutions"]
FORMS = ["Inc.", "LLC", "Corporation", "Co., Ltd.", "GmbH", "AG", "a.s.", "K.K.", ""]
HANZI = "安邦创达丰广海华嘉金凯联明诺普瑞盛泰天威信雅远振智"
LISTS = ["control_list", "watch_list", "unreliable_entity"]


def synthetic_parties(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        head = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = " ".join([head] + rng.sample(WORDS, rng.randint(1, 2)))
        if name in seen:
            continue
        seen.add(name)
        form = rng.choice(FORMS)
        printed = f"{name}, {form}" if form and rng.random() < 0.5 else (f"{name} {form}".strip())
        names = [printed]
        if rng.random() < 0.25:
            names.append("".join(rng.choice(HANZI) for _ in range(rng.randint(3, 5))) + "公司")
        lst = rng.choice(LISTS)
        out.append({"measure_id": f"m{len(out)}", "announcement": f"MOFCOM-2025-{len(out) % 90 + 1}", "list": lst,
                    "subject": f"{lst}:{len(out)}", "name": names[-1] if len(names) > 1 else printed, "names": names,
                    "country": None, "lang": "en", "issued": "2025-04-09", "effective": "2025-04-10",
                    "status": "in_force", "since": "2025-04-10", "until": None, "evidence": printed, "url": None})
    return out


def customers(parties: list[dict[str, Any]], n: int, seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 2:
            out.append(" ".join("".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() for _ in range(2))
                       + " " + rng.choice(["Bakery", "Farms", "Outfitters", "Media"]))
            continue
        name = rng.choice(parties)["names"][0].split(",")[0]
        if rng.random() < 0.5:
            k = rng.randrange(1, len(name) - 1)
            name = name[:k] + ("x" if name[k] != "x" else "q") + name[k + 1:]
        out.append(name + " " + rng.choice(["Inc", "Limited", "Holdings Co.", ""]))
    return out


def screening_measure(n_parties: int = 10_000, n_rows: int = 10_000, log: Any = print) -> dict[str, Any]:
    from pipeline.screen.commands import read_names
    from pipeline.screen.index import Index

    parties = synthetic_parties(n_parties)
    t0 = time.perf_counter()
    index = Index(parties)
    build_s = time.perf_counter() - t0
    names = customers(parties, n_rows)
    one = []
    for q in names[:200]:
        t = time.perf_counter()
        index.search(q)
        one.append((time.perf_counter() - t) * 1000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        path.write_text("name\n" + "\n".join(f'"{q}"' for q in names) + "\n", encoding="utf-8")
        t = time.perf_counter()
        rows = read_names(path)
        results = index.search_many(rows)
        csv_s = time.perf_counter() - t
    matched = sum(1 for r in results if r)
    log(f"bench: screening one name against {n_parties} parties: median {statistics.median(one):.1f} ms; "
        f"{n_rows}-row CSV {csv_s:.1f} s ({matched} rows matched)")
    return {"parties": n_parties, "names_indexed": len(index.keys), "index_build_s": build_s,
            "one_name_median_ms": statistics.median(one), "one_name_p90_ms": sorted(one)[int(len(one) * 0.9)],
            "csv_rows": n_rows, "csv_seconds": csv_s, "csv_rows_matched": matched}
