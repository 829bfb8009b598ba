"""The public satisfaction survey of a post-decision evaluation (Decree 713 Art. 36: "public satisfaction" is part of
the evaluation's content): set up by the government office or the evaluation body while the evaluation runs,
answered anonymously on the portal and the API, its results counted per statement.

Services (one transaction each, the permission checked here, refusals raise `SurveyError` and change nothing) and the
selectors the portal, the staff pages and the API read. A response stores the ratings, an optional comment and the
time: no name, no contact, no address (the rate limit counts hashed addresses in the cache, `accounts.ratelimit`).
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.ledger import record_event
from accounts.models import User
from accounts.ratelimit import over_limit
from accounts.roles import Role
from decisions.errors import ProcedureError
from decisions.permissions import roles_in_scope
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps, public_decisions
from decisions.services.inbound import lock_decision, optional_text

from .models import Evaluation, SatisfactionSurvey, SurveyAnswer, SurveyQuestion, SurveyResponse

QUESTIONS_MIN, QUESTIONS_MAX = 1, 20
QUESTION_MAX = 300  # SurveyQuestion.text
TITLE_MAX = 200  # SatisfactionSurvey.title
INTRODUCTION_MAX = 5000
COMMENT_MAX = 2000
LONGEST_DAYS = 90  # from opening to closing
RATINGS = (1, 2, 3, 4, 5)
SATISFIED = (4, 5)  # "satisfied" and "very satisfied"
# The five answers to each statement, from very dissatisfied to very satisfied.
RATING_LABELS = (
    (1, gettext_lazy("Very dissatisfied")),
    (2, gettext_lazy("Dissatisfied")),
    (3, gettext_lazy("Neither satisfied nor dissatisfied")),
    (4, gettext_lazy("Satisfied")),
    (5, gettext_lazy("Very satisfied")),
)


class SurveyError(ProcedureError):
    """A refused act on a survey; `status` is the HTTP status it stands for (429 over the rate limit, with `wait`
    seconds), otherwise the API answers by the code (`ApiRefusal.answering`)."""

    def __init__(self, code, message, *, status: int = 400, fields=(), wait: int | None = None):
        super().__init__(code, message, fields=fields)
        self.status = status
        self.wait = wait


# ---------------------------------------------------------------- reads


def is_open(survey: SatisfactionSurvey, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.opens_on <= today <= survey.closes_on


def is_closed(survey: SatisfactionSurvey, today: date | None = None) -> bool:
    return (today or timezone.localdate()) > survey.closes_on


def survey_state(survey: SatisfactionSurvey, today: date | None = None) -> str:
    """ "scheduled", "open" or "closed" (by its dates)."""
    today = today or timezone.localdate()
    if today < survey.opens_on:
        return "scheduled"
    return "open" if today <= survey.closes_on else "closed"


def public_surveys() -> QuerySet[SatisfactionSurvey]:
    """The surveys of decisions the public reads (never a lawfully confidential one)."""
    return SatisfactionSurvey.objects.filter(evaluation__step__decision__in=public_decisions()).select_related(
        "evaluation__step__decision__organ"
    )


def public_survey(pk: int) -> SatisfactionSurvey | None:
    return public_surveys().filter(pk=pk).first()


def decision_surveys(decision) -> list[SatisfactionSurvey]:
    """The decision's surveys, newest evaluation first (one per evaluation round)."""
    return list(
        SatisfactionSurvey.objects.filter(evaluation__step__decision=decision)
        .select_related("evaluation__step")
        .order_by("-evaluation__step__adjustment_round", "-evaluation__step__round")
    )


def questions_of(survey: SatisfactionSurvey) -> list[SurveyQuestion]:
    return list(survey.questions.order_by("order"))


def survey_comments(survey: SatisfactionSurvey) -> list[SurveyResponse]:
    """The comments left (for the evaluation body and the government office; never shown on the portal)."""
    return list(survey.responses.exclude(comment="").only("comment", "submitted_at").order_by("id"))


