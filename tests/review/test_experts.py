"""The expert review's services (review/experts.py, Decree 713 Art. 19–21): the pool, its import, the draw and its
exclusions, the declarations, the signed opinions, the unit's answers and the step's submission."""

import hashlib
import io
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from openpyxl import Workbook

from accountability.models import LedgerEvent
from accounts.roles import Role
from decisions import services as decision_services
from decisions.models import Document
from decisions.procedure import State, StepKind, StepStatus
from decisions.selectors import current_steps, visible_decisions
from demo.walkthrough import drive_to, pdf_file
from review import experts
from review.forms import ExpertReviewForm
from review.models import Expert, ExpertAssignment, ExpertDraw, ExpertReview
from tests.factories import add_remaining_personas, make_decision, make_org, make_user
from tests.refusals import refused

pytestmark = pytest.mark.usefixtures("english")

FIELD = "交通规划"


def expert_values(n: int, **overrides) -> dict:
    return {
        "name": f"专家{n}",
        "fields": f"{FIELD}、城市管理",
        "institution": f"示例大学{n}",
        "title": "教授",
        "contact": f"1381234{n:04d}",
    } | overrides


def pool(world, count: int = 5, **overrides) -> list[Expert]:
    return [
        experts.add_expert(organ=world.city, actor=world.legal_reviewer, **expert_values(n, **overrides))
        for n in range(1, count + 1)
    ]


def expert_step(world, decision=None):
    decision = decision or make_decision(world, is_technical=True)
    drive_to(decision, State.DRAFTING, world.cast)
    return current_steps(decision)[StepKind.EXPERT_REVIEW]


def expert_world(world):
    """The world with the expert persona (its account in the institute) in the pool, and a second expert account."""
    add_remaining_personas(world)
    world.expert_b = make_user("expert_b", world.institute, Role.EXPERT, name="孙专家")
    world.pool_expert = experts.add_expert(
        organ=world.city, actor=world.legal_reviewer, user=world.expert, **expert_values(90, name="钱专家")
    )
    world.pool_expert_b = experts.add_expert(
        organ=world.city, actor=world.legal_reviewer, user=world.expert_b, **expert_values(91, name="孙专家")
    )
    return world


def assign(world, step, *experts_, reason="专业对口，经研究决定") -> list[ExpertAssignment]:
    draw = experts.choose_experts_manually(
        step=step, actor=world.drafter, expert_ids=[e.pk for e in experts_], reason=reason
    )
    return list(draw.assignments.order_by("id"))


def pool_state() -> dict:
    return {
        "experts": [model_to_dict(e) for e in Expert.objects.order_by("id")],
        "draws": ExpertDraw.objects.count(),
        "assignments": [model_to_dict(a) for a in ExpertAssignment.objects.order_by("id")],
    }


@contextmanager
def refused_here(code, decision=None, says=()):
    """`refused`, and the pool, its draws and assignments as they were."""
    before = pool_state()
    with refused(code, decision, says=says):
        yield
    assert pool_state() == before


def xlsx(rows, header=("姓名", "专业领域", "工作单位", "职称", "联系方式")) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "专家.xlsx", buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


# ---------------------------------------------------------------- the pool


def test_the_legal_office_adds_edits_and_suspends_experts_without_personal_data_in_the_ledger(world):
    expert = experts.add_expert(organ=world.city, actor=world.legal_reviewer, **expert_values(1))
    assert (expert.organ, expert.status, expert.available) == (world.city, Expert.Status.ACTIVE, True)
    expert = experts.update_expert(expert=expert, actor=world.legal_reviewer, title="研究员", available=False)
    assert (expert.title, expert.available, expert.name) == ("研究员", False, "专家1")
    expert = experts.set_expert_status(
        expert=expert, actor=world.legal_reviewer, status=Expert.Status.SUSPENDED, reason="本人申请"
    )
    assert expert.status == Expert.Status.SUSPENDED
    events = list(LedgerEvent.objects.filter(action__startswith="expert.").order_by("id"))
    assert [e.action for e in events] == ["expert.added", "expert.updated", "expert.status_changed"]
    assert events[1].after == {"changed": ["available", "title"]}
    text = repr([(e.object_repr, e.before, e.after, e.reason) for e in events])
    assert "专家1" not in text and "13812340001" not in text


