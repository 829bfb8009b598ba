"""Driving a decision through the real procedure services, for `seed_demo` and the tests.

Nothing here bypasses a rule: every move is a service call by the person whose role makes it, so the demo's
history (steps, documents, ledger) is exactly what the procedure would have recorded.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organization, User
from workdays.calendar import period_end

from . import services
from .guards import draft_uploaded
from .models import Decision, Document, Step
from .procedure import Requirement, State, StepKind, StepStatus
from .selectors import current_steps

MAIN_PATH = (
    State.PROPOSED,
    State.CATALOGED,
    State.DRAFTING,
    State.LEGALITY_REVIEW,
    State.AWAITING_DISCUSSION,
    State.DECIDED,
    State.PUBLISHED,
    State.IN_EXECUTION,
)


@dataclass
class Cast:
    """The people who move one decision: its unit's drafter and head, the organ's legal office and government office."""

    drafter: User
    dept_head: User
    legal_reviewer: User
    gov_office: User
    evaluator: User | None = None


def pdf_file(name: str, text: str = "Juece") -> SimpleUploadedFile:
    """A small but well-formed PDF (enough for type and content checks)."""
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        f"% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="application/pdf")


def step_details(kind: StepKind, today: date) -> dict:
    """Core fields that satisfy each step's rules (Decree 713's numbers)."""
    comment_start = today - timedelta(days=60)
    return {
        StepKind.PUBLIC_PARTICIPATION: {
            "comment_start": comment_start,
            "comment_end": period_end(comment_start, 30).value,
            "channels": "市政府门户网站“意见征集”专栏、《示例日报》",
            "comments_received": 126,
            "feedback_summary": "共收到意见126条，采纳41条，部分采纳23条，未采纳62条并说明理由。",
        },
        StepKind.HEARING: {
            "hearing_date": today - timedelta(days=20),
            "materials_sent_on": today - timedelta(days=30),
            "selection_method_published": True,
            "participants_published": True,
            "record_signed": True,
        },
        StepKind.EXPERT_REVIEW: {
            "experts": "王建国（示例大学交通学院教授）、李红（市规划设计研究院高级工程师）、张伟（律师）",
            "conflicts_declared": True,
            "opinion_summary": "专家一致认为方案总体可行，建议分阶段实施，意见均已采纳。",
        },
        StepKind.RISK_ASSESSMENT: {
            "risk_level": "medium",
            "controllable": True,
            "measures": "风险点：部分群众出行成本增加。措施：过渡期优惠、分步实施、舆情监测与应急预案。",
        },
        StepKind.FAIR_COMPETITION_REVIEW: {"conclusion": "经审查，不含排除、限制竞争的内容。"},
        StepKind.DEPARTMENT_CONSULTATION: {
            "units_consulted": "市发展改革委：无意见；市财政局：同意；市公安局：建议加强执法衔接，已采纳。",
            "disagreements": "",
        },
        StepKind.PARTY_REPORT: {
            "reported_on": today - timedelta(days=5),
            "summary": "市委原则同意，按程序推进。",
        },
        StepKind.CONGRESS_REPORT: {
            "reported_on": today - timedelta(days=3),
            "summary": "市人大常委会主任会议听取报告。",
        },
    }[kind]


def submit_unit_step(decision: Decision, kind: StepKind, drafter: User, today: date | None = None) -> Step:
    """The drafter fills in the step's core fields, attaches its document and submits it to the head."""
    step = current_steps(decision)[kind]
    today = today or timezone.localdate()
    services.update_step_details(step=step, actor=drafter, details=step_details(kind, today))
    services.add_document(
        decision=decision,
        actor=drafter,
        uploaded_file=pdf_file(f"{kind}.pdf"),
        kind=Document.Kind.REPORT,
        title=f"{StepKind(kind).label}材料",
        step=step,
        is_public=kind == StepKind.PUBLIC_PARTICIPATION,
    )
    return services.submit_step(step=step, actor=drafter)


def complete_unit_step(decision: Decision, kind: StepKind, cast: Cast, today: date | None = None) -> None:
    step = current_steps(decision)[kind]
    if step.status == StepStatus.DONE or step.requirement == Requirement.NOT_APPLICABLE:
        return
    step = submit_unit_step(decision, kind, cast.drafter, today)
    services.approve_step(step=step, actor=cast.dept_head, comment="同意。")


