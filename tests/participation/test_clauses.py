"""A draft split into the clauses citizens comment on (participation.clauses): articles (条) under their chapters (章)
and sections (节), paragraphs (款), the preamble, drafts without articles, the refusals, and .docx uploads.

Plain functions: no database."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from participation import clauses
from participation.clauses import (
    ClauseText,
    DraftTextError,
    chinese_numeral,
    numeral_value,
    paragraph_label,
    paragraphs,
    split_clauses,
    text_of_docx,
)

DOG_RULES = """示例市养犬管理办法（征求意见稿）

第一章　总　　则

第一条　为了规范养犬行为，保障公民健康和人身安全，维护市容环境和社会公共秩序，制定本办法。
第二条　本市行政区域内养犬以及相关管理活动，适用本办法。
第三条 市公安机关是本市养犬管理的主管部门。
城市管理、农业农村、卫生健康等部门按照各自职责，做好养犬管理相关工作。
第四条　养犬管理实行政府监督、部门协作、基层参与、养犬人自律相结合的原则。

第二章　申请与受理
第一节　申请

第五条　个人申请养犬登记的，应当提交下列材料：
（一）居民身份证或者其他有效身份证明；
（二）犬只狂犬病免疫证明；
（三）犬只照片。
前款第二项规定的免疫证明，由动物诊疗机构出具。

第二节　受理

第六条　公安机关应当自收到申请之日起五个工作日内作出决定。

第三章　附　　则

