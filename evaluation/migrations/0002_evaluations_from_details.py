"""Carry each evaluation round out of its step's JSON into an Evaluation row (the body as a foreign key)."""

from django.db import migrations


def forward(apps, schema_editor):
    Step = apps.get_model("decisions", "Step")
    Evaluation = apps.get_model("evaluation", "Evaluation")
    for step in Step.objects.filter(kind="post_evaluation").exclude(details={}).select_related("decision"):
        details = step.details or {}
        evaluator_id = step.decision.evaluator_org_id
        if evaluator_id is None:
            continue
        Evaluation.objects.create(
            step_id=step.pk,
            evaluator_id=evaluator_id,
            staged=bool(details.get("staged")),
            stage_reason=details.get("stage_reason") or "",
            conclusion=details.get("conclusion") or "",
            summary=details.get("summary") or "",
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_evaluation_records"), ("decisions", "0011_publication_and_execution_from_details")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
