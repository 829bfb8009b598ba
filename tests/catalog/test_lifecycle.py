"""The catalog's lifecycle through its services: every act, every refusal and its message."""

import pytest
from django.utils import timezone, translation

from accountability.models import LedgerEvent
from catalog import selectors, services
from catalog.models import Catalog, CatalogEntry
from decisions.errors import ProcedureError
from decisions.models import Decision
from decisions.procedure import MeetingOutcome, State
from demo.walkthrough import meeting_record
from tests.factories import make_decision

from .conftest import YEAR, approve_all, entry_fields, published


def refused(code, call, **kwargs):
    with translation.override("en"), pytest.raises(ProcedureError) as caught:
        call(**kwargs)
    assert caught.value.code == code, (caught.value.code, str(caught.value))
    return str(caught.value)


def test_compile_review_approve_publish(world, catalog):
    first = services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world))
    secret = services.add_entry(
        catalog=catalog,
        actor=world.gov,
        **entry_fields(world, title="保密事项", is_confidential=True, confidential_reason="《保守国家秘密法》"),
    )
    services.send_to_review(catalog=catalog, actor=world.gov)
    first.refresh_from_db()
    assert first.review_status == CatalogEntry.Review.PENDING
    services.review_entry(entry=first, actor=world.legal_reviewer, approve=False, comment="承办单位不当")
    message = refused(
        "catalog.entries_not_approved",
        services.record_approval,
        catalog=catalog,
        actor=world.gov,
        **meeting_record("常务会议", timezone.localdate(), MeetingOutcome.ADOPTED),
    )
    assert "1, 2" in message
    # The returned entry is changed: it awaits the legal office again.
    services.update_entry(entry=first, actor=world.gov, undertaking_unit=world.environment)
    first.refresh_from_db()
    assert first.review_status == CatalogEntry.Review.PENDING
    for entry in (first, secret):
        services.review_entry(entry=entry, actor=world.legal_reviewer, approve=True)
    services.record_approval(
        catalog=catalog,
        actor=world.gov,
        **meeting_record("常务会议", timezone.localdate(), MeetingOutcome.ADOPTED),
    )
    version = services.publish_catalog(catalog=catalog, actor=world.gov)
    catalog.refresh_from_db()
    assert catalog.status == Catalog.Status.PUBLISHED
    assert version.number == 1
    assert [entry["title"] for entry in selectors.public_entries(version)] == [first.title]
    assert version.confidential_count is None  # the organ did not choose to publish it
    for entry in CatalogEntry.objects.filter(catalog=catalog):
        assert entry.decision.status == State.CATALOGED
        assert entry.decision.year == YEAR
        assert entry.decision.undertaking_unit == entry.undertaking_unit
    event = LedgerEvent.objects.filter(action="catalog.published").get()
    assert event.after == {"organ_id": world.city.pk, "year": YEAR, "version": 1}
    assert LedgerEvent.objects.filter(action="decision.catalog").count() == 2


def test_publishing_twice_and_before_approval_are_refused(world, catalog):
    services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world))
    assert "approved" in refused("catalog.not_approved", services.publish_catalog, catalog=catalog, actor=world.gov)
    approve_all(world, catalog)
    services.publish_catalog(catalog=catalog, actor=world.gov)
    refused("catalog.already_published", services.publish_catalog, catalog=catalog, actor=world.gov)


def test_an_existing_proposed_decision_is_linked_and_cataloged(world, catalog):
    decision = make_decision(world, year=YEAR)
    entry = services.add_entry(catalog=catalog, actor=world.gov, decision=decision, planned_completion="2027-06-30")
    assert entry.title == decision.title and entry.decision == decision
    refused("entry.decision_taken", services.add_entry, catalog=catalog, actor=world.gov, decision=decision)
    approve_all(world, catalog)
    services.publish_catalog(catalog=catalog, actor=world.gov)
    decision.refresh_from_db()
    assert decision.status == State.CATALOGED
    assert Decision.objects.count() == 1


def test_wrong_role_wrong_organ_and_wrong_state(world, catalog):
    assert "role" in refused(
        "permission.role", services.add_entry, catalog=catalog, actor=world.drafter, **entry_fields(world)
    )
    refused("permission.role", services.add_entry, catalog=catalog, actor=world.legal_reviewer, **entry_fields(world))
    entry = services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world))
    refused("permission.role", services.review_entry, entry=entry, actor=world.gov, approve=True)
    refused("catalog.wrong_state", services.review_entry, entry=entry, actor=world.legal_reviewer, approve=True)
    refused(
        "catalog.empty",
        services.send_to_review,
        catalog=services.create_catalog(actor=world.gov, organ=world.city, year=YEAR - 1),
        actor=world.gov,
    )
    refused("catalog.exists", services.create_catalog, actor=world.gov, organ=world.city, year=YEAR)
    refused("permission.scope", services.create_catalog, actor=world.gov, organ=world.other_city, year=YEAR)
    refused("catalog.not_published", services.start_adjustment, catalog=catalog, actor=world.gov, reason="调整")
    refused("catalog.no_adjustment", services.publish_adjustment, catalog=catalog, actor=world.gov)
    services.send_to_review(catalog=catalog, actor=world.gov)
    refused(
        "entry.comment_required",
        services.review_entry,
        entry=entry,
        actor=world.legal_reviewer,
        approve=False,
        comment=" ",
    )


