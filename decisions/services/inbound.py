"""The inbound services: what a step app calls to drive its step and, where its step is a transition of the table,
the decision (docs/architecture.md, "The seam").

A step app's service is shaped like the procedure's own: one transaction; `lock_decision`; `check_transition` (the
permission, the state and the table's guards); its own record; `move_step` by the step-status table with the step's
typed outcome; `move_to` a target the transition declares, which writes the one ledger event.
"""

from .base import (
    check_transition,
    close_unfinished_steps,
    draft_reference,
    ensure_allowed,
    latest_draft,
    lock_decision,
    move_step,
    move_to,
    new_round,
    open_step,
    optional_text,
    profile_for,
    require_text,
    save_record,
    save_step,
    set_aside_unused_optional_steps,
)
from .deadlines import due_after_evaluation, due_moves_after, set_adjustment_due, set_due_date
from .lifecycle import begin_adjustment

__all__ = [
    "begin_adjustment",
    "check_transition",
    "close_unfinished_steps",
    "draft_reference",
    "due_after_evaluation",
    "due_moves_after",
    "ensure_allowed",
    "latest_draft",
    "lock_decision",
    "move_step",
    "move_to",
    "new_round",
    "open_step",
    "optional_text",
    "profile_for",
    "require_text",
    "save_record",
    "save_step",
    "set_adjustment_due",
    "set_aside_unused_optional_steps",
    "set_due_date",
]
