"""HTML parser: real MOFCOM / English / news pages from corpus/site, plus small pages written here
for templates the corpus does not have (the parser must not depend on one site's class names)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import dev_path
from pipeline.parse import html, parse
from pipeline.records import Document, Raw

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "corpus" / "site"

MOF = "www.mofcom.gov.cn/zwgk/zcfb/art/2025/"
NO18 = MOF + "art_cdbfba3c241c9122a988aa1823cd3947.html"
NO61 = MOF + "art_2715f48e177aa7dc3d356bae8fada586.html"
GBK = "www.mofcom.gov.cn/article/zwgk/gkzcfb/202307/20230703419666.shtml"
EN18 = "english.mofcom.gov.cn/Policies/GeneralPolicies/art/2025/art_f5ebd210461ed56b2a9f1684f53cf186.html"
EN62 = "english.mofcom.gov.cn/Policies/GeneralPolicies/art/2025/art_06e1ac14fffecd25d3c5799be4d76d48.html"
FOOTER_JUNK = ["京ICP备", "公网安备", "标识码", "bm04000001", "100731", "主办单位", "打印本页", "关闭窗口",
               "分享到", "当前位置", "doZoom", "字体", "Copyright", "All Rights Reserved", "Tel:"]


def site(rel: str) -> Document:
    return parse(Raw(content=(SITE / rel).read_bytes(), source=f"site/{rel}"))


def shared_site(rel: str) -> Document:
    """A seed news page of the dev set (../shared's, else the in-repo copy in corpus/site)."""
    path = dev_path("corpus", "site", *rel.split("/"))
    return parse(Raw(content=path.read_bytes(), source=f"site/{rel}"))


def page(body: str, head: str = "", **raw: object) -> Document:
    text = f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return html.parse(Raw(content=text.encode("utf-8"), source="test.html", **raw))  # type: ignore[arg-type]


def block_texts(doc: Document, kind: str | None = None) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks if kind is None or b.kind == kind]


def assert_offsets(doc: Document) -> None:
    """text is the blocks joined by newlines, so every offset is exact."""
    lines = block_texts(doc)
    assert "\n".join(lines) == doc.text
    for prev, block in zip(doc.blocks, doc.blocks[1:]):
        assert block.start == prev.end + 1
    assert all(line and "\n" not in line and line == line.strip() for line in lines)


CORPUS_HTML = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*") if p.suffix in (".html", ".shtml"))


@pytest.mark.parametrize("rel", CORPUS_HTML)
def test_every_corpus_page_parses_clean(rel: str) -> None:
    doc = site(rel)
    assert doc.error is None and doc.text and doc.title
    assert doc.id == Raw(content=(SITE / rel).read_bytes(), source="x").sha256
    assert doc.source == f"site/{rel}" and doc.media_type == "text/html"
    assert doc.parser.startswith("html:bs4-4.15") and "/lxml-" in doc.parser
    assert_offsets(doc)
    for junk in FOOTER_JUNK + ["<", "function(", "var ", "window.", "{", "Share on X", "Sign up", "Subscribe"]:
        assert junk not in doc.text, (rel, junk)
    assert all(link.href.startswith("https://") for link in doc.links)


def test_gbk_page_reads_as_chinese() -> None:
    doc = site(GBK)
    assert doc.encoding == "gb18030" and doc.lang == "zh"
    assert "镓" in doc.text and "锗" in doc.text and "商务部 海关总署公告2023年第23号" in doc.text
    assert doc.title == "商务部 海关总署公告2023年第23号 关于对镓、锗相关物项实施出口管制的公告"
    assert doc.published == "2023-07-03"
    assert doc.meta["发布时间"] == "2023-07-03 15:00:00"
    assert "8112929010" in doc.text and "七、本公告自2023年8月1日起正式实施。" in block_texts(doc, "heading")
    assert "您现在的位置" not in doc.text and "1024*768" not in doc.text