@pytest.mark.parametrize("persona", ["drafter", "gov", "supervisor", "outsider_legal"])
def test_only_the_organs_legal_office_keeps_the_pool(world, persona):
    if persona == "outsider_legal":
        other_legal = make_org("other-legal", "邻市司法局", "legal_office", world.other_city)
        actor = make_user("legal_b", other_legal, Role.LEGAL_REVIEWER)
        code = "permission.scope"
    else:
        actor, code = getattr(world, persona), "permission.role"
    expert = experts.add_expert(organ=world.city, actor=world.legal_reviewer, **expert_values(1))
    with refused_here(code):
        experts.add_expert(organ=world.city, actor=actor, **expert_values(2))
    with refused_here(code):
        experts.update_expert(expert=expert, actor=actor, title="x")
    with refused_here(code):
        experts.set_expert_status(expert=expert, actor=actor, status=Expert.Status.RETIRED)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": " "}, "expert.name"),
        ({"fields": ""}, "expert.fields"),
        ({"institution": ""}, "expert.institution"),
        ({"contact": "not a contact"}, "expert.contact"),
        ({"name": "名" * 51}, "expert.too_long"),
    ],
)
def test_bad_input_of_an_expert_is_refused_and_stores_nothing(world, change, code):
    with refused_here(code):
        experts.add_expert(organ=world.city, actor=world.legal_reviewer, **expert_values(1) | change)


def test_the_same_status_again_and_a_non_expert_account_are_refused(world):
    (expert,) = pool(world, 1)
    with refused_here("expert.status"):
        experts.set_expert_status(expert=expert, actor=world.legal_reviewer, status=Expert.Status.ACTIVE)
    with refused_here("expert.account"):
        experts.update_expert(expert=expert, actor=world.legal_reviewer, user=world.drafter)


def test_an_xlsx_import_stores_every_row(world):
    report = experts.import_experts(
        organ=world.city,
        actor=world.legal_reviewer,
        uploaded_file=xlsx(
            [("王一", "交通规划、法律", "示例大学", "教授", 13812340001), ("李二", "法律", "律所", "", "li@example.cn")]
        ),
    )
    assert report.stored and report.total == 2 and not report.bad_rows
    assert list(Expert.objects.order_by("id").values_list("name", "contact")) == [
        ("王一", "13812340001"),
        ("李二", "li@example.cn"),
    ]
    assert LedgerEvent.objects.filter(action="expert.added").count() == 2


def test_an_xlsx_import_with_a_bad_row_stores_nothing_and_names_the_row(world):
    before = pool_state()
    report = experts.import_experts(
        organ=world.city,
        actor=world.legal_reviewer,
        uploaded_file=xlsx([("王一", "交通规划", "示例大学", "教授", 13812340001), ("李二", "法律", "律所", "", "无")]),
    )
    assert not report.stored
    assert [(row.number, row.errors[0][0]) for row in report.bad_rows] == [(3, "contact")]
    assert pool_state() == before


def test_an_import_by_a_drafter_or_without_the_columns_is_refused(world):
    with refused_here("permission.role"):
        experts.import_experts(organ=world.city, actor=world.drafter, uploaded_file=xlsx([]))
    with refused_here("import.columns"):
        experts.import_experts(
            organ=world.city, actor=world.legal_reviewer, uploaded_file=xlsx([("x",)], header=("姓名", "职称"))
        )
    with refused_here("upload.type"):
        experts.import_experts(
            organ=world.city, actor=world.legal_reviewer, uploaded_file=SimpleUploadedFile("a.csv", b"a,b\n")
        )


# ---------------------------------------------------------------- the draw


