from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization

from .fields import NoBulkUpdateQuerySet, ProtectedStatusField, status_unlocked
from .procedure import (
    ACTIVE_STATES,
    IN_FORCE_STATES,
    NOT_APPLICABLE_STATUSES,
    RUNNING_ADJUSTMENT_STAGES,
    STEP_OUTCOMES,
    AdjustmentPurpose,
    AdjustmentStage,
    MeetingOutcome,
    MemberView,
    Requirement,
    State,
    StepKind,
    StepStatus,
    adopting,
)
from .progress import PROGRESS_COLUMNS, PROGRESS_FIELDS, refresh_progress


def recorded_person(verbose_name):
    """Who did something in the procedure: optional until it is done, never deleted (the record keeps them)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


def default_required_steps() -> list[str]:
    # Decree 713's defaults: participation for public-interest matters (by flag), party report (Art. 31).
    return [StepKind.PARTY_REPORT.value]


# The key of `step_target_working_days` for the adjustment an emergency suspension calls for (Art. 37): the law sets
# no period, the organ does. Every other key is a step kind.
ADJUSTMENT_TARGET = "adjustment"
# The organ's targets (working days) for what the law gives no period: the undertaking unit's steps from when they
# open; the collective discussion from the lawful opinion; the publication from the decision (20 working days, as
# the Regulations on Open Government Information, Art. 26, give for information an organ makes); the evaluation
# once started; the adjustment after an emergency suspension, from the suspension. The legality review has its law's
# period (Art. 26) and the execution its report cadence: they take no target.
DEFAULT_STEP_TARGETS = {
    StepKind.PUBLIC_PARTICIPATION.value: 20,
    StepKind.HEARING.value: 20,
    StepKind.EXPERT_REVIEW.value: 20,
    StepKind.RISK_ASSESSMENT.value: 20,
    StepKind.FAIR_COMPETITION_REVIEW.value: 20,
    StepKind.DEPARTMENT_CONSULTATION.value: 20,
    StepKind.PARTY_REPORT.value: 20,
    StepKind.CONGRESS_REPORT.value: 20,
    StepKind.COLLECTIVE_DISCUSSION.value: 20,
    StepKind.PUBLICATION.value: 20,
    StepKind.POST_EVALUATION.value: 60,
    ADJUSTMENT_TARGET: 20,
}
# Reminders before a due date, in working days (0: on the day); read by the deadline scan (notifications).
DEFAULT_REMINDER_DAYS = (3, 1, 0)


def default_step_targets() -> dict[str, int]:
    return dict(DEFAULT_STEP_TARGETS)


def default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class ProcedureProfile(models.Model):
    """The numbers and defaults a decision organ's rules use; Decree 713's unless the organ tightens them."""

    organ = models.OneToOneField(
        Organization,
        verbose_name=_("decision organ"),
        on_delete=models.PROTECT,
        related_name="procedure_profile",
    )
    min_comment_days = models.PositiveSmallIntegerField(_("minimum public comment period (days)"), default=30)
    min_review_working_days = models.PositiveSmallIntegerField(
        _("minimum legality review period (working days)"), default=7
    )
    default_required_steps = models.JSONField(
        _("steps required by default"), default=default_required_steps, blank=True
    )
    reminder_days_before_due = models.JSONField(
        _("reminders (working days before a due date; 0 = on the day)"), default=default_reminder_days, blank=True
    )
    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("the legal office is told from (working days overdue)"), default=3
    )
    step_target_working_days = models.JSONField(
        _("targets where the law sets no period (working days, by step)"), default=default_step_targets, blank=True
    )
    min_hearing_notice_days = models.PositiveSmallIntegerField(
        _("hearing materials sent at least (days before the hearing)"), default=7
    )
    evaluation_after_months = models.PositiveSmallIntegerField(
        _("evaluation no earlier than (months of execution)"), default=12
    )
    evaluation_within_months_after_term = models.PositiveSmallIntegerField(
        _("evaluation of an expired decision within (months after its term)"), default=6
    )
    meeting_quorum_percent = models.PositiveSmallIntegerField(
        _("meeting quorum: more than this percentage of members present"), default=50
    )
    adjustment_after_evaluation_days = models.PositiveSmallIntegerField(
        _("an adjustment an evaluation calls for is decided within (days)"), default=90
    )
    # Art. 36: many reports from the public on a decision's execution call for its evaluation.
    problem_reports_for_evaluation = models.PositiveSmallIntegerField(
        _("problem reports from the public that call for an evaluation"), default=10
    )

    class Meta:
        verbose_name = _("procedure profile")
        verbose_name_plural = _("procedure profiles")

    def __str__(self) -> str:
        return str(_("Procedure profile of %(organ)s") % {"organ": self.organ})

    @property
    def default_required(self) -> frozenset[str]:
        return frozenset(self.default_required_steps or [])

    @classmethod
    def for_organ(cls, organ: Organization) -> "ProcedureProfile":
        """The organ's procedure profile, or Decree 713's defaults when the organ has none."""
        try:
            return organ.procedure_profile
        except cls.DoesNotExist:
            return cls(organ=organ)

    def target_working_days(self, key: str) -> int | None:
        """The organ's target for a step kind (or `ADJUSTMENT_TARGET`) in working days, else the default one."""
        targets = self.step_target_working_days or {}
        value = targets.get(str(key), DEFAULT_STEP_TARGETS.get(str(key)))
        return value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_STEP_TARGETS.get(str(key))


