"""Reads of decisions and steps used by several views, the API and reports."""

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.roles import ORGAN_WIDE_ROLES, Role
from workdays.calendar import WorkingDayCalendar, using_calendar, working_days_left

from . import registry
from .deadlines import DueStanding
from .models import (
    Decision,
    Document,
    Execution,
    ExecutionProblemReport,
    Meeting,
    ProcedureProfile,
    Publication,
    Step,
)
from .permissions import UNIT_ROLES
from .procedure import (
    ACTIVE_STATES,
    ALL_STEPS,
    NOT_APPLICABLE_STATUSES,
    PRE_DISCUSSION_STEPS,
    PUBLIC_STATES,
    UNIT_RUN_STEPS,
    Requirement,
    State,
    StepKind,
    StepStatus,
)

UNIT_STEP_KINDS = [kind.value for kind in UNIT_RUN_STEPS]


def current_steps(decision: Decision) -> dict[str, Step]:
    """The latest round of each step kind (uses a prefetched `steps` when there is one)."""
    latest: dict[str, Step] = {}
    for step in decision.steps.all():
        if step.kind not in latest or step.round > latest[step.kind].round:
            latest[step.kind] = step
    return latest


def ordered_current_steps(decision: Decision) -> list[Step]:
    steps = current_steps(decision)
    return [steps[kind] for kind in ALL_STEPS if kind in steps]


def _visible_parts(user) -> list[tuple[str, object] | Q]:
    """What the user sees, as (decision lookup, value) pairs or, for what step apps add, conditions on Decision."""
    roles = set(user.role_names)
    parts: list[tuple[str, object] | Q] = []
    if roles & {r.value for r in UNIT_ROLES}:
        subtree = user.organization.descendant_ids()
        parts += [("undertaking_unit_id__in", subtree), ("execution_unit_id__in", subtree)]
    if roles & {r.value for r in ORGAN_WIDE_ROLES}:
        organ = user.organization.organ
        if organ is not None:
            parts.append(("organ_id", organ.pk))
    if Role.EVALUATOR in roles:
        parts.append(("evaluator_org_id__in", user.organization.descendant_ids()))
    for role in roles & registry.scope_roles():  # what step apps add (an expert: the decisions assigned to them)
        added = registry.added_scope(user, role)
        if added is not None:
            parts.append(added)
    return parts


def visible_condition(parts: list[tuple[str, object] | Q], prefix: str = "") -> Q:
    """The condition of `visible_decisions` on the decision's own columns, or through a relation `prefix`
    ("decision__": on steps) — a join on the decision's columns (organ_id, units), never `IN (subquery)`, except
    for what step apps add (conditions on Decision, applied through a subquery)."""
    condition = Q(**{f"{prefix}pk__in": []})
    for part in parts:
        if isinstance(part, Q):
            condition |= part if not prefix else Q(**{f"{prefix}in": Decision.objects.filter(part)})
        else:
            condition |= Q(**{f"{prefix}{part[0]}": part[1]})
    return condition


def visible_decisions(user) -> QuerySet[Decision]:
    """Decisions the user may see in the staff workspace: their unit's, their organ's, or assigned to them."""
    if not user.is_authenticated or not user.organization_id:
        return Decision.objects.none()
    return Decision.objects.filter(visible_condition(_visible_parts(user)))


def decisions_moving_with(organization: Organization, new_parent: Organization) -> list[str]:
    """The decisions whose scope changes when `organization` moves under `new_parent`: those it (or a unit below it)
    undertakes or executes — the unit roles above it then reach them, those above it before no longer do."""
    subtree = organization.descendant_ids()
    moving = Decision.objects.filter(Q(undertaking_unit_id__in=subtree) | Q(execution_unit_id__in=subtree))
    return [f"{decision.number} {decision.title}" for decision in moving.order_by("number")]


def organ_units(decision: Decision) -> QuerySet[Organization]:
    """The departments and offices of the decision's organ (who may execute it)."""
    kinds = [Organization.Kind.DEPARTMENT, Organization.Kind.GOVERNMENT_OFFICE, Organization.Kind.LEGAL_OFFICE]
    return Organization.objects.filter(pk__in=decision.organ.descendant_ids(), kind__in=kinds)


def independent_bodies(decision: Decision) -> QuerySet[Organization]:
    """The third-party bodies and expert institutions of the decision's organ (assessors, evaluators)."""
    kinds = [Organization.Kind.THIRD_PARTY, Organization.Kind.EXPERT_INSTITUTION]
    return Organization.objects.filter(pk__in=decision.organ.descendant_ids(), kind__in=kinds)


