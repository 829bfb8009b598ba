"""The expert review's pages and API: the pool for the legal office, the step's workspace, the expert's own pages
(the declaration before the materials), and an expert who sees only their assignment's decision."""

import pytest
from django.urls import reverse

from accountability.models import LedgerEvent
from decisions import services as decision_services
from decisions.models import Document
from demo.walkthrough import pdf_file
from review import experts
from review.models import Expert, ExpertAssignment, ExpertDraw
from tests.factories import make_decision

from .test_experts import FIELD, assign, expert_step, expert_values, expert_world, pool, xlsx

pytestmark = pytest.mark.usefixtures("english")

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def logged_in(client, user):
    client.force_login(user)
    return client


def with_draft(world, step):
    decision_services.add_document(
        decision=step.decision, actor=world.drafter, uploaded_file=pdf_file("草案.pdf"), kind="draft", title="草案"
    )


# ---------------------------------------------------------------- the pool


def test_the_pool_page_masks_contacts_and_only_the_legal_office_sees_it(client, world):
    pool(world, 2)
    page = logged_in(client, world.legal_reviewer).get(reverse("review:expert_pool"), **EN)
    text = page.content.decode()
    assert page.status_code == 200 and "专家1" in text
    assert "138****0001" in text and "13812340001" not in text
    for persona in ("drafter", "gov", "supervisor"):
        assert logged_in(client, getattr(world, persona)).get(reverse("review:expert_pool")).status_code == 403


def test_the_pool_is_added_to_edited_and_its_status_set_from_the_pages(client, world):
    client = logged_in(client, world.legal_reviewer)
    bad = client.post(
        reverse("review:expert_add"), {"name": "王一", "fields_": FIELD, "institution": "大学", "contact": "x"}
    )
    assert bad.status_code == 400 and not Expert.objects.exists()
    values = {"name": "王一", "fields_": FIELD, "institution": "大学", "contact": "13812340001", "available": "on"}
    assert client.post(reverse("review:expert_add"), values).status_code == 302
    expert = Expert.objects.get()
    assert client.get(reverse("review:expert_edit", args=[expert.pk])).status_code == 200
    response = client.post(reverse("review:expert_edit", args=[expert.pk]), values | {"title": "教授"})
    assert response.status_code == 302
    client.post(reverse("review:expert_status", args=[expert.pk]), {"status": "suspended", "reason": "出国"})
    expert.refresh_from_db()
    assert (expert.title, expert.status) == ("教授", "suspended")


def test_the_import_page_reports_a_bad_row_and_stores_nothing(client, world):
    client = logged_in(client, world.legal_reviewer)
    rows = [("王一", FIELD, "示例大学", "教授", 13812340001), ("李二", FIELD, "", "", 13812340002)]
    response = client.post(reverse("review:expert_import"), {"file": xlsx(rows)}, **EN)
    assert response.status_code == 400 and not Expert.objects.exists()
    assert "Nothing was stored" in response.content.decode()
    response = client.post(reverse("review:expert_import"), {"file": xlsx(rows[:1])}, **EN)
    assert response.status_code == 200 and Expert.objects.count() == 1


def test_the_pool_api_is_for_the_legal_office(client, world):
    pool(world, 1)
    body = logged_in(client, world.legal_reviewer).get(reverse("api:expert_pool")).json()
    assert body[0]["contact"] == "138****0001" and body[0]["fields"] == [FIELD, "城市管理"]
    response = logged_in(client, world.drafter).get(reverse("api:expert_pool"))
    assert response.status_code == 403 and response.json()["code"] == "permission.role"


def test_the_pool_list_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    Expert.objects.bulk_create([Expert(organ=world.city, **expert_values(n)) for n in range(1, 60)])
    client = logged_in(client, world.legal_reviewer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("review:expert_pool")).status_code == 200


# ---------------------------------------------------------------- the workspace


