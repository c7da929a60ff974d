"""Wordings and layouts met on the blind batches b49-b51 (each rule written here in new words, not
copied from a batch): customs labels, effect words, related-reading lines, table rows whose policy
cell governs every clause, suspended measures in reports, workpieces and constituents that are not
items, and act lists without an act word.

Each test runs the whole extractor on a short document parsed as files are."""
from __future__ import annotations

from batch_support import rec

from pipeline.parse import parse
from pipeline.records import Raw


EN_LEAD = ("China tightens superhard material export controls\n\n"
           "China's commerce ministry on 9 October 2025 set out export controls on synthetic diamond "
           "items in Announcement No. 55, requiring export licences for them.\n\n")


def test_a_customs_reference_label_gives_hs_codes_after_it_and_before_it() -> None:
    got = rec(EN_LEAD + "Diamond micropowder under 50 micrometres (customs reference: 71051020) is covered. "
                        "The notice gives 84798999 as the reference tariff line for the deposition equipment.\n")
    assert got["hs_codes"] == ["71051020", "84798999"]


def test_a_chinese_reference_number_label_gives_hs_codes() -> None:
    got = rec("锑出口管制\n\n商务部、海关总署对锑相关物项实施出口管制,出口须申请许可。"
              "根据公告所附清单,金属锑对应的参考编号包括8110101000。锑出口管制自9月15日起实施。\n")
    assert got["hs_codes"] == ["8110101000"]


def test_starts_to_apply_on_a_date_is_an_effective_date() -> None:
    got = rec(EN_LEAD + "The superhard-materials measure starts to apply on 8 November 2025.\n")
    assert "2025-11-08" in got["effective"]


def test_requiring_permits_from_a_date_is_an_effective_date() -> None:
    got = rec("China graphite permits\n\nChina will require exporters of some graphite products to obtain "
              "government permits from Dec. 1, 2023, the commerce ministry said, tightening export controls "
              "on graphite used in battery anodes.\n")
    assert got["effective"] == ["2023-12-01"]


def test_a_notice_coming_into_effect_on_a_day_is_dated_by_that_day_not_by_its_issue() -> None:
    got = rec("锑管制首日\n\n2024年9月16日 本报记者\n\n9月15日,商务部、海关总署8月15日联合发布的锑出口管制公告正式落地。"
              "锑矿及原料、金属锑出口须申请两用物项出口许可。\n")
    assert got["effective"] == ["2024-09-15"]


def test_applies_from_a_date_in_chinese_is_an_effective_date() -> None:
    got = rec("境外稀土物项\n\n商务部公告对境外相关稀土物项实施出口管制,0.1%价值占比门槛自2025年12月1日起适用,"
              "出口须申请许可。\n")
    assert "2025-12-01" in got["effective"]


def test_a_related_reading_line_dates_another_text() -> None:
    got = rec("<html><body><h1>商务部发言人答记者问</h1><p>问:商务部发布加强两用物项对美出口管制的公告,何时实施?</p>"
              "<p>答:公告自公布之日起实施,镓、锗相关两用物项对美国出口原则上不予许可。</p>"
              "<p>延伸阅读:① 一图读懂两用物项出口管制条例(12月1日起施行) ② 锑出口许可申请材料</p></body></html>",
              "qa.html")
    assert "12-01" not in " ".join(got["effective"])


def test_a_rows_policy_cell_governs_every_clause_of_its_situation_cell() -> None:
    got = rec("<html><body><h1>稀土出口管制审查原则</h1><p>商务部对境外稀土物项实施出口管制,出口须申请许可。</p>"
              "<table><tr><th>情形</th><th>审查取向</th></tr>"
              "<tr><td>出口至境外军事用户;进口商为管控名单实体</td><td>原则上不予许可</td></tr></table></body></html>",
              "rules.html")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("military", "deny"), ("listed_entity", "deny")}


def test_a_keywords_line_does_not_make_a_news_page_a_paper() -> None:
    got = rec("负极材料出口管制暂停\n\n2025-11-08 11:26 来源:电池网 作者:王一\n\n"
              "商务部发布公告,暂停实施锂电池和人造石墨负极材料出口管制措施,暂停期限一年。业内人士表示,企业仍需准备出口许可材料。"
              "石墨出口管制的其他措施继续实施。\n\n关键词:锂电池 负极材料 出口管制\n")
    assert got["kind"] == "news"


def test_elements_of_measures_a_report_says_were_suspended_count() -> None:
    got = rec("暂停一年\n\n商务部宣布对锂电池实施出口管制,出口须申请两用物项出口许可证。商务部此前也对石墨实施出口管制。\n\n"
              "哪些措施被暂停?\n\n另外,同批发布、同被暂停的还有钬铒铥铕镱五种中重稀土相关措施。\n")
    assert {"Ho", "Er", "Tm", "Eu", "Yb"} <= set(got["elements"])


def test_a_related_laws_block_names_no_relation_of_the_page() -> None:
    got = rec("商务部公告2024年第46号\n关于加强相关两用物项对美国出口管制的公告\n\n"
              "一、禁止两用物项对美国军事用户或军事用途出口。\n二、原则上不予许可镓、锗相关两用物项对美国出口。\n"
              "本公告自公布之日起正式实施。\n\n商务部\n2024年12月3日\n\n关联法规\n"
              "· 商务部公告2025年第72号(暂停实施本公告第二款至2026年11月27日)\n", "a.txt")
    assert got["announcement"] == "MOFCOM-2024-46"
    assert got["relations"] == []


def test_constituents_said_not_to_be_controlled_are_no_elements() -> None:
    got = rec("锂电池出口管制\n\n商务部对锂电池正极材料和人造石墨负极材料实施出口管制,出口须申请许可。"
              "镍、钴、锰仅为前驱体之组成,并非另列之管制矿种。\n")
    assert not {"Ni", "Co", "Mn"} & set(got["elements"])


def test_speculation_about_a_further_element_is_no_element() -> None:
    got = rec("发言人答问\n\n问:商务部对锑实施出口管制,请问原因?外界还在猜测下一步会不会把钨也纳入管制?\n"
              "答:根据商务部、海关总署2024年第33号公告,部分锑相关物项将从9月15日起纳入出口管制,未经许可不得出口。\n")
    assert "Sb" in got["elements"] and "W" not in got["elements"]


