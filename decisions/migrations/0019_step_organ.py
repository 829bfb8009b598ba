# A step carries its decision's organ, so the legal office's task lists read one organ's steps on one index.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_must_change_password'),
        ('decisions', '0018_task_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='step',
            name='step_review_due_idx',
        ),
        migrations.RemoveIndex(
            model_name='step',
            name='step_na_proposed_idx',
        ),
        migrations.AddField(
            model_name='historicalstep',
            name='organ',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.organization', verbose_name='organ'),
        ),
        migrations.AddField(
            model_name='step',
            name='organ',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organization', verbose_name='organ'),
        ),
        migrations.RunSQL(
            "UPDATE decisions_step SET organ_id = (SELECT organ_id FROM decisions_decision d WHERE d.id = decision_id)",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE decisions_historicalstep SET organ_id = "
            "(SELECT organ_id FROM decisions_decision d WHERE d.id = decision_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='step',
            name='organ',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organization', verbose_name='organ'),
        ),
        migrations.AddIndex(
            model_name='step',
            index=models.Index(condition=models.Q(('kind', 'legality_review'), ('status__in', ['submitted', 'approved'])), fields=['organ', 'due_on', 'id'], name='step_review_due_idx'),
        ),
        migrations.AddIndex(
            model_name='step',
            index=models.Index(condition=models.Q(('not_applicable_proposed_by__isnull', False)), fields=['organ', 'id'], name='step_na_proposed_idx'),
        ),
    ]
