"""The change list from gold records: exact agreement with the gold change list, and the rules
behind it (merging copies, `new`, scope words, takes_effect under suspension, news kept apart)."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import dev_path
from diff_support import act_input, by_act, gold_change_keys, inputs, keys

from pipeline.diff.analysis import analyse
from pipeline.diff.changes import change_id
from pipeline.diff.gold import gold_inputs


def test_gold_records_give_the_gold_change_list_exactly():
    a = analyse(inputs())
    assert keys(a.changes) == gold_change_keys()


def test_gold_dates_and_order_match():
    gold = json.loads((dev_path("corpus", "gold-changes.json")).read_text(encoding="utf-8"))
    a = analyse(inputs())
    dated = {(c.announcement, c.type, c.kind, c.subject): c.date for c in a.changes}
    for g in gold:
        assert dated[(g["announcement"], g["type"], g["kind"], g["subject"])] == g["date"], g
    dates = [c.date for c in a.changes]
    assert dates == sorted(dates)


def test_shared_gold_records_give_the_shared_gold_change_list():
    gold_dir = dev_path("corpus", "gold")
    a = analyse(gold_inputs(gold_dir))
    assert keys(a.changes) == gold_change_keys(dev_path("corpus", "gold-changes.json"))


def test_copies_are_merged_so_a_translation_never_adds_twice():
    a = analyse(inputs())
    added_18 = [c for c in a.changes if c.announcement == "MOFCOM-2025-18" and c.type == "added"]
    assert len(added_18) == len(keys(added_18)) == 16
    act = a.acts["MOFCOM-2025-18"]
    assert {d.lang for d in act.copies} == {"zh", "en"}
    assert [d.kind for d in act.others] == ["qa"]  # listed with the act, adds nothing
    assert not any(c.subject.startswith("civilian") for c in a.changes)  # Q&A's rule is not a change


def test_new_flag_marks_subjects_an_earlier_act_already_covered():
    a = analyse(inputs())
    flag = {(c.announcement, c.kind, c.subject): c.new for c in a.changes if c.type == "added"}
    assert flag[("MOFCOM-2025-61", "element", "Sm")] is False  # No. 18 covered samarium in April
    assert flag[("MOFCOM-2025-61", "control_code", "1C902.a")] is False
    assert flag[("MOFCOM-2025-57", "element", "Ho")] is True
    assert flag[("MOFCOM-2025-18", "element", "Sm")] is True
    assert flag[("MOFCOM-2025-61", "scope", "extraterritorial")] is True


def test_scope_words_come_from_the_act_text_with_exact_spans():
    a = analyse(inputs())
    scope = {(m.announcement, m.subject): m for m in a.measures if m.kind == "scope"}
    assert set(scope) == {("MOFCOM-2025-61", "extraterritorial"), ("MOFCOM-2025-62", "assistance")}
    texts = {d.document_id: d.text for d in a.inputs}
    for m in scope.values():
        assert m.evidence
        for ev in m.evidence:
            assert texts[ev["document_id"]][ev["start"]:ev["end"]] == ev["text"]
    # No. 62's English copy says the same thing in English: both copies carry the evidence.
    assert len(scope[("MOFCOM-2025-62", "assistance")].documents) == 2


def test_takes_effect_only_when_not_suspended_that_day():
    a = analyse(inputs())
    te = {(c.announcement, c.date) for c in a.changes if c.type == "takes_effect"}
    assert te == {("MOFCOM-2023-23", "2023-08-01")}  # 57 (11-08) and 61 (12-01) fall inside No. 70
    without_70 = [d for d in inputs() if d.announcement != "MOFCOM-2025-70"]
    te = {(c.announcement, c.date) for c in analyse(without_70).changes if c.type == "takes_effect"}
    assert te == {("MOFCOM-2023-23", "2023-08-01"), ("MOFCOM-2025-57", "2025-11-08"), ("MOFCOM-2025-61", "2025-12-01")}


def test_suspension_of_acts_without_a_copy_counts_and_makes_stubs():
    a = analyse(inputs())
    suspended = {c.subject for c in a.changes if c.type == "suspended"}
    assert {"MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-58"} <= suspended
    stub = a.acts["MOFCOM-2025-55"]
    assert stub.seen_only_in_citations and stub.cited_by == ["MOFCOM-2025-70"]
    assert not a.acts["MOFCOM-2025-61"].seen_only_in_citations


def test_one_expired_per_suspension_end_even_with_six_targets():
    a = analyse(inputs())
    expired = [c for c in a.changes if c.type == "expired"]
    assert [(c.announcement, c.subject, c.date) for c in expired] == [("MOFCOM-2025-70", "MOFCOM-2025-70", "2026-11-10")]


def test_extended_suspension_does_not_expire():
    items = inputs() + [act_input("MOFCOM-2026-90", "2026-11-01", relations=[
        {"type": "amends", "target": "MOFCOM-2025-70", "until": "2027-11-10"}])]
    a = analyse(items)
    assert [(c.announcement, c.date) for c in a.changes if c.type == "expired"] == [("MOFCOM-2025-70", "2027-11-10")]


def test_news_is_kept_apart_and_never_changes_acts():
    a = analyse(inputs())
    assert a.news and {c.type for c in a.news} <= {"reported", "proposed"}
    assert not {c.type for c in a.changes} & {"reported", "proposed"}
    assert analyse([d for d in inputs() if d.kind != "news"]).changes == a.changes


def test_discrepancy_between_zh_and_en_is_recorded_not_added():
    items = inputs()
    en = by_act(items, "MOFCOM-2025-18", "en")
    en.record["elements"] = [e for e in en.record["elements"] if e != "Y"]
    en.record["hs_codes"] = en.record["hs_codes"] + ["2846909999"]
    a = analyse(items)
    found = {(d["field"], tuple(d["zh_only"]), tuple(d["en_only"])) for d in a.discrepancies}
    assert found == {("elements", ("Y",), ()), ("hs_codes", (), ("2846909999",))}
    assert analyse(inputs()).discrepancies == []
    assert keys(a.changes) == gold_change_keys()  # Y still added once, by the Chinese copy


def test_change_ids_are_stable_and_distinct():
    a, b = analyse(inputs()), analyse(inputs())
    ids = [change_id(c) for c in a.changes]
    assert ids == [change_id(c) for c in b.changes]
    assert len(set(ids)) == len(ids)


def test_a_new_act_adds_exactly_its_own_changes():
    base = analyse(inputs())
    new = act_input("MOFCOM-2026-5", "2026-01-15", effective=["2026-03-01"], elements=["Nd", "Sm"],
                    control_codes=["1C915"])
    after = analyse(inputs() + [new])
    assert keys(after.changes) - keys(base.changes) == {
        ("MOFCOM-2026-5", "added", "element", "Nd"), ("MOFCOM-2026-5", "added", "element", "Sm"),
        ("MOFCOM-2026-5", "added", "control_code", "1C915"),
        ("MOFCOM-2026-5", "takes_effect", "announcement", "MOFCOM-2026-5")}
    assert keys(base.changes) <= keys(after.changes)
    flag = {(c.kind, c.subject): c.new for c in after.changes if c.announcement == "MOFCOM-2026-5" and c.type == "added"}
    assert flag == {("element", "Nd"): True, ("element", "Sm"): False, ("control_code", "1C915"): True}


def test_a_stub_takes_its_title_and_issuers_from_the_citation():
    text = "一、暂停实施商务部 海关总署公告2025年第55号（公布对超硬材料相关物项实施出口管制的决定）。"
    ref = "商务部 海关总署公告2025年第55号"
    act = act_input("MOFCOM-2025-99", "2025-12-01", text,
                    relations=[{"type": "suspends", "target": "MOFCOM-2025-55", "until": None}])
    act.relation_scopes = [{"type": "suspends", "target": "MOFCOM-2025-55", "until": None, "clauses": None,
                            "start": text.index(ref), "end": text.index(ref) + len(ref)}]
    stub = analyse([act]).acts["MOFCOM-2025-55"]
    assert stub.seen_only_in_citations
    assert stub.title_zh == "商务部 海关总署公告2025年第55号 公布对超硬材料相关物项实施出口管制的决定"
    assert stub.issuers == ["MOFCOM", "GACC"]
    [rel] = analyse([act]).acts["MOFCOM-2025-99"].relations
    assert any(e["text"] == ref for e in rel.evidence)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_input_order_does_not_matter(rnd):
    items = inputs()
    rnd.shuffle(items)
    a, b = analyse(items), analyse(inputs())
    assert [c.to_dict() for c in a.changes] == [c.to_dict() for c in b.changes]
    assert [(m.key, m.effective, m.new) for m in a.measures] == [(m.key, m.effective, m.new) for m in b.measures]