def test_bad_entry_input_changes_nothing(world, catalog):
    refused("entry.title", services.add_entry, catalog=catalog, actor=world.gov, **entry_fields(world, title=" "))
    refused(
        "entry.unit",
        services.add_entry,
        catalog=catalog,
        actor=world.gov,
        **entry_fields(world, undertaking_unit=world.other_dept),
    )
    refused(
        "entry.planned_completion",
        services.add_entry,
        catalog=catalog,
        actor=world.gov,
        **entry_fields(world, planned_completion="next spring"),
    )
    refused(
        "entry.confidential_reason",
        services.add_entry,
        catalog=catalog,
        actor=world.gov,
        **entry_fields(world, is_confidential=True),
    )
    assert not CatalogEntry.objects.exists()
    assert not LedgerEvent.objects.filter(action="catalog.entry_added").exists()


def test_meeting_not_adopted_goes_back_to_compiling(world, catalog):
    services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world))
    services.send_to_review(catalog=catalog, actor=world.gov)
    services.review_entry(entry=catalog.entries.get(), actor=world.legal_reviewer, approve=True)
    services.record_approval(
        catalog=catalog,
        actor=world.gov,
        **meeting_record("常务会议", timezone.localdate(), MeetingOutcome.REJECTED),
    )
    catalog.refresh_from_db()
    assert catalog.status == Catalog.Status.COMPILING
    refused(
        "catalog.wrong_state",
        services.record_approval,
        catalog=catalog,
        actor=world.gov,
        **meeting_record("x", timezone.localdate(), MeetingOutcome.ADOPTED),
    )


def test_adjustment_versions_diff_and_withdrawal(world, catalog):
    published(world, catalog, count=3)
    first, second, third = catalog.entries.order_by("number")
    refused("catalog.reason_required", services.start_adjustment, catalog=catalog, actor=world.gov, reason=" ")
    refused("catalog.published", services.update_entry, entry=first, actor=world.gov, title="新")
    services.start_adjustment(catalog=catalog, actor=world.gov, reason="年中调整")
    refused("entry.reason_required", services.update_entry, entry=first, actor=world.gov, title="新标题")
    services.update_entry(entry=first, actor=world.gov, title="新标题", planned_completion=f"{YEAR}Q4", reason="扩大")
    services.remove_entry(entry=second, actor=world.gov, reason="情况变化")
    added = services.add_entry(catalog=catalog, actor=world.gov, reason="新增需要", **entry_fields(world, title="新增"))
    # Each addition and change is reviewed by the legal office before the adjustment is published.
    message = refused("catalog.changes_not_approved", services.publish_adjustment, catalog=catalog, actor=world.gov)
    assert f"not approved: {first.number}, {added.number}" in message
    refused("permission.role", services.review_entry, entry=added, actor=world.gov, approve=True)
    services.review_entry(entry=first, actor=world.legal_reviewer, approve=True)
    services.review_entry(entry=added, actor=world.legal_reviewer, approve=False, comment="承办单位不当")
    refused("catalog.changes_not_approved", services.publish_adjustment, catalog=catalog, actor=world.gov)
    services.update_entry(entry=added, actor=world.gov, reason="调整承办单位", summary="改由本单位承办")
    services.review_entry(entry=added, actor=world.legal_reviewer, approve=True)
    version = services.publish_adjustment(catalog=catalog, actor=world.gov)
    assert version.number == 2 and version.reason == "年中调整"
    # The changed entry's decision carries the change (through the decisions service, with the version it came with).
    first.refresh_from_db()
    assert first.decision.title == "新标题"
    updated = LedgerEvent.objects.get(action="decision.updated", decision_id=first.decision_id)
    assert updated.after["catalog_reference"] == f"catalog {catalog.pk} entry {first.number} version 2"
    second.refresh_from_db()
    assert second.removed and second.decision.status == State.WITHDRAWN
    added.refresh_from_db()
    assert added.decision.status == State.CATALOGED
    assert [event.after["version"] for event in LedgerEvent.objects.filter(action="catalog.published")] == [1, 2]
    one, two = selectors.versions(catalog)
    diff = selectors.version_diff(one, two)
    assert [entry["title"] for entry in diff["added"]] == ["新增"]
    assert [entry["number"] for entry in diff["removed"]] == [second.number]
    assert diff["changed"][0]["number"] == first.number
    assert {(c["field"], c["old"], c["new"]) for c in diff["changed"][0]["changes"]} == {
        ("title", "事项1", "新标题"),
        ("planned_completion", f"{YEAR}Q3", f"{YEAR}Q4"),
    }
    assert third.number not in [entry["number"] for entry in diff["changed"]]
    assert list(selectors.published_catalogs(year=YEAR)) == [catalog]
    refused(
        "catalog.not_published",
        services.start_adjustment,
        catalog=services.create_catalog(actor=world.gov, organ=world.city, year=YEAR - 1),
        actor=world.gov,
        reason="x",
    )


