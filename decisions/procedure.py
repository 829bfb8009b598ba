"""The procedure as data: states, step kinds, and the transition table.

Services in `decisions/services/` perform the transitions; the staff pages and `transition_options` render
"what can I do next, and why not" from this table. `docs/procedure.md` is generated from it (`manage.py
procedure_diagram`).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .permissions import Action


class State(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CATALOGED = "cataloged", _("In the catalog")
    DRAFTING = "drafting", _("Drafting")
    LEGALITY_REVIEW = "legality_review", pgettext_lazy("decision state", "Legality review")
    AWAITING_DISCUSSION = "awaiting_discussion", _("Awaiting collective discussion")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")
    IN_EXECUTION = "in_execution", _("In execution")
    EVALUATING = "evaluating", _("Under post-decision evaluation")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


class AdjustmentPurpose(models.TextChoices):
    CHANGE = "change", _("Change the decision")
    STOP = "stop", _("Stop the decision")


class AdjustmentStage(models.TextChoices):
    """Where an adjustment stands (Art. 37). While it runs the procedure again, the decision in force keeps its own
    status (in execution, suspended); its first five stages are the procedure's states of the same names."""

    DRAFTING = "drafting", _("Drafting")
    LEGALITY_REVIEW = "legality_review", pgettext_lazy("decision state", "Legality review")
    AWAITING_DISCUSSION = "awaiting_discussion", _("Awaiting collective discussion")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected: the decision in force stays as it was")
    ABANDONED = "abandoned", _("Abandoned: the decision in force stays as it was")
    COMPLETED = "completed", _("Completed: the adjusted decision is executed")
    TERMINATED = "terminated", _("Completed: the decision was stopped")


RUNNING_ADJUSTMENT_STAGES = frozenset(
    {
        AdjustmentStage.DRAFTING,
        AdjustmentStage.LEGALITY_REVIEW,
        AdjustmentStage.AWAITING_DISCUSSION,
        AdjustmentStage.DECIDED,
        AdjustmentStage.PUBLISHED,
    }
)
# The decision in force is executed, or suspended (Art. 37): an adjustment runs beside it.
IN_FORCE_STATES = frozenset({State.IN_EXECUTION, State.EVALUATING, State.SUSPENDED})

# States in which the public may read a decision (a confidential one never).
PUBLIC_STATES = frozenset(
    {State.PUBLISHED, State.IN_EXECUTION, State.EVALUATING, State.SUSPENDED, State.TERMINATED, State.ARCHIVED}
)
# The same as choices, in the table's order (the open data's `status`, one enum in the API schema).
PUBLIC_STATE_CHOICES = [(value, label) for value, label in State.choices if value in PUBLIC_STATES]
# States in which the procedure has ended: every act is refused (archiving a terminated, rejected or withdrawn
# decision is the one transition the table still offers).
ENDED_STATES = frozenset({State.ARCHIVED, State.WITHDRAWN, State.REJECTED, State.TERMINATED})
ACTIVE_STATES = frozenset(set(State) - ENDED_STATES)
# States in which the decision's own data (title, flags, term) may still be edited.
EDITABLE_STATES = frozenset({State.PROPOSED, State.CATALOGED, State.DRAFTING})


class StepKind(models.TextChoices):
    PUBLIC_PARTICIPATION = "public_participation", _("Public participation")
    HEARING = "hearing", _("Hearing")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    RISK_ASSESSMENT = "risk_assessment", _("Risk assessment")
    FAIR_COMPETITION_REVIEW = "fair_competition_review", _("Fair-competition review")
    DEPARTMENT_CONSULTATION = "department_consultation", _("Department consultation")
    LEGALITY_REVIEW = "legality_review", _("Legality review")
    PARTY_REPORT = "party_report", _("Report to the party committee")
    CONGRESS_REPORT = "congress_report", _("Report to the people's congress")
    COLLECTIVE_DISCUSSION = "collective_discussion", _("Collective discussion")
    PUBLICATION = "publication", _("Publication")
    EXECUTION = "execution", _("Execution")
    POST_EVALUATION = "post_evaluation", _("Post-decision evaluation")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Not yet open")
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved, awaiting completion")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed (the procedure ended)")


@dataclass(frozen=True)
class StepMove:
    """One row of the step-status table: by `name`, a step goes from one of `sources` to `target`."""

    name: str
    label: object
    sources: frozenset[str]
    target: str


