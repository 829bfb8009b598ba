"""The collective decision (Decree 713 Art. 30–31)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..bounds import past_date_bounds, refuse_date_out_of_range, refuse_unstorable_text
from ..errors import ProcedureError
from ..models import Decision, Execution, Meeting, MeetingSpeaker, Step
from ..procedure import (
    ADJUSTMENT_ROUND_STEPS,
    AdjustmentPurpose,
    MeetingOutcome,
    MemberView,
    Requirement,
    State,
    StepKind,
    StepStatus,
    adopting,
)
from ..selectors import current_steps
from .base import (
    check_transition,
    close_unfinished_steps,
    end_execution,
    lock_decision,
    move_step,
    move_to,
    new_round,
    open_step,
    optional_text,
    profile_for,
    require_text,
    save_record,
    save_step,
    set_aside_unused_optional_steps,
)
from .deadlines import due_moves_after

# The most members a meeting may have (the form's bound too).
MAX_MEETING_MEMBERS = 500


def clean_member_views(members) -> list[dict]:
    """Each member's view in the order spoken: a name, agree / disagree / abstain, remarks."""
    cleaned = []
    for number, member in enumerate(members or [], start=1):
        refuse_unstorable_text(members=member)
        name, view = str(member.get("name") or "").strip(), member.get("view")
        if not name or view not in MemberView.values:
            raise ProcedureError(
                "meeting.member_line",
                _("Member %(line)s needs a name and a view: agree, disagree or abstain.") % {"line": number},
                fields=("members",),
            )
        cleaned.append({"name": name, "view": view, "remarks": str(member.get("remarks") or "").strip()})
    return cleaned


def _check_head_speaks_last(members: list[dict], head_name: str) -> None:
    """Art. 30: the head is not one of the members whose views form the majority, and speaks after all of them."""
    spoken_by_head = [number for number, member in enumerate(members, start=1) if member["name"] == head_name]
    if not spoken_by_head:
        return
    if spoken_by_head[-1] < len(members):
        raise ProcedureError(
            "rule4.head_speaks_last",
            _(
                "Rule 4 (Decree 713 Art. 30): the head speaks last; in this record %(head)s spoke before another "
                "member (line %(line)s)."
            )
            % {"head": head_name, "line": spoken_by_head[0]},
            fields=("members",),
        )
    raise ProcedureError(
        "rule4.head_not_member",
        _(
            "Rule 4 (Decree 713 Art. 30): the head's view is the decision, not one of the members' views that form the "
            "majority; record %(head)s only as the head."
        )
        % {"head": head_name},
        fields=("members", "head_name"),
    )


