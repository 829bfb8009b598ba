"""Department consultation and co-signing (Decree 713 Art. 13): sending the draft, the answers, silence at the
deadline recorded as no objection, the unit's view on disagreements, and the step's submission."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation

from accountability.models import LedgerEvent
from accounts.roles import Role
from decisions import services as decision_services
from decisions.models import Document
from decisions.procedure import UNIT_RUN_STEPS, Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps, visible_decisions
from demo.walkthrough import complete_required_steps, drive_to, pdf_file
from review import cosigning
from review import services as legality
from review.models import CoSigningRequest, DepartmentConsultation
from review.selectors import open_disagreements
from tests.factories import make_decision, make_org, make_user
from tests.refusals import refused
from workdays.calendar import WorkingDayCalendar, add_working_days

pytestmark = pytest.mark.usefixtures("english")


def consultation_step(world, decision=None):
    decision = decision or make_decision(world, touches_other_departments=True)
    drive_to(decision, State.DRAFTING, world.cast)
    return current_steps(decision)[StepKind.DEPARTMENT_CONSULTATION]


def due_day(days=cosigning.MIN_REPLY_WORKING_DAYS):
    return add_working_days(timezone.localdate(), days).value


def send(world, step, organizations=None, **overrides):
    values = {
        "step": step,
        "actor": world.drafter,
        "organizations": organizations if organizations is not None else [world.environment],
        "due_on": due_day(),
    } | overrides
    return cosigning.send_for_co_signing(**values)


def after(day):
    """A moment on the day after `day` (local time): its deadline has passed."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0, 1)))


@pytest.fixture
def step(world):
    return consultation_step(world)


@pytest.fixture
def sent(world, step):
    return send(world, step)[0]


def requests_now():
    return list(CoSigningRequest.objects.order_by("pk").values())


# ---------------------------------------------------------------- sending


def test_the_drafter_sends_the_draft_and_the_record_follows(world, step):
    requests = send(world, step, [world.environment.pk])
    assert [r.organization for r in requests] == [world.environment]
    request = requests[0]
    assert request.answer == "" and request.sent_by == world.drafter and request.due_on == due_day()
    record = DepartmentConsultation.objects.get(step=step)
    assert record.reply_due_on == due_day() and world.environment.name in record.units_consulted
    step.refresh_from_db()
    assert step.due_on == due_day()  # the step is due (and reminded) by the answers' deadline
    event = LedgerEvent.objects.filter(action="co_signing.sent").get()
    assert event.after["organizations"] == ["environment"] and event.decision_id == step.decision_id


def test_the_requested_department_is_told(world, step):
    from notifications.models import Notice

    request = send(world, step)[0]
    told = set(Notice.objects.filter(threshold=f"cosign:{request.pk}").values_list("recipient__username", flat=True))
    assert told == {"drafter_b", "head_b"}


def test_an_optional_step_is_taken_up_by_sending(world):
    step = consultation_step(world, make_decision(world))
    assert step.requirement == Requirement.OPTIONAL and step.status == StepStatus.PENDING
    send(world, step)
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN and step.due_on == due_day()


def test_the_candidates_are_the_organs_departments_and_lower_governments(world, step):
    district = make_org("district", "示例区人民政府", "government", world.city)
    make_org("district-dept", "区交通局", "department", district)
    codes = [org.code for org in cosigning.co_signing_candidates(step.decision)]
    assert codes == ["district", "environment"]  # not the unit itself, not the offices, not a district's department


def test_sending_to_the_unit_itself_is_refused(world, step):
    with refused("cosigning.own_unit", step.decision, says="Art. 13"):
        send(world, step, [world.transport, world.environment])
    assert not CoSigningRequest.objects.exists()


def test_sending_to_nobody_is_refused(world, step):
    with refused("cosigning.no_organization", step.decision, says="Art. 13"):
        send(world, step, [])


def test_sending_to_another_organs_department_is_refused(world, step):
    with refused("cosigning.organization", step.decision, says="Art. 13"):
        send(world, step, [world.other_dept])
    assert not CoSigningRequest.objects.exists()


