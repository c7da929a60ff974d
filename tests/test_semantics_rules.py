"""Held-out phrasings (not in the dev corpus) for the span components: end-user rules,
technologies, thresholds and exclusions, in Chinese and English, with negation and contrast."""
from __future__ import annotations

import pytest
import spacy

from pipeline.extract.build import assemble
from pipeline.extract.semantics import FACTORIES

_PIPES: dict[str, spacy.language.Language] = {}


def run(lang: str, text: str):
    """The view tokenizer, the scan and the five semantic components; spans are view offsets."""
    if lang not in _PIPES:
        _PIPES[lang] = assemble(lang, FACTORIES)
    return _PIPES[lang](text)


def labels(doc, key: str) -> set[str]:
    return {s.label_ for s in doc.spans[key]}


END_USER = [
    ("zh", "一、禁止两用物项对美国军事用户或军事用途出口。", {"military:deny"}),
    ("zh", "二、原则上不予许可镓、锗、锑、超硬材料相关两用物项对美国出口。", {"country:deny"}),
    ("zh", "用于先进制程芯片制造的出口申请，商务部将逐案审查。", {"advanced_semiconductor:case_by_case"}),
    ("zh", "禁止向列入不可靠实体清单的外国企业出口两用物项。", {"listed_entity:deny"}),
    ("zh", "商务部将为符合条件的民用最终用户开通绿色通道，加快审批。", {"civilian:expedited"}),
    ("zh", "因抢险救灾等人道主义目的临时出口的，免于申请许可。", {"humanitarian:exempt"}),
    ("zh", "商务部鼓励出口经营者申请通用许可。", {"civilian:expedited"}),
    ("zh", "出口至美国的石墨物项须申请出口许可。", {"country:license_required"}),
    ("zh", "下列情形原则上不予许可：\n（一）出口至军事最终用户的；\n（二）用于具有潜在军事用途的人工智能研发的。",
     {"military:deny", "military_ai:deny"}),
    ("zh", "商务部受理申请后依法审查，作出准予或者不予许可的决定。", set()),
    ("zh", "出口经营者应当提交最终用户和最终用途证明。", set()),
    ("en", "Exports of dual-use items to US military end users are prohibited.", {"military:deny"}),
    ("en", "Applications involving chips at 14 nanometres or below will be reviewed case by case.",
     {"advanced_semiconductor:case_by_case"}),
    ("en", "Beijing said it would fast-track licences for European Union companies.", {"country:expedited"}),
    ("en", "Humanitarian shipments for disaster relief do not need a licence.", {"humanitarian:exempt"}),
    ("en", "Entities on the export control watch list will not be granted licences.", {"listed_entity:deny"}),
    ("en", "Exports of gallium to the United States now require a licence.", {"country:license_required"}),
    ("en", "Requests for AI with potential military applications will be assessed case-by-case.",
     {"military_ai:case_by_case"}),
    ("en", "China will issue general licences to civilian users, while military end users will be denied.",
     {"civilian:expedited", "military:deny"}),
    ("en", "Armed forces customers are barred; civilian buyers get a green channel.",
     {"military:deny", "civilian:expedited"}),
    # no rule: a decision formula, a stated goal, advice, a country that is not a destination
    ("en", "The ministry will decide whether to grant a licence after reviewing end-user and end-use certificates.",
     set()),
    ("en", "Analysts said the rules aim to prevent rare earths from being used by foreign militaries.", set()),
    ("en", "U.S. companies with mixed civilian-defense portfolios should expect case-by-case reviews.", set()),
    ("en", "The approach mirrors U.S. export policy on dual-use goods.", set()),
    ("en", "Is a licence required for exports to military users?", set()),
    # stricter end-use review of exports to a country; back-references to listed parties
    ("zh", "对石墨两用物项对美国出口，实施更严格的最终用户和最终用途审查。", {"country:case_by_case"}),
    ("en", "Stricter end-user and end-use reviews shall be applied to exports of graphite to the United States.",
     {"country:case_by_case"}),
    ("en", "Magnet exports fell 29% as stricter vetting of licence applications weighed on shipments.", set()),
    ("zh", "禁止出口经营者向上述28家美国实体出口两用物项。", {"listed_entity:deny"}),
    ("en", "Export operators are prohibited from exporting dual-use items to the above-mentioned 15 entities.",
     {"listed_entity:deny"}),
]