def latest_publication(decision: Decision) -> Publication | None:
    """How the decision in force was published (during an adjustment, the previous round's publication)."""
    return Publication.objects.filter(step__decision=decision).order_by("-step__round").first()


@dataclass(frozen=True)
class PublishedVersion:
    """One version of the decision as published (Art. 32, 37): the first publication, then each adopted adjustment's."""

    number: int
    publication: Publication
    adjustment: object | None  # the Adjustment this publication ended (None: the original decision)
    texts: list  # the public decision text documents of this version

    @property
    def change(self) -> str:
        return self.adjustment.reason if self.adjustment is not None else ""

    @property
    def media(self) -> list[str]:
        return media_labels(self.publication)


def media_labels(publication: Publication | None) -> list[str]:
    """The names of the media a publication went out in (its stored values, in the order given)."""
    names = dict(Publication.Medium.choices)
    return [str(names.get(medium, medium)) for medium in (publication.media if publication else [])]


def published_versions(decision: Decision) -> list[PublishedVersion]:
    """The decision's versions over its life, oldest first: each done round of the publication step with its record,
    the adjustment it published (its reason is what changed) and the decision text published with it."""
    publications = (
        Publication.objects.filter(step__decision=decision, step__kind=StepKind.PUBLICATION, step__status="done")
        .select_related("step")
        .order_by("step__round")
    )
    adjustments = {adjustment.number: adjustment for adjustment in decision.adjustments.all()}
    texts = list(decision.documents.filter(kind=Document.Kind.DECISION_TEXT, is_public=True).order_by("uploaded_at"))
    versions, since = [], None
    for number, publication in enumerate(publications, start=1):
        step = publication.step
        adjustment = adjustments.get(step.adjustment_round) if step.adjustment_round else None
        start = adjustment.started_at if adjustment is not None else since
        end = step.completed_at
        mine = [
            text
            for text in texts
            if (start is None or text.uploaded_at > start) and (end is None or text.uploaded_at <= end)
        ]
        versions.append(PublishedVersion(number, publication, adjustment, mine[-1:]))
        since = end
    return versions


def step_rows(step: Step) -> list[tuple[str, object]]:
    """Everything recorded on a step, as (label, text) rows: its owner's typed record or the procedure's own."""
    return record_rows(step) + procedure_record_rows(step)


def step_workspace(step: Step) -> tuple[str, str] | None:
    """(label, url) of the page where the step app does the step's own work (None: the step is its form)."""
    owner = registry.owner_of(step.kind)
    return owner.workspace(step) if owner is not None and owner.workspace is not None else None


def materials_pack(decision: Decision) -> list[dict]:
    """What the meeting reads for a decision (Art. 30): the draft and its explanation, the legality review's
    opinion, each pre-discussion step that applies with its documents, and what the step apps add (registered);
    each row {"label", "ok", "detail", "documents"} — `ok` False names what is missing."""
    documents = list(decision.documents.order_by("kind", "-version"))
    latest = {}
    for document in documents:
        latest.setdefault(document.kind, document)
    rows = [
        {
            "label": str(Document.Kind(kind).label),
            "ok": kind in latest,
            "detail": latest[kind].title if kind in latest else _("missing"),
            "documents": [latest[kind]] if kind in latest else [],
        }
        for kind in (Document.Kind.DRAFT, Document.Kind.EXPLANATION)
    ]
    steps = current_steps(decision)
    legality = steps.get(StepKind.LEGALITY_REVIEW)
    review = registry.record_of(legality) if legality is not None else None
    opinion = review.get_opinion_display() if review is not None and getattr(review, "opinion", "") else ""
    rows.append(
        {
            "label": str(StepKind.LEGALITY_REVIEW.label),
            "ok": legality is not None and legality.status == StepStatus.DONE,
            "detail": " · ".join(
                part for part in (opinion, getattr(review, "legal_risk", "") if review else "") if part
            )
            or _("missing"),
            "documents": [],
        }
    )
    by_step: dict[int, list] = {}
    for document in documents:
        if document.step_id:
            by_step.setdefault(document.step_id, []).append(document)
    for kind in PRE_DISCUSSION_STEPS:
        step = steps.get(kind)
        if step is None or step.requirement == Requirement.NOT_APPLICABLE:
            continue
        done = step.status == StepStatus.DONE
        rows.append(
            {
                "label": str(StepKind(kind).label),
                "ok": done or step.requirement != Requirement.REQUIRED,
                "detail": str(StepStatus(step.status).label),
                "documents": by_step.get(step.pk, []),
            }
        )
    rows.extend(_superior_report_rows(steps, by_step))
    return rows + registry.meeting_materials(decision)


