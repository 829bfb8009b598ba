"""Reporting problems in the execution of a decision on the portal (Decree 713 Art. 35): the form on the published
decision's page, its receipt page, and the lookup of a report's answer by its receipt number and contact.

A report is sent through `decisions.services.receive_problem_report`, whose refusals are shown at the form and store
nothing. The decision's page shows the public numbers only (reports counted, answered), never a report's content or
who sent it. Every page here carries a form (a CSRF token): `private, no-store`, never cached."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accountability.context import client_ip
from decisions.errors import ProcedureError
from decisions.forms import ProblemReportForm, ProblemReportLookupForm
from decisions.procedure import PUBLIC_STATES
from decisions.selectors import problem_report_counts, public_decisions
from decisions.services import (
    ProblemReportError,
    check_lookup_rate,
    problem_report_by_receipt,
    receive_problem_report,
)
from decisions.services.problem_reports import takes_reports

from . import views
from .honeypot import HoneypotForm


def _private(response):
    # Each page carries a form (a CSRF token): never stored by a proxy (as portal.catalog_views' pages).
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


class PublicProblemReportForm(HoneypotForm, ProblemReportForm):
    """The portal's report form: `ProblemReportForm` with a honeypot field a person leaves empty."""


def problem_report_context(decision, form: forms.Form | None = None, refusal: str = "") -> dict:
    """The decision page's part on problem reports: None before the decision is published; else the public numbers
    and, while it takes reports, the form (bound when shown again with its errors)."""
    if decision.status not in PUBLIC_STATES:
        return {"problem_reports": None}
    return {
        "problem_reports": {
            "counts": problem_report_counts(decision),
            "open": takes_reports(decision),
            "form": form or PublicProblemReportForm(),
            "refusal": refusal,
        }
    }


@require_POST
def report_problem(request, pk: int):
    """A report on a published decision: its receipt page; a refused one: the decision's page again with the
    service's message and status at the form, nothing stored."""
    decision = views.public_decision(pk)
    if decision.status not in PUBLIC_STATES:  # only listed in a catalog: no report section on its page
        raise Http404
    form = PublicProblemReportForm(request.POST)
    if not form.is_valid():
        return views.decision_page(request, decision, problem_form=form, status=400)
    data = form.cleaned_data
    try:
        report = receive_problem_report(
            decision, data["name"], data["contact"], data["content"], data["place"], client_address=client_ip(request)
        )
    except ProblemReportError as refusal:
        fields = [name for name in refusal.fields if name in form.fields]
        for name in fields:
            form.add_error(name, refusal.message)
        # A refusal about no field (the decision's state, the rate): shown above the form.
        response = views.decision_page(
            request,
            decision,
            problem_form=form,
            problem_refusal="" if fields else refusal.message,
            status=refusal.status or 400,
        )
        if refusal.wait:
            response["Retry-After"] = str(refusal.wait)
        return response
    context = {"report": report, "decision": decision}
    return _private(render(request, "portal/problem_report_receipt.html", context))


@require_http_methods(["GET", "POST"])
def problem_report_lookup(request):
    """A report and its answer, by its receipt number and the contact it was sent with (both must match: the same
    "not found" otherwise, so the page tells nothing about receipt numbers or contacts)."""
    if request.method == "GET":
        page = render(request, "portal/problem_report_lookup.html", {"form": ProblemReportLookupForm()})
        return _private(page)
    form = ProblemReportLookupForm(request.POST)
    try:
        check_lookup_rate(client_address=client_ip(request))
    except ProcedureError as refusal:
        form.add_error(None, refusal.message)
        return _private(render(request, "portal/problem_report_lookup.html", {"form": form}, status=429))
    report, valid = None, form.is_valid()
    if valid:
        report = problem_report_by_receipt(form.cleaned_data["receipt"], form.cleaned_data["contact"])
        if report is None:
            form.add_error(None, _("No report has this receipt number and contact."))
    shown = report is not None and public_decisions().filter(pk=report.decision_id).exists()
    status = 200 if report else 404 if valid else 400
    context = {"form": form, "report": report, "decision_shown": shown}
    return _private(render(request, "portal/problem_report_lookup.html", context, status=status))
