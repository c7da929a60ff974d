"""The record builder on documents in templates and wordings the dev set does not have.

Each document is plain text (one block per line, as the text parser gives), so these tests check
rules that come from structure and wording, not from one page's HTML.
"""
from __future__ import annotations

import hashlib

from pipeline.extract import extract
from pipeline.records import Block, Document


def make_doc(text: str, lang: str, published: str | None = None) -> Document:
    blocks, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(Block("paragraph", pos, pos + len(line)))
        pos += len(line) + 1
    return Document(id=hashlib.sha256(text.encode()).hexdigest(), source="test.txt", media_type="text/plain",
                    text=text, lang=lang, title=text.split("\n")[0], published=published, blocks=blocks)


def check_evidence(x) -> None:
    doc_text = x._text
    for ev in x.record["evidence"]:
        assert doc_text[ev["start"]:ev["end"]] == ev["text"], ev


def run(text: str, lang: str, published: str | None = None):
    doc = make_doc(text, lang, published)
    x = extract(doc)
    x._text = doc.text
    check_evidence(x)
    return x


GRAPHITE = """商务部 海关总署公告2023年第39号
关于优化调整石墨物项临时出口管制措施的公告
根据《中华人民共和国出口管制法》有关规定，经国务院批准，决定对石墨物项实施出口管制。现将有关事项公告如下：
一、对以下物项实施出口管制，未经许可，不得出口：
（一）高纯度、高强度、高密度的人造石墨材料及其制品（参考海关商品编号：3801100010、3801909010、6815190020）。
（二）天然鳞片石墨及其制品，包括球化石墨、膨胀石墨等（参考海关商品编号：2504101000、2504109100）。
二、出口经营者应当按照有关规定办理出口许可手续。
三、本公告自2023年12月1日起正式实施。
商务部 海关总署
2023年10月20日
网站标识码：bm04000001 京ICP备05004198号"""


def test_graphite_announcement_in_another_template() -> None:
    r = run(GRAPHITE, "zh").record
    assert r["kind"] == "announcement" and r["relevant"] is True
    assert r["announcement"] == "MOFCOM-2023-39"
    assert r["issued"] == "2023-10-20"
    assert r["effective"] == ["2023-12-01"]
    assert r["elements"] == ["C"]
    assert r["hs_codes"] == ["3801100010", "3801909010", "6815190020", "2504101000", "2504109100"]


ANTIMONY = """Announcement No. 33 of 2024 of the Ministry of Commerce and the General Administration of Customs on Implementing Export Control on Antimony and Other Items
In accordance with the Export Control Law, and with the approval of the State Council, it has been decided to impose export controls on the following items. The relevant matters are announced as follows:
I. Items meeting the following characteristics shall not be exported without permission:
(1) Antimony-related items
1. Antimony ores and raw materials, in lumps, granules and powder (reference customs commodity numbers: 2617101000, 2617109000).
2. Antimony metal and its products, including ingots and bars (reference customs commodity number: 8110101000).
3. Antimony oxides with a purity of 99.99% or more (reference customs commodity number: 2825800010).
(2) Superhard material-related items
1. Synthetic diamond micropowder and single crystals (reference customs commodity number: 7104911000).
II. Exporters shall apply for a licence through the competent commerce department at provincial level. Cobalt and nickel statistics are published monthly.
III. This announcement shall come into force on 15 September 2024.
Ministry of Commerce
General Administration of Customs
August 15, 2024"""


def test_english_announcement_headings_give_elements() -> None:
    x = run(ANTIMONY, "en")
    r = x.record
    assert r["announcement"] == "MOFCOM-2024-33"
    assert r["issued"] == "2024-08-15"
    assert r["effective"] == ["2024-09-15"]
    assert r["elements"] == ["Sb", "C"]
    assert "7104911000" in r["hs_codes"] and len(r["hs_codes"]) == 5
    sb = [i for i in x.items if i["element"] == "Sb"]
    assert len(sb) == 3 and all(i["heading"] == "(1) Antimony-related items" for i in sb)
    assert [c["id"] for c in x.clauses][:2] == ["1", "1(1)"]
    assert all(c["effective"] == "2024-09-15" for c in x.clauses)