def test_the_draw_excludes_each_conflict_with_its_reason_and_can_be_rerun(world, settings):
    settings.EXPERT_RECENT_LIMIT = 2
    step = expert_step(world)
    good = pool(world, 4)
    same = experts.add_expert(
        organ=world.city, actor=world.legal_reviewer, **expert_values(11, institution=world.transport.name)
    )
    interested = experts.add_expert(
        organ=world.city,
        actor=world.legal_reviewer,
        **expert_values(12, declared_interests=f"曾受聘为{world.transport.name}法律顾问"),
    )
    busy = experts.add_expert(organ=world.city, actor=world.legal_reviewer, **expert_values(13))
    other_steps = [s for s in current_steps(step.decision).values() if s.pk != step.pk][:2]
    for other in other_steps:
        ExpertAssignment.objects.create(step=other, expert=busy)
    experts.add_expert(organ=world.city, actor=world.legal_reviewer, **expert_values(14, fields="法律"))  # no field
    off = experts.add_expert(organ=world.city, actor=world.legal_reviewer, **expert_values(15, available=False))
    assert not off.available

    draw = experts.draw_experts(step=step, actor=world.drafter, field=FIELD, number=2)
    assert len(draw.seed) == 32
    assert draw.candidates == [e.pk for e in good]
    assert draw.excluded == [
        {"expert": same.pk, "reason": "same_institution"},
        {"expert": interested.pk, "reason": "declared_interest"},
        {"expert": busy.pk, "reason": "recent_assignments"},
    ]
    assert len(draw.chosen) == 2 and set(draw.chosen) <= set(draw.candidates)
    assert experts.rerun_draw(draw) == draw.chosen
    assert list(step.expert_assignments.values_list("expert_id", flat=True).order_by("id")) == draw.chosen
    event = LedgerEvent.objects.get(action="expert.drawn")
    assert event.after["seed"] == draw.seed
    assert event.after["candidates"] == draw.candidates and event.after["chosen"] == draw.chosen
    assert event.after["excluded"] == draw.excluded

    # Those already assigned are not drawn again.
    second = experts.draw_experts(step=step, actor=world.drafter, field=FIELD, number=2)
    assert set(second.chosen).isdisjoint(draw.chosen)
    assert {"expert": draw.chosen[0], "reason": "already_assigned"} in second.excluded
    record = ExpertReview.objects.get(step=step)
    assert record.experts.count("（") == 4 and not record.conflicts_declared


def test_the_draw_is_reproducible_from_a_given_seed(world):
    step = expert_step(world)
    members = pool(world, 6)
    draw = experts.draw_experts(step=step, actor=world.drafter, field=FIELD, number=3, seed="公开的种子")
    expected = sorted(e.pk for e in members)
    import random

    random.Random("公开的种子").shuffle(expected)
    assert draw.chosen == expected[:3] == experts.rerun_draw(draw)
    assert experts.shuffled(draw.candidates, draw.seed)[:3] == draw.chosen


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"field": ""}, "expert.field"),
        ({"number": 0}, "expert.number"),
        ({"number": 4}, "expert.too_few"),
        ({"field": "核物理"}, "expert.too_few"),
    ],
)
def test_a_bad_draw_is_refused_and_changes_nothing(world, kwargs, code):
    step = expert_step(world)
    pool(world, 3)
    with refused_here(code, step.decision, says="Art. 19" if code == "expert.too_few" else ()):
        experts.draw_experts(step=step, actor=world.drafter, **{"field": FIELD, "number": 2} | kwargs)


@pytest.mark.parametrize("persona", ["drafter_b", "head", "legal_reviewer", "outsider"])
def test_only_the_units_drafter_draws(world, persona):
    step = expert_step(world)
    pool(world, 3)
    with refused_here(
        "permission.role" if persona in ("head", "legal_reviewer") else "permission.scope", step.decision
    ):
        experts.draw_experts(step=step, actor=getattr(world, persona), field=FIELD, number=1)


def test_a_manual_choice_needs_its_reason_and_no_conflict(world):
    step = expert_step(world)
    members = pool(world, 2)
    same = experts.add_expert(
        organ=world.city, actor=world.legal_reviewer, **expert_values(11, institution=world.transport.name)
    )
    with refused_here("expert.manual_reason", step.decision, says="Art. 19"):
        experts.choose_experts_manually(step=step, actor=world.drafter, expert_ids=[members[0].pk], reason=" ")
    with refused_here("expert.same_institution", step.decision, says="Art. 20"):
        experts.choose_experts_manually(step=step, actor=world.drafter, expert_ids=[same.pk], reason="需要")
    with refused_here("expert.choice", step.decision):
        experts.choose_experts_manually(step=step, actor=world.drafter, expert_ids=[], reason="需要")
    draw = experts.choose_experts_manually(
        step=step, actor=world.drafter, expert_ids=[m.pk for m in members], reason="需要特定专长"
    )
    assert (draw.method, draw.chosen, draw.manual_reason) == ("manual", [m.pk for m in members], "需要特定专长")
    assert LedgerEvent.objects.get(action="expert.chosen_manually").reason == "需要特定专长"


# ---------------------------------------------------------------- declarations and opinions


