"""The whole diff core in one call: inputs -> acts, measures, timeline, changes, discrepancies.

Why recompute everything each time: acts, measures and the timeline depend on every current
document together (a new act can suspend an old one, a replaced page can drop a subject), and the
whole computation is milliseconds for thousands of records. Only the *storage* of changes is
incremental (insert-if-new by id), which is what idempotence and "alert once" need.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from pipeline.diff.acts import Act, merge_acts
from pipeline.diff.changes import act_changes, mark_new, news_changes
from pipeline.diff.inputs import DocInput
from pipeline.diff.measures import Measure, build_measures, discrepancies
from pipeline.diff.timeline import Timeline, build_timeline
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
    # lean (pipeline.diff.stream.StoredAnalysis): no inputs, acts or changes; the timeline, and the
    # measures read back from the tables the stage wrote
    lean: bool = False

    def iter_measures(self, *, evidence: bool = False) -> Iterator[Measure]:
        """Every measure in act order (a stored analysis reads them from the database one by one;
        `evidence`: it must load theirs too)."""
        return iter(self.measures)

    def measures_of(self, act_id: str) -> list[Measure]:
        # indexed once (a scan per act was quadratic in the corpus); rebuilt if the list is replaced
        index = self.__dict__.get("_measures_by_act")
        if index is None or index[0] is not self.measures or index[1] != len(self.measures):
            by_act: dict[str, list[Measure]] = {}
            for m in self.measures:
                by_act.setdefault(m.announcement, []).append(m)
            index = self.__dict__["_measures_by_act"] = (self.measures, len(self.measures), by_act)
        return list(index[2].get(act_id, []))


def analyse(inputs: list[DocInput], items: list[dict[str, Any]] | None = None) -> Analysis:
    """Pure: the same inputs always give the same analysis (no clock, no database)."""
    acts = merge_acts(inputs)
    measures = build_measures(acts, items)
    timeline = build_timeline(acts)
    mark_new(measures, timeline)
    return Analysis(
        inputs=inputs, acts=acts, measures=measures, timeline=timeline,
        changes=act_changes(acts, measures, timeline), news=news_changes(inputs),
        discrepancies=discrepancies(acts),
    )
