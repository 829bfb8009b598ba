from django.db import migrations


def install_triggers(apps, schema_editor):
    from accountability import triggers

    triggers.install(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from accountability import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("accountability", "0002_initial")]

    operations = [migrations.RunPython(install_triggers, drop_triggers)]
