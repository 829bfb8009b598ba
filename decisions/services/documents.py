"""Documents: every version kept, checked by type, content and size, hashed."""

from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User

from ..errors import ProcedureError
from ..models import Decision, Document, Step
from ..permissions import Action, acting_role, can
from ..procedure import (
    EDITABLE_STATES,
    IN_FORCE_STATES,
    PUBLIC_STATES,
    UNIT_RUN_STEPS,
    Requirement,
    State,
    StepKind,
    StepStatus,
)
from ..selectors import current_steps
from ..uploads import check_upload
from .base import (
    awaits_taking_up,
    ensure_not_ended,
    lock_decision,
    open_step,
    require_text,
)

UPLOAD_ACTIONS = (
    Action.WORK_ON_STEP,
    Action.GIVE_LEGALITY_OPINION,
    Action.RECORD_COLLECTIVE_DECISION,
    Action.PUBLISH,
    Action.COMPLETE_EVALUATION,
    Action.SUBMIT_EVALUATION_REPORT,
    Action.REPORT_EXECUTION,
)

# What the execution unit attaches to its execution reports.
EXECUTION_REPORT_KINDS = (Document.Kind.REPORT, Document.Kind.RECORD, Document.Kind.OTHER)

# Who attaches documents to a step: whoever records that step.
STEP_UPLOAD_ACTIONS = {
    **dict.fromkeys(UNIT_RUN_STEPS, (Action.WORK_ON_STEP,)),
    StepKind.LEGALITY_REVIEW: (Action.GIVE_LEGALITY_OPINION, Action.REQUEST_LEGALITY_REVIEW),
    StepKind.COLLECTIVE_DISCUSSION: (Action.RECORD_COLLECTIVE_DECISION,),
    StepKind.PUBLICATION: (Action.PUBLISH,),
    StepKind.EXECUTION: (Action.REPORT_EXECUTION,),
    # The evaluation body uploads its report; the government office, which approves it, may add to it.
    StepKind.POST_EVALUATION: (Action.SUBMIT_EVALUATION_REPORT, Action.COMPLETE_EVALUATION),
}


