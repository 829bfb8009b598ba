"""Carry the review records out of the steps' JSON into their own rows (organizations as foreign keys)."""

from django.db import migrations

FIELDS = {
    "expert_review": (
        "ExpertReview",
        {"experts": "text", "assessing_org": "org", "conflicts_declared": "bool", "opinion_summary": "text"},
    ),
    "risk_assessment": (
        "RiskAssessment",
        {"risk_level": "text", "controllable": "bool", "assessing_org": "org", "measures": "text"},
    ),
    "fair_competition_review": ("FairCompetitionReview", {"conclusion": "text"}),
    "department_consultation": ("DepartmentConsultation", {"units_consulted": "text", "disagreements": "text"}),
}


def forward(apps, schema_editor):
    Step = apps.get_model("decisions", "Step")
    for step_kind, (model_name, fields) in FIELDS.items():
        model = apps.get_model("review", model_name)
        for step in Step.objects.filter(kind=step_kind).exclude(details={}).iterator():
            details = step.details or {}
            values = {}
            for name, kind in fields.items():
                value = details.get(name)
                if kind == "org":
                    values[f"{name}_id"] = int(value) if value else None
                elif kind == "bool":
                    values[name] = bool(value)
                else:
                    values[name] = value or ""
            model.objects.create(step_id=step.pk, **values)
            Step.objects.filter(pk=step.pk).update(details={k: v for k, v in details.items() if k not in fields})


class Migration(migrations.Migration):
    dependencies = [("review", "0003_typed_step_records"), ("decisions", "0007_records_from_details")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
