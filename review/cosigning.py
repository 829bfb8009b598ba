"""Department consultation and co-signing (部门协商、会签, Decree 713 Art. 13): every change, one transaction each, the
permission checked here, one ledger event per act.

The undertaking unit's drafter sends the draft to the departments of its organ and to the lower governments whose
duties it touches, with a deadline (a working day at least `MIN_REPLY_WORKING_DAYS` working days ahead — the organ's
procedure profile has no number for it); each answers in the system (agree / agree with changes / disagree, the last
two with their changes or reasons); a request still unanswered after its deadline is recorded, by the clock, as no
objection — and says so. The unit states its view on each disagreement, or marks it resolved after talks; those
still open are listed for the meeting with both views (`review.selectors.open_disagreements`).

Who answers for a requested organization: a drafter or a head of undertaking unit (the roles bound to a unit) whose
organization is the requested one, or lies at most two levels below it (a lower government's departments and
offices) — `answering_condition`. The same condition lets them see the decisions they were asked about (a scope
registered for the two roles, `register_scope`).

The step's record (`DepartmentConsultation`) follows the requests: who was asked and what they answered, the
disagreements still open, and the latest deadline as `reply_due_on` (the step's due date, reminded by the deadline
scan). Refusals raise `CoSigningError` (a `ProcedureError`) and change nothing.
"""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User
from accounts.roles import Role
from decisions import registry
from decisions import services as decision_services
from decisions.bounds import recent_date_bounds
from decisions.errors import ProcedureError
from decisions.models import Decision, Step
from decisions.permissions import Action, acting_role, first_allowed
from decisions.procedure import StepKind, StepStatus
from decisions.services.base import awaits_taking_up, ensure_not_ended, lock_step, open_step, optional_text, save_record
from workdays.calendar import WorkingDayCalendar, add_working_days

from .models import CoSigningRequest, DepartmentConsultation

# The organ's procedure profile has no minimum for the answers: three working days after today, at least.
MIN_REPLY_WORKING_DAYS = 3
TEXT_MAX = 5000
# The roles that answer for a requested organization (the roles bound to a unit).
ANSWERING_ROLES = (Role.DRAFTER, Role.DEPT_HEAD)
# The answers a department gives; the last two need their text (the changes asked for, the reasons).
GIVEN_ANSWERS = (
    CoSigningRequest.Answer.AGREE,
    CoSigningRequest.Answer.AGREE_WITH_CHANGES,
    CoSigningRequest.Answer.DISAGREE,
)
NEEDS_TEXT = (CoSigningRequest.Answer.AGREE_WITH_CHANGES, CoSigningRequest.Answer.DISAGREE)
# While the unit works on the step, the departments answer and the unit states its views.
WORKING_STATUSES = (StepStatus.OPEN, StepStatus.RETURNED)
UNIT_ACTIONS = (Action.WORK_ON_STEP, Action.APPROVE_STEP)
NOTICE_PREFIX = "cosign:"
REMINDER_PREFIX = "cosign-due:"


class CoSigningError(ProcedureError):
    """A refused act of co-signing; `status` is the HTTP status it stands for (the API answers by the code, through
    `ApiRefusal.answering`, to the same effect: permission.* 403, a refused value 400, too late 409)."""

    def __init__(self, code, message, *, status: int = 400, fields=()):
        super().__init__(code, message, fields=fields)
        self.status = status


# ---------------------------------------------------------------- who is asked, who answers


def answering_condition(user) -> Q:
    """The requests `user`'s organization answers (a condition on CoSigningRequest): to it, to its parent or to its
    grandparent — in SQL, without reading the tree first. No roles checked here (see `may_answer`)."""
    if not getattr(user, "organization_id", None):
        return Q(pk__in=[])
    org = user.organization_id
    return Q(organization_id=org) | Q(organization__children__id=org) | Q(organization__children__children__id=org)


def _holds_answering_role(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and set(user.role_names) & {r.value for r in ANSWERING_ROLES}
    )


