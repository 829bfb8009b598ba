"""Citizens' and organizations' reports of problems in the execution of a decision (Decree 713 Art. 35), and the
organ's answers. Many reports call for a post-decision evaluation (Art. 36; `selectors.calls_for_evaluation`).

Anyone sends a report on a published decision in force through the portal or the API (no login): a receipt number
(WT-<year>-…) with the contact given reads it back with its answer. The organ's government office, or the drafter or
head of the execution unit (or of the undertaking unit), answers each report, or hides one that is not about the
execution (spam, abuse) with a reason: hidden, never deleted. Names, contacts and contents are personal information:
the ledger records the receipt number only.

Refusals raise `ProblemReportError` (a `ProcedureError`: a code and a translated message; `status` is the HTTP status
the API answers) and change nothing.
"""

import hmac
import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User
from accounts.privacy import is_contact, normalise_contact
from accounts.ratelimit import over_limit
from accounts.roles import ORGAN_WIDE_ROLES

from ..errors import ProcedureError
from ..models import Decision, ExecutionProblemReport
from ..permissions import Action, acting_role, first_allowed, roles_in_scope
from ..procedure import State
from ..receipts import save_with_receipt
from .base import ensure_not_ended, optional_text, require_text

NAME_MAX = 100
CONTACT_MAX = 100
PLACE_MAX = 200
REASON_MAX = 300
CONTENT_MIN, CONTENT_MAX = 5, 5000
ANSWER_MAX = 5000
RECEIPT_PREFIX = "WT"
# A published decision and a decision in force take reports (a terminated or archived one no longer does).
OPEN_STATES = frozenset({State.PUBLISHED, State.IN_EXECUTION, State.EVALUATING, State.SUSPENDED})
# Who answers and hides: the organ's government office (it organizes the execution), or the drafter or head of the
# execution unit or of the undertaking unit (REPORT_EXECUTION reaches both units).
STAFF_ACTIONS = (Action.REPORT_EXECUTION, Action.START_EXECUTION)

Status = ExecutionProblemReport.Status


class ProblemReportError(ProcedureError):
    """A refused act on a problem report; `status` is the HTTP status the API answers."""

    def __init__(self, code, message, *, status: int = 400, fields=(), wait: int | None = None):
        super().__init__(code, message, fields=fields)
        self.status = status
        self.wait = wait


# ---------------------------------------------------------------- helpers


def takes_reports(decision: Decision) -> bool:
    """Whether the public may report problems in the decision's execution now: published or in force, and not
    lawfully confidential (such a decision has no public page)."""
    return decision.status in OPEN_STATES and not decision.is_lawfully_confidential


