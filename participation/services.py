"""Every change of a public consultation and its opinions (Decree 713 Art. 14–15, 18): one transaction, the
permission checked here, the change, one ledger event of the act.

The undertaking unit's drafter sets the consultation up (the draft split into clauses, the period computed from the
organ's minimum); the clock opens and closes it; anyone sends an opinion while it is open; the unit's drafter (and
head) enters the opinions gathered offline, hides abuse (never deletes) and answers each opinion, alone or by theme.

Refusals raise `ParticipationError` (a `ProcedureError`: a code and a translated message; `status` is the HTTP status
the API answers) and change nothing. Names and contacts are personal information: never in the ledger.
"""

import hashlib
import hmac
import unicodedata
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User
from accounts.privacy import is_contact, normalise_contact
from accounts.ratelimit import over_limit
from decisions import services as decision_services
from decisions.bounds import recent_date_bounds
from decisions.errors import ProcedureError
from decisions.models import Step
from decisions.permissions import Action, acting_role, first_allowed
from decisions.procedure import StepKind, StepStatus
from decisions.receipts import (  # noqa: F401 - drawn there (YJ-<year>-…); importable from here as before
    RECEIPT_ALPHABET,
    RECEIPT_ATTEMPTS,
    RECEIPT_LENGTH,
    new_receipt_number,
    save_with_receipt,
)
from decisions.services.base import (
    awaits_taking_up,
    ensure_not_ended,
    lock_step,
    open_step,
    optional_text,
    require_text,
    save_record,
)
from decisions.uploads import CheckedUpload, check_upload
from workdays.calendar import period_end

from .clauses import DraftTextError, split_clauses
from .models import Clause, Comment, Consultation, OpinionAnswer, Theme


class ParticipationError(ProcedureError):
    """A refused act on a consultation or an opinion; `status` is the HTTP status the API answers."""

    def __init__(self, code, message, *, status: int = 400, fields=(), wait: int | None = None):
        super().__init__(code, message, fields=fields)
        self.status = status
        self.wait = wait


NAME_MAX = 50
CONTACT_MAX = 100
ORGANIZATION_MAX = 200
TITLE_MAX = 300
CHANNELS_MAX = 500
THEME_MAX = 200
TEXT_MIN, TEXT_MAX = 5, 5000
OFFLINE_CHANNELS = tuple(value for value in Comment.Channel.values if value != Comment.Channel.ONLINE)
# The statuses in which the consultation may still be set up (changed): once open it is withdrawn instead.
SETTABLE_STATUSES = (Consultation.Status.DRAFT, Consultation.Status.SCHEDULED)
# Who answers and moderates: the undertaking unit's drafter, or its head.
UNIT_ACTIONS = (Action.WORK_ON_STEP, Action.APPROVE_STEP)


# ---------------------------------------------------------------- helpers


def _too_long(value: str, limit: int, field: str, code: str) -> None:
    if len(value) > limit:
        raise ParticipationError(code, _("At most %(limit)s characters.") % {"limit": limit}, fields=(field,))


def _unit_role(actor: User, decision) -> Action:
    """The action by which the actor works on the consultation: the drafter's, else the head's; refused otherwise."""
    action, verdict = first_allowed(actor, UNIT_ACTIONS, decision)
    if action is None:
        raise ParticipationError(verdict.code, verdict.message, status=403)
    return action


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().select_related("step__decision__organ").get(pk=consultation.pk)


def _ensure_step_workable(consultation: Consultation) -> None:
    """Moderation and answers happen while the unit works on the step: not once it was submitted or ended."""
    decision, step = consultation.step.decision, consultation.step
    ensure_not_ended(decision)
    if step.status not in (StepStatus.OPEN, StepStatus.RETURNED):
        raise ParticipationError(
            "consultation.step_not_open",
            _("The step is “%(status)s”: the opinions are answered while it is open or returned.")
            % {"status": StepStatus(step.status).label},
            status=409,
        )


def _event(actor, obj, consultation: Consultation, *, action: str, role="", **kwargs):
    return record_event(
        actor=actor,
        action=action,
        obj=obj,
        decision_id=consultation.step.decision_id,
        role=role or None,
        **kwargs,
    )


def duplicate_key(text: str) -> str:
    """The hash of the opinion's normalised text (NFKC, lower case, without whitespace or punctuation): the same
    opinion sent many times has the same key."""
    normalised = unicodedata.normalize("NFKC", text or "").lower()
    kept = "".join(ch for ch in normalised if not ch.isspace() and not unicodedata.category(ch).startswith("P"))
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()


