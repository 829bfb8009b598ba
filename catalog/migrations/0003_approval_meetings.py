"""The catalog's approval becomes the procedure's own meeting record (decisions.Meeting, with no step).

A catalog approved before keeps its meeting: a Meeting row is made from the name, date and outcome it stored (the
members' views were not recorded then; the head's statement says so)."""

from django.db import migrations, models


def meetings_from_fields(apps, schema_editor):
    Catalog = apps.get_model("catalog", "Catalog")
    Meeting = apps.get_model("decisions", "Meeting")
    for catalog in Catalog.objects.exclude(meeting_name="").exclude(meeting_held_on=None).iterator():
        meeting = Meeting.objects.create(
            step=None,
            name=catalog.meeting_name,
            held_on=catalog.meeting_held_on,
            members_total=1,
            head_name="",
            head_statement="（迁移：此前仅记录了会议名称、日期和结果）",
            outcome=catalog.meeting_outcome or "adopted",
            majority="",
            recorded_by_id=catalog.created_by_id,
        )
        catalog.meetings.add(meeting)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_entry_search_text"),
        ("decisions", "0023_meeting_of_no_step"),
    ]

    operations = [
        migrations.AddField(
            model_name="catalog",
            name="meetings",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="decisions.meeting", verbose_name="executive meetings"
            ),
        ),
        migrations.RunPython(meetings_from_fields, migrations.RunPython.noop),
        migrations.RemoveField(model_name="catalog", name="meeting_held_on"),
        migrations.RemoveField(model_name="catalog", name="meeting_name"),
        migrations.RemoveField(model_name="catalog", name="meeting_outcome"),
    ]
