"""Documents: type, content and size checked; nothing stored when refused; versions kept with SHA-256."""

import functools
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import LedgerEvent
from decisions import services
from decisions.errors import ProcedureError
from decisions.models import Document
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from tests.refusals import refused, status_of


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def upload(world, decision, uploaded_file, actor=None, kind=Document.Kind.DRAFT, title="决策草案", step=None):
    return services.add_document(
        decision=decision,
        actor=actor or world.drafter,
        uploaded_file=uploaded_file,
        kind=kind,
        title=title,
        step=step,
    )


def refused_upload(world, decision, code, uploaded_file, says=()):
    files = stored_files()
    with refused(code, decision, says=says):
        upload(world, decision, uploaded_file)
    assert Document.objects.count() == 0
    assert stored_files() == files


def test_executable_is_refused(world, decision):
    refused_upload(
        world,
        decision,
        "upload.type",
        SimpleUploadedFile("草案.exe", b"MZ\x90\x00" * 64),
        says=("草案.exe", "pdf"),
    )


def test_file_without_extension_is_refused(world, decision):
    refused_upload(world, decision, "upload.type", SimpleUploadedFile("draft", b"%PDF-1.4 whatever"))


def test_pdf_whose_content_is_text_is_refused(world, decision):
    refused_upload(
        world,
        decision,
        "upload.content",
        SimpleUploadedFile("draft.pdf", "这不是PDF，只是一段文字。".encode()),
        says="PDF",
    )


def test_docx_that_is_really_a_pdf_is_refused(world, decision):
    disguised = SimpleUploadedFile("draft.docx", pdf_file("x.pdf").read())
    refused_upload(world, decision, "upload.content", disguised)


def test_oversize_file_is_refused(world, decision, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    refused_upload(world, decision, "upload.size", pdf_file("draft.pdf"), says="draft.pdf")


def test_empty_file_is_refused(world, decision):
    refused_upload(world, decision, "upload.empty", SimpleUploadedFile("draft.pdf", b""))


def test_accepted_pdf_is_versioned_with_its_sha256(world, decision):
    first, second = pdf_file("v1.pdf", "第一稿"), pdf_file("v2.pdf", "第二稿")
    first_bytes, second_bytes = first.read(), second.read()
    first.seek(0)
    second.seek(0)
    events = LedgerEvent.objects.count()

    one = upload(world, decision, first)
    two = upload(world, decision, second)

    assert (one.version, two.version) == (1, 2)
    assert one.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert two.sha256 == hashlib.sha256(second_bytes).hexdigest()
    assert (one.size, one.content_type, one.original_name) == (len(first_bytes), "application/pdf", "v1.pdf")
    with one.file.open("rb") as stored:  # the first version is kept, never overwritten
        assert stored.read() == first_bytes
    with two.file.open("rb") as stored:
        assert stored.read() == second_bytes
    assert LedgerEvent.objects.count() == events + 2
    event = LedgerEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.object_id, event.decision_id) == (
        "document.uploaded",
        "decisions.document",
        str(two.pk),
        decision.pk,
    )
    assert event.after["sha256"] == two.sha256
    assert event.after["version"] == 2
    assert event.actor == world.drafter


def test_versions_are_counted_per_kind(world, decision):
    upload(world, decision, pdf_file("draft.pdf"))
    explanation = upload(world, decision, pdf_file("explanation.pdf"), kind=Document.Kind.EXPLANATION)
    assert explanation.version == 1


def test_versions_are_counted_per_document_title(world, decision):
    """A re-upload under the same title is that document's next version; another title starts at v1."""
    first = upload(world, decision, pdf_file("a.pdf"), kind=Document.Kind.REPORT, title="风险评估报告")
    other = upload(world, decision, pdf_file("b.pdf"), kind=Document.Kind.REPORT, title="专家论证报告")
    again = upload(world, decision, pdf_file("c.pdf"), kind=Document.Kind.REPORT, title="风险评估报告")
    assert (first.version, other.version, again.version) == (1, 1, 2)


def test_versions_are_counted_per_step(world, decision):
    """The same title on a step and on the decision itself are two documents."""
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    step.status = "open"  # (the drafter works on it)
    step.save(update_fields=["status"])
    loose = upload(world, decision, pdf_file("a.pdf"), kind=Document.Kind.REPORT, title="说明")
    on_step = upload(world, decision, pdf_file("b.pdf"), kind=Document.Kind.REPORT, title="说明", step=step)
    on_step_again = upload(world, decision, pdf_file("c.pdf"), kind=Document.Kind.REPORT, title="说明", step=step)
    assert (loose.version, on_step.version, on_step_again.version) == (1, 1, 2)