def test_a_cataloged_decision_is_withdrawn_only_by_removing_its_entry(world, catalog):
    from decisions import services as decision_services

    published(world, catalog, count=2)
    first, second = catalog.entries.order_by("number")
    message = refused(
        "catalog.withdraw_through_adjustment",
        decision_services.withdraw_decision,
        decision=first.decision,
        actor=world.gov,
        reason="不再列入",
    )
    assert message.startswith("Decree 713 Art. 3: an entry of the annual catalog lists this decision")
    first.decision.refresh_from_db()
    assert first.decision.status == State.CATALOGED
    # An adjustment removes the entry: publishing it withdraws the decision, with the removal's reason.
    services.start_adjustment(catalog=catalog, actor=world.gov, reason="年中调整")
    services.remove_entry(entry=first, actor=world.gov, reason="情况变化，不再列入")
    refused(  # the removal is not published yet: the catalog still lists the decision
        "catalog.withdraw_through_adjustment",
        decision_services.withdraw_decision,
        decision=first.decision,
        actor=world.gov,
        reason="x",
    )
    services.publish_adjustment(catalog=catalog, actor=world.gov)
    first.refresh_from_db()
    assert first.decision.status == State.WITHDRAWN
    withdrawn = LedgerEvent.objects.get(action="decision.withdraw", decision_id=first.decision_id)
    assert withdrawn.reason == "情况变化，不再列入"
    # A proposal no catalog lists is withdrawn on its own; so is one whose draft entry was dropped.
    proposal = make_decision(world, title="未列入目录的建议", year=YEAR + 1)
    decision_services.withdraw_decision(decision=proposal, actor=world.gov, reason="不再推进")
    draft = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR + 1)
    listed = make_decision(world, title="草案所列事项", year=YEAR + 1)
    entry = services.add_entry(catalog=draft, actor=world.gov, decision=listed)
    refused(
        "catalog.withdraw_through_adjustment",
        decision_services.withdraw_decision,
        decision=listed,
        actor=world.gov,
        reason="x",
    )
    services.remove_entry(entry=entry, actor=world.gov, reason="不列入")
    decision_services.withdraw_decision(decision=listed, actor=world.gov, reason="不再推进")
    assert {second.decision.status} == {State.CATALOGED}


def test_an_entry_whose_decision_is_past_drafting_cannot_be_removed_by_an_adjustment(world, catalog):
    from demo.walkthrough import drive_to

    # The walkthrough brings the decision into the catalog the one way there is: the catalog is published with it.
    decision = drive_to(make_decision(world, year=YEAR), State.LEGALITY_REVIEW, world.cast)
    entry = decision.catalog_entry
    assert entry.catalog == catalog and catalog.versions.count() == 1
    services.start_adjustment(catalog=catalog, actor=world.gov, reason="调整")
    message = refused("entry.decision_in_procedure", services.remove_entry, entry=entry, actor=world.gov, reason="x")
    assert "adjustment procedure" in message
    message = refused(
        "entry.decision_in_procedure", services.update_entry, entry=entry, actor=world.gov, title="新", reason="x"
    )
    assert "planned completion" in message
    services.update_entry(entry=entry, actor=world.gov, reason="延期", planned_completion=f"{YEAR}Q4")
    refused("catalog.adjusting", services.start_adjustment, catalog=catalog, actor=world.gov, reason="again")


def test_the_organs_followers_are_told_of_a_published_catalog(world, catalog):
    from notifications.models import Follow, OutgoingMail

    Follow.objects.create(email="citizen@example.cn", organ=world.city, token="c" * 43, confirmed_at=timezone.now())
    published(world, catalog, count=1)
    bodies = list(OutgoingMail.objects.filter(key__startswith="follow:").values_list("body", flat=True))
    # the catalog as a whole, and its entry's decision entering it (decision.catalog)
    assert len(bodies) == 2
    assert any(str(YEAR) in body and world.city.name in body for body in bodies)
