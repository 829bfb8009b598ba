"""An adjustment under way becomes its own record: the decision in force gets back the status it had when the
adjustment started (executed, suspended), and the adjustment keeps its stage. Earlier rounds become ended records."""

from django.db import migrations

RUNNING = {"drafting", "legality_review", "awaiting_discussion", "decided", "published"}


def forward(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    Adjustment = apps.get_model("decisions", "Adjustment")
    for decision in Decision.objects.filter(adjustment_round__gt=0):
        running = decision.status in RUNNING and (decision.published_at or decision.execution_started_at)
        for number in range(1, decision.adjustment_round + 1):
            last = number == decision.adjustment_round
            adjustment = Adjustment.objects.create(
                decision_id=decision.pk,
                number=number,
                purpose=(decision.adjustment_purpose if last else "") or "change",
                reason="",
                stage=decision.status
                if last and running
                else ("terminated" if decision.status == "terminated" else "completed"),
                started_by_id=decision.created_by_id,
            )
            if last and decision.adjustment_started_at:
                Adjustment.objects.filter(pk=adjustment.pk).update(started_at=decision.adjustment_started_at)
            if last and running:
                in_force = (
                    decision.adjustment_from_state
                    if decision.adjustment_from_state in ("in_execution", "suspended")
                    else "in_execution"
                )
                Decision.objects.filter(pk=decision.pk).update(adjustment_id=adjustment.pk, status=in_force)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0013_adjustment_records")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