def test_the_expert_declares_before_seeing_the_decision(world):
    expert_world(world)
    step = expert_step(world)
    (assignment,) = assign(world, step, world.pool_expert)
    assert step.decision not in visible_decisions(world.expert)
    with refused_here("expert.undeclared", step.decision, says="Art. 20"):
        experts.submit_opinion(assignment=assignment, actor=world.expert, opinion="agree", text="同意")
    with refused_here("permission.expert", step.decision):
        experts.declare(assignment=assignment, actor=world.expert_b, no_conflict=True)
    with refused_here("permission.expert", step.decision):
        experts.declare(assignment=assignment, actor=world.drafter, no_conflict=True)
    experts.declare(assignment=assignment, actor=world.expert, no_conflict=True)
    assert step.decision in visible_decisions(world.expert)
    assert step.decision not in visible_decisions(world.expert_b)
    assert ExpertReview.objects.get(step=step).conflicts_declared
    with refused_here("expert.already_declared", step.decision):
        experts.declare(assignment=assignment, actor=world.expert, no_conflict=False, interest_statement="x")


def test_a_direct_interest_excludes_the_expert(world):
    expert_world(world)
    step = expert_step(world)
    assign(world, step, world.pool_expert, world.pool_expert_b)
    assignment = ExpertAssignment.objects.get(step=step, expert=world.pool_expert)
    other = ExpertAssignment.objects.get(step=step, expert=world.pool_expert_b)
    with refused_here("expert.interest", step.decision, says="Art. 20"):
        experts.declare(assignment=assignment, actor=world.expert, no_conflict=False, interest_statement="")
    experts.declare(
        assignment=assignment, actor=world.expert, no_conflict=False, interest_statement="配偶在承办单位任职"
    )
    assignment.refresh_from_db()
    assert assignment.declaration == ExpertAssignment.Declaration.DIRECT_INTEREST
    assert step.decision not in visible_decisions(world.expert)
    assert "配偶" not in repr(LedgerEvent.objects.get(action="expert.declared").after)
    with refused_here("expert.direct_interest", step.decision, says="Art. 20"):
        experts.submit_opinion(assignment=assignment, actor=world.expert, opinion="agree", text="同意")
    record = ExpertReview.objects.get(step=step)
    assert "钱专家" not in record.experts and "孙专家" in record.experts
    experts.declare(assignment=other, actor=world.expert_b, no_conflict=True)
    assert ExpertReview.objects.get(step=step).conflicts_declared  # the excluded expert does not count


def test_the_opinion_is_signed_once_with_its_document(world):
    expert_world(world)
    step = expert_step(world)
    (assignment,) = assign(world, step, world.pool_expert)
    experts.declare(assignment=assignment, actor=world.expert, no_conflict=True)
    with refused_here("expert.opinion", step.decision):
        experts.submit_opinion(assignment=assignment, actor=world.expert, opinion="maybe", text="同意")
    with refused_here("expert.opinion_text", step.decision):
        experts.submit_opinion(assignment=assignment, actor=world.expert, opinion="agree", text=" ")
    with refused_here("permission.expert", step.decision):
        experts.submit_opinion(assignment=assignment, actor=world.expert_b, opinion="agree", text="同意")
    assignment = experts.submit_opinion(
        assignment=assignment,
        actor=world.expert,
        opinion="agree_with_conditions",
        text="建议分阶段实施。",
        document=pdf_file("意见.pdf"),
    )
    payload = "\x1f".join(
        [
            str(assignment.expert_id),
            str(step.pk),
            "agree_with_conditions",
            "建议分阶段实施。",
            assignment.signed_at.isoformat(),
        ]
    )
    assert assignment.signature == hashlib.sha256(payload.encode()).hexdigest() == experts.signature_of(assignment)
    document = assignment.opinion_document
    assert (document.kind, document.step_id, document.uploaded_by, document.is_public) == (
        Document.Kind.OPINION,
        step.pk,
        world.expert,
        False,
    )
    event = LedgerEvent.objects.get(action="expert.opinion_submitted")
    assert event.after["signature"] == assignment.signature
    with refused_here("expert.already_signed", step.decision):
        experts.submit_opinion(assignment=assignment, actor=world.expert, opinion="disagree", text="不同意")


# ---------------------------------------------------------------- the unit's answers and the step


def _opinion(world, step, expert, account):
    (assignment,) = assign(world, step, expert)
    experts.declare(assignment=assignment, actor=account, no_conflict=True)
    return experts.submit_opinion(assignment=assignment, actor=account, opinion="disagree", text="不宜实施。")