def test_the_workpiece_a_controlled_tool_cuts_is_no_element() -> None:
    got = rec(EN_LEAD + "Ultra-fine diamond wire saws used for slicing silicon bricks now need an export licence.\n")
    assert "Si" not in got["elements"]


def test_a_qa_dates_the_act_it_explains_by_the_day_it_was_issued() -> None:
    got = rec("商务部新闻发言人答记者问\n\n发布时间:2024-08-23\n\n问:8月15日,商务部和海关总署联合发布了对锑等物项实施出口管制的公告,"
              "请问有何考虑?\n答:根据商务部、海关总署2024年第33号公告,部分锑相关物项将从9月15日起纳入出口管制,未经许可不得出口。\n")
    assert (got["kind"], got["issued"], got["effective"]) == ("qa", "2024-08-15", ["2024-09-15"])


def test_a_price_review_with_a_time_stamped_byline_is_news() -> None:
    got = rec("稀土周评:氧化镨钕价格走弱\n2023-03-24 17:40 稀土网研究部 李明\n"
              "本周稀土价格延续弱势,氧化镨钕周均价下跌约4%。需求端,磁材企业开工率在七成左右。\n"
              "后市展望:短期看,稀土价格或维持弱势震荡。\n免责声明:本报告仅供参考,不构成投资建议。\n")
    assert (got["kind"], got["relevant"]) == ("news", False)


def test_a_list_of_act_numbers_under_a_cited_act_is_a_list_of_acts() -> None:
    got = rec("China pauses rare earth export controls\n\nChina's commerce ministry published Announcement No. 70 of "
              "2025 on Friday, effective immediately. Short version:\n\n"
              "- Nos. 55, 56, 57 and 58 are suspended until 10 November 2026\n"
              "- the April rare earth export controls stay.\n")
    assert {(r["type"], r["target"], r["until"]) for r in got["relations"]} == {
        ("suspends", f"MOFCOM-2025-{n}", "2026-11-10") for n in (55, 56, 57, 58)}


def test_the_latest_act_a_text_says_was_put_out_is_not_its_own_target() -> None:
    got = rec("China suspends the October rare earth export rules (MOFCOM Announcement No. 70)\n\n"
              "China's commerce ministry put out Announcement No. 70 of 2025 on Friday. Announcements Nos. 55, 56 "
              "and 57 of 2025 are suspended until 10 November 2026, it said. Rare earth export controls of April stay.\n")
    assert {r["target"] for r in got["relations"]} == {"MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57"}


def test_a_value_threshold_named_with_its_percentage() -> None:
    got = rec("China rare earth export controls\n\nChina's commerce ministry published Announcement No. 61 of 2025, "
              "extending export controls on rare earths abroad. It covers the extraterritorial rule with the 0.1% "
              "value threshold for foreign-made magnets containing Chinese rare earths.\n")
    assert {(t["kind"], t["value"]) for t in got["thresholds"]} == {("value_ratio", 0.001)}


def test_a_destination_and_a_may_not_go_rule_are_end_user_rules() -> None:
    got = rec("China US ban\n\nBeijing's commerce ministry published Announcement No. 46 of 2024 on Tuesday, tightening "
              "export controls on gallium and germanium.\n\n"
              "  1) No dual-use item may go to US military users or be used for US military purposes.\n"
              "  2) Export licences for gallium, germanium and antimony with a US destination will in principle "
              "not be granted.\n")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("military", "deny"), ("country", "deny")}


def test_a_tax_authoritys_announcement_is_not_a_mofcom_act() -> None:
    got = rec("出口退税调整\n\n财政部、税务总局11月15日发布《关于调整出口退税政策的公告》(财政部 税务总局公告2024年第15号),"
              "自2024年12月1日起取消铝材出口退税。\n")
    assert got["announcement"] is None


def test_minerals_given_as_examples_of_the_dual_use_category_are_no_elements() -> None:
    got = rec("China lists US firms\n\nChina's Ministry of Commerce added 12 American companies to its export control "
              "list on Wednesday. Chinese exporters are now prohibited from supplying dual-use items, a category that "
              "covers rare earths, gallium and germanium, to the listed firms.\n")
    assert not {"Ga", "Ge"} & set(got["elements"])


def test_controls_named_by_what_they_cover_make_a_forum_thread_relevant() -> None:
    got = rec("r/MagnetMakers\nPosted by u/someone\n\nChina pauses the October rules for a year (Announcement No. 70)\n\n"
              "- the rare earth technology controls (No. 62) are paused\n- holmium and erbium items are paused too\n"
              "- samarium and dysprosium still need an export licence like before.\n")
    assert got["relevant"] is True


# ---- wordings met on b52-b54 and the party batch p11


def test_an_acts_signature_below_its_clauses_ends_it_though_its_date_came_from_a_meta_line() -> None:
    got = rec("商务部 海关总署公告2025年第70号\n关于暂停实施有关公告的公告\n【发文日期】2025年11月7日\n"
              "现将有关事项公告如下:\n一、暂停实施商务部 海关总署公告2025年第57号(公布对部分中重稀土相关物项实施出口管制的决定),"
              "至2026年11月10日。\n"
              "二、本公告自公布之日起实施。\n商务部 海关总署\n2025年11月7日\n编者按(非公告内容)\n"
              "1.本公告不影响此前对镓、锗、锑等物项的管制,相关出口仍须申领两用物项出口许可证件。\n", "a.txt")
    assert (got["announcement"], got["elements"]) == ("MOFCOM-2025-70", [])
    assert [(r["type"], r["target"]) for r in got["relations"]] == [("suspends", "MOFCOM-2025-57")]


def test_a_count_of_listed_defence_firms_is_no_military_end_user_rule() -> None:
    got = rec("China bars dual-use exports to 15 US defense contractors\n\nChina on Tuesday placed 15 American companies "
              "on its export control list, a step that prohibits Chinese exporters from supplying them with any "
              "dual-use item.\n")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("listed_entity", "deny")}


