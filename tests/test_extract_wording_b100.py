"""Wordings and layouts met on the blind batches b100-b105 and p21-p22 (each rule written here in
new words, not copied from a batch): forum, blog and customer-notice chrome, act numbers listed
bare in brackets after "that batch", a relative year with its year in brackets, an act superseded
by one that keeps some of its items, a code carved out as "already caught by", a destination
country and a military end user in one clause, a repost's note of the original's date, previous-
and next-story links, a signature date with a compiler's note after it.

Each test runs the whole extractor on a short document parsed as files are."""
from __future__ import annotations

from batch_support import rec


def test_a_forum_thread_is_other_not_news() -> None:
    got = rec("锑锭出口现在还要证吗？\n"
              "查看: 905 | 回复: 4\n"
              "老锑 发表于 2025-11-12 08:15\n"
              "商务部去年对锑相关物项实施出口管制以后，我们每单都要申请两用物项出口许可证，现在还是一样吗？\n"
              "阿华 发表于 2025-11-12 09:02\n"
              "锑的出口管制没有暂停，照样要办证，原则上对美国不批那一条停了。\n")
    assert got["kind"] == "other" and got["relevant"]


def test_a_blog_post_with_its_meta_line_is_other() -> None:
    got = rec("石墨负极出口笔记：办证第一个月\n"
              "发表于 2023-12-30 21:10 | 分类：外贸随笔 | 阅读(811) | 评论(6)\n"
              "12月1日起石墨相关物项实施出口管制，我们的球化石墨每单都要先拿两用物项出口许可证。"
              "个人理解，不构成法律意见，以商务部官网原文为准。\n")
    assert got["kind"] == "other"


def test_a_freight_forwarders_customer_notice_is_other() -> None:
    got = rec("客户通知：镓、锗产品出口申报提示\n"
              "尊敬的客户：\n"
              "根据商务部、海关总署公告2023年第23号，自2023年8月1日起对镓、锗相关物项实施出口管制，"
              "请在订舱前提供两用物项出口许可证，否则无法申报。\n"
              "某某国际货运代理有限公司 2023年7月20日\n")
    assert got["kind"] == "other" and got["elements"] == ["Ga", "Ge"]


def test_act_numbers_listed_bare_in_brackets_after_that_batch_are_suspended_until_next_year() -> None:
    got = rec("外贸交流\n"
              "网友 发表于 2025-11-12 10:00\n"
              "7号商务部发了70号公告，10月9号出的那一批(55、57、61)都暂停实施到明年11月10号。"
              "所以钬、铒这些稀土出口管制措施现在不用办出口许可证了。\n")
    rel = {(r["type"], r["target"], r["until"]) for r in got["relations"]}
    assert {("suspends", f"MOFCOM-2025-{n}", "2026-11-10") for n in (55, 57, 61)} <= rel


def test_a_relative_year_with_its_year_in_brackets_gives_the_end_date() -> None:
    got = rec("內地暫停出口管制措施\n本報記者 2025年11月8日\n"
              "商務部與海關總署周五發出2025年第70號公告，宣布第57號公告由即日起暫停實施，"
              "直至明年（2026年）11月10日。第57號公告原本把鈥、鉺等稀土納入出口管制，出口須申請許可。\n")
    assert ("suspends", "MOFCOM-2025-57", "2026-11-10") in {
        (r["type"], r["target"], r["until"]) for r in got["relations"]}


def test_an_act_that_keeps_some_items_of_an_older_one_supersedes_it() -> None:
    text = ("商务部 海关总署公告2023年第39号\n"
            "根据《中华人民共和国出口管制法》有关规定，经国务院批准，决定对下列石墨物项实施出口管制：\n"
            "一、高纯度人造石墨材料及其制品。\n"
            "二、除上述物项外，商务部、海关总署公告2006年第50号所列其他物项不再实施临时出口管制。\n"
            "三、本公告自2023年12月1日起正式实施。商务部、海关总署公告2006年第50号同时废止。\n"
            "商务部 海关总署\n2023年10月20日\n")
    assert {(r["type"], r["target"]) for r in rec(text)["relations"]} == {("supersedes", "MOFCOM-2006-50")}


def test_an_act_repealed_outright_is_repealed() -> None:
    text = ("商务部 科技部公告2023年第57号\n"
            "为维护国家经济安全，商务部、科技部对稀土提炼技术等出口管制技术目录进行了修订，现将修订后的目录予以公布，"
            "自公布之日起施行。商务部 科技部公告2020年第38号公布的目录调整内容同时废止。\n"
            "商务部 科技部\n2023年12月21日\n")
    assert {(r["type"], r["target"]) for r in rec(text)["relations"]} == {("repeals", "MOFCOM-2020-38")}


