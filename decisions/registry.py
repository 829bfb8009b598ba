"""The seam between the procedure and the step apps.

`decisions` never imports a step app. Each step app registers, in its `AppConfig.ready()`, the step kinds it owns:
the typed record of each (a model with a one-to-one `step`), the form the unit fills it in with, what must be true
before the step may be submitted ("what is missing", a refusal naming the article), and what the procedure's rules
read of it (the outcome, the draft it concerned, the independent body that did it). A step app may also register a
scope: which decisions a user sees beyond their organizations (an expert sees only the decisions assigned to them).

The procedure's services look kinds up here at run time; they read the typed outcome they are given, never the step
app's models.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q


@dataclass(frozen=True)
class StepOwner:
    """What a step app says about one step kind it owns."""

    kind: str  # a procedure.StepKind
    record_model: type[Model]
    # A ModelForm of `record_model` the undertaking unit fills in, accepting `organizations=` (the bodies it may
    # name); None for a step recorded by the transitions its app owns (the legality review, the evaluation).
    form_class: type | None = None
    # Why the record cannot be kept as it is (None: it can), checked when saved and again when submitted: e.g. a
    # period that ends before it starts.
    record_refusal: Callable[[Model], Any] = lambda record: None
    # Why the saved record may not be submitted yet (None: it may): the numbers and the law's conditions.
    submission_refusal: Callable[[Any, Any, Model], Any] = lambda decision, step, record: None
    # The typed outcome the procedure's rules read (e.g. whether a risk finding blocks), given at submission.
    outcome: Callable[[Model], str] | None = None
    # The independent body that did the work (an assessor may not evaluate the same decision later, Art. 36).
    assessed_by: Callable[[Model], Any] | None = None
    # Whether the step records which draft it concerned (Art. 24: a finding holds for the draft it assessed).
    concerns_the_draft: bool = False
    # What happens when the step opens (e.g. the comment period's minimum in force then is kept with the record).
    on_open: Callable[[Any, Any], None] | None = None
    needs_document: bool = False
    # The step's due date by its rule, `(step, record, profile) -> workdays.calendar.ComputedDate | None` (record:
    # None when nothing was recorded yet): e.g. a consultation is due when its comment period ends. None: the
    # organ's target for the kind (decisions/deadlines.py). Computed with the calendar the caller shares.
    due_date: Callable[[Any, Any, Any], Any] | None = None
    # Where the step's own work is done when it is more than a form (the consultation's workspace, the hearing's):
    # `(step) -> (label, url)`; the step page links to it.
    workspace: Callable[[Any], tuple[str, str]] | None = None


@dataclass(frozen=True)
class TransitionInput:
    """How a transition of the table is made: the form that checks its input and the service that performs it.
    The app that owns a transition registers it (the legality review's are `review`'s); the staff page and the API
    look it up here, so a transition has the same input checks and the same service call wherever it is made from."""

    form_class: type
    perform: Callable  # (decision, actor, cleaned_data) -> object
    form_kwargs: Callable | None = None  # (decision) -> extra keyword arguments of the form
    initial: Callable | None = None  # (decision) -> the values an empty form starts with

    def form(self, decision, data=None):
        extra = self.form_kwargs(decision) if self.form_kwargs else {}
        if data is None and self.initial is not None:
            extra["initial"] = self.initial(decision)
        return self.form_class(data, **extra)


_OWNERS: dict[str, StepOwner] = {}
_TRANSITION_INPUTS: dict[str, TransitionInput] = {}


def register_transition_input(name: str, entry: TransitionInput) -> None:
    if name in _TRANSITION_INPUTS and _TRANSITION_INPUTS[name] is not entry:
        raise ValueError(f"transition {name} already has its input")
    _TRANSITION_INPUTS[name] = entry


def transition_input(name: str) -> TransitionInput | None:
    return _TRANSITION_INPUTS.get(name)


def transition_inputs() -> dict[str, TransitionInput]:
    return dict(_TRANSITION_INPUTS)


_SCOPES: dict[str, list[Callable[[Any], Q]]] = {}
_CATALOG_ADMISSIONS: list[Callable[[Any], bool]] = []
_CATALOG_HOLDS: list[Callable[[Any], bool]] = []
_EXPLANATION_SOURCES: list[Callable[[Any], str]] = []


def register_publication_explanation(source: Callable[[Any], str]) -> None:
    """`source(decision)` gives what a step app has to say about how opinions were used (the published feedback
    report of the consultation, the answers to the experts): the publication's explanation starts from it (Art. 32)."""
    if source not in _EXPLANATION_SOURCES:
        _EXPLANATION_SOURCES.append(source)