def test_one_version_of_one_document_only_once(world, decision):
    from django.db import IntegrityError, transaction

    first = upload(world, decision, pdf_file("a.pdf"), kind=Document.Kind.REPORT, title="说明")
    duplicate = Document(
        decision=decision,
        kind=first.kind,
        title=first.title,
        version=first.version,
        file=first.file.name,
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=world.drafter,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_unknown_document_kind_is_refused(world, decision):
    with refused("document.kind", decision):
        upload(world, decision, pdf_file("draft.pdf"), kind="memo")


def test_another_organizations_drafter_cannot_upload(world, decision):
    expected = {
        world.drafter_b: "permission.scope",
        world.outsider: "permission.scope",
        world.supervisor: "permission.role",
    }
    for actor, code in expected.items():
        with pytest.raises(ProcedureError) as caught:
            upload(world, decision, pdf_file("draft.pdf"), actor=actor)
        assert caught.value.code == code
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_closed_decision_receives_no_documents(world, decision):
    services.withdraw_decision(decision=decision, actor=world.gov, reason="目录调整。")
    with refused("procedure.ended", decision):
        upload(world, decision, pdf_file("draft.pdf"))
    assert stored_files() == []


def test_failed_ledger_write_removes_the_stored_file(world, decision, settings):
    settings.LEDGER_HASH_ALGORITHM = "md5"
    events = LedgerEvent.objects.count()
    with pytest.raises(ValueError):
        upload(world, decision, pdf_file("draft.pdf"))
    assert Document.objects.count() == 0
    assert LedgerEvent.objects.count() == events
    assert stored_files() == []
    assert status_of(decision) == State.PROPOSED


# ---------------------------------------------------------------- content beyond the first bytes (decisions/uploads.py)

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def content_types(*overrides: tuple[str, str]) -> str:
    parts = "".join(f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in overrides)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{parts}</Types>'
    )


