"""Asserting a refusal: its code, that its message names the rule, and that nothing changed.

    with refused("rule1.steps_not_done", decision, says="Rule 1"):
        legality.request_legality_review(...)

"Nothing changed" means: the decision's status and its steps (status, requirement, outcome) and their records, its
documents, and the ledger (no new event). Messages are checked in English, so future Chinese translations do
not break the tests.
"""

from contextlib import contextmanager

import pytest
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.functional import Promise

from accountability.models import LedgerEvent
from accounts.errors import Refusal
from decisions import registry
from decisions.errors import ProcedureError
from decisions.models import Decision, Document, Step


def snapshot(decision: Decision | None) -> dict:
    state = {"events": LedgerEvent.objects.count()}
    if decision is not None:
        state["status"] = Decision.objects.values_list("status", flat=True).get(pk=decision.pk)
        state["steps"] = list(
            Step.objects.filter(decision_id=decision.pk)
            .order_by("id")
            .values_list("id", "status", "requirement", "outcome", "draft_id", "not_applicable_proposed_by_id")
        )
        # Each step's typed record, whichever app owns it.
        state["records"] = [
            model_to_dict(record) if (record := registry.record_of(step)) else None
            for step in Step.objects.filter(decision_id=decision.pk).order_by("id")
        ]
        state["documents"] = Document.objects.filter(decision_id=decision.pk).count()
    return state


@contextmanager
def refused(
    code: str,
    decision: Decision | None = None,
    *,
    says: str | Promise | tuple = (),
    kind: type[Refusal] = ProcedureError,
):
    """The block must raise `kind` (a ProcedureError unless told: accounts' refusals are plain Refusals) with
    `code`, a message containing `says`, and change nothing."""
    before = snapshot(decision)
    with translation.override("en"), pytest.raises(kind) as caught:
        yield caught
    error = caught.value
    assert error.code == code, f"expected {code}, got {error.code}: {error}"
    with translation.override("en"):
        message = str(error.message)
        fragments = [str(fragment) for fragment in ((says,) if isinstance(says, str | Promise) else says)]
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert snapshot(decision) == before, "a refused action changed something"


def status_of(decision: Decision) -> str:
    return Decision.objects.values_list("status", flat=True).get(pk=decision.pk)
