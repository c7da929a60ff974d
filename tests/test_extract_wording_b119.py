"""Wordings and layouts met on the blind batches b119-b123 (each rule written here in new words, not
copied from a batch): a timeline table whose act column prints "2025年第10号" bare and whose effect
column is headed 施行日, sibling items that print their customs codes bare in brackets, a US
ministry named by its short form, a bureau's annex table of the acts a suspension covers, a
heading's element that must not spill onto its sibling entries, a publication phrase followed by
its day, "No. 70 [2025]", a suspended package listed under a lead-in, a passive "will not be
implemented", "that suspension … covered", and an association's own file number.

Each test runs the whole extractor on a short document parsed as files are."""
from __future__ import annotations

from batch_support import rec


def test_a_timeline_table_with_bare_year_numbers_and_an_effect_column() -> None:
    got = rec("關鍵礦產出口管制一覽\n研究簡報｜2025年6月2日\n"
              "序 | 文號 | 管制物項 | 公布日 | 施行日\n"
              "1 | 商務部、海關總署公告2023年第23號 | 鎵、鍺相關物項 | 2023/07/03 | 2023/08/01\n"
              "2 | 2024年第33號 | 銻相關物項 | 2024/08/15 | 2024/09/15\n"
              "3 | 2025年第10號 | 鎢、碲、鉍相關物項 | 2025/02/04 | 2025/02/04\n"
              "上表據公開資料整理。\n")
    assert {"Ga", "Ge", "Sb", "W", "Te", "Bi"} <= set(got["elements"])
    assert {"2023-08-01", "2024-09-15", "2025-02-04"} <= set(got["effective"])
    assert "2023-07-03" not in got["effective"]


def test_sibling_items_print_their_customs_codes_bare_in_brackets() -> None:
    got = rec("锑管制要点\n某律所 2024-08-21\n商务部公告2024年第33号对下列物项实施出口管制：\n"
              "1. 锑矿（参考海关商品编号：2617101000）；\n2. 金属锑（8110101000、8110200000）；\n"
              "3. 锑的氧化物（2825800010）；\n联系电话（0755）8123 4567。\n")
    assert got["hs_codes"] == ["2617101000", "8110101000", "8110200000", "2825800010"]


def test_the_us_commerce_ministry_by_its_short_form_is_another_government() -> None:
    got = rec("美商务部出台芯片出口新规\n2024-12-03 08:00 来源：某某财经\n"
              "美商务部当地时间2日宣布新一轮半导体出口管制措施，即日起生效。中国商务部回应称将采取必要措施。\n"
              "市场方面，镓、锗概念股午后走强。\n")
    assert got["relevant"] is False and got["effective"] == []


