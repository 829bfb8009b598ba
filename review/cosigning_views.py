"""Co-signing pages (/manage/review/co-signing/, Decree 713 Art. 13): the undertaking unit's workspace for a step
(send the draft, follow the answers, state its view on the disagreements), the department's inbox and its answer.

Thin: reads through `selectors`, acts through `cosigning` (which checks the permission again and refuses with a
translated message). Whoever sees the decision sees the workspace; a department asked sees the decision through the
scope `cosigning.register_scope` adds. A refused form is shown again with its error (400) and nothing stored."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import services as decision_services
from decisions.access import decision_for, step_for
from decisions.errors import ProcedureError
from decisions.permissions import Action, can
from decisions.procedure import StepKind

from . import cosigning, selectors
from .cosigning_forms import CoSigningAnswerForm, SendForCoSigningForm, UnitViewForm
from .models import CoSigningRequest


def _workspace_url(step_pk: int) -> str:
    return reverse("review:co_signing_workspace", args=[step_pk])


def _step(request, step_pk: int):
    step = step_for(request.user, step_pk)
    if step.kind != StepKind.DEPARTMENT_CONSULTATION:
        raise Http404
    return step


def _request_for(request, pk: int) -> CoSigningRequest:
    """The request, when the user sees its decision (another organization's: not found)."""
    co_signing = get_object_or_404(
        CoSigningRequest.objects.select_related("step__decision", "organization", "answered_by"), pk=pk
    )
    decision_for(request.user, co_signing.step.decision_id)
    return co_signing


def _first_field(refusal: ProcedureError, form) -> str | None:
    return next((name for name in refusal.fields if name in form.fields), None)


def _workspace_context(request, step, send_form=None) -> dict:
    decision = step.decision
    user = request.user
    requests = list(selectors.step_co_signing_requests(step))
    may_act = bool(can(user, Action.WORK_ON_STEP, decision) or can(user, Action.APPROVE_STEP, decision))
    return {
        "step": step,
        "decision": decision,
        "requests": requests,
        "may_act": may_act,
        # The unit's drafter or head states its view on a disagreement while the step is worked on.
        "may_state_views": may_act and step.status in cosigning.WORKING_STATUSES,
        "edit_refusal": decision_services.step_action_refusals(step, user)["edit"],
        "send_form": send_form or SendForCoSigningForm(decision=decision, asked=[r.organization_id for r in requests]),
        "disagreements": selectors.open_disagreements(decision),
        "unit_view_form": UnitViewForm(),
        "waiting": cosigning.waiting_refusal(step) if requests else None,
    }


@login_required
def co_signing_workspace(request, step_pk: int):
    step = _step(request, step_pk)
    return render(request, "review/cosigning_workspace.html", _workspace_context(request, step))


@login_required
@require_POST
def co_signing_send(request, step_pk: int):
    step = _step(request, step_pk)
    asked = CoSigningRequest.objects.filter(step=step).values_list("organization_id", flat=True)
    form = SendForCoSigningForm(request.POST, decision=step.decision, asked=list(asked))
    if form.is_valid():
        try:
            sent = cosigning.send_for_co_signing(
                step=step,
                actor=request.user,
                organizations=list(form.cleaned_data["organizations"]),
                due_on=form.cleaned_data["due_on"],
            )
        except ProcedureError as refusal:
            form.add_error(_first_field(refusal, form), str(refusal.message))
        else:
            messages.success(
                request,
                _("The draft was sent to %(count)s departments or governments.") % {"count": len(sent)},
            )
            return redirect(_workspace_url(step.pk))
    return render(
        request, "review/cosigning_workspace.html", _workspace_context(request, step, send_form=form), status=400
    )


@login_required
@require_POST
def co_signing_unit_view(request, pk: int):
    co_signing = _request_for(request, pk)
    form = UnitViewForm(request.POST)
    if form.is_valid():
        try:
            cosigning.record_unit_view(
                request=co_signing,
                actor=request.user,
                view=form.cleaned_data["unit_view"],
                resolved=form.cleaned_data["resolved"],
            )
        except ProcedureError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("The unit's view was recorded."))
    return redirect(_workspace_url(co_signing.step_id))


@login_required
def co_signing_inbox(request):
    requests = list(selectors.co_signing_inbox(request.user))
    return render(request, "review/cosigning_inbox.html", {"requests": requests})


@login_required
def co_signing_answer(request, pk: int):
    co_signing = _request_for(request, pk)
    refusal = cosigning.may_answer(request.user, co_signing)
    if refusal is not None:
        raise Http404  # only the organization asked answers; others read the answers on the workspace
    status = 200
    if request.method == "POST":
        form = CoSigningAnswerForm(request.POST)
        if form.is_valid():
            try:
                cosigning.answer_co_signing(request=co_signing, actor=request.user, **form.cleaned_data)
            except ProcedureError as refusal:
                form.add_error(_first_field(refusal, form), str(refusal.message))
            else:
                messages.success(request, _("Your answer was recorded."))
                return redirect("review:co_signing_inbox")
        status = 400
    else:
        initial = {"answer": co_signing.answer, "text": co_signing.answer_text} if co_signing.answer else {}
        form = CoSigningAnswerForm(initial=initial)
    decision = co_signing.step.decision
    documents = decision.documents.filter(kind__in=["draft", "explanation"]).order_by("kind", "-version")
    return render(
        request,
        "review/cosigning_answer.html",
        {"co_signing": co_signing, "decision": decision, "form": form, "documents": documents},
        status=status,
    )
