"""Every name printed for every listed party, searched for one name or for a whole file of them.

Why an index of keys: a listing prints a party once per language and alias, and a customer file
holds thousands of names. Keys are made once (names.key); one name is compared with all of them
by rapidfuzz's C++ loops (process.extract), a file by process.cdist in chunks (all cores), then
the few candidates above the pre-filter pass the match rule. A party is reported once per query,
with the best of its names.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.screen import names

CHUNK = 512  # queries per cdist call: a chunk x 20,000 keys of uint8 scores stays ~10 MB


@dataclass
class Match:
    query: str
    score: float
    matched_name: str
    party: dict[str, Any]

    def row(self) -> dict[str, Any]:
        p = self.party
        return {"query": self.query, "score": round(self.score, 1), "name": p["name"], "matched_name": self.matched_name,
                "list": p["list"], "status": p["status"], "announcement": p["announcement"], "listed_on": p["issued"],
                "since": p["since"], "until": p["until"], "country": p["country"], "evidence": p["evidence"],
                "url": p["url"]}


class Index:
    def __init__(self, parties: list[dict[str, Any]], rule: names.Rule | None = None):
        self.parties = parties
        self.rule = rule or names.rule()
        self.keys: list[str] = []
        self.owner: list[tuple[int, str]] = []  # key index -> (party index, the name as printed)
        for i, p in enumerate(parties):
            seen = set()
            for n in [p["name"], *p.get("names", [])]:
                k = names.key(n)
                if k and k not in seen:
                    seen.add(k)
                    self.keys.append(k)
                    self.owner.append((i, n))

    def _collect(self, query: str, qkey: str, hits: Iterable[tuple[int, float]], country: str | None) -> list[Match]:
        best: dict[int, Match] = {}
        for j, s in hits:
            k = self.keys[j]
            s = names.score(qkey, k) if s < self.rule.min_score else s
            if not names.accepted(qkey, k, s, self.rule):
                continue
            i, printed = self.owner[j]
            p = self.parties[i]
            if country and p.get("country") and p["country"] != country:
                continue
            if i not in best or s > best[i].score:
                best[i] = Match(query, float(s), printed, p)
        return sorted(best.values(), key=lambda m: (-m.score, m.party["announcement"], m.party["name"]))

    def search(self, query: str, country: str | None = None) -> list[Match]:
        """The listed parties `query` names, best first."""
        qkey = names.key(query)
        if not qkey or not self.keys:
            return []
        cutoff = self.rule.prefilter_score
        found: dict[int, float] = {}
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            for _k, s, j in process.extract(qkey, self.keys, scorer=scorer, score_cutoff=cutoff, limit=None):
                found[j] = max(found.get(j, 0.0), s)
        return self._collect(query, qkey, found.items(), country)

    def search_many(self, queries: list[tuple[str, str | None]]) -> list[list[Match]]:
        """`search` for each (name, country), the comparisons done in bulk."""
        out: list[list[Match]] = []
        cutoff = int(self.rule.prefilter_score)
        for start in range(0, len(queries), CHUNK):
            chunk = queries[start:start + CHUNK]
            qkeys = [names.key(q) for q, _ in chunk]
            if not self.keys:
                out.extend([] for _ in chunk)
                continue
            scores = process.cdist(qkeys, self.keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1)
            np.maximum(scores, process.cdist(qkeys, self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff,
                                             dtype=np.uint8, workers=-1), out=scores)
            for row, ((query, country), qkey) in enumerate(zip(chunk, qkeys)):
                if not qkey:
                    out.append([])
                    continue
                cols = np.flatnonzero(scores[row])
                out.append(self._collect(query, qkey, ((int(j), float(scores[row, j])) for j in cols), country))
        return out