def _move(name, label, sources, target) -> StepMove:
    return StepMove(name, label, frozenset(sources), target)


SS = StepStatus
# A step may be set (or confirmed) not applicable only while it is not done.
NOT_APPLICABLE_STATUSES = (SS.PENDING, SS.OPEN, SS.RETURNED, SS.SUBMITTED)
# Every change of a step's status goes through this table (`services.base.move_step`); nothing else sets it.
STEP_MOVES: dict[str, StepMove] = {
    move.name: move
    for move in (
        _move("open", _("Open the step"), [SS.PENDING], SS.OPEN),
        _move("submit", _("Submit for approval"), [SS.OPEN, SS.RETURNED], SS.SUBMITTED),
        # The legality review opens with its request: the request is its submission (Art. 26).
        _move("request", _("Request the review"), [SS.PENDING], SS.SUBMITTED),
        _move("approve", _("Approve"), [SS.SUBMITTED], SS.DONE),
        _move("return", _("Return for rework"), [SS.SUBMITTED, SS.OPEN], SS.RETURNED),
        # "Lawful with changes" (Art. 28): accepted, done once the changes are confirmed.
        _move("accept_with_changes", _("Accept with changes"), [SS.SUBMITTED], SS.APPROVED),
        _move("complete", _("Complete the step"), [SS.OPEN, SS.SUBMITTED, SS.APPROVED], SS.DONE),
        # A step that does not apply waits for nothing; a done step is never rewritten.
        _move("set_not_applicable", _("Set not applicable"), NOT_APPLICABLE_STATUSES, SS.PENDING),
        _move(
            "close",
            _("Close (the procedure ended)"),
            [SS.PENDING, SS.OPEN, SS.SUBMITTED, SS.RETURNED, SS.APPROVED],
            SS.CLOSED,
        ),
    )
}


class Requirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Rule 1: these must be done (when required) before legality review may be requested.
PRE_DISCUSSION_STEPS = (
    StepKind.PUBLIC_PARTICIPATION,
    StepKind.HEARING,
    StepKind.EXPERT_REVIEW,
    StepKind.RISK_ASSESSMENT,
    StepKind.FAIR_COMPETITION_REVIEW,
    StepKind.DEPARTMENT_CONSULTATION,
)
# Steps the undertaking unit runs: filled in by a drafter, approved (and so completed) by the unit's head.
UNIT_RUN_STEPS = (*PRE_DISCUSSION_STEPS, StepKind.PARTY_REPORT, StepKind.CONGRESS_REPORT)
# Steps opened when drafting starts (and again in each adjustment round).
DRAFTING_STEPS = UNIT_RUN_STEPS
# An adjustment (rule 7) runs these again, in a new round; execution and evaluation go on meanwhile.
ADJUSTMENT_ROUND_STEPS = (
    *DRAFTING_STEPS,
    StepKind.LEGALITY_REVIEW,
    StepKind.COLLECTIVE_DISCUSSION,
    StepKind.PUBLICATION,
)
# Every decision has one row of each of these from the start (docs/procedure.md).
ALL_STEPS = tuple(StepKind)


@dataclass(frozen=True)
class StepSpec:
    """A step kind as the procedure knows it; its record belongs to the app that owns the kind (registry.py)."""

    kind: StepKind
    article: str


# The outcomes the procedure's rules read, defined once: step records store these codes, forms offer these labels.
class LegalityOpinion(models.TextChoices):
    LAWFUL = "lawful", _("Lawful")
    LAWFUL_WITH_CHANGES = "lawful_with_changes", _("Lawful with changes")
    UNLAWFUL = "unlawful", _("Unlawful")
    EXPLORATORY_REFORM = "exploratory_reform", _("Exploratory reform, legal risk stated")
    RETURNED = "returned", _("Returned for more material")


# Art. 25: a draft goes to discussion only with one of these opinions.
LAWFUL_OPINIONS = (LegalityOpinion.LAWFUL, LegalityOpinion.LAWFUL_WITH_CHANGES, LegalityOpinion.EXPLORATORY_REFORM)


class MeetingOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    ADOPTED_WITH_CHANGES = "adopted_with_changes", _("Adopted with changes")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred (back to drafting)")


def adopting(outcome: str) -> str:
    """The outcome as the majority rule reads it: adopting with changes is adopting."""
    return MeetingOutcome.ADOPTED if outcome == MeetingOutcome.ADOPTED_WITH_CHANGES else outcome


