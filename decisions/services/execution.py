"""Execution (Decree 713 Art. 34–35): the indicators the execution is measured by, and the execution unit's progress
reports — period, progress, problems, each indicator's actual value and documents — each due a cadence after the
last (services.deadlines), late when made after its due date.

Indicators are only added or changed until a report gave them a value: from then on their name and target stay as
reported against, so every report's figures keep the target they were measured by.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User

from ..errors import ProcedureError
from ..models import Decision, Document, Execution, ExecutionIndicator, ExecutionReport, IndicatorValue, Step
from ..permissions import Action, acting_role, can
from ..procedure import StepKind, StepStatus
from ..selectors import current_steps
from ..uploads import check_upload
from .base import lock_decision, optional_text, require_text
from .deadlines import set_due_date
from .documents import add_document
from .lifecycle import execution_report_refusal

MAX_INDICATORS = 20
MAX_DOCUMENTS = 10
NAME_LENGTH = ExecutionIndicator._meta.get_field("name").max_length
UNIT_LENGTH = ExecutionIndicator._meta.get_field("unit").max_length
PERIOD_LENGTH = ExecutionReport._meta.get_field("period").max_length
# DecimalField(max_digits=18, decimal_places=4): 14 digits before the point.
LARGEST = Decimal("1e14")
PLACES = Decimal("0.0001")


def _not_running() -> ProcedureError:
    return ProcedureError("execution.not_running", _("Progress can be reported only while the decision is executed."))


def indicators_refusal(decision: Decision, user: User) -> ProcedureError | None:
    """Why `user` may not set the execution's indicators now (None: they may): the execution unit (its drafters and
    head) or the government office, while the decision is executed."""
    verdict = can(user, Action.REPORT_EXECUTION, decision)
    if not verdict and not can(user, Action.START_EXECUTION, decision):
        return ProcedureError.from_verdict(verdict)
    if not decision.is_in_force:
        return _not_running()
    return None


def _number(value, code: str, message: str, field_name: str) -> Decimal:
    """A finite number a DecimalField(18, 4) keeps, rounded to four places; refused otherwise."""
    number = None
    if not isinstance(value, bool) and isinstance(value, int | float | str | Decimal):
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite() or abs(number) >= LARGEST:
        raise ProcedureError(code, message, fields=(field_name,))
    return number.quantize(PLACES)


def _text(value, limit: int, code: str, message: str, *, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        raise ProcedureError(code, message, fields=("indicators",))
    text = require_text(value, code, message, ("indicators",)) if required else optional_text(value, ("indicators",))
    if len(text) > limit:
        raise ProcedureError(code, message, fields=("indicators",))
    return text


def _checked_indicators(indicators) -> list[dict]:
    if not isinstance(indicators, list | tuple) or len(indicators) > MAX_INDICATORS:
        raise ProcedureError(
            "execution.indicator_count",
            _("Give at most %(count)s indicators, as a list.") % {"count": MAX_INDICATORS},
            fields=("indicators",),
        )
    checked, names = [], set()
    for item in indicators:
        if not isinstance(item, dict):
            raise ProcedureError("execution.indicator_name", _("Give each indicator a name."), fields=("indicators",))
        name = _text(
            item.get("name"),
            NAME_LENGTH,
            "execution.indicator_name",
            _("Give each indicator a name (at most %(count)s characters).") % {"count": NAME_LENGTH},
            required=True,
        )
        if name in names:
            raise ProcedureError(
                "execution.indicator_duplicate",
                _("Each indicator has a name of its own: “%(name)s” is given twice.") % {"name": name},
                fields=("indicators",),
            )
        names.add(name)
        unit = _text(
            item.get("unit"),
            UNIT_LENGTH,
            "execution.indicator_unit",
            _("The unit of measure has at most %(count)s characters.") % {"count": UNIT_LENGTH},
            required=False,
        )
        target = _number(
            item.get("target"),
            "execution.indicator_target",
            _("Give the target of “%(name)s” as a number.") % {"name": name},
            "indicators",
        )
        baseline = item.get("baseline")
        if baseline is not None and str(baseline).strip() != "":
            baseline = _number(
                baseline,
                "execution.indicator_baseline",
                _("Give the baseline of “%(name)s” as a number, or leave it empty.") % {"name": name},
                "indicators",
            )
        else:
            baseline = None
        checked.append({"name": name, "unit": unit, "baseline": baseline, "target": target})
    return checked


def _as_json(indicator: dict) -> dict:
    return {
        "name": indicator["name"],
        "unit": indicator["unit"],
        "baseline": None if indicator["baseline"] is None else str(indicator["baseline"]),
        "target": str(indicator["target"]),
    }


def _same(existing: ExecutionIndicator, wanted: dict) -> bool:
    return (existing.unit, existing.baseline, existing.target) == (wanted["unit"], wanted["baseline"], wanted["target"])


@transaction.atomic
def set_indicators(*, decision: Decision, actor: User, indicators) -> list[ExecutionIndicator]:
    """Art. 34–35: what the execution is measured by — the whole list, by name: a name not there yet is added, a
    listed one changes its unit, baseline or target, one left out is removed. An indicator a report already gave a
    value keeps its name and target (refused), so earlier reports keep what they were measured against."""
    decision = lock_decision(decision)
    refusal = indicators_refusal(decision, actor)
    if refusal is not None:
        raise refusal
    wanted = _checked_indicators(indicators)
    step = current_steps(decision)[StepKind.EXECUTION]
    existing = {indicator.name: indicator for indicator in step.execution_indicators.all()}
    reported = set(
        IndicatorValue.objects.filter(indicator__step=step).values_list("indicator__name", flat=True).distinct()
    )
    wanted_by_name = {item["name"]: item for item in wanted}
    for name in sorted(reported):
        if name not in wanted_by_name:
            raise ProcedureError(
                "execution.indicator_reported",
                _("“%(name)s” has been reported on: it cannot be removed or renamed.") % {"name": name},
                fields=("indicators",),
            )
        if not _same(existing[name], wanted_by_name[name]):
            raise ProcedureError(
                "execution.indicator_reported",
                _(
                    "“%(name)s” has been reported on: its unit, baseline and target stay as the reports measured "
                    "them; add a new indicator instead."
                )
                % {"name": name},
                fields=("indicators",),
            )
    removed = [name for name in existing if name not in wanted_by_name]
    changed = [item["name"] for item in wanted if item["name"] in existing and not _same(existing[item["name"]], item)]
    added = [item["name"] for item in wanted if item["name"] not in existing]
    if not (removed or changed or added) and [item["name"] for item in wanted] == list(existing):
        return list(step.execution_indicators.all())  # nothing changes: no event
    ExecutionIndicator.objects.filter(step=step, name__in=removed).delete()
    # The order is the list's; the names are unique per step, so the rows are updated in place.
    for order, item in enumerate(wanted, start=1):
        indicator = existing.get(item["name"]) or ExecutionIndicator(step=step, name=item["name"], created_by=actor)
        indicator.order, indicator.unit = order, item["unit"]
        indicator.baseline, indicator.target = item["baseline"], item["target"]
        indicator.save()
    role = acting_role(actor, Action.REPORT_EXECUTION, decision) or acting_role(actor, Action.START_EXECUTION, decision)
    record_event(
        actor=actor,
        action="execution.indicators_set",
        role=role,
        obj=step,
        decision_id=decision.pk,
        after={
            "indicators": [_as_json(item) for item in wanted],
            **({"added": added} if added else {}),
            **({"changed": changed} if changed else {}),
            **({"removed": removed} if removed else {}),
        },
    )
    return list(step.execution_indicators.all())


def _checked_values(step: Step, values) -> dict[ExecutionIndicator, Decimal]:
    """Every indicator of the step with its actual value (keys: indicator ids, as numbers or text)."""
    indicators = list(step.execution_indicators.all())
    values = values or {}
    if not isinstance(values, dict):
        raise ProcedureError(
            "execution.indicator_value", _("Give each indicator's actual value as a number."), fields=("values",)
        )
    by_id = {str(indicator.pk): indicator for indicator in indicators}
    unknown = [str(key) for key in values if str(key) not in by_id]
    if unknown:
        raise ProcedureError(
            "execution.indicator_unknown",
            _("No such indicator of this execution: %(ids)s.") % {"ids": "、".join(unknown)},
            fields=("values",),
        )
    given = {str(key): value for key, value in values.items() if value is not None and str(value).strip() != ""}
    missing = [indicator.name for indicator in indicators if str(indicator.pk) not in given]
    if missing:
        raise ProcedureError(
            "execution.indicator_values_missing",
            _("Give the actual value of every indicator; missing: %(names)s.") % {"names": "、".join(missing)},
            fields=("values",),
        )
    return {
        by_id[key]: _number(
            value,
            "execution.indicator_value",
            _("Give the actual value of “%(name)s” as a number.") % {"name": by_id[key].name},
            "values",
        )
        for key, value in given.items()
    }


def _checked_documents(documents) -> list:
    documents = [document for document in (documents or ()) if document]
    if len(documents) > MAX_DOCUMENTS:
        raise ProcedureError(
            "execution.documents",
            _("Attach at most %(count)s documents to a report.") % {"count": MAX_DOCUMENTS},
            fields=("documents",),
        )
    for document in documents:
        try:
            check_upload(document)  # all checked before anything is kept
        except ProcedureError as refusal:
            raise ProcedureError(refusal.code, refusal.message, fields=("documents",)) from refusal
    return documents


def _document_title(period: str, uploaded_file) -> str:
    name = (uploaded_file.name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return f"{period or _('Progress report')}：{name}"[:200] if name else (period or _("Progress report"))


@transaction.atomic
def report_progress(
    *,
    decision: Decision,
    actor: User,
    period: str = "",
    progress: str,
    problems: str = "",
    values=None,
    documents=(),
) -> ExecutionReport:
    """Art. 34–35: the execution unit reports on a period: its progress, the problems met and the measures taken,
    each indicator's actual value, and its documents (each checked like every upload). The report answers the due
    date standing when it is made (late when after it); the next report is due a cadence later."""
    decision = lock_decision(decision)
    refusal = execution_report_refusal(decision, actor)
    if refusal is not None:
        raise refusal
    period = optional_text(period, ("period",))
    if len(period) > PERIOD_LENGTH:
        raise ProcedureError(
            "execution.period",
            _("Name the period in at most %(count)s characters.") % {"count": PERIOD_LENGTH},
            fields=("period",),
        )
    progress = require_text(progress, "execution.progress", _("Write the progress report."), ("progress",))
    problems = optional_text(problems, ("problems",))
    step = current_steps(decision)[StepKind.EXECUTION]
    checked_values = _checked_values(step, values)
    documents = _checked_documents(documents)
    report = ExecutionReport.objects.create(
        step=step, period=period, progress=progress, problems=problems, due_on=step.due_on, reported_by=actor
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=report, indicator=indicator, actual=actual)
        for indicator, actual in checked_values.items()
    )
    kept = [
        add_document(
            decision=decision,
            actor=actor,
            uploaded_file=uploaded_file,
            kind=Document.Kind.REPORT,
            title=_document_title(period, uploaded_file),
            step=step,
        )
        for uploaded_file in documents
    ]
    report.documents.set(kept)
    record_event(
        actor=actor,
        action="execution.reported",
        role=acting_role(actor, Action.REPORT_EXECUTION, decision),
        obj=step,
        decision_id=decision.pk,
        after={
            "report": report.pk,
            "period": period,
            "progress": progress,
            "problems": problems,
            "values": {str(indicator.pk): str(actual) for indicator, actual in checked_values.items()},
            "documents": [document.pk for document in kept],
            "due_on": step.due_on.isoformat() if step.due_on else None,
            "late": is_late(report),
        },
    )
    step.refresh_from_db()
    if step.status == StepStatus.OPEN:  # the next report is due a cadence after this one
        set_due_date(step, actor, _("progress reported"))
    return report


# ---------------------------------------------------------------- reading


def is_late(report: ExecutionReport) -> bool:
    """Made after the due date it answered."""
    return report.due_on is not None and timezone.localdate(report.reported_at) > report.due_on


@dataclass
class Overview:
    """The execution as its page and the API show it."""

    step: Step
    execution: Execution | None
    cooperating_units: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    reports: list = field(default_factory=list)  # newest first; each with `.late` and `.values_by_indicator`
    today: date | None = None

    @property
    def next_due(self) -> date | None:
        return self.step.due_on if self.step.status == StepStatus.OPEN else None

    @property
    def days_overdue(self) -> int:
        due = self.next_due
        return (self.today - due).days if due is not None and self.today > due else 0

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def days_left(self) -> int | None:
        due = self.next_due
        return (due - self.today).days if due is not None and self.today <= due else None

    def rows(self) -> list[dict]:
        """Each indicator with its target and every report's actual value, oldest report first (the chart's
        figures, also shown as a table)."""
        chronological = list(reversed(self.reports))
        return [
            {
                "indicator": indicator,
                "actuals": [(report, report.values_by_indicator.get(indicator.pk)) for report in chronological],
            }
            for indicator in self.indicators
        ]

    def chart_data(self) -> dict:
        chronological = list(reversed(self.reports))
        return {
            "labels": [report.period or timezone.localdate(report.reported_at).isoformat() for report in chronological],
            "indicators": [
                {
                    "id": indicator.pk,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "target": float(indicator.target),
                    "actual": [
                        None if (value := report.values_by_indicator.get(indicator.pk)) is None else float(value)
                        for report in chronological
                    ],
                }
                for indicator in self.indicators
            ],
        }


def execution_overview(decision: Decision, step: Step | None = None) -> Overview:
    """The current execution: its unit, cooperating units, cadence and next due date, its indicators, and its
    reports newest first with their values and documents (a fixed number of queries, however many reports)."""
    step = step or current_steps(decision)[StepKind.EXECUTION]
    execution = (
        Execution.objects.filter(step=step)
        .select_related("unit")
        .prefetch_related(Prefetch("cooperating_units", to_attr="cooperating"))
        .first()
    )
    indicators = list(step.execution_indicators.all())
    reports = list(
        ExecutionReport.objects.filter(step=step)
        .select_related("reported_by")
        .prefetch_related("values", "documents")
        .order_by("-reported_at", "-id")
    )
    for report in reports:
        report.values_by_indicator = {value.indicator_id: value.actual for value in report.values.all()}
        report.late = is_late(report)
        report.value_rows = [
            (indicator, report.values_by_indicator[indicator.pk])
            for indicator in indicators
            if indicator.pk in report.values_by_indicator
        ]
    return Overview(
        step=step,
        execution=execution,
        cooperating_units=list(execution.cooperating) if execution is not None else [],
        indicators=indicators,
        reports=reports,
        today=timezone.localdate(),
    )
