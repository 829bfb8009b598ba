"""The ordering rules of the procedure, each a function that returns the refusal (or None when satisfied).

Services raise the refusal; pages show it next to the disabled action. Messages name the rule and what is missing.
"""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .errors import ProcedureError
from .models import Decision, Step
from .procedure import (
    LAWFUL_OPINIONS,
    PRE_DISCUSSION_STEPS,
    LegalityOpinion,
    MeetingOutcome,
    Requirement,
    RiskFinding,
    State,
    StepKind,
    StepStatus,
)
from .selectors import current_steps


def _labels(steps: list[Step]) -> str:
    return "、".join(str(StepKind(step.kind).label) for step in steps)


def pre_discussion_steps_done(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    missing = [
        steps[kind]
        for kind in PRE_DISCUSSION_STEPS
        if kind in steps and steps[kind].requirement == Requirement.REQUIRED and steps[kind].status != StepStatus.DONE
    ]
    if missing:
        return ProcedureError(
            "rule1.steps_not_done",
            _(
                "Rule 1: legality review can be requested only when every required pre-discussion step is done. "
                "Not done: %(steps)s."
            )
            % {"steps": _labels(missing)},
            missing=tuple(step.kind for step in missing),
        )
    waiting = [
        steps[kind] for kind in PRE_DISCUSSION_STEPS if kind in steps and steps[kind].status == StepStatus.SUBMITTED
    ]
    if waiting:
        return ProcedureError(
            "rule1.steps_awaiting_approval",
            _("Rule 1: the head of the unit has not yet approved or returned: %(steps)s.")
            % {"steps": _labels(waiting)},
            missing=tuple(step.kind for step in waiting),
        )
    return None


def is_blocking_risk(step: Step) -> bool:
    """Art. 24: a finding of high risk that is not controllable (the outcome the assessment's owner passed)."""
    return step.outcome == RiskFinding.BLOCKING


def completed_risk_assessments(decision: Decision, before_round: int | None = None) -> list[Step]:
    """The decision's completed risk assessments, oldest round first (those before `before_round`, if given)."""
    return sorted(
        (
            step
            for step in decision.steps.all()
            if step.kind == StepKind.RISK_ASSESSMENT
            and step.status == StepStatus.DONE
            and (before_round is None or step.round < before_round)
        ),
        key=lambda step: step.round,
    )


def latest_blocking_risk(assessments: list[Step]) -> Step | None:
    return next((step for step in reversed(assessments) if is_blocking_risk(step)), None)


def reassessment_refusal(blocking: Step, draft) -> ProcedureError | None:
    """Art. 24: a blocking finding is lifted only by assessing a changed draft (a Document), newer than the one
    assessed."""
    assessed = blocking.draft
    if draft and (assessed is None or (draft.version > assessed.version and draft.sha256 != assessed.sha256)):
        return None
    return ProcedureError(
        "rule1.risk_same_draft",
        _(
            "Rule 1 (Decree 713 Art. 24): the high, uncontrollable risk was found on draft version %(version)s; only "
            "an assessment of a changed draft (a newer version) can lift it. Upload the adjusted draft first."
        )
        % {"version": assessed.version if assessed else "—"},
    )


def risk_controllable(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    # The latest *completed* assessment counts: opening a new round does not make a finding go away.
    completed = completed_risk_assessments(decision)
    blocking = latest_blocking_risk(completed)
    if blocking and completed[-1] is not blocking:
        # A later assessment found the risk controllable: it counts only if it assessed a changed draft.
        return reassessment_refusal(blocking, completed[-1].draft)
    if blocking:
        return ProcedureError(
            "rule1.risk_uncontrollable",
            _(
                "Rule 1 (Decree 713 Art. 24): the risk assessment found a high risk that is not controllable. Adjust "
                "the draft so the risk becomes controllable and assess it again (a new round of the risk assessment)."
            ),
        )
    return None


def draft_uploaded(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    drafts = decision.documents.filter(kind="draft")
    if decision.is_adjustment:
        drafts = drafts.filter(uploaded_at__gt=decision.adjustment.started_at)  # the adjusted text, not the old one
    if not drafts.exists():
        return ProcedureError(
            "rule1.no_draft",
            _("Rule 1 (Decree 713 Art. 26): the legality review request carries the draft; upload the draft first."),
        )
    return None


def legality_opinion_pending(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    if steps[StepKind.LEGALITY_REVIEW].status != StepStatus.SUBMITTED:
        return ProcedureError(
            "legality.no_pending_request", _("There is no legality review request awaiting an opinion.")
        )
    return None


def legality_changes_pending(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    step = steps[StepKind.LEGALITY_REVIEW]
    if step.status != StepStatus.APPROVED or step.outcome != LegalityOpinion.LAWFUL_WITH_CHANGES:
        return ProcedureError(
            "legality.no_changes_pending",
            _("No opinion “lawful with changes” is waiting for its changes to be confirmed."),
        )
    return None


def lawful_opinion(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    step = steps[StepKind.LEGALITY_REVIEW]
    if step.status == StepStatus.APPROVED and step.outcome == LegalityOpinion.LAWFUL_WITH_CHANGES:
        return ProcedureError(
            "rule1.changes_not_confirmed",
            _(
                "Rule 1 (Decree 713 Art. 28): the legal office found the draft lawful with changes; it goes to "
                "discussion once the legal office confirms the changes were made."
            ),
        )
    if step.status != StepStatus.DONE or step.outcome not in LAWFUL_OPINIONS:
        return ProcedureError(
            "rule1.no_lawful_opinion",
            _(
                "Rule 1 (Decree 713 Art. 25): a draft not reviewed, or found unlawful, may not be submitted for "
                "discussion."
            ),
        )
    return None


def party_report_done(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    step = steps.get(StepKind.PARTY_REPORT)
    if step and step.requirement == Requirement.REQUIRED and step.status != StepStatus.DONE:
        return ProcedureError(
            "rule4.party_report",
            _(
                "Rule 4 (Decree 713 Art. 31): the collective decision needs the required report to the party committee "
                "done first."
            ),
        )
    return None


def congress_report_done(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    step = steps.get(StepKind.CONGRESS_REPORT)
    if step and step.requirement == Requirement.REQUIRED and step.status != StepStatus.DONE:
        return ProcedureError(
            "rule5.congress_report",
            _(
                "Rule 5 (Decree 713 Art. 8): a decision on the congress-report list is reported to the people's "
                "congress standing committee before it is issued; that report is not done."
            ),
        )
    return None


def not_in_force(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    if decision.is_adjustment:
        return ProcedureError(
            "rule7.in_force",
            _("Rule 7: the decision is in force while its adjustment runs; it is stopped only by the adjustment."),
        )
    return None


def confidentiality_settled(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    if decision.is_confidential and not decision.is_lawfully_confidential:
        return ProcedureError(
            "rule1.confidentiality_unconfirmed",
            _(
                "Rule 1: the decision is marked confidential; the legal office confirms or refuses that before the "
                "legality review request."
            ),
        )
    return None


def not_confidential(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    if decision.is_lawfully_confidential:
        return ProcedureError(
            "rule5.confidential",
            _(
                "Rule 5 (Decree 713 Art. 32): a lawfully confidential decision is not published; start its "
                "execution directly."
            ),
        )
    return None


def published_or_confidential(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    state = decision.procedure_state
    if state == State.PUBLISHED or (state == State.DECIDED and decision.is_lawfully_confidential):
        return None
    return ProcedureError(
        "rule5.not_published",
        _("Rule 5: execution needs a published decision (or a decided one that is lawfully confidential)."),
    )


def decision_text_uploaded(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    texts = decision.documents.filter(kind="decision_text")
    if decision.is_adjustment:
        texts = texts.filter(uploaded_at__gt=decision.adjustment.started_at)  # the adjusted text, not the old one
    discussion = steps.get(StepKind.COLLECTIVE_DISCUSSION)
    if discussion is not None and discussion.outcome == MeetingOutcome.ADOPTED_WITH_CHANGES and discussion.completed_at:
        if not texts.filter(uploaded_at__gt=discussion.completed_at).exists():
            return ProcedureError(
                "rule5.changes_not_in_text",
                _(
                    "Rule 5 (Decree 713 Art. 30, 32): the meeting of %(date)s adopted the decision with changes; "
                    "upload the decision text with those changes made before it is published."
                )
                % {"date": timezone.localdate(discussion.completed_at).isoformat()},
            )
    if not texts.exists():
        return ProcedureError(
            "rule5.no_decision_text",
            _(
                "Rule 5 (Decree 713 Art. 32): what is published is the decision text; upload it first (a document "
                "of the kind “Decision text”)."
            ),
        )
    return None


def execution_ended(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    """Art. 33–37: a decision in execution is archived only once its execution ended through the procedure."""
    if decision.status != State.IN_EXECUTION:
        return None  # terminated, rejected or withdrawn: the procedure has already ended it
    if decision.term_end and decision.term_end < timezone.localdate():
        return None
    return ProcedureError(
        "rule7.execution_not_ended",
        _(
            "Rule 7 (Decree 713 Art. 37): the decision is in force; it is archived when its term is over "
            "(%(term)s), or after it was stopped through the adjustment procedure."
        )
        % {"term": decision.term_end.isoformat() if decision.term_end else _("no term set")},
    )


def no_adjustment_running(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    if decision.is_adjustment:
        return ProcedureError(
            "rule7.adjustment_running",
            _(
                "Rule 7 (Decree 713 Art. 37): adjustment %(number)s of this decision is under way (%(stage)s); it "
                "ends (decided, rejected or abandoned) before anything else is started."
            )
            % {"number": decision.adjustment.number, "stage": decision.adjustment.get_stage_display()},
        )
    return None


def adjustment_running(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    if not decision.is_adjustment:
        return ProcedureError("adjustment.none", _("No adjustment of this decision is under way."))
    return None


def through_published_catalog(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    """Art. 3: the catalog is what the organ publishes; a decision enters it by that publication, not on its own."""
    if registry.admitted_to_catalog(decision):
        return None
    return ProcedureError(
        "catalog.through_publication",
        _(
            "Decree 713 Art. 3: a decision enters the annual catalog only when the organ publishes the catalog that "
            "lists it, or an adjustment of the published catalog adds it with a reason. Add it as an entry on the "
            "catalog's page."
        ),
    )


def through_catalog_removal(decision: Decision, steps: dict[str, Step]) -> ProcedureError | None:
    """Art. 3: what the published catalog lists leaves it only by a published, reasoned adjustment removing the
    entry; a proposal no catalog lists (or a decision from before the catalogs) is withdrawn on its own."""
    if not registry.held_by_catalog(decision):
        return None
    return ProcedureError(
        "catalog.withdraw_through_adjustment",
        _(
            "Decree 713 Art. 3: an entry of the annual catalog lists this decision; it is withdrawn only by "
            "removing that entry, with a reason, in an adjustment of the catalog (or from the catalog's draft). "
            "Remove the entry on the catalog's page."
        ),
    )


GUARDS: dict[str, Callable[[Decision, dict[str, Step]], ProcedureError | None]] = {
    fn.__name__: fn
    for fn in (
        through_published_catalog,
        through_catalog_removal,
        pre_discussion_steps_done,
        not_in_force,
        confidentiality_settled,
        risk_controllable,
        draft_uploaded,
        legality_opinion_pending,
        legality_changes_pending,
        lawful_opinion,
        party_report_done,
        congress_report_done,
        not_confidential,
        published_or_confidential,
        decision_text_uploaded,
        execution_ended,
        no_adjustment_running,
        adjustment_running,
    )
}


def first_failing_guard(decision: Decision, guard_names, steps=None) -> ProcedureError | None:
    steps = steps if steps is not None else current_steps(decision)
    for name in guard_names:
        refusal = GUARDS[name](decision, steps)
        if refusal is not None:
            return refusal
    return None
