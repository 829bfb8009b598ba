"""The search column gains the CJK unigrams (decisions/search.py), so that a one-character keyword is index-backed
on PostgreSQL too: every decision's column is refilled, in batches. No schema change; the GIN index stays."""

from django.db import migrations

from decisions.search import search_terms

BATCH = 2000


def refill_search_text(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    batch = []
    rows = Decision.objects.only("pk", "title", "number", "summary", "search_text").order_by("pk")
    for decision in rows.iterator(BATCH):
        terms = search_terms(decision.title, decision.number, decision.summary)
        if terms != decision.search_text:
            decision.search_text = terms
            batch.append(decision)
        if len(batch) >= BATCH:
            Decision.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Decision.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0023_meeting_of_no_step"),
    ]

    # Backwards: nothing to undo (the unigrams are extra terms the older queries never ask for).
    operations = [migrations.RunPython(refill_search_text, migrations.RunPython.noop)]
