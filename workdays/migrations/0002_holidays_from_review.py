"""The Holiday table moved from `review` to `workdays`: carry over the days the legal office had entered."""

from django.db import migrations


def copy_holidays(apps, schema_editor):
    old, new = apps.get_model("review", "Holiday"), apps.get_model("workdays", "Holiday")
    new.objects.bulk_create(new(date=row.date, kind=row.kind, name=row.name) for row in old.objects.all())


def copy_back(apps, schema_editor):
    old, new = apps.get_model("review", "Holiday"), apps.get_model("workdays", "Holiday")
    old.objects.bulk_create(old(date=row.date, kind=row.kind, name=row.name) for row in new.objects.all())


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial"), ("review", "0001_initial")]
    operations = [migrations.RunPython(copy_holidays, copy_back)]
