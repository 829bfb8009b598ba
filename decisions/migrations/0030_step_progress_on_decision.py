"""Each decision's progress (the steps that apply, the kinds done) kept on the decision for the portal's catalogs
(decisions/progress.py), computed for the decisions there are."""

from django.db import migrations, models


def compute_progress(apps, schema_editor):
    # One UPDATE over every decision; the statement reads only columns that exist from this migration on.
    from decisions.progress import refresh_progress

    refresh_progress()


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0029_step_progress_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="steps_applicable",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="steps that apply"),
        ),
        migrations.AddField(
            model_name="decision",
            name="steps_done_bits",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="step kinds done"),
        ),
        migrations.RunPython(compute_progress, migrations.RunPython.noop),
    ]