def test_no18_structure_metadata_and_no_footer() -> None:
    doc = site(NO18)
    lines = block_texts(doc)
    kinds = {doc.text[b.start:b.end]: b.kind for b in doc.blocks}
    assert doc.title == "商务部 海关总署公告2025年第18号 公布对部分中重稀土相关物项实施出口管制的决定"
    assert doc.blocks[0].kind == "title" and lines[0] == doc.title
    assert doc.published == "2025-04-04" and doc.lang == "zh"
    assert kinds["一、下列物项未经许可不得出口："] == "heading"
    assert kinds["（一）钐相关物项"] == "list_item"
    assert kinds["a. 金属钐（参考海关商品编号：2805301910）；"] == "list_item"
    assert kinds["【发文日期】2025年04月04日"] == "meta"
    assert kinds["来源：安全与管制局 类型：原创 2025-04-04 18:00"] == "meta"
    assert doc.meta["发布文号"] == "商务部 海关总署公告2025年第18号"
    assert doc.meta["PubDate"] == "2025-04-04 18:00" and doc.meta["来源"] == "安全与管制局"
    for code in ("1C902.a", "1C903.c", "1C904.b", "2846901940"):
        assert code in doc.text
    for heading in ("二、出口经营者应当", "五、本公告自公布之日起正式实施。"):
        assert any(line.startswith(heading) for line in lines)
    assert lines[-1] == "2025年4月4日" and "京ICP备" not in doc.text and "网站地图" not in doc.text


def test_no61_attachments_and_body() -> None:
    doc = site(NO61)
    attachments = [link for link in doc.links if link.rel == "attachment"]
    assert [a.href for a in attachments] == [
        "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805262.pdf",
        "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/P020251009537180805263.pdf"]
    assert attachments[0].text == "附件1：境外相关稀土物项清单.pdf"
    assert "附件1：境外相关稀土物项清单.pdf" in doc.text and "0.1%及以上" in doc.text
    assert not any(link.href.startswith("javascript") for link in doc.links)


@pytest.mark.parametrize("rel,code,date", [(EN18, "1C902.a", "2025-04-04"), (EN62, "1E902.b", "2025-10-09")])
def test_english_pages(rel: str, code: str, date: str) -> None:
    doc = site(rel)
    assert doc.lang == "en" and doc.published == date and code in doc.text
    assert doc.title and doc.title.startswith("Announcement No.") and block_texts(doc)[0] == doc.title
    assert "Source: MOFCOM | Updated:" in block_texts(doc, "meta")[0]
    assert "MINISTRY OF COMMERCE" not in doc.text and "Home" not in block_texts(doc)
    assert any(line.startswith("I. ") for line in block_texts(doc, "heading"))


def test_mofcom_list_page_links() -> None:
    doc = site("www.mofcom.gov.cn/zwgk/zcfb/index.html")
    details = [link for link in doc.links if link.rel == "detail"]
    assert [(d.href.rsplit("/", 1)[1], d.date) for d in details] == [
        ("art_e5d133ba529e782f06c0f12a93762117.html", "2025-11-07"),
        ("art_ca16aece2523b8417c50039971ebad50.html", "2025-10-28"),
        ("art_993dfbb3a3ed1d6b5b1258817c73561b.html", "2025-10-09"),
        ("art_496877fa93e8e7cdcf7c128f0e531340.html", "2025-10-09")]
    assert all(d.href.startswith("https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/") for d in details)
    assert details[2].text.startswith("商务部 海关总署公告2025年第57号")
    assert [n.href for n in doc.links if n.rel == "next"] == ["https://www.mofcom.gov.cn/zwgk/zcfb/index_1.html"]
    nav = [link for link in doc.links if link.text == "机构"]
    assert nav and nav[0].rel == "link"  # navigation <li><a> is not a list entry
    assert len(block_texts(doc, "list_item")) == 4 and "2025-11-07" in doc.text


