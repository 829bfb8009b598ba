"""The demo city's annual post-decision evaluation plan (Decree 713 Art. 36), through the evaluation app's services:
next year's plan, drawn up by the government office, approved by another member of it (two-person rule) and
published on the portal, listing three decisions in force with their reasons."""

from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from decisions.models import Decision
from evaluation import plans
from evaluation.models import EvaluationPlan

PLAN_YEAR = 2027
PLAN_NOTES = (
    "根据《重大行政决策程序暂行条例》第三十六条和本市重大行政决策后评估办法，"
    "经梳理执行满一年、社会关注度高的决策事项，制定本计划。"
)
# (decision title, trigger, reason, quarter)
PLAN_ITEMS = (
    (
        "示例市老旧小区改造三年行动计划（2025—2027年）",
        "importance",
        "涉及全市312个老旧小区、约9.6万户居民切身利益，财政投入大；行动计划2027年底到期，需评估改造成效和资金使用绩效，为后续政策提供依据。",
        "2027Q2",
    ),
    (
        "示例市中小学校园餐管理办法",
        "public_attention",
        "校园餐质量和价格社会关注度高，12345热线和门户网站收到的相关诉求较多；办法实施满一年，需评估食品安全和家长满意度情况。",
        "2027Q1",
    ),
    (
        "示例市生活垃圾分类管理实施办法",
        "legal_basis_changed",
        "省生活垃圾管理条例修订后对分类标准和处罚幅度作出调整，需评估本办法与上位法的衔接情况及农村地区的执行效果。",
        "2027Q3",
    ),
)


def _second_gov_office(organ, drafter: User) -> User:
    """Another member of the organ's government office, who approves the plan (never the one who drew it up)."""
    from demo.city import PASSWORD  # the demo's published password; imported here, demo.city calls this module

    other = (
        User.objects.filter(groups__name=Role.GOV_OFFICE, organization=drafter.organization)
        .exclude(pk=drafter.pk)
        .first()
    )
    if other is not None:
        return other
    from django.contrib.auth.hashers import make_password

    from accounts.services import create_user

    other = create_user(
        username="gov_deputy",
        organization=drafter.organization,
        roles=[Role.GOV_OFFICE],
        display_name="林晓东",
        title="秘书一处副处长",
    )
    other.password = make_password(PASSWORD)
    other.email = "gov_deputy@example.gov.cn"
    other.save(update_fields=["password", "email"])
    return other


@transaction.atomic
def evaluation_plan(organ, drafter: User) -> EvaluationPlan | None:
    """The organ's published plan of PLAN_YEAR (once: an existing plan is left as it is). Decisions of the list that
    the demo did not bring into force are left out; without any, there is no plan."""
    existing = EvaluationPlan.objects.filter(organ=organ, year=PLAN_YEAR).first()
    if existing is not None:
        return existing
    decisions = {
        decision.title: decision
        for decision in Decision.objects.filter(
            organ=organ, title__in=[title for title, *_rest in PLAN_ITEMS], status__in=plans.PLANNABLE_STATES
        )
    }
    if not decisions:
        return None
    plan = plans.create_plan(actor=drafter, organ=organ, year=PLAN_YEAR, notes=PLAN_NOTES)
    for title, trigger, reason, quarter in PLAN_ITEMS:
        if title in decisions:
            plans.add_plan_item(
                plan=plan,
                actor=drafter,
                decision=decisions[title],
                trigger=trigger,
                reason=reason,
                planned_quarter=quarter,
            )
    approver = _second_gov_office(organ, drafter)
    plans.approve_plan(plan=plan, actor=approver)
    return plans.publish_plan(plan=plan, actor=approver)