NO18_LIKE = """商务部 海关总署公告2025年第18号
一、下列物项未经许可不得出口：
（一）钐相关物项
1. 1C902.a 金属钐、钐合金及相关材料：
a. 金属钐（参考海关商品编号：2805301910）；
b. 含钐的合金，包括钐钴合金、钐铁合金；
（二）铽相关物项
1. 1C904.a 含铽的钕铁硼永磁材料。
二、本公告自公布之日起正式实施。
2025年4月4日"""


def test_heading_element_inheritance_and_code_inheritance() -> None:
    x = run(NO18_LIKE, "zh")
    assert x.record["elements"] == ["Sm", "Tb"]
    rows = [(i["control_code"], i["element"], i["heading"]) for i in x.items]
    assert rows == [("1C902.a", "Sm", "（一）钐相关物项"), ("1C902.a", "Sm", "（一）钐相关物项"),
                    ("1C902.a", "Sm", "（一）钐相关物项"), ("1C904.a", "Tb", "（二）铽相关物项")]
    assert x.items[1]["hs_codes"] == ["2805301910"] and x.items[1]["name"] == "金属钐"
    assert x.record["effective"] == ["2025-04-04"] and x.record["issued"] == "2025-04-04"


PARTIAL_SUSPENSION = """商务部公告2025年第72号
关于暂停实施2025年第61号公告第二条的公告（境外相关稀土物项出口管制）
一、暂停实施商务部公告2025年第61号（公布对境外相关稀土物项实施出口管制的决定）第二条，暂停期限至2026年11月10日。
二、商务部公告2024年第46号同时废止。
三、本公告自公布之日起施行。其中，第一条自2025年11月20日起实施。
商务部
2025年11月10日"""


def test_partial_suspension_repeal_and_clause_dates() -> None:
    x = run(PARTIAL_SUSPENSION, "zh")
    r = x.record
    assert r["announcement"] == "MOFCOM-2025-72"
    assert {(d["type"], d["target"], d["until"]) for d in r["relations"]} == {
        ("suspends", "MOFCOM-2025-61", "2026-11-10"), ("repeals", "MOFCOM-2024-46", None)}
    scoped = [s for s in x.relation_scopes if s["type"] == "suspends"]
    assert scoped and all(s["clauses"] == ["2"] for s in scoped)
    assert sorted(r["effective"]) == ["2025-11-10", "2025-11-20"]
    eff = {c["id"]: c["effective"] for c in x.clauses}
    assert eff == {"1": "2025-11-20", "2": "2025-11-10", "3": "2025-11-10"}


NEWS = """China to put tungsten under export controls from Dec. 1
BEIJING, Oct 10 - China's commerce ministry said on Thursday it would require export licences for tungsten, tellurium and bismuth products, the latest step in a tightening of controls on critical minerals.
The rules take effect on Dec. 1, the ministry said.
China produced 67,000 tonnes of tungsten and 120 tonnes of dysprosium last year.
Technologies for making samarium-cobalt magnets were put under control last month.
Separately, the ministry said graphite was not subject to the new controls."""


def test_news_controlled_elements_and_dates() -> None:
    r = run(NEWS, "en", published="2025-10-10").record
    assert r["kind"] == "news" and r["announcement"] is None and r["issued"] is None
    assert r["elements"] == ["W", "Te", "Bi"]
    assert r["effective"] == ["2025-12-01"]


NOISE = """商务部办公厅关于做好2025年汽车流通统计工作的通知
【发布单位】消费促进司
【发布文号】商办消费函〔2025〕87号
【发文日期】2025年02月20日
一、完善统计范围。二手车出口数据按月报送。
联系电话：010-85093725
商务部办公厅
2025年2月20日"""


def test_noise_keeps_kind_and_date_but_no_lists() -> None:
    r = run(NOISE, "zh").record
    assert r["relevant"] is False and r["modality"] is None
    assert r["announcement"] is None and r["issued"] == "2025-02-20"
    assert all(r[f] == [] for f in ("effective", "elements", "control_codes", "hs_codes", "relations"))


EN_SUSPENSION = """Announcement No. 70 of 2025 of the Ministry of Commerce and the General Administration of Customs on Suspending the Implementation of Announcements No. 55, No. 56 and No. 61 of 2025
To implement the consensus reached in the economic and trade consultations, the relevant matters are announced as follows:
I. The implementation of the following announcements on export controls of rare earths and superhard materials is suspended until November 10, 2026:
(1) MOFCOM and GACC Announcement No. 55 of 2025 (export controls on superhard materials);
(2) MOFCOM Announcement No. 61 of 2025 (export controls on overseas rare earth items).
II. This announcement shall come into force on the date of its publication.
Ministry of Commerce
November 7, 2025"""