def test_the_workspace_draws_and_answers(client, world):
    expert_world(world)
    step = expert_step(world)
    pool(world, 4)
    client = logged_in(client, world.drafter)
    url = reverse("review:expert_workspace", args=[step.pk])
    assert client.get(url).status_code == 200
    response = client.post(reverse("review:expert_draw", args=[step.pk]), {"field": FIELD, "number": 9}, **EN)
    assert response.status_code == 400 and "fewer than the 9 asked for" in response.content.decode()
    response = client.post(reverse("review:expert_draw", args=[step.pk]), {"field": FIELD, "number": 2, "seed": "s1"})
    assert response.status_code == 302
    draw = ExpertDraw.objects.get()
    assert draw.seed == "s1" and experts.rerun_draw(draw) == draw.chosen
    page = client.get(url, **EN).content.decode()
    assert "gives the same experts" in page and "s1" in page
    response = client.post(reverse("review:expert_choose", args=[step.pk]), {"experts": [world.pool_expert.pk]}, **EN)
    assert response.status_code == 400 and "needs its reason" in response.content.decode()
    # The step links to the workspace.
    assert url in client.get(reverse("manage:step", args=[step.pk])).content.decode()


def test_the_workspace_list_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    step = expert_step(world)
    members = pool(world, 12)
    experts.draw_experts(step=step, actor=world.drafter, field=FIELD, number=10)
    client = logged_in(client, world.drafter)
    with django_assert_max_num_queries(60):
        assert client.get(reverse("review:expert_workspace", args=[step.pk])).status_code == 200
    assert len(members) == 12


