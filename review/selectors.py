"""Reads of the reviews used by their pages, the API and the meeting materials."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.models import Decision, Document, Step
from decisions.procedure import LAWFUL_OPINIONS, Requirement, StepKind, StepStatus
from decisions.registry import publication_explanation, record_of
from decisions.selectors import current_steps
from workdays.calendar import using_calendar, working_days_between

from .models import CoSigningRequest, ExpertAssignment, LegalityReview

# ---------------------------------------------------------------- co-signing (review.cosigning)


def step_co_signing_requests(step: Step) -> QuerySet[CoSigningRequest]:
    """The requests of one round of the department consultation, in the order they were sent."""
    return CoSigningRequest.objects.filter(step=step).select_related("organization", "answered_by").order_by("id")


def co_signing_inbox(user) -> QuerySet[CoSigningRequest]:
    """The requests to the user's organization (see `cosigning.answering_condition`): waiting ones first, by their
    deadline; then the answered ones, the latest first. Each with its decision and the decision's drafts."""
    from .cosigning import ANSWERING_ROLES, answering_condition

    if not user.is_authenticated or not set(user.role_names) & {role.value for role in ANSWERING_ROLES}:
        return CoSigningRequest.objects.none()
    waiting_first = Case(
        When(answer=CoSigningRequest.Answer.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    drafts = Document.objects.filter(kind__in=[Document.Kind.DRAFT, Document.Kind.EXPLANATION]).order_by(
        "kind", "-version"
    )
    return (
        CoSigningRequest.objects.filter(answering_condition(user))
        .select_related("organization", "step__decision")
        .prefetch_related(Prefetch("step__decision__documents", queryset=drafts, to_attr="draft_documents"))
        .annotate(waiting=waiting_first)
        .order_by("waiting", "due_on", "-id")
        .distinct()
    )


@dataclass(frozen=True)
class OpenDisagreement:
    request_id: int
    organization: str
    department_view: str
    unit_view: str
    due_on: date
    answered_on: date | None


def open_disagreements(decision: Decision) -> list[OpenDisagreement]:
    """The disagreements of the decision's latest department consultation still open (not resolved after talks),
    each with the department's reasons and the undertaking unit's view — for the meeting's materials."""
    step = (
        Step.objects.filter(decision=decision, kind=StepKind.DEPARTMENT_CONSULTATION)
        .order_by("-id")  # the latest round is the latest row
        .only("pk")
        .first()
    )
    if step is None:
        return []
    requests = (
        CoSigningRequest.objects.filter(step=step, answer=CoSigningRequest.Answer.DISAGREE, resolved=False)
        .select_related("organization")
        .order_by("id")
    )
    return [
        OpenDisagreement(
            request_id=request.pk,
            organization=request.organization.name,
            department_view=request.answer_text,
            unit_view=request.unit_view,
            due_on=request.due_on,
            answered_on=timezone.localdate(request.answered_at) if request.answered_at else None,
        )
        for request in requests
    ]


# ---------------------------------------------------------------- end of co-signing


# ---------------------------------------------------------------- expert review (review.experts)


def expert_opinions_used(decision: Decision) -> str:
    """How the experts' opinions of the decision's latest completed expert review were used (Art. 21, 32): how many
    experts gave opinions, how many were adopted, partly or not, and each one's answer — the expert's part of the
    publication's explanation (registered in `review.steps`). The experts are numbered, not named: the pool keeps
    their names as personal information and nothing publishes them (docs/experts.md). Empty without such opinions."""
    step = (
        Step.objects.filter(decision=decision, kind=StepKind.EXPERT_REVIEW, status=StepStatus.DONE)
        .order_by("-id")  # the latest round is the latest row
        .only("pk")
        .first()
    )
    if step is None:
        return ""
    opinions = list(
        ExpertAssignment.objects.filter(step=step, signed_at__isnull=False)
        .exclude(declaration=ExpertAssignment.Declaration.DIRECT_INTEREST)
        .order_by("id")
        .only("opinion", "usage", "usage_reason")
    )
    if not opinions:
        return ""
    Usage = ExpertAssignment.Usage
    counts = {usage: sum(1 for a in opinions if a.usage == usage) for usage in Usage.values}
    lines = [
        ngettext(
            "Expert review: %(count)s expert gave an opinion; adopted: %(adopted)s, partly adopted: %(partly)s, "
            "not adopted: %(not_adopted)s.",
            "Expert review: %(count)s experts gave opinions; adopted: %(adopted)s, partly adopted: %(partly)s, "
            "not adopted: %(not_adopted)s.",
            len(opinions),
        )
        % {
            "count": len(opinions),
            "adopted": counts[Usage.ADOPTED],
            "partly": counts[Usage.PARTLY_ADOPTED],
            "not_adopted": counts[Usage.NOT_ADOPTED],
        }
    ]
    for number, assignment in enumerate(opinions, start=1):
        values = {
            "expert": _("Expert %(number)s") % {"number": number},
            "opinion": assignment.get_opinion_display(),
            "usage": assignment.get_usage_display(),
            "reason": assignment.usage_reason,
        }
        if assignment.usage_reason:
            lines.append(_("%(expert)s (%(opinion)s): %(usage)s. Reason: %(reason)s") % values)
        else:
            lines.append(_("%(expert)s (%(opinion)s): %(usage)s.") % values)
    return "\n".join(lines)


# ---------------------------------------------------------------- end of expert review


# ---------------------------------------------------------------- legality review workspace (review.legality)


@dataclass(frozen=True)
class LegalityMaterial:
    """One of the materials Decree 713 Art. 26 lists for the legality review, and where it comes from."""

    key: str
    label: str
    source: str
    present: bool
    text: str = ""
    document: Document | None = None


# The steps whose records are materials of the review: (kind, the record's field the workspace shows).
_STEP_MATERIALS = (
    (StepKind.EXPERT_REVIEW, "opinion_summary"),
    (StepKind.RISK_ASSESSMENT, "measures"),
    (StepKind.FAIR_COMPETITION_REVIEW, "conclusion"),
)


def legality_materials(
    decision: Decision, *, legal_basis: str | None = None, procedure_statement: str | None = None
) -> list[LegalityMaterial]:
    """The materials of the decision's legality review (Art. 26), each with where it comes from: the latest draft,
    its explanation, the request's legal basis and procedures (given, or those of the latest request), and the record
    of each step that applies (required, or done). The participation's opinion-adoption report is read through the
    publication explanation the participation app registers (`decisions.registry`)."""
    documents = decision.documents.filter(kind__in=[Document.Kind.DRAFT, Document.Kind.EXPLANATION]).order_by(
        "-uploaded_at", "-id"
    )
    draft = next((d for d in documents if d.kind == Document.Kind.DRAFT), None)
    explanation = next((d for d in documents if d.kind == Document.Kind.EXPLANATION), None)
    if legal_basis is None or procedure_statement is None:
        request = LegalityReview.objects.filter(step__decision=decision).order_by("-step__round", "-id").first()
        if legal_basis is None:
            legal_basis = request.legal_basis if request else ""
        if procedure_statement is None:
            procedure_statement = request.procedure_statement if request else ""
    materials = [
        LegalityMaterial("draft", _("Draft for review"), _("the latest draft document"), draft is not None, "", draft),
        LegalityMaterial(
            "explanation",
            _("Drafting explanation"),
            _("the explanation document"),
            explanation is not None,
            "",
            explanation,
        ),
        LegalityMaterial("legal_basis", _("Legal basis"), _("the request"), bool(legal_basis), legal_basis),
        LegalityMaterial(
            "procedures", _("Procedures followed"), _("the request"), bool(procedure_statement), procedure_statement
        ),
    ]
    steps = current_steps(decision)
    labels = {
        StepKind.PUBLIC_PARTICIPATION: _("Report on the adoption of the public's opinions"),
        StepKind.EXPERT_REVIEW: _("Report on the adoption of the experts' opinions"),
        StepKind.RISK_ASSESSMENT: _("Risk assessment report"),
        StepKind.FAIR_COMPETITION_REVIEW: _("Fair-competition review conclusion"),
    }

    def applies(step) -> bool:
        if step is None or step.requirement == Requirement.NOT_APPLICABLE:
            return False
        return step.requirement == Requirement.REQUIRED or step.status == StepStatus.DONE

    participation = steps.get(StepKind.PUBLIC_PARTICIPATION)
    if applies(participation):
        # The explanation holds the experts' part too (registered by this app): the public's report is the rest.
        text = publication_explanation(decision)
        experts_part = expert_opinions_used(decision)
        if experts_part:
            text = text.replace(experts_part, "").strip()
        done = participation.status == StepStatus.DONE
        materials.append(
            LegalityMaterial(
                "participation",
                labels[StepKind.PUBLIC_PARTICIPATION],
                _("the public participation step (its published feedback report)"),
                done,
                text,
            )
        )
    for kind, field in _STEP_MATERIALS:
        step = steps.get(kind)
        if not applies(step):
            continue
        record = record_of(step)
        text = getattr(record, field, "") if record is not None else ""
        materials.append(
            LegalityMaterial(
                str(kind),
                labels[kind],
                _("the record of the step “%(step)s”") % {"step": StepKind(kind).label},
                record is not None and step.status == StepStatus.DONE,
                text,
            )
        )
    return materials


@dataclass(frozen=True)
class ReviewDuration:
    decision: Decision
    round: int
    requested_on: date
    opinion_on: date | None
    working_days: int | None  # request → opinion; None while no opinion was given
    review: object  # the round's LegalityReview (its period, whether shortened, the urgency reason)


@dataclass(frozen=True)
class LegalityCoverage:
    """One organ's year (Art. 25–28): the decisions that reached the collective discussion, those among them without
    a lawful legality opinion (the exceptions), how long each review took and which periods were shortened."""

    organ: object
    year: int
    reached_discussion: list
    exceptions: list
    durations: list
    shortened: list

    @property
    def total(self) -> int:
        return len(self.reached_discussion)

    @property
    def covered(self) -> int:
        return self.total - len(self.exceptions)

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None


# From the collective discussion on: the decision reached it (its later end included).
REACHED_DISCUSSION = (
    "awaiting_discussion",
    "decided",
    "published",
    "in_execution",
    "evaluating",
    "suspended",
    "terminated",
    "archived",
)


def legality_coverage(organ, year: int) -> LegalityCoverage:
    """The legality review coverage of an organ's decisions of a catalog year, in three queries whatever the numbers
    (the decisions, their review rounds with their records, the holiday calendar of the years touched)."""
    decisions = list(Decision.objects.filter(organ=organ, year=year).order_by("number", "pk"))
    by_pk = {d.pk: d for d in decisions}
    rounds = list(
        LegalityReview.objects.filter(step__decision_id__in=by_pk)
        .select_related("step")
        .order_by("step__decision_id", "step__adjustment_round", "step__round", "pk")
    )
    lawful = {
        r.step.decision_id
        for r in rounds
        if r.step.outcome in [o.value for o in LAWFUL_OPINIONS] and r.step.status == StepStatus.DONE
    }
    reached = [d for d in decisions if d.status in REACHED_DISCUSSION]
    durations = []
    with using_calendar() as calendar:
        for r in rounds:
            requested = r.step.submitted_at or r.step.opened_at
            if requested is None:
                continue
            requested_on = timezone.localdate(requested)
            opinion_on = timezone.localdate(r.step.reviewed_at) if r.step.reviewed_at else None
            days = working_days_between(requested_on, opinion_on, calendar) if opinion_on else None
            durations.append(ReviewDuration(by_pk[r.step.decision_id], r.step.round, requested_on, opinion_on, days, r))
    return LegalityCoverage(
        organ=organ,
        year=year,
        reached_discussion=reached,
        exceptions=[d for d in reached if d.pk not in lawful],
        durations=durations,
        shortened=[d for d in durations if d.review.shortened],
    )


# ---------------------------------------------------------------- end of legality review workspace