def _local_today(now: datetime | None) -> date:
    return timezone.localdate(now) if now is not None else timezone.localdate()


# ---------------------------------------------------------------- setting up


@transaction.atomic
def set_up_consultation(
    *,
    step: Step,
    actor: User,
    title: str,
    draft_text: str,
    explanation: str,
    questions: str,
    channels: str,
    comment_start: date,
    comment_days: int | None = None,
    urgency_reason: str = "",
) -> Consultation:
    """The undertaking unit's drafter publishes the draft for comment (Art. 14–15): the draft is split into its
    clauses, the period ends `comment_days` (the organ's minimum, 30, unless told) after the start, on a working day
    (computed, never typed). A shorter period needs a public reason. Until it opens it may be set up again."""
    decision, step = lock_step(step)
    if step.kind != StepKind.PUBLIC_PARTICIPATION:
        raise ParticipationError("consultation.wrong_step", _("Only the public participation step has a consultation."))
    refusal = decision_services.step_action_refusals(step, actor)["edit"]
    if refusal is not None:
        raise ParticipationError(
            refusal.code, refusal.message, status=403 if refusal.code.startswith("permission.") else 409
        )
    consultation = Consultation.objects.select_for_update().filter(step=step).first()
    if consultation is not None and consultation.status not in SETTABLE_STATUSES:
        if consultation.status == Consultation.Status.WITHDRAWN:
            message = _("This consultation was withdrawn; redo the step to hold a new one.")
        else:
            message = _("The consultation is “%(status)s”: it can no longer be changed (withdraw it instead).") % {
                "status": Consultation.Status(consultation.status).label
            }
        raise ParticipationError("consultation.not_changeable", message, status=409)

    title = require_text(title, "consultation.title", _("Give the title of the draft."), ("title",))
    _too_long(title, TITLE_MAX, "title", "consultation.too_long")
    draft_text = require_text(draft_text, "consultation.draft_text", _("Give the text of the draft."), ("draft_text",))
    explanation = require_text(
        explanation, "consultation.explanation", _("Give the explanation of the draft."), ("explanation",)
    )
    questions = optional_text(questions, ("questions",))
    channels = require_text(
        channels, "consultation.channels", _("Say where the draft and its explanation are published."), ("channels",)
    )
    _too_long(channels, CHANNELS_MAX, "channels", "consultation.too_long")
    urgency_reason = optional_text(urgency_reason, ("urgency_reason",))

    today = timezone.localdate()
    if not isinstance(comment_start, date) or isinstance(comment_start, datetime):
        raise ParticipationError(
            "consultation.start", _("Give the day the comment period starts."), fields=("comment_start",)
        )
    if comment_start < today:
        raise ParticipationError(
            "consultation.start_past",
            _("The comment period starts today or later, not on %(start)s.") % {"start": comment_start.isoformat()},
            fields=("comment_start",),
        )
    if comment_start > recent_date_bounds()[1]:
        raise ParticipationError(
            "consultation.start_far",
            _("The comment period starts within a year from today."),
            fields=("comment_start",),
        )
    profile = decision_services.profile_for(decision.organ)
    minimum = (consultation.minimum_comment_days if consultation else None) or profile.min_comment_days
    if comment_days is None:
        days = minimum
    elif isinstance(comment_days, bool) or not isinstance(comment_days, int) or not 1 <= comment_days <= 366:
        raise ParticipationError(
            "consultation.days", _("The comment period lasts 1 to 366 days."), fields=("comment_days",)
        )
    else:
        days = comment_days
    if days < minimum and not urgency_reason:
        needed = period_end(comment_start, minimum).value
        raise ParticipationError(
            "rule3.period_too_short",
            _(
                "Rule 3: a public comment period lasts at least %(days)s days; from %(start)s it ends no earlier than "
                "%(end)s. A shorter period needs a published reason."
            )
            % {"days": minimum, "start": comment_start.isoformat(), "end": needed.isoformat()},
            fields=("comment_days", "urgency_reason"),
        )
    try:
        clauses = split_clauses(draft_text)
    except DraftTextError as problem:
        raise ParticipationError("consultation.draft_text", str(problem), fields=("draft_text",)) from problem

    if awaits_taking_up(decision, step):  # an optional step opens when the drafter takes it up
        open_step(step, actor, due=False)  # due by the consultation's end, set below
        consultation = Consultation.objects.select_for_update().filter(step=step).first()
    before = (
        {
            "status": consultation.status,
            "comment_start": consultation.comment_start,
            "comment_end": consultation.comment_end,
        }
        if consultation is not None and consultation.pk
        else {}
    )
    consultation = consultation or Consultation(step=step)
    consultation.title, consultation.draft_text, consultation.explanation = title, draft_text, explanation
    consultation.questions, consultation.channels, consultation.urgency_reason = questions, channels, urgency_reason
    consultation.comment_start = comment_start
    consultation.comment_end = period_end(comment_start, days).value
    consultation.minimum_comment_days = minimum
    consultation.status = Consultation.Status.SCHEDULED
    save_record(consultation, actor)
    consultation.clauses.all().delete()  # not yet open: no opinion refers to a clause
    Clause.objects.bulk_create(
        Clause(
            consultation=consultation,
            order=order,
            number=clause.number,
            label=clause.label[:40],
            chapter=clause.chapter[:500],
            text=clause.text,
        )
        for order, clause in enumerate(clauses, start=1)
    )
    role = acting_role(actor, Action.WORK_ON_STEP, decision)
    _event(
        actor,
        consultation,
        consultation,
        action="consultation.set_up",
        role=role,
        before=before,
        after={
            "status": consultation.status,
            "title": title,
            "comment_start": consultation.comment_start,
            "comment_end": consultation.comment_end,
            "days": days,
            "minimum_days": minimum,
            "clauses": len(clauses),
        },
        reason=urgency_reason,
    )
    decision_services.set_due_date(
        step,
        actor,
        _("the consultation was set up: it ends on %(end)s") % {"end": consultation.comment_end.isoformat()},
        record=consultation,
    )
    if comment_start <= today:
        _open(consultation, timezone.now())
    return consultation


