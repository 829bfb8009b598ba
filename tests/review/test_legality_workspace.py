"""The legality review workspace (Decree 713 Art. 25–28): the materials the request carries (a missing one refuses
the request, naming it), the opinions of the legal advisers and public lawyers consulted, and the reviewer's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from accounts.roles import Role
from decisions import registry
from decisions import services as decision_services
from decisions.errors import ProcedureError
from decisions.models import Document
from decisions.procedure import UNIT_RUN_STEPS, State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import complete_required_steps, drive_to, pdf_file
from review import legality
from review import services as review_services
from review.models import AdviserOpinion, LegalityReview
from review.selectors import legality_materials
from tests.factories import log_in_in_english, make_org, make_user
from tests.refusals import refused

pytestmark = pytest.mark.usefixtures("english")


def add(world, decision, kind, name):
    return decision_services.add_document(
        decision=decision, actor=world.drafter, uploaded_file=pdf_file(name), kind=kind, title=name
    )


def request(world, decision):
    return review_services.request_legality_review(
        decision=decision, actor=world.drafter, legal_basis="《条例》第二十五条", procedure_statement="已完成法定程序。"
    )


def ready(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    complete_required_steps(decision, world.cast, UNIT_RUN_STEPS)
    add(world, decision, Document.Kind.DRAFT, "draft.pdf")


def under_review(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    return current_steps(decision)[StepKind.LEGALITY_REVIEW]


def adviser(step, actor, **overrides):
    today = timezone.localdate()
    values = {
        "adviser": "钱律师",
        "kind": AdviserOpinion.Kind.LEGAL_ADVISER,
        "asked_on": today - timedelta(days=3),
        "opinion": "草案第五条与上位法不一致，建议修改。",
        "answered_on": today,
    } | overrides
    return legality.record_adviser_opinion(step=step, actor=actor, **values)


# ---------------------------------------------------------------- the materials (Art. 26)


def test_a_request_without_the_drafting_explanation_is_refused_naming_it(world, decision):
    ready(world, decision)
    with refused("rule2.materials_missing", decision, says=("Art. 26", "Drafting explanation")):
        request(world, decision)
    add(world, decision, Document.Kind.EXPLANATION, "explanation.pdf")
    request(world, decision)
    decision.refresh_from_db()
    assert decision.procedure_state == State.LEGALITY_REVIEW


def test_the_materials_say_where_each_comes_from(world, decision):
    under_review(world, decision)
    materials = {m.key: m for m in legality_materials(decision)}
    assert {"draft", "explanation", "legal_basis", "procedures"} <= set(materials)
    assert all(m.present for m in materials.values())
    assert materials["draft"].document.kind == Document.Kind.DRAFT
    assert materials["explanation"].document.kind == Document.Kind.EXPLANATION
    review = LegalityReview.objects.get(step__decision=decision)
    assert materials["legal_basis"].text == review.legal_basis
    steps = current_steps(decision)
    for kind in (StepKind.EXPERT_REVIEW, StepKind.RISK_ASSESSMENT, StepKind.FAIR_COMPETITION_REVIEW):
        assert (str(kind) in materials) == (steps[kind].requirement == "required" or steps[kind].status == "done")


def test_a_step_that_does_not_apply_brings_no_material(world, decision):
    ready(world, decision)
    steps = current_steps(decision)
    keys = {m.key for m in legality_materials(decision, legal_basis="x", procedure_statement="y")}
    for kind in (StepKind.EXPERT_REVIEW, StepKind.RISK_ASSESSMENT, StepKind.FAIR_COMPETITION_REVIEW):
        if steps[kind].requirement == "not_applicable":
            assert str(kind) not in keys


# ---------------------------------------------------------------- the advisers' opinions (Art. 27)


def test_the_reviewer_records_an_advisers_opinion_and_the_opinion_summarises_them(world, decision):
    step = under_review(world, decision)
    record = adviser(step, world.legal_reviewer)
    adviser(step, world.legal_reviewer, adviser="孙律师", kind=AdviserOpinion.Kind.PUBLIC_LAWYER)
    event = LedgerEvent.objects.order_by("-id").first()
    assert event.action == "legality.adviser_opinion_recorded"
    assert "钱律师" not in str(event.after) and "孙律师" not in str(event.after)  # no names in the ledger
    assert record.recorded_by == world.legal_reviewer
    review_services.give_legality_opinion(
        decision=decision, actor=world.legal_reviewer, opinion="lawful", opinion_text="合法。"
    )
    review = LegalityReview.objects.get(step=step)
    assert "钱律师（Legal adviser）" in review.advisers_consulted
    assert "孙律师（Public lawyer）" in review.advisers_consulted


def test_advisers_given_in_the_opinion_are_kept_as_written(world, decision):
    step = under_review(world, decision)
    adviser(step, world.legal_reviewer)
    review_services.give_legality_opinion(
        decision=decision,
        actor=world.legal_reviewer,
        opinion="lawful",
        opinion_text="合法。",
        advisers_consulted="法律顾问组",
    )
    assert LegalityReview.objects.get(step=step).advisers_consulted == "法律顾问组"


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"adviser": " "}, "legality.adviser"),
        ({"kind": "friend"}, "legality.adviser_kind"),
        ({"opinion": ""}, "legality.adviser_opinion"),
        ({"answered_on": timezone.localdate() - timedelta(days=10)}, "legality.adviser_dates"),
    ],
)
def test_bad_adviser_input_changes_nothing(world, decision, overrides, code):
    step = under_review(world, decision)
    with refused(code, decision):
        adviser(step, world.legal_reviewer, **overrides)
    assert not AdviserOpinion.objects.exists()


def test_only_the_legal_offices_reviewer_records_advisers(world, decision):
    step = under_review(world, decision)
    for actor in (world.drafter, world.head, world.gov, world.supervisor):
        with pytest.raises(ProcedureError):
            adviser(step, actor)
    assert not AdviserOpinion.objects.exists()


def test_no_adviser_is_recorded_once_the_opinion_is_given(world, decision):
    step = under_review(world, decision)
    review_services.give_legality_opinion(
        decision=decision, actor=world.legal_reviewer, opinion="lawful", opinion_text="合法。"
    )
    with refused("legality.adviser_closed", decision, says="Art. 27"):
        adviser(step, world.legal_reviewer)


# ---------------------------------------------------------------- the workspace page


def workspace_url(step, name="legality_workspace"):
    return reverse(f"review:{name}", args=[step.pk])


def test_the_step_links_to_the_workspace(world, decision):
    step = under_review(world, decision)
    _label, url = registry.owner_of(StepKind.LEGALITY_REVIEW).workspace(step)
    assert url == workspace_url(step)


def test_the_workspace_shows_the_draft_materials_and_advisers(client, world, decision, django_assert_max_num_queries):
    step = under_review(world, decision)
    for number in range(5):
        adviser(step, world.legal_reviewer, adviser=f"律师{number}")
    log_in_in_english(client, world.legal_reviewer)
    with django_assert_max_num_queries(40):
        page = client.get(workspace_url(step))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="material-draft"' in body and 'id="material-explanation"' in body
    assert body.count('id="adviser-') == 5
    assert reverse("manage:transition", args=[decision.pk, "give_legality_opinion"]) in body
    assert workspace_url(step, "legality_adviser_add") in body


def test_the_reviewer_records_an_adviser_through_the_page(client, world, decision):
    step = under_review(world, decision)
    log_in_in_english(client, world.legal_reviewer)
    today = timezone.localdate()
    data = {"adviser": "钱律师", "kind": "public_lawyer", "asked_on": today, "opinion": "合法。", "answered_on": today}
    answer = client.post(workspace_url(step, "legality_adviser_add"), data)
    assert answer.status_code == 302
    assert AdviserOpinion.objects.get().kind == "public_lawyer"
    bad = client.post(workspace_url(step, "legality_adviser_add"), data | {"answered_on": today - timedelta(days=1)})
    assert bad.status_code == 400 and AdviserOpinion.objects.count() == 1


def test_the_drafter_reads_but_cannot_record(client, world, decision):
    step = under_review(world, decision)
    log_in_in_english(client, world.drafter)
    page = client.get(workspace_url(step))
    assert page.status_code == 200 and workspace_url(step, "legality_adviser_add") not in page.content.decode()
    today = timezone.localdate()
    data = {"adviser": "钱律师", "kind": "public_lawyer", "asked_on": today, "opinion": "合法。", "answered_on": today}
    assert client.post(workspace_url(step, "legality_adviser_add"), data).status_code == 400
    assert not AdviserOpinion.objects.exists()


def test_another_organs_staff_get_404(client, world, decision):
    step = under_review(world, decision)
    other_legal = make_org("other-legal", "邻市司法局", "legal_office", world.other_city)
    stranger = make_user("stranger", other_legal, Role.LEGAL_REVIEWER, name="外市审查")
    log_in_in_english(client, stranger)
    assert client.get(workspace_url(step)).status_code == 404
    assert client.post(workspace_url(step, "legality_adviser_add"), {}).status_code == 404


def test_another_step_kind_is_404(client, world, decision):
    under_review(world, decision)
    other = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    log_in_in_english(client, world.legal_reviewer)
    assert client.get(workspace_url(other)).status_code == 404


# ---------------------------------------------------------------- the API


def api(user=None):
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_api_gives_the_materials_and_the_advisers(world, decision):
    step = under_review(world, decision)
    adviser(step, world.legal_reviewer)
    answer = api(world.drafter).get(reverse("api:legality_workspace", args=[step.pk]))
    assert answer.status_code == 200
    body = answer.json()
    materials = {m["key"]: m for m in body["materials"]}
    assert materials["draft"]["document"] and materials["explanation"]["present"]
    assert [(a["adviser"], a["kind"]) for a in body["adviser_opinions"]] == [("钱律师", "legal_adviser")]


def test_the_api_records_an_adviser_and_refuses_with_codes(world, decision):
    step = under_review(world, decision)
    url = reverse("api:legality_adviser_opinions", args=[step.pk])
    today = timezone.localdate().isoformat()
    data = {"adviser": "钱律师", "kind": "public_lawyer", "asked_on": today, "opinion": "合法。", "answered_on": today}
    assert api(world.legal_reviewer).post(url, data, format="json").status_code == 201
    assert AdviserOpinion.objects.count() == 1
    assert api(world.legal_reviewer).post(url, data | {"kind": "x"}, format="json").status_code == 400
    refused_answer = api(world.drafter).post(url, data, format="json")
    assert refused_answer.status_code == 403 and refused_answer.json()["code"].startswith("permission.")
    assert api(world.outsider).get(reverse("api:legality_workspace", args=[step.pk])).status_code == 404
    review_services.give_legality_opinion(
        decision=decision, actor=world.legal_reviewer, opinion="lawful", opinion_text="合法。"
    )
    late = api(world.legal_reviewer).post(url, data, format="json")
    assert late.status_code == 409 and late.json()["code"] == "legality.adviser_closed"
    assert AdviserOpinion.objects.count() == 1


# ---------------------------------------------------------------- the coverage report


def test_the_coverage_counts_lawful_opinions_durations_and_shortened_reviews(world):
    from decisions.procedure import LegalityOpinion
    from review.selectors import legality_coverage
    from tests.factories import make_decision

    covered = make_decision(world)
    drive_to(covered, State.AWAITING_DISCUSSION, world.cast)
    waiting = make_decision(world)
    ready(world, waiting)
    add(world, waiting, Document.Kind.EXPLANATION, "explanation.pdf")
    review_services.request_legality_review(
        decision=waiting,
        actor=world.drafter,
        legal_basis="《条例》",
        procedure_statement="已完成。",
        review_working_days=3,
        urgency_reason="上级督办，须于月底前出台。",
    )
    drafting = make_decision(world)
    drive_to(drafting, State.DRAFTING, world.cast)
    report = legality_coverage(world.city, covered.year)
    assert [d.pk for d in report.reached_discussion] == [covered.pk]
    assert (report.total, report.covered, report.percent, report.exceptions) == (1, 1, 100, [])
    done = next(r for r in report.durations if r.decision == covered)
    assert done.working_days is not None and done.review.opinion == LegalityOpinion.LAWFUL
    assert [r.decision for r in report.shortened] == [waiting]
    assert next(r for r in report.durations if r.decision == waiting).working_days is None


def test_a_decision_at_discussion_without_a_lawful_opinion_is_an_exception(world):
    from django.db import connection

    from decisions.models import Decision
    from review.selectors import legality_coverage
    from tests.factories import make_decision

    decision = make_decision(world)
    with connection.cursor() as cursor:  # e.g. migrated from paper records: no review round in the system
        cursor.execute(f"UPDATE {Decision._meta.db_table} SET status = %s WHERE id = %s", [State.DECIDED, decision.pk])
    report = legality_coverage(world.city, decision.year)
    assert (report.total, report.covered, report.percent) == (1, 0, 0)
    assert report.exceptions == [Decision.objects.get(pk=decision.pk)]


def test_the_coverage_page_in_few_queries(client, world, django_assert_max_num_queries):
    from tests.factories import make_decision

    decisions = [make_decision(world) for _ in range(3)]
    for decision in decisions:
        drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    log_in_in_english(client, world.supervisor)
    url = reverse("review:legality_coverage")
    with django_assert_max_num_queries(25):
        page = client.get(url, {"year": decisions[0].year})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="coverage-total">3<' in body and "(100%)" in body and body.count('class="duration"') == 3


@pytest.mark.parametrize("who, status", [("legal_reviewer", 200), ("gov", 200), ("supervisor", 200), ("drafter", 403)])
def test_the_coverage_page_is_for_the_organ_wide_staff(client, world, who, status):
    log_in_in_english(client, getattr(world, who))
    assert client.get(reverse("review:legality_coverage")).status_code == status
    assert client.get(reverse("review:legality_coverage"), {"year": "x"}).status_code in (404, 403)


# ---------------------------------------------------------------- the required changes, one by one (Art. 28)


def with_changes(world, decision):
    step = under_review(world, decision)
    review_services.give_legality_opinion(
        decision=decision,
        actor=world.legal_reviewer,
        opinion="lawful_with_changes",
        opinion_text="基本合法，需修改。",
        required_changes="第五条删除“原则上”。\n\n第八条补充救济途径。",
    )
    return step


def revise(world, decision):
    return decision_services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("draft-2.pdf", "修订稿"),
        kind=Document.Kind.DRAFT,
        title="决策草案（修改稿）",
    )


def test_listed_changes_each_need_the_drafters_note_before_confirmation(world, decision):
    from review.models import RequiredChange

    step = with_changes(world, decision)
    items = legality.list_required_changes(step=step, actor=world.legal_reviewer)
    assert [(i.order, i.text) for i in items] == [(1, "第五条删除“原则上”。"), (2, "第八条补充救济途径。")]
    assert LedgerEvent.objects.order_by("-id").first().action == "legality.changes_listed"
    revise(world, decision)
    with refused("legality.changes_not_noted", decision, says=("Art. 28", "No. 1, 2")):
        review_services.confirm_legality_changes(decision=decision, actor=world.legal_reviewer)
    legality.record_change_made(change=items[0], actor=world.drafter, note="已删除。")
    assert LedgerEvent.objects.order_by("-id").first().action == "legality.change_made"
    with refused("legality.changes_not_noted", decision, says="No. 2"):
        review_services.confirm_legality_changes(decision=decision, actor=world.legal_reviewer)
    legality.record_change_made(change=items[1], actor=world.drafter, note="已补充行政复议和诉讼途径。")
    review_services.confirm_legality_changes(decision=decision, actor=world.legal_reviewer)
    decision.refresh_from_db()
    assert decision.procedure_state == State.AWAITING_DISCUSSION
    assert all(i.confirmed and i.confirmed_at for i in RequiredChange.objects.all())


def test_unlisted_changes_are_confirmed_as_before(world, decision):
    with_changes(world, decision)
    revise(world, decision)
    review_services.confirm_legality_changes(decision=decision, actor=world.legal_reviewer)
    decision.refresh_from_db()
    assert decision.procedure_state == State.AWAITING_DISCUSSION


def test_who_lists_and_who_notes_the_changes(world, decision):
    from review.models import RequiredChange

    step = with_changes(world, decision)
    with pytest.raises(ProcedureError):
        legality.list_required_changes(step=step, actor=world.drafter)
    assert not RequiredChange.objects.exists()
    items = legality.list_required_changes(step=step, actor=world.legal_reviewer)
    with refused("legality.changes_already_listed", decision):
        legality.list_required_changes(step=step, actor=world.legal_reviewer)
    for actor in (world.legal_reviewer, world.gov, world.outsider):
        with pytest.raises(ProcedureError):
            legality.record_change_made(change=items[0], actor=actor, note="改了。")
    with refused("legality.change_note", decision):
        legality.record_change_made(change=items[0], actor=world.drafter, note=" ")
    assert not RequiredChange.objects.exclude(change_note="").exists()


def test_changes_are_listed_only_while_a_lawful_with_changes_opinion_waits(world, decision):
    step = under_review(world, decision)
    with refused("legality.changes_not_open", decision, says="Art. 28"):
        legality.list_required_changes(step=step, actor=world.legal_reviewer)


def test_the_changes_through_the_pages_and_the_api(client, world, decision):
    from review.models import RequiredChange

    step = with_changes(world, decision)
    log_in_in_english(client, world.legal_reviewer)
    page = client.get(workspace_url(step)).content.decode()
    assert workspace_url(step, "legality_changes_list") in page
    assert client.post(workspace_url(step, "legality_changes_list")).status_code == 302
    assert RequiredChange.objects.count() == 2
    first, second = RequiredChange.objects.order_by("order")
    log_in_in_english(client, world.drafter)
    note_url = reverse("review:legality_change_note", args=[step.pk, first.pk])
    assert note_url in client.get(workspace_url(step)).content.decode()
    assert client.post(note_url, {"note": ""}).status_code == 400
    assert client.post(note_url, {"note": "已删除。"}).status_code == 302
    api_url = reverse("api:legality_change_note", args=[step.pk, second.pk])
    assert api(world.legal_reviewer).post(api_url, {"note": "x"}, format="json").status_code == 403
    answer = api(world.drafter).post(api_url, {"note": "已补充。"}, format="json")
    assert answer.status_code == 201
    assert [c["change_note"] for c in answer.json()["required_changes"]] == ["已删除。", "已补充。"]
