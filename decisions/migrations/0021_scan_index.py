# The deadline scan reads the waiting steps by due date on their own partial index.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_must_change_password'),
        ('decisions', '0020_due_dates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='step',
            index=models.Index(condition=models.Q(('due_on__isnull', False), ('status__in', ['open', 'returned', 'submitted'])), fields=['due_on', 'id'], name='step_waiting_due_idx'),
        ),
    ]