_MEETING_MATERIALS: list[Callable[[Any], list[dict]]] = []


def register_meeting_material(source: Callable[[Any], list[dict]]) -> None:
    """`source(decision)` gives what a step app adds to the meeting's materials for a decision, each a dict
    {"label", "ok", "detail"} (e.g. the disagreements of the departments still open, with each side's view)."""
    if source not in _MEETING_MATERIALS:
        _MEETING_MATERIALS.append(source)


def meeting_materials(decision) -> list[dict]:
    return [row for source in _MEETING_MATERIALS for row in source(decision)]


def publication_explanation(decision) -> str:
    return "\n\n".join(text for text in (source(decision) for source in _EXPLANATION_SOURCES) if text)


def register_catalog_admission(admits: Callable[[Any], bool]) -> None:
    """`admits(decision)` says whether the decision is being brought into its organ's catalog now: the catalog app
    registers the publication of a catalog (or of an adjustment adding the entry), the one way into it (Art. 3)."""
    if admits not in _CATALOG_ADMISSIONS:
        _CATALOG_ADMISSIONS.append(admits)


def admitted_to_catalog(decision) -> bool:
    return any(admits(decision) for admits in _CATALOG_ADMISSIONS)


def register_catalog_hold(holds: Callable[[Any], bool]) -> None:
    """`holds(decision)` says whether a catalog lists the decision and is not removing it now: such a decision is
    withdrawn only by the catalog adjustment that removes its entry (Art. 3), not on its own."""
    if holds not in _CATALOG_HOLDS:
        _CATALOG_HOLDS.append(holds)


def held_by_catalog(decision) -> bool:
    return any(holds(decision) for holds in _CATALOG_HOLDS)


def register_step(owner: StepOwner) -> None:
    if owner.kind in _OWNERS and _OWNERS[owner.kind].record_model is not owner.record_model:
        raise ValueError(f"step kind {owner.kind} is already owned by {_OWNERS[owner.kind].record_model}")
    _OWNERS[owner.kind] = owner


def owner_of(kind: str) -> StepOwner | None:
    return _OWNERS.get(kind)


def owned_kinds() -> dict[str, StepOwner]:
    return dict(_OWNERS)


def record_of(step) -> Model | None:
    """The typed record of a step (None when nothing was recorded yet, or the kind has no registered owner)."""
    owner = owner_of(step.kind)
    if owner is None:
        return None
    return owner.record_model.objects.filter(step=step).first()


def register_scope(role: str, scope: Callable[[Any], Q]) -> None:
    """`scope(user)` is a condition on Decision: the decisions a holder of `role` sees beyond their organizations
    (an expert: those assigned to them). Such a role reaches a decision only through a registered scope."""
    scopes = _SCOPES.setdefault(str(role), [])
    if scope not in scopes:
        scopes.append(scope)


def unregister_scope(role: str, scope: Callable[[Any], Q]) -> None:
    if scope in _SCOPES.get(str(role), []):
        _SCOPES[str(role)].remove(scope)


def scope_roles() -> set[str]:
    return {role for role, scopes in _SCOPES.items() if scopes}


def added_scope(user, role: str) -> Q | None:
    """The decisions `user` reaches in `role` through the registered scopes (None: none registered)."""
    condition = None
    for scope in _SCOPES.get(str(role), []):
        condition = scope(user) if condition is None else condition | scope(user)
    return condition