@pytest.mark.parametrize("lang,text,expected", END_USER)
def test_end_user_rules(lang: str, text: str, expected: set[str]) -> None:
    assert labels(run(lang, text), "end_user_rules") == expected


TECHNOLOGIES = [
    ("zh", "一、下列技术未经许可不得出口：\n1E903 石墨提纯技术；\n二、违反本公告的，依法处理。", {"smelting_separation"}),
    ("zh", "稀土冶炼分离技术和磁体制造技术出口须经商务部许可。", {"smelting_separation", "magnet_manufacturing"}),
    ("zh", "对稀土金属冶炼技术及稀土生产线的装配、调试、维修技术实施出口管制。", {"metal_smelting", "equipment"}),
    ("zh", "将使用原产于中国的开采、冶炼分离技术在境外制造的物项出口至第三国的，应当申请许可。", set()),
    ("zh", "中国稀土开采量占全球的70%，冶炼分离产能占90%。", set()),
    # an act that suspends others controls nothing of theirs ...
    ("zh", "商务部公告2025年第99号\n现将有关事项公告如下:\n暂停实施对稀土开采、冶炼分离技术的出口管制。", set()),
    # "extraction" of rare earths renders 萃取 (solvent extraction, 萃取分离): separation chemistry, not mining
    ("en", "The ministry added technologies for rare earth extraction, separation and magnet production to its "
           "export control list.", {"smelting_separation", "magnet_manufacturing"}),
    ("en", "Licences are now needed to export rare earth mining, extraction and magnet production technologies.",
     {"mining", "smelting_separation", "magnet_manufacturing"}),
    ("en", "Exporting know-how for recycling rare earth magnets now requires a licence.", {"recycling"}),
    ("en", "Technologies for the maintenance and upgrading of magnet production lines are also controlled.",
     {"equipment"}),
    ("en", "Items made abroad using Chinese rare earth mining or refining technology will need a licence.", set()),
    ("en", "China accounts for 70% of global rare earth mining and 90% of processing.", set()),
    # ... while a report lists the technologies of the acts it describes, suspended ones included (contract)
    ("en", "Beijing suspended the controls on rare earth mining and smelting technologies until November 2026.",
     {"mining", "smelting_separation"}),
    ("en", "Equipment used in mining is shipped worldwide by several firms.", set()),
    # a list header that controls items controls the technology entries among them (table rows)
    ("zh", "一、满足以下特性的物项，未经许可，不得出口：\n序号 | 物项描述\n1 | 锑金属及制品\n2 | 金锑冶炼分离技术\n"
           "二、本公告自公布之日起实施。", {"smelting_separation"}),
    ("en", "China banned the export of technology to extract and separate rare earths and to produce rare earth "
           "metals and alloy materials.", {"smelting_separation", "metal_smelting"}),
    ("en", "It would add technology for producing high-performance neodymium-iron-boron and samarium-cobalt "
           "magnets to the restricted list.", {"magnet_manufacturing"}),
]


@pytest.mark.parametrize("lang,text,expected", TECHNOLOGIES)
def test_technologies(lang: str, text: str, expected: set[str]) -> None:
    assert labels(run(lang, text), "technologies") == expected


