"""The expert review's pages (/manage/review/experts/, Decree 713 Art. 19–21).

* The pool (专家库): the organ's legal office lists its experts (contacts masked), adds, edits, sets their status and
  imports them from XLSX. Anyone else: 403; an expert of another organ's pool: 404.
* The step's expert workspace: those who see the decision (but not as one of its experts) read the draws, their
  exclusions and the assignments; the undertaking unit draws or chooses the experts and answers the opinions.
* The expert's pages: their assignments, and each assignment's page: the declaration first, then the materials (the
  decision's drafts) and the opinion form. Another expert's assignment: 404.

Thin: every act goes through `review.experts`, which checks the permission again. A refused form is shown again
with its error (400) and nothing stored; a refused one-click act goes back with the message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.privacy import mask_contact
from accounts.roles import Role
from decisions import services as decision_services
from decisions.access import step_for
from decisions.errors import ProcedureError
from decisions.models import Document
from decisions.permissions import Action, can, roles_in_scope
from decisions.procedure import StepKind

from . import experts
from .expert_forms import (
    DeclarationForm,
    DrawForm,
    ExpertForm,
    ExpertImportForm,
    ExpertOpinionForm,
    ExpertStatusForm,
    ManualChoiceForm,
    UsageForm,
)
from .models import Expert, ExpertAssignment, ExpertDraw
from .steps import expert_assignments_refusal

PER_PAGE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_error(form, refusal: ProcedureError, renamed: dict | None = None) -> None:
    names = [(renamed or {}).get(name, name) for name in refusal.fields]
    name = next((n for n in names if n in form.fields), None)
    form.add_error(name, str(refusal.message))


# ---------------------------------------------------------------- the pool


def _pool_organ(request):
    """The organ whose pool the user keeps (its legal office); anyone else is refused."""
    user = request.user
    organ = user.organization.organ if user.organization_id else None
    if organ is None or not experts.may_keep_pool(user, organ):
        raise PermissionDenied(_("The expert pool is kept by the organ's legal office (Decree 713 Art. 19)."))
    return organ


def _pool_expert(request, pk: int) -> Expert:
    organ = _pool_organ(request)
    return get_object_or_404(Expert.objects.select_related("organ", "user"), pk=pk, organ=organ)


@login_required
def expert_pool(request):
    organ = _pool_organ(request)
    status = request.GET.get("status", "")
    queryset = Expert.objects.filter(organ=organ).select_related("user").order_by("name", "id")
    if status in Expert.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    for expert in page.object_list:
        expert.masked_contact = mask_contact(expert.contact)
    return render(
        request,
        "review/expert_pool.html",
        {
            "organ": organ,
            "page": page,
            "status": status,
            "statuses": Expert.Status.choices,
            "status_form": ExpertStatusForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_add(request):
    organ = _pool_organ(request)
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            experts.add_expert(organ=organ, actor=request.user, **form.service_values())
        except ProcedureError as refusal:
            _form_error(form, refusal, {"fields": "fields_"})
        else:
            messages.success(request, _("The expert was added to the pool."))
            return redirect("review:expert_pool")
    status = 400 if request.method == "POST" else 200
    return render(request, "review/expert_form.html", {"organ": organ, "form": form, "expert": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk: int):
    expert = _pool_expert(request, pk)
    form = ExpertForm(request.POST or None, initial=ExpertForm.initial_of(expert))
    if request.method == "POST" and form.is_valid():
        try:
            experts.update_expert(expert=expert, actor=request.user, **form.service_values())
        except ProcedureError as refusal:
            _form_error(form, refusal, {"fields": "fields_"})
        else:
            messages.success(request, _("The expert's entry was saved."))
            return redirect("review:expert_pool")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "review/expert_form.html", {"organ": expert.organ, "form": form, "expert": expert}, status=status
    )


@login_required
@require_POST
def expert_status(request, pk: int):
    expert = _pool_expert(request, pk)
    form = ExpertStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the expert's status."))
    else:
        try:
            experts.set_expert_status(expert=expert, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("The expert's status was changed."))
    return redirect("review:expert_pool")


@login_required
@require_http_methods(["GET", "POST"])
def expert_import(request):
    organ = _pool_organ(request)
    context = {"organ": organ, "columns": experts.IMPORT_COLUMNS, "required": experts.IMPORT_REQUIRED}
    if request.method != "POST":
        return render(request, "review/expert_import.html", context | {"form": ExpertImportForm()})
    form = ExpertImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "review/expert_import.html", context | {"form": form}, status=400)
    try:
        report = experts.import_experts(organ=organ, actor=request.user, uploaded_file=form.cleaned_data["file"])
    except ProcedureError as refusal:
        form.add_error("file", str(refusal.message))
        return render(request, "review/expert_import.html", context | {"form": form}, status=400)
    status = 200 if report.stored else 400
    form = ExpertImportForm() if report.stored else form
    return render(request, "review/expert_import.html", context | {"form": form, "report": report}, status=status)


@login_required
@require_GET
def expert_import_template(request):
    """The import's template (.xlsx): the header row the import reads and one example row."""
    _pool_organ(request)
    response = HttpResponse(experts.import_template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="experts.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the step's workspace


def _expert_step(request, step_pk: int):
    """The expert-review step, for those who see its decision other than as one of its experts (404 otherwise)."""
    step = step_for(request.user, step_pk)
    if step.kind != StepKind.EXPERT_REVIEW:
        raise Http404
    if not (roles_in_scope(request.user, step.decision) - {Role.EXPERT}):
        raise Http404  # an expert reaches their own assignment's page, not the round's workspace
    return step


def _workspace_url(step_pk: int) -> str:
    return reverse("review:expert_workspace", args=[step_pk])


def _workspace_context(request, step, **forms) -> dict:
    decision = step.decision
    user = request.user
    draws = list(ExpertDraw.objects.filter(step=step).select_related("drawn_by").order_by("id"))
    names = dict(Expert.objects.filter(organ_id=decision.organ_id).values_list("id", "name"))
    for draw in draws:
        draw.excluded_rows = [
            {"name": names.get(row["expert"], row["expert"]), "reason": experts.exclusion_label(row["reason"])}
            for row in draw.excluded
        ]
        draw.chosen_names = [names.get(pk, pk) for pk in draw.chosen]
        draw.reproduced = experts.rerun_draw(draw) == list(draw.chosen)
    assignments = list(
        ExpertAssignment.objects.filter(step=step)
        .select_related("expert", "opinion_document", "usage_by")
        .order_by("id")
    )
    edit_refusal = decision_services.step_action_refusals(step, user)["edit"]
    may_answer = bool(can(user, Action.WORK_ON_STEP, decision) or can(user, Action.APPROVE_STEP, decision))
    return {
        "step": step,
        "decision": decision,
        "draws": draws,
        "assignments": assignments,
        "edit_refusal": edit_refusal,
        "may_work": bool(can(user, Action.WORK_ON_STEP, decision)),
        "may_answer": may_answer,
        "submission_refusal": expert_assignments_refusal(assignments) if assignments else None,
        "draw_form": forms.get("draw_form") or DrawForm(),
        "choice_form": forms.get("choice_form") or ManualChoiceForm(organ=decision.organ),
        "usage_form": UsageForm(),
    }


@login_required
def expert_workspace(request, step_pk: int):
    step = _expert_step(request, step_pk)
    return render(request, "review/expert_workspace.html", _workspace_context(request, step))


@login_required
@require_POST
def expert_draw(request, step_pk: int):
    step = _expert_step(request, step_pk)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            draw = experts.draw_experts(step=step, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            _form_error(form, refusal)
        else:
            messages.success(request, _("%(count)s experts were drawn.") % {"count": len(draw.chosen)})
            return redirect(_workspace_url(step.pk))
    context = _workspace_context(request, step, draw_form=form)
    return render(request, "review/expert_workspace.html", context, status=400)


@login_required
@require_POST
def expert_choose(request, step_pk: int):
    step = _expert_step(request, step_pk)
    form = ManualChoiceForm(request.POST, organ=step.decision.organ)
    if form.is_valid():
        try:
            experts.choose_experts_manually(
                step=step,
                actor=request.user,
                expert_ids=[expert.pk for expert in form.cleaned_data["experts"]],
                reason=form.cleaned_data["reason"],
            )
        except ProcedureError as refusal:
            _form_error(form, refusal)
        else:
            messages.success(request, _("The experts chosen were assigned."))
            return redirect(_workspace_url(step.pk))
    context = _workspace_context(request, step, choice_form=form)
    return render(request, "review/expert_workspace.html", context, status=400)


@login_required
@require_POST
def expert_answer(request, pk: int):
    assignment = get_object_or_404(ExpertAssignment.objects.select_related("step"), pk=pk)
    step = _expert_step(request, assignment.step_id)
    form = UsageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how the opinion was used."))
    else:
        try:
            experts.answer_opinion(assignment=assignment, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("The answer was recorded."))
    return redirect(_workspace_url(step.pk))


# ---------------------------------------------------------------- the expert's own pages


def _require_expert(request) -> None:
    if not request.user.has_role(Role.EXPERT):
        raise PermissionDenied(_("These pages are for the experts of an expert review."))


def own_assignments(user):
    return (
        ExpertAssignment.objects.filter(expert__user_id=user.pk)
        .select_related("expert", "step__decision__organ", "step__decision__undertaking_unit")
        .order_by("-assigned_at", "-id")
    )


def _own_assignment(request, pk: int) -> ExpertAssignment:
    _require_expert(request)
    return get_object_or_404(own_assignments(request.user), pk=pk)


def materials(assignment: ExpertAssignment) -> list[Document]:
    """The decision's drafts (the latest version of each), once the expert declared no direct interest."""
    if assignment.declaration != ExpertAssignment.Declaration.NO_CONFLICT:
        return []
    latest: dict[str, Document] = {}
    for document in Document.objects.filter(decision_id=assignment.step.decision_id, kind=Document.Kind.DRAFT).order_by(
        "title", "-version"
    ):
        latest.setdefault(document.title, document)
    return list(latest.values())


@login_required
def expert_assignments(request):
    _require_expert(request)
    page = Paginator(own_assignments(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "review/expert_assignments.html", {"page": page})


def _assignment_page(request, assignment, *, declaration_form=None, opinion_form=None, status=200):
    step = assignment.step
    return render(
        request,
        "review/expert_assignment.html",
        {
            "assignment": assignment,
            "step": step,
            "decision": step.decision,
            "materials": materials(assignment),
            "round_open": step.status in experts.WORKABLE,
            "declaration_form": declaration_form or DeclarationForm(),
            "opinion_form": opinion_form or ExpertOpinionForm(),
        },
        status=status,
    )


@login_required
def expert_assignment(request, pk: int):
    return _assignment_page(request, _own_assignment(request, pk))


@login_required
@require_POST
def expert_declare(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            experts.declare(
                assignment=assignment,
                actor=request.user,
                no_conflict=form.cleaned_data["declaration"] == ExpertAssignment.Declaration.NO_CONFLICT,
                interest_statement=form.cleaned_data["interest_statement"],
            )
        except ProcedureError as refusal:
            _form_error(form, refusal)
        else:
            messages.success(request, _("Your declaration was recorded."))
            return redirect("review:expert_assignment", pk=assignment.pk)
    return _assignment_page(request, assignment, declaration_form=form, status=400)


@login_required
@require_POST
def expert_opinion(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = ExpertOpinionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            experts.submit_opinion(assignment=assignment, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            _form_error(form, refusal)
        else:
            messages.success(request, _("Your opinion was signed and submitted."))
            return redirect("review:expert_assignment", pk=assignment.pk)
    return _assignment_page(request, assignment, opinion_form=form, status=400)