def test_a_code_already_caught_by_another_entry_is_carved_out() -> None:
    got = rec("Client alert: China's tungsten controls\n\n"
              "China requires export licences for tungsten items under 1C117.c since 4 February 2025. "
              "Items already caught by 1C226 stay under the nuclear entries and are outside the new list.\n")
    assert got["control_codes"] == ["1C117.c"]


def test_a_destination_country_after_a_military_rule_in_one_clause_is_a_rule_of_its_own() -> None:
    got = rec("Client alert: China's measures on the United States\n\n"
              "China's Announcement No. 46 of 2024 prohibits exports of dual-use items to US military end "
              "users and provides that exports of gallium and germanium to the United States will in "
              "principle not be permitted.\n")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("military", "deny"), ("country", "deny")}


def test_a_country_qualifying_military_users_is_no_country_rule() -> None:
    got = rec("Client alert: China's measures on Japan\n\n"
              "China's Announcement No. 1 of 2026 bans exports of all dual-use items to Japanese military "
              "end users, with gallium among the items.\n")
    assert {(r["category"], r["policy"]) for r in got["end_user_rules"]} == {("military", "deny")}


def test_a_reposted_qa_takes_the_originals_date_from_its_source_note() -> None:
    got = rec("商务部新闻发言人就对锑等物项实施出口管制答记者问\n"
              "发布日期：2024年8月16日 | 来源：商务部网站\n"
              "问：商务部、海关总署今天发布公告，对锑等物项实施出口管制，请问有何考虑？\n"
              "答：对锑等物项实施出口管制，是国际通行做法。\n"
              "（原文来源：商务部网站 2024-08-15）\n")
    assert got["kind"] == "qa" and got["issued"] == "2024-08-15"


def test_a_previous_story_link_names_no_element() -> None:
    got = rec("商务部新闻发言人就镓锗出口管制答记者问\n"
              "问：请介绍对镓、锗相关物项实施出口管制的考虑。\n"
              "答：对镓、锗相关物项实施出口管制，是国际通行做法。\n"
              "上一篇：内地对钨、铋相关物项实施出口管制\n")
    assert got["elements"] == ["Ga", "Ge"]


def test_a_signature_date_with_a_compilers_note_is_the_issue_date() -> None:
    text = ("澄北市商务局关于转发商务部 海关总署公告2025年第18号的通知\n"
            "各有关企业：现将公告转发给你们，请遵照执行。\n"
            "澄北市商务局\n2025年4月9日\n"
            "商务部 海关总署公告2025年第18号\n"
            "经国务院批准，决定对钐、钆相关物项实施出口管制。出口经营者出口钐、钆相关物项，应当向商务部"
            "申请两用物项出口许可。本公告自公布之日起正式实施。\n"
            "商务部 海关总署\n"
            "2025年4月4日（注：节录本由市商务局整理）\n")
    got = rec(text)
    assert got["issued"] == "2025-04-04" and got["effective"] == ["2025-04-04"]


def test_the_list_under_a_line_that_introduces_numbered_acts_is_what_they_control() -> None:
    got = rec("内地再公布四份出口管制公告\n本报记者 2025年10月10日\n"
              "国家商务部昨日公布多份出口管制公告，把更多物项纳入许可管理。\n"
              "傍晚时分，商务部与海关总署再联合发布四份公告，编号由第55号至第58号，全部定于11月8日起实施：\n"
              "超硬材料：平均粒径50微米或以下的人造金刚石微粉；\n"
              "中重稀土：钬、铒、铥、铕、镱五种元素的金属、合金、氧化物及化合物；\n"
              "锂电池：能量密度300Wh/kg以上的电池。\n")
    assert {"C", "Ho", "Er", "Tm", "Eu", "Yb", "Li"} <= set(got["elements"])


def test_a_weekday_with_its_day_in_brackets_dates_an_immediate_suspension() -> None:
    got = rec("內地暫停稀土出口管制\n本報記者 2025年11月8日\n"
              "商務部周五（7日）晚發出第70號公告，宣布於10月9日發出的第57號公告由即日起暫停實施，"
              "直至2026年11月10日。第57號公告原本把鈥、鉺等稀土納入出口管制，出口須申請許可。"
              "按原來安排，第57號公告本應於今日（8日）生效。\n")
    assert got["effective"] == ["2025-11-07"]