def test_the_usage_is_answered_through_the_api_with_its_refusals(client, world):
    expert_world(world)
    step = expert_step(world)
    (assignment,) = assign(world, step, world.pool_expert)
    url = reverse("api:expert_usage", args=[assignment.pk])
    response = logged_in(client, world.drafter).post(url, {"usage": "adopted"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "expert.no_opinion"
    experts.declare(assignment=assignment, actor=world.expert, no_conflict=True)
    experts.submit_opinion(assignment=assignment, actor=world.expert, opinion="disagree", text="不同意。")
    response = client.post(url, {"usage": "not_adopted"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["missing"] == ["reason"]
    response = client.post(url, {"usage": "unknown"}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(url, {"usage": "not_adopted", "reason": "与上位法不符"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["usage"] == "not_adopted"
    response = logged_in(client, world.head_b).post(url, {"usage": "adopted"}, content_type="application/json")
    assert response.status_code == 404  # another unit's decision
    rounds = logged_in(client, world.gov).get(reverse("api:expert_step_assignments", args=[step.pk])).json()
    assert rounds["draws"][0]["method"] == "manual" and rounds["assignments"][0]["usage"] == "not_adopted"


# ---------------------------------------------------------------- the expert's own pages


def test_the_expert_declares_before_the_materials_and_signs_the_opinion_on_the_pages(client, world):
    expert_world(world)
    step = expert_step(world)
    with_draft(world, step)
    (assignment,) = assign(world, step, world.pool_expert)
    client = logged_in(client, world.expert)
    mine = client.get(reverse("review:expert_assignments"))
    assert mine.status_code == 200 and step.decision.title in mine.content.decode()
    url = reverse("review:expert_assignment", args=[assignment.pk])
    page = client.get(url, **EN).content.decode()
    assert "草案" not in page and 'id="materials"' not in page
    draft = Document.objects.get(decision=step.decision, kind="draft")
    assert client.get(reverse("manage:document_download", args=[draft.pk])).status_code == 404
    response = client.post(reverse("review:expert_opinion", args=[assignment.pk]), {"opinion": "agree", "text": "同意"})
    assert response.status_code == 400 and not ExpertAssignment.objects.get().signed_at
    response = client.post(reverse("review:expert_declare", args=[assignment.pk]), {"declaration": "no_conflict"})
    assert response.status_code == 302
    page = client.get(url, **EN).content.decode()
    assert 'id="materials"' in page and reverse("manage:document_download", args=[draft.pk]) in page
    assert client.get(reverse("manage:document_download", args=[draft.pk])).status_code == 200
    response = client.post(
        reverse("review:expert_opinion", args=[assignment.pk]), {"opinion": "agree", "text": "同意。"}
    )
    assert response.status_code == 302
    assert ExpertAssignment.objects.get().signature
    # Not the round's workspace: the expert sees their own assignment only.
    assert client.get(reverse("review:expert_workspace", args=[step.pk])).status_code == 404
    assert client.get(reverse("api:expert_step_assignments", args=[step.pk])).status_code == 404


def test_the_expert_api_declares_and_refuses_an_opinion_after_a_direct_interest(client, world):
    expert_world(world)
    step = expert_step(world)
    (assignment,) = assign(world, step, world.pool_expert)
    client = logged_in(client, world.expert)
    mine = client.get(reverse("api:expert_assignments_mine")).json()
    assert [row["id"] for row in mine] == [assignment.pk]
    declaration = reverse("api:expert_declaration", args=[assignment.pk])
    response = client.post(declaration, {"no_conflict": False}, content_type="application/json")
    assert response.status_code == 400 and response.json()["missing"] == ["interest_statement"]
    response = client.post(
        declaration, {"no_conflict": False, "interest_statement": "曾参与方案编制"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["declaration"] == "direct_interest"
    response = client.post(
        reverse("api:expert_opinion", args=[assignment.pk]),
        {"opinion": "agree", "text": "同意"},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 409 and response.json()["code"] == "expert.direct_interest"
    assert "Art. 20" in response.json()["message"]
    # Another expert's assignment is not found; an account without the expert role is refused.
    other = logged_in(client, world.expert_b).post(declaration, {"no_conflict": True}, content_type="application/json")
    assert other.status_code == 404
    drafter = logged_in(client, world.drafter).post(declaration, {"no_conflict": True}, content_type="application/json")
    assert drafter.status_code == 403


def test_an_expert_sees_only_their_assignments_decision(client, world):
    expert_world(world)
    step = expert_step(world)
    other_step = expert_step(world, make_decision(world, is_technical=True, title="关于另一事项的决定"))
    (assignment,) = assign(world, step, world.pool_expert)
    (other_assignment,) = assign(world, other_step, world.pool_expert_b)
    experts.declare(assignment=assignment, actor=world.expert, no_conflict=True)
    experts.declare(assignment=other_assignment, actor=world.expert_b, no_conflict=True)
    client = logged_in(client, world.expert)
    assert client.get(reverse("manage:decision", args=[step.decision.pk])).status_code == 200
    assert client.get(reverse("manage:decision", args=[other_step.decision.pk])).status_code == 404
    assert client.get(reverse("api:decision", args=[step.decision.pk])).status_code == 200
    assert client.get(reverse("api:decision", args=[other_step.decision.pk])).status_code == 404
    listed = client.get(reverse("api:decisions")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [step.decision.pk]
    assert client.get(reverse("review:expert_assignment", args=[other_assignment.pk])).status_code == 404
    opinion = reverse("api:expert_opinion", args=[other_assignment.pk])
    assert client.post(opinion, {"opinion": "agree", "text": "x"}, content_type="application/json").status_code == 404
    assert not LedgerEvent.objects.filter(action="expert.opinion_submitted").exists()


def test_the_experts_list_reads_a_bounded_number_of_queries(client, world, settings, django_assert_max_num_queries):
    settings.EXPERT_RECENT_LIMIT = 10
    expert_world(world)
    for n in range(6):
        step = expert_step(world, make_decision(world, is_technical=True, title=f"关于事项{n}的决定"))
        assign(world, step, world.pool_expert)
    client = logged_in(client, world.expert)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("review:expert_assignments")).status_code == 200
    with django_assert_max_num_queries(15):
        assert len(client.get(reverse("api:expert_assignments_mine")).json()) == 6
