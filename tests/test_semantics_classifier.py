"""ew_doc_classifier on held-out documents (kinds, relevance, modality) written for these tests:
other acts (antimony/US ban, unreliable entity listing, graphite), other outlets and templates."""
from __future__ import annotations

import pytest
import spacy

from pipeline.extract.build import assemble

_PIPES: dict[str, spacy.language.Language] = {}


def classify(lang: str, text: str) -> tuple[str, bool, str | None]:
    if lang not in _PIPES:
        _PIPES[lang] = assemble(lang, ["ew_doc_classifier"])
    doc = _PIPES[lang](text)
    return doc.user_data["ew_kind"], doc.user_data["ew_relevant"], doc.user_data["ew_modality"]


ZH_US_BAN = """商务部公告2024年第46号 关于加强相关两用物项对美国出口管制的公告
为维护国家安全和利益、履行防扩散等国际义务，根据《中华人民共和国出口管制法》等法律法规有关规定，决定加强相关两用物项对美国出口管制。现将有关事项公告如下：
一、禁止两用物项对美国军事用户或军事用途出口。
二、原则上不予许可镓、锗、锑、超硬材料相关两用物项对美国出口；对石墨两用物项对美出口，实施更严格的最终用户和最终用途审查。
三、任何国家和地区的组织和个人，违反上述规定，将原产于中国的相关两用物项转移或提供给美国的组织和个人，将依法追究法律责任。
本公告自公布之日起正式实施。
商务部
2024年12月3日"""

ZH_UEL = """不可靠实体清单工作机制公告〔2025〕3号 关于将部分美国实体列入不可靠实体清单的公告
根据《不可靠实体清单规定》第二条、第八条和第十条等有关规定，不可靠实体清单工作机制决定将以下10家实体列入不可靠实体清单，并采取下列处理措施：
一、禁止上述企业从事与中国有关的进出口活动；
二、禁止上述企业在中国境内新增投资。
本公告自公布之日起实施。
不可靠实体清单工作机制
2025年4月9日"""

ZH_QA = """商务部新闻发言人就锑等物项出口管制答记者问
问：商务部为何对锑相关物项实施出口管制？
答：对锑相关物项实施出口管制，是国际通行做法。对于符合规定的出口申请，商务部将依法予以许可。
问：实施管制后，企业如何申请许可？
答：出口经营者应当通过省级商务主管部门向商务部申请两用物项出口许可。"""

ZH_NEWS_PROPOSED = """中国拟加强锂电池正极材料技术出口管制
2025年1月3日 来源：财新网
据知情人士透露，商务部正在研究将锂电池正极材料制备技术纳入出口管制范围，相关征求意见工作已于近期启动。
分析人士认为，此举将影响海外电池厂商的技术获取。"""

ZH_NEWS_REPORTED = """商务部宣布对石墨物项实施出口管制
新华社北京10月20日电（记者 王明）商务部20日宣布，对部分石墨物项实施出口管制，自12月1日起施行。
商务部新闻发言人表示，相关管制措施不针对任何特定国家和地区。
业内人士指出，石墨是锂电池负极材料的重要原料。"""

ZH_STATS = """商务部办公厅关于做好2025年外贸统计监测工作的通知
各省、自治区、直辖市商务主管部门：
为及时掌握外贸运行情况，现就有关事项通知如下：
一、加强监测。各地要按月报送进出口数据。
二、提高质量。各地要建立数据审核机制。
商务部办公厅
2025年3月1日"""

EN_ANNOUNCEMENT = """MOFCOM Announcement No. 33 of 2024 on the Implementation of Export Control on Antimony-Related Items
In order to safeguard national security and interests and fulfil international obligations such as non-proliferation, it has been decided to implement export control on antimony-related items. The relevant matters are hereby announced as follows:
I. Items meeting the following characteristics shall not be exported without permission:
(1) Antimony ores and raw materials.
II. Exporters shall apply for a dual-use items export licence.
III. This announcement shall come into force on September 15, 2024."""