def test_year_dash_act_numbers_in_a_list_are_the_suspended_acts() -> None:
    got = rec("Client alert: China pauses its October rare-earth export controls\n\n"
              "- On 7 November 2025, MOFCOM issued MOFCOM/GAC Announcement 2025-70. It suspends six export-control "
              "announcements of 9 October 2025 until 10 November 2026. The suspension applied from the day of publication.\n"
              "- The suspended acts are MOFCOM/GAC Announcements 2025-55, 2025-56 and 2025-57, which would have "
              "controlled holmium and erbium items.\n")
    rel = {(r["type"], r["target"], r["until"]) for r in got["relations"]}
    assert {("suspends", f"MOFCOM-2025-{n}", "2026-11-10") for n in (55, 56, 57)} <= rel
    assert "MOFCOM-2025-2" not in {r["target"] for r in got["relations"]}
    assert got["effective"] == ["2025-11-07"]


def test_numbers_opening_the_lines_under_a_lead_in_naming_acts_are_acts() -> None:
    got = rec("FAQ: China's November suspensions of rare-earth export controls\n\n"
              "Announcement No. 70 of 2025, published on 7 November, suspends until 10 November 2026 the export "
              "controls in three October announcements:\n"
              "No. 55 – superhard materials such as synthetic diamond micropowder;\n"
              "No. 57 – holmium, erbium and thulium items;\n"
              "No. 58 – lithium batteries and artificial graphite anode materials.\n")
    rel = {(r["type"], r["target"]) for r in got["relations"]}
    assert {("suspends", "MOFCOM-2025-55"), ("suspends", "MOFCOM-2025-57"), ("suspends", "MOFCOM-2025-58")} <= rel


def test_a_facts_tables_document_number_names_the_act_not_the_title_it_acts_on() -> None:
    got = rec("<html><body><table><tr><td>Document No.</td><td>MOFCOM GAC Announcement No. 70 [2025]</td></tr>"
              "<tr><td>Date issued</td><td>2025-11-07</td></tr></table>"
              "<h1>Announcement on Suspending the Implementation of Announcements No. 55 and 57 of 2025</h1><p>MOFCOM GAC Announcement No. 70 of 2025</p>"
              "<p>The relevant matters are hereby announced as follows:</p><p>"
              "1. The implementation of Announcement No. 57 of 2025 of the Ministry of Commerce and the General "
              "Administration of Customs (Decision on Implementing Export Control on Items Related to Superhard "
              "Materials and holmium) is suspended until 10 November 2026.</p>"
              "<p>2. This announcement shall come into force on the date of its publication.</p>"
              "<p>Ministry of Commerce</p><p>General Administration of Customs</p><p>7 November 2025</p></body></html>",
              name="probe.html")
    assert got["announcement"] == "MOFCOM-2025-70"
    assert got["elements"] == []


def test_a_bare_range_after_a_suspension_verb_names_the_suspended_acts() -> None:
    got = rec("关键矿产出口管制一览\n研究员 2025年11月20日\n"
              "商务部 海关总署公告2025年第70号 | 2025.11.07 | 暂停第55号至第57号及第61号 | —\n"
              "第57号公告把钬、铒等稀土纳入出口管制，出口须申请许可。\n")
    targets = {r["target"] for r in got["relations"] if r["type"] == "suspends"}
    assert {"MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57", "MOFCOM-2025-61"} <= targets
    assert "MOFCOM-2025-70" not in targets


def test_the_act_a_suspension_happened_because_of_or_from_a_date_is_the_acting_one() -> None:
    got = rec("对美措施一览\n研究员 2025年11月20日\n"
              "注：第58号公告因第70号公告暂停，锂电池出口管制原定施行日未实际施行。\n"
              "2024年第46号公告原则上不予许可镓、锗相关两用物项对美国出口。"
              "第72号公告自2025年11月9日起至2026年11月27日暂停实施2024年第46号公告第二款。\n")
    targets = {r["target"] for r in got["relations"] if r["type"] == "suspends"}
    assert {"MOFCOM-2025-58", "MOFCOM-2024-46"} <= targets
    assert not targets & {"MOFCOM-2025-70", "MOFCOM-2025-72"}


