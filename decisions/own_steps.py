"""The step kinds `decisions` records itself through the same seam as the step apps: the reports to the party
committee (Art. 31) and to the people's congress standing committee (Art. 8) — to whom and when each was sent, the
report itself as the step's document, and the response received."""

from django.utils.translation import gettext as _

from . import transition_inputs
from .errors import ProcedureError
from .forms import CongressReportForm, SuperiorReportForm
from .models import SuperiorReport
from .procedure import StepKind
from .registry import StepOwner, register_step


def report_refusal(report: SuperiorReport) -> ProcedureError | None:
    if report.reported_on and report.response_received_on and report.response_received_on < report.reported_on:
        return ProcedureError(
            "step.period_order",
            _("The response cannot arrive before the report was sent."),
            fields=("response_received_on",),
        )
    return None


def register() -> None:
    transition_inputs.register()
    for kind, form_class in (
        (StepKind.PARTY_REPORT, SuperiorReportForm),
        (StepKind.CONGRESS_REPORT, CongressReportForm),
    ):
        register_step(
            StepOwner(
                kind=kind,
                record_model=SuperiorReport,
                form_class=form_class,
                record_refusal=report_refusal,
                needs_document=True,
            )
        )
