"""Party extraction rules on short documents written for these tests (not taken from any batch):
descriptions before a name are not the name, generic phrases are never parties, a note on another
act names none of this act's parties, and each name takes the list and action of its own clause.

Each test states one rule; the documents are parsed as files are (pipeline.parse), so tables and
lines get the roles the layout gives them."""
from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.parse import parse
from pipeline.records import Raw


def parties(text: str, name: str = "probe.txt") -> set[tuple[str, str, str]]:
    doc = parse(Raw(content=text.encode("utf-8"), source=name))
    rec = extract(doc).record
    for ev in rec["evidence"]:
        if ev["field"] == "parties":
            assert ev["value"]["name"] == ev["text"]
    return {(p["name"], p["list"], p["action"]) for p in rec["parties"]}


def rec_of(text: str, name: str = "probe.txt") -> dict:
    return extract(parse(Raw(content=text.encode("utf-8"), source=name))).record


def names(text: str, name: str = "probe.txt") -> set[str]:
    return {n for n, _, _ in parties(text, name)}


def test_a_chinese_description_before_a_name_is_not_the_name() -> None:
    got = parties("商务部将美国企业列入出口管制管控名单\n\n"
                  "商务部25日宣布,将美国最大军用无人机企业天穹动力公司和知名雷达制造商北辰电子公司列入出口管制管控名单,"
                  "禁止向其出口两用物项。\n")
    assert got == {("天穹动力公司", "control_list", "added"), ("北辰电子公司", "control_list", "added")}


def test_a_description_run_into_the_name_it_describes() -> None:
    got = names("反制措施\n\n商务部同海关总署宣布对钨、碲相关物项实施出口管制。不可靠实体清单工作机制亦宣布,"
                "将美国服装集团ABC集团,同基因测序公司星辰基因(Stargene)列入不可靠实体清单。钨出口管制同日生效。\n")
    assert got == {"ABC集团", "星辰基因"}


@pytest.mark.parametrize("phrase", ["本地一家律师事务所", "如果本地公司", "一家德国贸易公司"])
def test_a_phrase_with_a_count_or_an_unnamed_one_is_no_party(phrase: str) -> None:
    got = names("管控名单\n\n商务部将北辰电子公司列入出口管制管控名单,涉及两用物项出口管制。"
                f"{phrase}表示,名单上的企业都会受到影响,出口管制管控名单措施需要重视。\n")
    assert got == {"北辰电子公司"}


def test_a_name_in_a_bracketed_aside_is_no_party() -> None:
    got = names("新闻\n\n商务部宣布对钨、碲相关物项实施出口管制,不可靠实体清单工作机制将北辰电子公司列入不可靠实体清单,"
                "钨出口管制同日生效,(受访者 贸易公司董事 陈先生)客户都好担心\n")
    assert got == {"北辰电子公司"}


def test_an_owner_named_before_its_subsidiaries_is_no_party() -> None:
    got = names("管控名单\n\n商务部将天穹动力公司旗下的两家子公司,即天穹航空公司和天穹太空公司列入出口管制管控名单,涉及两用物项。\n")
    assert got == {"天穹航空公司", "天穹太空公司"}


def test_a_name_printed_with_and_without_its_country_word_is_one_party() -> None:
    got = parties("答记者问\n\n问:工作机制宣布将美国天穹动力公司移出不可靠实体清单,有何考虑?\n"
                  "答:经审查,工作机制决定将天穹动力公司移出不可靠实体清单。商务部对稀土的出口管制措施不变,稀土出口仍须申请许可。\n")
    assert got == {("天穹动力公司", "unreliable_entity", "removed")}


def test_an_english_possessive_or_origin_before_a_name_is_not_the_name() -> None:
    got = names("China adds firms to its export control list\n\n"
                "China's commerce ministry placed Japan's Kappa Aerospace Corporation, Virginia-based Lambda Systems "
                "and America's largest drone maker Mu Robotics on its export control list, barring dual-use exports.\n")
    assert got == {"Kappa Aerospace Corporation", "Lambda Systems", "Mu Robotics"}


def test_an_appositive_between_commas_does_not_end_the_enumeration() -> None:
    got = names("China blacklists firms\n\n"
                "China placed Kappa Industries (KI), the country's largest military shipbuilder, and Lambda Systems "
                "on its unreliable entity list, citing export controls on dual-use items.\n")
    assert got == {"Kappa Industries", "Lambda Systems"}


def test_generic_phrases_are_never_parties() -> None:
    got = names("China lists Japanese entities\n\n"
                "On 2 March MOFCOM placed 20 other Japanese entities, among them Kappa Shipbuilding Co., "
                "on the export control list for dual-use items.\n"
                "Chinese companies such as Lambda Magnetics said they would comply with the export controls.\n")
    assert got == {"Kappa Shipbuilding Co."}


def test_each_name_takes_the_list_of_its_count_group() -> None:
    got = parties("China lists 40 Japanese entities\n\n"
                  "On 24 February MOFCOM placed 20 Japanese entities on the control list, among them Kappa Shipbuilding Co. "
                  "and the National Institute of Lambda, and 20 others, including Mu Corporation, on the watch list, "
                  "under its export controls on dual-use items.\n")
    assert got == {("Kappa Shipbuilding Co.", "control_list", "added"),
                   ("National Institute of Lambda", "control_list", "added"),
                   ("Mu Corporation", "watch_list", "added")}


def test_a_later_verb_acts_on_the_names_after_it_and_a_passive_on_the_one_before() -> None:
    got = parties("MOFCOM eases export control listings\n\n"
                  "MOFCOM said it would suspend the measures against 15 U.S. entities it had placed on its export control "
                  "list in March, including Kappa, Inc. and Lambda Corporation, and stop enforcing the listing of Mu Robotics, "
                  "which had been on the unreliable entity list since 2024.\n"
                  "Separately, Nu Technologies, Inc. was removed from the unreliable entity list.\n")
    assert got == {("Kappa, Inc.", "control_list", "suspended"), ("Lambda Corporation", "control_list", "suspended"),
                   ("Mu Robotics", "unreliable_entity", "removed"), ("Nu Technologies, Inc.", "unreliable_entity", "removed")}


def test_another_countrys_list_holds_none_of_chinas_parties() -> None:
    got = names("Japan and China swap listings as rare earth curbs bite\n\n"
                "Japan's trade ministry added Kappa Trading Co. to Japan's export control list on Tuesday. A day earlier, "
                "China's commerce ministry had placed Lambda Shipbuilding Co. on its export control list, and China's export "
                "controls on dysprosium items remain in force.\n")
    assert got == {"Lambda Shipbuilding Co."}


NOTE_ON_ANOTHER_ACT = """<html><head><meta charset="utf-8"><title>商务部公告2026年第21号</title></head><body>
<h1>商务部公告2026年第21号</h1>
<p>根据《中华人民共和国出口管制法》有关规定,商务部决定将天穹动力公司等2家实体列入出口管制管控名单(名单见附件),并采取下列措施:</p>
<p>一、禁止出口经营者向上述2家实体出口两用物项。</p>
<p>二、本公告自公布之日起正式实施。</p>
<p>商务部</p>
<p>2026年3月2日</p>
<p>附件:出口管制管控名单</p>
<ul><li>天穹动力公司(Tianqiong Power Co.)</li><li>北辰电子公司(Beichen Electronics Co.)</li></ul>
<p>背景</p>
<p>同日商务部另以2026年第22号公告,将南星航空公司列入关注名单。</p>
</body></html>"""


def test_a_note_below_the_act_on_another_act_names_none_of_its_parties() -> None:
    got = parties(NOTE_ON_ANOTHER_ACT, "note.html")
    assert got == {("天穹动力公司", "control_list", "added"), ("北辰电子公司", "control_list", "added")}


LIST_COLUMNS = """<html><head><meta charset="utf-8"><title>Tracker: China's listings this week</title></head><body>
<h1>Tracker: China's listings this week</h1>
<p>MOFCOM added firms to its export control list and the UEL working mechanism added others to the unreliable entity list; dual-use export controls apply.</p>
<table>
<tr><th>Entity (as published)</th><th>Country</th><th>List</th><th>Action</th></tr>
<tr><td>Kappa Industries, Inc.</td><td>US</td><td>Export control list</td><td>Added</td></tr>
<tr><td>Lambda Systems LLC</td><td>US</td><td>Unreliable entity list</td><td>Added</td></tr>
<tr><td>Mu Robotics Inc.</td><td>US</td><td>Unreliable entity list</td><td>Removed</td></tr>
<tr><td>[others not reproduced]</td><td></td><td></td><td></td></tr>
</table>
</body></html>"""


def test_a_table_says_list_and_action_per_row() -> None:
    got = parties(LIST_COLUMNS, "tracker.html")
    assert got == {("Kappa Industries, Inc.", "control_list", "added"), ("Lambda Systems LLC", "unreliable_entity", "added"),
                   ("Mu Robotics Inc.", "unreliable_entity", "removed")}


