"""The staff workspace pages: what each persona sees, can do, and is told when refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Decision, Document
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file, submit_unit_step
from tests.factories import enter_in_catalog, make_decision
from tests.factories import log_in_in_english as login

pytestmark = pytest.mark.usefixtures("english")


def test_it_requires_login(client, decision):
    response = client.get(reverse("manage:decision", args=[decision.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_login_page_logs_in(client, world):
    response = client.post(reverse("login"), {"username": "drafter", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert client.get(reverse("manage:home")).status_code == 200


def test_decision_list_filters_and_paginates(client, world):
    for number in range(23):
        make_decision(world, title=f"关于第{number}号事项的决定")
    make_decision(world, drafter=world.drafter_b, title="生态补偿办法")
    login(client, world.gov)
    first = client.get(reverse("manage:decisions"))
    assert first.status_code == 200
    assert len(first.context["decisions"]) == 20 and first.context["has_next"]
    second = client.get(reverse("manage:decisions"), {"page": 2})
    assert len(second.context["decisions"]) == 4 and not second.context["has_next"]
    by_unit = client.get(reverse("manage:decisions"), {"unit": world.environment.pk})
    assert [d.title for d in by_unit.context["decisions"]] == ["生态补偿办法"]
    by_keyword = client.get(reverse("manage:decisions"), {"q": "第7号"})
    assert [d.title for d in by_keyword.context["decisions"]] == ["关于第7号事项的决定"]
    assert client.get(reverse("manage:decisions"), {"status": "drafting"}).context["decisions"] == []
    assert len(client.get(reverse("manage:decisions"), {"year": 2026}).context["decisions"]) == 20


@pytest.mark.parametrize("rows", [1, 10])
def test_decision_list_query_count_does_not_grow_with_rows(client, world, rows, django_assert_max_num_queries):
    for number in range(rows):
        make_decision(world, title=f"事项{number}")
    login(client, world.gov)
    # session, user, groups, organization chain (organ lookup), units for the filter, the page of decisions
    with django_assert_max_num_queries(12):
        response = client.get(reverse("manage:decisions"))
    assert len(response.context["decisions"]) == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_my_tasks_query_count(client, world, rows, django_assert_max_num_queries):
    for number in range(rows):
        decision = make_decision(world, title=f"事项{number}")
        enter_in_catalog(world, decision)
        services.start_drafting(decision=decision, actor=world.drafter)
    login(client, world.drafter)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("manage:home"))
    assert len(response.context["tasks"]) >= rows


def test_drafter_of_another_unit_gets_not_found(client, world, decision):
    login(client, world.drafter_b)
    assert client.get(reverse("manage:decision", args=[decision.pk])).status_code == 404
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    assert client.get(reverse("manage:step", args=[step.pk])).status_code == 404
    assert client.post(reverse("manage:transition", args=[decision.pk, "withdraw"]), {"reason": "x"}).status_code == 404


def test_detail_shows_what_can_be_done_and_why_not(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    login(client, world.drafter)
    response = client.get(reverse("manage:decision", args=[decision.pk]))
    content = response.content.decode()
    assert "Request legality review" in content
    assert "Rule 1: legality review can be requested only when every required pre-discussion step is done" in content
    assert "Public participation" in content  # the missing step is named
    assert "Start the procedure (drafting)" in content  # the ledger events are listed, labelled
    assert "decision.start_drafting" not in content  # their stored codes only for ledger readers who ask


def test_the_catalog_transition_page_says_the_catalog_is_the_way_in(client, world, decision):
    login(client, world.gov)
    events = LedgerEvent.objects.count()
    response = client.post(reverse("manage:transition", args=[decision.pk, "catalog"]))
    assert response.status_code == 400  # the page shows the refusal beside the disabled action
    assert "a decision enters the annual catalog only when the organ publishes the catalog" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == State.PROPOSED and LedgerEvent.objects.count() == events


def test_refused_transition_changes_nothing_and_says_why(client, world, decision):
    login(client, world.drafter)
    events = LedgerEvent.objects.count()
    response = client.post(reverse("manage:transition", args=[decision.pk, "catalog"]))
    assert response.status_code == 400
    assert "Your role does not allow this action." in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == State.PROPOSED
    assert LedgerEvent.objects.count() == events


def test_transition_from_wrong_state_is_refused_in_page(client, world, decision):
    login(client, world.gov)
    response = client.post(
        reverse("manage:transition", args=[decision.pk, "publish"]),
        {"channels": "网站", "published_on": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "is not possible while the decision is" in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).status == State.PROPOSED


def test_missing_reason_is_refused_in_page(client, world, decision):
    login(client, world.gov)
    response = client.post(reverse("manage:transition", args=[decision.pk, "withdraw"]), {"reason": "  "})
    assert response.status_code == 400
    assert "Withdrawing a decision needs a reason." in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).status == State.PROPOSED


def test_create_decision_through_the_page(client, world):
    login(client, world.drafter)
    response = client.post(
        reverse("manage:decision_create"),
        {
            "title": "关于实施城市更新行动的意见",
            "summary": "",
            "year": 2026,
            "scope_category": "development_plan",
            "affects_public_interest": "on",
        },
    )
    decision = Decision.objects.get(title="关于实施城市更新行动的意见")
    assert response.status_code == 302
    assert decision.undertaking_unit == world.transport
    assert decision.steps.count() == len(StepKind)


def test_create_decision_with_bad_input_shows_errors(client, world):
    login(client, world.drafter)
    response = client.post(reverse("manage:decision_create"), {"title": "", "year": "x", "scope_category": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Decision.objects.exists()


def test_step_submit_and_approve_through_pages(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    login(client, world.drafter)
    response = client.post(
        reverse("manage:step_action", args=[step.pk, "details"]),
        {
            "recipient": "中共示例市委常委会",
            "reported_on": "2026-03-01",
            "response_received_on": "2026-03-05",
            "summary": "市委同意。",
        },
    )
    assert response.status_code == 302
    # Art. 31: the report itself is the step's document; without it the step is not submitted.
    response = client.post(reverse("manage:step_action", args=[step.pk, "submit"]))
    assert response.status_code == 400
    assert "Attach the step&#x27;s document" in response.content.decode()
    step.refresh_from_db()
    assert step.status == "open"
    upload = {"title": "关于票价调整的请示", "kind": "report", "file": pdf_file("report.pdf")}
    assert client.post(reverse("manage:step_action", args=[step.pk, "upload"]), upload).status_code == 302
    assert client.post(reverse("manage:step_action", args=[step.pk, "submit"])).status_code == 302
    login(client, world.head)
    page = client.get(reverse("manage:step", args=[step.pk])).content.decode()
    assert "Approve" in page
    assert client.post(reverse("manage:step_action", args=[step.pk, "approve"]), {"comment": "同意"}).status_code == 302
    step.refresh_from_db()
    assert step.status == "done" and step.completed_by == world.head


def test_return_without_comment_is_refused_in_page(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    submit_unit_step(decision, StepKind.PARTY_REPORT, world.drafter)
    login(client, world.head)
    response = client.post(reverse("manage:step_action", args=[step.pk, "return"]), {"comment": ""})
    assert response.status_code == 400
    assert "Returning a step needs a comment" in response.content.decode()
    step.refresh_from_db()
    assert step.status == "submitted"


def test_upload_of_wrong_type_and_oversize_is_refused_in_page(client, world, decision, settings):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    login(client, world.drafter)
    url = reverse("manage:step_action", args=[step.pk, "upload"])
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(url, {"title": "x", "kind": "report", "file": exe})
    assert response.status_code == 400
    assert "is not an accepted document type" in response.content.decode()
    settings.DOCUMENT_MAX_BYTES = 100
    response = client.post(url, {"title": "x", "kind": "report", "file": pdf_file("big.pdf", "x" * 500)})
    assert response.status_code == 400
    assert "documents may be at most" in response.content.decode()
    assert not Document.objects.exists()


def test_document_download_is_scoped(client, world, decision):
    document = services.add_document(
        decision=decision, actor=world.drafter, uploaded_file=pdf_file("d.pdf"), kind="draft", title="草案"
    )
    login(client, world.drafter)
    response = client.get(reverse("manage:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    login(client, world.drafter_b)
    assert client.get(reverse("manage:document_download", args=[document.pk])).status_code == 404


def test_portal_lists_only_published_non_confidential(client, world):
    published = drive_to(make_decision(world, title="公开的决定"), State.PUBLISHED, world.cast)
    make_decision(world, title="起草中的决定")
    secret = make_decision(world, title="保密的决定", is_confidential=True, confidential_reason="保密法")
    drive_to(secret, State.DECIDED, world.cast)
    services.start_execution(decision=secret, actor=world.gov, execution_unit=world.transport)
    content = client.get(reverse("portal:home")).content.decode()
    assert "公开的决定" in content
    assert "起草中的决定" not in content and "保密的决定" not in content
    assert client.get(reverse("portal:decision", args=[published.pk])).status_code == 200
    assert client.get(reverse("portal:decision", args=[secret.pk])).status_code == 404


def test_meeting_record_shows_every_view_and_the_dissent(client, world, decision):
    drive_to(decision, State.DECIDED, world.cast)
    step = current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION]
    login(client, world.supervisor)
    content = client.get(reverse("manage:step", args=[step.pk])).content.decode()
    assert "陈副市长：agree" in content
    assert "赵秘书长：disagree（建议延长过渡期。）" in content
    assert "Dissenting members" in content and "Adopted" in content


def test_legality_opinion_form_shows_the_request(client, world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    login(client, world.legal_reviewer)
    content = client.get(reverse("manage:transition", args=[decision.pk, "give_legality_opinion"])).content.decode()
    assert "《重大行政决策程序暂行条例》" in content  # the legal basis the drafter gave
    assert "Statement of the procedures followed" in content
