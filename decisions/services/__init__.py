"""Every change of a decision, its steps and its documents, split by noun.

Each public function is one transaction: lock the decision (`select_for_update`), check permission, state and the
ordering rules, make the change, write one ledger event, queue side effects with `transaction.on_commit`. Every
refusal raises `ProcedureError(code, message)` and changes nothing. Callers use `from decisions import services`.
"""

from .base import (
    ALWAYS_REQUIRED_STEPS,
    PUBLIC_LIST_CACHE_KEY,
    profile_for,
    rule_refusal,
    transition_options,
    transition_refusal,
)
from .deadlines import recompute_due_dates, set_due_date
from .documents import add_document, upload_refusal
from .execution import execution_overview, indicators_refusal, report_progress, set_indicators
from .lifecycle import (
    DECISION_FIELDS,
    abandon_adjustment,
    archive_decision,
    catalog_decision,
    confidentiality_refusal,
    confirm_confidentiality,
    create_decision,
    decision_edit_refusal,
    execution_report_refusal,
    publish_decision,
    report_execution,
    start_adjustment,
    start_drafting,
    start_execution,
    suspend_decision,
    update_decision,
    withdraw_decision,
)
from .meetings import checked_meeting, clean_member_views, record_collective_decision, save_meeting
from .problem_reports import (
    ProblemReportError,
    answer_problem_report,
    check_lookup_rate,
    hide_problem_report,
    problem_report_by_receipt,
    receive_problem_report,
    reveal_problem_report_contact,
)
from .problem_reports import read_refusal as problem_report_read_refusal
from .profiles import update_procedure_profile
from .sessions import add_agenda_item, may_plan_meetings, plan_meeting, record_agenda_item
from .steps import (
    approve_step,
    confirm_not_applicable,
    propose_not_applicable,
    reopen_step,
    return_step,
    step_action_refusals,
    step_record_form,
    submit_step,
    update_step_details,
)

__all__ = [
    "ALWAYS_REQUIRED_STEPS",
    "DECISION_FIELDS",
    "PUBLIC_LIST_CACHE_KEY",
    "ProblemReportError",
    "abandon_adjustment",
    "add_agenda_item",
    "add_document",
    "answer_problem_report",
    "approve_step",
    "archive_decision",
    "catalog_decision",
    "check_lookup_rate",
    "checked_meeting",
    "clean_member_views",
    "confidentiality_refusal",
    "confirm_confidentiality",
    "confirm_not_applicable",
    "create_decision",
    "decision_edit_refusal",
    "execution_overview",
    "execution_report_refusal",
    "hide_problem_report",
    "indicators_refusal",
    "may_plan_meetings",
    "plan_meeting",
    "problem_report_by_receipt",
    "problem_report_read_refusal",
    "profile_for",
    "propose_not_applicable",
    "publish_decision",
    "receive_problem_report",
    "recompute_due_dates",
    "record_agenda_item",
    "record_collective_decision",
    "reopen_step",
    "report_execution",
    "report_progress",
    "return_step",
    "reveal_problem_report_contact",
    "rule_refusal",
    "save_meeting",
    "set_due_date",
    "set_indicators",
    "start_adjustment",
    "start_drafting",
    "start_execution",
    "step_action_refusals",
    "step_record_form",
    "submit_step",
    "suspend_decision",
    "transition_options",
    "transition_refusal",
    "update_decision",
    "update_procedure_profile",
    "update_step_details",
    "upload_refusal",
    "withdraw_decision",
]
