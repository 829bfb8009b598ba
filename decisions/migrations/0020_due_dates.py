"""Due dates kept per step: the organ's targets where the law sets no period, the reminders before a due date
(working days, [3, 1, 0] where a profile had none), the working days overdue from which the legal office is told,
and the execution's report cadence."""

import decisions.models
from django.db import migrations, models


def fill_empty_profiles(apps, schema_editor):
    """Profiles without reminders get the default [3, 1, 0]; without targets, the default targets."""
    ProcedureProfile = apps.get_model("decisions", "ProcedureProfile")
    for profile in ProcedureProfile.objects.all():
        changed = []
        if not profile.reminder_days_before_due:
            profile.reminder_days_before_due = decisions.models.default_reminder_days()
            changed.append("reminder_days_before_due")
        if not profile.step_target_working_days:
            profile.step_target_working_days = decisions.models.default_step_targets()
            changed.append("step_target_working_days")
        if changed:
            profile.save(update_fields=changed)


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0019_step_organ'),
    ]

    operations = [
        migrations.AddField(
            model_name='execution',
            name='report_cadence',
            field=models.CharField(choices=[('monthly', 'Monthly'), ('quarterly', 'Quarterly'), ('half_yearly', 'Every half year')], default='quarterly', max_length=20, verbose_name='Progress reports'),
        ),
        migrations.AddField(
            model_name='historicalexecution',
            name='report_cadence',
            field=models.CharField(choices=[('monthly', 'Monthly'), ('quarterly', 'Quarterly'), ('half_yearly', 'Every half year')], default='quarterly', max_length=20, verbose_name='Progress reports'),
        ),
        migrations.AddField(
            model_name='procedureprofile',
            name='escalate_after_working_days',
            field=models.PositiveSmallIntegerField(default=3, verbose_name='the legal office is told from (working days overdue)'),
        ),
        migrations.AddField(
            model_name='procedureprofile',
            name='step_target_working_days',
            field=models.JSONField(blank=True, default=decisions.models.default_step_targets, verbose_name='targets where the law sets no period (working days, by step)'),
        ),
        migrations.AlterField(
            model_name='procedureprofile',
            name='reminder_days_before_due',
            field=models.JSONField(blank=True, default=decisions.models.default_reminder_days, verbose_name='reminders (working days before a due date; 0 = on the day)'),
        ),
        migrations.RunPython(fill_empty_profiles, migrations.RunPython.noop),
    ]