def test_a_ban_applying_from_publication_is_dated_by_the_day_the_listing_was_reported() -> None:
    got = rec("China lists US firms\n\nBy A Writer · March 4, 2025, 9:41 AM ET\n\nChina on Tuesday placed 15 American "
              "companies on its export control list, barring exports of dual-use items to them. The ban applies from "
              "the day of publication.\n")
    assert got["effective"] == ["2025-03-04"]


def test_an_official_qa_dates_the_controls_its_act_starts_on_a_day() -> None:
    got = rec("商务部新闻发言人答记者问\n2024-08-15 17:48 来源:商务部网站\n"
              "8月15日,商务部、海关总署发布公告,决定自2024年9月15日起对锑相关物项实施出口管制。\n"
              "问:请介绍一下主要考虑。\n答:锑相关物项兼具军民两用属性,未经许可不得出口。\n")
    assert (got["kind"], got["effective"]) == ("qa", ["2024-09-15"])


def test_would_not_need_a_licence_is_an_exemption() -> None:
    got = rec(EN_LEAD + "Exports for disaster relief and other humanitarian purposes would not need a licence.\n")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("humanitarian", "exempt")}


def test_an_act_cited_with_its_year_and_number_in_brackets_after_it() -> None:
    got = rec("對美禁令暫停\n\n此前商務部對鎵、鍺、銻實施出口管制。商務部丟出2025年第72號公告,把去年12月那份對美兩用物項公告(2024年第46號)的第二款暫停實施,"
              "一直停到2026年11月27日。鎵、鍺、銻對美國出口原則上不予許可的規定暫停一年。\n")
    assert {(r["type"], r["target"], r["until"]) for r in got["relations"]} == {
        ("suspends", "MOFCOM-2024-46", "2026-11-27")}


def test_an_abstract_line_does_not_make_a_firms_note_a_paper() -> None:
    got = rec("对日两用物项出口管制的合规要点 | 恒远律师事务所\n\n摘要\n商务部发布公告,禁止两用物项对日本军事用户出口。\n\n"
              "作者:王律师 2026-01-09\n\n一、公告要点\n商务部宣布加强两用物项对日本出口管制,禁止向日本军事用户出口两用物项,"
              "出口经营者须申请许可。企业应核查最终用户。\n")
    assert got["kind"] == "news"


# ---- wordings met on b55-b57