# ----------------------------------------------------------------------------- batch p04 shapes
ANNEX_NAME_COLUMNS = """<html><head><meta charset="utf-8"><title>不可靠实体清单工作机制公告</title></head><body>
<h1>关于将2家美国实体列入不可靠实体清单的公告</h1>
<p>不可靠实体清单工作机制决定将本公告附件所列2家美国实体纳入不可靠实体清单,禁止其从事与中国有关的两用物项进出口活动。</p>
<p>附件 不可靠实体清单</p>
<table>
<tr><th>序号</th><th>实体中文名称</th><th>实体英文名称</th><th>国别</th></tr>
<tr><td>1</td><td>天穹动力公司</td><td>Tianqiong Power, Inc.</td><td>美国</td></tr>
<tr><td>2</td><td>KappaAI公司</td><td>KappaAI</td><td>美国</td></tr>
</table>
</body></html>"""


def test_an_annex_column_headed_entity_chinese_name_holds_the_names() -> None:
    got = parties(ANNEX_NAME_COLUMNS, "annex.html")
    assert got == {("天穹动力公司", "unreliable_entity", "added"), ("KappaAI公司", "unreliable_entity", "added")}


def test_a_short_question_naming_a_list_is_no_caption_and_a_names_lead_in_follows_the_list_named_before() -> None:
    got = names("论坛\n\n商务部今天把3家实体列进了出口管制管控名单,禁止出口两用物项。\n\n"
                "名单我抄在下面:\n\n1、天穹动力公司\n\n2、北辰电子公司\n\n3、南星研究院\n\n"
                "这也算管控名单的新用法吧?\n\n- 我的签名档,欢迎来玩 -\n")
    assert got == {"天穹动力公司", "北辰电子公司", "南星研究院"}


def test_on_the_list_slang_and_an_enumeration_inside_a_chinese_name() -> None:
    got = parties("商務部將美國實體列入管控名單\n\n商務部周一宣布把10間美國實體納入出口管制管控名單,禁止出口兩用物項。\n\n"
                  "今次上榜的包括美國軍火巨頭天穹動力公司、北辰防務、海洋與太空集團,以及南星電子公司;"
                  "其餘7間本網不逐一列出。\n")
    assert got == {("天穹動力公司", "control_list", "added"), ("北辰防務、海洋與太空集團", "control_list", "added"),
                   ("南星電子公司", "control_list", "added")}


def test_names_given_as_a_count_named_as() -> None:
    got = names("China blacklists three U.S. firms\n\n"
                "China on Monday put three U.S. companies on its unreliable entity list over dual-use exports. "
                "The ministry named the three as Kappa Electronics, Lambda & Mu Simulation and Nu Solutions.\n")
    assert got == {"Kappa Electronics", "Lambda & Mu Simulation", "Nu Solutions"}


def test_owners_and_founders_after_a_count_are_not_parties() -> None:
    got = names("China lists firms\n\n"
                "China placed Kappa Tactical on its export control list for dual-use items. The same day it also added "
                "six other defence companies, most of them units of Lambda Corporation and Mu Dynamics, to the list.\n")
    assert got == {"Kappa Tactical"}


def test_among_them_are_and_best_known_of_which_open_a_run() -> None:
    got = parties("China's party lists: an update\n\n"
                  "Listing on MOFCOM's export control list bars dual-use exports to the listed party. MOFCOM stopped applying "
                  "its export control list measures to the 12 U.S. entities designated in March. Among them are the design firm Kappa & Co., Inc. "
                  "and Lambda Systems, Inc.; the others are not repeated here.\n\n"
                  "The measures against the 9 U.S. entities on the export control list designated in April, the best known of "
                  "which is Mu Aerospace Technologies, were suspended in May.\n")
    assert got == {("Kappa & Co., Inc.", "control_list", "removed"), ("Lambda Systems, Inc.", "control_list", "removed"),
                   ("Mu Aerospace Technologies", "control_list", "suspended")}


def test_one_of_a_count_and_a_comma_aside_before_the_verb() -> None:
    got = parties("China's lists\n\n"
                  "Kappa Maritime Systems was already one of 20 U.S. entities placed on the export control list in January, "
                  "which bars dual-use exports. Lambda Industries, for its part, has been on the unreliable entity list "
                  "since 2024.\n")
    assert got == {("Kappa Maritime Systems", "control_list", "added"), ("Lambda Industries", "unreliable_entity", "added")}


STATUS_TABLE = """<html><head><meta charset="utf-8"><title>Lifted, paused, live: our unreliable entity list coding</title></head><body>
<h1>Lifted, paused, live: our unreliable entity list coding</h1>
<p>Clients asked how the unreliable entity list (UEL) records changed; export controls on rare earths and dual-use
items are unaffected, and rare earth export licences are still required.</p>
<p>MOFCOM said on 1 May that the measures under some working mechanism announcements stop applying, while others stay
suspended for one more year; our feed shows each change in the status column below, and the export controls on rare
earth items of the other announcements are not touched by it.</p>
<table>
<tr><th>Entity</th><th>Source act</th><th>Status before</th><th>Status from 1 May</th></tr>
<tr><td>Kappa, L.P.</td><td>UEL No. 3</td><td>ACTIVE</td><td>LIFTED</td></tr>
<tr><td>Lambda Corporation</td><td>UEL No. 4</td><td>SUSPENDED</td><td>SUSPENDED</td></tr>
<tr><td colspan="4">+ 6 further No. 4 entities, see the feed</td></tr>
<tr><td>Mu Genomics, Inc.</td><td>UEL No. 2</td><td>ACTIVE</td><td>ACTIVE</td></tr>
</table>
</body></html>"""


def test_a_status_column_gives_each_row_its_action_and_a_count_row_is_no_name() -> None:
    got = parties(STATUS_TABLE, "status.html")
    assert got == {("Kappa, L.P.", "unreliable_entity", "removed"), ("Lambda Corporation", "unreliable_entity", "suspended"),
                   ("Mu Genomics, Inc.", "unreliable_entity", "added")}


def test_a_name_together_with_another_on_the_list() -> None:
    got = names("Why Kappa still screens as a hit\n\n"
                "Kappa Genomics, the sequencing company, was put on the unreliable entity list in February, together with "
                "the clothing group Lambda Corp. The same day China announced export controls on tungsten and tellurium items, "
                "and export licences for tungsten are now required.\n")
    assert got == {"Kappa Genomics", "Lambda Corp."}


TRANSLATION_NOTE = """UNOFFICIAL TRANSLATION OF THE UNRELIABLE ENTITY LIST DECISION ON KAPPA (EXPORT CONTROLS ON RARE EARTHS)

Announcement of the Unreliable Entity List Working Mechanism

Adding Kappa Corp. to the Unreliable Entity List

The Working Mechanism decides to add the following entity to the Unreliable Entity List:

1. Kappa Corp.

The entity has taken discriminatory measures against Chinese enterprises and harmed China's interests. Any import or
export of dual-use items with it, and any new investment by it in China, is prohibited. This announcement takes effect
on the date of its publication.

Unreliable Entity List Working Mechanism
4 May 2026

----------------------------------------

TRANSLATOR'S NOTE (not part of the announcement)

- Its previous decision placed six U.S. firms on the list, Lambda Missiles and Mu Control among them.
- The decision was published with export controls on tungsten and tellurium items; tungsten exports now need a licence.

----------------------------------------
"""


def test_a_translators_note_that_is_not_part_of_the_act_names_none_of_its_parties() -> None:
    assert names(TRANSLATION_NOTE) == {"Kappa Corp."}


def test_names_recalled_by_date_take_what_a_later_clause_does_to_the_act_of_their_date() -> None:
    got = parties("商务部新闻发言人就调整不可靠实体清单措施答记者问\n\n"
                  "问:中方对不可靠实体清单有何调整?\n\n"
                  "答:工作机制于2026年1月6日、2月9日先后发布公告,将天穹动力公司等5家美国实体,以及北辰电子公司、"
                  "南星航空公司等7家美国实体列入不可靠实体清单,并禁止其从事与中国有关的两用物项进出口活动。\n\n"
                  "中方决定,自2026年6月1日起:对2月9日公告涉及的相关措施,继续暂停实施1年;"
                  "对1月6日公告涉及的相关措施,停止实施。\n")
    assert got == {("天穹动力公司", "unreliable_entity", "removed"), ("北辰电子公司", "unreliable_entity", "suspended"),
                   ("南星航空公司", "unreliable_entity", "suspended")}


def test_a_table_cell_may_hold_several_names_and_a_count_is_no_name() -> None:
    doc = ("China's unreliable entity list and export control list at a glance\n\n"
           "<table><tr><th>Date</th><th>List</th><th>Entities named</th><th>Jurisdiction</th></tr>"
           "<tr><td>3 Mar 2026</td><td>UEL</td><td>Orion Fields Inc.; Vega Marine Systems; four others</td>"
           "<td>U.S.</td></tr>"
           "<tr><td>9 Apr 2026</td><td>Export control list</td><td>Polaris Avionics Corporation (PAC); "
           "three shipyards and suppliers</td><td>Taiwan</td></tr></table>\n")
    got = parties(doc, "probe.html")
    assert got == {("Orion Fields Inc.", "unreliable_entity", "added"),
                   ("Vega Marine Systems", "unreliable_entity", "added"),
                   ("Polaris Avionics Corporation", "control_list", "added")}


def test_measures_that_remain_in_place_start_no_run_of_names() -> None:
    got = names("China adds a drone firm to its unreliable entity list\n\nChina added Helix Rotor Inc. to its unreliable entity list in May. "
                "Helix had earlier faced foreign-ministry countermeasures, which remain in place and fall outside the UEL.\n")
    assert got == {"Helix Rotor Inc."}


