from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("decisions", "0014_adjustments_from_decisions")]

    operations = [
        migrations.RemoveField(
            model_name="decision",
            name="adjustment_from_state",
        ),
        migrations.RemoveField(
            model_name="decision",
            name="adjustment_purpose",
        ),
        migrations.RemoveField(
            model_name="decision",
            name="adjustment_started_at",
        ),
        migrations.RemoveField(
            model_name="historicaldecision",
            name="adjustment_from_state",
        ),
        migrations.RemoveField(
            model_name="historicaldecision",
            name="adjustment_purpose",
        ),
        migrations.RemoveField(
            model_name="historicaldecision",
            name="adjustment_started_at",
        ),
    ]
