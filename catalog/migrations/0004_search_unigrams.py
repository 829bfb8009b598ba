"""The search column gains the CJK unigrams (decisions/search.py), so that a one-character keyword is index-backed
on PostgreSQL too: every entry's column is refilled, in batches, as catalog 0002 filled it (with the terms of its
published text too when an adjustment is under way, as catalog/search.py keeps them). No schema change."""

from django.db import migrations

from decisions.search import search_terms

BATCH = 2000


def refill_search_text(apps, schema_editor):
    CatalogEntry = apps.get_model("catalog", "CatalogEntry")
    CatalogVersion = apps.get_model("catalog", "CatalogVersion")
    published = {}  # the latest version's snapshot of each catalog, by entry number
    for version in CatalogVersion.objects.order_by("catalog_id", "number").only("catalog_id", "number", "entries"):
        published[version.catalog_id] = {entry.get("number"): entry for entry in version.entries or []}
    batch = []
    rows = CatalogEntry.objects.only("pk", "catalog_id", "number", "title", "summary", "search_text").order_by("pk")
    for entry in rows.iterator(BATCH):
        snapshot = published.get(entry.catalog_id, {}).get(entry.number) or {}
        terms = dict.fromkeys(search_terms(snapshot.get("title", ""), snapshot.get("summary", "")).split())
        terms.update(dict.fromkeys(search_terms(entry.title, entry.summary).split()))
        text = " ".join(terms)
        if text != entry.search_text:
            entry.search_text = text
            batch.append(entry)
        if len(batch) >= BATCH:
            CatalogEntry.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        CatalogEntry.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_approval_meetings"),
    ]

    # Backwards: nothing to undo (the unigrams are extra terms the older queries never ask for).
    operations = [migrations.RunPython(refill_search_text, migrations.RunPython.noop)]
