"""The records of the reviews before a decision (Decree 713 Art. 13, 19–24, 29): expert review, risk assessment,
fair-competition review and department consultation, one record per round of the decision's step.

The procedure reads nothing of these models: what its rules need (whether a risk finding blocks, which draft was
assessed, which independent body did the work) it is told through the `decisions` services (see `review/steps.py`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.models import StepRecord
from decisions.procedure import LegalityOpinion, RiskLevel


def independent_body(verbose_name):
    """The third-party body or expert institution that did the work, when it was commissioned (Art. 21, 23)."""
    return models.ForeignKey(
        Organization,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": [Organization.Kind.THIRD_PARTY, Organization.Kind.EXPERT_INSTITUTION]},
    )


class ExpertReview(StepRecord):
    experts = models.TextField(_("Experts or institutions"))
    assessing_org = independent_body(_("Institution that did the review (if commissioned)"))
    conflicts_declared = models.BooleanField(_("Every expert declared no direct interest"), default=False)
    opinion_summary = models.TextField(_("Summary of the opinions and how they were adopted"))

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")


class RiskAssessment(StepRecord):
    class Assessor(models.TextChoices):
        UNIT = "unit", _("The undertaking unit")
        THIRD_PARTY = "third_party", _("A third party")

    assessor = models.CharField(_("Assessed by"), max_length=20, choices=Assessor.choices, blank=True)
    # Survey, interviews, public-opinion analysis, expert consultation (RISK_METHODS in review/risk.py).
    methods = models.JSONField(_("Methods"), default=list, blank=True)
    risk_level = models.CharField(_("Risk level"), max_length=10, choices=RiskLevel.choices)
    controllable = models.BooleanField(_("The risk is controllable"), default=False)
    assessing_org = independent_body(_("Body that did the assessment (if commissioned)"))
    measures = models.TextField(_("Risk points, prevention measures and response plan"))

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    @property
    def blocks_the_decision(self) -> bool:
        """Art. 24: a high risk that is not controllable blocks the decision until a changed draft is reassessed."""
        return self.risk_level == RiskLevel.HIGH and not self.controllable


class FairCompetitionReview(StepRecord):
    conclusion = models.TextField(_("Review conclusion"))
    # A restriction of competition kept under one of the exceptions of the review rules, and for how long.
    restriction_kept = models.BooleanField(_("A restriction of competition is kept"), default=False)
    exception = models.CharField(_("Exception relied on"), max_length=40, blank=True)
    exception_term = models.CharField(_("Term of the exception"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fair-competition review")
        verbose_name_plural = _("fair-competition reviews")


class DepartmentConsultation(StepRecord):
    units_consulted = models.TextField(_("Units consulted and their answers"))
    disagreements = models.TextField(_("Disagreements to list for the meeting"), blank=True)
    # The date the units consulted were asked to answer by (Art. 13): the step's due date while they answer.
    reply_due_on = models.DateField(_("Answers requested by"), null=True, blank=True)

    class Meta:
        verbose_name = _("department consultation")
        verbose_name_plural = _("department consultations")


class LegalityReview(StepRecord):
    """One round of the legality review (Art. 25–28): the undertaking unit's request with its materials, and the legal
    office's opinion. A returned or unlawful round is followed by a new round (a new step row and a new record)."""

    legal_basis = models.TextField(_("Legal basis"))
    procedure_statement = models.TextField(_("Statement of the procedures followed"))
    review_working_days = models.PositiveSmallIntegerField(_("Review period (working days)"))
    urgency_reason = models.TextField(_("Urgency reason"), blank=True)
    shortened = models.BooleanField(_("Shortened review period"), default=False)
    reviewed_draft = models.ForeignKey(
        "decisions.Document",
        verbose_name=_("Draft under review"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.CharField(_("Opinion"), max_length=30, choices=LegalityOpinion.choices, blank=True)
    opinion_text = models.TextField(_("Review opinion"), blank=True)
    legal_risk = models.TextField(_("Legal risk"), blank=True)
    required_changes = models.TextField(_("Changes required"), blank=True)
    advisers_consulted = models.CharField(_("Legal advisers and public lawyers consulted"), max_length=500, blank=True)
    changes_confirmed_at = models.DateTimeField(_("Changes confirmed"), null=True, blank=True)
    confirmation_comment = models.TextField(_("Comment"), blank=True)
    confirmed_draft = models.ForeignKey(
        "decisions.Document",
        verbose_name=_("Revised draft confirmed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")


# ---------------------------------------------------------------- the expert pool and its draws (Art. 19–21)


def _person(verbose_name, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Expert(models.Model):
    """An expert of an organ's pool (专家库), kept by its legal office. The contact is personal information: masked in
    lists, never public, never in the ledger."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In the pool")
        SUSPENDED = "suspended", _("Suspended")
        RETIRED = "retired", _("Left the pool")

    organ = models.ForeignKey(Organization, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="experts")
    name = models.CharField(_("Name"), max_length=50)
    # The fields of expertise, separated by "、" or commas (the draw matches one of them).
    fields = models.CharField(_("Fields of expertise"), max_length=300)
    institution = models.CharField(_("Institution"), max_length=200)
    title = models.CharField(_("Professional title"), max_length=100, blank=True)
    contact = models.CharField(_("Contact"), max_length=100)
    available = models.BooleanField(_("Available for assignments"), default=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Interests the expert declared once for all (companies, associations): a draw excludes matching undertakings.
    declared_interests = models.TextField(_("Interests declared"), blank=True)
    # The expert's account, when they log in to see their assignments and submit opinions.
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    created_by = _person(_("created by"))
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["organ", "name", "id"]
        indexes = [models.Index(fields=["organ", "status"], name="expert_pool")]

    def __str__(self) -> str:
        return self.name


class ExpertDraw(models.Model):
    """How the experts of one expert-review round were chosen: a random draw whose seed and ordered candidate list are
    kept (and in the ledger), so anyone can re-run it; or a manual choice, with its reason."""

    class Method(models.TextChoices):
        RANDOM = "random", _("Random draw")
        MANUAL = "manual", _("Manual choice")

    step = models.ForeignKey(
        "decisions.Step", verbose_name=_("step"), on_delete=models.PROTECT, related_name="expert_draws"
    )
    method = models.CharField(_("Method"), max_length=20, choices=Method.choices)
    field = models.CharField(_("Field asked for"), max_length=100, blank=True)
    number = models.PositiveSmallIntegerField(_("Number of experts"))
    seed = models.CharField(_("Seed"), max_length=64, blank=True)
    # The eligible candidates' ids in the order the draw shuffled from, and those excluded with the reason.
    candidates = models.JSONField(_("Candidates"), default=list)
    excluded = models.JSONField(_("Excluded candidates and why"), default=list)
    chosen = models.JSONField(_("Chosen experts"), default=list)
    manual_reason = models.TextField(_("Reason for a manual choice"), blank=True)
    drawn_by = _person(_("drawn by"))
    drawn_at = models.DateTimeField(_("Drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert draw")
        verbose_name_plural = _("expert draws")
        ordering = ["step", "id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.drawn_at:%Y-%m-%d}"


class ExpertAssignment(models.Model):
    """One expert asked for an opinion in one expert-review round: the declaration of no conflict comes before the
    materials; then the signed opinion, and the unit's answer on how it was used."""

    class Declaration(models.TextChoices):
        PENDING = "", _("Not declared yet")
        NO_CONFLICT = "no_conflict", _("No direct interest")
        DIRECT_INTEREST = "direct_interest", _("A direct interest: excluded")

    class Opinion(models.TextChoices):
        PENDING = "", _("No opinion yet")
        AGREE = "agree", _("Agree")
        AGREE_WITH_CONDITIONS = "agree_with_conditions", _("Agree with conditions")
        DISAGREE = "disagree", _("Disagree")

    class Usage(models.TextChoices):
        PENDING = "", _("Not answered yet")
        ADOPTED = "adopted", _("Adopted")
        PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    step = models.ForeignKey(
        "decisions.Step", verbose_name=_("step"), on_delete=models.PROTECT, related_name="expert_assignments"
    )
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments")
    draw = models.ForeignKey(
        ExpertDraw, verbose_name=_("draw"), null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_at = models.DateTimeField(_("Assigned at"), auto_now_add=True)
    declaration = models.CharField(_("Declaration"), max_length=20, choices=Declaration.choices, blank=True, default="")
    interest_statement = models.TextField(_("Interest declared"), blank=True)
    declared_at = models.DateTimeField(_("Declared at"), null=True, blank=True)
    opinion = models.CharField(_("Opinion"), max_length=30, choices=Opinion.choices, blank=True, default="")
    opinion_text = models.TextField(_("Opinion text"), blank=True)
    opinion_document = models.ForeignKey(
        "decisions.Document",
        verbose_name=_("Opinion document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The signature: SHA-256 of the expert, the round, the opinion and its text at the moment it was signed.
    signature = models.CharField(_("Signature"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("Signed at"), null=True, blank=True)
    usage = models.CharField(_("How it was used"), max_length=20, choices=Usage.choices, blank=True, default="")
    usage_reason = models.TextField(_("Reason"), blank=True)
    usage_by = _person(_("answered by"))
    usage_at = models.DateTimeField(_("Answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["step", "id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "expert"], name="expert_assignment_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.step_id}"


# ---------------------------------------------------------------- risk items and the fair-competition checklist


class RiskItem(models.Model):
    """One risk the assessment identified (Art. 22–23): its dimension, likelihood, impact and the measures."""

    class Dimension(models.TextChoices):
        LEGALITY = "legality", _("Legality (合法性)")
        REASONABLENESS = "reasonableness", _("Reasonableness (合理性)")
        FEASIBILITY = "feasibility", _("Feasibility (可行性)")
        CONTROLLABILITY = "controllability", _("Controllability (可控性)")

    class Grade(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    assessment = models.ForeignKey(
        RiskAssessment, verbose_name=_("risk assessment"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("Order"))
    dimension = models.CharField(_("Dimension"), max_length=20, choices=Dimension.choices)
    description = models.TextField(_("Risk"))
    likelihood = models.CharField(_("Likelihood"), max_length=10, choices=Grade.choices)
    impact = models.CharField(_("Impact"), max_length=10, choices=Grade.choices)
    measures = models.TextField(_("Measures"))

    class Meta:
        verbose_name = _("identified risk")
        verbose_name_plural = _("identified risks")
        ordering = ["assessment", "order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_dimension_display()}"


class FairCompetitionAnswer(models.Model):
    """The answer to one question of the national fair-competition review checklist (review/checklist.py)."""

    class Answer(models.TextChoices):
        NO = "no", _("No")
        YES = "yes", _("Yes")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    review = models.ForeignKey(
        FairCompetitionReview,
        verbose_name=_("fair-competition review"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.CharField(_("Question"), max_length=40)
    answer = models.CharField(_("Answer"), max_length=20, choices=Answer.choices)
    note = models.TextField(_("Note"), blank=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["review", "question"]
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="fair_competition_answer_once"),
        ]

    def __str__(self) -> str:
        return self.question


# ---------------------------------------------------------------- department consultation and co-signing (Art. 13)


class CoSigningRequest(models.Model):
    """The draft sent to one department or lower government whose duties it touches, with a deadline; its answer in
    the system, or silence by the deadline recorded as no objection (and said so)."""

    class Answer(models.TextChoices):
        PENDING = "", _("Not answered yet")
        AGREE = "agree", _("Agree")
        AGREE_WITH_CHANGES = "agree_with_changes", _("Agree with changes")
        DISAGREE = "disagree", _("Disagree")
        SILENT = "silent", _("No answer by the deadline: no objection")

    step = models.ForeignKey(
        "decisions.Step", verbose_name=_("step"), on_delete=models.PROTECT, related_name="co_signing_requests"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("department consulted"), on_delete=models.PROTECT, related_name="+"
    )
    sent_by = _person(_("sent by"))
    sent_at = models.DateTimeField(_("Sent at"), auto_now_add=True)
    due_on = models.DateField(_("Answer due by"))
    answer = models.CharField(_("Answer"), max_length=30, choices=Answer.choices, blank=True, default="")
    answer_text = models.TextField(_("Answer text"), blank=True)
    answered_by = _person(_("answered by"))
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    # The undertaking unit's view of a disagreement, listed for the meeting beside the department's.
    unit_view = models.TextField(_("The undertaking unit's view"), blank=True)
    resolved = models.BooleanField(_("Disagreement resolved"), default=False)

    class Meta:
        verbose_name = _("co-signing request")
        verbose_name_plural = _("co-signing requests")
        ordering = ["step", "id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "organization"], name="co_signing_once_per_round"),
        ]
        indexes = [models.Index(fields=["answer", "due_on"], name="co_signing_waiting")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.step_id}"


# ---------------------------------------------------------------- legality review workspace (Art. 25–28)


class AdviserOpinion(models.Model):
    """The opinion of a legal adviser or public lawyer the legal office consulted during one round of the legality
    review (Art. 27): summarised into the round's `advisers_consulted` when the opinion is given."""

    class Kind(models.TextChoices):
        LEGAL_ADVISER = "legal_adviser", _("Legal adviser")
        PUBLIC_LAWYER = "public_lawyer", _("Public lawyer")

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("legality review"), on_delete=models.PROTECT, related_name="adviser_opinions"
    )
    adviser = models.CharField(_("Adviser"), max_length=200)
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    asked_on = models.DateField(_("Asked on"))
    opinion = models.TextField(_("Opinion"))
    answered_on = models.DateField(_("Answered on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("adviser opinion")
        verbose_name_plural = _("adviser opinions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.adviser} · {self.review_id}"


class RequiredChange(models.Model):
    """One change a "lawful with changes" opinion requires (Art. 28), listed one by one: the undertaking unit's
    drafter says what was changed in the draft; the review's confirmation confirms every item."""

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("legality review"), on_delete=models.PROTECT, related_name="change_items"
    )
    order = models.PositiveSmallIntegerField(_("No."))
    text = models.TextField(_("Change required"))
    change_note = models.TextField(_("What was changed"), blank=True)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("Change recorded"), null=True, blank=True)
    confirmed = models.BooleanField(_("Confirmed"), default=False)
    confirmed_at = models.DateTimeField(_("Confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("required change")
        verbose_name_plural = _("required changes")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["review", "order"], name="required_change_order_unique")]

    def __str__(self) -> str:
        return f"{self.review_id} · {self.order}"