def test_a_name_set_off_before_an_appositive_best_known_of_them() -> None:
    got = parties("Drone firms on China's unreliable entity list\n\nThe measures of the April decision, which had designated nine drone firms, "
                  "remain suspended under the unreliable entity list rules. Quill Aerial, Inc., the best known of them, "
                  "is in that position.\n")
    assert got == {("Quill Aerial, Inc.", "unreliable_entity", "suspended")}


def test_a_chinese_lead_in_the_entities_are_colon_and_a_generic_and_phrase() -> None:
    got = parties("商务部将台湾实体列入管控名单\n\n商务部今日宣布,将3家台湾企业与机构列入出口管制管控名单。\n\n"
                  "被列管的3家实体为:青峰航电股份有限公司、海岚精密公司及北辰研究院。\n")
    assert got == {("青峰航电股份有限公司", "control_list", "added"), ("海岚精密公司", "control_list", "added"),
                   ("北辰研究院", "control_list", "added")}


def test_a_warning_about_a_named_company_is_no_listing() -> None:
    got = names("商务部将两家美企列入不可靠实体清单\n\n工作机制决定将天弓防务公司列入不可靠实体清单。"
                "有证据显示,美国林湾贸易公司规避有关规定,将自中国采购的货物转移给清单中的企业,境内企业应加强尽职调查。\n")
    assert got == {"天弓防务公司"}
    got = names("Two firms listed\n\nChina added Tern Defense Corp to its unreliable entity list. The notice also "
                "warned exporters about Marlow Parts LLC, which was not itself listed on the unreliable entity list.\n")
    assert got == {"Tern Defense Corp"}


def test_an_act_recalling_an_earlier_listing_does_not_list_those_again() -> None:
    doc = ("不可靠实体清单工作机制公告2026年第3号\n\n"
           "一、决定将参与对台湾地区军售的赤霄航空公司列入不可靠实体清单。\n\n"
           "二、2025年3月1日,工作机制已将青锋导弹公司列入不可靠实体清单并采取相应处理措施。\n\n"
           "本公告自公布之日起实施。\n\n不可靠实体清单工作机制\n\n2026年5月8日\n")
    assert names(doc) == {"赤霄航空公司"}


def test_a_country_word_before_a_chinese_name_with_a_latin_name_beside_it() -> None:
    got = names("商务部公告\n\n商务部决定将美国鹰岩动力系统公司(Eagle Rock Power Systems)和"
                "美国光栅公司(American Grating Inc.)列入出口管制管控名单。\n")
    assert got == {"鹰岩动力系统公司", "美国光栅公司"}


def test_names_in_the_paragraph_after_a_reported_listing() -> None:
    got = names("商务部将三家美企列入不可靠实体清单\n\n商务部今日连发两份公告,将三家美国企业列入不可靠实体清单。\n\n"
                "第一份公告涉及云帆航空系统公司(Yunfan Air Systems)及铁岭陆战系统公司;第二份公告则针对"
                "美国军火巨头星河旗下的星河防务、航天与安全集团。\n")
    assert got == {"云帆航空系统公司", "铁岭陆战系统公司", "星河防务、航天与安全集团"}


def test_a_short_name_after_a_maker_description_before_and() -> None:
    got = names("商务部首次动用不可靠实体清单\n\n商务部去年首次动用不可靠实体清单,当时将美国军火商雷岩及北风导弹与防务公司列入清单。\n")
    assert got == {"雷岩", "北风导弹与防务公司"}


def test_the_list_name_in_quotes_and_one_name_after_a_singular_company() -> None:
    got = names("China puts two firms on 'unreliable entity' list\n\nBEIJING, May 2 - China on Friday added Kestrel "
                "Dynamics Corp and Brant Missiles & Defense, a unit of Brant Holdings, to its unreliable entity list.\n")
    assert got == {"Kestrel Dynamics Corp", "Brant Missiles & Defense"}
    got = names("China puts a U.S. firm on its unreliable entity list\n\nThe Unreliable Entity List Working Mechanism has decided to add the U.S. company "
                "Harrow Land, Sea & Air, which has taken part in arms sales to the Taiwan region, to the Unreliable "
                "Entity List.\n")
    assert got == {"Harrow Land, Sea & Air"}


def test_a_university_whose_scholar_is_quoted_is_no_party() -> None:
    got = names("商务部将三家美企列入不可靠实体清单\n\n商务部将青石科技公司列入不可靠实体清单。"
                "对外经济贸易大学一位学者表示,本次措施针对性较强,被列入的企业与中国贸易往来不多。\n")
    assert got == {"青石科技公司"}


def test_after_a_singular_firm_an_enumeration_with_legal_forms_stays_several_names() -> None:
    got = names("China's export control list: the status\n\nMOFCOM lifted its export control list measures on "
                "several U.S. firms. Among them are the ship design firm Harbor & Lane, Inc., Ridge Land Vehicles, "
                "Inc. and Tallow Aerospace.\n")
    assert got == {"Harbor & Lane, Inc.", "Ridge Land Vehicles, Inc.", "Tallow Aerospace"}


# ----------------------------------------------------------------------------- batch p06 shapes
def test_the_list_spoken_of_before_is_the_list_of_names_it_includes() -> None:
    got = parties("China adds nine firms to its unreliable entity list\n\nBEIJING, June 3 - China on Tuesday put nine "
                  "foreign firms on its unreliable entity list.\n\nThe U.S. names on the list include sensor maker "
                  "Quarry Optics and Vantor Labs, Inc. The list also includes British analytics company Ferrow "
                  "Insight and the Lisbon Maritime Forum, which hosts a yearly meeting.\n")
    assert got == {("Quarry Optics", "unreliable_entity", "added"), ("Vantor Labs, Inc.", "unreliable_entity", "added"),
                   ("Ferrow Insight", "unreliable_entity", "added"), ("Lisbon Maritime Forum", "unreliable_entity", "added")}


def test_a_count_given_with_a_list_says_which_list_the_list_includes() -> None:
    got = parties("China acts on two lists\n\nThe unreliable entity list working mechanism named two firms. "
                  "Separately, MOFCOM put 12 U.S. companies on its export control list.\n\nExporters may no longer ship "
                  "dual-use items to the 12 companies. The list includes radar maker Teal Sensing and Orrin Dynamics.\n")
    assert got == {("Teal Sensing", "control_list", "added"), ("Orrin Dynamics", "control_list", "added")}


ENTITY_COLUMN = """<html><head><meta charset="utf-8"><title>商务部将美国实体列入出口管制管控名单</title></head><body>
<h1>商务部将美国实体列入出口管制管控名单</h1>
<p>商务部今天决定将12家美国实体列入出口管制管控名单,禁止出口两用物项。</p>
<p>本站整理了其中几家的情况(见下表)。</p>
<table>
<tr><th>实体</th><th>主营</th><th>备注</th></tr>
<tr><td>青峰动力公司</td><td>发动机</td><td>—</td></tr>
<tr><td>白杨电子公司</td><td>雷达</td><td>母公司另被列入不可靠实体清单</td></tr>
</table>
</body></html>"""


def test_a_column_headed_entity_under_a_listing_holds_names() -> None:
    got = parties(ENTITY_COLUMN, "portal.html")
    assert got == {("青峰动力公司", "control_list", "added"), ("白杨电子公司", "control_list", "added")}


SPANNED_ROWS = """<html><head><meta charset="utf-8"><title>两份名单解读</title></head><body>
<h1>两份名单解读</h1>
<p>2026年3月2日,商务部以2026年第31号公告将12家日本实体列入出口管制管控名单,以第32号公告将另外10家日本实体列入关注名单。</p>
<p>三、移出程序</p>
<p>被列入关注名单的实体配合核查后,可以申请移出。</p>
<p>四、名单对照</p>
<table>
<tr><th>名单</th><th>实体(节选)</th><th>影响</th></tr>
<tr><td rowspan="2">出口管制管控名单</td><td>松原精机株式会社</td><td rowspan="2">禁止出口两用物项</td></tr>
<tr><td>北海大学</td></tr>
<tr><td rowspan="2">关注名单</td><td>若叶航空株式会社</td><td rowspan="2">不得适用通用许可</td></tr>
<tr><td>东山工业株式会社</td></tr>
</table>
</body></html>"""


def test_rows_under_spanned_cells_go_on_with_the_row_above_and_a_section_heading_bounds_the_table() -> None:
    got = parties(SPANNED_ROWS, "lawfirm.html")
    assert got == {("松原精机株式会社", "control_list", "added"), ("北海大学", "control_list", "added"),
                   ("若叶航空株式会社", "watch_list", "added"), ("东山工业株式会社", "watch_list", "added")}


def test_a_name_set_apart_from_the_list_is_no_party() -> None:
    got = names("名单列入的是子公司\n\n2026年3月2日,商务部以2026年第31号公告将12家日本实体列入出口管制管控名单。需要注意的是,松原重工株式会社本身并不在名单上,但其子公司松原精机株式会社被列入出口管制管控名单;"
                "筛查时不宜按集团处理。\n")
    assert got == {"松原精机株式会社"}
    got = names("Subsidiaries, not parents\n\nOn March 2, 2026, MOFCOM placed 12 Japanese entities on its export "
                "control list under Announcement No. 31 of 2026. It placed Pine Aero Engines Co., Ltd. on its export control list; "
                "its parent Pine Heavy Industries itself is not on the list.\n")
    assert got == {"Pine Aero Engines Co., Ltd."}