def complete_required_steps(decision: Decision, cast: Cast, kinds) -> None:
    for kind, step in current_steps(decision).items():
        if kind in kinds and step.requirement == Requirement.REQUIRED:
            complete_unit_step(decision, StepKind(kind), cast)


def meeting_members(outcome: str = "adopted") -> list[dict]:
    view = "agree" if outcome != "rejected" else "disagree"
    return [
        {"name": "陈副市长", "view": view, "remarks": "同意承办单位意见。"},
        {"name": "刘副市长", "view": view, "remarks": ""},
        {
            "name": "赵秘书长",
            "view": "disagree" if view == "agree" else "agree",
            "remarks": "建议延长过渡期。",
        },
    ]


def step_forward(decision: Decision, cast: Cast, *, adjustment_outcome: str = "adopted") -> Decision:
    """Make the next move on the main path (proposed → … → in_execution)."""
    decision.refresh_from_db()
    status = decision.status
    if status == State.PROPOSED:
        services.catalog_decision(decision=decision, actor=cast.gov_office)
    elif status == State.CATALOGED:
        services.start_drafting(decision=decision, actor=cast.drafter)
    elif status == State.DRAFTING:
        if decision.is_confidential and not decision.is_lawfully_confidential:
            services.confirm_confidentiality(decision=decision, actor=cast.legal_reviewer, confirm=True)
            decision.refresh_from_db()
        complete_required_steps(
            decision,
            cast,
            (
                StepKind.PUBLIC_PARTICIPATION,
                StepKind.HEARING,
                StepKind.EXPERT_REVIEW,
                StepKind.RISK_ASSESSMENT,
                StepKind.FAIR_COMPETITION_REVIEW,
                StepKind.DEPARTMENT_CONSULTATION,
                StepKind.PARTY_REPORT,
                StepKind.CONGRESS_REPORT,
            ),
        )
        if draft_uploaded(decision, {}) is not None:  # none yet, or (in an adjustment) only the old text
            services.add_document(
                decision=decision,
                actor=cast.drafter,
                uploaded_file=pdf_file("draft.pdf"),
                kind=Document.Kind.DRAFT,
                title="决策草案（送审稿）",
            )
        services.request_legality_review(
            decision=decision,
            actor=cast.drafter,
            legal_basis="《重大行政决策程序暂行条例》；相关法律法规",
            procedure_statement="已完成公众参与、专家论证、风险评估等法定程序。",
        )
    elif status == State.LEGALITY_REVIEW:
        services.give_legality_opinion(
            decision=decision,
            actor=cast.legal_reviewer,
            opinion="lawful",
            opinion_text="经审查，该决策草案符合法定权限和程序，内容合法。",
            advisers_consulted="法律顾问王律师",
        )
    elif status == State.AWAITING_DISCUSSION:
        services.record_collective_decision(
            decision=decision,
            actor=cast.gov_office,
            meeting_name="市政府常务会议",
            meeting_date=timezone.localdate(),
            members=meeting_members(adjustment_outcome),
            head_name="王市长",
            head_statement="原则同意，按会议意见修改后印发。",
            outcome=adjustment_outcome,
        )
    elif status == State.DECIDED:
        if decision.is_confidential:
            services.start_execution(decision=decision, actor=cast.gov_office, execution_unit=decision.undertaking_unit)
        else:
            services.publish_decision(
                decision=decision,
                actor=cast.gov_office,
                channels="市政府门户网站、《示例日报》",
                published_on=timezone.localdate(),
                link="https://www.example.gov.cn/zwgk/",
                opinions_explanation="对公众和专家意见的采纳情况已在起草说明中逐条说明。",
            )
    elif status == State.PUBLISHED:
        services.start_execution(decision=decision, actor=cast.gov_office, execution_unit=decision.undertaking_unit)
    else:
        raise ValueError(f"no main-path move from {status}")
    decision.refresh_from_db()
    return decision


def drive_to(decision: Decision, target: State, cast: Cast) -> Decision:
    """Move a decision along the main path until it reaches `target` (a main-path state)."""
    if target not in MAIN_PATH:
        raise ValueError(f"{target} is not on the main path")
    for _ in range(len(MAIN_PATH) + 2):
        decision.refresh_from_db()
        if decision.status == target:
            return decision
        step_forward(decision, cast)
    raise RuntimeError(f"could not reach {target}; the decision is {decision.status}")


def evaluator_org_for(cast: Cast) -> Organization | None:
    return cast.evaluator.organization if cast.evaluator else None
