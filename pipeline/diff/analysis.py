"""The whole diff model in one call, in memory: inputs -> acts, measures, timeline, changes.

Pure (no clock, no database): the same inputs always give the same analysis. Tests, gold files
and a database the diff stage has not run on use it directly; the diff stage (stage.py) runs the
same functions one act at a time and writes their result, so its memory does not grow with the
corpus. `Analysis` is a `state.StateSource`, so the state on a date is computed from it the same
way as from the stored tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from pipeline.diff.acts import Act, link_citations, merge_named
from pipeline.diff.changes import act_changes, mark_new, news_changes, takes_effect
from pipeline.diff.inputs import DocInput
from pipeline.diff.intervals import Timeline, build_timeline
from pipeline.diff.measures import Measure, build_measures, discrepancies
from pipeline.diff import parties
from pipeline.records import Change


@dataclass
class Analysis:
    inputs: list[DocInput]
    acts: dict[str, Act]
    measures: list[Measure]
    timeline: Timeline
    changes: list[Change]  # from acts: the schema's change list
    news: list[Change] = field(default_factory=list)  # reported / proposed, kept apart
    discrepancies: list[dict[str, Any]] = field(default_factory=list)

    def iter_measures(self, *, evidence: bool = False) -> Iterator[Measure]:
        return iter(self.measures)

    def measures_of(self, act_id: str) -> list[Measure]:
        # indexed once (a scan per act was quadratic in the corpus)
        index = self.__dict__.get("_measures_by_act")
        if index is None or index[0] != len(self.measures):
            by_act: dict[str, list[Measure]] = {}
            for m in self.measures:
                by_act.setdefault(m.announcement, []).append(m)
            index = self.__dict__["_measures_by_act"] = (len(self.measures), by_act)
        return list(index[1].get(act_id, []))

    def taking_effect(self, lo: str, hi: str) -> list[tuple[str, str]]:
        return [(act.id, c.date) for act in self.acts.values() for c in takes_effect(act, self.timeline)
                if c.date and lo < c.date <= hi]


def analyse(inputs: list[DocInput], items: list[dict[str, Any]] | None = None) -> Analysis:
    """Pure: the same inputs always give the same analysis (no clock, no database)."""
    acts = merge_named(inputs)
    measures = build_measures(acts, items)
    listed: dict[str, list[tuple[str, str | None]]] = {}
    for m in measures:
        if m.kind == parties.KIND:
            listed.setdefault(m.subject, []).append((m.announcement, m.issued))
    for act in acts.values():
        act.party_actions = parties.party_actions(act)
    parties.resolve(acts.values(), lambda subject: listed.get(subject, []))
    acts = link_citations(acts)  # after the party relations: they cite the listing acts too
    timeline = build_timeline(acts)
    mark_new(measures, timeline)
    return Analysis(
        inputs=inputs, acts=acts, measures=measures, timeline=timeline,
        changes=act_changes(acts, measures, timeline), news=news_changes(inputs),
        discrepancies=discrepancies(acts),
    )