EN_SPOKESPERSON = """MOFCOM Spokesperson Comments on Export Controls on Graphite Items
A spokesperson of the Ministry of Commerce said in response to a question that the export control on graphite items is a common international practice.
The spokesperson said that compliant export applications would be approved, and that China is committed to the stability of global supply chains of critical minerals."""

EN_NEWS_PROPOSED = """China mulls export curbs on graphite anode technology, sources say
BEIJING, March 3 (Reuters) - China is considering restrictions on exports of graphite anode technology, two people familiar with the matter said on Tuesday.
The commerce ministry is drafting rules that would require licences to export the technology, according to the sources. Analysts said the move could hit battery makers abroad."""

EN_NEWS_HEDGED = """China reportedly tightens antimony export controls
By Jane Smith
China has reportedly imposed new licensing requirements on antimony exports to some buyers, according to people familiar with the matter.
Traders said on Monday that shipments of antimony trioxide had been held at customs pending export licences."""

EN_NEWS_PROPOSED_LEAD = """Beijing's next move on gallium
LONDON, Feb 2 - China is weighing a ban on gallium exports to chipmakers in Japan, people familiar with the matter said on Friday, after announcing licensing rules last year.
Analysts said any ban would tighten supply of the critical mineral."""

EN_EARNINGS = """Lynas posts higher quarterly revenue as NdPr prices climb
SYDNEY, Jan 25 - Lynas Rare Earths reported a 20% rise in quarterly revenue on Thursday, helped by higher prices for neodymium-praseodymium oxide.
The company said output of rare earth oxide rose 12% and its Malaysian plant ran at record rates. Analysts expect prices to stay firm."""

EN_OTHER = """Glossary of rare earth terms
Samarium: a rare earth element used in samarium-cobalt magnets.
Dysprosium: a heavy rare earth added to NdFeB magnets to keep them stable at high temperature."""


@pytest.mark.parametrize("lang,text,expected", [
    ("zh", ZH_US_BAN, ("announcement", True, "official")),
    ("zh", ZH_UEL, ("announcement", True, "official")),
    ("zh", ZH_QA, ("qa", True, "official")),
    ("zh", ZH_NEWS_PROPOSED, ("news", True, "proposed")),
    ("zh", ZH_NEWS_REPORTED, ("news", True, "reported")),
    ("zh", ZH_STATS, ("announcement", False, None)),
    ("en", EN_ANNOUNCEMENT, ("announcement", True, "official")),
    ("en", EN_SPOKESPERSON, ("qa", True, "official")),
    ("en", EN_NEWS_PROPOSED, ("news", True, "proposed")),
    ("en", EN_NEWS_HEDGED, ("news", True, "reported")),
    ("en", EN_NEWS_PROPOSED_LEAD, ("news", True, "proposed")),
    ("en", EN_EARNINGS, ("news", False, None)),
    ("en", EN_OTHER, ("other", False, None)),
], ids=["zh-us-ban", "zh-unreliable-entity", "zh-qa", "zh-news-proposed", "zh-news-reported", "zh-stats",
        "en-announcement", "en-spokesperson", "en-news-proposed", "en-news-hedged", "en-news-proposed-lead",
        "en-earnings", "en-other"])
def test_held_out_documents(lang: str, text: str, expected: tuple[str, bool, str | None]) -> None:
    assert classify(lang, text) == expected


def test_draft_official_text_is_proposed() -> None:
    text = ("关于对稀土相关技术实施出口管制的公告（征求意见稿）\n" + ZH_US_BAN.split("\n", 1)[1])
    assert classify("zh", text) == ("announcement", True, "proposed")


def test_related_story_headlines_do_not_vote() -> None:
    """A sidebar headline about a proposal must not turn a report into a proposal."""
    body = EN_NEWS_HEDGED
    sidebar = "\nMore on this story\nChina weighs new curbs on rare-earth magnet exports\nChina plans export ban on gallium"
    assert classify("en", body + sidebar) == ("news", True, "reported")
    # the same headline as the article's own title does decide
    assert classify("en", "China weighs new curbs on rare-earth magnet exports\n" + body.split("\n", 1)[1])[2] \
        == "proposed"