@transaction.atomic
def add_document(
    *,
    decision: Decision,
    actor: User,
    uploaded_file,
    kind: str,
    title: str,
    is_public: bool = False,
    step: Step | None = None,
) -> Document:
    """Keep a new document version (never overwritten): type, content and size checked; SHA-256 recorded."""
    decision = lock_decision(decision)
    ensure_can_upload(decision, actor)
    if kind not in Document.Kind.values:
        raise ProcedureError("document.kind", _("Choose the kind of document."))
    title = require_text(title, "document.title", _("Give the document a title."))
    if step is not None and step.decision_id != decision.pk:
        raise ProcedureError("document.step", _("That step belongs to another decision."))
    if step is not None:
        step = Step.objects.select_for_update().get(pk=step.pk)  # as it stands now (it may have opened since)
    refusal = _placement_refusal(decision, actor, kind, step, is_public)
    if refusal is not None:
        raise refusal
    checked = check_upload(uploaded_file)
    if step is not None and awaits_taking_up(decision, step):  # an optional step opens when taken up
        open_step(step, actor)
    version = next_version(decision, step, kind, title)
    document = Document(
        decision=decision,
        step=step,
        kind=kind,
        title=title,
        version=version,
        original_name=uploaded_file.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_public=is_public,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
    stored_name = document.file.name
    try:  # the file is written before the row: if the row is refused, remove the file again
        document.save()
        record_event(
            actor=actor,
            action="document.uploaded",
            role=next((acting_role(actor, a, decision) for a in UPLOAD_ACTIONS if can(actor, a, decision)), ""),
            obj=document,
            decision_id=decision.pk,
            after={
                "kind": kind,
                "version": version,
                "sha256": checked.sha256,
                "size": checked.size,
                "step": step.kind if step else None,
                "public": is_public,
            },
        )
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    return document


def next_version(decision: Decision, step: Step | None, kind: str, title: str) -> int:
    """The next version of one document: the same decision, step (or none), kind and title. A re-upload under the
    same title is its next version; another title starts a document of its own, at v1."""
    series = decision.documents.filter(step=step, kind=kind, title=title)
    return (series.order_by("-version").values_list("version", flat=True).first() or 0) + 1


def _step_refusal(decision: Decision, actor: User, step: Step) -> ProcedureError | None:
    """Whether `actor` may attach documents to `step` now: whoever records it, while it is open."""
    step_kind = StepKind(step.kind)
    closed = ProcedureError(
        "document.step_closed",
        _("“%(step)s” is “%(status)s”; its documents can no longer change.")
        % {"step": step_kind.label, "status": StepStatus(step.status).label},
    )
    if step.status in (StepStatus.DONE, StepStatus.CLOSED) or step.requirement == Requirement.NOT_APPLICABLE:
        return closed
    if not any(can(actor, action, decision) for action in STEP_UPLOAD_ACTIONS[step_kind]):
        return ProcedureError(
            "document.step_role",
            _("Documents of “%(step)s” are added by whoever records that step.") % {"step": step_kind.label},
        )
    if (
        step_kind in UNIT_RUN_STEPS
        and step.status not in (StepStatus.OPEN, StepStatus.RETURNED)
        and not awaits_taking_up(decision, step)
    ):
        return closed
    return None


def _placement_refusal(decision: Decision, actor: User, kind: str, step: Step | None, is_public: bool):
    """Where a document may go: a step's documents come from who records it, while it is open; the draft changes
    only while drafting (or when the legal office asked for changes), so the reviewed text is the text decided;
    the execution unit adds only its execution reports' documents, while the decision is executed; after
    publication, only the government office makes further documents public."""
    if not any(can(actor, action, decision) for action in UPLOAD_ACTIONS if action != Action.REPORT_EXECUTION):
        # Its only right here is to report on execution (Art. 34–35): the decision's own texts are not its to add.
        if kind not in EXECUTION_REPORT_KINDS:
            return ProcedureError(
                "document.execution_unit",
                _(
                    "The execution unit adds the documents of its execution reports (a report, a record, other "
                    "material); the decision's text, its draft and its legal basis are not its to add."
                ),
            )
        if not decision.is_in_force:
            return ProcedureError(
                "execution.not_running", _("Progress can be reported only while the decision is executed.")
            )
    if step is not None:
        refusal = _step_refusal(decision, actor, step)
        if refusal is not None:
            return refusal
    if kind == Document.Kind.DRAFT:
        legality = current_steps(decision)[StepKind.LEGALITY_REVIEW]
        state = decision.procedure_state  # while an adjustment runs, where it stands
        changes_asked = state == State.LEGALITY_REVIEW and legality.status == StepStatus.APPROVED
        if not can(actor, Action.WORK_ON_STEP, decision) or not (state in EDITABLE_STATES or changes_asked):
            return ProcedureError(
                "document.draft_frozen",
                _(
                    "The draft is changed by the undertaking unit until legality review is requested, or when the "
                    "legal office asks for changes; it cannot change now."
                ),
            )
    if kind == Document.Kind.DECISION_TEXT and decision.status in PUBLIC_STATES and not decision.is_adjustment:
        # Rule 7 (Art. 37): the published text changes only through an adjustment, which ends in a new publication.
        return ProcedureError(
            "rule7.decision_text_fixed",
            _(
                "Rule 7 (Decree 713 Art. 37): the decision is “%(state)s”; its text changes only through an "
                "adjustment, which is decided and published again."
            )
            % {"state": State(decision.status).label},
        )
    if kind == Document.Kind.INTERPRETATION:
        return _interpretation_refusal(decision, actor)
    # (An adjustment's own consultation material is published by the unit again, as in the first round.)
    if (
        is_public
        and decision.status in PUBLIC_STATES
        and not decision.is_adjustment
        and not can(actor, Action.PUBLISH, decision)
    ):
        return ProcedureError(
            "document.publication",
            _("After publication, only the government office makes further documents public."),
        )
    return None


# From the decision on (Art. 32): the interpretation goes out with the decision or after it, while it is in force.
INTERPRETATION_STATES = frozenset({State.DECIDED, State.PUBLISHED, *IN_FORCE_STATES})


def _interpretation_refusal(decision: Decision, actor: User) -> ProcedureError | None:
    """The policy interpretation (政策解读) explains the decided decision to the public: the government office (or
    the undertaking unit that drafted it) adds it, public, once the decision is decided."""
    if not (can(actor, Action.PUBLISH, decision) or can(actor, Action.WORK_ON_STEP, decision)):
        return ProcedureError(
            "document.interpretation_role",
            _("The policy interpretation is added by the government office or the undertaking unit (Art. 32)."),
        )
    if decision.status not in INTERPRETATION_STATES:
        return ProcedureError(
            "document.interpretation_early",
            _(
                "The policy interpretation explains the decided decision (Art. 32); it is added once the decision "
                "is decided, not while it is “%(state)s”."
            )
            % {"state": State(decision.status).label},
        )
    return None


def ensure_can_upload(decision: Decision, actor: User) -> None:
    verdicts = [can(actor, action, decision) for action in UPLOAD_ACTIONS]
    if not any(verdicts):
        # Say "another organization" when a role would allow it there, "your role" otherwise.
        scoped = [verdict for verdict in verdicts if verdict.code != "permission.role"]
        raise ProcedureError.from_verdict(scoped[0] if scoped else verdicts[0])
    ensure_not_ended(decision)


def upload_refusal(decision: Decision, user: User) -> ProcedureError | None:
    """Why `user` may not add documents to this decision at all (None: they may, subject to where they go)."""
    try:
        ensure_can_upload(decision, user)
    except ProcedureError as refusal:
        return refusal
    return None


def step_upload_refusal(step: Step, user: User) -> ProcedureError | None:
    """Why `user` may not attach documents to this step now (None: they may): the upload form shows only then."""
    refusal = upload_refusal(step.decision, user)
    return refusal if refusal is not None else _step_refusal(step.decision, user, step)
