"""The satisfaction survey of a post-decision evaluation on the portal (Decree 713 Art. 36): the survey with its form
while open, the thank-you page, and the results once it has closed (a chart and a table per statement).

What is read comes from `evaluation.surveys`; a response goes through `evaluation.surveys.answer_survey` (anonymous:
no name, contact or address is asked or stored), refused responses are shown at the form and store nothing. The
survey page carries a form (a CSRF token): `private, no-store`, never cached; the results page carries none but is not
in the page cache either (it changes with the closing date, not with an event)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from accountability.context import client_ip
from evaluation import surveys
from evaluation.survey_forms import SurveyAnswerForm

from .catalog_views import _private
from .honeypot import HoneypotForm
from .views import decision_url_maker, readable_decisions


class PublicSurveyForm(HoneypotForm, SurveyAnswerForm):
    """The survey's form on the portal: `SurveyAnswerForm` with a honeypot field a person leaves empty."""


def _survey_or_404(pk: int):
    survey = surveys.public_survey(pk)
    if survey is None:
        raise Http404
    return survey


def _decision_url(decision) -> str:
    return decision_url_maker()(decision.pk) if readable_decisions().filter(pk=decision.pk).exists() else ""


def _detail(request, survey, form, status: int = 200, refusal: str = ""):
    decision = survey.evaluation.step.decision
    context = {
        "survey": survey,
        "decision": decision,
        "decision_url": _decision_url(decision),
        "state": surveys.survey_state(survey),
        "form": form,
        "refusal": refusal,
    }
    return _private(render(request, "portal/survey_detail.html", context, status=status))


@require_http_methods(["GET", "POST"])
def survey_detail(request, pk: int):
    """The survey; while open, its form (an accepted response: the thank-you page; a refused one: the form again with
    the service's message and status, nothing stored)."""
    survey = _survey_or_404(pk)
    if request.method == "GET":
        return _detail(request, survey, PublicSurveyForm(survey=survey))
    form = PublicSurveyForm(request.POST, survey=survey)
    if not form.is_valid():
        return _detail(request, survey, form, status=400)
    try:
        surveys.answer_survey(
            survey=survey,
            ratings=form.ratings(),
            comment=form.cleaned_data["comment"],
            client_address=client_ip(request),
        )
    except surveys.SurveyError as refusal:
        fields = [name for name in refusal.fields if name in form.fields]
        for name in fields:
            form.add_error(name, refusal.message)
        # A refusal about no field (the dates, the rate): shown above the form.
        response = _detail(
            request, survey, form, status=refusal.status or 400, refusal="" if fields else refusal.message
        )
        if refusal.wait:
            response["Retry-After"] = str(refusal.wait)
        return response
    decision = survey.evaluation.step.decision
    return _private(
        render(
            request,
            "portal/survey_thanks.html",
            {"survey": survey, "decision": decision, "decision_url": _decision_url(decision)},
        )
    )


@require_GET
def survey_results(request, pk: int):
    """The results, public once the survey has closed (before: the page says when). Not in the page cache: the
    page changes when the closing day passes, which no event of the ledger marks."""
    survey = _survey_or_404(pk)
    decision = survey.evaluation.step.decision
    closed = surveys.is_closed(survey)
    results = surveys.survey_results(survey) if closed else None
    context = {
        "survey": survey,
        "decision": decision,
        "decision_url": _decision_url(decision),
        "closed": closed,
        "results": results,
        "chart": surveys.chart_data(results) if closed else None,
    }
    return render(request, "portal/survey_results.html", context)