def _superior_report_rows(steps: dict, by_step: dict) -> list[dict]:
    """The reports to the party committee and the congress (Art. 31, Art. 8) that apply: to whom and when, the
    response, the report sent (the step's documents)."""
    rows = []
    for kind in (StepKind.PARTY_REPORT, StepKind.CONGRESS_REPORT):
        step = steps.get(kind)
        if step is None or step.requirement == Requirement.NOT_APPLICABLE:
            continue
        report = registry.record_of(step)
        facts = [str(StepStatus(step.status).label)]
        if report is not None and report.recipient:
            facts.append(
                _("to %(recipient)s on %(date)s")
                % {"recipient": report.recipient, "date": report.reported_on.isoformat() if report.reported_on else "—"}
            )
        if report is not None and report.summary:
            facts.append(_("response: %(response)s") % {"response": report.summary})
        rows.append(
            {
                "label": str(StepKind(kind).label),
                "ok": step.status == StepStatus.DONE or step.requirement != Requirement.REQUIRED,
                "detail": " · ".join(facts),
                "documents": by_step.get(step.pk, []),
            }
        )
    return rows


def procedure_record_rows(step: Step) -> list[tuple[str, object]]:
    """The records `decisions` keeps itself (the meeting, publication, execution) as (label, text) rows."""
    if step.kind == StepKind.COLLECTIVE_DISCUSSION:
        return meeting_rows(step)
    if step.kind == StepKind.PUBLICATION:
        publication = Publication.objects.filter(step=step).first()
        if publication is None:
            return []
        fields = ("published_on", "channels", "link", "opinions_explanation")
        return [(Publication._meta.get_field(name).verbose_name, getattr(publication, name)) for name in fields]
    if step.kind == StepKind.EXECUTION:
        execution = Execution.objects.filter(step=step).select_related("unit").first()
        rows = []
        if execution is not None:
            rows.append((Execution._meta.get_field("unit").verbose_name, execution.unit))
            if execution.ended_by:
                rows.append((Execution._meta.get_field("ended_by").verbose_name, execution.get_ended_by_display()))
        reports = step.execution_reports.select_related("reported_by")
        if reports:
            rows.append((_("Progress reports"), "\n".join(str(report) for report in reports)))
        return rows
    return []


def meeting_rows(step: Step) -> list[tuple[str, object]]:
    """The meeting record of a collective-discussion round as (label, text) rows: every view in the order spoken,
    the head last, dissent and a departure from the majority named."""
    meeting = Meeting.objects.filter(step=step).prefetch_related("speakers").first()
    if meeting is None:
        return []
    field = Meeting._meta.get_field
    rows = [
        (field("name").verbose_name, meeting.name),
        (field("held_on").verbose_name, meeting.held_on),
        (_("Present / members"), f"{meeting.present} / {meeting.members_total}"),
        (
            _("Members' views, in the order spoken"),
            "\n".join(
                f"{speaker}" + (f"（{speaker.remarks}）" if speaker.remarks else "")
                for speaker in meeting.speakers.all()
            ),
        ),
        (field("head_name").verbose_name, meeting.head_name),
        (field("head_statement").verbose_name, meeting.head_statement),
        (field("outcome").verbose_name, meeting.get_outcome_display()),
        (field("majority").verbose_name, meeting.get_majority_display() or "—"),
    ]
    if meeting.head_departed_from_majority:
        rows.append((_("The head decided against the majority"), meeting.head_departure_reason))
    if meeting.dissenters:
        rows.append((_("Dissenting members"), "、".join(meeting.dissenters)))
    return rows


def record_values(step: Step) -> dict:
    """A step's typed record as the values of its form's fields (empty when nothing was recorded)."""
    owner, record = registry.owner_of(step.kind), registry.record_of(step)
    if owner is None or record is None:
        return {}
    return {name: getattr(record, name) for name in owner.form_class.base_fields}


