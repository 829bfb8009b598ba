"""Offline opinions imported from CSV (UTF-8 with a BOM, GB18030) and XLSX: every row checked as one-by-one entry
checks it, all stored (each with its receipt number and ledger event) or none, the report naming each bad row by its
number in the file, its column and the message; files that are not what they claim, files of wrong columns or too
many rows, and people who may not enter opinions are refused as a whole. The staff page shows the columns, a
template, and the report."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accountability.models import LedgerEvent
from demo.walkthrough import pdf_file
from participation import imports, services
from participation.imports import import_offline_opinions
from participation.models import Comment
from participation.services import ParticipationError
from tests.factories import log_in_in_english

from .helpers import close_it, open_consultation, participation_snapshot, refused_here

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER_ZH = ["渠道", "姓名", "联系方式", "单位", "条款", "意见"]
HEADER_EN = ["channel", "name", "contact", "organization", "clause", "text"]
GOOD_ROWS = [
    ["座谈会", "座谈会代表甲", "13812341234", "某社区居委会", "第三条", "建议登记可以网上办理。"],
    ["letter", "来信群众", "", "", "2", "建议明确适用范围包括郊区。"],
    ["", "", "", "", "", ""],  # an empty row: skipped, still counted in the numbering
    ["实地走访", "走访对象", "visitor@example.cn", "", "", "建议设置一年的过渡期。"],
]


def csv_bytes(rows, *, encoding="utf-8-sig", header=HEADER_ZH) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def csv_file(rows, name="opinions.csv", **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, **options), content_type="text/csv")


def xlsx_bytes(rows, header=HEADER_EN) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows, name="opinions.xlsx", **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **options))


def run(world, consultation, uploaded_file, actor=None):
    return import_offline_opinions(consultation=consultation, actor=actor or world.drafter, uploaded_file=uploaded_file)


def assert_stored(report, consultation, actor):
    assert report.stored and report.bad == 0
    comments = list(Comment.objects.filter(consultation=consultation).order_by("id"))
    assert [row.receipt_number for row in report.rows] == [comment.receipt_number for comment in comments]
    assert all(comment.entered_by == actor for comment in comments)
    events = LedgerEvent.objects.filter(action="comment.received").order_by("id")
    assert [event.after["receipt_number"] for event in events] == [row.receipt_number for row in report.rows]
    assert all(event.actor_id == actor.pk for event in events)
    return comments


# ---------------------------------------------------------------- good files


def test_a_utf8_csv_with_a_bom_is_stored_row_by_row_with_receipts_and_events(world):
    consultation = open_consultation(world)
    report = run(world, consultation, csv_file(GOOD_ROWS))
    assert [row.number for row in report.rows] == [2, 3, 5]  # the header is row 1; row 4 is empty
    assert (report.total, report.good, report.bad) == (3, 3, 0)
    comments = assert_stored(report, consultation, world.drafter)
    assert [comment.channel for comment in comments] == ["symposium", "letter", "field_visit"]
    assert [comment.clause.label if comment.clause else None for comment in comments] == ["第三条", "第二条", None]
    assert comments[0].name == "座谈会代表甲" and comments[0].organization == "某社区居委会"
    assert comments[1].contact == "" and comments[2].contact == "visitor@example.cn"
    events = LedgerEvent.objects.filter(action="comment.received")
    assert "13812341234" not in repr(list(events.values("after", "object_repr")))  # no personal data in the ledger


def test_a_gb18030_csv_as_chinese_excel_writes_it_is_stored(world):
    consultation = open_consultation(world)
    content = csv_bytes(GOOD_ROWS[:1], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really not UTF-8
    report = run(world, consultation, SimpleUploadedFile("意见.csv", content))
    (comment,) = assert_stored(report, consultation, world.drafter)
    assert (comment.name, comment.text) == ("座谈会代表甲", "建议登记可以网上办理。")


def test_an_xlsx_with_english_headers_and_numbers_is_stored(world):
    consultation = close_it(open_consultation(world))  # after it closed, too
    rows = [
        ["newspaper", "《示例日报》读者", 13812341234, None, 3, "建议增加犬只免疫要求。"],
        ["Other", "热线来电", None, "某公司", "第 1 条", "建议明确主管部门。"],
    ]
    report = run(world, consultation, xlsx_file(rows), actor=world.head)
    comments = assert_stored(report, consultation, world.head)
    assert comments[0].contact == "13812341234"  # a number cell, written as it reads
    assert [comment.clause.label for comment in comments] == ["第三条", "第一条"]
    assert [comment.channel for comment in comments] == ["newspaper", "other"]


def test_header_notes_and_a_semicolon_csv_are_understood(world):
    consultation = open_consultation(world)
    header = ["渠道*", "姓名*", "联系方式（选填）", "单位 (optional)", "条款", "意见内容"]
    content = "\n".join(";".join(row) for row in [header, GOOD_ROWS[0]]).encode("utf-8")
    report = run(world, consultation, SimpleUploadedFile("semicolons.csv", content))
    assert_stored(report, consultation, world.drafter)


# ---------------------------------------------------------------- bad rows: nothing stored, each named


@pytest.mark.parametrize(
    ("cells", "field", "says"),
    [
        ({5: "太短"}, "text", "An opinion has 5 to 5000 characters; this one has 2."),
        ({0: "电话"}, "channel", "Choose where the opinion was gathered."),
        ({0: "online"}, "channel", "Choose where the opinion was gathered."),
        ({4: "第九条"}, "clause", "The draft has no clause “第九条”"),
        ({1: ""}, "name", "Give your name"),
        ({2: "not a contact"}, "contact", "Give a telephone number or an e-mail address"),
        ({3: "单" * 201}, "organization", "At most 200 characters."),
    ],
)
def test_one_bad_row_stores_nothing_and_the_report_names_it(world, cells, field, says):
    consultation = open_consultation(world)
    bad = list(GOOD_ROWS[0])
    for index, value in cells.items():
        bad[index] = value
    before = participation_snapshot()
    events = LedgerEvent.objects.count()
    report = run(world, consultation, csv_file([GOOD_ROWS[0], GOOD_ROWS[1], bad]))
    assert not report.stored
    assert participation_snapshot() == before and LedgerEvent.objects.count() == events
    assert (report.total, report.good, report.bad) == (3, 2, 1)
    (row,) = report.bad_rows
    assert row.number == 4 and not row.receipt_number
    (error,) = row.errors
    assert error.field == field and says in error.message
    assert all(not good.receipt_number for good in report.rows)


def test_each_problem_of_a_row_is_listed(world):
    consultation = open_consultation(world)
    bad = ["电话", "来电人", "", "", "第九条", "短"]
    report = run(world, consultation, csv_file([bad, ["座谈会", "", "", "", "", "建议设置过渡期。"]]))
    first, second = report.rows
    assert [error.field for error in first.errors] == ["channel", "text", "clause"]
    assert "Accepted: 座谈会/symposium" in first.errors[0].message
    assert [error.field for error in second.errors] == ["name"]
    assert [str(error.column) for error in first.errors] == ["Channel", "Opinion", "Clause"]
    assert Comment.objects.count() == 0


def test_a_value_in_a_column_without_a_name_is_a_row_problem(world):
    consultation = open_consultation(world)
    report = run(world, consultation, csv_file([[*GOOD_ROWS[0], "多余的内容"]], header=[*HEADER_ZH, ""]))
    (row,) = report.bad_rows
    assert row.errors[0].field == "" and "column G" in row.errors[0].message
    assert Comment.objects.count() == 0


def test_a_failure_while_storing_stores_nothing(world, monkeypatch):
    """All or nothing even when a row is refused at the last moment (the checks all passed before)."""
    consultation = open_consultation(world)
    enter = services.enter_offline_opinion
    calls = []

    def second_refused(**values):
        calls.append(values)
        if len(calls) == 2:
            raise ParticipationError("comment.not_open", "closed meanwhile", status=409)
        return enter(**values)

    monkeypatch.setattr(services, "enter_offline_opinion", second_refused)
    with refused_here("comment.not_open", consultation.step.decision):
        run(world, consultation, csv_file(GOOD_ROWS))
    assert len(calls) == 2


# ---------------------------------------------------------------- files refused as a whole


@pytest.mark.parametrize(
    ("header", "says"),
    [
        (["渠道", "姓名"], "missing columns: 意见/text"),
        (["channel", "text"], "missing columns: 姓名/name"),
        (["渠道", "姓名", "意见", "备注"], "unknown columns: 备注"),
        (["渠道", "姓名", "意见", "text"], "columns given twice: text"),
        (["", "", ""], "it is empty"),
    ],
)
def test_wrong_columns_are_refused_naming_them(world, header, says):
    consultation = open_consultation(world)
    with refused_here("import.columns", consultation.step.decision, says=("Row 1 must name the columns", says)):
        run(world, consultation, csv_file([["座谈会", "甲", "建议设置过渡期。"]], header=header))


def test_a_header_without_rows_is_refused(world):
    consultation = open_consultation(world)
    with refused_here("import.empty", consultation.step.decision, says="no opinions"):
        run(world, consultation, csv_file([["", "", "", "", "", ""]]))


def test_more_than_the_maximum_of_rows_is_refused(world):
    consultation = open_consultation(world)
    rows = [["座谈会", f"代表{number}", "", "", "", "建议设置过渡期。"] for number in range(imports.MAX_ROWS + 1)]
    with refused_here("import.too_many_rows", consultation.step.decision, says="more than 2,000 opinions"):
        run(world, consultation, csv_file(rows))
    with refused_here("import.too_many_rows", consultation.step.decision, says="more than 2,000 opinions"):
        run(world, consultation, xlsx_file(rows))


def test_too_many_rows_even_empty_ones_are_refused(world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_LINES", 10)
    consultation = open_consultation(world)
    rows = [[""] * 6] * 10 + [GOOD_ROWS[0]]
    with refused_here("import.too_many_rows", consultation.step.decision, says="more than 10 rows"):
        run(world, consultation, csv_file(rows))


def a_zip_named_csv():
    return SimpleUploadedFile("opinions.csv", xlsx_bytes([GOOD_ROWS[0]]))


def a_pdf_named_csv():
    return SimpleUploadedFile("opinions.csv", pdf_file("x.pdf").read())


def binary_named_csv():
    return SimpleUploadedFile("opinions.csv", bytes(range(1, 32)) * 4)


def a_csv_named_xlsx():
    return SimpleUploadedFile("opinions.xlsx", csv_bytes(GOOD_ROWS))


def a_truncated_xlsx():
    whole = xlsx_bytes(GOOD_ROWS)
    return SimpleUploadedFile("opinions.xlsx", whole[: len(whole) // 2])


def a_word_file_named_xlsx():
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return SimpleUploadedFile("opinions.xlsx", buffer.getvalue())


@pytest.mark.parametrize(
    ("make", "code", "says"),
    [
        (a_zip_named_csv, "upload.content", "is not a CSV file"),
        (a_pdf_named_csv, "upload.content", "is not a CSV file"),
        (binary_named_csv, "upload.content", "is not a CSV file"),
        (lambda: SimpleUploadedFile("opinions.csv", b"\x81\x20\xff\xfe"), "import.encoding", "neither UTF-8"),
        (lambda: SimpleUploadedFile("opinions.csv", b""), "upload.empty", "is empty"),
        (a_csv_named_xlsx, "upload.content", "is not a XLSX file"),
        (a_truncated_xlsx, "upload.content", "is not a XLSX file"),
        (a_word_file_named_xlsx, "upload.content", "is not a XLSX file"),
        (lambda: SimpleUploadedFile("opinions.xls", b"\xd0\xcf\x11\xe0"), "upload.type", "old Excel file"),
        (lambda: SimpleUploadedFile("opinions.txt", b"a,b"), "upload.type", "is not a CSV or XLSX file"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(world, make, code, says):
    consultation = open_consultation(world)
    with refused_here(code, consultation.step.decision, says=says):
        run(world, consultation, make())


def test_a_csv_over_the_size_limit_is_refused(world, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    consultation = open_consultation(world)
    with refused_here("upload.size", consultation.step.decision, says="documents may be at most"):
        run(world, consultation, csv_file(GOOD_ROWS))


# ---------------------------------------------------------------- who, and when


@pytest.mark.parametrize(
    ("who", "code", "says"),
    [("drafter_b", "permission.scope", ""), ("gov", "permission.role", ""), ("supervisor", "permission.role", "")],
)
def test_people_who_may_not_enter_opinions_are_refused_before_the_file_is_read(world, who, code, says):
    consultation = open_consultation(world)
    not_read = SimpleUploadedFile("opinions.txt", b"never read")
    with refused_here(code, consultation.step.decision, says=says, status=403) as caught:
        run(world, consultation, not_read, actor=getattr(world, who))
    one_by_one = pytest.raises(ParticipationError)
    with one_by_one as entered:
        services.enter_offline_opinion(
            consultation=consultation,
            actor=getattr(world, who),
            channel="letter",
            name="甲",
            contact="",
            text="建议设置过渡期。",
        )
    assert entered.value.message == caught.value.message  # the same refusal as one-by-one entry


def test_a_withdrawn_consultation_takes_no_import(world):
    consultation = open_consultation(world)
    services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="撤回重拟")
    with refused_here("comment.not_open", consultation.step.decision, says="Withdrawn", status=409):
        run(world, consultation, csv_file(GOOD_ROWS))


# ---------------------------------------------------------------- the staff page


def page_url(consultation):
    return reverse("participation:import_opinions", args=[consultation.pk])


def template_url(consultation):
    return reverse("participation:import_template", args=[consultation.pk])


def test_the_page_shows_the_columns_and_offers_templates(world, client):
    consultation = open_consultation(world)
    log_in_in_english(client, world.drafter)
    response = client.get(page_url(consultation))
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (
        "Import offline opinions",
        "渠道",
        "实地走访 (field_visit)",
        "All or nothing",
        template_url(consultation),
    ):
        assert expected in page
    assert 'enctype="multipart/form-data"' in page and '<label for="id_file">' in page

    workbook = load_workbook(io.BytesIO(client.get(template_url(consultation)).content))
    assert [cell.value for cell in workbook.active[1]] == HEADER_EN  # the page is in English
    template = client.get(template_url(consultation) + "?format=csv")
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode("utf-8-sig").strip() == ",".join(HEADER_EN)
    # The template, filled in, imports.
    filled = template.content + "信函,来信人,,,,建议设置过渡期。\r\n".encode()
    assert run(world, consultation, SimpleUploadedFile("template.csv", filled)).stored
    assert imports.template_header("zh-hans") == HEADER_ZH


def test_posting_a_good_file_shows_the_receipts(world, client):
    consultation = open_consultation(world)
    log_in_in_english(client, world.head)
    response = client.post(page_url(consultation), {"file": csv_file(GOOD_ROWS)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 opinions were stored" in page
    for comment in Comment.objects.filter(consultation=consultation):
        assert comment.receipt_number in page


def test_posting_a_file_with_a_bad_row_shows_the_row_and_stores_nothing(world, client):
    consultation = open_consultation(world)
    log_in_in_english(client, world.drafter)
    bad = [*GOOD_ROWS[0][:5], "太短"]
    response = client.post(page_url(consultation), {"file": csv_file([GOOD_ROWS[0], bad])})
    assert response.status_code == 400
    page = response.content.decode()
    assert "No opinion was stored" in page and '<th scope="row">3</th>' in page
    assert "this one has 2." in page
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "says"),
    [({}, "This field is required."), ({"file": a_pdf_named_csv}, "is not a CSV file")],
)
def test_a_refused_upload_shows_the_message_at_the_form(world, client, data, says):
    consultation = open_consultation(world)
    log_in_in_english(client, world.drafter)
    data = {name: make() for name, make in data.items()}
    response = client.post(page_url(consultation), data)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_withdrawn_consultation_page_says_why_not(world, client):
    consultation = open_consultation(world)
    services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="撤回重拟")
    log_in_in_english(client, world.drafter)
    response = client.get(page_url(consultation))
    assert response.status_code == 200 and "opinions are entered while it is open" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("gov", 403), ("supervisor", 403), ("drafter_b", 404), ("outsider", 404)])
def test_others_may_not_see_the_page(world, client, who, status):
    consultation = open_consultation(world)
    log_in_in_english(client, getattr(world, who))
    assert client.get(page_url(consultation)).status_code == status
    assert client.get(template_url(consultation)).status_code == status
    assert client.post(page_url(consultation), {"file": csv_file(GOOD_ROWS)}).status_code == status
    assert Comment.objects.count() == 0
