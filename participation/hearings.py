"""Every change of a hearing (听证, Decree 713 Art. 16–17): one transaction, the permission checked here, the change,
a ledger event of the act.

The undertaking unit announces the hearing on the portal (matter, time, place, how to apply, how the participants
are selected); anyone applies while applications are taken; after they close the unit selects the participants so
that each interest that applied is represented (the method and the result published), sends them the materials the
organ's minimum days before (7), takes the record of who said what in speaking order, and each participant who spoke
confirms it (on paper, recorded by staff, or on the portal with their receipt number and contact). Once every one of
them has, the record is signed: the hearing is held and its record (a .docx) joins the step's documents, where the
legality review and the meeting materials read it. A hearing may be cancelled with a public reason.

`now` (every act takes one, default the clock) is for the tests and the demo walkthrough, which replays a hearing
held weeks ago; the pages and the API never pass it.

Refusals raise `ParticipationError` and change nothing. Names and contacts are personal information: never in the
ledger (the receipt number stands for the applicant).
"""

import hmac
import io
import unicodedata
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User
from accounts.privacy import is_contact, normalise_contact
from accounts.ratelimit import over_limit
from decisions import services as decision_services
from decisions.bounds import recent_date_bounds
from decisions.models import Document, Step
from decisions.permissions import Action, acting_role, can
from decisions.procedure import StepKind, StepStatus
from decisions.services.base import (
    awaits_taking_up,
    ensure_not_ended,
    lock_step,
    open_step,
    optional_text,
    require_text,
    save_record,
)

from .models import Hearing, HearingApplication, HearingStatement
from .services import ParticipationError, _unit_role, save_with_receipt

RECEIPT_PREFIX = "TZ"
NAME_MAX = 50
CONTACT_MAX = 100
ORGANIZATION_MAX = 200
INTEREST_MAX = 100
STATEMENT_MAX = 5000
MATTER_MAX = 300
PLACE_MAX = 300
SPEAKER_MAX = 100
SAID_MAX = 20000
RESULT_MAX = 5000
SEATS_MAX = 500
# Re-announced (changed) while applications are taken; once participants are selected it is cancelled instead.
CHANGEABLE = (Hearing.Status.DRAFT, Hearing.Status.ANNOUNCED)
CANCELLABLE = (Hearing.Status.ANNOUNCED, Hearing.Status.SELECTED)
VIA = ("paper", "portal")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------- helpers


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _today(now: datetime | None) -> date:
    return timezone.localdate(_now(now))