def test_a_bureau_annex_table_of_suspended_acts_names_no_items() -> None:
    got = rec("某市商务局关于转发商务部 海关总署公告2025年第70号的通知\n各有关企业：\n"
              "现将公告转发给你们，请遵照执行。\n附件1\n商务部 海关总署公告2025年第70号\n"
              "一、暂停实施商务部 海关总署公告2025年第55号、第58号。\n二、上述暂停实施期限至2026年11月10日。\n"
              "三、本公告自发布之日起施行。\n商务部 海关总署\n2025年11月7日\n附件2 暂停实施公告一览表\n"
              "序号 | 公告文号 | 公告名称 | 发布日期\n1 | 2025年第55号 | 关于对超硬材料相关物项实施出口管制的决定 | 2025.10.9\n"
              "2 | 2025年第58号 | 关于对锂电池相关物项实施出口管制的决定 | 2025.10.9\n")
    assert got["relevant"] and got["announcement"] == "MOFCOM-2025-70"
    assert got["elements"] == []
    assert [(r["target"], r["until"]) for r in got["relations"]] == [
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-58", "2026-11-10")]


def test_a_heading_entry_does_not_lend_its_elements_to_the_next_entries() -> None:
    got = rec("暫停範圍一覽\n2025/11/08 記者某某\n商務部2025年第70號公告暫停的公告範圍如下：\n"
              "第57號：鈥、鉺、銩相關物項；\n第58號：鋰電池及人造石墨負極材料；\n"
              "不過，今年4月起對釤、鏑實施的出口管制，並不在這次暫停範圍內，出口仍須申領許可。\n")
    assert {"Ho", "Er", "Tm", "Li", "Sm", "Dy"} <= set(got["elements"])


def test_the_day_right_after_a_publication_phrase() -> None:
    got = rec("Alert: China pauses controls\n12 November 2025\n"
              "MOFCOM Announcement No. 70 [2025] suspends the export controls on superhard materials and lithium batteries "
              "of Nos. 55 and 58, effective on publication on 7 November 2025 "
              "and running until 10 November 2026.\n")
    assert got["effective"] == ["2025-11-07"]
    assert [(r["target"], r["until"]) for r in got["relations"]] == [
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-58", "2026-11-10")]


def test_a_suspended_package_listed_under_a_lead_in_and_a_passive_verb() -> None:
    got = rec("<html><body><h1>China pauses October curbs</h1>"
              "<p>BEIJING, Nov 7, 2025 (Wire) - China's commerce ministry said on Friday "
              "it was suspending several export-control announcements.</p>"
              "<p>Under Announcement No. 70 of 2025, announcements Nos. 57 and 58 will not be implemented until Nov. 10, 2026.</p>"
              "<p>The suspended package covered:</p>"
              "<p>five medium and heavy rare earths - holmium, erbium and thulium among them;</p>"
              "<p>lithium batteries and artificial graphite anode materials;</p>"
              "<p>technologies for rare earth mining and magnet-making.</p>"
              "<p>Washington said separately it would delay a rule of its own, starting Nov. 10.</p></body></html>",
              "probe.html")
    assert {"Ho", "Er", "Tm", "Li", "C"} <= set(got["elements"])
    assert {"mining", "magnet_manufacturing"} <= set(got["technologies"])
    assert [(r["target"], r["until"]) for r in got["relations"]] == [
        ("MOFCOM-2025-57", "2026-11-10"), ("MOFCOM-2025-58", "2026-11-10")]
    assert "2025-11-10" not in got["effective"]


def test_that_suspension_covered_the_acts_it_names() -> None:
    got = rec("Beijing pauses rare earth curbs\nBEIJING, Nov 9, 2025 (Wire) - China's commerce ministry on Friday suspended "
              "until Nov. 10, 2026 the rare earth and superhard-material export controls it unveiled in October. That suspension, under Announcement No. 70, took effect at once and "
              "covered Announcements No. 55 through No. 57.\n")
    assert [(r["target"], r["until"]) for r in got["relations"]] == [
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-56", "2026-11-10"), ("MOFCOM-2025-57", "2026-11-10")]


def test_an_association_secretariat_file_number_is_not_an_act() -> None:
    got = rec("某某材料产业联盟秘书处\n某盟秘字〔2025〕12号\n关于超硬材料出口管制暂停期间有关工作的通知\n各会员单位：\n"
              "商务部、海关总署2025年第55号公告原定2025年11月8日起实施，已由2025年第70号公告暂停实施至2026年11月10日。"
              "现将有关事项通知如下。\n一、请各单位梳理出口计划。\n某某材料产业联盟秘书处\n2025年11月12日\n")
    assert got["kind"] == "other" and got["announcement"] is None


def test_an_act_named_in_the_sentence_before_governs_the_items_it_lists() -> None:
    got = rec("商务部连发多份出口管制公告\n2025-10-09 20:00 来源：某某财讯\n"
              "——中重稀土（第57号）。包括钬、铒、铥相关物项。上述公告将于2025年11月8日起实施。\n")
    assert {"Ho", "Er", "Tm"} <= set(got["elements"])


# --- b124-b126 (first runs 0.983, 0.973, 0.931 at 844123c): the forms below, in new words


def test_lowercase_roman_sub_clauses_each_name_an_element() -> None:
    got = rec("MOFCOM and GAC Announcement No. 18 of 2025\n"
              "It is decided to implement export control on the following items. The relevant matters are announced as follows:\n"
              "I. Items under control\n(i) Samarium-related items: samarium metal and oxide.\n"
              "(ii) Gadolinium-related items: gadolinium metal and oxide.\n(iii) Terbium-related items: terbium metal.\n"
              "(iv) Dysprosium-related items: dysprosium metal.\n"
              "II. Export operators shall apply for a licence.\nMinistry of Commerce\nGeneral Administration of Customs\n4 April 2025\n")
    assert got["elements"] == ["Sm", "Gd", "Tb", "Dy"]


def test_suspended_acts_listed_under_a_lead_in_share_the_end_date_said_earlier() -> None:
    got = rec("<html><body><h1>Briefing: China's November suspensions</h1><p>14 November 2025</p>"
              "<p>Announcement No. 70 of 2025 suspends the October rare earth and battery export controls until 10 November 2026.</p>"
              "<p>Announcement No. 72 of 2025 suspends clause 2 of Announcement No. 46 of 2024 until 27 November 2026.</p>"
              "<p>The six suspended acts are:</p><p>No. 57 – holmium and erbium items;</p>"
              "<p>No. 58 – lithium batteries and graphite anode materials;</p>"
              "<p>We expect MOFCOM to offer general licences to repeat civilian buyers.</p></body></html>", "probe.html")
    assert {(r["target"], r["until"]) for r in got["relations"]} == {
        ("MOFCOM-2024-46", "2026-11-27"), ("MOFCOM-2025-57", "2026-11-10"), ("MOFCOM-2025-58", "2026-11-10")}
    assert not any(r["category"] == "civilian" for r in got["end_user_rules"])


def test_a_bare_act_number_too_high_for_an_early_january_page_is_last_years() -> None:
    got = rec("锑出口对美能报了吗 - 论坛\n楼主 发表于 2026-1-6 09:10\n"
              "锑从2024年9月开始就要办两用物项出口许可证。听说商务部去年11月把46号公告第二款暂停实施了，11月9日起停，"
              "一直停到2026年11月27日，锑对美出口现在能报吗？\n")
    assert [r["target"] for r in got["relations"]] == ["MOFCOM-2025-46"]


def test_a_labelled_line_gives_its_items_the_labels_element() -> None:
    got = rec("<html><body><h1>China adds antimony to export controls</h1><p>16 August 2024</p>"
              "<p>MOFCOM Announcement No. 33 of 2024 controls the following groups:</p>"
              "<ul><li>Antimony items: antimony ingots; antimony oxides; indium antimonide.</li>"
              "<li>Superhard materials: synthetic diamond single crystals and cubic boron nitride.</li></ul></body></html>",
              "probe.html")
    assert got["elements"] == ["Sb", "C"]


# --- b127-b129 (first runs 0.928, 0.976, 0.980 at 42942d4): the forms below, in new words


def test_element_headings_printed_together_without_their_items() -> None:
    got = rec("某县商务局关于转发商务部 海关总署公告2025年第18号的通知\n附件1\n商务部 海关总署公告2025年第18号\n"
              "经国务院批准，决定对下列物项实施出口管制：\n一、钐相关物项\n（一）1C902.a 金属钐。\n"
              "（二）1C902.b 氧化钐及其混合物。\n二、钆相关物项 三、镥相关物项 四、钪相关物项 五、钇相关物项\n"
              "（以上各类物项的具体条目从略。）\n六、本公告自发布之日起正式实施。\n商务部 海关总署\n2025年4月4日\n")
    assert got["elements"] == ["Sm", "Gd", "Lu", "Sc", "Y"]


def test_an_anaphor_after_a_preposition_takes_up_the_elements_before_it() -> None:
    got = rec("商务部新闻发言人就中重稀土出口管制答记者问\n问：商务部、海关总署今天发布公告，对部分中重稀土相关物项实施出口管制，请介绍有关背景。\n"
              "答：钐、钆、镥等中重稀土相关物项具有军民两用属性。对上述物项实施出口管制，是国际通行做法。\n")
    assert {"Sm", "Gd", "Lu"} <= set(got["elements"])


def test_a_hyphenated_range_of_bare_act_numbers() -> None:
    got = rec("Battery brief: China pauses its battery export controls\n20 November 2025\nOn 7 November China's commerce ministry suspended No. 58 (together with Nos. 55-57) "
              "until 10 Nov 2026 under Announcement No. 70 of 2025, which covered lithium battery and graphite anode controls.\n")
    assert [r["target"] for r in got["relations"]] == ["MOFCOM-2025-58", "MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57"]


def test_a_list_of_acts_that_remain_in_force_names_their_elements() -> None:
    got = rec("<html><body><h1>Client alert: which of China's mineral export controls are paused</h1><p>14 January 2026</p>"
              "<p>The following remain in force:</p><ul>"
              "<li>Gallium and germanium items (Announcement No. 23 of 2023), licensed since 1 August 2023;</li>"
              "<li>Tungsten, tellurium and bismuth items (Announcement No. 10 of 2025);</li></ul></body></html>", "probe.html")
    assert {"Ga", "Ge", "W", "Te", "Bi"} <= set(got["elements"])


def test_act_numbers_printed_in_chinese_numerals() -> None:
    got = rec("稀土出口管制回顧\n2025年12月19日 澳門某報\n"
              "回顧今年十一月，商務部、海關總署發布二〇二五年第七十號公告，自十一月七日起暫停實施十月九日公布的"
              "第五十五號至第五十七號及第六十一號公告，暫停至二〇二六年十一月十日。"
              "其中第五十七號公告原擬對鈥、鉺等中重稀土相關物項實施出口管制。\n")
    assert [(r["target"], r["until"]) for r in got["relations"]] == [
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-56", "2026-11-10"), ("MOFCOM-2025-57", "2026-11-10"),
        ("MOFCOM-2025-61", "2026-11-10")]


# --- p23 (first run: parties F1 0.840 at 59e9107)


def test_a_working_mechanism_heading_broken_over_lines() -> None:
    got = rec("<html><body><p>某某合规资料汇编 第 1 页</p><p>不可靠实体清单工作机制</p><p>公 告</p><p>〔2025〕9号</p>"
              "<p>不可靠实体清单工作机制经研究，决定将附件所列实体列入不可靠实体清单，并采取下列处理措施：</p>"
              "<p>一、禁止上述实体从事与中国有关的进出口活动；</p><p>本公告自公布之日起实施。</p>"
              "<p>附件：甲乙科技公司</p><p>不可靠实体清单工作机制</p><p>2025年9月25日</p></body></html>", "probe.html")
    assert got["announcement"] == "UEL-2025-9"
