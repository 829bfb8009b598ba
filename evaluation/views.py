"""The post-decision evaluation in the staff workspace (/manage/evaluation/, namespace `evaluation`): the organ's
annual plans, the evaluator's assignments and each decision's evaluation page.

Thin: reads through `selectors` and `decisions.access` (a decision the user does not see is 404, so an evaluator of
another body finds nothing), acts through `plans` and `services`, which check the permission and the rules again and
refuse with a translated message. A refused form is shown again with its error (400); a refused one-click act goes
back to its page with the message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import ORGAN_WIDE_ROLES, Role
from decisions.access import decision_for
from decisions.errors import ProcedureError
from decisions.permissions import Action, can
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps

from . import plans, selectors, services
from .forms import CompleteEvaluationForm, EvaluationReportForm, PlanForm, PlanItemForm
from .models import EvaluationPlan


def _organ(request):
    """The user's decision organ, for the organ-wide roles that read plans (the others: 403)."""
    user = request.user
    if not set(user.role_names) & {role.value for role in ORGAN_WIDE_ROLES} or not user.organization_id:
        raise PermissionDenied(_("Your role does not see the evaluation plans."))
    organ = user.organization.organ
    if organ is None:
        raise PermissionDenied(_("Your account belongs to no decision organ."))
    return organ


def _plan(request, pk: int) -> EvaluationPlan:
    plan = selectors.plan_for(request.user, pk)
    if plan is None:
        raise Http404
    return plan


def _plan_url(plan) -> str:
    return reverse("evaluation:plan", args=[plan.pk])


# ---------------------------------------------------------------- plans


@login_required
def plan_list(request):
    organ = _organ(request)
    context = {
        "organ": organ,
        "plans": list(selectors.plans_of(organ.pk)),
        "form": PlanForm(),
        "may_plan": plans.may_plan(request.user, organ),
    }
    return render(request, "evaluation/plan_list.html", context)


@login_required
@require_POST
def plan_create(request):
    organ = _organ(request)
    if not plans.may_plan(request.user, organ):
        raise PermissionDenied(_("Only the government office draws up the evaluation plan."))
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = plans.create_plan(actor=request.user, organ=organ, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The evaluation plan is started."))
            return redirect(_plan_url(plan))
    context = {"organ": organ, "plans": list(selectors.plans_of(organ.pk)), "form": form, "may_plan": True}
    return render(request, "evaluation/plan_list.html", context, status=400)


def _plan_context(request, plan, item_form=None) -> dict:
    may_plan = plans.may_plan(request.user, plan.organ)
    draft = plan.status == EvaluationPlan.Status.DRAFT
    candidates = selectors.plan_candidates(plan.organ, plan.year, exclude_plan=plan) if may_plan and draft else []
    return {
        "plan": plan,
        "items": selectors.plan_items(plan),
        "candidates": candidates,
        "may_plan": may_plan,
        "draft": draft,
        "item_form": item_form or PlanItemForm(decisions=selectors.plannable_decisions(plan.organ)),
        "two_person": plan.created_by_id == request.user.pk,
    }


@login_required
def plan_page(request, pk: int):
    plan = _plan(request, pk)
    return render(request, "evaluation/plan.html", _plan_context(request, plan))


@login_required
@require_POST
def plan_item_add(request, pk: int):
    plan = _plan(request, pk)
    if not plans.may_plan(request.user, plan.organ):
        raise PermissionDenied(_("Only the government office draws up the evaluation plan."))
    form = PlanItemForm(request.POST, decisions=selectors.plannable_decisions(plan.organ))
    if form.is_valid():
        try:
            plans.add_plan_item(plan=plan, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The decision is added to the plan."))
            return redirect(_plan_url(plan))
    return render(request, "evaluation/plan.html", _plan_context(request, plan, item_form=form), status=400)


@login_required
@require_POST
def plan_item_remove(request, pk: int, item_pk: int):
    plan = _plan(request, pk)
    try:
        plans.remove_plan_item(plan=plan, actor=request.user, item_id=item_pk)
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The decision is removed from the plan."))
    return redirect(_plan_url(plan))


PLAN_ACTS = {
    "approve": (plans.approve_plan, gettext_lazy("The evaluation plan is approved.")),
    "publish": (plans.publish_plan, gettext_lazy("The evaluation plan is published on the portal.")),
}


@login_required
@require_POST
def plan_act(request, pk: int, act: str):
    plan = _plan(request, pk)
    if act not in PLAN_ACTS:
        raise Http404
    service, done = PLAN_ACTS[act]
    try:
        service(plan=plan, actor=request.user)
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, str(done))
    return redirect(_plan_url(plan))


# ---------------------------------------------------------------- the evaluator's assignments


@login_required
def my_assignments(request):
    if not request.user.has_role(Role.EVALUATOR):
        raise PermissionDenied(_("Only evaluators have evaluation assignments."))
    return render(request, "evaluation/mine.html", {"evaluations": list(selectors.assignments(request.user))})


# ---------------------------------------------------------------- one decision's evaluation


def _decision_url(decision) -> str:
    return reverse("evaluation:decision", args=[decision.pk])


def _decision_context(request, decision, report_form=None, approve_form=None) -> dict:
    evaluations = selectors.evaluations_of(decision)
    current = evaluations[0] if evaluations else None
    user = request.user
    evaluating = decision.status == State.EVALUATING and current is not None
    step = current_steps(decision).get(StepKind.POST_EVALUATION)
    may_report = evaluating and bool(can(user, Action.SUBMIT_EVALUATION_REPORT, decision))
    may_approve = evaluating and bool(can(user, Action.COMPLETE_EVALUATION, decision))
    if report_form is None and current is not None:
        fields = EvaluationReportForm.base_fields
        report_form = EvaluationReportForm(initial={name: getattr(current, name) for name in fields})
    return {
        "decision": decision,
        "evaluation": current,
        "earlier": evaluations[1:],
        "step": step,
        "documents": list(step.documents.all()) if step is not None else [],
        "indicators": selectors.execution_indicators(decision),
        "may_report": may_report,
        "may_approve": may_approve and current.report_submitted_at is not None,
        "awaits_report": may_approve and current.report_submitted_at is None,
        "report_form": report_form,
        "approve_form": approve_form
        or CompleteEvaluationForm(initial={"public_summary": current.summary if current else ""}),
    }


@login_required
def decision_evaluation(request, pk: int):
    decision = decision_for(request.user, pk, detailed=True)
    return render(request, "evaluation/decision.html", _decision_context(request, decision))


@login_required
@require_POST
def submit_report(request, pk: int):
    decision = decision_for(request.user, pk, detailed=True)
    form = EvaluationReportForm(request.POST)
    if form.is_valid():
        try:
            services.submit_evaluation_report(decision=decision, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The evaluation report is submitted to the government office."))
            return redirect(_decision_url(decision))
    context = _decision_context(request, decision, report_form=form)
    return render(request, "evaluation/decision.html", context, status=400)


@login_required
@require_POST
def approve_report(request, pk: int):
    decision = decision_for(request.user, pk, detailed=True)
    form = CompleteEvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.complete_evaluation(decision=decision, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The evaluation is approved and its summary published."))
            return redirect(_decision_url(decision))
    context = _decision_context(request, decision, approve_form=form)
    return render(request, "evaluation/decision.html", context, status=400)
