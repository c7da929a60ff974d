"""The spaCy components on plain strings: element forms, HS context, announcement years, dates."""
from __future__ import annotations

import pytest

from pipeline.extract.build import load


def spans(text: str, key: str, lang: str = "zh", published: str | None = None) -> list[tuple[str, str]]:
    nlp = load(lang)
    doc = nlp.make_doc(text)
    doc.user_data["ew_published"] = published
    doc = nlp(doc)
    return [(s.text, s.label_) for s in doc.spans[key]]


def labels(text: str, key: str, lang: str = "zh", published: str | None = None) -> list[str]:
    return [label for _, label in spans(text, key, lang, published)]


@pytest.mark.parametrize("text,expected", [
    ("钐钴合金", ["Sm"]),
    ("含铽的钕铁硼永磁材料", ["Tb"]),
    ("铽镝铁合金", ["Tb", "Dy"]),
    ("镁钬合金", ["Ho"]),
    ("人造石墨负极材料", ["C"]),
    ("锂电池正极材料磷酸铁锂", ["Li", "Li", "Li"]),  # cathode materials name Li (contract)
    ("碳化钨", ["W"]),
    ("锑化镓", ["Ga"]),  # gallium antimonide: the anion before 化 does not name the item
    ("碲化锌镉", ["Te"]),  # ... unless it is the only element of the best tier
    ("地铁和铁路", []),
    ("镓、锗、锑", ["Ga", "Ge", "Sb"]),
])
def test_chinese_element_forms(text: str, expected: list[str]) -> None:
    assert labels(text, "elements") == expected


@pytest.mark.parametrize("text,expected", [
    ("samarium-cobalt (SmCo) magnets", ["Sm", "Sm"]),
    ("terbium/dysprosium-containing neodymium-iron-boron (NdFeB) magnets", ["Tb", "Dy"]),
    ("NdFeB magnets containing dysprosium", ["Dy"]),
    ("synthetic graphite anode material", ["C"]),
    ("lithium iron phosphate cathodes", ["Li"]),
    ("gallium arsenide and Ga2O3 wafers", ["Ga", "Ga"]),
    ("indium antimonide wafers", ["In"]),
    ("Dy/Tb-containing magnets", ["Dy", "Tb"]),
    ("Sales at Nd Inc. rose; In the USB CEO said", []),
    ("iron ore and ironic", ["Fe"]),
])
def test_english_element_forms(text: str, expected: list[str]) -> None:
    assert labels(text, "elements", "en") == expected


def test_matrix_terms_are_materials_not_elements() -> None:
    assert labels("钕铁硼永磁材料", "elements") == []
    assert labels("钕铁硼永磁材料", "materials") == ["matrix"]


@pytest.mark.parametrize("text,expected", [
    ("a. 金属钐（参考海关商品编号：2805301910）；", ["2805301910"]),
    ("（参考海关商品编号：2846901940、2846901993、3824999922）", ["2846901940", "2846901993", "3824999922"]),
    ("金属钬（参考税则号列：28053019）", ["28053019"]),
    ("reference customs commodity numbers: 3824999922, 8486909110", ["3824999922", "8486909110"]),
    ("HS codes 2805.30.1910 and 2805301990", ["2805301910", "2805301990"]),
    # a PDF's text breaking a code with one stray space
    ("（参考海关商品编号：811292909 0、3818009 006、3825 690005）", ["8112929090", "3818009006", "3825690005"]),
    ("京ICP备05004198号 京公网安备11010102000066号 网站标识码：bm04000001", []),
    ("联系人及电话：消费促进司 010-85093725", []),
    ("Tel: 86-10-53771360; jquery-3.6.0.min.js build 20251009", []),
    ("2025年10月9日 公告编号 12345678", []),
])
def test_hs_codes_only_in_customs_context(text: str, expected: list[str]) -> None:
    lang = "en" if text.isascii() else "zh"
    assert labels(text, "hs_codes", lang) == expected


def test_hs_codes_in_a_table_column() -> None:
    text = "序号 | 物项名称 | 海关商品编号\n1 | 金属锑 | 8110101000\n2 | 氧化锑 | 2825800010\n说明：以上为参考。"
    assert labels(text, "hs_codes") == ["8110101000", "2825800010"]


def test_control_codes() -> None:
    assert labels("1. 1C902.a 金属钐；1E902.b 技术；2B902.z；1C913 镱", "control_codes") == \
        ["1C902.a", "1E902.b", "2B902.z", "1C913"]


def test_announcement_ids_with_year_from_context() -> None:
    text = "问：2025年4月4日发布的商务部 海关总署公告2025年第18号管制哪些物项？答：第18号公告对钐实施出口管制。"
    assert labels(text, "announcements") == ["MOFCOM-2025-18", "MOFCOM-2025-18"]
    assert labels("Announcement No. 61 of 2025 and MOFCOM Announcement [2025] No. 18", "announcements", "en") == \
        ["MOFCOM-2025-61", "MOFCOM-2025-18"]
    assert labels("海关总署公告2024年第3号", "announcements") == []
    assert labels("第61号公告", "announcements", published="2025-10-20") == ["MOFCOM-2025-61"]


def test_dates_partial_and_relative() -> None:
    assert labels("本公告自2025年11月8日起正式实施，10月9日公布", "dates") == ["2025-11-08", "2025-10-09"]
    story = "The ministry said on Thursday that from Dec. 1 firms need a licence; it acted on Oct. 9."
    assert labels(story, "dates", "en", published="2025-10-13") == ["2025-10-09", "2025-12-01", "2025-10-09"]
    cues = spans("本公告自公布之日起正式实施。", "date_cues")
    assert ("公布之日起", "publication") in cues


def test_yearless_date_takes_the_year_of_its_sentence_unless_it_says_its_own() -> None:
    # spoken: the full date opens the sentence, the yearless one follows it (a page of 2025)
    spoken = "二〇二三年七月三号,中国宣布对镓、锗实施出口管制,八月一号开始实施。"
    assert labels(spoken, "dates", published="2025-03-01") == ["2023-07-03", "2023-08-01"]
    # a list of 'since' dates: 'this year' is the page's year, not the year of the date before it
    listed = "Licences have been required since Aug. 1, 2023, and for antimony since Sept. 15 this year."
    assert "2023-09-15" not in labels(listed, "dates", "en", published="2024-12-03")
    # ...and a new sentence does not inherit the year
    assert labels("2023年7月3日公布。8月1日起实施。", "dates", published="2025-03-01")[1] != "2023-08-01"


def test_relation_and_scope_cues() -> None:
    assert "suspends" in labels("暂停实施下列公告", "relation_cues")
    assert "repeals" in labels("2025年第18号公告同时废止", "relation_cues")
    cues = labels("荧光粉不属于第18号公告的管制范围", "scope_cues")
    assert "negation" in cues and "control" in cues