class MemberView(models.TextChoices):
    AGREE = "agree", _("agree")
    DISAGREE = "disagree", _("disagree")
    ABSTAIN = "abstain", _("abstain")


class EvaluationConclusion(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    ADJUST = "adjust", _("Adjust")
    STOP = "stop", _("Stop")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RiskFinding(models.TextChoices):
    """What the procedure reads of a risk assessment (Art. 24): whether its finding blocks the decision."""

    BLOCKING = "risk_blocking", _("High and not controllable: blocks the decision")
    ACCEPTABLE = "risk_acceptable", _("Controllable")


# A step's typed outcome: one of the codes above, as the step's owner passed it to the procedure.
STEP_OUTCOMES = [
    *LegalityOpinion.choices,
    *MeetingOutcome.choices,
    *EvaluationConclusion.choices,
    *RiskFinding.choices,
]

STEP_SPECS: dict[StepKind, StepSpec] = {
    StepKind.PUBLIC_PARTICIPATION: StepSpec(StepKind.PUBLIC_PARTICIPATION, _("Decree 713 Art. 14–18")),
    StepKind.HEARING: StepSpec(StepKind.HEARING, _("Decree 713 Art. 16–17")),
    StepKind.EXPERT_REVIEW: StepSpec(StepKind.EXPERT_REVIEW, _("Decree 713 Art. 19–21")),
    StepKind.RISK_ASSESSMENT: StepSpec(StepKind.RISK_ASSESSMENT, _("Decree 713 Art. 22–24")),
    StepKind.FAIR_COMPETITION_REVIEW: StepSpec(StepKind.FAIR_COMPETITION_REVIEW, _("Decree 713 Art. 29")),
    StepKind.DEPARTMENT_CONSULTATION: StepSpec(StepKind.DEPARTMENT_CONSULTATION, _("Decree 713 Art. 13")),
    StepKind.LEGALITY_REVIEW: StepSpec(StepKind.LEGALITY_REVIEW, _("Decree 713 Art. 25–28")),
    StepKind.PARTY_REPORT: StepSpec(StepKind.PARTY_REPORT, _("Decree 713 Art. 31")),
    StepKind.CONGRESS_REPORT: StepSpec(StepKind.CONGRESS_REPORT, _("Decree 713 Art. 8")),
    StepKind.COLLECTIVE_DISCUSSION: StepSpec(StepKind.COLLECTIVE_DISCUSSION, _("Decree 713 Art. 30")),
    StepKind.PUBLICATION: StepSpec(StepKind.PUBLICATION, _("Decree 713 Art. 32")),
    StepKind.EXECUTION: StepSpec(StepKind.EXECUTION, _("Decree 713 Art. 34–35")),
    StepKind.POST_EVALUATION: StepSpec(StepKind.POST_EVALUATION, _("Decree 713 Art. 36")),
}


def derive_requirement(kind: StepKind, decision, default_required: frozenset[str]) -> Requirement:
    """A step's requirement from the decision's flags and its organ's procedure profile."""
    always = {
        StepKind.LEGALITY_REVIEW,
        StepKind.COLLECTIVE_DISCUSSION,
        StepKind.EXECUTION,
    }
    if kind in always:
        return Requirement.REQUIRED
    if kind == StepKind.PUBLICATION:
        # Art. 32: lawfully confidential decisions are not published.
        return Requirement.NOT_APPLICABLE if decision.is_lawfully_confidential else Requirement.REQUIRED
    if kind == StepKind.PUBLIC_PARTICIPATION and decision.is_lawfully_confidential:
        return Requirement.NOT_APPLICABLE  # Art. 14: unless lawfully confidential
    by_flag = {
        StepKind.PUBLIC_PARTICIPATION: decision.affects_public_interest,
        StepKind.HEARING: decision.requires_hearing,
        StepKind.EXPERT_REVIEW: decision.is_technical,
        StepKind.RISK_ASSESSMENT: decision.has_stability_risk,
        StepKind.FAIR_COMPETITION_REVIEW: decision.affects_market_entities,
        StepKind.DEPARTMENT_CONSULTATION: decision.touches_other_departments,
        StepKind.CONGRESS_REPORT: decision.in_congress_report_list,
    }
    if by_flag.get(kind) or kind.value in default_required:
        return Requirement.REQUIRED
    return Requirement.OPTIONAL


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: frozenset[State]
    targets: tuple[State, ...]
    action: Action
    guards: tuple[str, ...] = ()
    needs_reason: bool = False
    rule: object = ""
    help_text: object = ""
    # Guards whose refusal explains a wrong state better than "not possible while …" (it names the article).
    explained_by: tuple[str, ...] = ()
    # Acts on the decision in force (its own status) rather than on the procedure, which, while an adjustment runs,
    # stands where the adjustment stands (Art. 37: the two are separate).
    on_force: bool = False

    def current_state(self, decision) -> str:
        return decision.status if self.on_force else decision.procedure_state


def _t(name, label, sources, targets, action, **kwargs) -> Transition:
    return Transition(name, label, frozenset(sources), tuple(targets), action, **kwargs)


S = State
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t(
            "catalog",
            _("Enter in the annual catalog"),
            [S.PROPOSED],
            [S.CATALOGED],
            Action.CATALOG,
            guards=("through_published_catalog",),
            rule=_("Decree 713 Art. 3"),
        ),
        _t(
            "withdraw",
            _("Withdraw (catalog adjusted)"),
            [S.PROPOSED, S.CATALOGED, S.DRAFTING],
            [S.WITHDRAWN],
            Action.WITHDRAW,
            guards=("not_in_force", "through_catalog_removal"),
            needs_reason=True,
            rule=_("Decree 713 Art. 3"),
        ),
        _t(
            "start_drafting",
            _("Start the procedure (drafting)"),
            [S.CATALOGED],
            [S.DRAFTING],
            Action.START_DRAFTING,
            rule=_("Decree 713 Art. 10–11"),
        ),
        _t(
            "request_legality_review",
            _("Request legality review"),
            [S.DRAFTING],
            [S.LEGALITY_REVIEW],
            Action.REQUEST_LEGALITY_REVIEW,
            guards=("pre_discussion_steps_done", "confidentiality_settled", "risk_controllable", "draft_uploaded"),
            rule=_("Rule 1 and 2; Decree 713 Art. 25–26"),
        ),
        _t(
            "give_legality_opinion",
            _("Give the legality review opinion"),
            [S.LEGALITY_REVIEW],
            [S.AWAITING_DISCUSSION, S.LEGALITY_REVIEW, S.DRAFTING],
            Action.GIVE_LEGALITY_OPINION,
            guards=("legality_opinion_pending",),
            rule=_("Decree 713 Art. 27–28"),
        ),
        _t(
            "confirm_legality_changes",
            _("Confirm the requested changes were made"),
            [S.LEGALITY_REVIEW],
            [S.AWAITING_DISCUSSION],
            Action.GIVE_LEGALITY_OPINION,
            guards=("legality_changes_pending",),
            rule=_("Rule 1; Decree 713 Art. 28"),
        ),
        _t(
            "record_collective_decision",
            _("Record the collective decision"),
            [S.AWAITING_DISCUSSION],
            # Rejected: a proposal ends; an adjustment ends and the decision in force stays as it was. An adopted
            # adjustment that stops the decision terminates it.
            [S.DECIDED, S.REJECTED, S.DRAFTING, S.TERMINATED],
            Action.RECORD_COLLECTIVE_DECISION,
            guards=("lawful_opinion", "party_report_done"),
            explained_by=("lawful_opinion",),
            rule=_("Rule 4; Decree 713 Art. 30–31"),
        ),
        _t(
            "publish",
            _("Publish the decision"),
            [S.DECIDED],
            [S.PUBLISHED],
            Action.PUBLISH,
            guards=("not_confidential", "congress_report_done", "decision_text_uploaded"),
            rule=_("Rule 5; Decree 713 Art. 32"),
        ),
        _t(
            "start_execution",
            _("Start execution"),
            [S.PUBLISHED, S.DECIDED],
            [S.IN_EXECUTION],
            Action.START_EXECUTION,
            guards=("published_or_confidential", "congress_report_done"),
            rule=_("Rule 5; Decree 713 Art. 34"),
        ),
        _t(
            "suspend",
            _("Suspend execution (emergency)"),
            [S.IN_EXECUTION, S.EVALUATING],
            [S.SUSPENDED],
            Action.SUSPEND,
            needs_reason=True,
            on_force=True,  # also while an adjustment runs
            rule=_("Rule 7; Decree 713 Art. 37"),
        ),
        _t(
            "start_adjustment",
            _("Start the adjustment procedure"),
            [S.IN_EXECUTION, S.EVALUATING, S.SUSPENDED],
            # The decision in force keeps its status (an evaluation under way ends); the adjustment starts drafting.
            [S.IN_EXECUTION, S.SUSPENDED],
            Action.START_ADJUSTMENT,
            guards=("no_adjustment_running",),
            needs_reason=True,
            on_force=True,
            rule=_("Rule 7; Decree 713 Art. 37"),
        ),
        _t(
            "abandon_adjustment",
            _("Abandon the adjustment"),
            [S.IN_EXECUTION, S.SUSPENDED],
            [S.IN_EXECUTION, S.SUSPENDED],  # the decision in force stays as it was
            Action.START_ADJUSTMENT,
            guards=("adjustment_running",),
            needs_reason=True,
            on_force=True,
            rule=_("Rule 7; Decree 713 Art. 37"),
        ),
        _t(
            "start_evaluation",
            _("Start post-decision evaluation"),
            [S.IN_EXECUTION],
            [S.EVALUATING],
            Action.START_EVALUATION,
            guards=("no_adjustment_running",),
            on_force=True,
            rule=_("Rule 6; Decree 713 Art. 36"),
        ),
        _t(
            "complete_evaluation",
            _("Complete the evaluation"),
            [S.EVALUATING],
            # Execution goes on; a conclusion "adjust" or "stop" opens the adjustment beside it (Art. 36–37).
            [S.IN_EXECUTION],
            Action.COMPLETE_EVALUATION,
            on_force=True,
            rule=_("Decree 713 Art. 36"),
        ),
        _t(
            "archive",
            _("Archive"),
            [S.IN_EXECUTION, S.TERMINATED, S.REJECTED, S.WITHDRAWN],
            [S.ARCHIVED],
            Action.ARCHIVE,
            guards=("no_adjustment_running", "execution_ended"),
            on_force=True,
            needs_reason=True,
            rule=_("Decree 713 Art. 33"),
        ),
    )
}


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