def test_usage_answer_refusals(world):
    expert_world(world)
    step = expert_step(world)
    (pending,) = assign(world, step, world.pool_expert_b)
    assignment = _opinion(world, step, world.pool_expert, world.expert)
    with refused_here("expert.no_opinion", step.decision):
        experts.answer_opinion(assignment=pending, actor=world.drafter, usage="adopted")
    with refused_here("permission.role", step.decision):
        experts.answer_opinion(assignment=assignment, actor=world.expert, usage="adopted")
    with refused_here("permission.scope", step.decision):
        experts.answer_opinion(assignment=assignment, actor=world.drafter_b, usage="adopted")
    with refused_here("expert.usage", step.decision):
        experts.answer_opinion(assignment=assignment, actor=world.drafter, usage="ignored")
    with refused_here("expert.usage_reason", step.decision, says="Art. 21"):
        experts.answer_opinion(assignment=assignment, actor=world.drafter, usage="not_adopted", reason="")
    assignment = experts.answer_opinion(
        assignment=assignment, actor=world.head, usage="partly_adopted", reason="过渡期已延长"
    )
    assert (assignment.usage, assignment.usage_by) == ("partly_adopted", world.head)
    assignment = experts.answer_opinion(assignment=assignment, actor=world.drafter, usage="adopted")
    assert assignment.usage == "adopted"


def test_the_step_is_submitted_only_once_every_opinion_is_answered(world):
    expert_world(world)
    step = expert_step(world)
    (pending,) = assign(world, step, world.pool_expert_b)
    decision_services.update_step_details(step=step, actor=world.drafter, details={"opinion_summary": "意见已研究。"})
    decision_services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("论证报告.pdf"),
        kind="report",
        title="专家论证报告",
        step=step,
    )
    with refused("expert.no_opinions", step.decision, says="Art. 19"):
        decision_services.submit_step(step=step, actor=world.drafter)
    assignment = _opinion(world, step, world.pool_expert, world.expert)
    with refused("expert.unanswered", step.decision, says="Art. 21"):
        decision_services.submit_step(step=step, actor=world.drafter)
    experts.answer_opinion(assignment=assignment, actor=world.drafter, usage="not_adopted", reason="与上位法规定不符")
    step = decision_services.submit_step(step=step, actor=world.drafter)
    assert step.status == StepStatus.SUBMITTED
    record = ExpertReview.objects.get(step=step)
    assert record.conflicts_declared is False  # the second expert never declared; their opinion is not needed
    assert pending.pk


def test_the_typed_form_asks_for_the_experts_only_without_assignments(world):
    expert_world(world)
    step = expert_step(world)
    assert {"experts", "conflicts_declared"} <= set(decision_services.step_record_form(step).fields)
    assign(world, step, world.pool_expert)
    form = decision_services.step_record_form(step)
    assert set(form.fields) == {"assessing_org", "opinion_summary"}
    assert isinstance(form, ExpertReviewForm)


def test_a_round_without_assignments_keeps_the_typed_declaration(world):
    step = expert_step(world)
    details = {"experts": "王建国（示例大学）", "opinion_summary": "同意。", "conflicts_declared": False}
    decision_services.update_step_details(step=step, actor=world.drafter, details=details)
    decision_services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("论证报告.pdf"),
        kind="report",
        title="专家论证报告",
        step=step,
    )
    with refused("expert.conflicts", step.decision, says="Art. 20"):
        decision_services.submit_step(step=step, actor=world.drafter)
    decision_services.update_step_details(
        step=step, actor=world.drafter, details=details | {"conflicts_declared": True}
    )
    assert decision_services.submit_step(step=step, actor=world.drafter).status == StepStatus.SUBMITTED


def test_acts_outside_an_open_expert_review_are_refused(world):
    expert_world(world)
    step = expert_step(world)
    pool(world, 2)
    other = current_steps(step.decision)[StepKind.RISK_ASSESSMENT]
    with refused_here("expert.wrong_step", step.decision, says="Art. 19"):
        experts.draw_experts(step=other, actor=world.drafter, field=FIELD, number=1)
    with refused_here("expert.too_long", step.decision):
        experts.draw_experts(step=step, actor=world.drafter, field=FIELD, number=1, seed="s" * 65)
    (assignment,) = assign(world, step, world.pool_expert)
    step.refresh_from_db()
    step.status = StepStatus.SUBMITTED
    step.save(update_fields=["status"])
    with refused_here("expert.step_not_open", step.decision, says="Art. 19"):
        experts.declare(assignment=assignment, actor=world.expert, no_conflict=True)
    with refused_here("step.wrong_status", step.decision):
        experts.choose_experts_manually(step=step, actor=world.drafter, expert_ids=[world.pool_expert_b.pk], reason="x")


def test_an_import_without_rows_is_refused(world):
    with refused_here("import.empty"):
        experts.import_experts(organ=world.city, actor=world.legal_reviewer, uploaded_file=xlsx([]))