def test_one_passing_mention_of_controls_is_not_relevant() -> None:
    text = EN_EARNINGS + "\nThe company said China's export controls had little effect on its sales."
    assert classify("en", text)[1] is False


def test_evidence_spans_name_their_decision() -> None:
    doc = assemble("zh", ["ew_doc_classifier"])(ZH_QA)
    found = {s.label_ for s in doc.spans["doc_class"]}
    assert {"kind:qa", "relevant", "modality:official"} <= found
    qa_cues = [s.text for s in doc.spans["doc_class"] if s.label_ == "kind:qa"]
    assert "答记者问" in qa_cues


def test_a_press_conference_transcript_with_agency_reporters_is_a_qa() -> None:
    """Turns labelled 'Reporter from Reuters:' are questions put at an official briefing, not a
    news story by Reuters; a newspaper's byline '本报记者:' is no such turn."""
    text = """MOFCOM Regular Press Conference (March 3, 2026)
Spokesperson Lin Qiao: Good afternoon. I will now take your questions.
Reporter from Reuters: Exporters say rare earth licence applications are slow. Will MOFCOM speed up approvals?
Lin Qiao: Export control of rare earth items is a legitimate measure. Compliant civilian trade will be licensed.
Reporter from Bloomberg: Are general licences being considered for magnet exports?
Lin Qiao: We are studying facilitation measures for export controls, including general licences."""
    assert classify("en", text)[0] == "qa"
    news = "稀土出口管制新闻\n本报记者:张三\n商务部10月9日发布公告,对稀土相关物项实施出口管制。"
    assert classify("zh", news)[0] != "qa"


def test_a_story_quoting_a_spokespersons_answers_stays_news() -> None:
    """'商务部新闻发言人在答记者问中表示' reports a Q&A; the page itself is a news story."""
    text = """商务部一日两公告:多家实体列入管控名单
东岸晚报 2026-02-24 19:42记者 林远阅读 3.1万
今天,商务部发布公告,将20家实体列入出口管制管控名单,禁止向其出口两用物项。
商务部新闻发言人今天在答记者问中表示,相关措施只针对极少数实体。"""
    assert classify("zh", text)[0] == "news"


def test_another_countrys_export_halt_with_chinese_buyers_in_the_title_is_not_relevant() -> None:
    text = """Congo extends cobalt export halt by three months; Chinese refiners draw down stocks
The Democratic Republic of Congo will keep its ban on cobalt exports in place for another three months.
Congo's regulator said the suspension that began in February restricts exports until stocks fall.
Refiners in China have been living off inventories of hydroxide, one trader said."""
    assert classify("en", text)[1] is False


def test_plain_and_colloquial_licence_talk_makes_a_text_relevant() -> None:
    en = """China's gallium and germanium licence regime goes live
From today, no gallium product covered by Beijing's rules can leave China without a licence from the Ministry of Commerce.
Exporters filed applications for export licences with their provincial bureaus, a gallium refiner said."""
    assert classify("en", en)[1] is True
    zh = """[讨论]61号公告的0.1%怎么算?海外磁材厂是不是也要找商务部办证
昨天两份公告连着发。境外做的稀土永磁只要用了中国产的镝、铽,价值占到0.1%以上,以后也得申请许可。
最终用途是军工的镝铁合金,原则上不批。"""
    assert classify("zh", zh)[1] is True


def test_a_summary_bullet_opening_with_an_act_number_does_not_make_an_act() -> None:
    text = """China's export control list grows again: twelve US defence suppliers added
Client briefing · 10 April 2025
MOFCOM Announcement No. 22 of 2025, dated 9 April, adds twelve US companies to China's export control list.
Exports of dual-use items to them are prohibited, our team notes; suppliers should screen their customers."""
    assert classify("en", text)[0] == "news"