def checked_meeting(
    *,
    organ,
    actor: User,
    meeting_name: str,
    meeting_date: date,
    members: list[dict],
    head_name: str,
    head_statement: str,
    outcome: str,
    members_total: int | None = None,
    head_departure_reason: str = "",
    required_changes: str = "",
    check_date=None,
) -> tuple[Meeting, list[dict]]:
    """Rule 4, Art. 30, for any executive meeting (a decision's collective discussion, a catalog's approval): every
    member's view in order, the head speaks last and decides; a decision against the majority carries the head's
    reason; the quorum is more than the organ profile's share (half, by default) of the members present, the head
    included; adopting with changes lists the changes. Returns the meeting (not saved yet) and the members' views;
    `check_date(meeting_date)` adds the caller's own rule about the date."""
    meeting_name = require_text(
        meeting_name, "meeting.name", _("Name the meeting (e.g. the executive meeting)."), fields=("meeting_name",)
    )
    head_name = require_text(
        head_name, "meeting.head", _("Record who presided and decided (the head)."), fields=("head_name",)
    )
    head_statement = require_text(
        head_statement, "meeting.head_statement", _("Record the head's concluding view."), fields=("head_statement",)
    )
    head_departure_reason = optional_text(head_departure_reason, ("head_departure_reason",))
    required_changes = optional_text(required_changes, ("required_changes",))
    if meeting_date is None or meeting_date > timezone.localdate():
        raise ProcedureError(
            "meeting.date", _("The meeting date must be given and cannot be in the future."), fields=("meeting_date",)
        )
    refuse_date_out_of_range(meeting_date, "meeting_date", past_date_bounds)
    if check_date is not None:
        check_date(meeting_date)
    members = clean_member_views(members)
    if not members:
        raise ProcedureError(
            "meeting.members", _("Record every member's view; the list is empty."), fields=("members",)
        )
    _check_head_speaks_last(members, head_name)
    present = len(members) + 1  # the members who spoke and the head
    quorum_percent = profile_for(organ).meeting_quorum_percent
    if members_total and members_total > MAX_MEETING_MEMBERS:
        raise ProcedureError(
            "meeting.members_total",
            _("A meeting has at most %(most)s members.") % {"most": MAX_MEETING_MEMBERS},
            fields=("members_total",),
        )
    if not members_total or members_total < present:
        raise ProcedureError(
            "meeting.members_total",
            _("Give the number of the meeting's members (at least the %(present)s recorded as present).")
            % {"present": present},
            fields=("members_total",),
        )
    if present * 100 <= members_total * quorum_percent:
        raise ProcedureError(
            "rule4.quorum",
            _(
                "Rule 4 (Decree 713 Art. 30): the meeting needs more than %(percent)s%% of its %(total)s members "
                "present; %(present)s were recorded."
            )
            % {"percent": quorum_percent, "total": members_total, "present": present},
        )
    if outcome not in MeetingOutcome.values:
        raise ProcedureError(
            "meeting.outcome",
            _("Choose the outcome: adopted, adopted with changes, rejected or deferred."),
            fields=("outcome",),
        )
    with_changes = outcome == MeetingOutcome.ADOPTED_WITH_CHANGES
    if with_changes and not required_changes:
        raise ProcedureError(
            "meeting.required_changes",
            _("The meeting adopted the draft with changes: list the changes it requires."),
            fields=("required_changes",),
        )
    if required_changes and not with_changes:
        raise ProcedureError(
            "meeting.changes_without_outcome",
            _("Changes are recorded only when the meeting adopts the draft with changes; choose that outcome."),
            fields=("outcome", "required_changes"),
        )
    agree = sum(1 for member in members if member["view"] == "agree")
    disagree = sum(1 for member in members if member["view"] == "disagree")
    majority = "adopted" if agree > disagree else ("rejected" if disagree > agree else "")
    decided = adopting(outcome)
    departs = decided in ("adopted", "rejected") and majority and decided != majority
    if departs and not head_departure_reason:
        raise ProcedureError(
            "meeting.departure_reason",
            _(
                "Rule 4 (Decree 713 Art. 30): the head's decision differs from the majority of members; state the "
                "reason."
            ),
            fields=("head_departure_reason",),
        )
    meeting = Meeting(
        name=meeting_name,
        held_on=meeting_date,
        members_total=members_total,
        head_name=head_name,
        head_statement=head_statement,
        outcome=outcome,
        majority=majority,
        head_departure_reason=head_departure_reason,
        required_changes=required_changes,
        recorded_by=actor,
    )
    return meeting, members


def save_meeting(meeting: Meeting, members: list[dict], actor: User) -> Meeting:
    """Keep a checked meeting (its own history) and each member's view in the order spoken."""
    save_record(meeting, actor)
    MeetingSpeaker.objects.bulk_create(
        MeetingSpeaker(meeting=meeting, order=order, **member) for order, member in enumerate(members, start=1)
    )
    return meeting


