"""The staff workspace (/manage/). Thin: each view reads through selectors and acts through services."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability.models import LedgerEvent
from accountability.seals import newest_seal_status
from accounts.roles import Role
from workdays.calendar import using_calendar

from . import forms, registry, rules, services, who_acts
from .access import decision_for, document_for, step_for
from .dashboard import role_home
from .errors import ProcedureError
from .filters import DecisionFilter
from .models import ProcedureProfile
from .permissions import Action, can
from .problem_report_views import problem_report_summary
from .procedure import STEP_SPECS, TRANSITIONS, StepKind
from .registry import transition_input
from .selectors import (
    current_steps,
    my_tasks,
    ordered_current_steps,
    step_rows,
    step_workspace,
    visible_decisions,
)

PAGE_SIZE = 20
# Refusals that only say the action is someone else's: the pages say who acts next instead.
OTHERS_ACTION_CODES = ("permission.role", "permission.scope")
# The last page of a list anyone pages to (200,000 decisions): a larger number is 404, never an OFFSET the database
# cannot hold.
MAX_PAGE = 10_000


def shares_calendar(view):
    """The view's page counts working days (due dates, days left) on one calendar: the Holiday table is read once
    per year the page touches, not once per row (`workdays.calendar.using_calendar`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with using_calendar():
            return view(request, *args, **kwargs)

    return wrapped


def page_number(request, parameter: str = "page") -> int:
    """`?page=` (or another parameter): a whole number from 1 to MAX_PAGE (1 when absent), else 404."""
    value = request.GET.get(parameter) or "1"
    if (
        not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_PAGE)))
        or not 1 <= int(value) <= MAX_PAGE
    ):
        raise Http404(_("No such page."))
    return int(value)


@login_required
@shares_calendar
def home(request):
    return render(
        request,
        "decisions/home.html",
        {
            "tasks": my_tasks(request.user),
            "can_create": can(request.user, Action.CREATE_DECISION),
            "role_home": role_home(request.user),  # the dashboard, approvals, work lists of the user's roles
        },
    )


@login_required
def decision_index(request):
    # The same FilterSet as the API's list (decisions/filters.py); the page leaves out the organ (always the user's).
    filters = DecisionFilter(
        request.GET or None,
        queryset=visible_decisions(request.user).select_related("undertaking_unit", "organ", "adjustment"),
        request=request,
        omit=("organ",),
    )
    # Bad filter values are shown on the form (400), never silently dropped.
    valid = not filters.is_bound or filters.is_valid()
    # No COUNT(*) on every page: fetch one row more than a page to know whether there is a next one.
    page = page_number(request)
    rows = list(filters.qs.order_by("-year", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]) if valid else []
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "decisions/decision_list.html",
        {
            "filters": filters.form,
            "decisions": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "query": query.urlencode(),
            "can_create": can(request.user, Action.CREATE_DECISION),
        },
        status=200 if valid else 400,
    )


def _field_of(refusal: ProcedureError, form) -> str | None:
    """The field a refused value belongs to (the service names it), or None: the refusal goes above the form."""
    return next((name for name in refusal.fields if name in form.fields), None)


