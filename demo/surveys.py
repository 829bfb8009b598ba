"""The demo city's satisfaction survey (Decree 713 Art. 36): the evaluation of the hospitals' price adjustment asks
the public five statements on the portal; sixty people have answered so far, through the same service as the
portal's form, with a spread a real survey of a price change would show (most satisfied with the lower scan prices,
more divided on what patients pay). The survey is open: the evaluation is running."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from decisions.models import Decision
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from evaluation import surveys
from evaluation.models import Evaluation, SatisfactionSurvey

DECISION_TITLE = "示例市公立医院医疗服务价格调整方案"
TITLE = "示例市公立医院医疗服务价格调整满意度调查"
INTRODUCTION = (
    "为客观评估《示例市公立医院医疗服务价格调整方案》的实施效果，受市人民政府委托，第三方评估机构开展本次满意度调查。"
    "调查匿名进行，不收集姓名、联系方式等个人信息，约需2分钟。调查结果将在调查结束后公布，并作为评估报告的组成部分。"
)
# Each statement and how the sixty answers spread over 1 (very dissatisfied) … 5 (very satisfied).
STATEMENTS = (
    ("调整后的医疗服务价格总体合理", (6, 12, 25, 38, 19)),
    ("门诊和住院的个人负担没有明显增加", (10, 18, 27, 30, 15)),
    ("CT、磁共振等大型设备检查价格下降明显", (3, 7, 18, 42, 30)),
    ("价格调整的公示和政策解读清楚易懂", (5, 10, 22, 40, 23)),
    ("总体上对本次价格调整满意", (5, 12, 25, 38, 20)),
)
RESPONSES = 60
COMMENTS = (
    "检查费确实便宜了，做一次磁共振比去年少了一百多元。",
    "挂号费和诊查费涨了，老年慢性病患者每月多花不少，希望有专门的减免。",
    "医院大厅的价格公示屏字太小，建议同时在小程序上能查到。",
    "医生的诊查费提高可以理解，希望看病时间也能相应长一些。",
    "住院总费用变化不大，医保报销比例没变，总体可以接受。",
    "希望定期公布调价后的医保基金和患者负担变化情况。",
    "社区医院的价格也应同步调整说明，很多人不清楚。",
    "中医推拿、针灸的价格涨幅偏大。",
)


def _setter(decision: Decision) -> User | None:
    """Who sets it up: the evaluation body's evaluator, else the government office (whoever the service admits)."""
    candidates = User.objects.filter(groups__name__in=[Role.EVALUATOR, Role.GOV_OFFICE], is_active=True).order_by("pk")
    return next((user for user in candidates.distinct() if surveys.may_set_up(user, decision)), None)


@transaction.atomic
def satisfaction_survey(organ) -> int:
    """Set up the survey on the organ's hospital-price decision under evaluation and answer it sixty times, once (a
    decision whose evaluation has its survey is left as it is); returns the number of responses given. Nothing
    without the decision being evaluated or someone to set the survey up."""
    decision = Decision.objects.filter(organ=organ, title=DECISION_TITLE, status=State.EVALUATING).first()
    if decision is None:
        return 0
    evaluation = Evaluation.objects.filter(step=current_steps(decision).get(StepKind.POST_EVALUATION)).first()
    if evaluation is None or SatisfactionSurvey.objects.filter(evaluation=evaluation).exists():
        return 0
    actor = _setter(decision)
    if actor is None:
        return 0
    today = timezone.localdate()
    survey = surveys.set_up_survey(
        evaluation=evaluation,
        actor=actor,
        title=TITLE,
        introduction=INTRODUCTION,
        opens_on=today - timedelta(days=20),
        closes_on=today + timedelta(days=25),
        questions=[text for text, _spread in STATEMENTS],
    )
    questions = surveys.questions_of(survey)
    rng = random.Random(36)  # Art. 36: the same answers every build
    for number in range(RESPONSES):
        ratings = {
            question.pk: rng.choices(surveys.RATINGS, weights=spread)[0]
            for question, (_text, spread) in zip(questions, STATEMENTS, strict=True)
        }
        comment = COMMENTS[number // 7] if number % 7 == 3 and number // 7 < len(COMMENTS) else ""
        # A distinct address each (the documentation range): the demo is not one client flooding the form.
        surveys.answer_survey(
            survey=survey, ratings=ratings, comment=comment, client_address=f"198.51.100.{number + 1}"
        )
    return RESPONSES