def test_halting_the_implementation_of_acts_suspends_them() -> None:
    got = rec("China pauses October export controls\n\nBEIJING, Nov 7 - China's commerce ministry suspended export "
              "controls on rare earths and lithium batteries. In Announcement No. 70 of 2025 it said it was halting "
              "the implementation of its announcements Nos. 55, 56 and 57 of 2025. The suspension runs until "
              "Nov. 10, 2026.\n")
    assert {(r["target"], r["until"]) for r in got["relations"]} == {
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-56", "2026-11-10"), ("MOFCOM-2025-57", "2026-11-10")}


def test_another_country_to_ban_exports_is_not_relevant() -> None:
    got = rec("Malaysia to ban exports of raw rare earths\n\nMalaysia will stop the export of unprocessed rare earth "
              "materials, its prime minister said. China dominates rare earth processing.\n")
    assert got["relevant"] is False


def test_one_sentence_naming_chinas_ministry_and_a_licence_rule_is_relevant() -> None:
    got = rec("Forum\n\nSaw this on the news. China's commerce ministry and customs put out a joint notice saying gallium "
              "and germanium items will need an export licence from 1 August 2023.\n\nWe buy GaN dies made outside "
              "China. Anyone heard from suppliers?\n")
    assert (got["relevant"], sorted(got["elements"])) == (True, ["Ga", "Ge"])


def test_that_second_clause_and_suspended_it_go_back_to_the_act_named_before() -> None:
    got = rec("Research note on export controls\n\nAnnouncement No. 46 of 2024 said exports of gallium and antimony to "
              "the United States would in principle not be approved.\nAnnouncement No. 72 of 2025 suspended that "
              "second clause until 27 November 2026.\n\nAnnouncement No. 55 of 2025 extended export controls to "
              "synthetic diamond. Before it took effect, Announcement No. 70 of 2025 suspended it until 10 November "
              "2026.\n")
    assert {(r["target"], r["until"]) for r in got["relations"]} == {
        ("MOFCOM-2024-46", "2026-11-27"), ("MOFCOM-2025-55", "2026-11-10")}


# ---- wordings met on b58-b60 and the party batch p13


def test_a_chambers_note_above_a_suspending_acts_copy_is_not_the_act() -> None:
    got = rec("<html><body><h1>商务部公告2025年第72号全文(附本会说明)</h1><p>各位会员:</p><p>本会理解:暂停的只是第46号公告"
              "第二款,即原则上不准许镓、锗、锑对美出口的规定;第一款(禁止两用物项出口至美国军事用户)并无改变。</p>"
              "<p>商务部公告2025年第72号</p><p>关于暂停实施商务部公告2024年第46号的公告</p><p>现将有关事项公告如下:</p>"
              "<p>一、暂停实施商务部公告2024年第46号(关于加强相关两用物项对美国出口管制的公告)第二款,至2026年11月27日。</p>"
              "<p>二、本公告自公布之日起实施。</p><p>商务部</p><p>2025年11月9日</p></body></html>", "notice.html")
    assert got["announcement"] == "MOFCOM-2025-72"
    assert (got["elements"], got["end_user_rules"]) == ([], [])


def test_a_heading_of_the_page_after_the_acts_signature_ends_the_act() -> None:
    got = rec("<html><body><h1>Member Alert: working text of Announcement No. 72</h1>"
              "<p>Ministry of Commerce Announcement No. 72 of 2025</p>"
              "<p>1. Implementation of the second paragraph of MOFCOM Announcement No. 46 of 2024 (Announcement on "
              "Strengthening Export Controls on Relevant Dual-Use Items to the United States) is suspended until "
              "November 27, 2026.</p><p>2. This announcement shall take effect on the date of its publication.</p>"
              "<p>Ministry of Commerce</p><p>November 9, 2025</p><h2>What the suspended paragraph said</h2>"
              "<p>Exports of gallium and germanium dual-use items to the United States would in principle not be "
              "permitted.</p></body></html>", "alert.html")
    assert got["announcement"] == "MOFCOM-2025-72"
    assert (got["elements"], got["end_user_rules"]) == ([], [])


def test_phosphate_cathodes_and_their_precursors_name_no_iron_or_phosphorus() -> None:
    got = rec("锂电池出口管制解读\n\n商务部、海关总署对锂电池和人造石墨负极材料实施出口管制,出口须申请许可。管制范围包括:"
              "磷酸铁锂正极材料,以及部分磷酸锰铁锂、磷酸铁等前驱体材料;人造石墨负极材料。\n")
    assert not {"Fe", "P", "Mn"} & set(got["elements"])


def test_watching_for_future_facilitation_is_no_rule() -> None:
    got = rec("锂电池出口管制解读\n\n商务部对锂电池实施出口管制,出口须申请许可。企业应提前准备材料,"
              "留意后续配套文件,例如通用许可等便利化措施的出台。\n")
    assert got["end_user_rules"] == []


def test_shelved_for_the_same_period_takes_the_end_date_of_the_sentence_before() -> None:
    got = rec("Battery export controls paused\n\nChina's commerce ministry published Announcement No. 70 of 2025, which "
              "suspends export controls on lithium batteries and graphite anodes. The suspension applies immediately "
              "and runs until 10 November 2026. The same notice also shelves Nos. 55, 56 and 57 for the same period.\n")
    assert {(r["target"], r["until"]) for r in got["relations"]} >= {
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-56", "2026-11-10"), ("MOFCOM-2025-57", "2026-11-10")}


def test_an_events_dates_above_the_article_are_not_its_date() -> None:
    doc = parse(Raw(content=("<html><body><div class='promo'>Battery Materials Europe · 3-4 March 2026 · Book now</div>"
                             "<article><h1>China pauses battery controls</h1><p class='byline'>By A Writer · 10 November "
                             "2025</p><p>China's commerce ministry suspended export controls on lithium batteries.</p>"
                             "</article></body></html>").encode("utf-8"), source="story.html"))
    assert doc.published == "2025-11-10"


# ---- wordings met on b61-b63 and the party batch p14


def test_names_under_a_whos_on_it_lead_in_after_a_listing() -> None:
    got = rec("China lists 12 US firms\n\nChina's Ministry of Commerce put 12 American companies on its export control "
              "list, barring exports of dual-use items to them.\n\nWHO'S ON IT (as named in the ministry's English list):\n"
              "- Harbor Ridge Systems, Inc.\n- Falconcrest Avionics LLC\n- Kestrel Motors Corporation\n")
    assert {p["name"] for p in got["parties"]} == {"Harbor Ridge Systems, Inc.", "Falconcrest Avionics LLC",
                                                   "Kestrel Motors Corporation"}


def test_light_rare_earths_set_apart_by_chu_wai_are_no_elements() -> None:
    got = rec("稀土管制扩容点评\n\n商务部、海关总署发布公告,决定对钬、铒、铥、铕、镱等5类中重稀土相关物项实施出口管制。"
              "本次新增5个品种后,除镧、铈、镨、钕等轻稀土外,具有商业价值的中重稀土元素已基本纳入许可管理。\n")
    assert set(got["elements"]) == {"Ho", "Er", "Tm", "Eu", "Yb"}


def test_elements_listed_after_a_colon_in_a_sentence_adding_them_to_the_export_list() -> None:
    got = rec("Forum\n\nIt's real. China's commerce ministry put out an announcement on April 4 adding seven rare earths to "
              "their dual-use export list, effective the same day: samarium, gadolinium and terbium.\n")
    assert {"Sm", "Gd", "Tb"} <= set(got["elements"])



# ---- wordings met on b64-b66


def test_customs_codes_announced_in_one_sentence_and_listed_in_the_next() -> None:
    got = rec("China graphite export controls\n\nChina's commerce ministry will require export licences for graphite "
              "from December 1, 2023. The notice gives reference customs codes for each item. Those listed for natural "
              "flake graphite include 2504101000 and 2504109100.\n")
    assert got["hs_codes"] == ["2504101000", "2504109100"]


def test_a_machine_translated_export_control_names_its_elements() -> None:
    got = rec("中国对七种稀土实施出口限制\n\n北京——中国在周五宣布,它将对七种中重稀土元素实施出口控制。根据中国商务部和海关总署的"
              "一份联合公告,钐、钆和铽相关物品将被放置在出口控制之下,出口商将被要求向商务部申请许可证。\n")
    assert {"Sm", "Gd", "Tb"} <= set(got["elements"])


def test_wu_xu_shen_qing_xu_ke_is_an_exemption() -> None:
    got = rec("境外稀土物项管制\n\n商务部公告对境外相关稀土物项实施出口管制,出口须申请许可。因救灾等人道主义目的出口的,无须申请许可。\n")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("humanitarian", "exempt")}


# --- b70-b72 (first runs 0.857, 0.897, 0.916 at 2ebfef4): the forms below, in new words


def test_an_end_date_in_the_next_numbered_clause_ends_the_suspension() -> None:
    got = rec("Ministry of Commerce and General Administration of Customs\nAnnouncement No. 81 of 2026\n"
              "Announcement on Suspending the Export Control Measures on Rare Earth Items of Announcements No. 40 "
              "and No. 41 of 2026\n\nThe relevant matters are hereby announced as follows:\n"
              "1. The implementation of MOFCOM/GACC Announcements No. 40 and No. 41 of 2026 (export controls on "
              "samarium and dysprosium items) is suspended.\n"
              "2. The suspension applies from the date of this announcement until 30 June 2027.\n\n"
              "Ministry of Commerce\nGeneral Administration of Customs\n2 March 2026\n")
    assert {(r["target"], r["until"]) for r in got["relations"]} == {("MOFCOM-2026-40", "2027-06-30"),
                                                                      ("MOFCOM-2026-41", "2027-06-30")}


def test_issued_on_in_a_sentence_about_other_acts_is_not_the_issue_date() -> None:
    got = rec("Ministry of Commerce and General Administration of Customs\nAnnouncement No. 81 of 2026\n"
              "Announcement on Suspending the Export Control Measures on Rare Earth Items of Announcements No. 40 "
              "and No. 41 of 2026\n\nThe relevant matters are hereby announced as follows:\n"
              "1. The implementation of MOFCOM/GACC Announcements No. 40 and No. 41 of 2026 is suspended.\n\n"
              "Ministry of Commerce\nGeneral Administration of Customs\n2 March 2026\n\n"
              "Note: the two suspended announcements were both issued on 12 January 2026.\n")
    assert got["issued"] == "2026-03-02"


def test_the_items_an_announcement_refers_to_are_its_controlled_items() -> None:
    got = rec("稀土管制首次延伸至境外\n\n3月2日,商务部发布2026年第12号公告,宣布对境外相关稀土物项实施出口管制,"
              "稀土出口管制范围扩大。\n"
              "记者梳理发现,公告所称物项包括金属钐、金属镝及其合金。\n")
    assert set(got["elements"]) == {"Sm", "Dy"}


def test_a_price_in_another_clause_leaves_the_control_clause_standing() -> None:
    got = rec("China imposed export controls on tungsten on Tuesday.\n"
              "One broker said gallium and germanium had already entered the control range, the short term may "
              "lift overseas prices.\n")
    assert {"Ga", "Ge"} <= set(got["elements"])
    got = rec("China imposed export controls on tungsten on Tuesday.\nGallium prices rose 20% last week.\n")
    assert "Ga" not in got["elements"]


def test_a_rumoured_control_is_no_element() -> None:
    got = rec("稀土出口管制\n\n商务部此前已对钐、钆相关物项实施出口管制。\n"
              "群里在传一张截图,说镨、钕也要纳入出口管制,这是假的。\n")
    assert "Pr" not in got["elements"] and "Sm" in got["elements"]


def test_a_day_of_the_month_in_english_takes_the_page_month() -> None:
    got = rec("Five metals put under export control\n2026-03-06 08:31 Source: Metals Desk\n"
              "On the 5th, the Ministry of Commerce and the General Administration of Customs published an "
              "announcement deciding to carry out export control on tungsten and indium related items. The "
              "announcement is implemented from the date of publication.\n")
    assert got["effective"] == ["2026-03-05"]


def test_a_counted_set_of_one_countrys_firms_is_no_country_rule() -> None:
    got = rec("China bars dual-use exports to 9 US firms\n\nChina's commerce ministry on Tuesday placed nine U.S. "
              "companies on its export control list. Chinese exporters may no longer ship dual-use items such as "
              "gallium and germanium to the listed firms.\n")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("listed_entity", "deny")}