第七条　本办法自2027年1月1日起施行。
"""


def refusal(text: str) -> DraftTextError:
    with translation.override("en"), pytest.raises(DraftTextError) as caught:
        split_clauses(text)
    return caught.value


def articles(count: int, *, start: int = 1) -> str:
    return "\n".join(f"第{chinese_numeral(n)}条　第{n}条的内容。" for n in range(start, start + count))


# ---------------------------------------------------------------- a realistic draft


def test_the_dog_rules_split_into_preamble_and_seven_articles():
    result = split_clauses(DOG_RULES)
    assert [(c.number, c.label) for c in result] == [(0, "序言")] + [
        (n, f"第{label}条") for n, label in enumerate("一二三四五六七", start=1)
    ]
    assert result[0] == ClauseText(0, "序言", "", "示例市养犬管理办法（征求意见稿）")
    assert result[1].text.startswith("为了规范养犬行为，")  # the label and the full-width space after it are gone
    assert result[2].text == "本市行政区域内养犬以及相关管理活动，适用本办法。"


def test_chapters_and_sections_set_the_chapter_of_the_articles_after_them():
    chapter = {c.label: c.chapter for c in split_clauses(DOG_RULES)}
    assert chapter["序言"] == ""
    assert chapter["第一条"] == chapter["第四条"] == "第一章 总则"  # 总　　则: the padding goes
    assert chapter["第五条"] == "第二章 申请与受理 / 第一节 申请"
    assert chapter["第六条"] == "第二章 申请与受理 / 第二节 受理"
    assert chapter["第七条"] == "第三章 附则"  # a new chapter leaves the previous section behind


def test_headings_are_not_clauses():
    assert not any("章" in c.label or "节" in c.label for c in split_clauses(DOG_RULES))
    assert all("第二章" not in c.text for c in split_clauses(DOG_RULES))


def test_a_section_without_a_chapter_is_the_chapter_on_its_own():
    result = split_clauses("第一节 一般规定\n第一条 内容。")
    assert result[0].chapter == "第一节 一般规定"


def test_a_table_of_contents_before_the_body_is_harmless():
    text = (
        "示例市养犬管理办法\n目　　录\n第一章　总则\n第二章　申请与受理\n"
        "第一章　总则\n第一条　内容。\n第二章　申请与受理\n第二条　内容。"
    )
    result = split_clauses(text)
    assert [(c.label, c.chapter) for c in result] == [
        ("序言", ""),
        ("第一条", "第一章 总则"),
        ("第二条", "第二章 申请与受理"),
    ]
    assert result[0].text == "示例市养犬管理办法\n目\u3000\u3000录"  # inside a line, the text is as written


# ---------------------------------------------------------------- paragraphs (款)


def test_an_article_keeps_its_paragraphs_joined_by_newlines():
    third = split_clauses(DOG_RULES)[3]
    assert third.label == "第三条"
    assert third.text == (
        "市公安机关是本市养犬管理的主管部门。\n城市管理、农业农村、卫生健康等部门按照各自职责，做好养犬管理相关工作。"
    )
    assert paragraphs(third) == [
        "市公安机关是本市养犬管理的主管部门。",
        "城市管理、农业农村、卫生健康等部门按照各自职责，做好养犬管理相关工作。",
    ]
    assert paragraph_label(third, 2) == "第三条第二款"


def test_items_stay_with_the_paragraph_that_introduces_them():
    fifth = split_clauses(DOG_RULES)[5]
    assert fifth.text.count("\n") == 4  # five lines in the article
    assert paragraphs(fifth) == [
        "个人申请养犬登记的，应当提交下列材料：\n（一）居民身份证或者其他有效身份证明；\n（二）犬只狂犬病免疫证明；\n（三）犬只照片。",
        "前款第二项规定的免疫证明，由动物诊疗机构出具。",
    ]  # 前款第二项: the items are of the first paragraph (款), which the second one cites


def test_a_label_on_its_own_line_takes_the_next_lines_as_its_text():
    result = split_clauses("第一条\n为了规范养犬行为，制定本办法。\n第二条\u3000本办法适用于本市。")
    assert result[0] == ClauseText(1, "第一条", "", "为了规范养犬行为，制定本办法。")
    assert paragraphs(result[0]) == ["为了规范养犬行为，制定本办法。"]


def test_a_paragraph_citing_an_article_does_not_start_one():
    text = (
        "第一条 养犬人应当遵守本办法。\n"
        "第二条 禁止携犬进入学校。\n"
        "第一条规定的义务，由养犬人履行。\n"
        "第一条第二款、第二条所称的场所，由市人民政府公布。\n"
        "第一条、第二条的规定不适用于导盲犬。\n"
        "第一条至第二条中的“犬只”，不包括警犬。\n"
        "第三条 本办法自公布之日起施行。"
    )
    result = split_clauses(text)
    assert [c.label for c in result] == ["第一条", "第二条", "第三条"]
    assert len(paragraphs(result[1])) == 5


# ---------------------------------------------------------------- numerals


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("第十条", 10),
        ("第十一条", 11),
        ("第二十条", 20),
        ("第二十一条", 21),
        ("第一百零一条", 101),
        ("第一百零五条", 105),
    ],
)
def test_chinese_numerals_give_the_article_number(label, number):
    result = split_clauses(articles(number - 1) + f"\n{label}　最后一条。")
    assert (result[-1].number, result[-1].label, result[-1].text) == (number, label, "最后一条。")
    assert [c.number for c in result] == list(range(1, number + 1))


def test_an_article_text_that_happens_to_begin_like_a_reference_is_still_an_article():
    result = split_clauses("\ufeff第一条至少每年组织一次犬只免疫。\n第二条和睦邻里，文明养犬。")
    assert [(c.label, c.text) for c in result] == [
        ("第一条", "至少每年组织一次犬只免疫。"),  # 至 not followed by 第…: the article's own text
        ("第二条", "和睦邻里，文明养犬。"),
    ]


def test_arabic_numerals_and_full_width_spaces():
    text = "\u3000\u3000第1条\u3000为了规范养犬行为。\u3000\r\n\r\n  第2条本办法适用于本市。\r\n第 3 条 施行日期。"
    result = split_clauses(text)
    assert [(c.number, c.label, c.text) for c in result] == [
        (1, "第1条", "为了规范养犬行为。"),
        (2, "第2条", "本办法适用于本市。"),
        (3, "第3条", "施行日期。"),
    ]
    assert paragraph_label(result[0], 2) == "第1条第2款"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("两百", 200),
        ("一百五", 150),
        ("一〇五", 105),
        ("九百九十九", 999),
        ("一千零一十", 1010),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_numeral_value(numeral, value):
    assert numeral_value(numeral) == value


@pytest.mark.parametrize("numeral", ["十十", "二三十", "百千", "一百十", "零十", "1十"])
def test_malformed_numerals_are_none(numeral):
    assert numeral_value(numeral) is None


def test_chinese_numeral_reads_back_for_every_article_up_to_999():
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 101, 110, 999)] == [
        "一",
        "十",
        "十一",
        "二十",
        "一百零一",
        "一百一十",
        "九百九十九",
    ]
    assert all(numeral_value(chinese_numeral(n)) == n for n in range(1, 1000))


# ---------------------------------------------------------------- preamble; no articles


def test_everything_before_the_first_article_is_the_preamble():
    text = "关于示例市养犬管理办法的说明\n为广泛听取社会意见，现将草案全文公布。\n\n第一条 内容。"
    assert split_clauses(text)[0] == ClauseText(
        0, "序言", "", "关于示例市养犬管理办法的说明\n为广泛听取社会意见，现将草案全文公布。"
    )


def test_no_preamble_when_the_draft_opens_with_an_article():
    assert split_clauses("第一章 总则\n第一条 内容。")[0].label == "第一条"


def test_a_text_without_articles_is_split_into_its_paragraphs():
    text = "示例市关于调整公交票价的决定\r\n\r\n一、普通线路票价调整为2元。\r\n二、本决定自2027年1月1日起施行。\r\n"
    assert split_clauses(text) == [
        ClauseText(1, "第1段", "", "示例市关于调整公交票价的决定"),
        ClauseText(2, "第2段", "", "一、普通线路票价调整为2元。"),
        ClauseText(3, "第3段", "", "二、本决定自2027年1月1日起施行。"),
    ]


def test_a_plan_with_chapters_but_no_articles_keeps_its_chapters():
    text = "第一章　发展基础\n本市人口持续增长。\n第二章　总体要求\n第一节　指导思想\n坚持以人民为中心。"
    assert [(c.label, c.chapter, c.text) for c in split_clauses(text)] == [
        ("第1段", "第一章 发展基础", "本市人口持续增长。"),
        ("第2段", "第二章 总体要求 / 第一节 指导思想", "坚持以人民为中心。"),
    ]


def test_an_empty_text_has_no_clauses():
    assert split_clauses("") == []
    assert split_clauses(" \n\u3000\r\n") == []


# ---------------------------------------------------------------- refusals


def test_a_repeated_article_number_is_refused_naming_the_line():
    text = "示例市养犬管理办法\n第一条 内容。\n第二条 内容。\n\n第二条 重复的内容。"
    error = refusal(text)
    assert str(error) == "Line 5: 第二条 appears twice; each article number may be used only once."
    assert error.line == 5


def test_an_article_out_of_order_is_refused_with_the_one_expected():
    assert str(refusal("第一条 内容。\n第三条 内容。")) == (
        "Line 2: 第三条 is out of order; the article expected here is 第二条."
    )
    assert str(refusal("第1条 内容。\n第3条 内容。")).endswith("the article expected here is 第2条.")
    assert str(refusal("第二条 内容。")).startswith("Line 1: 第二条 is out of order")


def test_an_unreadable_article_number_is_refused():
    error = refusal("第一条 内容。\n第二三十条 内容。")
    assert str(error) == "Line 2: the article number in 第二三十条 cannot be read."
    assert error.line == 2


def test_text_between_a_heading_and_the_next_article_is_refused():
    error = refusal("第一条 内容。\n第二章　附　　则\n本章说明。\n第二条 内容。")
    assert str(error) == "Line 3: the text after the heading “第二章 附则” must begin with an article (第…条)."
    assert error.line == 3


def test_the_character_limit():
    assert len(split_clauses("字" * clauses.MAX_CHARACTERS)) == 1
    assert str(refusal("字" * (clauses.MAX_CHARACTERS + 1))) == (
        "The draft has 200,001 characters; at most 200,000 characters can be split into clauses."
    )


def test_the_clause_limit():
    assert len(split_clauses(articles(1000))) == 1000
    message = "The draft has more than 1,000 clauses; at most 1,000 clauses can be opened for comment."
    assert str(refusal(articles(1001))) == message
    assert str(refusal("序言\n" + articles(1000))) == message
    assert str(refusal("\n".join(f"段落{n}" for n in range(1001)))) == message


def test_the_refusal_is_a_value_error():
    assert issubclass(DraftTextError, ValueError)


# ---------------------------------------------------------------- .docx


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def dog_rules_docx(document) -> None:
    document.add_paragraph("示例市养犬管理办法（征求意见稿）")
    document.add_paragraph("第一章　总　　则")
    document.add_paragraph("第一条　为了规范养犬行为，制定本办法。")
    document.add_paragraph("第二条　重点管理区内每户限养一只犬。犬只收费标准如下：")
    table = document.add_table(rows=3, cols=2)
    for row, (kind, fee) in zip(table.rows, [("犬只", "年费（元）"), ("", ""), ("大型犬", "500")], strict=True):
        row.cells[0].text, row.cells[1].text = kind, fee
    merged = document.add_table(rows=1, cols=3)
    merged.rows[0].cells[0].merge(merged.rows[0].cells[1]).text = "合并的单元格"
    merged.rows[0].cells[2].text = "另一格"
    document.add_paragraph("")
    document.add_paragraph("第三条　本办法自2027年1月1日起施行。")


def test_a_docx_gives_its_paragraphs_and_table_rows_in_document_order():
    upload = SimpleUploadedFile("draft.docx", docx_bytes(dog_rules_docx))
    assert text_of_docx(upload).split("\n") == [
        "示例市养犬管理办法（征求意见稿）",
        "第一章　总　　则",
        "第一条　为了规范养犬行为，制定本办法。",
        "第二条　重点管理区内每户限养一只犬。犬只收费标准如下：",
        "犬只 | 年费（元）",
        "大型犬 | 500",  # the empty row is left out
        "合并的单元格 | 另一格",  # a merged cell once
        "",
        "第三条　本办法自2027年1月1日起施行。",
    ]


def test_a_docx_splits_into_clauses():
    result = split_clauses(text_of_docx(io.BytesIO(docx_bytes(dog_rules_docx))))
    assert [(c.label, c.chapter) for c in result] == [
        ("序言", ""),
        ("第一条", "第一章 总则"),
        ("第二条", "第一章 总则"),
        ("第三条", "第一章 总则"),
    ]
    assert paragraphs(result[2])[1:] == ["犬只 | 年费（元）", "大型犬 | 500", "合并的单元格 | 另一格"]


def test_a_docx_read_twice_reads_from_the_start():
    upload = SimpleUploadedFile("draft.docx", docx_bytes(dog_rules_docx))
    assert text_of_docx(upload) == text_of_docx(upload)


def not_a_zip_file() -> bytes:
    return "第一条 这是一个纯文本文件。".encode()


def an_old_word_file() -> bytes:
    return bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)  # the OLE header of a .doc


def a_zip_without_a_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    return buffer.getvalue()


def a_spreadsheet() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def a_truncated_docx() -> bytes:
    whole = docx_bytes(dog_rules_docx)
    return whole[: len(whole) // 2]


def a_docx_with_broken_xml() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        not_a_zip_file,
        an_old_word_file,
        a_zip_without_a_document,
        a_spreadsheet,
        a_truncated_docx,
        a_docx_with_broken_xml,
    ],
)
def test_a_file_that_is_not_a_docx_is_refused(content):
    upload = SimpleUploadedFile("draft.docx", content())
    with translation.override("en"), pytest.raises(DraftTextError) as caught:
        text_of_docx(upload)
    assert str(caught.value) == "This file is not a Word (.docx) document."


def test_an_empty_file_is_refused():
    with translation.override("en"), pytest.raises(DraftTextError, match=r"not a Word \(\.docx\) document"):
        text_of_docx(SimpleUploadedFile("draft.docx", b""))


def test_a_docx_that_inflates_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(clauses, "MAX_DOCX_UNCOMPRESSED_MB", 0)
    with translation.override("en"), pytest.raises(DraftTextError) as caught:
        text_of_docx(io.BytesIO(docx_bytes(dog_rules_docx)))
    assert str(caught.value) == "This Word document is too large to read: it holds more than 0 MB of content."