@pytest.mark.parametrize(
    ("due", "code"),
    [
        (lambda: timezone.localdate() - timedelta(days=1), "cosigning.due_past"),
        (lambda: timezone.localdate(), "cosigning.due_past"),
        (lambda: due_day(cosigning.MIN_REPLY_WORKING_DAYS - 1), "cosigning.due_too_soon"),
        (lambda: timezone.localdate() + timedelta(days=400), "cosigning.due_far"),
        (lambda: "2026-12-01", "cosigning.due_on"),
    ],
)
def test_a_deadline_in_the_past_or_too_soon_is_refused(world, step, due, code):
    with refused(code, step.decision):
        send(world, step, due_on=due())
    assert not CoSigningRequest.objects.exists()


def test_a_deadline_on_a_rest_day_is_refused(world, step):
    day, calendar = due_day(5), WorkingDayCalendar()
    while calendar.is_working_day(day)[0]:
        day += timedelta(days=1)
    with refused("cosigning.due_rest_day", step.decision, says="rest day"):
        send(world, step, due_on=day)


def test_the_same_department_is_not_asked_twice(world, step, sent):
    before = requests_now()
    with refused("cosigning.already_asked", step.decision, says=world.environment.name):
        send(world, step)
    assert requests_now() == before


def test_sending_on_a_step_not_workable_is_refused(world, step):
    decision_services.update_step_details(
        step=step, actor=world.drafter, details={"units_consulted": "市生态环境局：同意", "reply_due_on": ""}
    )
    decision_services.submit_step(step=step, actor=world.drafter)
    with refused("step.wrong_status", step.decision):
        send(world, step)


@pytest.mark.parametrize("who", ["head", "drafter_b", "legal_reviewer", "outsider"])
def test_only_the_units_drafter_sends(world, step, who):
    with refused("permission.role" if who in ("head", "legal_reviewer") else "permission.scope", step.decision):
        send(world, step, actor=getattr(world, who))


def test_another_step_does_not_send(world, step):
    other = current_steps(step.decision)[StepKind.PUBLIC_PARTICIPATION]
    with refused("cosigning.wrong_step", step.decision):
        send(world, other)


# ---------------------------------------------------------------- answering


def test_the_department_answers(world, sent):
    answered = cosigning.answer_co_signing(request=sent, actor=world.head_b, answer="agree", text="")
    assert answered.answer == "agree" and answered.answered_by == world.head_b
    record = DepartmentConsultation.objects.get(step=sent.step)
    assert "Agree" in record.units_consulted or "同意" in record.units_consulted
    event = LedgerEvent.objects.filter(action="co_signing.answered").get()
    assert event.after["answer"] == "agree" and event.role == "dept_head"


def test_a_department_below_a_lower_government_answers_for_it(world, step):
    district = make_org("district", "示例区人民政府", "government", world.city)
    office = make_org("district-office", "区政府办公室", "department", district)
    clerk = make_user("clerk", office, Role.DRAFTER)
    request = send(world, step, [district])[0]
    assert cosigning.answer_co_signing(request=request, actor=clerk, answer="agree").answer == "agree"
    assert visible_decisions(clerk).filter(pk=step.decision_id).exists()


@pytest.mark.parametrize("who", ["drafter", "head", "outsider"])
def test_another_organization_does_not_answer(world, sent, who):
    before = requests_now()
    with refused("permission.not_consulted", sent.step.decision, says="Art. 13"):
        cosigning.answer_co_signing(request=sent, actor=getattr(world, who), answer="agree")
    assert requests_now() == before


def test_a_role_that_does_not_answer_is_refused(world, sent):
    colleague = make_user("gov_b", world.environment, Role.SUPERVISOR)
    with refused("permission.role", sent.step.decision, says="Art. 13"):
        cosigning.answer_co_signing(request=sent, actor=colleague, answer="agree")


@pytest.mark.parametrize("answer", ["disagree", "agree_with_changes"])
def test_disagreeing_or_asking_for_changes_needs_its_text(world, sent, answer):
    before = requests_now()
    with refused("cosigning.reasons", sent.step.decision, says="Art. 13") as caught:
        cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer=answer, text="  ")
    assert caught.value.fields == ("text",)
    assert requests_now() == before


def test_an_answer_too_long_is_refused(world, sent):
    with refused("cosigning.too_long", sent.step.decision):
        cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="disagree", text="长" * 5001)


