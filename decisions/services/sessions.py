"""An organ's executive meeting with an agenda of several decisions (Decree 713 Art. 30): the government office plans
it (date, members, attendance, observers), puts the decisions awaiting discussion on its agenda, and records each
item's discussion — the members' views in order, the head last, the head's decision — through the decision's own
`record_collective_decision`, so every rule of a single discussion holds for each item."""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User
from accounts.permissions import organ_id_of
from accounts.roles import Role

from ..bounds import past_date_bounds, refuse_date_out_of_range
from ..errors import ProcedureError
from ..models import AgendaItem, Decision, MeetingSession
from ..procedure import State
from .base import optional_text, require_text
from .meetings import MAX_MEETING_MEMBERS, record_collective_decision


def may_plan_meetings(user, organ: Organization) -> bool:
    """The organ's government office plans and records its meetings."""
    return user.has_role(Role.GOV_OFFICE) and organ_id_of(user) == organ.pk


def _require_office(actor: User, organ: Organization) -> None:
    if not may_plan_meetings(actor, organ):
        raise ProcedureError(
            "permission.role", _("Only the organ's government office plans and records its executive meetings.")
        )


def _names(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@transaction.atomic
def plan_meeting(
    *,
    organ: Organization,
    actor: User,
    kind: str,
    name: str,
    held_on: date,
    members_total: int,
    head_name: str,
    attendance: str,
    absent: str = "",
    observers: str = "",
) -> MeetingSession:
    """The government office records a meeting: its members (the total the quorum counts on), who attended, who was
    absent and why, who observed (the legal office, public observers)."""
    _require_office(actor, organ)
    if kind not in MeetingSession.Kind.values:
        raise ProcedureError("meeting.kind", _("Choose the kind of meeting."), fields=("kind",))
    name = require_text(name, "meeting.name", _("Name the meeting (e.g. the executive meeting)."), fields=("name",))
    head_name = require_text(
        head_name, "meeting.head", _("Record who presided and decided (the head)."), fields=("head_name",)
    )
    if held_on is None or not isinstance(held_on, date):
        raise ProcedureError("meeting.date", _("Give the meeting's date."), fields=("held_on",))
    refuse_date_out_of_range(held_on, "held_on", past_date_bounds)
    if held_on > timezone.localdate():
        raise ProcedureError(
            "meeting.date", _("The meeting date must be given and cannot be in the future."), fields=("held_on",)
        )
    present = _names(attendance)
    if not present:
        raise ProcedureError("meeting.attendance", _("List the members present, one a line."), fields=("attendance",))
    if not isinstance(members_total, int) or not len(present) <= members_total <= MAX_MEETING_MEMBERS:
        raise ProcedureError(
            "meeting.members_total",
            _("Give the number of the meeting's members (at least the %(present)s recorded as present).")
            % {"present": len(present)},
            fields=("members_total",),
        )
    session = MeetingSession.objects.create(
        organ=organ,
        kind=kind,
        name=name,
        held_on=held_on,
        members_total=members_total,
        head_name=head_name,
        attendance="\n".join(present),
        absent=optional_text(absent, ("absent",)),
        observers=optional_text(observers, ("observers",)),
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="meeting_session.planned",
        obj=session,
        role=Role.GOV_OFFICE,
        after={
            "name": name,
            "kind": kind,
            "held_on": held_on,
            "members_total": members_total,
            "present": len(present),
            "observers": _names(session.observers),
        },
    )
    return session


@transaction.atomic
def add_agenda_item(*, session: MeetingSession, actor: User, decision: Decision) -> AgendaItem:
    """Put a decision awaiting discussion of the meeting's organ on its agenda (at the end)."""
    session = MeetingSession.objects.select_for_update().get(pk=session.pk)
    _require_office(actor, session.organ)
    if decision.organ_id != session.organ_id:
        raise ProcedureError("meeting.agenda_organ", _("Only the organ's own decisions go on its meeting's agenda."))
    if decision.status != State.AWAITING_DISCUSSION:
        raise ProcedureError(
            "meeting.agenda_state",
            _(
                "Decree 713 Art. 30: a decision goes on the agenda once its legality review found it lawful; this "
                "one is “%(state)s”."
            )
            % {"state": State(decision.status).label},
        )
    if session.agenda.filter(decision=decision).exists():
        raise ProcedureError("meeting.agenda_twice", _("This decision is already on the agenda."))
    order = (session.agenda.aggregate(last=Max("order"))["last"] or 0) + 1
    item = AgendaItem.objects.create(session=session, order=order, decision=decision)
    record_event(
        actor=actor,
        action="meeting_session.item_added",
        obj=session,
        decision_id=decision.pk,
        role=Role.GOV_OFFICE,
        after={"order": order, "decision": decision.pk},
    )
    return item


@transaction.atomic
def record_agenda_item(
    *,
    item: AgendaItem,
    actor: User,
    members: list[dict],
    head_statement: str,
    outcome: str,
    head_departure_reason: str = "",
    required_changes: str = "",
):
    """The discussion of one item, with the meeting's name, date, members and head: every rule of
    `record_collective_decision` (each member's view in order, the head last, the quorum, a reason when the head
    departs from the majority) holds; the decision moves as its outcome says. Returns the decision's step."""
    item = AgendaItem.objects.select_for_update().select_related("session", "decision").get(pk=item.pk)
    session = item.session
    _require_office(actor, session.organ)
    if item.record_id:
        raise ProcedureError("meeting.item_recorded", _("This item's discussion is already recorded."))
    speakers = {str(member.get("name") or "").strip() for member in members or [] if isinstance(member, dict)}
    strangers = sorted(speakers - set(session.present_names) - {""})
    if strangers:
        raise ProcedureError(
            "meeting.not_present",
            _("Only members recorded as present speak: %(names)s are not on the attendance list.")
            % {"names": "、".join(strangers)},
            fields=("members",),
        )
    step = record_collective_decision(
        decision=item.decision,
        actor=actor,
        meeting_name=session.name,
        meeting_date=session.held_on,
        members=members,
        head_name=session.head_name,
        head_statement=head_statement,
        outcome=outcome,
        members_total=session.members_total,
        head_departure_reason=head_departure_reason,
        required_changes=required_changes,
    )
    item.record = step.meeting  # the decision's own record of this discussion (kept on the step, even deferred)
    item.save(update_fields=["record"])
    return step