def test_english_suspension_list_shares_the_end_date() -> None:
    r = run(EN_SUSPENSION, "en").record
    assert r["announcement"] == "MOFCOM-2025-70" and r["issued"] == "2025-11-07"
    assert r["effective"] == ["2025-11-07"]
    assert sorted((d["type"], d["target"], d["until"]) for d in r["relations"]) == [
        ("suspends", f"MOFCOM-2025-{n}", "2026-11-10") for n in (55, 56, 61)]


def test_an_annex_list_printed_below_the_signature_gives_the_act_its_elements() -> None:
    # the act's clauses name no element; its annex, on the same page after the signature, lists them
    text = """商务部公告2025年第99号
为维护国家安全,决定实施下列出口管制措施:
一、出口附件所列物项,应当向商务部申请许可。
二、本公告自公布之日起施行。
附件:1.有关金属物项清单
商务部
2025年3月3日
附件1
有关金属物项清单(节录)
第一部分 原产物项:金属铽,金属钪,镝铁合金。"""
    x = run(text, "zh", "2025-03-03")
    assert x.record["elements"] == ["Tb", "Sc", "Dy"]
    # the act's own list of its attachments is not the annex: with no annex printed, no elements
    head = text.split("附件1")[0]
    assert run(head, "zh", "2025-03-03").record["elements"] == []


def test_an_editors_gloss_above_an_act_that_suspends_is_not_the_act() -> None:
    # the gloss retells what the suspended act controls; the suspending act itself controls nothing
    text = """商务部公告2025年第98号 关于暂停实施商务部公告2024年第40号第三款的公告
【导读】第40号公告第三款规定对某国出口镓、锑相关两用物项原则上不予许可。
商务部公告2025年第98号
关于暂停实施商务部公告2024年第40号第三款的公告
现就有关事项公告如下:
一、暂停实施《商务部关于加强相关两用物项出口管制的公告》(商务部公告2024年第40号)第三款,暂停期限至2026年6月30日。
二、本公告自发布之日起施行。
商务部
2025年6月30日"""
    rec = run(text, "zh", "2025-06-30").record
    assert rec["elements"] == [] and rec["end_user_rules"] == []
    assert [(r["type"], r["target"], r["until"]) for r in rec["relations"]] == \
        [("suspends", "MOFCOM-2024-40", "2026-06-30")]


def test_an_english_signature_block_ends_the_act_before_an_editors_background_note() -> None:
    text = """Announcement No. 97 of 2025 of the Ministry of Commerce
The third paragraph of Announcement No. 41 of 2024 (Announcement on Strengthening Export Control of Relevant Dual-Use Items) shall be suspended from the date of this Announcement until June 30, 2026.
This Announcement is hereby issued.
Ministry of Commerce
June 30, 2025
Background
Announcement No. 41 of 2024 bans exports of gallium and antimony to military users."""
    rec = run(text, "en", "2025-06-30").record
    assert rec["elements"] == [] and rec["end_user_rules"] == []
    assert rec["effective"] == ["2025-06-30"]


def test_put_on_hold_suspends_the_acts_between_verb_and_hold() -> None:
    text = """Rare earth export controls: where things stand
Those rules never began: Announcement No. 70 put Nos. 55, 56 and 61 on hold until 10 November 2026.
Paragraph 2 of Announcement No. 46 of 2024 is suspended until 27 November 2026 under Announcement No. 72."""
    rec = run(text, "en", "2025-12-03").record
    assert {(r["type"], r["target"], r["until"]) for r in rec["relations"]} == {
        ("suspends", "MOFCOM-2025-55", "2026-11-10"), ("suspends", "MOFCOM-2025-56", "2026-11-10"),
        ("suspends", "MOFCOM-2025-61", "2026-11-10"), ("suspends", "MOFCOM-2024-46", "2026-11-27")}
    # a firm putting its own plans on hold after an act suspends nothing
    other = "Export controls on gallium\nThe refiner put its expansion on hold after Announcement No. 58 of 2025."
    assert run(other, "en", "2025-12-03").record["relations"] == []


