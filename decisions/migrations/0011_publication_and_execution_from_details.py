"""Carry publication and execution records out of the steps' JSON: Publication rows, Execution rows (the unit as a
foreign key, from the decision) and each progress report as a row of its own."""

from django.db import migrations
from django.utils.dateparse import parse_date, parse_datetime

PUBLICATION = ("channels", "published_on", "link", "opinions_explanation")
EXECUTION = ("execution_unit", "reports", "ended_by")


def forward(apps, schema_editor):
    Step = apps.get_model("decisions", "Step")
    Publication = apps.get_model("decisions", "Publication")
    Execution = apps.get_model("decisions", "Execution")
    ExecutionReport = apps.get_model("decisions", "ExecutionReport")
    User = apps.get_model("accounts", "User")
    for step in Step.objects.filter(kind="publication").exclude(details={}):
        details = step.details or {}
        if details.get("channels"):
            Publication.objects.create(
                step_id=step.pk,
                channels=details["channels"],
                published_on=parse_date(details.get("published_on") or ""),
                link=details.get("link") or "",
                opinions_explanation=details.get("opinions_explanation") or "",
            )
        Step.objects.filter(pk=step.pk).update(details={k: v for k, v in details.items() if k not in PUBLICATION})
    for step in Step.objects.filter(kind="execution").exclude(details={}).select_related("decision"):
        details = step.details or {}
        unit_id = step.decision.execution_unit_id or step.decision.undertaking_unit_id
        Execution.objects.create(step_id=step.pk, unit_id=unit_id, ended_by=details.get("ended_by") or "")
        by_name = {str(user): user.pk for user in User.objects.filter(organization_id=unit_id)}
        for report in details.get("reports") or []:
            reporter = by_name.get(report.get("by")) or step.decision.created_by_id
            row = ExecutionReport.objects.create(
                step_id=step.pk, progress=report.get("progress", ""), reported_by_id=reporter
            )
            at = parse_datetime(report.get("at") or "")
            if at is not None:  # keep when it was reported, not when it was migrated
                ExecutionReport.objects.filter(pk=row.pk).update(reported_at=at)
        Step.objects.filter(pk=step.pk).update(details={k: v for k, v in details.items() if k not in EXECUTION})


class Migration(migrations.Migration):
    dependencies = [("decisions", "0010_publication_and_execution_records")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