# ---------------------------------------------------------------- the clock


def _open(consultation: Consultation, now: datetime) -> None:
    consultation.status, consultation.opened_at = Consultation.Status.OPEN, now
    consultation._history_user = None
    consultation.save(update_fields=["status", "opened_at"])
    _event(
        None,
        consultation,
        consultation,
        action="consultation.opened",
        before={"status": Consultation.Status.SCHEDULED},
        after={"status": consultation.status, "comment_end": consultation.comment_end},
    )


def _close(consultation: Consultation, now: datetime) -> None:
    consultation.status, consultation.closed_at = Consultation.Status.CLOSED, now
    # What the step's record shows; opinions entered afterwards (offline) are counted by the feedback report.
    consultation.comments_received = consultation.comments.count()
    consultation._history_user = None
    consultation.save(update_fields=["status", "closed_at", "comments_received"])
    _event(
        None,
        consultation,
        consultation,
        action="consultation.closed",
        before={"status": Consultation.Status.OPEN},
        after={"status": consultation.status, "comments": consultation.comments_received},
    )


def open_and_close_consultations(now: datetime | None = None) -> dict:
    """Open the scheduled consultations whose start day has come; close the open ones whose end day (the last day
    comments are taken, local time) has passed. Idempotent: run it every minute; with nothing to do it costs two
    queries. Returns the receipt {"opened": [ids], "closed": [ids]}."""
    now = now or timezone.now()
    today = _local_today(now)
    due = Consultation.objects.filter(
        Q(status=Consultation.Status.SCHEDULED, comment_start__lte=today)
        | Q(status=Consultation.Status.OPEN, comment_end__lt=today)
    ).values_list("pk", flat=True)
    done = {"opened": [], "closed": []}
    for pk in list(due):
        with transaction.atomic():
            consultation = (
                Consultation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("step")
                .filter(pk=pk)
                .first()
            )
            if consultation is None:  # another run holds it
                continue
            if consultation.status == Consultation.Status.SCHEDULED and consultation.comment_start <= today:
                _open(consultation, now)
                done["opened"].append(pk)
            if consultation.status == Consultation.Status.OPEN and consultation.comment_end < today:
                _close(consultation, now)
                done["closed"].append(pk)
    return done


