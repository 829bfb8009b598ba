"""The satisfaction survey in the staff workspace (/manage/evaluation/surveys/): its set-up and its results.

Thin: whoever sees the decision reads the page (an evaluator only their assignment's: another decision is 404,
`decisions.access`); the set-up goes through `surveys.set_up_survey` / `change_survey`, which check the permission and
the rules again. A refused form is shown again with the service's message (400, or 403) and nothing stored."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from decisions.access import decision_for
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps

from . import surveys
from .models import Evaluation, SatisfactionSurvey
from .survey_forms import SurveySetUpForm


def _evaluation_for(request, pk: int) -> Evaluation:
    evaluation = get_object_or_404(Evaluation.objects.select_related("step__decision", "evaluator"), pk=pk)
    decision_for(request.user, evaluation.step.decision_id)  # a decision the user does not see: not found
    return evaluation


def _survey_of(evaluation: Evaluation) -> SatisfactionSurvey | None:
    return SatisfactionSurvey.objects.filter(evaluation=evaluation).first()


def _page(request, evaluation: Evaluation, form=None, status: int = 200, refusal: str = ""):
    decision = evaluation.step.decision
    survey = _survey_of(evaluation)
    results = surveys.survey_results(survey) if survey else None
    running = decision.status == State.EVALUATING
    may_set_up = running and surveys.may_set_up(request.user, decision)
    changeable = may_set_up and (survey is None or not results["responses"])
    if changeable and form is None:
        form = SurveySetUpForm(initial=SurveySetUpForm.initial_for(survey) if survey else None)
    context = {
        "decision": decision,
        "evaluation": evaluation,
        "survey": survey,
        "state": surveys.survey_state(survey) if survey else "",
        "results": results,
        "chart": surveys.chart_data(results) if survey else None,
        "comments": surveys.survey_comments(survey) if survey else [],
        "form": form if changeable else None,
        "running": running,
        "refusal": refusal,
        "public_url": reverse("portal:survey", args=[survey.pk]) if survey else "",
    }
    return render(request, "evaluation/survey_manage.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def survey_manage(request, evaluation_pk: int):
    evaluation = _evaluation_for(request, evaluation_pk)
    if request.method == "GET":
        return _page(request, evaluation)
    form = SurveySetUpForm(request.POST)
    if not form.is_valid():
        return _page(request, evaluation, form, status=400)
    survey = _survey_of(evaluation)
    try:
        if survey is None:
            surveys.set_up_survey(evaluation=evaluation, actor=request.user, **form.service_arguments())
            messages.success(request, _("The satisfaction survey is set up."))
        else:
            surveys.change_survey(survey=survey, actor=request.user, **form.service_arguments())
            messages.success(request, _("The satisfaction survey is changed."))
    except surveys.SurveyError as refusal:
        form.add_error(next((name for name in refusal.fields if name in form.fields), None), str(refusal.message))
        status = 403 if refusal.status == 403 else 400
        return _page(request, evaluation, form, status=status, refusal=str(refusal.message))
    return redirect("surveys:manage", evaluation.pk)


@login_required
@require_GET
def survey_for_decision(request, pk: int):
    """The survey page of the decision's running evaluation (the staff decision page links here)."""
    decision = decision_for(request.user, pk)
    step = current_steps(decision).get(StepKind.POST_EVALUATION)
    evaluation = Evaluation.objects.filter(step=step).first() if step is not None else None
    if decision.status != State.EVALUATING or evaluation is None:
        raise Http404
    return redirect("surveys:manage", evaluation.pk)
