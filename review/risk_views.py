"""The risk assessment's workspace and the fair-competition checklist's, for staff (/manage/review/risk/).

Thin: reads the step's record, acts through `review.risk` and `review.fair_competition` (which check the permission
and the rules again and refuse with a translated message). Whoever sees the decision reads the workspace; only the
undertaking unit's drafter acts. A refused form is shown again with its error (400) and nothing stored; a refused
one-click act goes back to the workspace with its message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import services as decision_services
from decisions.access import step_for
from decisions.errors import ProcedureError
from decisions.permissions import Action, can
from decisions.procedure import RiskLevel, StepKind

from . import fair_competition, risk
from .checklist import EXCEPTION_CODES, GROUPS, QUESTIONS
from .models import FairCompetitionReview, RiskAssessment, RiskItem
from .risk_forms import ChecklistForm, ConclusionForm, RestrictionForm, RiskItemForm, RiskLevelForm, RiskMethodForm


def _step(request, step_pk: int, kind: str):
    step = step_for(request.user, step_pk)
    if step.kind != kind:
        raise Http404
    return step


# ---------------------------------------------------------------- the risk assessment


def _risk_url(step) -> str:
    return reverse("review:risk_workspace", args=[step.pk])


def _risk_context(request, step, **forms) -> dict:
    assessment = RiskAssessment.objects.filter(step=step).select_related("assessing_org").first()
    items = list(assessment.items.all()) if assessment is not None else []
    by_dimension = [
        (value, label, [item for item in items if item.dimension == value])
        for value, label in RiskItem.Dimension.choices
    ]
    suggestion = risk.suggested_level(items)
    method_initial = {}
    if assessment is not None:
        method_initial = {
            "assessor": assessment.assessor,
            "methods": assessment.methods,
            "assessing_org": assessment.assessing_org_id,
        }
    level_initial = {"risk_level": (assessment.risk_level if assessment else "") or suggestion}
    level_initial["controllable"] = assessment.controllable if assessment else False
    return {
        "step": step,
        "decision": step.decision,
        "assessment": assessment,
        "by_dimension": by_dimension,
        "items": items,
        "suggested_level": RiskLevel(suggestion).label if suggestion else "",
        "methods": [risk.method_label(code) for code in (assessment.methods if assessment else [])],
        "may_work": bool(can(request.user, Action.WORK_ON_STEP, step.decision)),
        "edit_refusal": decision_services.step_action_refusals(step, request.user)["edit"],
        "submission_refusal": risk.submission_refusal(assessment) if assessment is not None else None,
        "method_form": forms.get("method_form") or RiskMethodForm(initial=method_initial, decision=step.decision),
        "item_form": forms.get("item_form") or RiskItemForm(),
        "level_form": forms.get("level_form") or RiskLevelForm(initial=level_initial),
    }


@login_required
def risk_workspace(request, step_pk: int):
    step = _step(request, step_pk, StepKind.RISK_ASSESSMENT)
    return render(request, "review/risk_workspace.html", _risk_context(request, step))


@login_required
@require_POST
def risk_method(request, step_pk: int):
    step = _step(request, step_pk, StepKind.RISK_ASSESSMENT)
    form = RiskMethodForm(request.POST, decision=step.decision)
    if form.is_valid():
        try:
            risk.set_method(step=step, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("Who assessed and how is recorded."))
            return redirect(_risk_url(step))
    context = _risk_context(request, step, method_form=form)
    return render(request, "review/risk_workspace.html", context, status=400)


@login_required
@require_POST
def risk_item_add(request, step_pk: int):
    step = _step(request, step_pk, StepKind.RISK_ASSESSMENT)
    form = RiskItemForm(request.POST)
    if form.is_valid():
        try:
            risk.add_item(step=step, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The risk is recorded."))
            return redirect(_risk_url(step))
    return render(request, "review/risk_workspace.html", _risk_context(request, step, item_form=form), status=400)


def _item(step, item_pk: int) -> RiskItem:
    item = RiskItem.objects.filter(pk=item_pk, assessment__step=step).first()
    if item is None:
        raise Http404
    return item


@login_required
def risk_item_edit(request, step_pk: int, item_pk: int):
    step = _step(request, step_pk, StepKind.RISK_ASSESSMENT)
    item = _item(step, item_pk)
    status = 200
    if request.method == "POST":
        form = RiskItemForm(request.POST)
        if form.is_valid():
            try:
                risk.change_item(step=step, actor=request.user, item_id=item.pk, **form.cleaned_data)
            except ProcedureError as refusal:
                refusal.add_to_form(form)
            else:
                messages.success(request, _("The risk is changed."))
                return redirect(_risk_url(step))
        status = 400
    else:
        fields = ("dimension", "description", "likelihood", "impact", "measures")
        form = RiskItemForm(initial={name: getattr(item, name) for name in fields})
    context = {
        "step": step,
        "decision": step.decision,
        "item": item,
        "form": form,
        "edit_refusal": decision_services.step_action_refusals(step, request.user)["edit"],
    }
    return render(request, "review/risk_item.html", context, status=status)


@login_required
@require_POST
def risk_item_remove(request, step_pk: int, item_pk: int):
    step = _step(request, step_pk, StepKind.RISK_ASSESSMENT)
    item = _item(step, item_pk)
    try:
        risk.remove_item(step=step, actor=request.user, item_id=item.pk)
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The risk is removed."))
    return redirect(_risk_url(step))


@login_required
@require_POST
def risk_level(request, step_pk: int):
    step = _step(request, step_pk, StepKind.RISK_ASSESSMENT)
    form = RiskLevelForm(request.POST)
    if form.is_valid():
        try:
            risk.set_level(step=step, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The risk level is recorded."))
            return redirect(_risk_url(step))
    return render(request, "review/risk_workspace.html", _risk_context(request, step, level_form=form), status=400)


# ---------------------------------------------------------------- the fair-competition checklist


def _checklist_url(step) -> str:
    return reverse("review:fair_competition_workspace", args=[step.pk])


def _checklist_context(request, step, **forms) -> dict:
    review = FairCompetitionReview.objects.filter(step=step).first()
    answers = fair_competition.answers_of(review)
    found = fair_competition.restrictions(answers)
    restriction_initial, conclusion = {}, ""
    if review is not None:
        restriction_initial = {
            "restriction_kept": "yes" if review.restriction_kept else "no",
            "exception": review.exception,
            "exception_term": review.exception_term,
        }
        conclusion = review.conclusion or fair_competition.generated_conclusion(review)
    checklist_form = forms.get("checklist_form") or ChecklistForm(answers=answers)
    return {
        "step": step,
        "decision": step.decision,
        "review": review,
        "checklist_form": checklist_form,
        "groups": checklist_form.groups(),
        "answered": len(answers),
        "total": len(QUESTIONS),
        "unanswered_groups": fair_competition.unanswered_groups(answers),
        "restrictions": [QUESTIONS[code] for code in found],
        "exception": EXCEPTION_CODES.get(review.exception) if review is not None else None,
        "all_groups": GROUPS,
        "may_work": bool(can(request.user, Action.WORK_ON_STEP, step.decision)),
        "edit_refusal": decision_services.step_action_refusals(step, request.user)["edit"],
        "submission_refusal": fair_competition.submission_refusal(review) if review is not None else None,
        "restriction_form": forms.get("restriction_form") or RestrictionForm(initial=restriction_initial),
        "conclusion_form": forms.get("conclusion_form") or ConclusionForm(initial={"conclusion": conclusion}),
    }


@login_required
def fair_competition_workspace(request, step_pk: int):
    step = _step(request, step_pk, StepKind.FAIR_COMPETITION_REVIEW)
    return render(request, "review/fair_competition_workspace.html", _checklist_context(request, step))


@login_required
@require_POST
def fair_competition_answers(request, step_pk: int):
    step = _step(request, step_pk, StepKind.FAIR_COMPETITION_REVIEW)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            fair_competition.answer_questions(step=step, actor=request.user, answers=form.answers())
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The answers are recorded."))
            return redirect(_checklist_url(step))
    context = _checklist_context(request, step, checklist_form=form)
    return render(request, "review/fair_competition_workspace.html", context, status=400)


@login_required
@require_POST
def fair_competition_restriction(request, step_pk: int):
    step = _step(request, step_pk, StepKind.FAIR_COMPETITION_REVIEW)
    form = RestrictionForm(request.POST)
    if form.is_valid():
        try:
            fair_competition.set_restriction(step=step, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The exception is recorded."))
            return redirect(_checklist_url(step))
    context = _checklist_context(request, step, restriction_form=form)
    return render(request, "review/fair_competition_workspace.html", context, status=400)


@login_required
@require_POST
def fair_competition_conclusion(request, step_pk: int):
    step = _step(request, step_pk, StepKind.FAIR_COMPETITION_REVIEW)
    form = ConclusionForm(request.POST)
    if form.is_valid():
        try:
            fair_competition.set_conclusion(
                step=step,
                actor=request.user,
                conclusion=form.cleaned_data["conclusion"],
                generate="generate" in request.POST,
            )
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The conclusion is recorded."))
            return redirect(_checklist_url(step))
    context = _checklist_context(request, step, conclusion_form=form)
    return render(request, "review/fair_competition_workspace.html", context, status=400)