@transaction.atomic
def withdraw_consultation(*, consultation: Consultation, actor: User, reason: str) -> Consultation:
    """The unit withdraws a scheduled or open consultation, with a public reason. Its opinions stay."""
    consultation = _lock(consultation)
    decision = consultation.step.decision
    action = _unit_role(actor, decision)
    ensure_not_ended(decision)
    reason = require_text(
        reason, "consultation.withdrawal_reason", _("Withdrawing a consultation needs a public reason."), ("reason",)
    )
    if consultation.status not in (Consultation.Status.SCHEDULED, Consultation.Status.OPEN):
        raise ParticipationError(
            "consultation.not_withdrawable",
            _("The consultation is “%(status)s”: only a scheduled or open one can be withdrawn.")
            % {"status": Consultation.Status(consultation.status).label},
            status=409,
        )
    before = {"status": consultation.status}
    consultation.status = Consultation.Status.WITHDRAWN
    consultation.withdrawn_at, consultation.withdrawal_reason = timezone.now(), reason
    save_record(consultation, actor)
    _event(
        actor,
        consultation,
        consultation,
        action="consultation.withdrawn",
        role=acting_role(actor, action, decision),
        before=before,
        after={"status": consultation.status},
        reason=reason,
    )
    return consultation


# ---------------------------------------------------------------- opinions


def check_comment_rate(*, client_address: str, contact: str) -> None:
    """At most COMMENT_RATE_PER_ADDRESS opinions a window (COMMENT_RATE_WINDOW_SECONDS, an hour) from one client
    address and COMMENT_RATE_PER_CONTACT with one contact; not counted when the cache does not answer (logged)."""
    window = int(getattr(settings, "COMMENT_RATE_WINDOW_SECONDS", 3600))
    limits = (
        ("address", client_address or "unknown", int(getattr(settings, "COMMENT_RATE_PER_ADDRESS", 20))),
        ("contact", normalise_contact(contact), int(getattr(settings, "COMMENT_RATE_PER_CONTACT", 10))),
    )
    if over_limit("comment", limits, window):
        raise ParticipationError(
            "comment.rate_limited", _("Too many opinions; try again in an hour."), status=429, wait=window
        )


def _clean_opinion(
    consultation: Consultation, *, name: str, contact: str, text: str, organization: str, clause, contact_required: bool
) -> tuple[str, str, str, str]:
    name = require_text(name, "comment.name", _("Give your name (it is not published)."), ("name",))
    _too_long(name, NAME_MAX, "name", "comment.too_long")
    contact = optional_text(contact, ("contact",))
    if contact_required and not contact:
        raise ParticipationError(
            "comment.contact",
            _("Give a telephone number or an e-mail address (it is not published)."),
            fields=("contact",),
        )
    _too_long(contact, CONTACT_MAX, "contact", "comment.too_long")
    if contact and not is_contact(contact):
        raise ParticipationError(
            "comment.contact",
            _("Give a telephone number or an e-mail address (it is not published)."),
            fields=("contact",),
        )
    organization = optional_text(organization, ("organization",))
    _too_long(organization, ORGANIZATION_MAX, "organization", "comment.too_long")
    text = optional_text(text, ("text",))
    if not TEXT_MIN <= len(text) <= TEXT_MAX:
        raise ParticipationError(
            "comment.text_length",
            _("An opinion has %(min)s to %(max)s characters; this one has %(count)s.")
            % {"min": TEXT_MIN, "max": TEXT_MAX, "count": len(text)},
            fields=("text",),
        )
    if clause is not None and clause.consultation_id != consultation.pk:
        raise ParticipationError(
            "comment.clause", _("This clause is not part of the draft under consultation."), fields=("clause",)
        )
    return name, contact, text, organization