def package(name: str, entries: dict[str, str | bytes], compresslevel: int | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def docx(name: str = "draft.docx", **extra) -> SimpleUploadedFile:
    """A minimal Word package: its content types, its relationships and its main part."""
    return package(
        name,
        {
            "[Content_Types].xml": content_types(("word/document.xml", WORD_MAIN)),
            "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
            "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
            **extra,
        },
    )


@functools.cache
def inflating_docx_bytes() -> bytes:
    """A Word package whose main part inflates to 300 MB of zeros (about 300 KB deflated, built in under a second)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types(("word/document.xml", WORD_MAIN)))
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            zeros = bytes(1024 * 1024)
            for _ in range(300):
                part.write(zeros)
    return buffer.getvalue()


def test_pdf_with_html_after_its_header_is_refused(world, decision):
    polyglot = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
    refused_upload(world, decision, "upload.pdf_markup", SimpleUploadedFile("draft.pdf", polyglot), says="draft.pdf")


def test_pdf_without_its_end_of_file_marker_is_refused(world, decision):
    truncated = pdf_file("draft.pdf").read().replace(b"%%EOF", b"")
    refused_upload(world, decision, "upload.pdf_incomplete", SimpleUploadedFile("draft.pdf", truncated), says="%%EOF")


def test_a_docx_inflating_to_300_mb_is_refused_without_being_inflated(world, decision, monkeypatch):
    bomb = SimpleUploadedFile("draft.docx", inflating_docx_bytes())
    opened = []
    original_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: opened.append(str(name)) or original_open(self, name, *a, **k),
    )
    assert bomb.size < 1024 * 1024
    refused_upload(world, decision, "upload.package_too_large", bomb, says=("draft.docx", "200"))
    assert "word/document.xml" not in opened  # only the directory was read


def test_a_package_of_too_many_entries_is_refused(world, decision):
    many = docx(**{f"word/media/{number}.xml": "" for number in range(5000)})
    refused_upload(world, decision, "upload.package_too_large", many)


def test_a_macro_enabled_package_renamed_docx_is_refused(world, decision):
    docm = package(
        "draft.docx",
        {
            "[Content_Types].xml": content_types(
                ("word/document.xml", WORD_MACRO_MAIN), ("word/vbaProject.bin", "application/vnd.ms-office.vbaProject")
            ),
            "word/document.xml": "<w:document/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro",
        },
    )
    refused_upload(world, decision, "upload.macro", docm, says="macros")
    # A macro-enabled content type alone is enough, and so is the macro part alone.
    declared = package(
        "draft.docx",
        {"[Content_Types].xml": content_types(("word/document.xml", WORD_MACRO_MAIN)), "word/document.xml": "<w/>"},
    )
    refused_upload(world, decision, "upload.macro", declared)
    refused_upload(world, decision, "upload.macro", docx(**{"word/vbaProject.bin": b"macro"}))


def test_a_zip_that_is_not_the_office_package_it_claims_is_refused(world, decision):
    for disguised in (
        package("draft.docx", {"word/document.xml": "<w/>"}),  # no [Content_Types].xml
        package("draft.docx", {"[Content_Types].xml": content_types(), "word/document.xml": "<w/>"}),  # no main part
        package("draft.docx", {"[Content_Types].xml": "not xml <", "word/document.xml": "<w/>"}),
        package(
            "draft.docx",
            {
                "[Content_Types].xml": '<!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>',
                "word/document.xml": "<w/>",
            },
        ),
        docx("sheet.xlsx"),  # a Word package named as a spreadsheet
        SimpleUploadedFile("draft.docx", b"PK\x03\x04" + b"\x00" * 200),  # a ZIP header and nothing of a ZIP
    ):
        refused_upload(world, decision, "upload.content", disguised)


def test_minimal_office_and_ofd_packages_are_accepted(world, decision):
    assert upload(world, decision, docx()).content_type.endswith("wordprocessingml.document")
    sheet = package(
        "budget.xlsx",
        {"[Content_Types].xml": content_types(("xl/workbook.xml", EXCEL_MAIN)), "xl/workbook.xml": "<workbook/>"},
    )
    assert upload(world, decision, sheet, kind=Document.Kind.EXPLANATION).content_type.endswith("spreadsheetml.sheet")
    ofd = package("draft.ofd", {"OFD.xml": "<ofd:OFD/>", "Doc_0/Document.xml": "<ofd:Document/>"})
    assert upload(world, decision, ofd, kind=Document.Kind.OTHER).content_type == "application/ofd"


def test_an_ofd_without_its_root_is_refused(world, decision):
    refused_upload(world, decision, "upload.content", package("draft.ofd", {"Doc_0/Document.xml": "<d/>"}))


def test_a_request_larger_than_a_document_is_refused_before_it_is_read(client, world, decision, settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    client.force_login(world.drafter)
    big = SimpleUploadedFile("draft.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 2000) + b"\n%%EOF\n")
    data = {"title": "草案", "kind": "draft", "file": big}
    response = client.post(reverse("manage:document_upload", args=[decision.pk]), data)
    assert response.status_code == 400
    assert Document.objects.count() == 0 and stored_files() == []


# ---------------------------------------------------------------- the execution unit's documents


def test_the_execution_unit_adds_its_reports_documents_not_the_decision_text_or_its_legal_basis(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    services.start_execution(decision=decision, actor=world.gov, execution_unit=world.environment)
    execution_step = current_steps(decision)[StepKind.EXECUTION]
    for kind in (Document.Kind.DECISION_TEXT, Document.Kind.LEGAL_BASIS, Document.Kind.DRAFT, Document.Kind.OPINION):
        for step in (None, execution_step):
            with refused("document.execution_unit", decision, says="execution unit"):
                services.add_document(
                    decision=decision,
                    actor=world.drafter_b,
                    uploaded_file=pdf_file("x.pdf"),
                    kind=kind,
                    title="执行单位上传",
                    step=step,
                )
    report = services.add_document(
        decision=decision,
        actor=world.drafter_b,
        uploaded_file=pdf_file("progress.pdf"),
        kind=Document.Kind.REPORT,
        title="执行情况报告",
        step=execution_step,
    )
    assert (report.kind, report.step_id, report.uploaded_by) == ("report", execution_step.pk, world.drafter_b)
    # Another step of the decision stays the undertaking unit's and the government office's.
    with refused("document.step_role", decision):
        services.add_document(
            decision=decision,
            actor=world.drafter_b,
            uploaded_file=pdf_file("x.pdf"),
            kind=Document.Kind.REPORT,
            title="x",
            step=current_steps(decision)[StepKind.POST_EVALUATION],
        )