def test_no_answer_changes_once_the_step_was_submitted(world, sent):
    cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="agree")
    decision_services.submit_step(step=sent.step, actor=world.drafter)
    before = requests_now()
    with refused("cosigning.step_not_open", sent.step.decision, says="Art. 13"):
        cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="disagree", text="改变主意")
    assert requests_now() == before


def test_an_unknown_answer_is_refused(world, sent):
    with refused("cosigning.answer", sent.step.decision):
        cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="silent")


def test_an_answer_after_the_deadline_is_refused(world, sent):
    CoSigningRequest.objects.filter(pk=sent.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    with refused("cosigning.deadline_passed", sent.step.decision, says="Art. 13"):
        cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="agree")


# ---------------------------------------------------------------- silence at the deadline


def test_silence_becomes_no_objection_at_the_deadline(world, sent):
    assert cosigning.record_silence(now=after(sent.due_on) - timedelta(minutes=2)) == []  # the due day itself
    assert cosigning.record_silence(now=after(sent.due_on)) == [sent.pk]
    sent.refresh_from_db()
    assert sent.answer == CoSigningRequest.Answer.SILENT and sent.answered_by is None
    with translation.override(settings.LANGUAGE_CODE):
        assert sent.answer_text == cosigning.silence_text(sent.due_on)
    assert "recorded as no objection" in cosigning.silence_text(sent.due_on)
    assert sent.due_on.isoformat() in sent.answer_text
    event = LedgerEvent.objects.filter(action="co_signing.silence_recorded").get()
    assert event.actor is None and event.after["answer"] == "silent"
    # Idempotent: nothing more the next minute.
    assert cosigning.record_silence(now=after(sent.due_on) + timedelta(minutes=1)) == []
    assert LedgerEvent.objects.filter(action="co_signing.silence_recorded").count() == 1


def test_an_answered_request_is_not_made_silent(world, sent):
    cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="agree")
    assert cosigning.record_silence(now=after(sent.due_on)) == []


def test_after_silence_the_answer_is_refused(world, sent):
    cosigning.record_silence(now=after(sent.due_on))
    before = requests_now()
    with refused("cosigning.silence_recorded", sent.step.decision, says="no objection"):
        cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="disagree", text="不同意")
    assert requests_now() == before


def test_the_ticker_records_silence(world, sent):
    from notifications.ticker import run_tick

    assert run_tick()["co-signing"] == 0
    CoSigningRequest.objects.filter(pk=sent.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert run_tick()["co-signing"] == 1
    assert run_tick()["co-signing"] == 0


def test_the_departments_still_to_answer_are_reminded_once_before_the_deadline(world, sent):
    from notifications.models import Notice

    assert cosigning.remind_departments() == 0  # three working days ahead: not yet
    CoSigningRequest.objects.filter(pk=sent.pk).update(due_on=timezone.localdate())
    assert cosigning.remind_departments() == 1
    reminded = Notice.objects.filter(threshold=f"cosign-due:{sent.pk}")
    assert set(reminded.values_list("recipient__username", flat=True)) == {"drafter_b", "head_b"}
    assert cosigning.remind_departments() == 0  # once
    cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="agree")  # due today: still in time


# ---------------------------------------------------------------- the step and the disagreements


def test_the_step_waits_for_the_departments_named(world, step):
    district = make_org("district", "示例区人民政府", "government", world.city)
    env, dist = send(world, step, [world.environment, district])
    with refused("cosigning.waiting", step.decision, says=("Art. 13", world.environment.name, district.name)) as c:
        decision_services.submit_step(step=step, actor=world.drafter)
    assert env.due_on.isoformat() in str(c.value.message)
    assert decision_services.step_action_refusals(step, world.drafter)["submit"].code == "cosigning.waiting"
    cosigning.answer_co_signing(request=env, actor=world.drafter_b, answer="agree")
    with refused("cosigning.waiting", step.decision, says=district.name) as c:
        decision_services.submit_step(step=step, actor=world.drafter)
    assert world.environment.name not in str(c.value.message)
    cosigning.record_silence(now=after(dist.due_on))
    decision_services.submit_step(step=step, actor=world.drafter)  # answered or silent: no form field asked
    step.refresh_from_db()
    assert step.status == StepStatus.SUBMITTED


