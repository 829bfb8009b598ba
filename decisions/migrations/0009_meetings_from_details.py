"""Carry the meeting records out of the collective-discussion steps' JSON into Meeting and MeetingSpeaker rows."""

from django.db import migrations
from django.utils.dateparse import parse_date

MOVED = (
    "meeting_name",
    "meeting_date",
    "members",
    "members_total",
    "present",
    "head_name",
    "head_statement",
    "outcome",
    "majority",
    "head_departed_from_majority",
    "head_departure_reason",
    "dissenters",
)


def forward(apps, schema_editor):
    Step = apps.get_model("decisions", "Step")
    Meeting = apps.get_model("decisions", "Meeting")
    MeetingSpeaker = apps.get_model("decisions", "MeetingSpeaker")
    for step in Step.objects.filter(kind="collective_discussion").exclude(details={}).select_related("decision"):
        details = step.details or {}
        if not details.get("meeting_name"):
            continue
        members = details.get("members") or []
        meeting = Meeting.objects.create(
            step_id=step.pk,
            name=details["meeting_name"],
            held_on=parse_date(details.get("meeting_date") or ""),
            # Records made before the quorum was kept: the members present are all that is known.
            members_total=details.get("members_total") or len(members) + 1,
            head_name=details.get("head_name") or "",
            head_statement=details.get("head_statement") or "",
            outcome=details.get("outcome") or "",
            majority=details.get("majority") or "",
            head_departure_reason=details.get("head_departure_reason") or "",
            recorded_by_id=step.completed_by_id or step.submitted_by_id or step.decision.created_by_id,
        )
        for order, member in enumerate(members, start=1):
            MeetingSpeaker.objects.create(
                meeting=meeting,
                order=order,
                name=member.get("name", ""),
                view=member.get("view", ""),
                remarks=member.get("remarks", ""),
            )
        Step.objects.filter(pk=step.pk).update(details={k: v for k, v in details.items() if k not in MOVED})


class Migration(migrations.Migration):
    dependencies = [("decisions", "0008_meeting_records")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
