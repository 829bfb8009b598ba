"""The hearing of a decision's hearing step in the staff workspace (/manage/participation/hearings/): one page per
step (`participation:hearing`, the step's pk; a GET creates nothing) with the announcement, the applications
(contacts masked), the selection, the materials, the record and its confirmations, and the cancellation.

Thin: reads here, acts through `participation.hearings` (which checks the permission again and refuses with a
translated message). A refusal is shown at its form, with status 400, and stores nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.privacy import mask_contact
from decisions.access import step_for
from decisions.errors import ProcedureError
from decisions.permissions import Action, can
from decisions.procedure import StepKind
from decisions.services import profile_for, step_action_refusals

from . import hearing_forms as forms
from . import hearings
from .models import Hearing, HearingApplication


def _hearing_step(request, step_pk: int):
    step = step_for(request.user, step_pk)
    if step.kind != StepKind.HEARING:
        raise Http404
    return step


def _hearing_of(request, pk: int) -> Hearing:
    hearing = get_object_or_404(Hearing.objects.select_related("step"), pk=pk)
    step = _hearing_step(request, hearing.step_id)  # 404 unless the user sees the decision
    hearing.step = step
    return hearing


def _may_work(user, decision) -> bool:
    return can(user, Action.WORK_ON_STEP, decision).allowed or can(user, Action.APPROVE_STEP, decision).allowed


def _require_unit(request, decision) -> None:
    if not _may_work(request.user, decision):
        raise PermissionDenied(_("The undertaking unit runs the hearing."))


def _back(step_pk: int):
    return redirect(reverse("participation:hearing", args=[step_pk]))


def _page(request, step, hearing: Hearing | None, status: int = 200, **forms_given):
    decision = step.decision
    may_work = _may_work(request.user, decision)
    edit_refusal = step_action_refusals(step, request.user)["edit"]
    applications, statements, document = [], [], None
    if hearing is not None:
        applications = list(hearing.applications.order_by("submitted_at", "id"))
        for application in applications:
            application.masked_contact = mask_contact(application.contact)
            application.via_display = hearings.via_label(application.record_confirmed_via)
        statements = list(hearing.statements.select_related("participant").order_by("order"))
        document = hearings.record_document(hearing)
    if hearing is not None and hearing.starts_at:
        announce_initial = {
            "matter": hearing.matter,
            "starts_at": timezone.localtime(hearing.starts_at),
            "place": hearing.place,
            "how_to_apply": hearing.how_to_apply,
            "applications_close_on": hearing.applications_close_on,
            "selection_method": hearing.selection_method,
            "seats": hearing.seats,
        }
    else:
        announce_initial = {"matter": decision.title[:300]}
    status_value = hearing.status if hearing is not None else Hearing.Status.DRAFT
    context = {
        "step": step,
        "decision": decision,
        "hearing": hearing,
        "Status": Hearing.Status,
        "status_value": status_value,
        "applications": applications,
        "statements": statements,
        "record_document": document,
        "to_confirm": list(hearings.speakers_to_confirm(hearing)) if hearing is not None else [],
        "materials_due_on": hearings.materials_due_on(hearing) if hearing is not None else None,
        "notice_days": profile_for(decision.organ).min_hearing_notice_days,
        "may_work": may_work,
        "may_announce": edit_refusal is None and status_value in hearings.CHANGEABLE,
        "edit_refusal": edit_refusal,
        "may_file": may_work and can(request.user, Action.WORK_ON_STEP, decision).allowed,
        "announce_form": forms_given.get("announce_form") or forms.AnnounceForm(initial=announce_initial),
        "selection_form": forms_given.get("selection_form") or forms.SelectionForm(hearing=hearing),
        "materials_form": forms_given.get("materials_form") or forms.MaterialsForm(),
        "statement_form": forms_given.get("statement_form") or forms.StatementForm(hearing=hearing),
        "cancel_form": forms_given.get("cancel_form") or forms.CancelForm(),
        "refusal": forms_given.get("refusal"),
        "now": timezone.now(),
    }
    return render(request, "participation/hearing_detail.html", context, status=status)


@login_required
@require_GET
def hearing_page(request, step_pk: int):
    """The hearing of the step (nothing is created: before the announcement the page offers the form)."""
    step = _hearing_step(request, step_pk)
    hearing = Hearing.objects.filter(step=step).first()
    return _page(request, step, hearing)


@login_required
@require_POST
def hearing_announce(request, step_pk: int):
    step = _hearing_step(request, step_pk)
    refusal = step_action_refusals(step, request.user)["edit"]
    if refusal is not None and refusal.code.startswith("permission."):
        raise PermissionDenied(refusal.message)
    hearing = Hearing.objects.filter(step=step).first()
    form = forms.AnnounceForm(request.POST)
    if form.is_valid():
        try:
            hearings.announce_hearing(step=step, actor=request.user, **form.cleaned_data)
        except ProcedureError as refused:
            refused.add_to_form(form)
        else:
            messages.success(request, _("The hearing is announced on the portal."))
            return _back(step.pk)
    return _page(request, step, hearing, status=400, announce_form=form)


def _hearing_post(request, pk: int):
    hearing = _hearing_of(request, pk)
    _require_unit(request, hearing.step.decision)
    return hearing


@login_required
@require_POST
def hearing_select(request, pk: int):
    hearing = _hearing_post(request, pk)
    form = forms.SelectionForm(request.POST, hearing=hearing)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hearings.select_participants(
                hearing=hearing,
                actor=request.user,
                selected_ids=[application.pk for application in data["selected"]],
                result=data["result"],
                reason=data["reason"],
            )
        except ProcedureError as refused:
            refused.add_to_form(form)
        else:
            messages.success(request, _("The participants are selected; the result is published."))
            return _back(hearing.step_id)
    return _page(request, hearing.step, hearing, status=400, selection_form=form)


@login_required
@require_POST
def hearing_materials(request, pk: int):
    hearing = _hearing_post(request, pk)
    form = forms.MaterialsForm(request.POST)
    if form.is_valid():
        try:
            hearings.record_materials_sent(hearing=hearing, actor=request.user, sent_on=form.cleaned_data["sent_on"])
        except ProcedureError as refused:
            refused.add_to_form(form)
        else:
            messages.success(request, _("The materials are recorded as sent."))
            return _back(hearing.step_id)
    return _page(request, hearing.step, hearing, status=400, materials_form=form)


@login_required
@require_POST
def hearing_statement(request, pk: int):
    hearing = _hearing_post(request, pk)
    form = forms.StatementForm(request.POST, hearing=hearing)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hearings.record_statement(
                hearing=hearing,
                actor=request.user,
                participant=data["participant"],
                speaker=data["speaker"],
                text=data["text"],
            )
        except ProcedureError as refused:
            refused.add_to_form(form)
        else:
            messages.success(request, _("The statement is in the record."))
            return _back(hearing.step_id)
    return _page(request, hearing.step, hearing, status=400, statement_form=form)


@login_required
@require_POST
def hearing_confirm(request, pk: int):
    """A participant's confirmation on paper, recorded by the unit."""
    application = get_object_or_404(HearingApplication, pk=pk)
    hearing = _hearing_post(request, application.hearing_id)
    try:
        hearings.confirm_record(application=application, via="paper", actor=request.user)
    except ProcedureError as refused:
        return _page(request, hearing.step, hearing, status=400, refusal=refused)
    messages.success(
        request, _("The confirmation of %(receipt)s is recorded.") % {"receipt": application.receipt_number}
    )
    return _back(hearing.step_id)


@login_required
@require_POST
def hearing_file_record(request, pk: int):
    hearing = _hearing_post(request, pk)
    try:
        hearings.file_record(hearing=hearing, actor=request.user)
    except ProcedureError as refused:
        return _page(request, hearing.step, hearing, status=400, refusal=refused)
    messages.success(request, _("The record is among the step's documents."))
    return _back(hearing.step_id)


@login_required
@require_POST
def hearing_cancel(request, pk: int):
    hearing = _hearing_post(request, pk)
    form = forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            hearings.cancel_hearing(hearing=hearing, actor=request.user, reason=form.cleaned_data["reason"])
        except ProcedureError as refused:
            refused.add_to_form(form)
        else:
            messages.success(request, _("The hearing is cancelled; the reason is published."))
            return _back(hearing.step_id)
    return _page(request, hearing.step, hearing, status=400, cancel_form=form)