def test_the_typed_form_asks_nothing_once_requests_were_sent(world, step):
    assert decision_services.step_record_form(step).fields  # a round without requests: the typed record
    send(world, step)
    assert not decision_services.step_record_form(step).fields


def test_open_disagreements_list_both_views(world, step):
    district = make_org("district", "示例区人民政府", "government", world.city)
    district_head = make_user("district_head", district, Role.DEPT_HEAD)
    env, dist = send(world, step, [world.environment, district])
    cosigning.answer_co_signing(request=env, actor=world.drafter_b, answer="disagree", text="排放标准过严。")
    cosigning.answer_co_signing(request=dist, actor=district_head, answer="disagree", text="区级财力不足。")
    cosigning.record_unit_view(request=env, actor=world.drafter, view="标准依据国家规定，不宜放宽。")
    cosigning.record_unit_view(request=dist, actor=world.head, view="", resolved=True)
    listed = open_disagreements(step.decision)
    assert [(d.organization, d.department_view, d.unit_view) for d in listed] == [
        (world.environment.name, "排放标准过严。", "标准依据国家规定，不宜放宽。")
    ]
    record = DepartmentConsultation.objects.get(step=step)
    assert "排放标准过严。" in record.disagreements and "标准依据国家规定" in record.disagreements
    assert "区级财力不足" not in record.disagreements
    assert LedgerEvent.objects.filter(action="co_signing.unit_view").count() == 2


def test_the_unit_view_refusals(world, sent):
    with refused("cosigning.not_a_disagreement", sent.step.decision, says="Art. 13"):
        cosigning.record_unit_view(request=sent, actor=world.drafter, view="看法")
    cosigning.answer_co_signing(request=sent, actor=world.drafter_b, answer="disagree", text="理由")
    with refused("cosigning.unit_view", sent.step.decision, says="Art. 13"):
        cosigning.record_unit_view(request=sent, actor=world.drafter, view=" ")
    with refused("permission.scope", sent.step.decision):
        cosigning.record_unit_view(request=sent, actor=world.drafter_b, view="看法")


def test_the_department_sees_the_decision_it_was_asked_about(world, step):
    assert not visible_decisions(world.drafter_b).filter(pk=step.decision_id).exists()
    send(world, step)
    assert visible_decisions(world.drafter_b).filter(pk=step.decision_id).exists()
    assert not visible_decisions(world.outsider).filter(pk=step.decision_id).exists()
    # Seeing is not acting: the department's roles act on their own unit's decisions only.
    refusals = decision_services.step_action_refusals(step, world.drafter_b)
    assert refusals["edit"].code == "permission.scope"


def test_legality_review_waits_for_the_required_consultation(world):
    decision = make_decision(world, touches_other_departments=True)
    drive_to(decision, State.DRAFTING, world.cast)
    kinds = [kind for kind in UNIT_RUN_STEPS if kind != StepKind.DEPARTMENT_CONSULTATION]
    complete_required_steps(decision, world.cast, kinds)
    decision_services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("draft.pdf", "草案"),
        kind=Document.Kind.DRAFT,
        title="决策草案（送审稿）",
    )
    decision_services.add_document(  # Art. 26: the drafting explanation goes with the request
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("explanation.pdf"),
        kind=Document.Kind.EXPLANATION,
        title="起草说明",
    )
    step = current_steps(decision)[StepKind.DEPARTMENT_CONSULTATION]
    assert step.requirement == Requirement.REQUIRED
    request = send(world, step)[0]

    def request_review():
        return legality.request_legality_review(
            decision=decision, actor=world.drafter, legal_basis="《条例》", procedure_statement="已完成法定程序。"
        )

    with refused("rule1.steps_not_done", decision, says=str(StepKind.DEPARTMENT_CONSULTATION.label)):
        request_review()
    cosigning.answer_co_signing(request=request, actor=world.drafter_b, answer="agree")
    decision_services.submit_step(step=step, actor=world.drafter)
    decision_services.approve_step(step=step, actor=world.head)
    request_review()
    decision.refresh_from_db()
    assert decision.procedure_state == State.LEGALITY_REVIEW