class Decision(models.Model):
    class ScopeCategory(models.TextChoices):
        PUBLIC_POLICY = "public_policy", _("Major public policy or measure")
        DEVELOPMENT_PLAN = "development_plan", _("Economic and social development plan")
        RESOURCES = "resources", _("Natural and cultural resources")
        PUBLIC_CONSTRUCTION = "public_construction", _("Major public construction project")
        OTHER = "other", _("Other matter of major public interest")

    number = models.CharField(_("number"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    # The keyword search's column (decisions/search.py): CJK bigrams and ASCII words of title, number and summary,
    # kept by the services that write those fields; GIN-indexed on PostgreSQL (migration 0017).
    search_text = models.TextField(_("search terms"), blank=True, default="", editable=False)
    year = models.PositiveSmallIntegerField(_("catalog year"))
    scope_category = models.CharField(_("scope (Decree 713 Art. 3)"), max_length=30, choices=ScopeCategory.choices)
    organ = models.ForeignKey(
        Organization,
        verbose_name=_("decision organ"),
        on_delete=models.PROTECT,
        related_name="organ_decisions",
    )
    undertaking_unit = models.ForeignKey(
        Organization,
        verbose_name=_("undertaking unit"),
        on_delete=models.PROTECT,
        related_name="undertaken_decisions",
    )
    execution_unit = models.ForeignKey(
        Organization,
        verbose_name=_("execution unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="executed_decisions",
    )
    evaluator_org = models.ForeignKey(
        Organization,
        verbose_name=_("evaluation body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluated_decisions",
    )
    status = ProtectedStatusField(
        _("status"), max_length=30, choices=State.choices, default=State.PROPOSED, db_index=True
    )

    affects_public_interest = models.BooleanField(_("affects the public interest or many people"), default=True)
    is_technical = models.BooleanField(_("professional or technical matter"), default=False)
    has_stability_risk = models.BooleanField(
        _("may affect social stability, safety, environment or finance"), default=False
    )
    affects_market_entities = models.BooleanField(_("touches market entities' economic activity"), default=False)
    touches_other_departments = models.BooleanField(_("touches other departments' duties"), default=False)
    requires_hearing = models.BooleanField(_("hearing required"), default=False)
    in_congress_report_list = models.BooleanField(_("on the congress-report list"), default=False)
    is_confidential = models.BooleanField(_("confidential (claimed by the undertaking unit)"), default=False)
    confidential_reason = models.TextField(_("legal basis for confidentiality"), blank=True)
    # Confidentiality takes steps out of the procedure (Art. 14, 32), so the legal office confirms it —
    # never the person who claimed it.
    confidentiality_claimed_by = recorded_person(_("confidentiality claimed by"))
    confidentiality_confirmed_by = recorded_person(_("confidentiality confirmed by"))
    confidentiality_confirmed_at = models.DateTimeField(_("confidentiality confirmed"), null=True, blank=True)

    term_end = models.DateField(_("term ends"), null=True, blank=True)
    # How many adjustments were started (each step round records the one it belongs to), and the one running now.
    adjustment_round = models.PositiveSmallIntegerField(_("adjustment round"), default=0)
    adjustment = models.ForeignKey(
        "Adjustment",
        verbose_name=_("adjustment under way"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    execution_started_at = models.DateTimeField(_("execution started"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The procedure's progress as the portal shows it, derived from the steps and kept by `Step.save`
    # (decisions/progress.py): not part of the decision's own history.
    steps_applicable = models.PositiveSmallIntegerField(_("steps that apply"), default=0, editable=False)
    steps_done_bits = models.PositiveIntegerField(_("step kinds done"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text", "steps_applicable", "steps_done_bits"])
    objects = NoBulkUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["organ", "number"], name="decision_number_unique_per_organ")]
        indexes = [
            models.Index(fields=["undertaking_unit", "status"], name="decision_unit_status_idx"),
            # The staff list of an organ, newest first (ORDER BY year DESC, id DESC LIMIT 21).
            models.Index(fields=["organ", "-year", "-id"], name="decision_organ_year_idx"),
            # The portal's lists and feeds, newest publication first (ORDER BY published_at DESC, id DESC LIMIT n).
            models.Index(fields=["-published_at", "-id"], name="decision_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self._state.adding and not kwargs.get("force_insert") and kwargs.get("update_fields") is None:
            # The progress is the steps' to keep (Step.save): a decision read before a step moved must not write
            # its older count back. Fields not loaded are left alone, as Django's own save does.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in PROGRESS_COLUMNS and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        with status_unlocked(self):
            super().refresh_from_db(*args, **kwargs)

    @property
    def is_lawfully_confidential(self) -> bool:
        """Claimed confidential by the unit and confirmed by the legal office."""
        return self.is_confidential and self.confidentiality_confirmed_by_id is not None

    @property
    def is_adjustment(self) -> bool:
        """An adjustment is running the procedure again while the decision it adjusts stays in force (rule 7)."""
        return self.adjustment_id is not None

    @property
    def is_in_force(self) -> bool:
        """Executed (or suspended): the decision binds, whether or not an adjustment runs beside it."""
        return self.status in IN_FORCE_STATES

    @property
    def procedure_state(self) -> str:
        """Where the procedure stands: the adjustment's stage while one runs, else the decision's own status."""
        return self.adjustment.stage if self.adjustment_id else self.status


class Adjustment(models.Model):
    """An adjustment of a decision in force (Art. 37): changing or stopping it runs the procedure again in a round of
    its own, while the decision in force keeps its status; a rejected or abandoned adjustment leaves it as it was."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="adjustments"
    )
    number = models.PositiveSmallIntegerField(_("adjustment round"))
    purpose = models.CharField(_("Purpose"), max_length=10, choices=AdjustmentPurpose.choices)
    reason = models.TextField(_("reason"))
    stage = ProtectedStatusField(
        _("stage"), max_length=30, choices=AdjustmentStage.choices, default=AdjustmentStage.DRAFTING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("adjustment started"), auto_now_add=True)
    # Opened by an emergency suspension (Art. 37): the follow-up that must decide what becomes of the decision.
    emergency = models.BooleanField(_("follows an emergency suspension"), default=False)
    due_on = models.DateField(_("to be decided by"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    history = HistoricalRecords()
    objects = NoBulkUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["decision_id", "number"]
        constraints = [models.UniqueConstraint(fields=["decision", "number"], name="adjustment_number_unique")]

    def __str__(self) -> str:
        return f"{self.decision.number} · {self.get_purpose_display()} #{self.number}"

    def refresh_from_db(self, *args, **kwargs):
        with status_unlocked(self):
            super().refresh_from_db(*args, **kwargs)

    @property
    def is_running(self) -> bool:
        return self.stage in RUNNING_ADJUSTMENT_STAGES


class Step(models.Model):
    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="steps")
    # The decision's organ, copied when the step is created (a decision never changes organ): the legal office's
    # task lists read one organ's steps on one index in due order, without joining every decision of the organ.
    organ = models.ForeignKey(
        Organization,
        verbose_name=_("organ"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )
    kind = models.CharField(_("kind"), max_length=40, choices=StepKind.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    adjustment_round = models.PositiveSmallIntegerField(_("adjustment round"), default=0)
    requirement = models.CharField(_("requirement"), max_length=20, choices=Requirement.choices)
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    # What the procedure's rules read of the step's record, passed by whoever records it: the legality opinion, the
    # meeting's outcome, the evaluation's conclusion, whether a risk finding blocks (Art. 24–25, 30, 36).
    outcome = models.CharField(_("outcome"), max_length=30, choices=STEP_OUTCOMES, blank=True)
    # The independent body that did the step's work, as its owner passed it (Art. 36: it may not evaluate later).
    assessed_by = models.ForeignKey(
        Organization,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The draft the step's record is about (the text under legality review, the draft a risk assessment assessed).
    draft = models.ForeignKey(
        "Document",
        verbose_name=_("draft concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    due_is_provisional = models.BooleanField(_("due date provisional"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = recorded_person(_("submitted by"))
    reviewed_at = models.DateTimeField(_("approved or returned"), null=True, blank=True)
    reviewed_by = recorded_person(_("approved or returned by"))
    review_comment = models.TextField(_("review comment"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = recorded_person(_("completed by"))
    not_applicable_reason = models.TextField(_("why not applicable"), blank=True)
    not_applicable_proposed_by = recorded_person(_("not applicable proposed by"))
    not_applicable_confirmed_by = recorded_person(_("not applicable confirmed by"))

    history = HistoricalRecords()
    objects = NoBulkUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["decision_id", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "kind", "round"], name="step_unique_round")]
        indexes = [
            models.Index(fields=["status", "due_on"], name="step_status_due_idx"),
            # my_tasks: the steps of one kind in a status (the legal office's reviews), by decision.
            models.Index(fields=["kind", "status", "decision"], name="step_kind_status_idx"),
            # A published catalog's progress (catalog.selectors.decision_progress) reads every step of its decisions
            # from this index alone (PostgreSQL's index-only scan: no visit to the wide step rows).
            models.Index(
                fields=["decision", "adjustment_round", "kind", "round", "status", "requirement"],
                name="step_progress_idx",
            ),
            # my_tasks reads each list as `ORDER BY due_on, id LIMIT n`: these partial indexes hold just that list's
            # rows in that order, so the scan stops after n matches (no sort of every pending row of the organ). The
            # heads' list (status "submitted") walks step_status_due_idx.
            models.Index(
                fields=["organ", "due_on", "id"],
                name="step_review_due_idx",
                condition=models.Q(kind="legality_review", status__in=["submitted", "approved"]),
            ),
            models.Index(
                fields=["due_on", "id"],
                name="step_to_fill_due_idx",
                condition=models.Q(status__in=["open", "returned"], requirement="required"),
            ),
            models.Index(
                fields=["organ", "id"],
                name="step_na_proposed_idx",
                condition=models.Q(not_applicable_proposed_by__isnull=False),
            ),
            # The deadline scan (notifications.scan) walks the steps someone must still act on, due by a date, in
            # (due_on, id) order: only those rows, in that order, so the steps due months ahead are never read.
            models.Index(
                fields=["due_on", "id"],
                name="step_waiting_due_idx",
                condition=models.Q(status__in=["open", "returned", "submitted"], due_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        label = StepKind(self.kind).label
        return f"{self.decision.number} {label}" + (f" #{self.round}" if self.round > 1 else "")

    def save(self, *args, **kwargs):
        if self.organ_id is None and self.decision_id is not None:
            self.organ_id = self.decision.organ_id
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or PROGRESS_FIELDS.intersection(update_fields):
            refresh_progress(self.decision_id)  # the decision's progress, kept for the portal's catalogs

    @property
    def is_satisfied(self) -> bool:
        return self.requirement == Requirement.NOT_APPLICABLE or self.status == StepStatus.DONE

    @property
    def awaits_not_applicable_confirmation(self) -> bool:
        return (
            bool(self.not_applicable_proposed_by_id)
            and self.requirement == Requirement.REQUIRED
            and self.status in NOT_APPLICABLE_STATUSES
            and self.decision.status in ACTIVE_STATES
        )


class StepRecord(models.Model):
    """The typed record of one round of a step, kept by the app that owns the step's kind (registry.py): one row per
    step, with its own field history. `step.<model name in lower case>` reaches it from the step."""

    step = models.OneToOneField(Step, verbose_name=_("step"), on_delete=models.PROTECT, related_name="%(class)s")

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.step)


class SuperiorReport(StepRecord):
    """The report to the party committee (Art. 31) or to the people's congress standing committee (Art. 8)."""

    recipient = models.CharField(_("Reported to"), max_length=200, default="")
    reported_on = models.DateField(_("Reported on"), null=True)
    response_received_on = models.DateField(_("Response received on"), null=True)
    summary = models.TextField(_("Response received"))

    class Meta:
        verbose_name = _("report to a superior body")
        verbose_name_plural = _("reports to superior bodies")


class Meeting(StepRecord):
    """The collective discussion (Art. 30): at the executive or plenary meeting every member speaks, the head speaks
    last and decides; a decision against the majority carries the head's reason; dissent is kept (Art. 38).

    The same record keeps an executive meeting that approves something other than a step: the annual catalog's
    approval (审定) has no step, so `step` is empty there and the catalog points at the meeting."""

    step = models.OneToOneField(
        Step, verbose_name=_("step"), null=True, blank=True, on_delete=models.PROTECT, related_name="meeting"
    )
    name = models.CharField(_("Meeting"), max_length=200)
    held_on = models.DateField(_("Meeting date"))
    members_total = models.PositiveSmallIntegerField(_("Number of the meeting's members"))
    head_name = models.CharField(_("Head (presiding, speaks last)"), max_length=100)
    head_statement = models.TextField(_("Head's concluding view"))
    outcome = models.CharField(_("Outcome"), max_length=20, choices=MeetingOutcome.choices)
    majority = models.CharField(_("Majority of members"), max_length=20, choices=MeetingOutcome.choices, blank=True)
    head_departure_reason = models.TextField(_("Head's reason"), blank=True)
    # Adopted with changes: what the meeting requires changed in the text before it is published (Art. 30).
    required_changes = models.TextField(_("Changes the meeting requires"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")

    @property
    def present(self) -> int:
        """The members who spoke and the head."""
        return len(self.speakers.all()) + 1

    @property
    def head_departed_from_majority(self) -> bool:
        return (
            bool(self.majority)
            and self.outcome in (MeetingOutcome.ADOPTED, MeetingOutcome.ADOPTED_WITH_CHANGES, MeetingOutcome.REJECTED)
            and adopting(self.outcome) != self.majority
        )

    @property
    def dissenters(self) -> list[str]:
        return [speaker.name for speaker in self.speakers.all() if speaker.view == MemberView.DISAGREE]


class MeetingSession(models.Model):
    """One executive (or plenary) meeting of an organ with an agenda of several decisions (Art. 30): who attended,
    who observed (the legal office, public observers), and for each item the decision's own meeting record (its
    members' views, the head's decision) once it was discussed. The minutes are printed from it."""

    class Kind(models.TextChoices):
        EXECUTIVE = "executive", _("Executive meeting (常务会议)")
        PLENARY = "plenary", _("Plenary meeting (全体会议)")

    organ = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="meeting_sessions"
    )
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices, default=Kind.EXECUTIVE)
    name = models.CharField(_("Meeting"), max_length=200)
    held_on = models.DateField(_("Meeting date"))
    members_total = models.PositiveSmallIntegerField(_("Number of the meeting's members"))
    head_name = models.CharField(_("Head (presiding, speaks last)"), max_length=100)
    # One name a line: the members present, those absent (with the reason), the observers with their capacity.
    attendance = models.TextField(_("Members present"))
    absent = models.TextField(_("Members absent and why"), blank=True)
    observers = models.TextField(_("Observers (legal office, public observers)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("executive meeting")
        verbose_name_plural = _("executive meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on:%Y-%m-%d})"

    @property
    def present_names(self) -> list[str]:
        return [line.strip() for line in self.attendance.splitlines() if line.strip()]


class AgendaItem(models.Model):
    """A decision on a meeting's agenda, in order; `record` is its meeting record once it was discussed."""

    session = models.ForeignKey(
        MeetingSession, verbose_name=_("executive meeting"), on_delete=models.PROTECT, related_name="agenda"
    )
    order = models.PositiveSmallIntegerField(_("Order"))
    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="+")
    record = models.OneToOneField(
        "Meeting",
        verbose_name=_("meeting record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_item",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="agenda_item_unique_order"),
            models.UniqueConstraint(fields=["session", "decision"], name="agenda_item_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.decision_id}"


class MeetingSpeaker(models.Model):
    """One member's view at the meeting, in the order spoken (the head's is the meeting's own record)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="speakers")
    order = models.PositiveSmallIntegerField(_("order spoken"))
    name = models.CharField(_("member"), max_length=100)
    view = models.CharField(_("view"), max_length=10, choices=MemberView.choices)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("member's view")
        verbose_name_plural = _("members' views")
        ordering = ["meeting_id", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="meeting_speaker_order_unique")]

    def __str__(self) -> str:
        return f"{self.name}：{self.get_view_display()}"


class Publication(StepRecord):
    """How the decision was published (Art. 32): the media and where exactly (the gazette's issue, the page), the
    date, and how public and expert opinions were used."""

    class Medium(models.TextChoices):
        GAZETTE = "gazette", _("Government gazette")
        WEBSITE = "website", _("Government website")
        NEWSPAPER = "newspaper", _("Newspaper")
        NEW_MEDIA = "new_media", _("Government new media")

    media = models.JSONField(_("Media"), default=list, blank=True)  # Medium values, at least one
    channels = models.CharField(_("Channels"), max_length=300)
    published_on = models.DateField(_("Published on"))
    document_number = models.CharField(_("Document number"), max_length=100, blank=True)
    issue_number = models.CharField(_("Gazette or newspaper issue"), max_length=100, blank=True)
    link = models.URLField(_("Link"), max_length=300, blank=True)
    opinions_explanation = models.TextField(_("How public and expert opinions were adopted"), blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")


class Execution(StepRecord):
    """Who executes the decision (Art. 34) and how its execution ended."""

    class EndedBy(models.TextChoices):
        TERMINATION = "termination", _("Stopped through the adjustment procedure")
        ARCHIVE = "archive", _("Archived")

    class Cadence(models.TextChoices):
        """How often the execution unit reports its progress to the organ (Art. 34–35)."""

        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Every half year")

    CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.HALF_YEARLY: 6}

    unit = models.ForeignKey(
        Organization, verbose_name=_("Execution unit"), on_delete=models.PROTECT, related_name="executions"
    )
    cooperating_units = models.ManyToManyField(
        Organization, verbose_name=_("Cooperating units"), blank=True, related_name="cooperating_executions"
    )
    report_cadence = models.CharField(
        _("Progress reports"), max_length=20, choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    ended_by = models.CharField(_("Ended by"), max_length=20, choices=EndedBy.choices, blank=True)

    class Meta:
        verbose_name = _("execution")
        verbose_name_plural = _("executions")


class ExecutionIndicator(models.Model):
    """What the execution is measured by (Art. 34–35): a named indicator with its target, reported on each time."""

    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.PROTECT, related_name="execution_indicators"
    )
    order = models.PositiveSmallIntegerField(_("Order"))
    name = models.CharField(_("Indicator"), max_length=200)
    unit = models.CharField(_("Unit of measure"), max_length=50, blank=True)
    baseline = models.DecimalField(_("Baseline"), max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("Target"), max_digits=18, decimal_places=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("execution indicator")
        verbose_name_plural = _("execution indicators")
        ordering = ["step_id", "order"]
        constraints = [models.UniqueConstraint(fields=["step", "name"], name="execution_indicator_unique_name")]

    def __str__(self) -> str:
        return self.name


class ExecutionReport(models.Model):
    """One progress report of the execution unit to the organ (Art. 34–35): the period, the progress, the problems
    met, each indicator's value, the documents; `due_on` is the date it answered (late when reported after it)."""

    step = models.ForeignKey(Step, verbose_name=_("step"), on_delete=models.PROTECT, related_name="execution_reports")
    period = models.CharField(_("Period reported on"), max_length=50, blank=True)
    progress = models.TextField(_("Progress report"))
    problems = models.TextField(_("Problems met and measures"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    documents = models.ManyToManyField(
        "Document", verbose_name=_("documents"), blank=True, related_name="execution_reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("execution progress report")
        verbose_name_plural = _("execution progress reports")
        ordering = ["step_id", "reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.reported_at:%Y-%m-%d %H:%M} {self.reported_by}：{self.progress[:40]}"


class IndicatorValue(models.Model):
    """An indicator's actual value as one progress report gives it."""

    report = models.ForeignKey(
        ExecutionReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="values"
    )
    indicator = models.ForeignKey(
        ExecutionIndicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    actual = models.DecimalField(_("Actual value"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["report_id", "indicator__order"]
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="indicator_value_once_a_report")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.actual}"


class ExecutionProblemReport(models.Model):
    """A citizen's or an organization's report of a problem in the execution of a published decision (Art. 35),
    received through the portal or the API with a receipt number, answered by the organ's staff. The contact is
    personal information: masked wherever it is shown, never in the ledger."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ANSWERED = "answered", _("Answered")
        HIDDEN = "hidden", _("Hidden (not a report on execution)")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="problem_reports"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True)
    name = models.CharField(_("Name or organization"), max_length=100, blank=True)
    contact = models.CharField(_("Contact (phone or e-mail)"), max_length=100)
    content = models.TextField(_("Problem"))
    place = models.CharField(_("Where"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    answer = models.TextField(_("Answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    hidden_reason = models.CharField(_("why hidden"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("problem report on execution")
        verbose_name_plural = _("problem reports on execution")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["decision", "status"], name="problem_report_decision_status")]

    def __str__(self) -> str:
        return self.receipt_number


def document_upload_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"documents/{instance.decision_id}/{instance.sha256[:2]}/{instance.sha256}.{extension}"


class Document(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", _("Draft")
        EXPLANATION = "explanation", _("Explanation of the draft")
        LEGAL_BASIS = "legal_basis", _("Legal basis")
        OPINION = "opinion", _("Opinion")
        REPORT = "report", _("Report")
        RECORD = "record", _("Record or minutes")
        DECISION_TEXT = "decision_text", _("Decision text")
        INTERPRETATION = "interpretation", _("Policy interpretation")
        OTHER = "other", _("Other")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="documents"
    )
    step = models.ForeignKey(
        Step,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_upload_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    is_public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["decision_id", "kind", "-version"]
        # One document's versions: the same decision, step (or none), kind and title (services/documents.py). Two
        # constraints, since NULL steps are distinct in a plain unique constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "step", "kind", "title", "version"],
                condition=models.Q(step__isnull=False),
                name="document_version_unique",
            ),
            models.UniqueConstraint(
                fields=["decision", "kind", "title", "version"],
                condition=models.Q(step__isnull=True),
                name="document_version_unique_no_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"
