"""System checks of the seam: every transition of the table can be made (some app registered its input)."""

from django.core import checks

from .procedure import TRANSITIONS
from .registry import transition_inputs


@checks.register()
def check_every_transition_has_its_input(app_configs, **kwargs):
    missing = sorted(set(TRANSITIONS) - set(transition_inputs()))
    return [
        checks.Error(f"The transition “{name}” has no registered input (form and service).", id="decisions.E001")
        for name in missing
    ]