def test_last_list_page_has_no_next() -> None:
    doc = site("www.mofcom.gov.cn/zwgk/zcfb/index_2.html")
    assert len([link for link in doc.links if link.rel == "detail"]) == 3
    assert not [link for link in doc.links if link.rel == "next"]


def test_english_list_page() -> None:
    doc = site("english.mofcom.gov.cn/index.html")
    details = [link for link in doc.links if link.rel == "detail"]
    assert [d.href for d in details] == [f"https://{EN62}", f"https://{EN18}"]
    assert [d.date for d in details] == ["2025-10-09", "2025-04-04"]


def test_raw_url_is_the_link_base() -> None:
    content = (SITE / "www.mofcom.gov.cn/zwgk/zcfb/index.html").read_bytes()
    doc = parse(Raw(content=content, source="whatever.html", url="http://127.0.0.1:8000/m/zwgk/zcfb/index.html"))
    assert doc.url == "http://127.0.0.1:8000/m/zwgk/zcfb/index.html"
    assert [n.href for n in doc.links if n.rel == "next"] == ["http://127.0.0.1:8000/m/zwgk/zcfb/index_1.html"]


def test_news_page_drops_chrome() -> None:
    doc = site("news.example.org/2025/10/20/china-rare-earth-magnet-exports-to-us-fall-29-percent-september.html")
    assert doc.title == "China's rare-earth magnet exports to the US fall 29% in September"
    assert doc.published == "2025-10-20" and doc.lang == "en"
    for junk in ("More on this story", "Markets", "Critical Minerals Brief", "Terms", "RSS"):
        assert junk not in doc.text
    assert doc.text.count("Example Mineral News") == 1  # in the byline only, not the brand or footer
    assert "420.5 tonnes" in doc.text
    assert any(b.startswith("By Example Mineral News staff") for b in block_texts(doc, "meta"))


def test_seed_004_mojibake_repaired() -> None:
    doc = shared_site("news.example.org/2025/10/10/beijing-enforces-stricter-rare-earth-export-controls.html")
    assert "technologies—whether" in doc.text and "controls—imposed" in doc.text
    assert "â" not in doc.text and any("repaired" in w for w in doc.warnings)


def test_seed_002_comments_and_byline() -> None:
    doc = shared_site("news.example.org/2025/10/13/china-steps-up-control-of-rare-earth-exports-national-security.html")
    assert "No comments" not in doc.text and "Publish" not in doc.text
    assert block_texts(doc, "meta") == ["By Helen Davidson · 13 October 2025"]
    assert doc.published == "2025-10-13"


# --- templates the corpus does not have -------------------------------------------------------

PARA = "商务部决定对相关物项实施出口管制，现将有关事项公告如下，出口经营者应当依法申请许可。"


def test_unknown_template_is_found_by_density() -> None:
    body = (f"<div id='wrap'><div class='topnav'><a href='/a'>首页</a><a href='/b'>新闻</a></div>"
            f"<div class='c1'><div class='ttl'>关于某事项的公告</div><div class='x9'><p>{PARA}</p><p>一、{PARA}</p>"
            f"<p>二、{PARA}</p></div></div><div class='bottom'><p>京ICP备12345678号</p>"
            f"<p>主办单位：某部 电话：010-12345678</p></div></div>")
    doc = page(body, "<title>关于某事项的公告_某部网站</title>")
    assert doc.title == "关于某事项的公告"
    assert block_texts(doc)[0] == "关于某事项的公告" and doc.blocks[0].kind == "title"
    assert PARA in doc.text and "一、" + PARA in block_texts(doc, "heading")
    assert "ICP" not in doc.text and "010-12345678" not in doc.text and "首页" not in doc.text


def test_page_wrapped_in_form_keeps_its_text() -> None:
    doc = page(f"<form id='form1' action='/x'><div class='main'><h1>Headline here</h1><p>{PARA}</p></div></form>")
    assert PARA in doc.text and doc.title == "Headline here"


