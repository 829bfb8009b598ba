"""The demo's reviews run through the review app's services (data in demo/scenario/reviews.json): a risk
assessment with its identified risks in the four dimensions, and a draft sent to departments for co-signing with
an agreement, a disagreement (the unit's view beside it, for the meeting) and a department still to answer."""

import json
from functools import cache
from pathlib import Path

from accounts.models import Organization
from accounts.roles import Role
from decisions.procedure import StepKind
from decisions.selectors import current_steps
from review import cosigning, risk
from review.models import CoSigningRequest
from workdays.calendar import add_working_days

SCENARIO = Path(__file__).resolve().parent / "scenario" / "reviews.json"


@cache
def review_specs() -> dict:
    return json.loads(SCENARIO.read_text(encoding="utf-8"))


def assess_risks(walk, decision, name: str) -> None:
    """The unit's risk assessment `name`: who and how, each identified risk, the level."""
    spec = review_specs()["risks"][name]
    drafter = walk.cast.drafter
    step = current_steps(decision)[StepKind.RISK_ASSESSMENT]
    risk.set_method(step=step, actor=drafter, assessor=spec["assessor"], methods=spec["methods"])
    for item in spec["items"]:
        risk.add_item(step=step, actor=drafter, **item)
    risk.set_level(
        step=step,
        actor=drafter,
        risk_level=spec["risk_level"],
        controllable=spec["controllable"],
        reason=spec.get("level_reason", ""),
    )


def co_sign(walk, decision, name: str) -> None:
    """The draft sent to the departments of `name`, due in some working days; the answers the scenario gives, from
    a drafter of each department answering, and the unit's view on a disagreement."""
    spec = review_specs()["co_signing"][name]
    drafter = walk.cast.drafter
    step = current_steps(decision)[StepKind.DEPARTMENT_CONSULTATION]
    organizations = list(Organization.objects.filter(code__in=spec["organizations"]))
    due_on = add_working_days(walk.today, spec["due_in_working_days"]).value
    cosigning.send_for_co_signing(step=step, actor=drafter, organizations=organizations, due_on=due_on)
    for code, answer in spec["answers"].items():
        request = CoSigningRequest.objects.get(step=step, organization__code=code)
        person = request.organization.members.filter(groups__name=Role.DRAFTER).first()
        cosigning.answer_co_signing(request=request, actor=person, answer=answer["answer"], text=answer["text"])
        if answer.get("unit_view"):
            cosigning.record_unit_view(request=request, actor=drafter, view=answer["unit_view"])


def expert_pool(city) -> None:
    """The city's expert pool, kept by its legal office (one expert holds the demo's expert account)."""
    from review import experts
    from review.models import Expert

    legal = city.users["legal"]
    organ = city.city
    if Expert.objects.filter(organ=organ).exists():
        return
    for spec in review_specs()["expert_pool"]:
        values = {key: value for key, value in spec.items() if key != "account"}
        account = city.users.get(spec["account"]) if spec.get("account") else None
        experts.add_expert(organ=organ, actor=legal, user=account, **values)


def review_by_experts(walk, decision, name: str) -> None:
    """The expert review `name`: experts drawn (the seed kept) or chosen with a reason; the opinions the scenario
    gives, signed by the expert's own account, and the unit's answer on how each was used."""
    from review import experts
    from review.models import Expert, ExpertAssignment

    spec = review_specs()["expert_reviews"][name]
    drafter = walk.cast.drafter
    step = current_steps(decision)[StepKind.EXPERT_REVIEW]
    pool = Expert.objects.filter(organ=decision.organ)
    if "draw" in spec:
        experts.draw_experts(step=step, actor=drafter, field=spec["draw"]["field"], number=spec["draw"]["number"])
        return
    chosen = [pool.get(name=expert_name).pk for expert_name in spec["manual"]]
    experts.choose_experts_manually(step=step, actor=drafter, expert_ids=chosen, reason=spec["reason"])
    for expert_name, opinion in spec.get("opinions", {}).items():
        assignment = ExpertAssignment.objects.get(step=step, expert__name=expert_name)
        account = assignment.expert.user
        experts.declare(assignment=assignment, actor=account, no_conflict=True)
        experts.submit_opinion(assignment=assignment, actor=account, opinion=opinion["opinion"], text=opinion["text"])
        experts.answer_opinion(
            assignment=assignment, actor=drafter, usage=opinion["usage"], reason=opinion.get("reason", "")
        )


def next_meeting(city) -> None:
    """The city's next executive meeting, recorded by the government office, with the decisions awaiting
    discussion on its agenda (not discussed yet: the scenario's states stay as they are)."""
    from django.utils import timezone

    from decisions import services as decision_services
    from decisions.models import Decision, MeetingSession
    from decisions.procedure import State

    organ, gov = city.city, city.users["gov"]
    if MeetingSession.objects.filter(organ=organ).exists():
        return
    session = decision_services.plan_meeting(
        organ=organ,
        actor=gov,
        kind=MeetingSession.Kind.EXECUTIVE,
        name="示例市人民政府第15次常务会议",
        held_on=timezone.localdate(),
        members_total=9,
        head_name="陈建华（市长）",
        attendance="\n".join(
            [
                "王志刚（常务副市长）",
                "李红（副市长）",
                "张伟（副市长）",
                "刘洋（副市长）",
                "赵敏（秘书长）",
                "陈建华（市长）",
            ]
        ),
        absent="孙立（副市长）：出差\n周平（副市长）：参加省政府会议\n吴刚（副市长）：病假",
        observers="市司法局 林海燕（列席）\n市民代表 2 名（旁听）",
    )
    for decision in Decision.objects.filter(organ=organ, status=State.AWAITING_DISCUSSION).order_by("number"):
        decision_services.add_agenda_item(session=session, actor=gov, decision=decision)
