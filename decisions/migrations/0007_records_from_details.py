"""Carry the reports' JSON records into SuperiorReport rows, and each step's assessing body into Step.assessed_by."""

from django.db import migrations
from django.utils.dateparse import parse_date

MOVED = ("reported_on", "summary")


def forward(apps, schema_editor):
    Step = apps.get_model("decisions", "Step")
    SuperiorReport = apps.get_model("decisions", "SuperiorReport")
    for step in Step.objects.filter(kind__in=["party_report", "congress_report"]).exclude(details={}).iterator():
        details = step.details or {}
        if any(details.get(name) not in (None, "") for name in MOVED):
            SuperiorReport.objects.create(
                step_id=step.pk,
                reported_on=parse_date(details.get("reported_on") or "") if details.get("reported_on") else None,
                summary=details.get("summary") or "",
            )
        Step.objects.filter(pk=step.pk).update(details={k: v for k, v in details.items() if k not in MOVED})
    for step in Step.objects.filter(kind__in=["risk_assessment", "expert_review"]).exclude(details={}).iterator():
        assessing_org = (step.details or {}).get("assessing_org")
        if assessing_org and step.status in ("submitted", "approved", "done"):
            Step.objects.filter(pk=step.pk).update(assessed_by_id=int(assessing_org))


class Migration(migrations.Migration):
    dependencies = [("decisions", "0006_typed_step_records")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