def _checked_attachment(attachment) -> CheckedUpload | None:
    """An opinion's attachment checked as every document is (type by content, size), within the opinion's own,
    smaller limit (COMMENT_ATTACHMENT_MAX_BYTES, 10 MiB)."""
    if not attachment:
        return None
    limit = int(getattr(settings, "COMMENT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    if attachment.size > limit:
        raise ParticipationError(
            "comment.attachment_size",
            _("The attachment is %(size)s; an opinion's attachment may be at most %(limit)s.")
            % {"size": filesizeformat(attachment.size), "limit": filesizeformat(limit)},
            fields=("attachment",),
        )
    try:
        return check_upload(attachment)
    except ProcedureError as problem:
        raise ParticipationError(problem.code, problem.message, fields=("attachment",)) from problem


def _attach(comment: Comment, attachment, checked: CheckedUpload | None) -> None:
    if checked is None:
        return
    comment.attachment_name = (attachment.name or "")[:255]
    comment.attachment_type, comment.attachment_size = checked.content_type, checked.size
    comment.attachment_sha256 = checked.sha256
    comment.attachment.save(f"opinion.{checked.extension}", attachment, save=False)


def _save_with_receipt(comment: Comment) -> Comment:
    return save_with_receipt(
        comment,
        year=timezone.localdate().year,
        prefix="YJ",
        refusal=ParticipationError("comment.receipt", _("Could not number the opinion; try again."), status=503),
    )


def _received(comment: Comment, consultation: Consultation, actor, client_address: str = "", role="") -> None:
    # No personal information in the ledger: the receipt number, the consultation, the clause, the channel.
    _event(
        actor,
        comment,
        consultation,
        action="comment.received",
        role=role,
        after={
            "receipt_number": comment.receipt_number,
            "consultation": consultation.pk,
            "clause": comment.clause_id,
            "channel": comment.channel,
        },
        client_address=client_address or None,
    )


def _not_taking_opinions(consultation: Consultation) -> ParticipationError | None:
    """Why the public may not send an opinion now (None: they may): it is open until the end of its last day."""
    today = timezone.localdate()
    status = consultation.status
    if status == Consultation.Status.OPEN and consultation.comment_end >= today:
        return None
    if status == Consultation.Status.SCHEDULED:
        message = _("This consultation opens on %(start)s; opinions are taken from then until %(end)s.") % {
            "start": consultation.comment_start.isoformat(),
            "end": consultation.comment_end.isoformat(),
        }
    elif status == Consultation.Status.WITHDRAWN:
        message = _("This consultation was withdrawn: %(reason)s") % {"reason": consultation.withdrawal_reason}
    elif status in (Consultation.Status.OPEN, Consultation.Status.CLOSED):
        message = _("This consultation closed on %(end)s; opinions are no longer taken.") % {
            "end": consultation.comment_end.isoformat()
        }
    else:
        message = _("This consultation is not taking opinions.")
    return ParticipationError("comment.not_open", message, status=409)


@transaction.atomic
def submit_comment(
    *,
    consultation: Consultation,
    name: str,
    contact: str,
    text: str,
    organization: str = "",
    clause: Clause | None = None,
    client_address: str = "",
    attachment=None,
) -> Comment:
    """Anyone sends an opinion on the draft, or on one clause of it, while the consultation is open (no login: the
    portal's form and the API call this). Rate-limited per client address and per contact. Returns the opinion,
    whose receipt number (with the contact) reads it back and its answer."""
    current = Consultation.objects.select_related("step").get(pk=consultation.pk)
    refusal = _not_taking_opinions(current)
    if refusal is not None:
        raise refusal
    name, contact, text, organization = _clean_opinion(
        current, name=name, contact=contact, text=text, organization=organization, clause=clause, contact_required=True
    )
    checked = _checked_attachment(attachment)
    check_comment_rate(client_address=client_address, contact=contact)
    comment = Comment(
        consultation=current,
        clause=clause,
        name=name,
        contact=contact,
        organization=organization,
        text=text,
        channel=Comment.Channel.ONLINE,
        duplicate_key=duplicate_key(text),
    )
    _attach(comment, attachment, checked)
    _save_with_receipt(comment)
    _received(comment, current, None, client_address)
    return comment


def comment_by_receipt(receipt_number: str, contact: str) -> Comment | None:
    """The opinion with this receipt number, when the contact given is the one it was sent with (compared
    normalised, in constant time); None otherwise — a wrong contact and an unknown number look the same."""
    number = unicodedata.normalize("NFKC", receipt_number or "").strip().upper()
    given = normalise_contact(contact).encode("utf-8")
    comment = (
        Comment.objects.select_related("consultation", "clause", "theme").filter(receipt_number=number).first()
        if number
        else None
    )
    stored = normalise_contact(comment.contact if comment else "").encode("utf-8")
    matches = hmac.compare_digest(stored or b"\0", given or b"\1")
    return comment if comment is not None and matches else None


def check_offline_entry(consultation: Consultation, actor: User) -> Action:
    """May the actor enter offline opinions on the consultation now (the unit, while it is open or after it
    closed)? Returns the action they act by; refuses otherwise. `participation.imports` asks before reading a file."""
    decision = consultation.step.decision
    action = _unit_role(actor, decision)
    ensure_not_ended(decision)
    if consultation.status not in (Consultation.Status.OPEN, Consultation.Status.CLOSED):
        raise ParticipationError(
            "comment.not_open",
            _("The consultation is “%(status)s”: opinions are entered while it is open or after it closed.")
            % {"status": Consultation.Status(consultation.status).label},
            status=409,
        )
    return action


def clean_offline_opinion(
    consultation: Consultation, *, channel: str, name: str, contact: str, text: str, organization: str, clause
) -> tuple[str, str, str, str]:
    """An offline opinion's values checked as `enter_offline_opinion` checks them, storing nothing: (name, contact,
    text, organization) cleaned, or the first refusal. `participation.imports` checks each row with it."""
    if channel not in OFFLINE_CHANNELS:
        raise ParticipationError("comment.channel", _("Choose where the opinion was gathered."), fields=("channel",))
    return _clean_opinion(
        consultation,
        name=name,
        contact=contact,
        text=text,
        organization=organization,
        clause=clause,
        contact_required=False,
    )


@transaction.atomic
def enter_offline_opinion(
    *,
    consultation: Consultation,
    actor: User,
    channel: str,
    name: str,
    contact: str,
    text: str,
    clause: Clause | None = None,
    organization: str = "",
) -> Comment:
    """The unit enters an opinion gathered offline (a symposium, a field visit, a letter, the press) while the
    consultation is open or after it closed; the contact may be unknown."""
    consultation = _lock(consultation)
    decision = consultation.step.decision
    action = check_offline_entry(consultation, actor)
    name, contact, text, organization = clean_offline_opinion(
        consultation,
        channel=channel,
        name=name,
        contact=contact,
        text=text,
        organization=organization,
        clause=clause,
    )
    comment = Comment(
        consultation=consultation,
        clause=clause,
        name=name,
        contact=contact,
        organization=organization,
        text=text,
        channel=channel,
        entered_by=actor,
        duplicate_key=duplicate_key(text),
    )
    _save_with_receipt(comment)
    _received(comment, consultation, actor, role=acting_role(actor, action, decision))
    return comment


# ---------------------------------------------------------------- moderation and answers


def _lock_comment(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().select_related("consultation__step__decision").get(pk=comment.pk)


@transaction.atomic
def hide_comment(*, comment: Comment, actor: User, reason: str) -> Comment:
    """Moderation: the unit hides an opinion (abuse, others' personal data …) with a reason. It is never deleted; it
    stays counted among those received, and its receipt still reads it."""
    comment = _lock_comment(comment)
    consultation = comment.consultation
    action = _unit_role(actor, consultation.step.decision)
    _ensure_step_workable(consultation)
    reason = require_text(reason, "comment.hide_reason", _("Hiding an opinion needs a reason."), ("reason",))
    if comment.is_hidden:
        raise ParticipationError("comment.hidden", _("This opinion is already hidden."), status=409)
    comment.is_hidden, comment.hidden_reason = True, reason
    comment.hidden_at, comment.hidden_by = timezone.now(), actor
    comment.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    _event(
        actor,
        comment,
        consultation,
        action="comment.hidden",
        role=acting_role(actor, action, consultation.step.decision),
        after={"receipt_number": comment.receipt_number, "is_hidden": True},
        reason=reason,
    )
    return comment


def _clean_answer(answer: str, reason: str) -> tuple[str, str]:
    if answer not in OpinionAnswer.values or not answer:
        raise ParticipationError(
            "comment.answer",
            _("Say whether the opinion is adopted, partly adopted or not adopted."),
            fields=("answer",),
        )
    reason = optional_text(reason, ("reason",))
    if answer != OpinionAnswer.ADOPTED and not reason:
        raise ParticipationError(
            "comment.answer_reason",
            _("An opinion not (fully) adopted is answered with the reason."),
            fields=("reason",),
        )
    return answer, reason


def _answer(obj, actor: User, answer: str, reason: str) -> dict:
    before = {"answer": obj.answer, "answer_reason": obj.answer_reason}
    obj.answer, obj.answer_reason = answer, reason
    obj.answered_at, obj.answered_by = timezone.now(), actor
    obj.save(update_fields=["answer", "answer_reason", "answered_at", "answered_by"])
    return before


@transaction.atomic
def answer_comment(*, comment: Comment, actor: User, answer: str, reason: str = "") -> Comment:
    """The unit answers one opinion: adopted, partly adopted or not adopted (with the reason unless adopted)."""
    comment = _lock_comment(comment)
    consultation = comment.consultation
    action = _unit_role(actor, consultation.step.decision)
    _ensure_step_workable(consultation)
    answer, reason = _clean_answer(answer, reason)
    before = _answer(comment, actor, answer, reason)
    _event(
        actor,
        comment,
        consultation,
        action="comment.answered",
        role=acting_role(actor, action, consultation.step.decision),
        before=before,
        after={"receipt_number": comment.receipt_number, "answer": answer, "answer_reason": reason},
    )
    return comment


@transaction.atomic
def create_theme(*, consultation: Consultation, actor: User, title: str) -> Theme:
    """The unit opens a theme to answer many opinions on one question at once."""
    consultation = _lock(consultation)
    action = _unit_role(actor, consultation.step.decision)
    _ensure_step_workable(consultation)
    title = require_text(title, "theme.title", _("A theme needs a title."), ("title",))
    _too_long(title, THEME_MAX, "title", "theme.too_long")
    theme = Theme.objects.create(consultation=consultation, title=title, created_by=actor)
    _event(
        actor,
        theme,
        consultation,
        action="theme.created",
        role=acting_role(actor, action, consultation.step.decision),
        after={"title": title, "consultation": consultation.pk},
    )
    return theme


@transaction.atomic
def assign_to_theme(*, comments, theme: Theme | None, actor: User, consultation: Consultation | None = None) -> int:
    """Put opinions under a theme (or, with `theme=None`, take them out of theirs); returns how many. The
    opinions must belong to the theme's consultation (or to `consultation` when taking them out)."""
    consultation = theme.consultation if theme is not None else consultation
    if consultation is None:
        raise TypeError("assign_to_theme needs a theme or the consultation")
    consultation = _lock(consultation)
    action = _unit_role(actor, consultation.step.decision)
    _ensure_step_workable(consultation)
    ids = sorted({comment.pk if isinstance(comment, Comment) else int(comment) for comment in comments})
    found = list(
        Comment.objects.select_for_update()
        .filter(pk__in=ids, consultation=consultation)
        .values_list("pk", "receipt_number")
    )
    if not ids or len(found) != len(ids):
        raise ParticipationError("theme.comments", _("Choose opinions of this consultation."), fields=("comments",))
    Comment.objects.filter(pk__in=ids).update(theme=theme)
    _event(
        actor,
        theme if theme is not None else consultation,
        consultation,
        action="theme.assigned" if theme is not None else "theme.unassigned",
        role=acting_role(actor, action, consultation.step.decision),
        after={"theme": theme.pk if theme else None, "receipt_numbers": [number for _pk, number in found]},
    )
    return len(found)


@transaction.atomic
def answer_theme(*, theme: Theme, actor: User, answer: str, reason: str = "") -> Theme:
    """The unit answers a theme: the answer answers each of its opinions (an opinion's own answer, if it has one,
    still comes first)."""
    theme = Theme.objects.select_for_update().select_related("consultation__step__decision").get(pk=theme.pk)
    consultation = theme.consultation
    action = _unit_role(actor, consultation.step.decision)
    _ensure_step_workable(consultation)
    answer, reason = _clean_answer(answer, reason)
    before = _answer(theme, actor, answer, reason)
    _event(
        actor,
        theme,
        consultation,
        action="theme.answered",
        role=acting_role(actor, action, consultation.step.decision),
        before=before,
        after={"answer": answer, "answer_reason": reason, "comments": theme.comments.count()},
    )
    return theme


@transaction.atomic
def reveal_contact(*, comment: Comment, actor: User) -> str:
    """The unit's drafter or head reads an opinion's full contact (to call the person back); staff lists show it
    masked. Each reveal is a ledger event naming the opinion's receipt number, never the contact."""
    comment = Comment.objects.select_related("consultation__step__decision").get(pk=comment.pk)
    consultation = comment.consultation
    action = _unit_role(actor, consultation.step.decision)
    if not comment.contact:
        raise ParticipationError("comment.no_contact", _("This opinion was given without a contact."), status=409)
    _event(
        actor,
        comment,
        consultation,
        action="comment.contact_revealed",
        role=acting_role(actor, action, consultation.step.decision),
        after={"receipt_number": comment.receipt_number},
    )
    return comment.contact