def test_a_big_maker_description_before_a_name_is_not_the_name() -> None:
    got = names("商务部调整不可靠实体清单措施\n\n对无人机大厂青鸟航空公司等企业,相关不可靠实体清单措施继续暂停实施。\n")
    assert got == {"青鸟航空公司"}


def test_a_secretariat_note_under_a_copied_act_names_none_of_its_parties() -> None:
    got = names("商务部公告2026年第9号\n关于将2家美国实体列入出口管制管控名单的公告\n"
                "商务部决定将青峰动力公司等2家美国实体列入出口管制管控名单。\n"
                "附:出口管制管控名单\n1. 青峰动力公司\n2. 白杨电子公司\n商务部\n2026年3月2日\n"
                "──────────\n【秘书处按】\n1. 同日,不可靠实体清单工作机制另行公告,将红杉科技公司列入不可靠实体清单。\n",
                "circular.txt")
    assert got == {"青峰动力公司", "白杨电子公司"}


LIST_COLUMN_NAMED = """<html><head><meta charset="utf-8"><title>Two lists in one day</title></head><body>
<h1>Two lists in one day</h1>
<p>MOFCOM added two U.S. firms to its export control list and the working mechanism put two on the unreliable entity list.</p>
<table>
<tr><th>Company</th><th>Chinese list</th><th>Basis</th></tr>
<tr><td>Kappa Shipyards, Inc.</td><td>Export control list</td><td>MOFCOM Ann. No. 9</td></tr>
<tr><td>Lambda Subsea</td><td>Unreliable entity list</td><td>Working mechanism decision</td></tr>
</table>
</body></html>"""


def test_a_column_named_chinese_list_says_each_rows_list() -> None:
    got = parties(LIST_COLUMN_NAMED, "journal.html")
    assert got == {("Kappa Shipyards, Inc.", "control_list", "added"), ("Lambda Subsea", "unreliable_entity", "added")}


def test_a_name_broken_by_a_typeset_line_break_is_not_read_from_its_tail() -> None:
    got = names("关于将2家美国实体列入出口管制管控名单的公告\n商务部决定将青峰动\n力公司等2家美国实体列入出口管制管控名单。\n")
    assert "力公司" not in got


def test_a_name_that_also_appears_on_another_list_gets_an_entry_there() -> None:
    got = parties("China blacklists three firms\n\nChina's unreliable entity list working mechanism on Friday listed "
                  "three U.S. companies: Kestrel Marine, Orrin Aerospace and Teal Subsea.\n\nOrrin Aerospace also "
                  "appears on MOFCOM's export control list already: it was one of 15 U.S. entities added in March.\n")
    assert got == {("Kestrel Marine", "unreliable_entity", "added"), ("Orrin Aerospace", "unreliable_entity", "added"),
                   ("Teal Subsea", "unreliable_entity", "added"), ("Orrin Aerospace", "control_list", "added")}


def test_a_numbered_table_without_a_header_under_a_lead_in_lists_names() -> None:
    got = parties("<html><body><h1>Announcement on Adding 2 Entities to the Unreliable Entity List</h1>"
                  "<p>Unreliable Entity List Working Mechanism Announcement [2026] No. 3</p><p>The Working Mechanism has decided to place the following 2 entities on the Unreliable "
                  "Entity List:</p><table><tr><td>1.</td><td>Northwind Aerostats, Limited Partnership</td></tr>"
                  "<tr><td>2.</td><td>Redfern Data Systems LLC</td></tr></table>"
                  "<p>This Announcement shall take effect as of the date of its publication.</p></body></html>",
                  "probe.html")
    assert got == {("Northwind Aerostats, Limited Partnership", "unreliable_entity", "added"),
                   ("Redfern Data Systems LLC", "unreliable_entity", "added")}


def test_an_annex_caption_naming_no_list_gives_the_acts_list() -> None:
    got = parties("关于将2家美国实体列入不可靠实体清单的公告\n\n不可靠实体清单工作机制公告〔2026〕3号\n\n工作机制决定将2家美国实体列入不可靠实体清单。\n\n附:名单\n\n"
                  "1、北辰电子公司(Beichen Electronics Inc.)\n2、天穹动力公司(Skydome Power Corp.)\n")
    assert got == {("北辰电子公司", "unreliable_entity", "added"), ("天穹动力公司", "unreliable_entity", "added")}


def test_a_reposters_tips_below_the_working_mechanisms_signature_name_no_party() -> None:
    got = parties("转载|不可靠实体清单工作机制公告〔2026〕3号\n\n不可靠实体清单工作机制\n\n"
                  "不可靠实体清单工作机制公告\n\n〔2026〕3号\n\n"
                  "工作机制决定将北辰电子公司列入不可靠实体清单,禁止其从事与中国有关的进出口活动。\n\n"
                  "本公告自公布之日起施行。\n\n不可靠实体清单工作机制\n\n2026年1月5日\n\n编辑提示\n\n"
                  "天穹动力公司此前已被列入出口管制管控名单,请分别处理。\n")
    assert got == {("北辰电子公司", "unreliable_entity", "added")}


def test_being_named_in_a_listing_report_is_the_listing() -> None:
    got = parties("陆将5家美企列不可靠实体清单\n\n大陆商务部宣布将5家美国企业列入不可靠实体清单。\n\n"
                  "被點名的企業中,包括天穹動力公司、北辰電子公司,以及Redfern Data。\n")
    assert got == {("天穹動力公司", "unreliable_entity", "added"), ("北辰電子公司", "unreliable_entity", "added"),
                   ("Redfern Data", "unreliable_entity", "added")}


def test_a_trade_noun_description_before_each_enumerated_name() -> None:
    got = parties("China puts firms on unreliable entity list, export control list\n\nBEIJING - The unreliable-entity decision covers balloon maker Northwind, Redfern Data, "
                  "shipbuilder Harbor Yards (HBY.N) and Calder Corp, along with two smaller firms. "
                  "The ministry added 9 U.S. entities, among them defence IT contractor Leidar (LDR.N), drone makers "
                  "Skyhawk and Aerovane, to its export control list.\n", "probe.txt")
    assert got == {("Northwind", "unreliable_entity", "added"), ("Redfern Data", "unreliable_entity", "added"),
                   ("Harbor Yards", "unreliable_entity", "added"), ("Calder Corp", "unreliable_entity", "added"),
                   ("Leidar", "control_list", "added"), ("Skyhawk", "control_list", "added"),
                   ("Aerovane", "control_list", "added")}


def test_a_summary_bullet_or_related_link_naming_a_list_is_no_caption() -> None:
    got = names("将天穹集团列入不可靠实体清单\n\n重点\n\n• 美国天穹集团列入不可靠实体清单\n\n• 锑相关物项实施出口管制\n\n"
                "商务部宣布将美国天穹集团(Skydome Group)列入不可靠实体清单。\n\n相关稿件:\n\n"
                "· 不可靠实体清单工作机制公告[2026]2号\n\n· 商务部新闻发言人就北辰电子公司调查答记者问\n")
    assert got == {"天穹集团"}


def test_a_page_number_under_the_issuers_line_is_no_party() -> None:
    got = names("关于将北辰电子公司列入不可靠实体清单的公告\n\n不可靠实体清单工作机制公告〔2026〕4号\n\n"
                "工作机制决定将下列实体列入不可靠实体清单:\n\n1.北辰电子公司(Beichen Electronics Inc.)\n\n"
                "本公告自公布之日起施行。\n\n不可靠实体清单工作机制\n\n2026年2月1日\n\n"
                "不可靠实体清单工作机制办公室 2026年2月1日印发\n\n- 1 -\n")
    assert got == {"北辰电子公司"}


def test_a_latin_short_form_and_its_name_with_an_organisation_word_are_one_party() -> None:
    got = names("商务部将ABQ集团列入不可靠实体清单\n\n重点\n\n• 美国零售集团ABQ及基因测序企业星辰基因列入不可靠实体清单\n\n"
                "不可靠实体清单工作机制发布公告,将美国ABQ集团(ABQ Corp.)和星辰基因公司列入不可靠实体清单。\n")
    assert got == {"ABQ集团", "星辰基因公司"}


def test_the_company_of_the_sentence_before_is_the_one_listed() -> None:
    got = parties("商务部将12家美国实体列入出口管制管控名单\n\n商务部将北辰电子公司等12家美国实体列入出口管制管控名单。"
                  "值得注意的是,北辰电子公司并非首次上榜。今年1月,该公司已被列入不可靠实体清单。\n")
    assert got == {("北辰电子公司", "control_list", "added"), ("北辰电子公司", "unreliable_entity", "added")}


def with_country(text: str) -> set[tuple[str, str, str | None]]:
    doc = parse(Raw(content=text.encode("utf-8"), source="probe.txt"))
    return {(p["name"], p["list"], p["country"]) for p in extract(doc).record["parties"]}