def _too_long(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise ProblemReportError(
            "problem_report.too_long", _("At most %(limit)s characters.") % {"limit": limit}, fields=(field,)
        )


def _staff_action(actor: User, decision: Decision) -> Action:
    """The action by which the actor answers reports on the decision; refused (permission.*) otherwise."""
    action, verdict = first_allowed(actor, STAFF_ACTIONS, decision)
    if action is None:
        raise ProblemReportError(verdict.code, verdict.message, status=403)
    return action


def read_refusal(user: User, decision: Decision) -> ProblemReportError | None:
    """Why `user` may not read the reports on the decision (None: they may): those who answer them, and the organ's
    organ-wide roles (the government office, the legal office, the supervisor, the auditor). Others who see the
    decision — an expert on its review, its evaluator — do not read what citizens wrote."""
    if staff_refusal(user, decision) is None or roles_in_scope(user, decision) & ORGAN_WIDE_ROLES:
        return None
    return ProblemReportError(
        "permission.role", _("Your role does not read the public's reports on this decision."), status=403
    )


def staff_refusal(actor: User, decision: Decision) -> ProblemReportError | None:
    """Why the actor may not answer or hide reports on the decision (None: they may); pages ask before showing
    the forms."""
    try:
        _staff_action(actor, decision)
    except ProblemReportError as refusal:
        return refusal
    return None


def _lock(report: ExecutionProblemReport) -> ExecutionProblemReport:
    return ExecutionProblemReport.objects.select_for_update().select_related("decision").get(pk=report.pk)


def _event(actor, report: ExecutionProblemReport, action: str, *, role: str = "", reason: str = "", **kwargs):
    # No personal information: the receipt number (and the status), never the name, contact or content.
    return record_event(
        actor=actor,
        action=action,
        obj=report,
        decision_id=report.decision_id,
        role=role or None,
        reason=reason,
        after={"receipt_number": report.receipt_number, "status": report.status},
        **kwargs,
    )


def check_report_rate(*, client_address: str, contact: str) -> None:
    """At most PROBLEM_REPORT_RATE_PER_ADDRESS reports a window (PROBLEM_REPORT_RATE_WINDOW_SECONDS, an hour) from
    one client address and PROBLEM_REPORT_RATE_PER_CONTACT with one contact; not counted when the cache does not
    answer (logged)."""
    window = int(getattr(settings, "PROBLEM_REPORT_RATE_WINDOW_SECONDS", 3600))
    limits = (
        ("address", client_address or "unknown", int(getattr(settings, "PROBLEM_REPORT_RATE_PER_ADDRESS", 20))),
        ("contact", normalise_contact(contact), int(getattr(settings, "PROBLEM_REPORT_RATE_PER_CONTACT", 10))),
    )
    if over_limit("problem-report", limits, window):
        raise ProblemReportError(
            "problem_report.rate_limited", _("Too many reports; try again in an hour."), status=429, wait=window
        )


def clean_report(*, name: str, contact: str, content: str, place: str) -> tuple[str, str, str, str]:
    """The report's values checked (stripped); refused with the field at fault."""
    name = optional_text(name, ("name",))
    _too_long(name, NAME_MAX, "name")
    contact = optional_text(contact, ("contact",))
    _too_long(contact, CONTACT_MAX, "contact")
    if not contact or not is_contact(contact):
        raise ProblemReportError(
            "problem_report.contact",
            _("Give a telephone number or an e-mail address (it is not published)."),
            fields=("contact",),
        )
    content = optional_text(content, ("content",))
    if not CONTENT_MIN <= len(content) <= CONTENT_MAX:
        raise ProblemReportError(
            "problem_report.content_length",
            _("A report has %(min)s to %(max)s characters; this one has %(count)s.")
            % {"min": CONTENT_MIN, "max": CONTENT_MAX, "count": len(content)},
            fields=("content",),
        )
    place = optional_text(place, ("place",))
    _too_long(place, PLACE_MAX, "place")
    return name, contact, content, place


# ---------------------------------------------------------------- the public


@transaction.atomic
def receive_problem_report(
    decision: Decision, name: str, contact: str, content: str, place: str = "", *, client_address: str = ""
) -> ExecutionProblemReport:
    """Anyone reports a problem in the execution of a published decision (no login: the portal's form and the API
    call this). Rate-limited per client address and per contact. Returns the report, whose receipt number (with the
    contact) reads it back and its answer."""
    decision = Decision.objects.get(pk=decision.pk)
    if not takes_reports(decision):
        raise ProblemReportError(
            "problem_report.not_open",
            _(
                "Problems in execution can be reported on a published decision in force only; this decision is "
                "“%(state)s”."
            )
            % {"state": State(decision.status).label},
            status=409,
        )
    name, contact, content, place = clean_report(name=name, contact=contact, content=content, place=place)
    check_report_rate(client_address=client_address, contact=contact)
    report = ExecutionProblemReport(decision=decision, name=name, contact=contact, content=content, place=place)
    save_with_receipt(
        report,
        year=timezone.localdate().year,
        prefix=RECEIPT_PREFIX,
        refusal=ProblemReportError("problem_report.receipt", _("Could not number the report; try again."), status=503),
    )
    _event(None, report, "problem_report.received", client_address=client_address or None)
    return report


def check_lookup_rate(*, client_address: str) -> None:
    """At most PROBLEM_REPORT_LOOKUPS_PER_ADDRESS lookups an hour from one address: receipt numbers and contacts are
    not guessed by trying."""
    window = int(getattr(settings, "PROBLEM_REPORT_RATE_WINDOW_SECONDS", 3600))
    limits = (
        ("address", client_address or "unknown", int(getattr(settings, "PROBLEM_REPORT_LOOKUPS_PER_ADDRESS", 60))),
    )
    if over_limit("problem-report-lookup", limits, window):
        raise ProblemReportError(
            "problem_report.rate_limited", _("Too many lookups; try again in an hour."), status=429, wait=window
        )


def problem_report_by_receipt(receipt: str, contact: str) -> ExecutionProblemReport | None:
    """The report with this receipt number, when the contact given is the one it was sent with (compared
    normalised, in constant time); None otherwise — a wrong contact and an unknown number look the same."""
    number = unicodedata.normalize("NFKC", receipt or "").strip().upper()
    given = normalise_contact(contact).encode("utf-8")
    report = (
        ExecutionProblemReport.objects.select_related("decision").filter(receipt_number=number).first()
        if number and len(number) <= 32
        else None
    )
    stored = normalise_contact(report.contact if report else "").encode("utf-8")
    matches = hmac.compare_digest(stored or b"\0", given or b"\1")
    return report if report is not None and matches else None


# ---------------------------------------------------------------- the organ's staff


@transaction.atomic
def answer_problem_report(report: ExecutionProblemReport, actor: User, answer: str) -> ExecutionProblemReport:
    """The government office or the execution (undertaking) unit answers a report; the reporter reads the answer
    with the receipt number. An answer once given stands (the reporter may have read it)."""
    report = _lock(report)
    action = _staff_action(actor, report.decision)
    ensure_not_ended(report.decision)
    if report.status != Status.RECEIVED:
        raise ProblemReportError(
            "problem_report.not_received",
            _("This report is “%(status)s”: only a report received and not yet answered can be answered.")
            % {"status": Status(report.status).label},
            status=409,
        )
    answer = require_text(answer, "problem_report.answer", _("Write the answer to the report."), ("answer",))
    _too_long(answer, ANSWER_MAX, "answer")
    report.answer, report.status = answer, Status.ANSWERED
    report.answered_by, report.answered_at = actor, timezone.now()
    report.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    _event(actor, report, "problem_report.answered", role=acting_role(actor, action, report.decision))
    return report


@transaction.atomic
def hide_problem_report(report: ExecutionProblemReport, actor: User, reason: str) -> ExecutionProblemReport:
    """Hide a report that is not about the execution (spam, abuse, another matter), with the reason: it stays
    recorded, is not counted, and the reporter reads the reason with the receipt number."""
    report = _lock(report)
    action = _staff_action(actor, report.decision)
    ensure_not_ended(report.decision)
    if report.status == Status.HIDDEN:
        raise ProblemReportError("problem_report.hidden", _("This report is already hidden."), status=409)
    if report.status == Status.ANSWERED:
        # The answer stands (the reporter may have read it), and the report keeps counting toward the evaluation.
        raise ProblemReportError(
            "problem_report.answered", _("This report was answered: it stays, and it is counted."), status=409
        )
    reason = require_text(
        reason,
        "problem_report.hidden_reason",
        _("Say why the report is hidden (it is shown to the reporter)."),
        ("reason",),
    )
    _too_long(reason, REASON_MAX, "reason")
    report.status, report.hidden_reason = Status.HIDDEN, reason
    report.save(update_fields=["status", "hidden_reason"])
    _event(actor, report, "problem_report.hidden", role=acting_role(actor, action, report.decision), reason=reason)
    return report


@transaction.atomic
def reveal_problem_report_contact(report: ExecutionProblemReport, actor: User) -> str:
    """The staff who answer reports read a report's full contact (to call the reporter back); lists show it masked.
    Each reveal is a ledger event naming the report's receipt number, never the contact."""
    report = ExecutionProblemReport.objects.select_related("decision").get(pk=report.pk)
    action = _staff_action(actor, report.decision)
    _event(actor, report, "problem_report.contact_revealed", role=acting_role(actor, action, report.decision))
    return report.contact
