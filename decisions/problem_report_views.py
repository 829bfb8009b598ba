"""The staff page of the problems the public reported in a decision's execution (Decree 713 Art. 35–36): the reports
(contacts masked), filtered by status, 50 a page; answering and hiding them; reading one contact (recorded).

No rule lives here: who may answer and what an answer needs are checked by `services.problem_reports`; a refusal is
shown on the page and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.privacy import mask_contact

from . import services
from .access import decision_for
from .errors import ProcedureError
from .forms import ProblemReportAnswerForm, ProblemReportFilterForm, ProblemReportHideForm
from .models import Decision, ExecutionProblemReport
from .procedure import PUBLIC_STATES
from .selectors import calls_for_evaluation, evaluation_threshold, problem_report_counts, problem_reports_of
from .services.problem_reports import staff_refusal

REPORTS_PER_PAGE = 50


def problem_report_summary(decision: Decision) -> dict | None:
    """The decision page's line: the reports counted and answered, and whether they reached the organ's threshold
    for an evaluation (Art. 36); None before publication and for a lawfully confidential decision."""
    if decision.status not in PUBLIC_STATES or decision.is_lawfully_confidential:
        return None
    counts, threshold = problem_report_counts(decision), evaluation_threshold(decision)
    return {
        "counts": counts,
        "calls_for_evaluation": calls_for_evaluation(decision, counts, threshold),
        "threshold": threshold,
    }


def _page_url(decision_pk: int, status: str = "") -> str:
    url = reverse("manage:problem_reports", args=[decision_pk])
    return f"{url}?status={status}" if status else url


def _report_for(request, pk: int) -> ExecutionProblemReport:
    """A report on a decision the user sees (another organization's: not found)."""
    report = get_object_or_404(ExecutionProblemReport, pk=pk)
    report.decision = decision_for(request.user, report.decision_id)
    return report


def _render(request, decision: Decision, *, revealed: ExecutionProblemReport | None = None, status: int = 200):
    filters = ProblemReportFilterForm(request.GET)
    chosen = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(problem_reports_of(decision, chosen), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.masked_contact = mask_contact(report.contact)
    context = {
        "decision": decision,
        "summary": problem_report_summary(decision),
        "page": page,
        "chosen": chosen,
        "statuses": ExecutionProblemReport.Status.choices,
        "may_act": staff_refusal(request.user, decision) is None,
        "answer_form": ProblemReportAnswerForm(),
        "hide_form": ProblemReportHideForm(),
        "revealed": revealed,
    }
    return render(request, "decisions/problem_reports.html", context, status=status)


@login_required
@require_GET
def problem_reports(request, pk: int):
    decision = decision_for(request.user, pk)
    refusal = services.problem_report_read_refusal(request.user, decision)
    if refusal is not None:
        raise PermissionDenied(refusal.message)
    return _render(request, decision)


def _act(request, report: ExecutionProblemReport, act, success: str):
    """Run an answer or a hide; a permission refusal is 403, any other is shown on the page (nothing changed)."""
    try:
        act()
    except ProcedureError as refusal:
        if refusal.code.startswith("permission."):
            raise PermissionDenied(refusal.message) from refusal
        messages.error(request, f"{report.receipt_number}: {refusal.message}")
    else:
        messages.success(request, success)
    return redirect(_page_url(report.decision_id, request.POST.get("status", "")) + f"#report-{report.pk}")


@login_required
@require_POST
def answer_problem_report(request, pk: int):
    report = _report_for(request, pk)
    form = ProblemReportAnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    return _act(
        request,
        report,
        lambda: services.answer_problem_report(report, request.user, answer),
        _("The report %(number)s is answered.") % {"number": report.receipt_number},
    )


@login_required
@require_POST
def hide_problem_report(request, pk: int):
    report = _report_for(request, pk)
    form = ProblemReportHideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        report,
        lambda: services.hide_problem_report(report, request.user, reason),
        _("The report %(number)s is hidden.") % {"number": report.receipt_number},
    )


@login_required
@require_POST
def reveal_problem_report_contact(request, pk: int):
    """One report's full contact, shown once on the page; the reading is recorded in the ledger."""
    report = _report_for(request, pk)
    try:
        report.full_contact = services.reveal_problem_report_contact(report, request.user)
    except ProcedureError as refusal:
        raise PermissionDenied(refusal.message) from refusal
    return _render(request, report.decision, revealed=report)
