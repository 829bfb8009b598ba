"""Documents: type, content and size checked; nothing stored when refused; versions kept with SHA-256."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accountability.models import LedgerEvent
from decisions import services
from decisions.errors import ProcedureError
from decisions.models import Document
from decisions.procedure import State
from demo.walkthrough import pdf_file
from tests.refusals import refused, status_of


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def upload(world, decision, uploaded_file, actor=None, kind=Document.Kind.DRAFT):
    return services.add_document(
        decision=decision,
        actor=actor or world.drafter,
        uploaded_file=uploaded_file,
        kind=kind,
        title="决策草案",
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