def test_an_acts_numbered_list_wrapped_after_its_issuer_is_suspended_whole() -> None:
    text = ("商务部 海关总署公告2025年第70号\n"
            "现将有关事项公告如下：\n"
            "自本公告公布之日起至2026年11月10日，暂停实施下列公告：\n"
            "（一）商务部\n海关总署公告2025年第55号（关于对超硬材料相关物项实施出口管制的决定）；\n"
            "（二）商务部\n海关总署公告2025年第57号（关于对部分中重稀土相关物项实施出口管制的决定）；\n"
            "（三）商务部公告2025年第61号（关于对境外相关稀土物项实施出口管制的决定）。\n"
            "商务部 海关总署\n2025年11月7日\n")
    rel = {(r["type"], r["target"], r["until"]) for r in rec(text)["relations"]}
    assert rel == {("suspends", f"MOFCOM-2025-{n}", "2026-11-10") for n in (55, 57, 61)}


def test_the_end_date_in_the_clause_after_the_list_of_suspended_acts() -> None:
    text = ("MOFCOM GAC Announcement No. 70 of 2025\n"
            "The relevant matters are hereby announced as follows:\n"
            "1. The implementation of the following announcements is suspended:\n"
            "(1) MOFCOM/GAC Announcement No. 55 of 2025 (Decision on Implementing Export Control on Items "
            "Related to Superhard Materials);\n"
            "(2) MOFCOM Announcement No. 61 of 2025 (Decision on Implementing Export Control on Relevant "
            "Overseas Rare-Earth Items).\n"
            "2. The suspension in paragraph 1 applies until 10 November 2026.\n"
            "3. This Announcement shall be implemented as of the date of its publication.\n"
            "Ministry of Commerce\nGeneral Administration of Customs\n7 November 2025\n")
    rel = {(r["type"], r["target"], r["until"]) for r in rec(text)["relations"]}
    assert rel == {("suspends", "MOFCOM-2025-55", "2026-11-10"), ("suspends", "MOFCOM-2025-61", "2026-11-10")}


def test_the_acts_listed_under_the_sentence_after_a_suspension() -> None:
    got = rec("Client alert: general licences and China's rare-earth export controls\n\n"
              "MOFCOM/GACC Announcement No. 70 of 2025, published on 7 November 2025, suspended a set of "
              "measures announced on 9 October until 10 November 2026. For rare-earth buyers, two matter most:\n"
              "Announcement No. 57 of 2025: licensing for holmium and erbium items.\n"
              "Announcement No. 61 of 2025: the 0.1% rule for foreign-made goods.\n")
    assert {(r["type"], r["target"]) for r in got["relations"]} == {
        ("suspends", "MOFCOM-2025-57"), ("suspends", "MOFCOM-2025-61")}


def test_a_bulletin_board_post_is_other() -> None:
    got = rec("作者 tin_wu (錫箔) 看板 Metal\n標題 [問題] 銻出美國還要許可證嗎？\n"
              "小弟做三氧化二銻貿易，想請教大陸對銻的出口管制現在還要申請許可證嗎？\n"
              "※ 發信站: 島嶼實業坊\n推 lee: 還是要許可證 銻是2024年第33號公告管的出口管制物項 11/10 09:48\n")
    assert got["kind"] == "other"


def test_military_ai_in_chinese_with_the_latin_letters() -> None:
    got = rec("陆管制境外稀土技术\n记者 2025年10月10日\n"
              "商务部公告明确，用于先进芯片研发的出口申请与军事AI用途的出口申请将逐案审查，稀土物项出口须申请许可。\n")
    assert ("military", "case_by_case") not in {(r["category"], r["policy"]) for r in got["end_user_rules"]}


def test_a_forwarding_notices_own_requirements_are_not_the_suspending_acts_scope() -> None:
    text = ("关于转发《商务部公告2025年第72号》的通知\n"
            "各有关进出口企业：\n现将商务部公告2025年第72号转发给你们，请认真组织学习。\n"
            "一、2024年第46号公告第一款禁止两用物项对美国军事用户或军事用途出口；第二款原则上不予许可镓、锗、锑相关两用物项对美国出口。\n"
            "二、本次暂停的仅为上述第二款，企业出口镓、锗、锑仍须依法申领两用物项出口许可证。\n"
            "附件：商务部公告2025年第72号\n白水市商务局\n2025年11月10日\n"
            "附件\n商务部公告2025年第72号\n"
            "经批准，自即日起至2026年11月27日，商务部公告2024年第46号第二款暂停实施。\n"
            "商务部\n2025年11月9日\n")
    got = rec(text)
    assert got["announcement"] == "MOFCOM-2025-72"
    assert got["elements"] == [] and got["end_user_rules"] == []
    assert {(r["type"], r["target"], r["until"]) for r in got["relations"]} == {("suspends", "MOFCOM-2024-46", "2026-11-27")}