def test_a_group_counted_without_a_country_takes_no_other_groups_country() -> None:
    got = with_country("不可靠实体清单工作机制将12家外国实体列入不可靠实体清单\n\n10月9日,不可靠实体清单工作机制发布公告,"
                       "将北辰电子公司、星海数据公司等12家外国实体及其分支机构列入不可靠实体清单,禁止其从事与中国有关的进出口活动。"
                       "此前,工作机制已将赤霄航空公司等2家美国实体列入不可靠实体清单。\n")
    assert got == {("北辰电子公司", "unreliable_entity", None), ("星海数据公司", "unreliable_entity", None),
                   ("赤霄航空公司", "unreliable_entity", "US")}


def test_the_country_said_after_the_counted_noun_is_the_groups() -> None:
    got = with_country("China lists five Taiwan firms\n\nChina's commerce ministry placed five entities from Taiwan on its "
                       "export control list on Monday, banning exports of dual-use items to them.\n\nThe list includes Harbour Crest Avionics and Pinecove Marine Works.\n")
    assert got == {("Harbour Crest Avionics", "control_list", "TW"), ("Pinecove Marine Works", "control_list", "TW")}


def test_in_the_list_goes_back_to_the_list_spoken_of_last() -> None:
    got = parties("China hits U.S. firms\n\nChina put 12 U.S. entities on its export control list and added four "
                  "firms to its unreliable entity list.\n\nThe ministry said the export control listing protects "
                  "security. Firms named in the list include Quarry Optics and Vantor Labs.\n")
    assert got == {("Quarry Optics", "control_list", "added"), ("Vantor Labs", "control_list", "added")}


def test_a_name_series_of_business_lines_after_a_comma_is_one_name() -> None:
    got = names("China lists U.S. firms\n\nChina's commerce ministry put the firms on its export control list, banning "
                "exports of dual-use items to them. Firms named include "
                "Vantor Labs, Ridgeway Aerospace, Marine & Security and Quarry Optics.\n")
    assert got == {"Vantor Labs", "Ridgeway Aerospace, Marine & Security", "Quarry Optics"}


def test_also_among_the_list_and_a_countrys_acronym_keep_the_country_word() -> None:
    got = with_country("商务部将日本实体列入管控名单\n\n商务部将北辰重工株式会社等10家日本实体列入出口管制管控名单。"
                       "科研机构方面,日本海洋开发机构(JMDA)也在名单之列。\n")
    assert got == {("北辰重工株式会社", "control_list", "JP"), ("日本海洋开发机构", "control_list", "JP")}


def test_a_group_named_as_owner_of_listed_units_is_no_party() -> None:
    got = names("商务部将日本实体列入管控名单\n\n商务部将北辰重工株式会社等10家日本实体列入出口管制管控名单。"
                "管控名单基本覆盖日本大型军工集团的下属企业。\n")
    assert got == {"北辰重工株式会社"}


def test_names_an_act_cited_in_a_report_covers_take_that_acts_list_and_what_happens_to_it() -> None:
    got = with_country("商务部调整管控名单措施\n\n商务部今年3月发布2025年第30号公告,把15家美国实体列入出口管制管控名单,"
                       "禁止向其出口两用物项。商务部决定,对第30号公告所列的15家美国实体,停止执行有关措施。"
                       "第30号公告涵盖的15家企业,包括北辰电子公司及星海数据公司等。"
                       "星海数据公司亦被列入不可靠实体清单,该批措施暂停实施。\n")
    assert got == {("北辰电子公司", "control_list", "US"), ("星海数据公司", "control_list", "US"),
                   ("星海数据公司", "unreliable_entity", "US")}
    acts = {(n, lst, a) for n, lst, a in parties("商务部调整管控名单措施\n\n商务部今年3月发布2025年第30号公告,"
                                                 "把15家美国实体列入出口管制管控名单,禁止向其出口两用物项。商务部决定,"
                                                 "对第30号公告所列的15家美国实体,停止执行有关措施。"
                                                 "第30号公告涵盖的15家企业,包括北辰电子公司等。\n")}
    assert acts == {("北辰电子公司", "control_list", "removed")}


def test_the_list_parties_are_put_on_wins_over_a_list_only_compared_with() -> None:
    # the table's lead-in names no list: the list of the listing sentence above holds, not the one a
    # later sentence only sets it apart from
    got = parties("<html><body><h1>八家实体遭列管之影响</h1>"
                  "<p>商务部于2025年7月9日公告,将北辰电子股份有限公司等2家实体列入出口管制管控名单,禁止向其出口两用物项。</p>"
                  "<p>本次措施与不可靠实体清单并不相同,一般贸易仍可进行。</p>"
                  "<p>遭列入之实体如下:</p><table><tr><th>序号</th><th>实体名称</th></tr>"
                  "<tr><td>1</td><td>北辰电子股份有限公司</td></tr><tr><td>2</td><td>天穹造船股份有限公司</td></tr>"
                  "</table></body></html>", "note.html")
    assert got == {("北辰电子股份有限公司", "control_list", "added"), ("天穹造船股份有限公司", "control_list", "added")}


def test_an_and_inside_a_middle_item_of_an_enumeration_is_part_of_the_name() -> None:
    # Chinese joins only the last item with 和: "A、吉布斯和考克斯公司、B" holds three names
    got = names("管控名单\n\n商务部将北辰电子公司、罗森和克拉克公司、天穹动力公司等3家美国实体列入出口管制管控名单。\n")
    assert got == {"北辰电子公司", "罗森和克拉克公司", "天穹动力公司"}


def test_the_above_companies_take_the_names_of_the_sentence_before() -> None:
    got = parties("答记者问\n\n答:北辰电子公司、天穹动力公司等5家美国企业长期参与对台军售,严重损害中国利益。"
                  "为此,工作机制依法决定将上述企业列入不可靠实体清单,禁止其从事与中国有关的进出口活动。"
                  "同日,商务部还宣布对部分两用物项实施出口管制。\n")
    assert got == {("北辰电子公司", "unreliable_entity", "added"), ("天穹动力公司", "unreliable_entity", "added")}


def test_a_bracketed_dateline_opening_a_paragraph_is_body_text() -> None:
    # 【本报北京十六日电】 starts the story's first paragraph: not a label/value line of the page
    got = parties("<html><body><h1>两家军工企业列入管控名单</h1>"
                  "<p>【本报北京十六日电】商务部十六日发布公告,以参与对台军售为由,将美国企业北辰电子公司和"
                  "天穹动力公司列入出口管制管控名单,禁止向其出口两用物项。</p></body></html>", "news.html")
    assert got == {("北辰电子公司", "control_list", "added"), ("天穹动力公司", "control_list", "added")}


def test_a_related_links_block_names_no_party_and_no_act_of_the_page() -> None:
    doc = parse(Raw(content=("发言人答记者问\n\n问:今天工作机制发布公告,将5家美国企业列入不可靠实体清单,请问有何考虑?\n\n"
                             "答:北辰电子公司、天穹动力公司等5家美国企业参与对台军售。工作机制决定将上述企业列入不可靠实体清单。\n\n"
                             "相关稿件:\n"
                             "·商务部公告2025年第13号 关于将罗森精密公司等15家美国实体列入出口管制管控名单的公告\n"
                             "·商务部新闻发言人就管控名单答记者问\n").encode("utf-8"), source="qa.txt"))
    rec = extract(doc).record
    assert {p["name"] for p in rec["parties"]} == {"北辰电子公司", "天穹动力公司"}
    assert rec["announcement"] is None


def test_a_count_right_after_a_name_gives_that_names_list() -> None:
    # "led by A on the control list and put B and 19 other companies on the watch list": B's list is
    # its own group's, though the control list stands nearer before it
    got = parties("Japan listings\n\nBeijing placed 20 Japanese entities led by Northwind Heavy Industries Co., Ltd. "
                  "on its export control list and put Kestrel Motors Corporation and 19 other companies on the watch list.\n")
    assert got == {("Northwind Heavy Industries Co., Ltd.", "control_list", "added"),
                   ("Kestrel Motors Corporation", "watch_list", "added")}


def test_a_ban_on_dual_use_exports_to_named_entities_is_the_control_list() -> None:
    got = parties("Japan listings\n\nChina on Monday barred exports of dual-use goods to 20 more Japanese entities, "
                  "among them the Institute for Maritime Defense Studies, a body attached to the defence ministry. "
                  "The export controls cover dual-use items.\n")
    assert got == {("Institute for Maritime Defense Studies", "control_list", "added")}


def test_they_include_names_the_parties_of_the_listing_before() -> None:
    got = parties("China lists US defence firms\n\nOn Thursday China's Ministry of Commerce added eight American defence "
                  "firms to its export control list, banning exports of dual-use items to them. They include Harbor "
                  "Ridge Systems Inc. and Falconcrest Avionics LLC.\n")
    assert got == {("Harbor Ridge Systems Inc.", "control_list", "added"),
                   ("Falconcrest Avionics LLC", "control_list", "added")}


def test_they_include_after_another_governments_list_names_no_party() -> None:
    got = parties("Trade row\n\nChina's Ministry of Commerce tightened export controls on dual-use items such as gallium "
                  "last week. Washington placed 20 Chinese companies on a countermeasure list on Friday. They include "
                  "Harbor Ridge Systems Inc. and Falconcrest Avionics LLC.\n")
    assert got == set()