def test_a_newsletter_about_an_act_is_news() -> None:
    got = rec("Trade Controls Bulletin · Issue 7\nIn this issue\nMOFCOM Announcement No. 12 — the short version\n"
              "On 2 March the Ministry of Commerce published Announcement No. 12 of 2026, requiring licences for "
              "exports of samarium and dysprosium items.\nManage preferences · Unsubscribe\n")
    assert got["kind"] == "news"


def test_an_associations_notice_about_an_act_is_other_and_its_copy_of_an_act_is_one() -> None:
    # (a work notice to members instructs them; it is not third-party reporting: `other`, the call of
    # b78, b80 and b81 and of extraction.md's "news: third-party reporting")
    notice = rec("关于商务部暂停实施2026年第12号公告有关事项的通知\n衡材协〔2026〕9号\n各会员单位:\n"
                 "3月2日,商务部发布2026年第12号公告,对钐、镝相关物项实施出口管制。现将有关事项通知如下:\n"
                 "一、请会员单位开展物项自查。\n二、如有疑问请联系秘书处。\n衡州市新材料行业协会秘书处\n2026年3月5日\n")
    assert notice["kind"] == "other"
    numbered = rec("关于做好锑相关物项出口管制工作的通知\n湘锑协字〔2026〕4号\n各会员单位:\n"
                   "商务部发布公告,对锑相关物项实施出口管制。现将有关事项通知如下:\n一、请核对产品。\n")
    assert numbered["kind"] == "other" and numbered["announcement"] is None
    repost = rec("【转载】商务部公告2026年第12号\n各位会员:\n现将商务部公告全文转载如下:\n商务部公告2026年第12号\n"
                 "根据《中华人民共和国出口管制法》有关规定,经国务院批准,决定对钐、镝相关物项实施出口管制。\n"
                 "本公告自公布之日起正式实施。\n商务部\n2026年3月2日\n某某商会秘书处\n2026年3月5日\n")
    assert repost["kind"] == "announcement"


# --- b73-b75 (first runs 0.892, 0.933, 0.935 at cd9646b): the forms below, in new words


def test_a_forwarding_notice_citing_an_act_takes_the_acts_date_and_its_annex_table() -> None:
    got = rec("北安海关业务联系单\n北关综〔2026〕3号\n关于做好相关物项出口申报工作的提示\n各报关企业：\n"
              "商务部、海关总署于2026年3月2日联合发布《关于对部分稀土相关物项实施出口管制的决定》（商务部 海关总署公告2026年第12号），"
              "对钐、镝相关物项实施出口管制，公告自发布之日起施行。现将有关要求提示如下：\n"
              "一、出口附件所列物项的，应当事先取得两用物项出口许可证件。\n北安海关综合业务科\n2026年3月6日\n附件\n"
              "部分稀土相关物项出口管制编码对照表\n序号 | 管制编码 | 物项名称 | 参考海关商品编号\n"
              "1 | 1C902.a | 金属钐 | 2805301910\n2 | 1C905.a | 金属镝 | 2805301910\n", "notice.txt")
    assert got["issued"] == "2026-03-02"
    assert set(got["elements"]) == {"Sm", "Dy"}


def test_elements_said_not_yet_controlled_are_none() -> None:
    got = rec("稀土出口管制扩围\n\n商务部对钬、铒相关物项实施出口管制,稀土出口管制范围再扩大。"
              "17种稀土元素中仅镧、铈尚未单独列管。\n")
    assert "La" not in got["elements"] and "Ho" in got["elements"]


