"""The legality reviewer's workspace (/manage/review/legality/), reached from the legality review step.

Thin: reads through `review.selectors` and acts through `review.legality` (which checks the permission and the rules
again and refuses with a translated message). Whoever sees the decision reads the workspace; the legal office's
reviewer records the advisers' opinions. The opinion and the confirmation are the decision's transitions (linked)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import services as decision_services
from decisions.access import step_for
from decisions.errors import ProcedureError
from decisions.permissions import Action, can
from decisions.procedure import TRANSITIONS, LegalityOpinion, StepKind, StepStatus

from . import legality
from .forms import AdviserOpinionForm, ChangeNoteForm
from .models import LegalityReview, RequiredChange
from .selectors import legality_coverage, legality_materials

WORKSPACE_TRANSITIONS = ("request_legality_review", "give_legality_opinion", "confirm_legality_changes")


def _step(request, step_pk: int):
    step = step_for(request.user, step_pk)
    if step.kind != StepKind.LEGALITY_REVIEW:
        raise Http404
    return step


def _note_form(item, data=None) -> ChangeNoteForm:
    """One note form a required change: its own ids, so each label names its own box."""
    return ChangeNoteForm(data, auto_id=f"id_change{item.pk}_%s")


def _context(request, step, adviser_form=None, note_form=None, noted_item=None) -> dict:
    decision = step.decision
    review = LegalityReview.objects.filter(step=step).select_related("reviewed_draft", "confirmed_draft").first()
    actions = [
        (name, TRANSITIONS[name].label, reverse("manage:transition", args=[decision.pk, name]))
        for name in WORKSPACE_TRANSITIONS
        if decision_services.transition_refusal(decision, name, request.user) is None
    ]
    may_review = bool(can(request.user, Action.GIVE_LEGALITY_OPINION, step))
    may_record = may_review and review is not None and not review.opinion
    changes_open = (
        review is not None
        and review.opinion == LegalityOpinion.LAWFUL_WITH_CHANGES
        and step.status == StepStatus.APPROVED
    )
    change_items = list(review.change_items.all()) if review is not None else []
    return {
        "step": step,
        "decision": decision,
        "review": review,
        "materials": legality_materials(decision),
        "adviser_opinions": list(review.adviser_opinions.all()) if review is not None else [],
        "may_record": may_record,
        "adviser_form": adviser_form or AdviserOpinionForm(),
        "actions": actions,
        "change_items": change_items,
        "change_rows": [
            (item, note_form if noted_item is not None and item.pk == noted_item.pk else _note_form(item))
            for item in change_items
        ],
        "may_list_changes": may_review and changes_open and not change_items,
        "may_note_changes": changes_open and bool(can(request.user, Action.WORK_ON_STEP, decision)),
    }


@login_required
def workspace(request, step_pk: int):
    step = _step(request, step_pk)
    return render(request, "review/legality_workspace.html", _context(request, step))


@login_required
@require_POST
def adviser_opinion_add(request, step_pk: int):
    step = _step(request, step_pk)
    form = AdviserOpinionForm(request.POST)
    if form.is_valid():
        try:
            legality.record_adviser_opinion(step=step, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            form.add_error(next((n for n in refusal.fields if n in form.fields), None), str(refusal.message))
        else:
            messages.success(request, _("The adviser's opinion is recorded."))
            return redirect("review:legality_workspace", step_pk=step.pk)
    return render(request, "review/legality_workspace.html", _context(request, step, form), status=400)


@login_required
def coverage(request):
    """Art. 25–28 in numbers: an organ's year of legality reviews (legal office, government office, supervisor)."""
    organ = legality.coverage_organ(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= today.year + 1:
        raise Http404
    report = legality_coverage(organ, year)
    years = list(range(today.year + 1, today.year - 5, -1))
    return render(request, "review/legality_coverage.html", {"report": report, "years": years})


@login_required
@require_POST
def changes_list(request, step_pk: int):
    """The reviewer lists the required changes one by one; a refusal goes back to the workspace with its message."""
    step = _step(request, step_pk)
    try:
        legality.list_required_changes(step=step, actor=request.user)
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The required changes are listed one by one."))
    return redirect("review:legality_workspace", step_pk=step.pk)


@login_required
@require_POST
def change_note(request, step_pk: int, item_pk: int):
    step = _step(request, step_pk)
    change = RequiredChange.objects.filter(pk=item_pk, review__step=step).first()
    if change is None:
        raise Http404
    form = _note_form(change, request.POST)
    if form.is_valid():
        try:
            legality.record_change_made(change=change, actor=request.user, note=form.cleaned_data["note"])
        except ProcedureError as refusal:
            form.add_error("note", str(refusal.message))
        else:
            messages.success(request, _("What was changed is recorded."))
            return redirect("review:legality_workspace", step_pk=step.pk)
    return render(
        request,
        "review/legality_workspace.html",
        _context(request, step, note_form=form, noted_item=change),
        status=400,
    )
