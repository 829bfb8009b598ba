"""The consultation's workspace for staff (/manage/participation/): set it up, watch the opinions come in clause by
clause, enter those gathered offline, moderate, answer (alone or by theme), and make the feedback report.

Thin: reads through `selectors`, acts through `services` and `feedback` (which check the permission again and refuse
with a translated message). Anyone who sees the decision sees the workspace (contacts masked); only the undertaking
unit acts. A refused form is shown again with its error (400) and nothing stored; a refused one-click act goes back
to the workspace with the message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import services as decision_services
from decisions.access import decision_for, step_for
from decisions.errors import ProcedureError
from decisions.permissions import Action, can
from decisions.procedure import StepKind
from decisions.uploads import check_upload

from . import feedback, selectors, services
from .clauses import DraftTextError, text_of_docx
from .forms import (
    ConsultationSetUpForm,
    OfflineOpinionForm,
    OpinionAnswerForm,
    OpinionReasonForm,
    ThemeAssignForm,
    ThemeForm,
)
from .models import Comment, Consultation, FeedbackReport, Theme

OPINIONS_PER_PAGE = 50


def _consultation_for(request, pk: int) -> Consultation:
    """The consultation, when the user sees its decision (another organization's: not found)."""
    consultation = get_object_or_404(Consultation.objects.select_related("step"), pk=pk)
    decision_for(request.user, consultation.step.decision_id)
    return consultation


def _comment_for(request, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("consultation__step"), pk=pk)
    decision_for(request.user, comment.consultation.step.decision_id)
    return comment


def _workspace(consultation_or_step) -> str:
    step_id = (
        consultation_or_step.step_id if isinstance(consultation_or_step, Consultation) else consultation_or_step.pk
    )
    return reverse("participation:consultation", args=[step_id])


def _done(request, consultation, act, success: str):
    """Run a one-click act; its refusal (a translated message) or its success goes back to the workspace."""
    try:
        act()
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, success)
    return redirect(_workspace(consultation))


def _set_up_initial(consultation: Consultation | None) -> dict:
    if consultation is None or not consultation.title:
        return {}
    return {
        "title": consultation.title,
        "draft_text": consultation.draft_text,
        "explanation": consultation.explanation,
        "questions": consultation.questions,
        "channels": consultation.channels,
        "comment_start": consultation.comment_start,
        "urgency_reason": consultation.urgency_reason,
    }


def _context(request, step, consultation, **forms) -> dict:
    decision = step.decision
    user = request.user
    may_work = bool(can(user, Action.WORK_ON_STEP, decision))
    may_approve = bool(can(user, Action.APPROVE_STEP, decision))
    context = {
        "step": step,
        "decision": decision,
        "consultation": consultation,
        "may_work": may_work,
        "may_approve": may_approve,
        "may_act": may_work or may_approve,
        "edit_refusal": decision_services.step_action_refusals(step, user)["edit"],
        "set_up_form": forms.get("set_up_form") or ConsultationSetUpForm(initial=_set_up_initial(consultation)),
    }
    if consultation is None or consultation.status == Consultation.Status.DRAFT:
        return context
    clause_filter = request.GET.get("clause", "")
    only_unanswered = request.GET.get("show") == "unanswered"
    opinions = selectors.staff_opinions(consultation, clause=clause_filter, only_unanswered=only_unanswered)
    page = Paginator(opinions, OPINIONS_PER_PAGE).get_page(request.GET.get("page"))
    selectors.annotate_for_staff(page.object_list)
    stats = selectors.consultation_stats(consultation)
    context.update(
        {
            "clauses": selectors.clauses_with_counts(consultation),
            "whole_draft_count": selectors.whole_draft_count(consultation),
            "page": page,
            "clause_filter": clause_filter,
            "only_unanswered": only_unanswered,
            "themes": selectors.themes_with_counts(consultation),
            "stats": stats,
            "duplicates": selectors.duplicate_groups(consultation),
            "unanswered": selectors.unanswered_comments(consultation).count(),
            "received": sum(row["count"] for row in stats["per_channel"]),
            "report": FeedbackReport.objects.filter(consultation=consultation)
            .select_related("generated_by", "approved_by")
            .first(),
            "offline_form": forms.get("offline_form") or OfflineOpinionForm(consultation=consultation),
            "answer_form": OpinionAnswerForm(),
            "reason_form": OpinionReasonForm(),
            "theme_form": forms.get("theme_form") or ThemeForm(),
            "settable": consultation.status in services.SETTABLE_STATUSES,
            "withdrawable": consultation.status in (Consultation.Status.SCHEDULED, Consultation.Status.OPEN),
            "takes_offline": consultation.status in (Consultation.Status.OPEN, Consultation.Status.CLOSED),
            "import_url": reverse("participation:import_opinions", args=[consultation.pk]),
        }
    )
    return context


@login_required
def consultation_workspace(request, step_pk: int):
    step = step_for(request.user, step_pk)
    if step.kind != StepKind.PUBLIC_PARTICIPATION:
        raise Http404
    consultation = Consultation.objects.filter(step=step).first()
    return render(request, "participation/workspace.html", _context(request, step, consultation))


@login_required
@require_POST
def consultation_set_up(request, step_pk: int):
    step = step_for(request.user, step_pk)
    if step.kind != StepKind.PUBLIC_PARTICIPATION:
        raise Http404
    consultation = Consultation.objects.filter(step=step).first()
    form = ConsultationSetUpForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        draft_file = data.pop("draft_file", None)
        try:
            if draft_file:
                check_upload(draft_file)  # a Word file by content, without macros, within the size limit
                try:
                    data["draft_text"] = text_of_docx(draft_file)
                except DraftTextError as problem:
                    raise services.ParticipationError(
                        "consultation.draft_file", str(problem), fields=("draft_file",)
                    ) from problem
            services.set_up_consultation(step=step, actor=request.user, **data)
        except ProcedureError as refusal:
            form.add_error(next((f for f in refusal.fields if f in form.fields), None), str(refusal.message))
        else:
            messages.success(request, _("The consultation is set up."))
            return redirect(_workspace(step))
    return render(
        request, "participation/workspace.html", _context(request, step, consultation, set_up_form=form), status=400
    )


