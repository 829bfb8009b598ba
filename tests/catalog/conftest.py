from datetime import date, timedelta

import pytest
from django.utils import timezone

from catalog import services
from catalog.models import CatalogEntry
from decisions.models import Decision
from decisions.procedure import MeetingOutcome
from demo.walkthrough import meeting_record

YEAR = timezone.localdate().year + 1


def entry_fields(world, **fields):
    return {
        "title": "关于优化城市公交线网的决定",
        "summary": "优化线网。",
        "scope_category": Decision.ScopeCategory.PUBLIC_POLICY,
        "undertaking_unit": world.transport,
        "legal_basis": "《重大行政决策程序暂行条例》",
        "planned_completion": f"{YEAR}Q3",
    } | fields


@pytest.fixture
def catalog(world):
    return services.create_catalog(actor=world.gov, organ=world.city, year=YEAR)


def approve_all(world, catalog):
    services.send_to_review(catalog=catalog, actor=world.gov)
    for entry in catalog.entries.filter(removed=False):
        services.review_entry(entry=entry, actor=world.legal_reviewer, approve=True)
    return services.record_approval(
        catalog=catalog,
        actor=world.gov,
        **meeting_record("市政府第12次常务会议", timezone.localdate() - timedelta(days=1), MeetingOutcome.ADOPTED),
    )


def published(world, catalog, count=2):
    for number in range(count):
        services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world, title=f"事项{number + 1}"))
    approve_all(world, catalog)
    return services.publish_catalog(catalog=catalog, actor=world.gov)


@pytest.fixture
def window(world):
    today = timezone.localdate()
    return services.open_suggestion_window(
        actor=world.gov,
        organ=world.city,
        year=YEAR,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        description="公开征集",
    )


__all__ = ["YEAR", "approve_all", "date", "entry_fields", "published"]


def approve_changes(world, catalog):
    """The legal office approves every entry an adjustment added or changed (before it may be published)."""
    for entry in catalog.entries.filter(review_status=CatalogEntry.Review.PENDING):
        services.review_entry(entry=entry, actor=world.legal_reviewer, approve=True)
