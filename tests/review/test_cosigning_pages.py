"""The co-signing pages and API (Decree 713 Art. 13): the unit's workspace, the department's inbox and answer, and
the endpoints, each refusal answered and changing nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions.models import Document
from decisions.procedure import StepKind
from decisions.selectors import current_steps
from demo.walkthrough import upload
from review import cosigning
from review.models import CoSigningRequest
from tests.factories import log_in_in_english, make_decision, make_org

from .test_cosigning import consultation_step, due_day, send

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def step(world):
    return consultation_step(world)


@pytest.fixture
def sent(world, step):
    return send(world, step)[0]


def workspace(step):
    return reverse("review:co_signing_workspace", args=[step.pk])


def answer_api(request):
    return reverse("api:co_signing_answer", args=[request.pk])


# ---------------------------------------------------------------- the unit's workspace


def test_the_step_page_links_to_the_workspace(client, world, step):
    log_in_in_english(client, world.drafter)
    page = client.get(reverse("manage:step", args=[step.pk])).content.decode()
    assert workspace(step) in page


def test_the_drafter_sends_from_the_workspace(client, world, step):
    log_in_in_english(client, world.drafter)
    page = client.get(workspace(step)).content.decode()
    assert world.environment.name in page and 'type="checkbox"' in page
    assert world.transport.name not in page.split('id="send"')[1]  # not the unit itself
    response = client.post(
        reverse("review:co_signing_send", args=[step.pk]),
        {"organizations": [world.environment.pk], "due_on": due_day().isoformat()},
    )
    assert response.status_code == 302
    assert CoSigningRequest.objects.get().organization == world.environment
    page = client.get(workspace(step)).content.decode()
    assert "Not answered yet" in page and "still waiting for" in page


def test_a_refused_send_shows_the_form_again_and_stores_nothing(client, world, step):
    log_in_in_english(client, world.drafter)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("review:co_signing_send", args=[step.pk]),
        {"organizations": [world.environment.pk], "due_on": yesterday},
    )
    assert response.status_code == 400 and "Art. 13" in response.content.decode()
    response = client.post(reverse("review:co_signing_send", args=[step.pk]), {"due_on": due_day().isoformat()})
    assert response.status_code == 400 and "at least one department" in response.content.decode()
    assert not CoSigningRequest.objects.exists()


def test_a_reader_without_the_unit_role_sees_no_send_form(client, world, step):
    log_in_in_english(client, world.legal_reviewer)
    page = client.get(workspace(step)).content.decode()
    assert "co_signing_send" not in page and 'action="' + reverse("review:co_signing_send", args=[step.pk]) not in page
    response = client.post(
        reverse("review:co_signing_send", args=[step.pk]),
        {"organizations": [world.environment.pk], "due_on": due_day().isoformat()},
    )
    assert response.status_code == 400 and not CoSigningRequest.objects.exists()


def test_the_department_asked_reads_the_workspace_but_does_not_act(client, world, sent):
    cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="disagree", text="理由")
    log_in_in_english(client, world.drafter_b)
    page = client.get(workspace(sent.step)).content.decode()
    assert "理由" in page
    assert reverse("review:co_signing_send", args=[sent.step_id]) not in page
    assert reverse("review:co_signing_unit_view", args=[sent.pk]) not in page
    client.post(reverse("review:co_signing_unit_view", args=[sent.pk]), {"unit_view": "我们的看法"})
    sent.refresh_from_db()
    assert sent.unit_view == ""


def test_another_organ_does_not_find_the_workspace(client, world, step):
    log_in_in_english(client, world.outsider)
    assert client.get(workspace(step)).status_code == 404
    other = current_steps(step.decision)[StepKind.PUBLIC_PARTICIPATION]
    log_in_in_english(client, world.drafter)
    assert client.get(workspace(other)).status_code == 404


def test_the_unit_states_its_view_and_the_disagreement_is_listed(client, world, sent):
    cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="disagree", text="排放标准过严。")
    log_in_in_english(client, world.drafter)
    response = client.post(reverse("review:co_signing_unit_view", args=[sent.pk]), {"unit_view": "标准依据国家规定。"})
    assert response.status_code == 302
    page = client.get(workspace(sent.step)).content.decode()
    listed = page.split('id="disagreements"')[1].split("</section>")[0]
    assert "排放标准过严。" in listed and "标准依据国家规定。" in listed
    log_in_in_english(client, world.head)  # the unit's head too
    assert reverse("review:co_signing_unit_view", args=[sent.pk]) in client.get(workspace(sent.step)).content.decode()
    client.post(reverse("review:co_signing_unit_view", args=[sent.pk]), {"unit_view": "", "resolved": "on"})
    page = client.get(workspace(sent.step)).content.decode()
    assert "No disagreement is open." in page


def test_the_workspace_reads_a_bounded_number_of_queries(client, world, step, django_assert_max_num_queries):
    departments = [make_org(f"dept{n}", f"市第{n}局", "department", world.city) for n in range(8)]
    requests = send(world, step, [world.environment, *departments])
    cosigning.answer_co_signing(request=requests[0], actor=world.drafter_b, answer="disagree", text="理由")
    log_in_in_english(client, world.drafter)
    client.get(workspace(step))
    with django_assert_max_num_queries(25):  # 21 with nine departments asked: none per department
        response = client.get(workspace(step))
    assert response.status_code == 200


# ---------------------------------------------------------------- the department's inbox and answer


def test_the_inbox_lists_waiting_requests_first_with_the_drafts(client, world):
    first = consultation_step(world)
    second = consultation_step(world, make_decision(world, title="关于第二件事的决定", touches_other_departments=True))
    draft = upload(first.decision, world.drafter, Document.Kind.DRAFT, "决策草案（征求意见稿）", "draft.pdf")
    answered = send(world, first)[0]
    waiting = send(world, second, due_on=due_day(5))[0]
    cosigning.answer_co_signing(request=answered, actor=world.drafter_b, answer="agree")
    log_in_in_english(client, world.drafter_b)
    page = client.get(reverse("review:co_signing_inbox")).content.decode()
    assert page.index(f'id="request-{waiting.pk}"') < page.index(f'id="request-{answered.pk}"')
    assert reverse("manage:document_download", args=[draft.pk]) in page
    # The department reads the draft: it sees the decision it was asked about.
    assert client.get(reverse("manage:document_download", args=[draft.pk])).status_code == 200
    assert client.get(reverse("manage:decision", args=[first.decision_id])).status_code == 200


def test_the_inbox_of_another_department_is_empty(client, world, sent):
    log_in_in_english(client, world.outsider)
    page = client.get(reverse("review:co_signing_inbox")).content.decode()
    assert "No draft was sent to your organization" in page


def test_the_inbox_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(6):
        step = consultation_step(world, make_decision(world, title=f"决定{n}", touches_other_departments=True))
        upload(step.decision, world.drafter, Document.Kind.DRAFT, f"草案{n}", "draft.pdf")
        send(world, step)
    log_in_in_english(client, world.head_b)
    client.get(reverse("review:co_signing_inbox"))
    with django_assert_max_num_queries(10):  # 7 whatever the number of requests
        response = client.get(reverse("review:co_signing_inbox"))
    assert response.content.decode().count('id="request-') == 6


def test_the_department_answers_from_the_page(client, world, sent):
    log_in_in_english(client, world.drafter_b)
    url = reverse("review:co_signing_answer", args=[sent.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"answer": "disagree", "text": ""})
    assert response.status_code == 400 and "gives its reasons" in response.content.decode()
    sent.refresh_from_db()
    assert sent.answer == ""
    response = client.post(url, {"answer": "agree_with_changes", "text": "第五条改为……"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.answer == "agree_with_changes" and sent.answer_text == "第五条改为……"


def test_the_answer_page_is_the_requested_organizations_only(client, world, sent):
    url = reverse("review:co_signing_answer", args=[sent.pk])
    for user in (world.drafter, world.outsider, world.legal_reviewer):
        log_in_in_english(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "agree"}).status_code == 404
    sent.refresh_from_db()
    assert sent.answer == ""


# ---------------------------------------------------------------- the API


def test_my_requests_and_a_steps_requests_on_the_api(client, world, sent):
    log_in_in_english(client, world.drafter_b)
    mine = client.get(reverse("api:co_signing_requests")).json()
    assert [row["id"] for row in mine["results"]] == [sent.pk]
    assert mine["results"][0]["organization_name"] == world.environment.name
    assert client.get(reverse("api:co_signing_step_requests", args=[sent.step_id])).status_code == 200
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("api:co_signing_requests")).json()["results"] == []
    rows = client.get(reverse("api:co_signing_step_requests", args=[sent.step_id])).json()
    assert [row["answer"] for row in rows] == [""]
    log_in_in_english(client, world.outsider)
    assert client.get(reverse("api:co_signing_step_requests", args=[sent.step_id])).status_code == 404
    client.logout()
    assert client.get(reverse("api:co_signing_requests")).status_code == 403


def test_the_department_answers_on_the_api(client, world, sent):
    log_in_in_english(client, world.head_b)
    response = client.post(answer_api(sent), {"answer": "agree", "text": ""}, content_type="application/json")
    assert response.status_code == 200 and response.json()["answer"] == "agree"


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("drafter_b", {"answer": "disagree"}, 400, "cosigning.reasons"),
        ("drafter_b", {"answer": "maybe"}, 400, "input.invalid"),
        ("drafter_b", ["agree"], 400, "input.invalid"),
        ("drafter", {"answer": "agree"}, 403, "permission.not_consulted"),
        ("outsider", {"answer": "agree"}, 404, None),
    ],
)
def test_refused_answers_on_the_api_change_nothing(client, world, sent, who, body, status, code):
    events = LedgerEvent.objects.count()
    log_in_in_english(client, getattr(world, who))
    response = client.post(answer_api(sent), body, content_type="application/json")
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
    sent.refresh_from_db()
    assert sent.answer == "" and LedgerEvent.objects.count() == events


def test_an_answer_after_silence_is_409_on_the_api(client, world, sent):
    CoSigningRequest.objects.filter(pk=sent.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    log_in_in_english(client, world.drafter_b)
    response = client.post(answer_api(sent), {"answer": "agree"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "cosigning.deadline_passed"
    cosigning.record_silence()
    response = client.post(answer_api(sent), {"answer": "agree"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "cosigning.silence_recorded"


def test_my_requests_on_the_api_read_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(5):
        send(world, consultation_step(world, make_decision(world, title=f"决定{n}", touches_other_departments=True)))
    log_in_in_english(client, world.drafter_b)
    client.get(reverse("api:co_signing_requests"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("api:co_signing_requests"))
    assert len(response.json()["results"]) == 5