# How ledger events read in the workspace (the stored action code stays stable; this is only its label).
EVENT_LABELS = {
    "decision.created": _("Decision proposed"),
    "decision.updated": _("Decision edited"),
    "problem_report.received": _("Problem in execution reported by the public"),
    "problem_report.answered": _("Problem report on execution answered"),
    "problem_report.hidden": _("Problem report on execution hidden"),
    "problem_report.contact_revealed": _("Reporter's contact read"),
    "step.details_updated": _("Step record saved"),
    "step.submitted": _("Step submitted"),
    "step.approved": _("Step approved"),
    "step.returned": _("Step returned"),
    "step.reopened": _("Step redone (new round)"),
    "step.set_not_applicable": _("Step set not applicable"),
    "step.not_applicable_proposed": _("“Not applicable” proposed"),
    "step.not_applicable_confirmed": _("“Not applicable” confirmed"),
    "step.not_applicable_refused": _("“Not applicable” refused"),
    "step.due_moved": _("Due date moved"),
    "document.uploaded": _("Document uploaded"),
    "execution.reported": _("Execution progress reported"),
    "execution.indicators_set": _("Execution indicators set"),
    "profile.updated": _("Procedure profile changed"),
    "accounts.role_assigned": _("Role assigned"),
    "decision.confidentiality_confirmed": _("Confidentiality confirmed"),
    "decision.confidentiality_refused": _("Confidentiality refused"),
    "accounts.user_created": _("User created"),
    "accounts.user_updated": _("User changed"),
    "accounts.user_disabled": _("User disabled"),
    "accounts.one_time_password_issued": _("One-time password issued"),
    "accounts.password_changed": _("Password changed"),
    "accounts.organization_created": _("Organization created"),
    "accounts.organization_updated": _("Organization changed"),
    "accounts.organization_moved": _("Organization moved"),
    "accounts.otp_enrolled": _("Two-step verification set up"),
    "accounts.otp_failed": _("Two-step verification code refused"),
    "workdays.holiday_saved": _("Holiday calendar day saved"),
    "workdays.holiday_deleted": _("Holiday calendar day removed"),
    # The catalog app's acts (catalog/services.py).
    "catalog.suggestions_opened": _("Suggestions for the catalog asked for"),
    "catalog.suggestion_submitted": _("Suggestion for the catalog received"),
    "catalog.suggestion_answered": _("Suggestion answered"),
    "catalog.suggestion_hidden": _("Suggestion hidden"),
    "catalog.created": _("Catalog started"),
    "catalog.entry_added": _("Catalog entry added"),
    "catalog.entry_changed": _("Catalog entry changed"),
    "catalog.entry_removed": _("Catalog entry removed"),
    "catalog.sent_to_review": _("Catalog sent to the legal office"),
    "catalog.entry_approved": _("Catalog entry approved by the legal office"),
    "catalog.entry_returned": _("Catalog entry returned by the legal office"),
    "catalog.back_to_compiling": _("Catalog taken back to compiling"),
    "catalog.approval_recorded": _("Catalog approval at the meeting recorded"),
    "catalog.published": _("Catalog published"),
    "catalog.adjustment_started": _("Catalog adjustment started"),
    # The participation app's acts (participation/services.py).
    "consultation.set_up": _("Consultation set up"),
    "consultation.opened": _("Consultation opened"),
    "consultation.closed": _("Consultation closed"),
    "consultation.withdrawn": _("Consultation withdrawn"),
    "comment.received": _("Opinion on a draft received"),
    "comment.hidden": _("Opinion hidden"),
    "comment.answered": _("Opinion answered"),
    "theme.created": _("Theme of opinions created"),
    "theme.assigned": _("Opinions put under a theme"),
    "theme.unassigned": _("Opinions taken out of their theme"),
    "theme.answered": _("Theme of opinions answered"),
    "comment.contact_revealed": _("Contact of an opinion read"),
    "feedback_report.generated": _("Feedback report on the opinions generated"),
    "feedback_report.published": _("Feedback report on the opinions approved and published"),
    "hearing.announced": _("Hearing announced"),
    "hearing.changed": _("Hearing announcement changed"),
    "hearing.cancelled": _("Hearing cancelled"),
    "hearing.application_received": _("Application to a hearing received"),
    "hearing.participants_selected": _("Hearing participants selected"),
    "hearing.materials_sent": _("Hearing materials sent"),
    "hearing.statement_recorded": _("Statement at the hearing recorded"),
    "hearing.record_confirmed": _("Hearing record confirmed by a participant"),
    "hearing.held": _("Hearing record complete"),
    "co_signing.sent": _("Draft sent for co-signing"),
    "co_signing.answered": _("Co-signing answered"),
    "co_signing.silence_recorded": _("No co-signing answer by the deadline: recorded as no objection"),
    "co_signing.unit_view": _("Unit's view on a co-signing disagreement recorded"),
    "evaluation_plan.created": _("Evaluation plan drawn up"),
    "evaluation_plan.item_added": _("Decision added to the evaluation plan"),
    "evaluation_plan.item_removed": _("Decision removed from the evaluation plan"),
    "evaluation_plan.approved": _("Evaluation plan approved"),
    "evaluation_plan.published": _("Evaluation plan published"),
    "evaluation.report_submitted": _("Evaluation report submitted by the evaluation body"),
    "risk.method_set": _("Who assessed the risks and how recorded"),
    "risk.item_added": _("Identified risk added"),
    "risk.item_changed": _("Identified risk changed"),
    "risk.item_removed": _("Identified risk removed"),
    "risk.level_set": _("Risk level recorded"),
    "fair_competition.answered": _("Fair-competition checklist answered"),
    "fair_competition.restriction_set": _("Restriction of competition settled"),
    "fair_competition.concluded": _("Fair-competition review conclusion recorded"),
    "legality.adviser_opinion_recorded": _("Legal adviser's or public lawyer's opinion recorded"),
    "legality.changes_listed": _("Required changes listed one by one"),
    "legality.change_made": _("Undertaking unit's note on a required change recorded"),
    "meeting_session.planned": _("Executive meeting recorded"),
    "meeting_session.item_added": _("Decision put on a meeting's agenda"),
    "expert.added": _("Expert added to the pool"),
    "expert.updated": _("Expert's entry edited"),
    "expert.status_changed": _("Expert's status changed"),
    "expert.drawn": _("Experts drawn"),
    "expert.chosen_manually": _("Experts chosen by hand"),
    "expert.declared": _("Expert's declaration of interests"),
    "expert.opinion_submitted": _("Expert opinion signed and submitted"),
    "expert.opinion_answered": _("Use of an expert opinion recorded"),
    "survey.set_up": _("Satisfaction survey set up"),
    "survey.changed": _("Satisfaction survey changed"),
}


def event_label(action: str):
    if action.startswith("decision.") and action.removeprefix("decision.") in TRANSITIONS:
        return TRANSITIONS[action.removeprefix("decision.")].label
    return EVENT_LABELS.get(action, action)