def test_short_names_enumerated_before_a_count_of_entities_are_names_but_countries_are_not() -> None:
    got = parties("管控名单\n\n商务部9日发布公告,将北辰电子、天穹动力等3家美国实体列入出口管制管控名单,禁止向其出口两用物项。"
                  "美国、日本等国企业对此表示关注。\n")
    assert got == {("北辰电子", "control_list", "added"), ("天穹动力", "control_list", "added")}


def test_a_name_the_headline_reports_listed_is_taken_from_the_body() -> None:
    got = parties("天穹动力等3家美国实体被列入管控名单\n\n新华社北京10月9日电 商务部9日发布公告,将3家美国实体列入出口管制管控名单,"
                  "禁止向其出口两用物项。其中最受关注的是总部位于加州的天穹动力公司,该公司长期参与对台军售。\n")
    assert got == {("天穹动力公司", "control_list", "added")}


def test_and_after_a_bracketed_alias_starts_the_next_name() -> None:
    got = parties("管控名单\n\n商务部决定将北辰电子公司(Polaris Electronics)与天穹动力公司列入出口管制管控名单,禁止向其出口两用物项。\n")
    assert got == {("北辰电子公司", "control_list", "added"), ("天穹动力公司", "control_list", "added")}


def test_a_row_short_of_cells_under_a_spanning_date_aligns_by_its_country_cell() -> None:
    got = parties("<html><body><h1>关于将有关外国实体列入出口管制管控名单的公告</h1>"
                  "<p>商务部决定将下列实体列入出口管制管控名单,禁止向其出口两用物项。</p>"
                  "<table><tr><th>公告日期</th><th>实体名称</th><th>国家</th></tr>"
                  "<tr><td rowspan='2'>2025年10月9日</td><td>北辰电子公司</td><td>美国</td></tr>"
                  "<tr><td>天穹动力公司</td><td>日本</td></tr></table></body></html>", "annex.html")
    assert got == {("北辰电子公司", "control_list", "added"), ("天穹动力公司", "control_list", "added")}


def test_measures_on_hold_are_suspended() -> None:
    got = parties("Update\n\nChina's Ministry of Commerce said the measures placing Harbor Ridge Systems Inc. on its "
                  "export control list, which bans dual-use exports to it, are on hold until November 10, 2026.\n")
    assert got == {("Harbor Ridge Systems Inc.", "control_list", "suspended")}


def test_applying_to_be_removed_is_no_removal() -> None:
    got = parties("Update\n\nChina's Ministry of Commerce added Harbor Ridge Systems Inc. to its export control list, "
                  "banning exports of dual-use items to it. The company said it would apply to be removed from the list.\n")
    assert got == {("Harbor Ridge Systems Inc.", "control_list", "added")}


def test_the_working_mechanisms_own_heading_makes_an_announcement() -> None:
    doc = parse(Raw(content=("<html><body><h1>Announcement of the Unreliable Entity List Working Mechanism [2024] No. 1</h1>"
                             "<p>In accordance with the Foreign Trade Law of the People's Republic of China and the Provisions "
                             "on the Unreliable Entity List, the working mechanism decided to add Harbor Ridge Systems Inc. "
                             "to the unreliable entity list and to prohibit it from engaging in import and export activities "
                             "related to China.</p><p>Unreliable Entity List Working Mechanism</p><p>May 20, 2024</p>"
                             "</body></html>").encode("utf-8"), source="uel.html"))
    rec = extract(doc).record
    assert (rec["kind"], rec["announcement"]) == ("announcement", "UEL-2024-1")
    assert [(p["name"], p["list"], p["action"]) for p in rec["parties"]] == [
        ("Harbor Ridge Systems Inc.", "unreliable_entity", "added")]


def test_a_chinese_look_at_the_list_names_its_parties() -> None:
    got = parties("管控名单\n\n商务部9日宣布将15家美国实体列入出口管制管控名单,禁止向其出口两用物项。"
                  "从名单看,其中包括北辰电子公司和天穹动力公司。\n")
    assert got == {("北辰电子公司", "control_list", "added"), ("天穹动力公司", "control_list", "added")}


def test_the_companies_named_are_two_sentences_after_the_listing() -> None:
    got = parties("China lists US firms\n\nChina's Ministry of Commerce on Wednesday added 12 American companies to its "
                  "export control list.\n\nUnder Announcement No. 22 of 2025, exporters may no longer supply dual-use "
                  "items to the listed firms. Shipments under way must stop.\n\nThe companies named are Harbor Ridge "
                  "Systems Inc., Falconcrest Avionics LLC and Kestrel Motors Corporation.\n")
    assert got == {("Harbor Ridge Systems Inc.", "control_list", "added"),
                   ("Falconcrest Avionics LLC", "control_list", "added"),
                   ("Kestrel Motors Corporation", "control_list", "added")}


def test_among_them_are_names_after_a_sentence_naming_the_act() -> None:
    got = parties("China lists US firms\n\nChina on Tuesday placed 15 American companies on its export control list, "
                  "barring exports of dual-use items to them.\n\n"
                  "The ministry's notice, Announcement No. 13 of 2025, names firms across the defense industry. Among "
                  "them are Harbor Ridge Systems, Inc., builder of the Sea Lance drone; the naval design firm "
                  "Falconcrest Avionics LLC; and IT contractor Kestrel Motors.\n")
    assert got == {("Harbor Ridge Systems, Inc.", "control_list", "added"),
                   ("Falconcrest Avionics LLC", "control_list", "added"), ("Kestrel Motors", "control_list", "added")}


def test_said_that_opens_a_series_read_back_from_had_been_added() -> None:
    got = parties("China lists US firms\n\nChina's Ministry of Commerce said that Harbor Ridge Industries, Inc., Falconcrest "
                  "Group and Kestrel Dimensions LLC had been added to the export control list, which bans exports of "
                  "dual-use items to them.\n")
    assert {n for n, _, _ in got} == {"Harbor Ridge Industries, Inc.", "Falconcrest Group", "Kestrel Dimensions LLC"}


def test_a_number_word_heading_is_no_name() -> None:
    got = names("Announcement No. 51 of 2025\nAnnouncement on Adding Three US Entities to the Export Control List\n\n"
                "The Ministry of Commerce decided to add the following entities to the export control list: "
                "Harbor Ridge Industries, Inc. and Falconcrest Group.\n")
    assert got == {"Harbor Ridge Industries, Inc.", "Falconcrest Group"}


def test_a_table_cell_naming_the_first_of_a_counted_group_and_a_status_column() -> None:
    got = parties("<html><body><h1>三类名单一览</h1><p>商务部将有关外国实体列入出口管制管控名单,禁止向其出口两用物项。</p>"
                  "<table><tr><th>日期</th><th>名单</th><th>实体</th><th>国别</th><th>截至本文发布日的状态</th></tr>"
                  "<tr><td>2025.03.04</td><td>出口管制管控名单</td><td>北辰电子公司等15家</td><td>美国</td><td>2025.11.10起停止实施相关措施</td></tr>"
                  "<tr><td>2025.02.04</td><td>不可靠实体清单</td><td>天穹动力公司</td><td>美国</td><td>有效(其出口禁令已停止执行,但该公司仍在清单内)</td></tr>"
                  "<tr><td rowspan='2'>2026.02.24</td><td>出口管制管控名单</td><td>星河重工株式会社等20家</td><td rowspan='2'>日本</td><td>有效</td></tr>"
                  "<tr><td>关注名单</td><td>青岚精机株式会社等20家</td><td>有效</td></tr></table></body></html>", "t.html")
    assert got == {("北辰电子公司", "control_list", "removed"), ("天穹动力公司", "unreliable_entity", "added"),
                   ("星河重工株式会社", "control_list", "added"), ("青岚精机株式会社", "watch_list", "added")}


def test_a_name_holding_you_xian_is_not_cut_there() -> None:
    got = names("不可靠实体清单\n\n商务部宣布,不可靠实体清单工作机制发布公告,将天穹动力公司和快速飞行有限责任公司等2家美国企业列入不可靠实体清单,禁止向其出口两用物项。\n")
    assert got == {"天穹动力公司", "快速飞行有限责任公司"}


def test_ending_the_measures_against_firms_removes_them() -> None:
    got = parties("Brief\n\nOn the unreliable entity list, China's commerce ministry is ending the measures it adopted in March "
                  "against ten U.S. firms, among them Harbor Ridge Systems Inc. and Falconcrest Avionics LLC. The measures had "
                  "barred exports of dual-use items to them.\n")
    assert got == {("Harbor Ridge Systems Inc.", "unreliable_entity", "removed"),
                   ("Falconcrest Avionics LLC", "unreliable_entity", "removed")}


def test_entity_english_and_chinese_columns_of_an_english_annex() -> None:
    got = parties("<html><body><h1>Announcement on adding entities to the Export Control List</h1>"
                  "<p>The Ministry of Commerce decided to add the following entities to the export control list and to "
                  "prohibit exports of dual-use items to them.</p><p>Page 1 of 2 - unofficial English text</p>"
                  "<table><tr><th>No.</th><th>Entity (Chinese)</th><th>Entity (English)</th><th>Location</th></tr>"
                  "<tr><td>1</td><td>北辰电子公司</td><td>Polaris Electronics Corporation</td><td>Taiwan region, China</td></tr>"
                  "<tr><td>2</td><td>天穹动力公司</td><td>Skydome Power Co., Ltd.</td><td>Taiwan region, China</td></tr>"
                  "</table></body></html>", "annex.html")
    assert got == {("Polaris Electronics Corporation", "control_list", "added"),
                   ("Skydome Power Co., Ltd.", "control_list", "added")}