def survey_results(survey: SatisfactionSurvey) -> dict:
    """Per statement: the number of ratings, the mean, the distribution over 1–5 and the share satisfied (4 or 5);
    the number of responses and of comments. Two queries."""
    counts: dict[int, dict[int, int]] = {}
    rows = (
        SurveyAnswer.objects.filter(question__survey=survey)
        .values_list("question_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    for question_id, rating, n in rows:
        counts.setdefault(question_id, {})[rating] = n
    totals = survey.responses.aggregate(responses=Count("id"), comments=Count("id", filter=~Q(comment="")))
    questions = []
    for question in questions_of(survey):
        by_rating = counts.get(question.pk, {})
        distribution = [by_rating.get(rating, 0) for rating in RATINGS]
        count = sum(distribution)
        satisfied = sum(by_rating.get(rating, 0) for rating in SATISFIED)
        mean = round(sum(r * n for r, n in zip(RATINGS, distribution, strict=True)) / count, 2) if count else None
        questions.append(
            {
                "id": question.pk,
                "order": question.order,
                "text": question.text,
                "count": count,
                "mean": mean,
                "distribution": distribution,
                "satisfied": satisfied,
                "satisfied_share": round(satisfied / count, 4) if count else None,
                "satisfied_percent": round(100 * satisfied / count, 1) if count else None,
            }
        )
    return {"responses": totals["responses"], "comments": totals["comments"], "questions": questions}


def chart_data(results: dict) -> dict:
    """What static/js/survey_charts.js draws (json_script): the rating labels and each statement's distribution."""
    return {
        "labels": [str(label) for _value, label in RATING_LABELS],
        "questions": [
            {"id": row["id"], "order": row["order"], "text": row["text"], "distribution": row["distribution"]}
            for row in results["questions"]
        ],
    }


# ---------------------------------------------------------------- setting it up


# Who sets up the survey: the government office of the decision's organ (it runs the evaluation) and the evaluation
# body's evaluators (it does the evaluation), each only in its own scope (`roles_in_scope`).
SETTING_UP_ROLES = (Role.GOV_OFFICE, Role.EVALUATOR)


def setting_up_role(user, decision) -> str:
    """The role in which `user` sets up the decision's survey, or "" when no role of theirs may."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    in_scope = roles_in_scope(user, decision)
    return next((role.value for role in SETTING_UP_ROLES if role in in_scope), "")


def may_set_up(user, decision) -> bool:
    return bool(setting_up_role(user, decision))


def _check_permission(actor: User, decision) -> None:
    if not may_set_up(actor, decision):
        raise SurveyError(
            "permission.survey",
            _(
                "Only the government office of the decision's organ or the evaluation body sets up the "
                "satisfaction survey."
            ),
            status=403,
        )


def _check_evaluating(decision, evaluation: Evaluation) -> None:
    running = current_steps(decision).get(StepKind.POST_EVALUATION)
    if decision.status != State.EVALUATING or running is None or running.pk != evaluation.step_id:
        raise SurveyError(
            "survey.not_evaluating",
            _("Decree 713 Art. 36: the satisfaction survey is set up while the evaluation runs; it is not running."),
        )


def _clean_survey(title, introduction, opens_on, closes_on, questions) -> tuple[str, str, list[str]]:
    title = optional_text(title, ("title",))
    if not title:
        raise SurveyError("survey.title", _("Give the survey a title."), fields=("title",))
    if len(title) > TITLE_MAX:
        raise SurveyError(
            "survey.too_long", _("The title is at most %(n)s characters.") % {"n": TITLE_MAX}, fields=("title",)
        )
    introduction = optional_text(introduction, ("introduction",))
    if len(introduction) > INTRODUCTION_MAX:
        raise SurveyError(
            "survey.too_long",
            _("The introduction is at most %(n)s characters.") % {"n": INTRODUCTION_MAX},
            fields=("introduction",),
        )
    texts = [optional_text(text, ("questions",)) for text in (questions or [])]
    texts = [text for text in texts if text]
    if not QUESTIONS_MIN <= len(texts) <= QUESTIONS_MAX:
        raise SurveyError(
            "survey.questions",
            _("Give from %(least)s to %(most)s statements to rate, one a line; %(n)s given.")
            % {"least": QUESTIONS_MIN, "most": QUESTIONS_MAX, "n": len(texts)},
            fields=("questions",),
        )
    long = next((n for n, text in enumerate(texts, start=1) if len(text) > QUESTION_MAX), None)
    if long is not None:
        raise SurveyError(
            "survey.too_long",
            _("Statement %(n)s is longer than %(most)s characters.") % {"n": long, "most": QUESTION_MAX},
            fields=("questions",),
        )
    if len(set(texts)) != len(texts):
        raise SurveyError("survey.questions_repeated", _("A statement is given twice."), fields=("questions",))
    if not isinstance(opens_on, date):
        raise SurveyError("survey.dates", _("Give the day the survey opens."), fields=("opens_on",))
    if not isinstance(closes_on, date):
        raise SurveyError("survey.dates", _("Give the day the survey closes."), fields=("closes_on",))
    if closes_on <= opens_on:
        raise SurveyError("survey.dates", _("The survey closes after the day it opens."), fields=("closes_on",))
    if closes_on < timezone.localdate():
        raise SurveyError("survey.dates", _("The closing day has already passed."), fields=("closes_on",))
    if closes_on - opens_on > timedelta(days=LONGEST_DAYS):
        raise SurveyError(
            "survey.too_long_open",
            _("A survey stays open at most %(days)s days (here %(n)s).")
            % {"days": LONGEST_DAYS, "n": (closes_on - opens_on).days},
            fields=("closes_on",),
        )
    return title, introduction, texts


def _write_questions(survey: SatisfactionSurvey, texts: list[str]) -> None:
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, order=order, text=text) for order, text in enumerate(texts, start=1)
    )


def _facts(survey: SatisfactionSurvey, texts: list[str]) -> dict:
    return {
        "title": survey.title,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "questions": texts,
    }


@transaction.atomic
def set_up_survey(
    *,
    evaluation: Evaluation,
    actor: User,
    title: str,
    introduction: str = "",
    opens_on: date | None,
    closes_on: date | None,
    questions: list[str],
) -> SatisfactionSurvey:
    """The evaluation's one survey: 1–20 statements rated 1–5, open at most 90 days, set up while it runs."""
    decision = lock_decision(evaluation.step.decision)
    _check_permission(actor, decision)
    _check_evaluating(decision, evaluation)
    if SatisfactionSurvey.objects.filter(evaluation=evaluation).exists():
        raise SurveyError(
            "survey.exists", _("This evaluation already has its satisfaction survey: change that one instead.")
        )
    title, introduction, texts = _clean_survey(title, introduction, opens_on, closes_on, questions)
    survey = SatisfactionSurvey.objects.create(
        evaluation=evaluation,
        title=title,
        introduction=introduction,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
    )
    _write_questions(survey, texts)
    record_event(
        actor=actor,
        action="survey.set_up",
        obj=survey,
        decision_id=decision.pk,
        role=setting_up_role(actor, decision),
        after=_facts(survey, texts),
    )
    return survey


@transaction.atomic
def change_survey(
    *,
    survey: SatisfactionSurvey,
    actor: User,
    title: str,
    introduction: str = "",
    opens_on: date | None,
    closes_on: date | None,
    questions: list[str],
) -> SatisfactionSurvey:
    """Change the survey before anyone answered it (its statements, dates, wording): answers given to one wording
    would be counted under another."""
    decision = lock_decision(survey.evaluation.step.decision)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    _check_permission(actor, decision)
    _check_evaluating(decision, survey.evaluation)
    if survey.responses.exists():
        raise SurveyError(
            "survey.answered",
            _("The survey has been answered: its statements and dates can no longer change."),
        )
    title, introduction, texts = _clean_survey(title, introduction, opens_on, closes_on, questions)
    before = _facts(survey, [q.text for q in questions_of(survey)])
    survey.title, survey.introduction, survey.opens_on, survey.closes_on = title, introduction, opens_on, closes_on
    survey.save(update_fields=["title", "introduction", "opens_on", "closes_on"])
    survey.questions.all().delete()
    _write_questions(survey, texts)
    record_event(
        actor=actor,
        action="survey.changed",
        obj=survey,
        decision_id=decision.pk,
        role=setting_up_role(actor, decision),
        before=before,
        after=_facts(survey, texts),
    )
    return survey


# ---------------------------------------------------------------- answering it


def check_answer_rate(client_address: str) -> None:
    """At most SURVEY_RATE_PER_ADDRESS responses a window (SURVEY_RATE_WINDOW_SECONDS, an hour) from one client
    address (hashed in the cache, never stored); not counted when the cache does not answer."""
    window = int(getattr(settings, "SURVEY_RATE_WINDOW_SECONDS", 3600))
    limit = int(getattr(settings, "SURVEY_RATE_PER_ADDRESS", 20))
    if over_limit("survey", (("address", client_address or "unknown", limit),), window):
        raise SurveyError(
            "survey.rate_limited", _("Too many responses from here; try again in an hour."), status=429, wait=window
        )


def rating_field(question: SurveyQuestion) -> str:
    """The name of a statement's rating in the answer form (what a refusal's `fields` name)."""
    return f"question_{question.pk}"


@transaction.atomic
def answer_survey(
    *, survey: SatisfactionSurvey, ratings: dict, comment: str = "", client_address: str = ""
) -> SurveyResponse:
    """One anonymous response: every statement rated 1–5, an optional comment. Refused outside the survey's days.

    No ledger event: the response is anonymous (the ledger would record who and from where) and it is counted, not
    acted on; the survey's set-up and changes are in the ledger, and the results are read from the responses."""
    # Locked as `change_survey` locks it: a change of the statements never meets an answer half stored.
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if not is_open(survey):
        raise SurveyError(
            "survey.closed",
            _("The survey takes answers from %(opens)s to %(closes)s.")
            % {"opens": survey.opens_on.isoformat(), "closes": survey.closes_on.isoformat()},
            status=409,
        )
    questions = questions_of(survey)
    given = {}
    for key, value in (ratings or {}).items():
        try:
            given[int(key)] = int(value)
        except (TypeError, ValueError):
            continue
    unrated = [q for q in questions if given.get(q.pk) not in RATINGS]
    if unrated:
        raise SurveyError(
            "survey.ratings",
            _("Rate every statement from 1 to 5; not rated: %(statements)s.")
            % {"statements": "; ".join(f"{q.order}. {q.text}" for q in unrated)},
            fields=tuple(rating_field(q) for q in unrated),
        )
    comment = optional_text(comment, ("comment",))
    if len(comment) > COMMENT_MAX:
        raise SurveyError(
            "survey.comment_too_long",
            _("The comment is at most %(n)s characters.") % {"n": COMMENT_MAX},
            fields=("comment",),
        )
    check_answer_rate(client_address)
    response = SurveyResponse.objects.create(survey=survey, comment=comment)
    SurveyAnswer.objects.bulk_create(SurveyAnswer(response=response, question=q, rating=given[q.pk]) for q in questions)
    return response