def test_an_articles_correction_note_relates_no_act() -> None:
    got = rec("China licenses rare earths\n\nA notice of the commerce ministry, Announcement No. 12 of 2026, puts "
              "export controls on samarium and dysprosium items and requires export licences.\n"
              "This article was amended on March 3 2026 to clarify that the requirement is a licence, not a ban.\n")
    assert got["relations"] == []


def test_the_entities_named_by_the_ministry_are_its_parties_and_an_owner_is_not() -> None:
    got = rec("China puts 3 US firms on export control list\nListed firms include Harbor Ridge and Kestrel Systems' drone unit\n"
              "BEIJING, March 4 - China on Tuesday added three U.S. companies to its export control list, cutting them "
              "off from Chinese dual-use goods.\nThe three entities named by the ministry are Harbor Ridge, Inc., "
              "Falconcrest LLC and Bayline Aero.\n")
    assert {p["name"] for p in got["parties"]} == {"Harbor Ridge, Inc.", "Falconcrest LLC", "Bayline Aero"}


# --- b79-b81 (first runs 0.948, 0.911, 0.966 at 9a908a8) and p18: the forms below, in new words


def test_a_machine_translated_act_keeps_the_chinese_order_and_is_the_act() -> None:
    got = rec("Home > News\nAnnouncement No.12 of 2026 of the Ministry of Commerce General Administration of Customs "
              "on Implement export control on samarium items\n"
              "According to the relevant provisions, through the approval of the State Council, decided to implement "
              "export control on samarium items. The relevant matters are announced now as follows:\n"
              "One, The following items without permission shall not be exported: samarium metal.\n"
              "Two, This announcement since March 2, 2026 formally implement.\n"
              "Ministry of Commerce General Administration of Customs\nMarch 1, 2026\n")
    assert (got["kind"], got["announcement"]) == ("announcement", "MOFCOM-2026-12")
    assert got["effective"] == ["2026-03-02"]


def test_the_ministrys_press_conference_transcript_is_a_qa() -> None:
    got = rec("MOFCOM Regular Press Conference (March 5, 2026)\nSpokesperson: Good afternoon.\n"
              "Harbour Daily: What about the samarium controls?\n"
              "Spokesperson: On March 2, the Ministry of Commerce issued Announcement No. 12 of 2026, placing samarium "
              "items under export control. The measures take effect on March 9, 2026.\n")
    assert (got["kind"], got["announcement"], got["issued"]) == ("qa", "MOFCOM-2026-12", "2026-03-02")


def test_a_story_quoting_the_spokespersons_answer_stays_news() -> None:
    got = rec("钐类物项纳入出口管制 企业称先等许可\n2026-03-03 08:10 某某财经记者 王某\n"
              "3月2日,商务部发布公告,对钐相关物项实施出口管制。商务部新闻发言人当天回答记者提问时说,"
              "出口符合规定的将予以许可。一位分析师认为短期影响有限。\n")
    assert (got["kind"], got["issued"]) == ("news", None)


def test_last_decembers_bare_number_and_todays_act_in_brackets() -> None:
    got = rec("论坛 > 有色金属\n镓锗对美出口管制暂停了\n发表于 2026-11-09 21:46\n刚看到商务部今天发的公告(商务部公告2026年第80号),"
              "去年12月那个第46号公告的第二款,从今天起暂停执行,一直到2027年11月27日。镓、锗对美出口原则上不批,现在这条停了。\n")
    assert [(r["type"], r["target"]) for r in got["relations"]] == [("suspends", "MOFCOM-2025-46")]
    assert {"category": "country", "policy": "deny"} in got["end_user_rules"]


def test_stricter_review_for_us_in_quotes_and_the_dollar_is_no_country() -> None:
    got = rec("商务部对镓实施出口管制。第二款原来还有石墨对美“更严格的最终用户和最终用途审查”。人民币对美元汇率走强。\n")
    assert got["end_user_rules"] == [{"category": "country", "policy": "case_by_case"}]


def test_a_forum_posters_handle_names_no_element() -> None:
    got = rec("论坛 > 帖子详情\n镓锗对美出口管制措施暂停了\n楼主:钨钼老玩家 发表于 2026-11-09 21:46\n"
              "商务部今天宣布,镓、锗对美出口原则上不予许可的规定暂停实施。镓、锗出口仍须申请出口许可。\n"
              "#2楼 钨钼老玩家 2026-11-09 22:03\n补充一句。\n")
    assert got["elements"] == ["Ga", "Ge"]


def test_a_plain_text_tables_rule_line_and_its_no_rows() -> None:
    got = rec("Dear customers,\nFrom 15 September 2026 antimony products need a dual-use export licence under "
              "China's export controls.\n\n   Product              Ref. HS code    Licence needed?\n"
              "   ------------------------------------------------------\n"
              "   Antimony ingot        8110101000      YES\n"
              "   Antimony oxide FR     2825800090      NO (see note)\n", "notice.txt")
    assert got["hs_codes"] == ["8110101000"]


def test_summary_wordings_that_state_no_rule() -> None:
    got = rec("Licensing, not a ban: what China's controls on samarium mean for defence supply chains\n"
              "China placed samarium items under export licensing in 2026.\n"
              "What to watch: whether MOFCOM publishes a fast-track for long-standing civilian customers.\n"
              "Applications tied to military end users, listed parties or advanced chips face denial or case-by-case review.\n")
    assert got["end_user_rules"] == []


def test_verbs_and_nouns_of_policy_in_reports() -> None:
    got = rec("China pauses US ban on gallium\nBeijing on Sunday, Nov. 9, 2025, suspended the rule that had told officials "
              "not to approve shipments of gallium to the United States, with immediate effect. Exporters still need a "
              "licence and the military-end-use prohibition stays. It also tightened end-use checks on graphite to the US.\n")
    rules = got["end_user_rules"]
    assert {"category": "military", "policy": "deny"} in rules and {"category": "military", "policy": "license_required"} not in rules
    assert {"category": "country", "policy": "deny"} in rules
    assert got["effective"] == ["2025-11-09"]