def test_short_names_after_named_items_under_a_measures_lead_in() -> None:
    got = names("<html><body><h1>Announcement of the Unreliable Entity List Working Mechanism [2025] No. 8</h1>"
                "<p>The working mechanism decided to add the following U.S. entities to the Unreliable Entity List and "
                "to adopt the measures set out below:</p><ol><li>Harbor Ridge Systems, Inc.</li><li>Falconcrest "
                "Corporation</li><li>Group K</li><li>Kestrel Technologies Co.</li></ol><p>The measures are as follows:</p><p>(1) The above "
                "entities are prohibited from import or export activities related to China;</p><p>(2) exports of "
                "dual-use items to them are prohibited.</p></body></html>", "uel.html")
    assert got == {"Harbor Ridge Systems, Inc.", "Falconcrest Corporation", "Group K", "Kestrel Technologies Co."}


def test_names_read_back_from_have_been_added_end_before_their_country() -> None:
    got = parties("MOFCOM Spokesperson Answers a Question\n\nQ: The Unreliable Entity List Working Mechanism announced today "
                  "that Harbor Ridge Corp. and Falconcrest, Inc. of the United States have been added to the Unreliable "
                  "Entity List, which bars exports of dual-use items to them. Could you tell us more?\n")
    assert got == {("Harbor Ridge Corp.", "unreliable_entity", "added"), ("Falconcrest, Inc.", "unreliable_entity", "added")}


def test_a_name_given_as_an_example_drops_the_preposition() -> None:
    got = names("管控名单\n\n商务部将北辰电子公司列入出口管制管控名单,禁止向其出口两用物项。以天穹动力公司为例,该公司4月已被列入"
                "不可靠实体清单。\n")
    assert "以天穹动力公司" not in got and "天穹动力公司" in got


def test_the_six_are_names_the_parties_of_the_listing_before() -> None:
    got = parties("China lists US firms\n\nChina's Ministry of Commerce on Wednesday added six American companies to its "
                  "unreliable entity list and barred exports of dual-use items to them.\n\nThe six are drone maker "
                  "Harbor Ridge Systems, Inc., lighting firm Falconcrest Corporation and Kestrel Technologies Co.\n")
    assert {n for n, _, _ in got} == {"Harbor Ridge Systems, Inc.", "Falconcrest Corporation", "Kestrel Technologies Co."}


def test_other_foreign_entities_in_a_title_is_no_name() -> None:
    got = names("Announcement on Adding Harbor Ridge Systems Inc. and Other Foreign Entities to the Unreliable Entity "
                "List\n\nChina's working mechanism decided to add Harbor Ridge Systems Inc. to the unreliable entity list "
                "and to bar exports of dual-use items to it.\n")
    assert got == {"Harbor Ridge Systems Inc."}


def test_an_annex_caption_naming_the_entities_and_the_list_opens_the_names() -> None:
    got = parties("<html><body><h1>MOFCOM Announcement No. 51 of 2025</h1><p>In accordance with the Export Control Law of "
                  "the People's Republic of China, the Ministry of Commerce decided to add three U.S. entities to the "
                  "export control list and to take the following measures:</p><p>1. Exports of dual-use items to the "
                  "above entities are prohibited.</p><p>This announcement shall be implemented with effect from the date "
                  "of its publication.</p><p>Annex: List of the three U.S. entities added to the export control list</p>"
                  "<ol><li>Harbor Ridge Industries, Inc. (港岭工业公司)</li><li>Falconcrest Group (鹰峰集团)</li></ol>"
                  "<p>Ministry of Commerce<br>25 September 2025</p></body></html>", "a.html")
    assert got == {("Harbor Ridge Industries, Inc.", "control_list", "added"), ("Falconcrest Group", "control_list", "added")}


def test_among_the_counted_parties_names_them() -> None:
    got = parties("Beijing on Tuesday put nine U.S. firms on its export control list under MOFCOM Announcement No. 30, "
                  "barring exports of dual-use items to them. Among the nine are Harbor Ridge Systems, Kestrel "
                  "Technologies, Inc. and Falconcrest Corporation. The ban starts on May 6.\n")
    assert got == {("Harbor Ridge Systems", "control_list", "added"), ("Kestrel Technologies, Inc.", "control_list", "added"),
                   ("Falconcrest Corporation", "control_list", "added")}


def test_an_and_inside_an_item_before_a_further_comma_is_part_of_the_name() -> None:
    # English joins only a series' last item with "and": the first "and" belongs to a name
    got = names("China added four companies to the unreliable entity list on Friday. The firms added include two "
                "Harbor Ridge units: Harbor Ridge Sensors and Guidance Systems, Harbor Ridge Marine and the Harbor "
                "Ridge Test Range Office. Their managers may not enter China.\n")
    assert got == {"Harbor Ridge Sensors and Guidance Systems", "Harbor Ridge Marine", "Harbor Ridge Test Range Office"}


def test_a_plain_series_still_splits_at_its_and() -> None:
    got = names("The unreliable entity list working mechanism decided on Friday to add Harbor Ridge Systems, Kestrel "
                "Technologies and Falconcrest Corporation to the unreliable entity list and to bar them from import "
                "and export activities related to China.\n")
    assert got == {"Harbor Ridge Systems", "Kestrel Technologies", "Falconcrest Corporation"}


def test_a_cell_enumerating_chinese_names_holds_each_name() -> None:
    got = parties("<html><body><h1>不可靠实体清单适用情况一览</h1><p>工作机制历次公告将下列美国企业列入不可靠实体清单:</p>"
                  "<table><tr><th>公告</th><th>被列入实体</th><th>主要措施</th></tr>"
                  "<tr><td>〔2024〕3号</td><td>北岭动力公司、鹰峰防务与航天公司</td><td>禁止从事与中国有关的进出口活动</td></tr>"
                  "<tr><td>〔2024〕4号</td><td>港岭防务、空间与安全集团</td><td>同上</td></tr></table></body></html>", "a.html")
    assert got == {("北岭动力公司", "unreliable_entity", "added"), ("鹰峰防务与航天公司", "unreliable_entity", "added"),
                   ("港岭防务、空间与安全集团", "unreliable_entity", "added")}


def test_one_party_put_on_two_lists_in_turn_is_on_both() -> None:
    got = parties("<html><body><h1>两份清单的叠加</h1><p>商务部以往公告显示，部分企业同时出现在两份清单上。</p><p>例如，北岭动力公司"
                  "于2025年3月4日被列入不可靠实体清单后，又于4月9日被商务部公告2025年第22号列入出口管制管控名单，对其出口两用物项"
                  "一律禁止。</p></body></html>", "a.html")
    assert got == {("北岭动力公司", "unreliable_entity", "added"), ("北岭动力公司", "control_list", "added")}


# --- p15 (first run 0.785 at 2ebfef4) and b71: the forms below, in new words

HR_LEAD = ("Beijing on Tuesday added eight Japanese companies to its export control list and put another six on "
           "its watch list, barring exports of dual-use items to the first group.\n")


def test_a_run_goes_on_past_a_relative_clause_and_as_well_as() -> None:
    got = names(HR_LEAD + "The control list is led by shipyards. They include Harbor Ridge Shipbuilding Co., which "
                          "builds frigates for the navy, Kestrel Engines, Ltd., as well as Falconcrest Systems, Ltd.\n")
    assert got == {"Harbor Ridge Shipbuilding Co.", "Kestrel Engines, Ltd.", "Falconcrest Systems, Ltd."}


def test_also_named_were_continues_the_run_on_its_list() -> None:
    got = parties(HR_LEAD + "The control list is led by shipyards. They include Harbor Ridge Shipbuilding Co. and "
                            "Kestrel Engines, Ltd.\nAlso named were Falconcrest Systems, Ltd. and the Japan "
                            "Defence Academy.\nWatch list\nExporters to watch-list firms lose general licences.\n")
    assert {(n, lst) for n, lst, _ in got} >= {("Falconcrest Systems, Ltd.", "control_list"),
                                                ("Japan Defence Academy", "control_list")}


def test_a_capitalised_trade_word_before_a_name_heading_a_list_is_not_the_name() -> None:
    got = parties(HR_LEAD + "Carmaker Northwind Motors Corporation heads the watch list, which also includes Bayline "
                            "Aviation Co., Ltd. Companies can ask to be removed if they cooperate with checks.\n")
    assert got >= {("Northwind Motors Corporation", "watch_list", "added"), ("Bayline Aviation Co., Ltd.", "watch_list", "added")}


def test_an_owner_of_brands_between_commas_names_no_party() -> None:
    got = names("China's commerce ministry said on Friday that the unreliable entity list working mechanism added two "
                "U.S. companies to the unreliable entity list: Harbor Ridge Apparel Corp., the owner of the Kestrel and "
                "Falconcrest brands, and the sequencing group Bayline Genomics, Inc. The listing bars them from trade.\n")
    assert got == {"Harbor Ridge Apparel Corp.", "Bayline Genomics, Inc."}


