from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial"), ("workdays", "0002_holidays_from_review")]
    operations = [migrations.DeleteModel(name="Holiday")]