def test_a_price_story_keeps_the_elements_of_the_decision_it_reports() -> None:
    got = rec("Antimony weekly\nFriday December 6, 2024\nEuropean antimony prices rose this week as buyers digested "
              "Beijing's decision to stop licensing exports of gallium and germanium to the United States. The commerce "
              "ministry said on December 3 that such exports would in principle not be approved, in a notice that took "
              "effect the same day.\n")
    assert got["elements"] == ["Ga", "Ge"] and got["effective"] == ["2024-12-03"]


def test_magnetic_material_manufacturing_is_magnet_manufacturing_and_a_definition_adds_no_element() -> None:
    got = rec("MOFCOM Announcement No. 62 of 2025\nThe following technologies shall not be exported without a licence: "
              "technologies for rare earth magnetic material manufacturing (1E902.a).\n"
              "Magnet manufacturing here means samarium-cobalt and cerium magnets.\n")
    assert got["technologies"] == ["magnet_manufacturing"] and "Ce" not in got["elements"]


def test_what_the_other_announcements_of_the_day_cover() -> None:
    got = rec("China extends rare earth controls abroad\nChina issued export controls on samarium items on 9 October 2025. "
              "The other announcements of the same day (covering superhard materials and lithium battery materials) take "
              "effect on 8 November 2025.\n")
    assert {"C", "Li", "Sm"} <= set(got["elements"])


def test_a_trailing_list_of_dated_links_is_chrome() -> None:
    got = rec("商务部新闻发言人就钐相关物项出口管制答记者问\n问:为何管制?\n答:对钐相关物项实施出口管制是国际通行做法。\n"
              "商务部新闻发言人就对钨、铟相关物项实施出口管制答记者问 2025-02-04\n"
              "省商务厅举办合规培训班 2025-03-21\n")
    assert got["elements"] == ["Sm"]


def test_a_byline_date_and_a_two_city_dateline() -> None:
    byline = rec("China puts samarium under export controls\nJane Roe, Policy correspondent · April 4, 2025 · 9:47 a.m. ET\n"
                 "The ministry imposed export licensing on samarium, with immediate effect.\n")
    assert byline["effective"] == ["2025-04-04"]
    wire = rec("UPDATE 1-China lists firms\nBEIJING/TOKYO, Feb 24 2026 (Wire) - China barred exports of dual-use "
               "items to 20 Japanese firms.\nThe measures took effect on publication.\n")
    assert wire["effective"] == ["2026-02-24"]


# --- b84 (first run 0.912 at d6fed94): the forms below, in new words


def test_a_compilations_page_of_one_acts_item_table_is_that_act() -> None:
    got = rec("<html><body><h1>某省《出口管制政策汇编》 第二部分 物项清单</h1><p>二、钐相关物项</p>"
              "<p>依据:商务部 海关总署公告2026年第12号(关于对钐相关物项实施出口管制的公告)</p>"
              "<p>发布日期:2026年3月2日 实施日期:2026年4月1日 发布单位:商务部、海关总署</p><table>"
              "<tr><td>序号</td><td>类别</td><td>物项</td><td>参考海关商品编号</td></tr>"
              "<tr><td>1</td><td>钐</td><td>金属钐</td><td>2805301910</td></tr>"
              "<tr><td>2</td><td>钐</td><td>钐钴合金冶炼分离技术</td><td>—</td></tr></table></body></html>", "page.html")
    assert (got["kind"], got["announcement"], got["issued"]) == ("announcement", "MOFCOM-2026-12", "2026-03-02")
    assert got["effective"] == ["2026-04-01"] and got["technologies"] == ["smelting_separation"]


def test_a_listed_companys_disclosure_is_other_and_reports_the_cited_acts_elements() -> None:
    got = rec("某某锗业:关于获得两用物项出口许可的自愿性信息披露公告\n证券代码:688999 证券简称:某某锗业 公告编号:2026-011\n"
              "本公司董事会及全体董事保证本公告内容不存在任何虚假记载。\n一、基本情况\n"
              "根据商务部、海关总署发布的《关于对镓、锗相关物项实施出口管制的公告》,锗相关物项未经许可不得出口。公司已获得出口许可。\n特此公告。\n")
    assert got["kind"] == "other" and set(got["elements"]) == {"Ga", "Ge"}


def test_from_that_day_is_the_day_the_act_was_published_not_an_earlier_meeting() -> None:
    got = rec("Explainer: the US clause on gallium export controls\nChina has required export licences for gallium since 2023. After the October 30 leaders' meeting, MOFCOM published Announcement No. 72 of 2025 "
              "on November 9, 2025. It suspends the second clause of No. 46, which barred gallium exports to the US, from that "
              "day until November 27, 2026.\n")
    assert got["effective"] == ["2025-11-09"]


# --- b87 (first run 0.876 at 7403666): the forms below, in new words


def test_a_letter_spaced_masthead_and_an_annex_table_with_section_rows() -> None:
    got = rec("<html><body><p>商 务 部</p><p>海 关 总 署 公 告</p><p>2026年第12号</p>"
              "<p>关于对钐相关物项实施出口管制的公告</p><p>一、下列物项未经许可不得出口:钐相关物项,具体见附件。</p>"
              "<p>二、本公告自2026年4月1日起正式实施。</p><p>商务部 海关总署</p><p>2026年3月2日</p><p>附件</p><table>"
              "<tr><td>序号</td><td>物项</td><td>形态说明</td><td>参考海关商品编号</td></tr>"
              "<tr><td>(一)钐相关物项</td><td></td><td></td><td></td></tr>"
              "<tr><td>1</td><td>金属钐</td><td>各种形态</td><td>2805301910 2805301990</td></tr></table></body></html>", "act.html")
    assert (got["announcement"], got["issued"]) == ("MOFCOM-2026-12", "2026-03-02")
    assert got["hs_codes"] == ["2805301910", "2805301990"]


def test_a_reference_code_in_a_research_note_is_a_customs_number() -> None:
    got = rec("Gallium: August exports at zero after China's export controls\nChina's export controls on gallium took effect "
              "on 1 August 2023, requiring export licences for gallium. The metal "
              "lines cited in the notice -- for gallium, reference code 8112929010 among others -- recorded nil.\n")
    assert got["hs_codes"] == ["8112929010"]