def _too_long(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise ParticipationError(
            "hearing.too_long", _("At most %(limit)s characters.") % {"limit": limit}, fields=(field,)
        )


def _status_label(hearing: Hearing) -> str:
    return str(Hearing.Status(hearing.status).label)


def _lock(hearing: Hearing) -> Hearing:
    return Hearing.objects.select_for_update().select_related("step__decision__organ").get(pk=hearing.pk)


def _ensure_workable(hearing: Hearing) -> None:
    """The unit works on the hearing while it works on the step: not once it was submitted, nor the decision ended."""
    step = hearing.step
    ensure_not_ended(step.decision)
    if step.status not in (StepStatus.OPEN, StepStatus.RETURNED):
        raise ParticipationError(
            "hearing.step_not_open",
            _("The step is “%(status)s”: the hearing is worked on while it is open or returned.")
            % {"status": StepStatus(step.status).label},
            status=409,
        )


def _ensure_status(hearing: Hearing, statuses, message: str) -> None:
    if hearing.status not in statuses:
        raise ParticipationError("hearing.wrong_status", message % {"status": _status_label(hearing)}, status=409)


def _event(actor, obj, hearing: Hearing, *, action: str, role="", **kwargs):
    return record_event(
        actor=actor, action=action, obj=obj, decision_id=hearing.step.decision_id, role=role or None, **kwargs
    )


def _role(actor: User, action: Action, hearing: Hearing) -> str:
    return acting_role(actor, action, hearing.step.decision)


def materials_due_on(hearing: Hearing, notice_days: int | None = None) -> date | None:
    """The last day the materials may reach the participants: the organ's minimum days (7) before the hearing."""
    if hearing.hearing_date is None:
        return None
    if notice_days is None:
        notice_days = decision_services.profile_for(hearing.step.decision.organ).min_hearing_notice_days
    return hearing.hearing_date - timedelta(days=notice_days)


def _interest_key(interest: str) -> str:
    return unicodedata.normalize("NFKC", interest or "").strip().casefold()


# ---------------------------------------------------------------- announcing


@transaction.atomic
def announce_hearing(
    *,
    step: Step,
    actor: User,
    matter: str,
    starts_at: datetime,
    place: str,
    how_to_apply: str,
    applications_close_on: date,
    selection_method: str,
    seats: int,
    now: datetime | None = None,
) -> Hearing:
    """The unit's drafter announces the hearing (Art. 16): what it is about, when and where, how to apply and how
    the participants are selected (published in advance). Applications close before the materials are due (the
    organ's minimum days before the hearing). Announced again (changed) while applications are taken."""
    decision, step = lock_step(step)
    if step.kind != StepKind.HEARING:
        raise ParticipationError("hearing.wrong_step", _("Only the hearing step has a hearing."))
    refusal = decision_services.step_action_refusals(step, actor)["edit"]
    if refusal is not None:
        raise ParticipationError(
            refusal.code, refusal.message, status=403 if refusal.code.startswith("permission.") else 409
        )
    hearing = Hearing.objects.select_for_update().filter(step=step).first()
    if hearing is not None and hearing.status not in CHANGEABLE:
        if hearing.status == Hearing.Status.CANCELLED:
            message = _("This hearing was cancelled; redo the step to hold a new one.")
        else:
            message = _("The hearing is “%(status)s”: it can no longer be changed (cancel it instead).") % {
                "status": _status_label(hearing)
            }
        raise ParticipationError("hearing.not_changeable", message, status=409)

    matter = require_text(matter, "hearing.matter", _("Say what the hearing is about."), ("matter",))
    _too_long(matter, MATTER_MAX, "matter")
    place = require_text(place, "hearing.place", _("Give the place of the hearing."), ("place",))
    _too_long(place, PLACE_MAX, "place")
    how_to_apply = require_text(
        how_to_apply, "hearing.how_to_apply", _("Say how to apply to take part."), ("how_to_apply",)
    )
    selection_method = require_text(
        selection_method,
        "hearing.selection_method",
        _("Say how the participants are selected (Art. 16: published in advance)."),
        ("selection_method",),
    )
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= SEATS_MAX:
        raise ParticipationError(
            "hearing.seats", _("Give the number of participants, 1 to %(max)s.") % {"max": SEATS_MAX}, fields=("seats",)
        )
    moment, today = _now(now), _today(now)
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise ParticipationError("hearing.starts_at", _("Give the day and time of the hearing."), fields=("starts_at",))
    if starts_at <= moment:
        raise ParticipationError(
            "hearing.starts_past", _("The hearing is announced before it is held."), fields=("starts_at",)
        )
    hearing_day = timezone.localdate(starts_at)
    if hearing_day > recent_date_bounds()[1]:
        raise ParticipationError(
            "hearing.starts_far", _("The hearing is held within a year from today."), fields=("starts_at",)
        )
    if not isinstance(applications_close_on, date) or isinstance(applications_close_on, datetime):
        raise ParticipationError(
            "hearing.applications_close_on",
            _("Give the last day applications are taken."),
            fields=("applications_close_on",),
        )
    notice_days = decision_services.profile_for(decision.organ).min_hearing_notice_days
    materials_by = hearing_day - timedelta(days=notice_days)
    if applications_close_on < today:
        raise ParticipationError(
            "hearing.applications_past",
            _("Applications close today or later, not on %(date)s.") % {"date": applications_close_on.isoformat()},
            fields=("applications_close_on",),
        )
    if applications_close_on >= materials_by:
        raise ParticipationError(
            "hearing.applications_late",
            _(
                "Decree 713 Art. 16: the participants receive the materials at least %(days)s days before the hearing "
                "(by %(date)s), so applications close before that day."
            )
            % {"days": notice_days, "date": materials_by.isoformat()},
            fields=("applications_close_on",),
        )

    if awaits_taking_up(decision, step):  # an optional step opens when the drafter takes it up
        open_step(step, actor, due=False)  # due by the hearing's materials, set below
        hearing = Hearing.objects.select_for_update().filter(step=step).first()
    before = (
        {
            "status": hearing.status,
            "starts_at": hearing.starts_at,
            "place": hearing.place,
            "applications_close_on": hearing.applications_close_on,
            "seats": hearing.seats,
        }
        if hearing is not None and hearing.pk
        else {}
    )
    changed = bool(hearing is not None and hearing.status == Hearing.Status.ANNOUNCED)
    hearing = hearing or Hearing(step=step)
    hearing.matter, hearing.starts_at, hearing.place = matter, starts_at, place
    hearing.how_to_apply, hearing.applications_close_on = how_to_apply, applications_close_on
    hearing.selection_method, hearing.seats = selection_method, seats
    hearing.hearing_date = hearing_day
    hearing.selection_method_published = True
    hearing.status = Hearing.Status.ANNOUNCED
    hearing.announced_at = hearing.announced_at or moment
    save_record(hearing, actor)
    _event(
        actor,
        hearing,
        hearing,
        action="hearing.changed" if changed else "hearing.announced",
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        before=before,
        after={
            "status": hearing.status,
            "matter": matter,
            "starts_at": starts_at,
            "place": place,
            "applications_close_on": applications_close_on,
            "seats": seats,
            "materials_due_on": materials_by,
        },
    )
    decision_services.set_due_date(
        step,
        actor,
        _("the hearing was announced for %(date)s") % {"date": hearing_day.isoformat()},
        record=hearing,
    )
    return hearing


@transaction.atomic
def cancel_hearing(*, hearing: Hearing, actor: User, reason: str, now: datetime | None = None) -> Hearing:
    """The unit cancels an announced hearing (before it is held), with a public reason; the applications stay."""
    hearing = _lock(hearing)
    action = _unit_role(actor, hearing.step.decision)
    _ensure_workable(hearing)
    reason = require_text(
        reason, "hearing.cancellation_reason", _("Cancelling a hearing needs a public reason."), ("reason",)
    )
    _ensure_status(hearing, CANCELLABLE, _("The hearing is “%(status)s”: only an announced one can be cancelled."))
    before = {"status": hearing.status}
    hearing.status, hearing.cancellation_reason = Hearing.Status.CANCELLED, reason
    save_record(hearing, actor)
    _event(
        actor,
        hearing,
        hearing,
        action="hearing.cancelled",
        role=_role(actor, action, hearing),
        before=before,
        after={"status": hearing.status},
        reason=reason,
    )
    return hearing


# ---------------------------------------------------------------- applications


def check_application_rate(*, client_address: str, contact: str) -> None:
    """At most HEARING_RATE_PER_ADDRESS applications a window (HEARING_RATE_WINDOW_SECONDS, an hour) from one client
    address and HEARING_RATE_PER_CONTACT with one contact; not counted when the cache does not answer."""
    window = int(getattr(settings, "HEARING_RATE_WINDOW_SECONDS", 3600))
    limits = (
        ("address", client_address or "unknown", int(getattr(settings, "HEARING_RATE_PER_ADDRESS", 10))),
        ("contact", normalise_contact(contact), int(getattr(settings, "HEARING_RATE_PER_CONTACT", 3))),
    )
    if over_limit("hearing_application", limits, window):
        raise ParticipationError(
            "hearing.rate_limited", _("Too many applications; try again in an hour."), status=429, wait=window
        )


def not_taking_applications(hearing: Hearing, now: datetime | None = None) -> ParticipationError | None:
    """Why the public may not apply now (None: they may): announced, until the end of the closing day."""
    today = _today(now)
    if hearing.status == Hearing.Status.ANNOUNCED and hearing.applications_close_on >= today:
        return None
    if hearing.status == Hearing.Status.CANCELLED:
        message = _("This hearing was cancelled: %(reason)s") % {"reason": hearing.cancellation_reason}
    elif hearing.applications_close_on is not None:
        message = _("Applications closed on %(date)s.") % {"date": hearing.applications_close_on.isoformat()}
    else:
        message = _("This hearing is not taking applications.")
    return ParticipationError("hearing.not_taking_applications", message, status=409)


@transaction.atomic
def apply_to_hearing(
    *,
    hearing: Hearing,
    name: str,
    contact: str,
    interest: str,
    organization: str = "",
    statement: str = "",
    client_address: str = "",
    now: datetime | None = None,
) -> HearingApplication:
    """Anyone applies to take part while applications are taken (no login: the portal's form and the API call
    this), saying which interest they speak for. Rate-limited per client address and per contact. The receipt
    number (with the contact) reads the outcome."""
    current = Hearing.objects.select_related("step__decision").get(pk=hearing.pk)
    refusal = not_taking_applications(current, now)
    if refusal is not None:
        raise refusal
    name = require_text(name, "hearing.name", _("Give your name (it is not published)."), ("name",))
    _too_long(name, NAME_MAX, "name")
    contact = optional_text(contact, ("contact",))
    if not contact or len(contact) > CONTACT_MAX or not is_contact(contact):
        raise ParticipationError(
            "hearing.contact",
            _("Give a telephone number or an e-mail address (it is not published)."),
            fields=("contact",),
        )
    interest = require_text(
        interest, "hearing.interest", _("Say which interest you represent (e.g. residents, operators)."), ("interest",)
    )
    _too_long(interest, INTEREST_MAX, "interest")
    organization = optional_text(organization, ("organization",))
    _too_long(organization, ORGANIZATION_MAX, "organization")
    statement = optional_text(statement, ("statement",))
    _too_long(statement, STATEMENT_MAX, "statement")
    check_application_rate(client_address=client_address, contact=contact)
    application = HearingApplication(
        hearing=current,
        name=name,
        contact=contact,
        organization=organization,
        interest=interest,
        statement=statement,
        submitted_at=_now(now),
    )
    # A receipt like the opinions' (unguessable, no look-alike characters), with the hearing's prefix: TZ-2026-…
    save_with_receipt(
        application,
        year=_today(now).year,
        prefix=RECEIPT_PREFIX,
        refusal=ParticipationError("hearing.receipt", _("Could not number the application; try again."), status=503),
    )
    _event(
        None,
        application,
        current,
        action="hearing.application_received",
        after={"receipt_number": application.receipt_number, "hearing": current.pk},
        client_address=client_address or None,
    )
    return application


def application_by_receipt(receipt_number: str, contact: str) -> HearingApplication | None:
    """The application with this receipt number, when the contact given is the one it was sent with (compared
    normalised, in constant time); None otherwise — a wrong contact and an unknown number look the same."""
    number = unicodedata.normalize("NFKC", receipt_number or "").strip().upper()
    given = normalise_contact(contact).encode("utf-8")
    application = (
        HearingApplication.objects.select_related("hearing__step__decision").filter(receipt_number=number).first()
        if number
        else None
    )
    stored = normalise_contact(application.contact if application else "").encode("utf-8")
    matches = hmac.compare_digest(stored or b"\0", given or b"\1")
    return application if application is not None and matches else None


# ---------------------------------------------------------------- selection


@transaction.atomic
def select_participants(
    *,
    hearing: Hearing,
    actor: User,
    selected_ids,
    result: str,
    reason: str = "",
    now: datetime | None = None,
) -> Hearing:
    """After applications close, the unit selects the participants by the method announced, so that the interests
    concerned are represented (Art. 16): each application's outcome is recorded and the result published. An
    interest that applied with nobody selected for it needs a (published) reason."""
    hearing = _lock(hearing)
    action = _unit_role(actor, hearing.step.decision)
    _ensure_workable(hearing)
    _ensure_status(
        hearing,
        (Hearing.Status.ANNOUNCED, Hearing.Status.SELECTED),
        _("The hearing is “%(status)s”: participants are selected for an announced hearing."),
    )
    if hearing.materials_sent_on is not None:
        raise ParticipationError(
            "hearing.materials_already_sent",
            _("The materials were sent to the participants selected; the selection can no longer change."),
            status=409,
        )
    if _today(now) <= hearing.applications_close_on:
        raise ParticipationError(
            "hearing.applications_open",
            _("Applications are taken until %(date)s; the participants are selected after they close.")
            % {"date": hearing.applications_close_on.isoformat()},
            status=409,
        )
    applications = list(hearing.applications.select_for_update().order_by("submitted_at", "id"))
    try:
        wanted = {int(value.pk if isinstance(value, HearingApplication) else value) for value in selected_ids or ()}
    except (TypeError, ValueError):
        wanted = {-1}
    known = {application.pk for application in applications}
    if wanted - known:
        raise ParticipationError(
            "hearing.selection_unknown", _("Choose applications made to this hearing."), fields=("selected",)
        )
    if not wanted:
        raise ParticipationError(
            "hearing.nobody_selected", _("Select at least one participant among the applicants."), fields=("selected",)
        )
    if hearing.seats and len(wanted) > hearing.seats:
        raise ParticipationError(
            "hearing.too_many",
            _("The hearing has %(seats)s places; %(count)s participants were selected.")
            % {"seats": hearing.seats, "count": len(wanted)},
            fields=("selected",),
        )
    result = require_text(
        result, "hearing.selection_result", _("Give the result of the selection, as it is published."), ("result",)
    )
    _too_long(result, RESULT_MAX, "result")
    reason = optional_text(reason, ("reason",))
    interests = {}
    for application in applications:
        interests.setdefault(_interest_key(application.interest), application.interest)
    represented = {_interest_key(a.interest) for a in applications if a.pk in wanted}
    unrepresented = [label for key, label in interests.items() if key not in represented]
    if unrepresented and not reason:
        raise ParticipationError(
            "hearing.interest_unrepresented",
            _(
                "Decree 713 Art. 16: the participants represent the interests concerned; nobody is selected for: "
                "%(interests)s. Select someone for each, or give the published reason why not."
            )
            % {"interests": "、".join(unrepresented)},
            fields=("selected", "reason"),
        )
    for application in applications:
        application.outcome = (
            HearingApplication.Outcome.SELECTED if application.pk in wanted else HearingApplication.Outcome.NOT_SELECTED
        )
        application.save(update_fields=["outcome"])
    before = {"status": hearing.status, "selection_result": hearing.selection_result}
    hearing.selection_result = f"{result}\n\n{reason}" if reason else result
    hearing.participants_published = True
    hearing.status, hearing.selected_at = Hearing.Status.SELECTED, _now(now)
    save_record(hearing, actor)
    _event(
        actor,
        hearing,
        hearing,
        action="hearing.participants_selected",
        role=_role(actor, action, hearing),
        before=before,
        after={
            "status": hearing.status,
            "selected": [a.receipt_number for a in applications if a.pk in wanted],
            "not_selected": [a.receipt_number for a in applications if a.pk not in wanted],
            "unrepresented_interests": unrepresented,
        },
        reason=reason,
    )
    return hearing


# ---------------------------------------------------------------- materials


@transaction.atomic
def record_materials_sent(*, hearing: Hearing, actor: User, sent_on: date, now: datetime | None = None) -> Hearing:
    """The unit records the day the materials reached the selected participants: at least the organ's minimum days
    (7) before the hearing (Art. 16); later is refused."""
    hearing = _lock(hearing)
    action = _unit_role(actor, hearing.step.decision)
    _ensure_workable(hearing)
    _ensure_status(
        hearing,
        (Hearing.Status.SELECTED,),
        _("The hearing is “%(status)s”: the materials are sent to the participants once they are selected."),
    )
    if not isinstance(sent_on, date) or isinstance(sent_on, datetime):
        raise ParticipationError("hearing.sent_on", _("Give the day the materials were sent."), fields=("sent_on",))
    today = _today(now)
    if sent_on > today:
        raise ParticipationError(
            "hearing.sent_future",
            _("Record the materials once sent: %(date)s is still to come.") % {"date": sent_on.isoformat()},
            fields=("sent_on",),
        )
    selected_on = timezone.localdate(hearing.selected_at) if hearing.selected_at else None
    if selected_on and sent_on < selected_on:
        raise ParticipationError(
            "hearing.sent_before_selection",
            _("The participants were selected on %(date)s; the materials were sent to them after that.")
            % {"date": selected_on.isoformat()},
            fields=("sent_on",),
        )
    notice_days = decision_services.profile_for(hearing.step.decision.organ).min_hearing_notice_days
    latest = materials_due_on(hearing, notice_days)
    if sent_on > latest:
        raise ParticipationError(
            "hearing.materials_late",
            _(
                "Decree 713 Art. 16: hearing materials reach participants at least %(days)s days before the "
                "hearing (by %(date)s)."
            )
            % {"days": notice_days, "date": latest.isoformat()},
            fields=("sent_on",),
        )
    before = {"materials_sent_on": hearing.materials_sent_on}
    hearing.materials_sent_on = sent_on
    save_record(hearing, actor)
    _event(
        actor,
        hearing,
        hearing,
        action="hearing.materials_sent",
        role=_role(actor, action, hearing),
        before=before,
        after={"materials_sent_on": sent_on, "materials_due_on": latest},
    )
    decision_services.set_due_date(
        hearing.step,
        actor,
        _("the hearing materials were sent on %(date)s") % {"date": sent_on.isoformat()},
        record=hearing,
    )
    return hearing


# ---------------------------------------------------------------- the record


@transaction.atomic
def record_statement(
    *,
    hearing: Hearing,
    actor: User,
    participant: HearingApplication | None,
    speaker: str,
    text: str,
    now: datetime | None = None,
) -> HearingStatement:
    """The unit takes down one contribution at the hearing, in speaking order: a selected participant's (the speaker
    defaults to their name) or an official's (named with their role). Once a participant has confirmed the record,
    it no longer changes."""
    hearing = _lock(hearing)
    action = _unit_role(actor, hearing.step.decision)
    _ensure_workable(hearing)
    _ensure_status(
        hearing,
        (Hearing.Status.SELECTED,),
        _("The hearing is “%(status)s”: its record is taken once the participants are selected."),
    )
    if hearing.materials_sent_on is None:
        raise ParticipationError(
            "hearing.materials_not_sent",
            _("Record that the materials were sent to the participants before the hearing is held."),
            status=409,
        )
    if _now(now) < hearing.starts_at:
        raise ParticipationError(
            "hearing.not_started",
            _("The hearing starts at %(time)s; its record is taken from then.")
            % {"time": timezone.localtime(hearing.starts_at).strftime("%Y-%m-%d %H:%M")},
            status=409,
        )
    if hearing.applications.filter(record_confirmed_at__isnull=False).exists():
        raise ParticipationError(
            "hearing.record_confirming",
            _("Participants have begun confirming the record; it no longer changes."),
            status=409,
        )
    if participant is not None:
        participant = HearingApplication.objects.filter(pk=participant.pk, hearing=hearing).first()
        if participant is None or participant.outcome != HearingApplication.Outcome.SELECTED:
            raise ParticipationError(
                "hearing.not_a_participant",
                _("Choose one of the participants selected for this hearing."),
                fields=("participant",),
            )
    speaker = optional_text(speaker, ("speaker",)) or (participant.name if participant else "")
    if not speaker:
        raise ParticipationError(
            "hearing.speaker", _("Name who spoke (an official with their role)."), fields=("speaker",)
        )
    _too_long(speaker, SPEAKER_MAX, "speaker")
    text = require_text(text, "hearing.said", _("Write down what was said."), ("text",))
    _too_long(text, SAID_MAX, "text")
    order = (hearing.statements.aggregate(last=Max("order"))["last"] or 0) + 1
    statement = HearingStatement.objects.create(
        hearing=hearing,
        order=order,
        participant=participant,
        speaker=speaker,
        text=text,
        recorded_by=actor,
        recorded_at=_now(now),
    )
    _event(
        actor,
        statement,
        hearing,
        action="hearing.statement_recorded",
        role=_role(actor, action, hearing),
        after={"order": order, "participant": participant.receipt_number if participant else None},
    )
    return statement


def speakers_to_confirm(hearing: Hearing):
    """The selected participants who spoke and have not confirmed the record yet."""
    return (
        hearing.applications.filter(outcome=HearingApplication.Outcome.SELECTED, statements__isnull=False)
        .filter(record_confirmed_at__isnull=True)
        .distinct()
        .order_by("submitted_at", "id")
    )


def record_title(hearing: Hearing) -> str:
    return _("Record of the hearing: %(matter)s") % {"matter": hearing.matter}


def record_docx(hearing: Hearing) -> bytes:
    """The record of the hearing as a Word document: the announcement, the selection, the statements in order and
    who confirmed them."""
    from docx import Document as WordDocument

    word = WordDocument()
    word.add_heading(record_title(hearing), level=1)
    starts = timezone.localtime(hearing.starts_at).strftime("%Y-%m-%d %H:%M") if hearing.starts_at else ""
    for label, value in (
        (_("Decision"), f"{hearing.step.decision.number} {hearing.step.decision.title}"),
        (_("Time of the hearing"), starts),
        (_("Place"), hearing.place),
        (_("How participants are selected"), hearing.selection_method),
        (_("Result of the selection"), hearing.selection_result),
        (
            _("Materials sent to participants on"),
            hearing.materials_sent_on.isoformat() if hearing.materials_sent_on else "",
        ),
    ):
        paragraph = word.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(value)
    word.add_heading(_("Statements"), level=2)
    for statement in hearing.statements.order_by("order"):
        paragraph = word.add_paragraph()
        paragraph.add_run(f"{statement.order}. {statement.speaker}：").bold = True
        paragraph.add_run(statement.text)
    word.add_heading(_("Confirmations of the record"), level=2)
    for application in hearing.applications.filter(record_confirmed_at__isnull=False).order_by("record_confirmed_at"):
        confirmed = timezone.localtime(application.record_confirmed_at).strftime("%Y-%m-%d %H:%M")
        word.add_paragraph(
            _("%(name)s (%(receipt)s) confirmed the record on %(time)s (%(via)s).")
            % {
                "name": application.name,
                "receipt": application.receipt_number,
                "time": confirmed,
                "via": via_label(application.record_confirmed_via),
            }
        )
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def via_label(via: str) -> str:
    return {"paper": _("signed on paper"), "portal": _("on the portal")}.get(via, via)


def record_document(hearing: Hearing) -> Document | None:
    """The record's document among the step's documents (its latest version), if it was filed."""
    return (
        hearing.step.documents.filter(kind=Document.Kind.RECORD, title=record_title(hearing))
        .order_by("-version")
        .first()
    )


def _file_record(hearing: Hearing, actor: User) -> Document:
    return decision_services.add_document(
        decision=hearing.step.decision,
        actor=actor,
        uploaded_file=SimpleUploadedFile(f"hearing-record-{hearing.pk}.docx", record_docx(hearing), DOCX_TYPE),
        kind=Document.Kind.RECORD,
        title=record_title(hearing),
        step=hearing.step,
    )


@transaction.atomic
def confirm_record(
    *, application: HearingApplication, via: str = "paper", actor: User | None = None, now: datetime | None = None
) -> HearingApplication:
    """A selected participant confirms the record of the hearing (Art. 17): on paper (`via="paper"`, recorded by the
    unit, `actor` given) or on the portal (`via="portal"`, no actor: through `confirm_record_by_receipt`). When every
    participant who spoke has confirmed, the record is signed and the hearing held; the record's .docx joins the
    step's documents when the unit's drafter confirms the last one (otherwise `file_record` adds it)."""
    if via not in VIA or (via == "paper") != (actor is not None):
        raise ParticipationError("hearing.via", _("Say how the participant confirmed the record."))
    application = HearingApplication.objects.select_related("hearing").get(pk=application.pk)
    hearing = _lock(application.hearing)
    application = HearingApplication.objects.select_for_update().get(pk=application.pk)
    action = _unit_role(actor, hearing.step.decision) if actor is not None else None
    _ensure_workable(hearing)
    _ensure_status(
        hearing,
        (Hearing.Status.SELECTED,),
        _("The hearing is “%(status)s”: its record is confirmed after it is held."),
    )
    if application.outcome != HearingApplication.Outcome.SELECTED:
        raise ParticipationError(
            "hearing.not_a_participant",
            _("Only a participant selected for the hearing confirms its record."),
            status=409,
        )
    if not hearing.statements.exists() or _now(now) < hearing.starts_at:
        raise ParticipationError(
            "hearing.no_record", _("The record of the hearing has not been taken yet."), status=409
        )
    if application.record_confirmed_at is not None:
        raise ParticipationError(
            "hearing.already_confirmed", _("This participant has already confirmed the record."), status=409
        )
    moment = _now(now)
    application.record_confirmed_at, application.record_confirmed_via = moment, via
    application.save(update_fields=["record_confirmed_at", "record_confirmed_via"])
    role = _role(actor, action, hearing) if actor is not None else ""
    _event(
        actor,
        application,
        hearing,
        action="hearing.record_confirmed",
        role=role,
        after={"receipt_number": application.receipt_number, "via": via},
    )
    spoke = hearing.statements.filter(participant__isnull=False).exists()
    if spoke and not speakers_to_confirm(hearing).exists():
        hearing.record_signed, hearing.status, hearing.held_at = True, Hearing.Status.HELD, moment
        save_record(hearing, actor)
        _event(
            actor,
            hearing,
            hearing,
            action="hearing.held",
            role=role,
            before={"status": Hearing.Status.SELECTED},
            after={"status": hearing.status, "record_signed": True, "statements": hearing.statements.count()},
        )
        if actor is not None and can(actor, Action.WORK_ON_STEP, hearing.step.decision):
            _file_record(hearing, actor)
    return application


def confirm_record_by_receipt(
    *, receipt_number: str, contact: str, now: datetime | None = None
) -> HearingApplication | None:
    """The portal's confirmation: the participant gives their receipt number and contact (both must match: None
    otherwise, as for an unknown number)."""
    application = application_by_receipt(receipt_number, contact)
    if application is None:
        return None
    return confirm_record(application=application, via="portal", now=now)


@transaction.atomic
def file_record(*, hearing: Hearing, actor: User) -> Document:
    """The unit's drafter files the signed record among the step's documents (when the last confirmation came from
    the portal, or from the head). Once filed it is not filed again."""
    hearing = _lock(hearing)
    _unit_role(actor, hearing.step.decision)
    _ensure_workable(hearing)
    if not hearing.record_signed:
        raise ParticipationError(
            "hearing.record_unconfirmed",
            _("The record is filed once every participant who spoke has confirmed it."),
            status=409,
        )
    if record_document(hearing) is not None:
        raise ParticipationError(
            "hearing.record_filed", _("The record is already among the step's documents."), status=409
        )
    return _file_record(hearing, actor)


# ---------------------------------------------------------------- what the portal and the open API read

# The hearings the public sees: announced, selected, held, or cancelled (with the public reason); never one being
# prepared, never one of a decision claimed confidential.
PUBLIC_STATUSES = (Hearing.Status.ANNOUNCED, Hearing.Status.SELECTED, Hearing.Status.HELD, Hearing.Status.CANCELLED)


def public_hearings():
    """The hearings the public may read, latest first, with their decision and its organ (one query a list)."""
    return (
        Hearing.objects.filter(status__in=PUBLIC_STATUSES, starts_at__isnull=False)
        .exclude(step__decision__is_confidential=True)
        .select_related("step__decision__organ")
        .order_by("-starts_at", "-pk")
    )


def public_hearing(pk: int) -> Hearing | None:
    return public_hearings().filter(pk=min(pk, 2**63 - 1)).first()


def public_record(hearing: Hearing) -> list[dict]:
    """The statements as the public reads them once the record is confirmed: an official by the name and role
    recorded, a participant only by the interest they represented (never a name)."""
    rows = []
    for statement in hearing.statements.select_related("participant").order_by("order"):
        if statement.participant_id:
            speaker = _("A participant representing: %(interest)s") % {"interest": statement.participant.interest}
        else:
            speaker = statement.speaker
        rows.append(
            {
                "order": statement.order,
                "speaker": speaker,
                "text": statement.text,
                "is_participant": bool(statement.participant_id),
            }
        )
    return rows


def application_counts(hearing: Hearing) -> dict:
    """How many applied, and once selected how many were selected: numbers only."""
    applications = hearing.applications.all()
    return {
        "applied": applications.count(),
        "selected": applications.filter(outcome=HearingApplication.Outcome.SELECTED).count(),
    }
