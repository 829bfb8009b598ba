"""The one dispatch of a transition's input: which form checks it and which service performs it.

The staff page (`views.decision_transition`) and the API (`api.DecisionTransitionView`) both look a transition up
here, bind its form to what was sent (form fields, or the same names as JSON), and call `perform` with the cleaned
data — so a transition has the same input checks and the same service call wherever it is made from.

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

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms

from . import forms, services
from .models import Decision
from .procedure import TRANSITIONS
from .selectors import independent_bodies, organ_units


@dataclass(frozen=True)
class TransitionInput:
    form_class: type[django_forms.Form]
    perform: Callable  # (decision, actor, cleaned_data) -> object
    form_kwargs: Callable | None = None  # (decision) -> extra keyword arguments of the form

    def form(self, decision: Decision, data=None) -> django_forms.Form:
        extra = self.form_kwargs(decision) if self.form_kwargs else {}
        return self.form_class(data, **extra)


TRANSITION_INPUTS: dict[str, TransitionInput] = {
    "catalog": TransitionInput(forms.ConfirmForm, lambda d, u, c: services.catalog_decision(decision=d, actor=u)),
    "withdraw": TransitionInput(
        forms.ReasonForm, lambda d, u, c: services.withdraw_decision(decision=d, actor=u, reason=c["reason"])
    ),
    "start_drafting": TransitionInput(forms.ConfirmForm, lambda d, u, c: services.start_drafting(decision=d, actor=u)),
    "request_legality_review": TransitionInput(
        forms.RequestLegalityReviewForm,
        lambda d, u, c: services.request_legality_review(decision=d, actor=u, **c),
    ),
    "give_legality_opinion": TransitionInput(
        forms.LegalityOpinionForm, lambda d, u, c: services.give_legality_opinion(decision=d, actor=u, **c)
    ),
    "confirm_legality_changes": TransitionInput(
        forms.ConfirmChangesForm, lambda d, u, c: services.confirm_legality_changes(decision=d, actor=u, **c)
    ),
    "record_collective_decision": TransitionInput(
        forms.CollectiveDecisionForm,
        lambda d, u, c: services.record_collective_decision(decision=d, actor=u, **c),
    ),
    "publish": TransitionInput(forms.PublishForm, lambda d, u, c: services.publish_decision(decision=d, actor=u, **c)),
    "start_execution": TransitionInput(
        forms.StartExecutionForm,
        lambda d, u, c: services.start_execution(decision=d, actor=u, **c),
        lambda d: {"organizations": organ_units(d)},
    ),
    "suspend": TransitionInput(
        forms.ReasonForm, lambda d, u, c: services.suspend_decision(decision=d, actor=u, reason=c["reason"])
    ),
    "start_adjustment": TransitionInput(
        forms.AdjustmentForm, lambda d, u, c: services.start_adjustment(decision=d, actor=u, **c)
    ),
    "start_evaluation": TransitionInput(
        forms.StartEvaluationForm,
        lambda d, u, c: services.start_evaluation(decision=d, actor=u, **c),
        lambda d: {"organizations": independent_bodies(d)},
    ),
    "complete_evaluation": TransitionInput(
        forms.CompleteEvaluationForm, lambda d, u, c: services.complete_evaluation(decision=d, actor=u, **c)
    ),
    "archive": TransitionInput(
        forms.ReasonForm, lambda d, u, c: services.archive_decision(decision=d, actor=u, reason=c["reason"])
    ),
}
assert set(TRANSITION_INPUTS) == set(TRANSITIONS), "every transition in procedure.py has its input here"