def requested_decisions_scope(user) -> Q:
    """The decisions a drafter or head sees because their organization was asked to co-sign them (registered as a
    scope of both roles: seeing, not acting — their roles act only on their own unit's decisions)."""
    return Q(
        pk__in=CoSigningRequest.objects.filter(answering_condition(user)).values("step__decision_id"),
    )


def register_scope() -> None:
    for role in ANSWERING_ROLES:
        registry.register_scope(role, requested_decisions_scope)


def may_answer(user, request: CoSigningRequest) -> ProcedureError | None:
    """Why `user` may not answer `request` (None: they may)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return CoSigningError("permission.login", _("You must be logged in."), status=403)
    if not _holds_answering_role(user):
        return CoSigningError(
            "permission.role",
            _("Decree 713 Art. 13: a drafter or the head of the department consulted answers for it."),
            status=403,
        )
    if not CoSigningRequest.objects.filter(answering_condition(user), pk=request.pk).exists():
        return CoSigningError(
            "permission.not_consulted",
            _("Decree 713 Art. 13: only the department or government consulted answers; yours was not asked."),
            status=403,
        )
    return None


def co_signing_candidates(decision: Decision) -> list[Organization]:
    """Whom the unit may ask: the departments of the decision's organ and the governments directly below it, not the
    undertaking unit itself (nor a unit inside it). Ordered by code."""
    organ = decision.organ
    below = organ.descendant_ids() - {organ.pk}
    rows = {org.pk: org for org in Organization.objects.filter(pk__in=below | {organ.pk})}
    unit_subtree = {decision.undertaking_unit_id}
    changed = True
    while changed:  # the undertaking unit's own subtree, from the rows at hand
        changed = False
        for org in rows.values():
            if org.parent_id in unit_subtree and org.pk not in unit_subtree:
                unit_subtree.add(org.pk)
                changed = True

    def nearest_government(org):
        node = rows.get(org.parent_id)
        while node is not None and node.kind != Organization.Kind.GOVERNMENT:
            node = rows.get(node.parent_id)
        return node

    chosen = []
    for org in rows.values():
        if org.pk == organ.pk or org.pk in unit_subtree:
            continue
        # The organ's own departments, and the governments directly below it (not their departments).
        if (
            org.kind in (Organization.Kind.GOVERNMENT, Organization.Kind.DEPARTMENT)
            and nearest_government(org) == organ
        ):
            chosen.append(org)
    return sorted(chosen, key=lambda org: org.code)


def earliest_due_on(today: date | None = None) -> date:
    return add_working_days(today or timezone.localdate(), MIN_REPLY_WORKING_DAYS).value


def silence_text(due_on: date) -> str:
    return _("No answer by the deadline (%(date)s): recorded as no objection at the deadline.") % {
        "date": due_on.isoformat()
    }


# ---------------------------------------------------------------- the step's record follows the requests


def _in_site_language(function, *args):
    with translation.override(settings.LANGUAGE_CODE):
        return function(*args)


def _record_texts(requests: list[CoSigningRequest]) -> tuple[str, str]:
    lines, disagreements = [], []
    for request in requests:
        if request.answer == CoSigningRequest.Answer.PENDING:
            line = _("%(org)s: not answered yet (answer due by %(date)s)") % {
                "org": request.organization.name,
                "date": request.due_on.isoformat(),
            }
        else:
            line = f"{request.organization.name}：{CoSigningRequest.Answer(request.answer).label}"
            if request.answer_text:
                line += f"（{request.answer_text}）"
            if request.answer == CoSigningRequest.Answer.DISAGREE and request.resolved:
                line += "（" + _("resolved after talks") + "）"
        lines.append(line)
        if request.answer == CoSigningRequest.Answer.DISAGREE and not request.resolved:
            entry = _("%(org)s: %(text)s") % {"org": request.organization.name, "text": request.answer_text}
            entry += "\n" + _("The undertaking unit's view: %(view)s") % {"view": request.unit_view or _("not given")}
            disagreements.append(entry)
    return "\n".join(lines), "\n\n".join(disagreements)


def _sync_record(step: Step, actor: User | None) -> DepartmentConsultation:
    """The step's record from its requests: who was asked and their answers, the open disagreements, the latest
    deadline (which the step's due date reads: `review.steps.department_consultation_due`)."""
    requests = list(CoSigningRequest.objects.filter(step=step).select_related("organization").order_by("id"))
    record = DepartmentConsultation.objects.filter(step=step).first() or DepartmentConsultation(step=step)
    record.units_consulted, record.disagreements = _in_site_language(_record_texts, requests)
    record.reply_due_on = max((request.due_on for request in requests), default=None)
    save_record(record, actor)
    return record


def waiting_refusal(step: Step) -> ProcedureError | None:
    """Why the step may not be submitted yet: departments asked that have neither answered nor seen their deadline
    pass (named, with their deadlines). None without requests, or when every one was answered or recorded silent."""
    waiting = list(
        CoSigningRequest.objects.filter(step=step, answer=CoSigningRequest.Answer.PENDING)
        .select_related("organization")
        .order_by("due_on", "id")
    )
    if not waiting:
        return None
    names = "、".join(
        _("%(org)s (by %(date)s)") % {"org": request.organization.name, "date": request.due_on.isoformat()}
        for request in waiting
    )
    return ProcedureError(
        "cosigning.waiting",
        _(
            "Decree 713 Art. 13: every department consulted answers, or its deadline passes (recorded as no "
            "objection), before the step is submitted; still waiting for: %(names)s."
        )
        % {"names": names},
    )


# ---------------------------------------------------------------- sending


def _organization_ids(organizations) -> list[int]:
    ids = []
    for org in organizations or ():
        pk = org.pk if isinstance(org, Organization) else org
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise CoSigningError(
                "cosigning.organization",
                _("Choose the departments or governments to consult from the list."),
                fields=("organizations",),
            ) from None
        if pk not in ids:
            ids.append(pk)
    return ids


def _check_due_on(due_on, today: date) -> None:
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        raise CoSigningError("cosigning.due_on", _("Give the day the answers are due."), fields=("due_on",))
    if due_on <= today:
        raise CoSigningError(
            "cosigning.due_past",
            _("Decree 713 Art. 13: the answers are due on a day to come, not on %(date)s.")
            % {"date": due_on.isoformat()},
            fields=("due_on",),
        )
    earliest = earliest_due_on(today)
    if due_on < earliest:
        raise CoSigningError(
            "cosigning.due_too_soon",
            _(
                "Decree 713 Art. 13: the departments get at least %(days)s working days to answer: the answers are "
                "due on %(earliest)s or later."
            )
            % {"days": MIN_REPLY_WORKING_DAYS, "earliest": earliest.isoformat()},
            fields=("due_on",),
        )
    if due_on > recent_date_bounds()[1]:
        raise CoSigningError(
            "cosigning.due_far", _("The answers are due within a year from today."), fields=("due_on",)
        )
    if not WorkingDayCalendar().is_working_day(due_on)[0]:
        raise CoSigningError(
            "cosigning.due_rest_day",
            _("Decree 713 Art. 13: the answers are due on a working day; %(date)s is a rest day.")
            % {"date": due_on.isoformat()},
            fields=("due_on",),
        )


@transaction.atomic
def send_for_co_signing(*, step: Step, actor: User, organizations, due_on: date) -> list[CoSigningRequest]:
    """The undertaking unit's drafter sends the draft to the departments and lower governments whose duties it
    touches, with the day their answers are due (Art. 13). An optional step is taken up by it. More departments may
    be asked later in the same round; one already asked is not asked twice."""
    decision, step = lock_step(step)
    if step.kind != StepKind.DEPARTMENT_CONSULTATION:
        raise CoSigningError(
            "cosigning.wrong_step", _("Only the department consultation step sends the draft for co-signing.")
        )
    refusal = decision_services.step_action_refusals(step, actor)["edit"]
    if refusal is not None:
        raise CoSigningError(
            refusal.code, refusal.message, status=403 if refusal.code.startswith("permission.") else 409
        )
    ids = _organization_ids(organizations)
    if not ids:
        raise CoSigningError(
            "cosigning.no_organization",
            _("Decree 713 Art. 13: choose at least one department or government whose duties the draft touches."),
            fields=("organizations",),
        )
    if decision.undertaking_unit_id in ids:
        raise CoSigningError(
            "cosigning.own_unit",
            _("Decree 713 Art. 13: the undertaking unit consults the other departments, not itself."),
            fields=("organizations",),
        )
    candidates = {org.pk: org for org in co_signing_candidates(decision)}
    if any(pk not in candidates for pk in ids):
        raise CoSigningError(
            "cosigning.organization",
            _(
                "Decree 713 Art. 13: the draft goes to the departments of the decision organ and to the lower "
                "governments, other than the undertaking unit."
            ),
            fields=("organizations",),
        )
    asked = set(
        CoSigningRequest.objects.filter(step=step, organization_id__in=ids).values_list("organization_id", flat=True)
    )
    if asked:
        raise CoSigningError(
            "cosigning.already_asked",
            _("Already asked in this round: %(names)s.")
            % {"names": "、".join(candidates[pk].name for pk in ids if pk in asked)},
            fields=("organizations",),
        )
    _check_due_on(due_on, timezone.localdate())

    if awaits_taking_up(decision, step):  # an optional step opens when the drafter takes it up
        open_step(step, actor, due=False)  # due by the answers' deadline, set below
    requests = [
        CoSigningRequest.objects.create(step=step, organization=candidates[pk], sent_by=actor, due_on=due_on)
        for pk in ids
    ]
    record = _sync_record(step, actor)
    record_event(
        actor=actor,
        action="co_signing.sent",
        obj=step,
        decision_id=decision.pk,
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        after={
            "organizations": [candidates[pk].code for pk in ids],
            "requests": [request.pk for request in requests],
            "due_on": due_on,
        },
    )
    decision_services.set_due_date(
        step,
        actor,
        _("the draft was sent for co-signing: the answers are due by %(date)s")
        % {"date": record.reply_due_on.isoformat()},
        record=record,
    )
    _tell_the_departments(decision, step, requests)
    return requests


def _tell_the_departments(decision: Decision, step: Step, requests: list[CoSigningRequest]) -> int:
    """A notice in the workspace (and by mail, as the recipient chose) to each drafter and head of each requested
    organization: once per request."""
    for request in requests:
        request.step = step
    return _notify(
        requests,
        NOTICE_PREFIX,
        lambda request: (
            _("your opinion is asked (co-signing), answer by %(date)s") % {"date": request.due_on.isoformat()}
        ),
    )


def _notify(requests: list[CoSigningRequest], prefix: str, text) -> int:
    """One notice per request to each drafter and head of its organization (or of a unit at most two levels below
    it, as `answering_condition` reads it), once: the notices' unique (recipient, step, threshold) keeps a second
    run from telling anyone twice. Returns the notices offered."""
    from notifications.models import Notice

    if not requests:
        return 0
    org_ids = {request.organization_id for request in requests}
    users = list(
        User.objects.filter(is_active=True, groups__name__in=[role.value for role in ANSWERING_ROLES])
        .filter(
            Q(organization_id__in=org_ids)
            | Q(organization__parent_id__in=org_ids)
            | Q(organization__parent__parent_id__in=org_ids)
        )
        .select_related("organization__parent")
        .distinct()
    )
    url = reverse("review:co_signing_inbox")
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for request in requests:
            decision = request.step.decision
            subject = f"{decision.number} {decision.title}：" + text(request)
            for user in users:
                org = user.organization
                chain = {org.pk, org.parent_id, org.parent.parent_id if org.parent else None}
                if request.organization_id in chain:
                    notices.append(
                        Notice(
                            recipient=user,
                            kind=Notice.Kind.REMINDER,
                            step_id=request.step_id,
                            decision_id=decision.pk,
                            threshold=f"{prefix}{request.pk}",
                            subject=subject[:300],
                            url=url,
                            due_on=request.due_on,
                        )
                    )
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def remind_departments(now: datetime | None = None) -> int:
    """The departments still to answer are reminded once, on the last working day before their deadline or on the
    deadline itself (whichever comes first after the request). Idempotent; returns the requests newly reminded."""
    from notifications.models import Notice

    today = timezone.localdate(now) if now is not None else timezone.localdate()
    horizon = add_working_days(today, 1).value
    due = list(
        CoSigningRequest.objects.filter(
            answer=CoSigningRequest.Answer.PENDING, due_on__gte=today, due_on__lte=horizon
        ).select_related("step__decision")
    )
    thresholds = [f"{REMINDER_PREFIX}{request.pk}" for request in due]
    reminded = set(Notice.objects.filter(threshold__in=thresholds).values_list("threshold", flat=True))
    fresh = [request for request in due if f"{REMINDER_PREFIX}{request.pk}" not in reminded]
    _notify(
        fresh,
        REMINDER_PREFIX,
        lambda request: (
            _("reminder: the co-signing answer is due by %(date)s; no answer by then counts as no objection")
            % {"date": request.due_on.isoformat()}
        ),
    )
    return len(fresh)


# ---------------------------------------------------------------- answering


def _lock(request: CoSigningRequest) -> CoSigningRequest:
    return (
        CoSigningRequest.objects.select_for_update(of=("self",))
        .select_related("step__decision", "organization")
        .get(pk=request.pk)
    )


def _ensure_step_waiting(step: Step) -> None:
    ensure_not_ended(step.decision)
    if step.status not in WORKING_STATUSES:
        raise CoSigningError(
            "cosigning.step_not_open",
            _("Decree 713 Art. 13: the department consultation is “%(status)s”; it no longer takes answers.")
            % {"status": StepStatus(step.status).label},
            status=409,
        )


@transaction.atomic
def answer_co_signing(*, request: CoSigningRequest, actor: User, answer: str, text: str = "") -> CoSigningRequest:
    """The department consulted answers, in the system, until its deadline: agree, agree with changes (which), or
    disagree (with its reasons). It may change its answer until the deadline."""
    request = _lock(request)
    refusal = may_answer(actor, request)
    if refusal is not None:
        raise refusal
    if request.answer == CoSigningRequest.Answer.SILENT:
        raise CoSigningError(
            "cosigning.silence_recorded",
            _(
                "Decree 713 Art. 13: the deadline of %(date)s passed without an answer, which was recorded as no "
                "objection; the answer can no longer be given here."
            )
            % {"date": request.due_on.isoformat()},
            status=409,
        )
    if request.due_on < timezone.localdate():
        raise CoSigningError(
            "cosigning.deadline_passed",
            _("Decree 713 Art. 13: the answer was due by %(date)s; the deadline has passed.")
            % {"date": request.due_on.isoformat()},
            status=409,
        )
    _ensure_step_waiting(request.step)
    if answer not in GIVEN_ANSWERS:
        raise CoSigningError(
            "cosigning.answer",
            _("Answer agree, agree with changes or disagree."),
            fields=("answer",),
        )
    text = optional_text(text, ("text",))
    if answer in NEEDS_TEXT and not text:
        message = (
            _("Decree 713 Art. 13: a disagreement gives its reasons.")
            if answer == CoSigningRequest.Answer.DISAGREE
            else _("Decree 713 Art. 13: say which changes the agreement asks for.")
        )
        raise CoSigningError("cosigning.reasons", message, fields=("text",))
    if len(text) > TEXT_MAX:
        raise CoSigningError(
            "cosigning.too_long", _("At most %(limit)s characters.") % {"limit": TEXT_MAX}, fields=("text",)
        )
    before = {"answer": request.answer}
    request.answer, request.answer_text = answer, text
    request.answered_by, request.answered_at = actor, timezone.now()
    if answer != CoSigningRequest.Answer.DISAGREE:
        request.resolved = False
    request.save()
    _sync_record(request.step, actor)
    decision = request.step.decision
    record_event(
        actor=actor,
        action="co_signing.answered",
        obj=request,
        decision_id=decision.pk,
        role=next((role.value for role in ANSWERING_ROLES if role.value in actor.role_names), None),
        before=before,
        after={"answer": answer, "organization": request.organization.code, "step": request.step_id},
    )
    return request


# ---------------------------------------------------------------- the clock: silence is no objection


def record_silence(now: datetime | None = None) -> list[int]:
    """Each request whose deadline (the due day, local time) has passed without an answer is recorded as no
    objection, saying so. Idempotent: run it every minute; with nothing to do it costs one query. Returns the ids."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        CoSigningRequest.objects.filter(answer=CoSigningRequest.Answer.PENDING, due_on__lt=today).values_list(
            "pk", flat=True
        )
    )
    done = []
    for pk in due:
        with transaction.atomic():
            request = (
                CoSigningRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("step", "organization")
                .filter(pk=pk, answer=CoSigningRequest.Answer.PENDING)
                .first()
            )
            if request is None:  # answered meanwhile, or another run holds it
                continue
            request.answer = CoSigningRequest.Answer.SILENT
            request.answer_text = _in_site_language(silence_text, request.due_on)
            request.answered_at = now
            request.save(update_fields=["answer", "answer_text", "answered_at"])
            _sync_record(request.step, None)
            record_event(
                actor=None,
                action="co_signing.silence_recorded",
                obj=request,
                decision_id=request.step.decision_id,
                before={"answer": CoSigningRequest.Answer.PENDING},
                after={"answer": request.answer, "organization": request.organization.code, "due_on": request.due_on},
            )
            done.append(pk)
    return done


# ---------------------------------------------------------------- the unit's view of a disagreement


def _unit_role(actor: User, decision: Decision) -> Action:
    action, verdict = first_allowed(actor, UNIT_ACTIONS, decision)
    if action is None:
        raise CoSigningError(verdict.code, verdict.message, status=403)
    return action


@transaction.atomic
def record_unit_view(*, request: CoSigningRequest, actor: User, view: str, resolved: bool = False) -> CoSigningRequest:
    """The undertaking unit (its drafter or head) states its view on a department's disagreement — listed for the
    meeting beside the department's — or marks it resolved after talks."""
    request = _lock(request)
    decision = request.step.decision
    action = _unit_role(actor, decision)
    _ensure_step_waiting(request.step)
    if request.answer != CoSigningRequest.Answer.DISAGREE:
        raise CoSigningError(
            "cosigning.not_a_disagreement",
            _("Decree 713 Art. 13: the unit states its view on a disagreement; this department did not disagree."),
            status=409,
        )
    view = optional_text(view, ("unit_view",))
    resolved = bool(resolved)
    if not view and not resolved:
        raise CoSigningError(
            "cosigning.unit_view",
            _("Decree 713 Art. 13: state the unit's view of the disagreement, or mark it resolved after talks."),
            fields=("unit_view",),
        )
    if len(view) > TEXT_MAX:
        raise CoSigningError(
            "cosigning.too_long", _("At most %(limit)s characters.") % {"limit": TEXT_MAX}, fields=("unit_view",)
        )
    before = {"resolved": request.resolved, "has_view": bool(request.unit_view)}
    request.unit_view, request.resolved = view or request.unit_view, resolved
    request.save(update_fields=["unit_view", "resolved"])
    _sync_record(request.step, actor)
    record_event(
        actor=actor,
        action="co_signing.unit_view",
        obj=request,
        decision_id=decision.pk,
        role=acting_role(actor, action, decision),
        before=before,
        after={
            "resolved": request.resolved,
            "has_view": bool(request.unit_view),
            "organization": request.organization.code,
        },
    )
    return request