@login_required
def decision_create(request):
    if not can(request.user, Action.CREATE_DECISION):
        messages.error(request, str(can(request.user, Action.CREATE_DECISION).message))
        return redirect("manage:decisions")
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.create_decision(actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            form.add_error(_field_of(refusal, form), refusal.message)
        else:
            messages.success(request, _("Decision %(number)s proposed.") % {"number": decision.number})
            return redirect("manage:decision", pk=decision.pk)
    return render(request, "decisions/decision_form.html", {"form": form, "decision": None})


@login_required
def decision_edit(request, pk: int):
    decision = decision_for(request.user, pk)
    refusal = services.decision_edit_refusal(decision, request.user)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("manage:decision", pk=decision.pk)
    form = forms.DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_decision(decision=decision, actor=request.user, **changed)
        except ProcedureError as refusal:
            form.add_error(_field_of(refusal, form), refusal.message)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("manage:decision", pk=decision.pk)
    return render(request, "decisions/decision_form.html", {"form": form, "decision": decision})


EVENTS_PAGE_SIZE = 50


def _events_page(request, decision) -> dict:
    """One page of the decision's ledger events, newest first (`?events_page=`): one query, ORDER BY id DESC
    LIMIT 51 on the (decision_id, id) index, the 51st row only telling whether there is an older page."""
    page = page_number(request, "events_page")
    start = (page - 1) * EVENTS_PAGE_SIZE
    rows = list(
        LedgerEvent.objects.filter(decision_id=decision.pk).order_by("-id")[start : start + EVENTS_PAGE_SIZE + 1]
    )
    query = request.GET.copy()
    query.pop("events_page", None)
    return {
        "events": rows[:EVENTS_PAGE_SIZE],
        "events_page": page,
        "events_has_next": len(rows) > EVENTS_PAGE_SIZE,
        "events_query": query.urlencode(),
    }


@login_required
@shares_calendar
def decision_detail(request, pk: int, status=200):
    decision = decision_for(request.user, pk, detailed=True)
    steps = sorted(decision.steps.all(), key=lambda s: (list(StepKind).index(StepKind(s.kind)), s.round))
    current_ids = {step.pk for step in ordered_current_steps(decision)}
    can_view_ledger = bool(can(request.user, Action.VIEW_LEDGER, decision))
    latest = current_steps(decision)
    options, holders = [], who_acts.Holders(decision)
    for transition, refusal in services.transition_options(decision, request.user):
        waiting = None
        if refusal is not None and refusal.code in OTHERS_ACTION_CODES:
            # Someone else's action: say who acts next, unless a rule stops everyone (then say the rule).
            refusal = services.rule_refusal(decision, transition.name, latest)
            if refusal is None:
                waiting = who_acts.who_acts_next(decision, transition, latest, holders)
        options.append((transition, refusal, waiting))
    changes = who_acts.changes_asked(decision, latest)
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "steps": steps,
            "current_ids": current_ids,
            "standing": who_acts.standing(decision, latest, holders),
            "changes_asked": changes if changes and can(request.user, Action.WORK_ON_STEP, decision) else None,
            "changes_record": registry.record_of(changes) if changes else None,
            "options": options,
            "documents": decision.documents.select_related("step", "uploaded_by").order_by("-uploaded_at"),
            **_events_page(request, decision),
            "can_edit": services.decision_edit_refusal(decision, request.user) is None,
            "can_report": services.execution_report_refusal(decision, request.user) is None,
            "can_upload": services.upload_refusal(decision, request.user) is None,
            "can_confirm_confidentiality": services.confidentiality_refusal(decision, request.user) is None,
            "can_view_ledger": can_view_ledger,
            # The stored action codes, beside their labels, only for ledger readers who ask (?codes=1).
            "show_codes": can_view_ledger and request.GET.get("codes") == "1",
            # The newest seal, from the seal file's last line (no chain walk): its age, and whether the chain
            # verified when it was taken.
            "seal_status": newest_seal_status() if can_view_ledger else None,
            "document_form": forms.DocumentForm(),
            "problem_reports": problem_report_summary(decision),
        },
        status=status,
    )


# ---------------------------------------------------------------- transitions
# Each transition's form and service: decisions/transition_inputs.py (one dispatch, shared with the API).


# The step whose record the person deciding should see beside the form (e.g. the request under legality review).
TRANSITION_CONTEXT_STEPS = {
    "give_legality_opinion": StepKind.LEGALITY_REVIEW,
    "confirm_legality_changes": StepKind.LEGALITY_REVIEW,
    "complete_evaluation": StepKind.POST_EVALUATION,
    "start_execution": StepKind.PUBLICATION,
}


@login_required
def decision_transition(request, pk: int, name: str):
    decision = decision_for(request.user, pk, detailed=True)
    view = transition_input(name)
    if view is None:
        raise Http404
    form = view.form(decision, request.POST if request.method == "POST" else None)
    refusal = services.transition_refusal(decision, name, request.user)
    context_kind = TRANSITION_CONTEXT_STEPS.get(name)
    context_step = current_steps(decision)[context_kind] if context_kind else None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                view.perform(decision, request.user, dict(form.cleaned_data))
            except ProcedureError as error:
                # A refused value is shown at its field; a refusal of the rule above the form.
                form.add_error(_field_of(error, form), error.message)
                status = 400
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS[name].label})
                return redirect("manage:decision", pk=decision.pk)
        else:
            status = 400
    return render(
        request,
        "decisions/transition_form.html",
        {
            "decision": decision,
            "transition": TRANSITIONS[name],
            "form": form,
            "refusal": refusal,
            "context_step": context_step,
            "context_rows": step_rows(context_step) if context_step else [],
        },
        status=status,
    )


def _form_errors_to_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


@login_required
@require_POST
def confidentiality(request, pk: int):
    # Permission and state first (a refusal changes nothing and is said as such), then the input.
    decision = decision_for(request.user, pk)
    refusal = services.confidentiality_refusal(decision, request.user)
    form = forms.ConfidentialityForm(request.POST)
    if refusal is None and not form.is_valid():
        _form_errors_to_messages(request, form)
        return decision_detail(request, pk, status=400)
    try:
        if refusal is not None:
            raise refusal
        services.confirm_confidentiality(
            decision=decision,
            actor=request.user,
            confirm=form.cleaned_data["decision"] == "confirm",
            comment=form.cleaned_data["comment"],
        )
    except ProcedureError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded."))
    return redirect("manage:decision", pk=decision.pk)


# ---------------------------------------------------------------- steps