def record_rows(step: Step) -> list[tuple[str, object]]:
    """A step's typed record as (label, text) rows, in the order of the form its owner registered."""
    record = registry.record_of(step)
    if record is None:
        return []
    rows = []
    for model_field in record._meta.concrete_fields:
        if model_field.name in ("id", "step"):
            continue
        value = getattr(record, model_field.name)
        if value in (None, ""):
            continue
        if model_field.choices:
            value = getattr(record, f"get_{model_field.name}_display")()
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, Document):
            value = f"{value.title} v{value.version} · SHA-256 {value.sha256[:16]}…"
        rows.append((model_field.verbose_name, value))
    return rows


def public_decisions() -> QuerySet[Decision]:
    """Published decisions, including those whose adjustment is under way (the decision in force keeps its status)."""
    lawfully_confidential = Q(is_confidential=True, confidentiality_confirmed_by__isnull=False)
    return Decision.objects.filter(status__in=PUBLIC_STATES).exclude(lawfully_confidential)


def in_procedure_state(*states: str, prefix: str = "") -> Q:
    """Decisions whose procedure stands in one of `states`: their own status, or their running adjustment's stage."""
    return Q(**{f"{prefix}adjustment__isnull": True, f"{prefix}status__in": states}) | Q(
        **{f"{prefix}adjustment__stage__in": states}
    )


# ---------------------------------------------------------------- the staff workspace


@dataclass(frozen=True)
class Task:
    """One thing waiting for the user: what, on which decision, and by when (the due date, whether it is
    provisional, the working days left — negative when overdue)."""

    label: str
    decision: Decision
    step: Step | None = None
    due_on: date | None = None
    due_is_provisional: bool = False
    working_days_left: int | None = None

    @property
    def due(self) -> DueStanding | None:
        if self.due_on is None:
            return None
        return DueStanding(self.due_on, self.due_is_provisional, self.working_days_left, self._today)

    @property
    def _today(self) -> date:
        return timezone.localdate()


def _with_due(task: Task, today: date, calendar: WorkingDayCalendar) -> Task:
    """The task with its step's provisional flag and working days left, counted on the list's one calendar."""
    if task.due_on is None or task.step is None:
        return task
    return replace(
        task,
        due_is_provisional=task.step.due_is_provisional,
        working_days_left=working_days_left(task.due_on, today, calendar),
    )


def my_tasks(user, limit: int = 50) -> list[Task]:
    """What waits for this user, by role: steps to fill in or approve, opinions to give, meetings to record.

    Every list of steps is read bounded, `ORDER BY due_on, id LIMIT limit` (`id` for the "not applicable" proposals),
    on a partial index of Step holding just that list's rows in that order (models.Step.Meta.indexes): the database
    walks the index and stops after `limit` matches instead of sorting every pending row of the organ. The working
    days left are counted on one calendar for the whole list (the Holiday table read once per year it touches).
    """
    tasks: list[Task] = []
    if not user.is_authenticated or not user.organization_id:
        return tasks
    today = timezone.localdate()
    with using_calendar() as calendar:
        return [_with_due(task, today, calendar) for task in _tasks(user, limit)]


