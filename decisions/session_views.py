"""The executive meetings in the staff workspace (/manage/meetings/): the government office records a meeting, puts
decisions awaiting discussion on its agenda, records each item's discussion; anyone of the organ who sees decisions
reads the meetings, each item's materials and the printable minutes. Thin: the rules are in
`services/sessions.py` (and `record_collective_decision`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import organ_id_of
from accounts.roles import ORGAN_WIDE_ROLES

from . import services
from .errors import ProcedureError
from .forms import AgendaItemRecordForm, MeetingSessionForm
from .models import AgendaItem, Decision, MeetingSession
from .procedure import State
from .selectors import materials_pack


def _organ_id(request) -> int:
    """The organ whose meetings the user reads: those with an organ-wide role (the government office, the legal
    office, the supervisor, the auditor) read their organ's; others find nothing here."""
    organ_id = organ_id_of(request.user)
    if organ_id is None or not request.user.role_names & {str(role) for role in ORGAN_WIDE_ROLES}:
        raise Http404
    return organ_id


def _session(request, pk: int) -> MeetingSession:
    return get_object_or_404(MeetingSession.objects.select_related("organ"), pk=pk, organ_id=_organ_id(request))


@login_required
def meeting_list(request, form=None, status=200):
    organ_id = _organ_id(request)
    organ = request.user.organization.organ
    return render(
        request,
        "decisions/meeting_list.html",
        {
            "sessions": MeetingSession.objects.filter(organ_id=organ_id).prefetch_related("agenda"),
            "may_plan": services.may_plan_meetings(request.user, organ),
            "form": form or MeetingSessionForm(initial={"kind": MeetingSession.Kind.EXECUTIVE}),
        },
        status=status,
    )


@login_required
@require_POST
def meeting_create(request):
    _organ_id(request)
    form = MeetingSessionForm(request.POST)
    if form.is_valid():
        try:
            session = services.plan_meeting(
                organ=request.user.organization.organ, actor=request.user, **form.cleaned_data
            )
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("Meeting recorded; put the decisions on its agenda."))
            return redirect("manage:meeting", pk=session.pk)
    return meeting_list(request, form=form, status=400)


def _detail_context(request, session: MeetingSession, forms: dict | None = None) -> dict:
    forms = forms or {}
    items = list(session.agenda.select_related("decision", "record").prefetch_related("record__speakers"))
    may_plan = services.may_plan_meetings(request.user, session.organ)
    on_agenda = [item.decision_id for item in items]
    return {
        "session": session,
        "items": [
            {
                "item": item,
                "materials": materials_pack(item.decision),
                "form": forms.get(item.pk) or AgendaItemRecordForm(prefix=f"item{item.pk}"),
            }
            for item in items
        ],
        "may_plan": may_plan,
        "candidates": (
            Decision.objects.filter(organ=session.organ, status=State.AWAITING_DISCUSSION)
            .exclude(pk__in=on_agenda)
            .order_by("number")
            if may_plan
            else []
        ),
    }


@login_required
def meeting_detail(request, pk: int):
    return render(request, "decisions/meeting_detail.html", _detail_context(request, _session(request, pk)))


@login_required
@require_POST
def meeting_agenda_add(request, pk: int):
    session = _session(request, pk)
    decision = Decision.objects.filter(organ=session.organ, pk=request.POST.get("decision") or 0).first()
    try:
        if decision is None:
            raise ProcedureError("meeting.agenda_decision", _("Choose a decision awaiting discussion."))
        services.add_agenda_item(session=session, actor=request.user, decision=decision)
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Put on the agenda."))
    return redirect("manage:meeting", pk=session.pk)


@login_required
@require_POST
def meeting_item_record(request, pk: int):
    item = get_object_or_404(AgendaItem.objects.select_related("session"), pk=pk)
    session = _session(request, item.session_id)
    form = AgendaItemRecordForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.record_agenda_item(item=item, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            refusal.add_to_form(form)
        else:
            messages.success(request, _("The discussion of item %(order)s is recorded.") % {"order": item.order})
            return redirect("manage:meeting", pk=session.pk)
    return render(
        request,
        "decisions/meeting_detail.html",
        _detail_context(request, session, {item.pk: form}),
        status=400,
    )


@login_required
def meeting_minutes(request, pk: int):
    session = _session(request, pk)
    items = list(session.agenda.select_related("decision", "record").prefetch_related("record__speakers"))
    return render(request, "decisions/meeting_minutes.html", {"session": session, "items": items})