@login_required
@shares_calendar
def step_detail(
    request, pk: int, details_form=None, document_form=None, comment_form=None, reason_form=None, status=200
):
    step = step_for(request.user, pk)
    refusals = services.step_action_refusals(step, request.user)
    # When the step waits on someone else (the drafters, the head), say who, by when.
    waiting = None
    if any(refusal is not None and refusal.code in OTHERS_ACTION_CODES for refusal in refusals.values()):
        waiting = who_acts.who_acts_next(step.decision, step)
        action = Action.WORK_ON_STEP if waiting is not None and waiting.role == Role.DRAFTER else Action.APPROVE_STEP
        if waiting is not None and can(request.user, action, step.decision):
            waiting = None  # theirs to do: the refusal (a rule) says why not now
    kind = StepKind(step.kind)
    details_form = details_form or services.step_record_form(step)
    return render(
        request,
        "decisions/step_detail.html",
        {
            "step": step,
            "decision": step.decision,
            "spec": STEP_SPECS[kind],
            "refusals": refusals,
            "waiting": waiting,
            "others_action_codes": OTHERS_ACTION_CODES,
            "details_form": details_form,
            "document_form": document_form or forms.DocumentForm(initial={"kind": "report"}),
            "comment_form": comment_form or forms.CommentForm(),
            "reason_form": reason_form or forms.ReasonForm(),
            "detail_rows": step_rows(step),
            "documents": step.documents.all(),
            "workspace": step_workspace(step),
        },
        status=status,
    )


# The form each step action's input goes through (NUL characters, shapes); the rules are the services'.
STEP_ACTION_FORMS = {
    "approve": ("comment_form", forms.CommentForm),
    "return": ("comment_form", forms.CommentForm),
    "confirm_not_applicable": ("comment_form", forms.CommentForm),
    "refuse_not_applicable": ("comment_form", forms.CommentForm),
    "propose_not_applicable": ("reason_form", forms.ReasonForm),
    "reopen": ("reason_form", forms.ReasonForm),
}


@login_required
def step_action(request, pk: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    step = step_for(request.user, pk)
    given = {}  # the action's cleaned input
    if action in STEP_ACTION_FORMS:
        context_name, form_class = STEP_ACTION_FORMS[action]
        form = form_class(request.POST)
        if not form.is_valid():
            return step_detail(request, pk, **{context_name: form}, status=400)
        given = form.cleaned_data
    try:
        if action == "details":
            form = services.step_record_form(step, data=request.POST)
            if form is None or not form.is_valid():
                return step_detail(request, pk, details_form=form, status=400)
            services.update_step_details(step=step, actor=request.user, details=form.cleaned_data)
            message = _("Saved.")
        elif action == "submit":
            services.submit_step(step=step, actor=request.user)
            message = _("Submitted to the head of the unit.")
        elif action == "approve":
            services.approve_step(step=step, actor=request.user, comment=given["comment"])
            message = _("Approved.")
        elif action == "return":
            services.return_step(step=step, actor=request.user, comment=given["comment"])
            message = _("Returned to the drafter.")
        elif action == "propose_not_applicable":
            services.propose_not_applicable(step=step, actor=request.user, reason=given["reason"])
            message = _("Recorded as not applicable (a required step waits for the legal office's confirmation).")
        elif action in ("confirm_not_applicable", "refuse_not_applicable"):
            services.confirm_not_applicable(
                step=step,
                actor=request.user,
                confirm=action.startswith("confirm"),
                comment=given["comment"],
            )
            message = _("Recorded.")
        elif action == "reopen":
            step = services.reopen_step(step=step, actor=request.user, reason=given["reason"])
            message = _("A new round of the step is open.")
        elif action == "upload":
            form = forms.DocumentForm(request.POST, request.FILES)
            if not form.is_valid():
                return step_detail(request, pk, document_form=form, status=400)
            services.add_document(
                decision=step.decision,
                actor=request.user,
                step=step,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                is_public=form.cleaned_data["is_public"],
            )
            message = _("Document uploaded.")
        else:
            raise Http404
    except ProcedureError as refusal:
        messages.error(request, refusal.message)
        back = _back_to_list(request)
        return redirect(back) if back else step_detail(request, pk, status=400)
    messages.success(request, message)
    return redirect(_back_to_list(request) or reverse("manage:step", kwargs={"pk": step.pk}))


def _back_to_list(request) -> str | None:
    """Where an act taken from a list (the head's approvals on the home page) returns: `next`, if it is ours."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        return back
    return None


# ---------------------------------------------------------------- documents


@login_required
@require_POST
def document_upload(request, pk: int):
    decision = decision_for(request.user, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                decision=decision,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                is_public=form.cleaned_data["is_public"],
            )
        except ProcedureError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Document uploaded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("manage:decision", kwargs={"pk": decision.pk}) + "#documents")


@login_required
def document_download(request, pk: int):
    document = document_for(request.user, pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


def _profile_of(user):
    """The numbers of the viewing user's decision organ (Decree 713's defaults when it has none)."""
    organ = user.organization.organ if user.organization_id else None
    return services.profile_for(organ) if organ is not None else ProcedureProfile()


@login_required
def rule_index(request):
    profile = _profile_of(request.user)
    return render(
        request,
        "decisions/rule_list.html",
        {"rules": [(rule, rules.profile_values(rule, profile)) for rule in rules.RULES], "profile": profile},
    )


@login_required
def rule_detail(request, number: int):
    rule = rules.rule(number)
    if rule is None:
        raise Http404(_("No such rule."))
    profile = _profile_of(request.user)
    return render(
        request,
        "decisions/rule_detail.html",
        {"rule": rule, "values": rules.profile_values(rule, profile), "profile": profile},
    )