def test_article_header_and_time() -> None:
    body = ("<header class='masthead'><a href='/'>Site</a></header><article><header><h1>Rules tightened</h1>"
            "<time datetime='2025-03-01T08:00:00+08:00'>March 1</time></header>"
            "<p>The ministry tightened the rules on Monday, officials said in a statement.</p></article>"
            "<footer>© 2025 Site, phone 555-0100</footer>")
    doc = page(body)
    assert doc.title == "Rules tightened" and doc.published == "2025-03-01"
    assert "555-0100" not in doc.text and "Site" not in block_texts(doc)


def test_br_splits_lines_and_spaces_normalised() -> None:
    doc = page("<div class='content'><p>\u3000\u3000第一行 text\u00a0\u00a0here<br>第二行<br/>商务部\u3000海关总署</p>"
               "<p>中华人民共和国\n  商务部</p></div>")
    assert block_texts(doc) == ["第一行 text here", "第二行", "商务部 海关总署", "中华人民共和国商务部"]


def test_word_export_spans_are_not_split() -> None:
    doc = page("<div id='zoom'><p><span>商务部公告</span><span>2025</span><span>年第</span><span>18</span>"
               "<span>号</span></p><p>" + PARA + "</p></div>")
    assert "商务部公告2025年第18号" in doc.text


def test_data_table_becomes_rows_and_table() -> None:
    doc = page("<div class='art-con'><p>" + PARA + "</p><table><tr><th>序号</th><th>物项</th><th>编码</th></tr>"
               "<tr><td><p>1</p></td><td>金属钐</td><td>1C902.a</td></tr><tr><td>2</td><td></td><td>—</td></tr>"
               "</table></div>")
    assert doc.tables and doc.tables[0].rows == [["序号", "物项", "编码"], ["1", "金属钐", "1C902.a"], ["2", None, "—"]]
    assert block_texts(doc, "table_row") == ["序号 | 物项 | 编码", "1 | 金属钐 | 1C902.a", "2 |  | —"]


def test_http_header_charset_and_gbk_alias() -> None:
    content = f"<html><body><div id='zoom'><p>{PARA}镓锗</p></div></body></html>".encode("gbk")
    doc = html.parse(Raw(content=content, source="x.html", headers={"Content-Type": "text/html; charset=GBK"}))
    assert doc.encoding == "gb18030" and "镓锗" in doc.text
    assert not [w for w in doc.warnings if "charset" in w or "encoding" in w]


def test_declared_legacy_charset_but_utf8_bytes() -> None:
    content = f"<html><head><meta charset='gb2312'></head><body><p>{PARA}</p></body></html>".encode("utf-8")
    doc = html.parse(Raw(content=content, source="x.html"))
    assert doc.encoding == "utf-8" and PARA in doc.text and "valid UTF-8" in doc.warnings[0]


def test_title_site_suffix_removed() -> None:
    doc = page("<p>Some body text that is long enough to be the content of this page.</p>",
               "<title>Headline of the story | Example Wire</title>")
    assert doc.title == "Headline of the story"


def test_hidden_elements_and_json_ld_date() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Quota cut",'
            ' "datePublished": "2025-05-06T09:00:00Z"}</script>')
    doc = page("<div class='story'><p>The quota was cut by a fifth, the ministry said in Beijing today.</p>"
               "<div style='display: none'>tracking pixel text</div><p hidden>old draft</p></div>", head)
    assert doc.title == "Quota cut" and doc.published == "2025-05-06"
    assert "tracking" not in doc.text and "draft" not in doc.text and "@type" not in doc.text


def test_base_href_and_skipped_schemes() -> None:
    doc = page("<p>Body text of the page that is long enough to count as content.</p>"
               "<a href='doc.pdf'>Annex</a><a href='mailto:a@b.c'>mail</a><a href='#top'>top</a>",
               "<base href='https://example.gov.cn/files/'>")
    assert [(link.href, link.rel) for link in doc.links] == [("https://example.gov.cn/files/doc.pdf", "attachment")]