@transaction.atomic
def record_collective_decision(
    *,
    decision: Decision,
    actor: User,
    meeting_name: str,
    meeting_date: date,
    members: list[dict],
    head_name: str,
    head_statement: str,
    outcome: str,
    members_total: int | None = None,
    head_departure_reason: str = "",
    required_changes: str = "",
) -> Step:
    """Rule 4, Art. 30 (`checked_meeting`); dissent is kept (it reduces liability under Art. 38). The meeting
    cannot predate the legality review opinion (Rule 1). Adopted with changes, the decision is decided and its text
    is published only once uploaded again after the meeting (guards.decision_text_uploaded)."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "record_collective_decision", actor)
    steps = current_steps(decision)
    legality = steps[StepKind.LEGALITY_REVIEW]
    reviewed_on = timezone.localdate(legality.completed_at) if legality.completed_at else None

    def after_the_review(meeting_date: date) -> None:
        if reviewed_on and meeting_date < reviewed_on:
            # Rule 1: the discussion follows the lawful opinion, never the other way round.
            raise ProcedureError(
                "meeting.date_before_review",
                _("Rule 1: the meeting (%(meeting)s) cannot predate the legality review opinion (%(review)s).")
                % {"meeting": meeting_date.isoformat(), "review": reviewed_on.isoformat()},
                fields=("meeting_date",),
            )

    meeting, members = checked_meeting(
        organ=decision.organ,
        actor=actor,
        meeting_name=meeting_name,
        meeting_date=meeting_date,
        members=members,
        head_name=head_name,
        head_statement=head_statement,
        outcome=outcome,
        members_total=members_total,
        head_departure_reason=head_departure_reason,
        required_changes=required_changes,
        check_date=after_the_review,
    )
    majority = meeting.majority
    step = steps[StepKind.COLLECTIVE_DISCUSSION]
    step.outcome = outcome
    now = timezone.now()
    meeting.step = step
    save_meeting(meeting, members, actor)
    step.submitted_at = step.completed_at = now
    step.submitted_by = step.completed_by = actor
    after = {
        "outcome": outcome,
        "meeting_date": meeting_date,
        "members": members,  # the views as recorded, in the ledger too (Art. 38: dissent reduces liability)
        "head_name": meeting.head_name,
        "majority": majority,
    }
    if meeting.required_changes:
        after["required_changes"] = meeting.required_changes
    moves: list = []  # due dates this transition moves, recorded in its one event
    if outcome == "deferred":
        move_step(step, "return")
        save_step(step, actor)
        new_round(step, status=StepStatus.PENDING, actor=actor, moves=moves)
        new_round(steps[StepKind.LEGALITY_REVIEW], status=StepStatus.PENDING, actor=actor, moves=moves)
        after.update(due_moves_after(moves))
        move_to(decision, State.DRAFTING, actor=actor, transition=transition, after=after)
        return step
    move_step(step, "complete")
    save_step(step, actor)
    set_aside_unused_optional_steps(decision, actor, (StepKind.PARTY_REPORT,))
    if adopting(outcome) == MeetingOutcome.ADOPTED:
        stopping = decision.is_adjustment and decision.adjustment.purpose == AdjustmentPurpose.STOP
        target = State.TERMINATED if stopping else State.DECIDED
        decision.decided_at = now
        if stopping:  # execution ends with the decision; whatever else waits is closed
            execution = steps[StepKind.EXECUTION]
            if execution.status == StepStatus.OPEN:
                end_execution(execution, actor, Execution.EndedBy.TERMINATION)
            after["closed_steps"] = close_unfinished_steps(decision, actor)
        if target == State.DECIDED and steps[StepKind.PUBLICATION].requirement != Requirement.NOT_APPLICABLE:
            open_step(steps[StepKind.PUBLICATION], actor, moves=moves)
    elif decision.is_adjustment:
        # A rejected adjustment ends; the decision in force stays exactly as it was (executed or suspended).
        target = State.REJECTED
        after["closed_steps"] = close_unfinished_steps(decision, actor, kinds=ADJUSTMENT_ROUND_STEPS)
    else:  # a rejected proposal ends here
        target = State.REJECTED
        after["closed_steps"] = close_unfinished_steps(decision, actor)
    after.update(due_moves_after(moves))
    move_to(decision, target, actor=actor, transition=transition, after=after)
    return step
