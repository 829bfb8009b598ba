"""What the evaluation tells the procedure (registered in `EvaluationConfig.ready()`): its record, and the two
transitions it owns (start and complete, Art. 36)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.deadlines import target_due
from decisions.procedure import StepKind, StepStatus
from decisions.registry import StepOwner, TransitionInput, register_step, register_transition_input
from decisions.selectors import independent_bodies
from workdays.calendar import add_months, months_period_end

from . import services
from .forms import CompleteEvaluationForm, StartEvaluationForm
from .models import Evaluation


def evaluation_due(step, evaluation: Evaluation | None, profile):
    """Rule 6 (Art. 36): the evaluation is due after the profile's months of execution (one year); for a decision
    whose term ends before that, within the profile's months after the term (six). Once started, it is due the
    organ's target after its start — never later than the term's deadline."""
    decision = step.decision
    if decision.execution_started_at is None:
        return None  # not in force yet
    started = timezone.localdate(decision.execution_started_at)
    after_term = None
    if decision.term_end and decision.term_end < add_months(started, profile.evaluation_after_months):
        after_term = months_period_end(decision.term_end, profile.evaluation_within_months_after_term)
    if step.status == StepStatus.PENDING:
        return after_term or months_period_end(started, profile.evaluation_after_months)
    target = target_due(step, profile)
    if after_term is not None and (target is None or after_term.value < target.value):
        return after_term
    return target


def evaluation_workspace(step) -> tuple[str, str]:
    """The evaluation's page: its record, the evaluation body's report and the government office's approval."""
    return _("Evaluation record and report"), reverse("evaluation:decision", args=[step.decision_id])


def register() -> None:
    register_step(
        StepOwner(
            kind=StepKind.POST_EVALUATION,
            record_model=Evaluation,
            due_date=evaluation_due,
            workspace=evaluation_workspace,
        )
    )
    register_transition_input(
        "start_evaluation",
        TransitionInput(
            StartEvaluationForm,
            lambda d, u, c: services.start_evaluation(decision=d, actor=u, **c),
            lambda d: {"organizations": independent_bodies(d)},
        ),
    )
    register_transition_input(
        "complete_evaluation",
        TransitionInput(CompleteEvaluationForm, lambda d, u, c: services.complete_evaluation(decision=d, actor=u, **c)),
    )
