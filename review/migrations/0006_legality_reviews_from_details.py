"""Carry each legality review round out of its step's JSON into a LegalityReview row (drafts as foreign keys)."""

from django.db import migrations
from django.utils.dateparse import parse_datetime


def forward(apps, schema_editor):
    Step = apps.get_model("decisions", "Step")
    LegalityReview = apps.get_model("review", "LegalityReview")
    for step in Step.objects.filter(kind="legality_review").exclude(details={}):
        details = step.details or {}
        if not details.get("legal_basis"):
            continue  # a round not yet requested keeps no record
        confirmed = details.get("changes_confirmed_at")
        LegalityReview.objects.create(
            step_id=step.pk,
            legal_basis=details.get("legal_basis", ""),
            procedure_statement=details.get("procedure_statement", ""),
            review_working_days=details.get("review_working_days") or 7,
            urgency_reason=details.get("urgency_reason") or "",
            shortened=bool(details.get("shortened")),
            reviewed_draft_id=(details.get("reviewed_draft") or {}).get("document"),
            opinion=details.get("opinion") or "",
            opinion_text=details.get("opinion_text") or "",
            legal_risk=details.get("legal_risk") or "",
            required_changes=details.get("required_changes") or "",
            advisers_consulted=details.get("advisers_consulted") or "",
            changes_confirmed_at=parse_datetime(confirmed) if confirmed else None,
            confirmation_comment=details.get("confirmation_comment") or "",
            confirmed_draft_id=(details.get("confirmed_draft") or {}).get("document"),
        )


class Migration(migrations.Migration):
    dependencies = [("review", "0005_legality_review_records"), ("decisions", "0011_publication_and_execution_from_details")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
