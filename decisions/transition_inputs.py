"""The inputs of the transitions `decisions` performs itself: which form checks each and which service performs it.

They are registered like those of the step apps (`registry.TransitionInput`). The staff page
(`views.decision_transition`) and the API (`api.DecisionTransitionView`) both look a transition up in the registry,
bind its form to what was sent (form fields, or the same names as JSON), and call `perform` with the cleaned data — so
a transition has the same input checks and the same service call wherever it is made from.

Input or rule? A refused transition is either a refusal of the *input* (the client fixes what it sent) or of the
*rule or state* (nothing the client sends now would help). The rule is explicit:

* a form error is always an input error;
* a `ProcedureError` is an input error exactly when the service that raised it named the `fields` it is about
  (`ProcedureError(code, message, fields=("reason",))`; they go into the API's `missing`, and onto the page's field);
* every other `ProcedureError` — permission (`permission.*`), state (`procedure.wrong_state`), the guards of
  `guards.py` (`rule1.steps_not_done`, …) and the service's own checks of the record (`rule6.too_early`,
  `legality.no_revised_draft`, …) — is a refusal of the rule or state.

The service knows which of its arguments was wrong, so it says so; tests/api checks that every field a service names
is a field of a transition's form.
"""

from . import forms, services
from .registry import TransitionInput, publication_explanation, register_transition_input
from .selectors import organ_units

TRANSITION_INPUTS: dict[str, TransitionInput] = {
    "catalog": TransitionInput(forms.ConfirmForm, lambda d, u, c: services.catalog_decision(decision=d, actor=u)),
    "withdraw": TransitionInput(
        forms.ReasonForm, lambda d, u, c: services.withdraw_decision(decision=d, actor=u, reason=c["reason"])
    ),
    "start_drafting": TransitionInput(forms.ConfirmForm, lambda d, u, c: services.start_drafting(decision=d, actor=u)),
    "record_collective_decision": TransitionInput(
        forms.CollectiveDecisionForm,
        lambda d, u, c: services.record_collective_decision(decision=d, actor=u, **c),
    ),
    "publish": TransitionInput(
        forms.PublishForm,
        lambda d, u, c: services.publish_decision(decision=d, actor=u, **c),
        initial=lambda d: {"opinions_explanation": publication_explanation(d)},
    ),
    "start_execution": TransitionInput(
        forms.StartExecutionForm,
        lambda d, u, c: services.start_execution(decision=d, actor=u, **c),
        lambda d: {"organizations": organ_units(d)},
    ),
    "suspend": TransitionInput(forms.SuspendForm, lambda d, u, c: services.suspend_decision(decision=d, actor=u, **c)),
    "start_adjustment": TransitionInput(
        forms.AdjustmentForm, lambda d, u, c: services.start_adjustment(decision=d, actor=u, **c)
    ),
    "abandon_adjustment": TransitionInput(
        forms.ReasonForm, lambda d, u, c: services.abandon_adjustment(decision=d, actor=u, reason=c["reason"])
    ),
    "archive": TransitionInput(
        forms.ReasonForm, lambda d, u, c: services.archive_decision(decision=d, actor=u, reason=c["reason"])
    ),
}


def register() -> None:
    for name, entry in TRANSITION_INPUTS.items():
        register_transition_input(name, entry)
