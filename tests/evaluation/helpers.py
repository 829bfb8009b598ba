"""Moves the evaluation tests share: a decision in execution, its evaluation started, the report uploaded."""

from django.utils import timezone

from decisions import services
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from evaluation import services as evaluations

REPORT = {
    "implementation": "按计划实施，配套细则已出台。",
    "effects": "主要指标达到阶段目标。",
    "costs_benefits": "成本在预算内，效益明显。",
    "satisfaction": "问卷调查满意度82%。",
    "problems": "远郊配套不足。",
    "recommendations": "加快配套建设。",
}


def in_execution(world, decision):
    return drive_to(decision, State.IN_EXECUTION, world.cast)


def start(world, decision, **overrides):
    values = {
        "evaluator_org": world.evaluator_body,
        "trigger": "importance",
        "staged": True,
        "stage_reason": "第一阶段",
    }
    values |= overrides
    return evaluations.start_evaluation(decision=decision, actor=world.gov, **values)


def upload_report(world, decision, actor=None):
    return services.add_document(
        decision=decision,
        actor=actor or world.evaluator,
        uploaded_file=pdf_file(f"report-{timezone.now().timestamp()}.pdf"),
        kind="report",
        title="第三方评估报告",
        step=current_steps(decision)[StepKind.POST_EVALUATION],
    )


def submit(world, decision, conclusion="continue", summary="效果良好。", actor=None):
    return evaluations.submit_evaluation_report(
        decision=decision, actor=actor or world.evaluator, conclusion=conclusion, summary=summary, **REPORT
    )
