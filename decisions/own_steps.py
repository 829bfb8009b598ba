"""The step kinds `decisions` records itself through the same seam as the step apps: the reports to the party
committee (Art. 31) and to the people's congress standing committee (Art. 8)."""

from . import transition_inputs
from .forms import CongressReportForm, SuperiorReportForm
from .models import SuperiorReport
from .procedure import StepKind
from .registry import StepOwner, register_step


def register() -> None:
    transition_inputs.register()
    register_step(StepOwner(kind=StepKind.PARTY_REPORT, record_model=SuperiorReport, form_class=SuperiorReportForm))
    register_step(StepOwner(kind=StepKind.CONGRESS_REPORT, record_model=SuperiorReport, form_class=CongressReportForm))