def test_plain_name_lines_under_a_lead_in_are_the_names() -> None:
    got = parties("BEIJING, March 3 - China's commerce ministry on Tuesday placed four U.S. companies on its export "
                  "control list, barring exports of dual-use items to them.\nThe companies named were:\n"
                  "Harbor Ridge Photonics\nKestrel Systems, Inc.\nFalconcrest Labs\nBayline Tactical Radio\n"
                  "Most of them are small defence suppliers.\n")
    assert {n for n, _, _ in got} == {"Harbor Ridge Photonics", "Kestrel Systems, Inc.", "Falconcrest Labs",
                                      "Bayline Tactical Radio"}


def test_what_the_list_lists_goes_back_to_the_list_just_reported() -> None:
    got = parties("<html><body><h1>商务部将12家外国实体列入出口管制管控名单</h1><p>商务部周二将北岭造船株式会社等12家实体列入"
                  "出口管制管控名单，另将6家实体列入关注名单。出口经营者不得向管控名单上的实体出口两用物项。</p>"
                  "<p>名单所列主要是军工集团旗下的子公司。其中包括港岭航空发动机株式会社；另外，鹰峰防卫大学亦被点名。</p>"
                  "</body></html>", "a.html")
    assert {("港岭航空发动机株式会社", "control_list", "added"), ("鹰峰防卫大学", "control_list", "added")} <= got


def test_a_group_counting_its_members_among_the_parties_is_their_owner() -> None:
    got = names("<html><body><h1>商务部将12家外国实体列入出口管制管控名单</h1><p>商务部周二将北岭造船株式会社等12家实体列入"
                "出口管制管控名单。出口经营者不得向管控名单上的实体出口两用物项。</p>"
                "<p>名单所列主要是军工集团旗下的子公司。港岭集团占4家，例如港岭航空发动机株式会社。另外，培养军官的鹰峰防卫大学，"
                "以及北岭宇航研究开发机构亦被点名。</p></body></html>", "a.html")
    assert "港岭集团" not in got
    assert {"港岭航空发动机株式会社", "鹰峰防卫大学", "北岭宇航研究开发机构"} <= got


# --- p16, p17 and b78 (first runs 0.875 at cd9646b, 0.937 and 0.951 at 6138240): forms in new words


def test_a_two_word_place_before_based_is_not_the_name() -> None:
    got = names("China's unreliable entity list working mechanism on Friday added San Diego-based Harbor Ridge "
                "Genomics, Inc. to the unreliable entity list, barring it from trade with China.\n")
    assert got == {"Harbor Ridge Genomics, Inc."}


def test_the_listing_body_named_as_the_agent_is_no_party() -> None:
    got = names("China on Thursday added Harbor Ridge Labs Inc. to a blacklist. The company was one of 14 foreign "
                "entities named by China's Unreliable Entity List Working Mechanism, among them Kestrel Systems, LLC "
                "and Falconcrest Analytics, Inc.\n")
    assert not any("Working Mechanism" in n for n in got)


def test_the_notice_names_a_list_of_plain_lines() -> None:
    got = parties("<html><body><h1>Beijing puts 3 US suppliers on its export control list</h1><p>China's Ministry of "
                  "Commerce on Wednesday added three US companies to its export control list, barring exports of "
                  "dual-use items to them.</p><h2>Who is on the list</h2><p>The notice names:</p><ul><li>Harbor Ridge "
                  "Photonics</li><li>Kestrel Systems, Inc.</li><li>Falconcrest Labs</li></ul></body></html>", "a.html")
    assert {n for n, _, _ in got} == {"Harbor Ridge Photonics", "Kestrel Systems, Inc.", "Falconcrest Labs"}


def test_lianton_together_with_starts_a_name() -> None:
    got = names("<html><body><h1>商务部将美国实体列入出口管制管控名单</h1><p>商务部周三将北岭动力公司、鹰峰系统公司列入出口管制管控名单，"
                "二者连同港岭防务公司此前已被列入不可靠实体清单。</p></body></html>", "a.html")
    assert "港岭防务公司" in got and not any(n.startswith(("连同", "二者")) for n in got)


# --- p18 (first run 0.875 at 9a908a8): the forms below, in new words


def test_a_country_word_before_a_name_the_page_prints_without_it_is_no_part_of_it() -> None:
    got = names("不可靠实体清单工作机制关于将北辰无人系统公司列入不可靠实体清单的公告\n"
                "不可靠实体清单工作机制决定将参与对台湾地区军售的美国北辰无人系统公司列入不可靠实体清单。"
                "商务部同日宣布对钨相关物项实施出口管制。\n")
    assert got == {"北辰无人系统公司"}
    kept = names("新闻\n\n商务部决定将美国光子公司、回声动力公司列入出口管制管控名单。\n")
    assert "美国光子公司" in kept


def test_a_name_set_apart_by_chu_wai_and_a_description_ending_in_de() -> None:
    got = names("新闻\n\n商务部宣布对钨相关物项实施出口管制,并将14家外国实体列入不可靠实体清单。是次上榜者以军工企业为主,除天穹防务技术公司外,"
                "还包括北辰动力公司(Beichen Power)。非军工类的上榜者则有每年举办防务论坛的海湾安全论坛(Gulf Security Forum)。\n")
    assert got == {"天穹防务技术公司", "北辰动力公司", "海湾安全论坛"}


def test_the_lists_own_measures_on_listed_firms_are_no_end_user_rule() -> None:
    got = rec_of("不可靠实体清单工作机制公告〔2026〕3号\n工作机制决定将北辰无人系统公司列入不可靠实体清单,并采取以下处理措施:\n"
                 "一、禁止上述企业从事与中国有关的进出口活动;\n二、禁止上述企业在中国境内新增投资;\n"
                 "三、不批准并取消上述企业高级管理人员在中国境内的工作许可、停留或者居留资格。\n")
    assert got["end_user_rules"] == []


def test_a_listings_description_of_its_parties_is_no_military_rule() -> None:
    got = rec_of("商务部发布2026年第20号公告,将美国造船和军工服务领域的北辰船舶公司、天穹工程公司列入出口管制管控名单,"
                 "禁止出口经营者向其出口两用物项。\n")
    assert got["end_user_rules"] == [{"category": "listed_entity", "policy": "deny"}]


def test_a_short_form_of_a_listed_name_is_the_same_party() -> None:
    got = parties("新闻\n\n商务部宣布对钨相关物项实施出口管制。不可靠实体清单工作机制宣布,将3家美国企业——北辰科技公司、天穹公司以及海湾工程公司——列入不可靠实体清单。\n"
                  "而北辰科技等3家企业,去年已被列入另一份名单。\n")
    assert {n for n, _, _ in got} == {"北辰科技公司", "天穹公司", "海湾工程公司"}


def test_a_trade_noun_arm_ends_a_description_and_a_counted_set_is_taken_up() -> None:
    got = names("China placed 20 Japanese entities on its export control list. Named entities include Alpha Heavy "
                "Industries Co., Ltd., the defence IT arm Beta Defense & Security, Ltd. and the Gamma Defense Academy.\n")
    assert got == {"Alpha Heavy Industries Co., Ltd.", "Beta Defense & Security, Ltd.", "Gamma Defense Academy"}
    took = names("China's Unreliable Entity List Working Mechanism added three U.S. defence contractors to the list.\n"
                 "The three contractors are Delta Aeronautical Systems, Inc., the maker of a drone; Epsilon Land Systems Inc., "
                 "which builds tanks; and Zeta Defense, Space & Security, the defence arm of Zeta.\n")
    assert took == {"Delta Aeronautical Systems, Inc.", "Epsilon Land Systems Inc.", "Zeta Defense, Space & Security"}


def test_a_file_number_is_no_name() -> None:
    got = names("商务部决定将北辰航空工业股份有限公司等2家台湾地区实体列入出口管制管控名单。\n"
                "资料库说明:此前商务部已分批将美国实体列入管控名单,相关文本见资料编号HG-ZC-2025-0003、0061。\n")
    assert "HG-ZC-2025-0003" not in got


# --- p19 (first run 0.779 at d6fed94): the forms below, in new words


def test_names_after_a_look_at_the_annex_list_in_the_sentence_before() -> None:
    got = names("新闻\n\n商务部决定将5家台湾地区实体列入出口管制管控名单,禁止向其出口两用物项。\n"
                "从附件名单看,此次被列管的实体可分为两类。其一是航空领域,包括军机制造商北辰航空工业股份有限公司,"
                "以及从事无人机研发的天穹航太科技公司;其二是被视为研发中枢的海湾科学研究院。\n")
    assert got == {"北辰航空工业股份有限公司", "天穹航太科技公司", "海湾科学研究院"}


def test_a_whose_clause_between_names_and_a_decision_that_names() -> None:
    got = names("News\n\nChina has added 4 foreign organizations to its unreliable entity list, including two from Canada: "
                "research firm Alpha Insights Inc., whose reports have drawn Beijing's ire, and the Beta Security Forum, an "
                "annual conference.\nThe decision, published Thursday by the working mechanism, names drone maker Gamma "
                "Systems, Inc. and Delta Dynamics, Inc. The same day China put gallium exports under export licensing "
                "controls.\n")
    assert got == {"Alpha Insights Inc.", "Beta Security Forum", "Gamma Systems, Inc.", "Delta Dynamics, Inc."}