def test_an_act_with_numbered_items_and_related_links_is_no_listing_page() -> None:
    """A page is a list of other documents only when its list items are link entries; an act's own
    numbered items beside a sidebar of related links keep it an announcement."""
    from pipeline.extract.record import is_listing
    from pipeline.records import Link

    lines = ["商务部公告2025年第96号", "决定对下列物项实施出口管制:"] + \
        [f"{i}. 1C90{i}.a 某某稀土金属及其合金,包括锭、块、粉等形态" for i in range(1, 8)] + \
        ["相关链接", "商务部公告2025年第61号", "商务部公告2025年第62号"]
    text = "\n".join(lines)
    doc = make_doc(text, "zh", "2025-10-09")
    doc.blocks = [Block("list_item" if line[:1].isdigit() or line.startswith("商务部公告2025年第6") else "paragraph",
                        b.start, b.end) for line, b in zip(lines, doc.blocks)]
    doc.links = [Link(href=f"https://e.org/{n}", text=f"商务部公告2025年第{n}号", rel="detail") for n in (61, 62)]
    assert not is_listing(doc)
    # the same page with its list items all being linked entries is a listing
    doc.links = [Link(href=f"https://e.org/{i}", text=line, rel="detail") for i, line in enumerate(lines[2:9])]
    assert is_listing(doc)


def test_a_suspensions_end_date_in_the_next_sentence_and_dates_that_never_applied() -> None:
    text = """稀土出口管制
11月7號晚上,商務部發咗2025年第70號公告,即日起暫停實施,分別係第55、56號,同埋第61號。暫停去到2026年11月10號。
當中55號本來話11月8號先生效,而家未生效就已經暫停咗。
11月9號商務部出咗2025年第72號公告,暫停去年第46號公告第二款,由即日起到2026年11月27號。"""
    rec = run(text, "zh", "2025-11-10").record
    assert {(r["target"], r["until"]) for r in rec["relations"]} == {
        ("MOFCOM-2025-55", "2026-11-10"), ("MOFCOM-2025-56", "2026-11-10"), ("MOFCOM-2025-61", "2026-11-10"),
        ("MOFCOM-2024-46", "2026-11-27")}
    assert "2025-11-08" not in rec["effective"]  # 本來話…先生效: planned, never applied
    en = """Graphite export controls
Announcement No. 58 of 9 October 2025 covered anode material. It was due to start on 8 November but was suspended."""
    assert "2025-11-08" not in run(en, "en", "2025-12-03").record["effective"]


def test_last_years_act_takes_the_year_of_the_date_printed_atop_a_page_without_metadata() -> None:
    text = """稀土出口管制
播出日期:2025年11月10日
商務部出咗2025年第72號公告,暫停去年第46號公告第二款,到2026年11月27號。"""
    rec = run(text, "zh", None).record
    assert ("suspends", "MOFCOM-2024-46", "2026-11-27") in {(r["type"], r["target"], r["until"]) for r in rec["relations"]}


def test_a_technology_catalogue_entry_names_technologies_not_items() -> None:
    text = """商务部 科技部调整技术出口目录
问:本次调整有哪些内容?
答:修改的是限制出口部分的有色金属冶金技术条目,新增卤水提锂、金属锂(合金)及锂材制备等控制要点,并将从氧化铝母液中提取金属镓的技术表述得更加精准。
属于限制出口的技术,实行许可证管理。"""
    rec = run(text, "zh", "2025-07-16").record
    assert rec["elements"] == []
    assert {"smelting_separation", "metal_smelting"} <= set(rec["technologies"])


def test_a_wire_stamp_dates_the_page_and_last_year_dates_a_month_day() -> None:
    text = """METALS WIRE | 15-Sep-2024 06:41 GMT
China's antimony export licensing kicks in
China's licensing requirement for antimony exports took effect on Sunday, Sept 15.
The rules follow licensing of gallium and germanium items from Aug. 1 last year."""
    rec = run(text, "en", None).record
    assert "2024-09-15" in rec["effective"] and "2023-08-01" in rec["effective"]
    assert "2023-09-15" not in rec["effective"] and "2024-08-01" not in rec["effective"]