@login_required
@require_POST
def consultation_withdraw(request, pk: int):
    consultation = _consultation_for(request, pk)
    return _done(
        request,
        consultation,
        lambda: services.withdraw_consultation(
            consultation=consultation, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The consultation was withdrawn."),
    )


@login_required
@require_POST
def opinion_add(request, pk: int):
    consultation = _consultation_for(request, pk)
    form = OfflineOpinionForm(request.POST, consultation=consultation)
    if form.is_valid():
        try:
            comment = services.enter_offline_opinion(consultation=consultation, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            form.add_error(next((f for f in refusal.fields if f in form.fields), None), str(refusal.message))
        else:
            messages.success(
                request, _("Opinion entered: receipt number %(number)s.") % {"number": comment.receipt_number}
            )
            return redirect(_workspace(consultation))
    return render(
        request,
        "participation/workspace.html",
        _context(request, consultation.step, consultation, offline_form=form),
        status=400,
    )


@login_required
@require_POST
def opinion_answer(request, pk: int):
    comment = _comment_for(request, pk)
    return _done(
        request,
        comment.consultation,
        lambda: services.answer_comment(
            comment=comment,
            actor=request.user,
            answer=request.POST.get("answer", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("Opinion %(number)s answered.") % {"number": comment.receipt_number},
    )


@login_required
@require_POST
def opinion_hide(request, pk: int):
    comment = _comment_for(request, pk)
    return _done(
        request,
        comment.consultation,
        lambda: services.hide_comment(comment=comment, actor=request.user, reason=request.POST.get("reason", "")),
        _("Opinion %(number)s hidden; it stays counted.") % {"number": comment.receipt_number},
    )


@login_required
@require_POST
def opinion_reveal(request, pk: int):
    """The full contact of one opinion, for the unit: shown once on its own page, the reveal in the ledger."""
    comment = _comment_for(request, pk)
    try:
        contact = services.reveal_contact(comment=comment, actor=request.user)
    except ProcedureError as refusal:
        if refusal.code.startswith("permission."):
            raise PermissionDenied(refusal.message) from refusal
        messages.error(request, str(refusal.message))
        return redirect(_workspace(comment.consultation))
    return render(
        request,
        "participation/contact.html",
        {"comment": comment, "contact": contact, "back": _workspace(comment.consultation)},
    )


@login_required
def opinion_attachment(request, pk: int):
    """An opinion's attachment, for the undertaking unit (it may carry personal information)."""
    comment = _comment_for(request, pk)
    decision = comment.consultation.step.decision
    if not (can(request.user, Action.WORK_ON_STEP, decision) or can(request.user, Action.APPROVE_STEP, decision)):
        raise PermissionDenied(_("Only the undertaking unit opens the opinions' attachments."))
    if not comment.attachment:
        raise Http404
    return FileResponse(
        comment.attachment.open("rb"),
        as_attachment=True,
        filename=comment.attachment_name or comment.attachment.name.rsplit("/", 1)[-1],
        content_type=comment.attachment_type or "application/octet-stream",
    )


@login_required
@require_POST
def theme_create(request, pk: int):
    consultation = _consultation_for(request, pk)
    return _done(
        request,
        consultation,
        lambda: services.create_theme(
            consultation=consultation, actor=request.user, title=request.POST.get("title", "")
        ),
        _("Theme created."),
    )


@login_required
@require_POST
def theme_assign(request, pk: int):
    consultation = _consultation_for(request, pk)
    form = ThemeAssignForm(request.POST, consultation=consultation)
    theme_id = request.POST.get("theme", "")

    def act():
        if not form.is_valid():
            raise services.ParticipationError(
                "theme.comments", _("Choose opinions of this consultation."), fields=("comments",)
            )
        theme = None
        if theme_id:
            theme = Theme.objects.filter(consultation=consultation, pk=theme_id if theme_id.isdigit() else 0).first()
            if theme is None:
                raise services.ParticipationError("theme.unknown", _("Choose a theme of this consultation."))
        services.assign_to_theme(
            comments=form.cleaned_data["comments"], theme=theme, actor=request.user, consultation=consultation
        )

    return _done(request, consultation, act, _("Opinions grouped."))


@login_required
@require_POST
def theme_answer(request, pk: int):
    theme = get_object_or_404(Theme.objects.select_related("consultation__step"), pk=pk)
    decision_for(request.user, theme.consultation.step.decision_id)
    return _done(
        request,
        theme.consultation,
        lambda: services.answer_theme(
            theme=theme,
            actor=request.user,
            answer=request.POST.get("answer", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("Theme answered: the answer answers each of its opinions."),
    )


@login_required
@require_POST
def report_generate(request, pk: int):
    consultation = _consultation_for(request, pk)
    return _done(
        request,
        consultation,
        lambda: feedback.generate_feedback_report(consultation=consultation, actor=request.user),
        _("Feedback report generated; the unit's head approves it."),
    )


@login_required
@require_POST
def report_approve(request, pk: int):
    consultation = _consultation_for(request, pk)
    return _done(
        request,
        consultation,
        lambda: feedback.approve_feedback_report(consultation=consultation, actor=request.user),
        _("Feedback report approved and published."),
    )