def _tasks(user, limit: int) -> list[Task]:
    roles = set(user.role_names)
    tasks: list[Task] = []
    parts = _visible_parts(user)
    visible = Decision.objects.filter(visible_condition(parts))
    # The steps of the visible decisions through the join (decision.organ_id = …), not `decision_id IN (subquery)`.
    steps = Step.objects.filter(visible_condition(parts, prefix="decision__")).select_related(
        "decision", "decision__undertaking_unit"
    )
    if Role.DRAFTER in roles:
        # Required steps only: optional ones wait on the decision page until someone takes them up.
        for step in steps.filter(
            in_procedure_state(State.DRAFTING, prefix="decision__"),
            status__in=["open", "returned"],
            kind__in=UNIT_STEP_KINDS,
            requirement="required",
        ).order_by("due_on", "pk")[:limit]:
            label = _("Returned — fix and resubmit") if step.status == "returned" else _("Fill in and submit")
            tasks.append(Task(str(label), step.decision, step, step.due_on))
        for decision in visible.filter(status="cataloged").select_related("undertaking_unit")[:limit]:
            tasks.append(Task(str(_("Start the procedure")), decision))
        # "Lawful with changes" (Art. 28): the undertaking unit revises the draft, until it uploads the revision.
        revised = Document.objects.filter(
            decision=OuterRef("decision"), kind=Document.Kind.DRAFT, uploaded_at__gt=OuterRef("reviewed_at")
        )
        for step in (
            steps.filter(
                in_procedure_state(State.LEGALITY_REVIEW, prefix="decision__"),
                kind=StepKind.LEGALITY_REVIEW,
                status="approved",
                outcome="lawful_with_changes",
                decision__undertaking_unit_id__in=user.organization.descendant_ids(),
            )
            .exclude(Exists(revised))
            .order_by("due_on", "pk")[:limit]
        ):
            tasks.append(Task(str(_("Revise the draft as the legality opinion asks")), step.decision, step))
    if Role.DEPT_HEAD in roles:
        # Two-person rule: a head is never offered the approval of their own submission.
        for step in (
            steps.filter(status="submitted", kind__in=UNIT_STEP_KINDS)
            .exclude(submitted_by=user)
            .order_by("due_on", "pk")[:limit]
        ):
            tasks.append(Task(str(_("Approve or return")), step.decision, step, step.due_on))
    organ = user.organization.organ
    if Role.LEGAL_REVIEWER in roles and organ is not None:
        # The organ's own steps, on the step's copy of the organ: one partial index (organ, due_on, id) in the
        # order shown, so the scan stops after `limit` rows instead of joining every decision of the organ first.
        organ_steps = Step.objects.filter(organ=organ).select_related("decision", "decision__undertaking_unit")
        for step in (
            organ_steps.filter(
                in_procedure_state(State.LEGALITY_REVIEW, prefix="decision__"),
                kind="legality_review",
                status__in=["submitted", "approved"],
            )
            .exclude(submitted_by=user)
            .order_by("due_on", "pk")[:limit]
        ):
            label = _("Give the legality opinion") if step.status == "submitted" else _("Confirm the changes")
            tasks.append(Task(str(label), step.decision, step, step.due_on))
        for step in (
            organ_steps.filter(
                requirement="required",
                not_applicable_proposed_by__isnull=False,
                status__in=NOT_APPLICABLE_STATUSES,
                decision__status__in=list(ACTIVE_STATES),
            )
            .exclude(not_applicable_proposed_by=user)
            .order_by("pk")[:limit]
        ):
            tasks.append(Task(str(_("Confirm “not applicable”")), step.decision, step))
    if Role.GOV_OFFICE in roles:
        labels = {
            "proposed": _("Enter in the catalog"),
            "awaiting_discussion": _("Record the collective decision"),
            "decided": _("Publish or start execution"),
            "published": _("Start execution"),
        }
        waiting = visible.filter(in_procedure_state(*labels)).select_related("undertaking_unit", "adjustment")
        for decision in waiting[:limit]:
            tasks.append(Task(str(labels[decision.procedure_state]), decision))
    if Role.EVALUATOR in roles:
        for decision in visible.filter(status="evaluating").select_related("undertaking_unit")[:limit]:
            tasks.append(Task(str(_("Complete the evaluation")), decision))
    return tasks[:limit]


# ---------------------------------------------------------------- problem reports from the public (Art. 35–36)


@dataclass(frozen=True)
class ProblemReportCounts:
    received: int  # not yet answered
    answered: int
    hidden: int

    @property
    def total(self) -> int:
        """The reports that count (the public's number, and the evaluation trigger's): every one not hidden."""
        return self.received + self.answered


def problem_report_counts(decision: Decision) -> ProblemReportCounts:
    """How many reports on the decision's execution are waiting, answered and hidden (one grouped query)."""
    rows = dict(
        ExecutionProblemReport.objects.filter(decision=decision)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    status = ExecutionProblemReport.Status
    return ProblemReportCounts(
        received=rows.get(status.RECEIVED, 0), answered=rows.get(status.ANSWERED, 0), hidden=rows.get(status.HIDDEN, 0)
    )


def evaluation_threshold(decision: Decision) -> int:
    """How many reports not hidden call for an evaluation (Art. 36; the organ profile's number, 0: never)."""
    return ProcedureProfile.for_organ(decision.organ).problem_reports_for_evaluation


def calls_for_evaluation(
    decision: Decision, counts: ProblemReportCounts | None = None, threshold: int | None = None
) -> bool:
    """Art. 36: the reports not hidden reached the threshold of the organ's profile (problem_reports_for_evaluation)."""
    counts = counts or problem_report_counts(decision)
    threshold = evaluation_threshold(decision) if threshold is None else threshold
    return bool(threshold) and counts.total >= threshold


def problem_reports_of(decision: Decision, status: str = ""):
    """The reports on a decision for its staff page, newest first, optionally of one status."""
    reports = ExecutionProblemReport.objects.filter(decision=decision).select_related("answered_by")
    return reports.filter(status=status) if status else reports
