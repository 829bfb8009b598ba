"""What the evaluation tells the procedure (registered in `EvaluationConfig.ready()`): its record, and the two
transitions it owns (start and complete, Art. 36)."""

from decisions.procedure import StepKind
from decisions.registry import StepOwner, TransitionInput, register_step, register_transition_input
from decisions.selectors import independent_bodies

from . import services
from .forms import CompleteEvaluationForm, StartEvaluationForm
from .models import Evaluation


def register() -> None:
    register_step(StepOwner(kind=StepKind.POST_EVALUATION, record_model=Evaluation))
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
