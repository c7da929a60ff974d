"""The document view: normalised text for the components, offsets and quotes of the stored text.

Real reposts write Traditional characters, copy-typed dates with the letter O, pinyin inside words
and bullets inside words; the view folds them so one cue vocabulary reads them all, and the
record's evidence still quotes the document as printed."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import extract
from pipeline.extract.view import Normaliser, default_normaliser
from pipeline.records import Document


def _doc(text: str, title: str | None = None) -> Document:
    return Document(id="t" * 64, source="t.txt", media_type="text/plain", text=text, title=title)


def test_traditional_script_is_folded_character_by_character() -> None:
    nz = default_normaliser()
    text, omap = nz.normalise("對釤、鏑相關物項實施出口管制")
    assert text == "对钐、镝相关物项实施出口管制"
    assert omap.identity


def test_deletions_map_back_to_the_original() -> None:
    nz = default_normaliser()
    original = "国▪际义务，稀（xī）土“磁材制造”技术，2O25年1O月9日"
    text, omap = nz.normalise(original)
    assert text == "国际义务,稀土磁材制造技术,2025年10月9日"
    start = text.index("磁材制造技术")
    s, e = omap.to_orig(start, start + len("磁材制造技术"))
    assert original[s:e] == "磁材制造”技术"
    s, e = omap.to_orig(text.index("国际"), text.index("国际") + 2)
    assert original[s:e] == "国▪际"
    assert omap.to_norm(original.index("际")) == text.index("际")


def test_a_substitution_never_changes_the_length() -> None:
    nz = Normaliser({"substitute": [{"pattern": "ab", "replace": "x"}]})
    assert nz.normalise("cab")[0] == "cab"
def test_traditional_repost_is_extracted_and_quoted_as_printed() -> None:
    text = ("商務部 海關總署公告2025年第18號\n"
            "根據有關規定，經國務院批准，決定對下列物項實施出口管制：\n"
            "一、釤相關物項\n"
            "（一）1C902.a 金屬釤、含釤的合金（參考海關商品編號：2805301910）。\n")
    x = extract(_doc(text))
    rec = x.record
    assert rec["announcement"] == "MOFCOM-2025-18"
    assert "Sm" in rec["elements"] and "2805301910" in rec["hs_codes"]
    for ev in rec["evidence"]:
        assert text[ev["start"]:ev["end"]] == ev["text"]
    sm = next(ev for ev in rec["evidence"] if ev["field"] == "elements")
    assert sm["text"] == "釤"
    for item in x.items:
        assert text[item["start"]:item["end"]] == item["quote"]
        assert item["name"] is None or item["name"] in text


@given(st.text(alphabet="稀土管制镓 \n\t\u3000ab.,，。", max_size=60))
def test_char_tokens_are_spacys_in_linear_time(text: str) -> None:
    """The view tokenizer's own character segmentation gives exactly spaCy's Chinese 'char' tokens
    and trailing spaces (spaCy's alignment is quadratic in the text's length)."""
    from spacy import util

    from pipeline.extract.tokenizer import char_words_and_spaces

    expected = util.get_words_and_spaces(list(text), text) if text else ([], [])
    assert char_words_and_spaces(text) == expected


def test_a_date_wrapped_between_its_day_digit_and_its_unit_is_read_whole() -> None:
    # A hard-wrapped act (PDF text, a plain-text repost) may break a line between "1" and "日起":
    # the wrap is Chinese, so the newline goes and the effective date is read.
    body = ("根据《中华人民共和国出口管制法》等法律法规的有关规定，为维护国家安全和利益，经国务院\n"
            "批准，决定对镓、锗相关物项实施出口管制。有关事项公告如下：本公告自2023年8月1\n"
            "日起正式实施。出口经营者应当按照有关规定办理出口许可手续，向商务部提出申请\n"
            "，商务部应当自收到申请之日起45个工作日内作出准予或不准予许可的决定并通知申\n"
            "请人。出口许可手续具体办理流程以商务部发布的指南为准，请各出口经营者遵照执行。\n")
    text = "商务部 海关总署公告2023年第23号\n关于对镓、锗相关物项实施出口管制的公告\n" + body + "商务部 海关总署\n2023年7月3日\n"
    record = extract(_doc(text)).record
    assert record["effective"] == ["2023-08-01"]
    ev = next(e for e in extract(_doc(text)).record["evidence"] if e["field"] == "effective")
    assert text[ev["start"]:ev["end"]] == ev["text"] and "1\n日" in ev["text"]