def test_a_translations_signature_date_wins_over_its_status_log_and_lists_entities() -> None:
    text = """Translation of MOFCOM Announcement No. 95 of 2025
Ministry of Commerce Announcement No. 95 of 2025
It has been decided to add 3 U.S. entities to the Export Control List and to take the following measures:
1. The export of dual-use items to the above 3 U.S. entities is prohibited.
This announcement shall come into force on the date of its publication.
Ministry of Commerce
4 March 2025
Status log
5 Mar 2025 — Translation posted."""
    rec = run(text, "en", None).record
    assert rec["issued"] == "2025-03-04" and rec["effective"] == ["2025-03-04"]
    assert rec["end_user_rules"] == [{"category": "listed_entity", "policy": "deny"}]


def test_a_related_reading_list_gives_the_act_no_date_and_no_relation() -> None:
    text = """商务部公告2026年第9号 关于加强两用物项对某国出口管制的公告
[发文日期]2026年01月06日
商务部公告2026年第9号
现将有关事项公告如下:
一、禁止向某国军事用户出口任何两用物项。
二、本公告自公布之日起正式实施。
商务部
2026年1月6日
相关阅读:
· 商务部公告2025年第70号 关于暂停实施2025年第61号公告的公告 2025-11-07
· 《中华人民共和国两用物项出口管制条例》 2024-10-19"""
    rec = run(text, "zh", "2026-01-07").record
    assert rec["issued"] == "2026-01-06" and rec["relations"] == []


def test_a_posts_yearless_stamp_ignores_an_end_date_and_acts_in_ranges_and_slashes() -> None:
    text = """稀土出口管制暂停 - 稀土观察的微博
11-7 20:16 来自 iPhone
[商务部:10月9日发布的第55-57号、61号公告暂停实施一年]
今天商务部发布2025年第70号公告,把10月9日那一批出口管制公告暂停实施至2026年11月10日。
第55/56号原定11月8日实施,等于还没落地就先停了。"""
    rec = run(text, "zh", None).record
    targets = {r["target"] for r in rec["relations"]}
    assert {"MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57", "MOFCOM-2025-61"} <= targets
    assert not any(t.startswith("MOFCOM-2026") for t in targets)


def test_a_date_sets_an_acts_year_only_when_it_narrates_the_issue() -> None:
    text = """銻出口管制常見問題
首次發佈:2024年9月2日
對美國的額外限制(第46號公告第二款)已由2025年11月9日起暫停,至2026年11月27日止。
商務部在2024年12月3日發佈第46號公告,自發佈之日起實施。"""
    targets = {r["target"] for r in run(text, "zh", None).record["relations"]}
    assert "MOFCOM-2024-46" in targets and "MOFCOM-2025-46" not in targets
    en = ("China pauses rare earth export controls\nChina's commerce ministry said it freezes Announcements No. 55 "
          "to No. 57 of 2025 until November 10, 2026.")
    targets = {r["target"] for r in run(en, "en", "2025-11-08").record["relations"]}
    assert {"MOFCOM-2025-55", "MOFCOM-2025-56", "MOFCOM-2025-57"} <= targets


def test_light_rare_earths_said_not_on_the_list_are_no_elements_but_not_suspended_ones() -> None:
    text = """稀土出口管制新规
商务部今天宣布对钐、钆、铽等中重稀土相关物项实施出口管制。
记者注意到,公告所列均为中重稀土,钕、镨、镧、铈等轻稀土不在本次名单之中。"""
    assert run(text, "zh", "2025-04-04").record["elements"] == ["Sm", "Gd", "Tb"]
    kept = """稀土出口管制暂停
商务部暂停实施第70号公告所列措施。4月对钐、钆、铽实施的出口管制不在这次暂停之列。"""
    assert {"Sm", "Gd", "Tb"} <= set(run(kept, "zh", "2025-11-09").record["elements"])


def test_an_english_acts_element_headings_survive_a_line_wrapped_out_of_the_list() -> None:
    text = """Announcement No. 93 of 2025
It is decided to place the following items under export control:
I. 1C909 Holmium-related items
(1) 1C909.a Holmium metal and related products: holmium metal (reference customs commodity number
28053019); holmium targets.
II. 1C912 Europium-related items
(1) 1C912.a Europium oxide and its mixtures.
III. 1C913 Ytterbium-related items
Ytterbium metal, alloys containing ytterbium and ytterbium targets.
IV. This Announcement shall be implemented as of 8 November 2025.
Ministry of Commerce
9 October 2025"""
    assert run(text, "en", "2025-10-09").record["elements"] == ["Ho", "Eu", "Yb"]
