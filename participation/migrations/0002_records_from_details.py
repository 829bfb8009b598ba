"""Carry the consultation and hearing records out of the steps' JSON into their own rows."""

from django.db import migrations
from django.utils.dateparse import parse_date

FIELDS = {
    "public_participation": (
        "Consultation",
        {
            "comment_start": "date",
            "comment_end": "date",
            "short_period_reason": "text",
            "channels": "text",
            "comments_received": "int",
            "feedback_summary": "text",
            "minimum_comment_days": "int",
        },
    ),
    "hearing": (
        "Hearing",
        {
            "hearing_date": "date",
            "materials_sent_on": "date",
            "selection_method_published": "bool",
            "participants_published": "bool",
            "record_signed": "bool",
        },
    ),
}


def typed(kind: str, value):
    if kind == "date":
        return parse_date(value) if value else None
    if kind == "int":
        return int(value) if value not in (None, "") else None
    if kind == "bool":
        return bool(value)
    return value or ""


def forward(apps, schema_editor):
    Step = apps.get_model("decisions", "Step")
    for step_kind, (model_name, fields) in FIELDS.items():
        model = apps.get_model("participation", model_name)
        for step in Step.objects.filter(kind=step_kind).exclude(details={}).iterator():
            details = step.details or {}
            model.objects.create(step_id=step.pk, **{name: typed(kind, details.get(name)) for name, kind in fields.items()})
            Step.objects.filter(pk=step.pk).update(details={k: v for k, v in details.items() if k not in fields})


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_typed_step_records"), ("decisions", "0007_records_from_details")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