THRESHOLDS = [
    ("zh", "含有中国原产物项且价值占比达到0.1%及以上的，须申请许可。", {"value_ratio:0.001"}),
    ("zh", "所含管制物项货值比例超过0.5%的，适用本规定。", {"value_ratio:0.005"}),
    ("zh", "价值占比达到百分之零点一的境外物项。", {"value_ratio:0.001"}),
    ("zh", "占出口物项价值的比例达到1%以上。", {"value_ratio:0.01"}),
    ("zh", "上述实体直接或者间接持股50%及以上的子公司。", set()),
    ("zh", "9月出口同比下降29%。", set()),
    ("en", "Foreign products that contain Chinese rare earths worth 0.1 percent of the value need a licence.",
     {"value_ratio:0.001"}),
    ("en", "The rule applies where Chinese content accounts for 0.1% or more of the total value.",
     {"value_ratio:0.001"}),
    ("en", "A de minimis threshold of 0.1% applies.", {"value_ratio:0.001"}),
    ("en", "Items with 25% or more Chinese content by value are covered.", {"value_ratio:0.25"}),
    ("en", "Subsidiaries owned 50 percent or more by listed entities are covered.", set()),
    ("en", "Exports fell 29% in September while prices rose 21%.", set()),
]


@pytest.mark.parametrize("lang,text,expected", THRESHOLDS)
def test_thresholds(lang: str, text: str, expected: set[str]) -> None:
    assert labels(run(lang, text), "thresholds") == expected


EXCLUSIONS = [
    ("zh", "稀土永磁电机不属于管制范围。", {"motor"}),
    ("zh", "含钕铁硼磁体的玩具不受本公告管制。", {"toy"}),
    ("zh", "手机壳、充电器等消费品无需申请出口许可。", {"phone_case", "charger", "consumer_goods"}),
    ("zh", "电机转子仍在管制范围之内。", set()),
    ("zh", "问：传感器是否属于管制范围？", set()),
    ("zh", "荧光粉不属于管制范围，但催化剂仍受管制。", {"phosphor"}),
    ("zh", "已组装的电机转子、定子，以及平板电脑支架等配件，一般不在管制范围内。", {"rotor", "stator", "accessory"}),
    ("en", "Finished consumer products such as smartphone cases and wireless chargers are not subject to the "
           "controls.", {"consumer_goods", "phone_case", "charger"}),
    ("en", "Electric motors and sensors do not need an export licence.", {"motor", "sensor"}),
    ("en", "The ministry said several downstream products fall outside the scope of the controls, including:\n"
           "- motor rotors and stators\n- catalytic converters\nThe rules took effect on Thursday.",
     {"rotor", "stator", "catalyst"}),
    ("en", "Magnets used in motors remain subject to export controls.", set()),
    ("en", "Are phone cases controlled?", set()),
    ("en", "Technologies in the public domain are not subject to the controls.", set()),
    ("en", "Rotors are not controlled, but stators still require a licence.", {"rotor"}),
    ("en", "Sensors made with terbium magnets are exported widely.", set()),
]


@pytest.mark.parametrize("lang,text,expected", EXCLUSIONS)
def test_exclusions(lang: str, text: str, expected: set[str]) -> None:
    assert labels(run(lang, text), "not_controlled") == expected


def test_evidence_is_the_supporting_cue() -> None:
    text = "二、（一）出口至境外军事用户的，原则上不予许可；（二）用于14纳米及以下逻辑芯片研发的，逐案审批。"
    doc = run("zh", text)
    by_label = {s.label_: s for s in doc.spans["end_user_rules"]}
    assert set(by_label) == {"military:deny", "advanced_semiconductor:case_by_case"}
    assert "军事用户" in by_label["military:deny"].text and "不予许可" in by_label["military:deny"].text
    assert "逐案审批" in by_label["advanced_semiconductor:case_by_case"].text
    assert "军事" not in by_label["advanced_semiconductor:case_by_case"].text
    for span in doc.spans["end_user_rules"]:
        assert doc.text[span.start_char:span.end_char] == span.text


def test_pdf_wrapped_chinese_threshold_maps_back_to_original_offsets() -> None:
    line = "且第一部分物项价"
    text = "说明：\n" + (line * 4) + "\n值占比达到0.1%及以上的，适用本公告。"
    doc = run("zh", text)
    (span,) = doc.spans["thresholds"]
    assert span.label_ == "value_ratio:0.001"
    assert span.text.replace("\n", "") == "价值占比达到0.1%"