def test_that_clause_after_the_acting_act_is_the_earlier_acts() -> None:
    got = rec("A blog on germanium export controls\nChina requires export licences for germanium under its export controls.\n"
              "On 3 December 2024 MOFCOM published Announcement No. 46 of 2024. It said licences for germanium going to the "
              "United States would in principle not be granted.\nMOFCOM Announcement No. 72 of 2025, dated 9 November 2025 "
              "and effective straight away, suspends that clause until 27 November 2026.\n")
    assert got["relations"] == [{"type": "suspends", "target": "MOFCOM-2024-46", "until": "2026-11-27"}]
    assert "2025-11-09" in got["effective"]


# --- b89 (first run 0.917 at 334fc78): the forms below, in new words


def test_bare_numbers_each_with_a_note_after_a_pause_idiom() -> None:
    got = rec("陸暫停10月稀土新管制\n2025/11/08 07:35 某某日報/記者王某\n"
              "美中元首10月30日在釜山會面後,北京的第一步於7日晚間落地。商務部發布2025年第70號公告,宣布自即日起暫停實施"
              "10月9日公布的多份出口管制公告,暫停期限到2026年11月10日為止。\n"
              "這次被按下暫停鍵的分別是第55號(超硬材料)、第56號(稀土設備)、第57號(部分中重稀土)。\n")
    assert [r["target"] for r in got["relations"]] == ["MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57"]
    assert got["effective"] == ["2025-11-07"]


def test_a_briefing_on_two_acts_is_no_one_acts_qa() -> None:
    got = rec("商务部召开例行新闻发布会(2025年11月13日)\n记者:请介绍两份出口管制公告的安排。\n"
              "主持人:第一,11月7日,商务部、海关总署发布2025年第70号公告,对第55号、第56号、第57号公告自即日起暂停实施,"
              "暂停期限至2026年11月10日。第二,11月9日,商务部发布2025年第72号公告,自当日起至2026年11月27日,"
              "暂停实施商务部公告2024年第46号的第二款,即镓、锗对美出口原则上不予许可的规定。镓、锗出口仍须申请出口许可。\n")
    assert (got["kind"], got["announcement"], got["issued"]) == ("qa", None, None)
    assert got["effective"] == ["2025-11-07", "2025-11-09"]


def test_the_numbered_clause_put_on_hold_is_the_act_named_before() -> None:
    got = rec("超硬材料出口管制的几层\n第三层,2024年第46号公告。第二款是镓、锗对美国出口原则上不予许可,"
              "石墨对美出口则要更严格地审查最终用户和最终用途。11月9日商务部第72号公告把第二款暂停到2026年11月27日。\n")
    assert {"type": "suspends", "target": "MOFCOM-2024-46", "until": "2026-11-27"} in got["relations"]
    assert {"category": "country", "policy": "case_by_case"} in got["end_user_rules"]


# --- b92/b93 (first runs 0.898, 0.952 at 2b2d69f): the forms below, in new words


def test_the_next_sentence_lists_the_acts_one_by_one() -> None:
    got = rec("陸暫停出口管制\n商務部與海關總署7日聯合發布2025年第70號公告,把10月9日推出的3份出口管制公告全部喊停,"
              "即日生效,暫停到2026年11月10日。這3份分別是第55號(超硬材料)、第56號(稀土設備)與第57號(部分中重稀土)。\n"
              "鎵、鍺出口仍須申請出口許可。\n")
    assert [(r["target"], r["until"]) for r in got["relations"]] == [
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-56", "2026-11-10"), ("MOFCOM-2025-57", "2026-11-10")]


def test_a_year_before_the_number_and_acts_that_would_not_be_implemented() -> None:
    got = rec("China suspends export curbs\nBEIJING, Nov 7 (Wire) - A joint notice from the Ministry of Commerce said "
              "Announcements No. 55, 56 and 57 of 2025 would not be implemented for one year, until November 10, 2026. "
              "MOFCOM's Announcement No. 72 suspends paragraph 2 of its 2024 No. 46 until 27 Nov 2026, which had "
              "barred gallium exports to the United States under export controls.\n")
    targets = {(r["target"], r["until"]) for r in got["relations"]}
    assert {("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-57", "2026-11-10"), ("MOFCOM-2024-46", "2026-11-27")} <= targets


# --- b95/b96 (first runs 0.923, 0.921 at 3bfa554): the forms below, in new words


def test_halted_measures_and_a_listed_set_with_notes_after_an_act_word() -> None:
    en = rec("China pauses curbs\nChina's Announcement No. 70 of 2025 halts six measures dated 9 October — "
             "Announcements No. 55, 56 and 57 of 2025 — with immediate effect until 10 November 2026, easing export "
             "controls on rare earths.\n")
    assert [(r["target"], r["until"]) for r in en["relations"]] == [
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-56", "2026-11-10"), ("MOFCOM-2025-57", "2026-11-10")]
    zh = rec("陸暫停稀土管制\n商務部發布2025年第70號公告,宣布暫停實施出口管制公告,暫停期限到2026年11月10日。\n"
             "依公告列出的清單,遭暫停的分別是:第55號(超硬材料)、第56號(稀土設備)、第57號(中重稀土)。\n"
             "鎵、鍺出口仍須申請出口許可,出口管制不變。\n")
    assert [r["target"] for r in zh["relations"]] == ["MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57"]


def test_a_status_tables_year_in_brackets_and_not_the_line_above() -> None:
    got = rec("<html><body><h1>Compliance brief: China's export controls suspended</h1><table>"
              "<tr><td>Measure</td><td>Scope</td><td>Status</td></tr>"
              "<tr><td>No. 55 (2025)</td><td>Superhard materials</td><td>Suspended to 10 Nov 2026</td></tr>"
              "<tr><td>No. 46 (2024), para. 2</td><td>US: gallium denial</td><td>Suspended to 27 Nov 2026</td></tr>"
              "</table></body></html>", "brief.html")
    assert {(r["target"], r["until"]) for r in got["relations"]} == {
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2024-46", "2026-11-27")}
