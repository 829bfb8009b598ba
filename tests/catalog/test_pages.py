"""The staff pages of the catalogs: flows through the forms, bad input (400, nothing changed), masked contacts,
other organs' objects (404) and a constant number of queries."""

from django.urls import reverse
from django.utils import timezone

from catalog import services
from catalog.models import Catalog, CatalogEntry, Suggestion
from decisions.models import Decision
from decisions.procedure import State
from tests.factories import log_in_in_english, make_decision

from .conftest import YEAR, approve_all, entry_fields, published


def _entry_post(world, **fields):
    data = {
        "title": "关于优化城市公交线网的决定",
        "summary": "",
        "scope_category": Decision.ScopeCategory.PUBLIC_POLICY,
        "undertaking_unit": world.transport.pk,
        "legal_basis": "",
        "planned_completion": f"{YEAR}Q2",
        "affects_public_interest": "on",
        "reason": "",
    }
    return data | fields


def test_the_government_office_compiles_through_the_pages(client, world):
    log_in_in_english(client, world.gov)
    response = client.post(reverse("catalog:create"), {"year": YEAR})
    catalog = Catalog.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("catalog:entry_add", args=[catalog.pk]), _entry_post(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = CatalogEntry.objects.get()
    page = client.get(reverse("catalog:detail", args=[catalog.pk])).content.decode()
    assert entry.title in page and "Send to the legal office for review" in page
    response = client.post(reverse("catalog:act", args=[catalog.pk, "send-to-review"]))
    catalog.refresh_from_db()
    assert catalog.status == Catalog.Status.IN_REVIEW

    log_in_in_english(client, world.legal_reviewer)
    response = client.post(reverse("catalog:entry_review", args=[entry.pk]), {"verdict": "return"})
    assert response.status_code == 400 and "Returning an entry needs a comment." in response.content.decode()
    client.post(reverse("catalog:entry_review", args=[entry.pk]), {"verdict": "approve"})
    entry.refresh_from_db()
    assert entry.review_status == CatalogEntry.Review.APPROVED

    log_in_in_english(client, world.gov)
    response = client.post(reverse("catalog:approval", args=[catalog.pk]), {"meeting_name": "常务会议"})
    assert response.status_code == 400
    meeting = {
        "meeting_name": "常务会议",
        "meeting_date": timezone.localdate().isoformat(),
        "members_total": "5",
        "head_name": "王市长",
        "head_statement": "原则同意。",
        "outcome": "adopted",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "陈副市长",
        "members-0-view": "agree",
        "members-1-name": "王市长",  # the head is not one of the members
        "members-1-view": "agree",
    }
    response = client.post(reverse("catalog:approval", args=[catalog.pk]), meeting)
    assert response.status_code == 400 and "record 王市长 only as the head" in response.content.decode()
    catalog.refresh_from_db()
    assert catalog.status == Catalog.Status.IN_REVIEW and not catalog.meetings.exists()
    meeting |= {"members-1-name": "刘副市长"}
    response = client.post(reverse("catalog:approval", args=[catalog.pk]), meeting)
    assert response.status_code == 302
    page = client.get(reverse("catalog:detail", args=[catalog.pk])).content.decode()
    assert "刘副市长" in page and "3 of 5 members present" in page
    client.post(reverse("catalog:act", args=[catalog.pk, "publish"]))
    catalog.refresh_from_db()
    entry.refresh_from_db()
    assert catalog.status == Catalog.Status.PUBLISHED and entry.decision.status == State.CATALOGED
    response = client.post(reverse("catalog:act", args=[catalog.pk, "publish"]), follow=True)
    assert "already published" in response.content.decode()
    assert client.get(reverse("catalog:version", args=[catalog.pk, 1])).status_code == 200


def test_bad_entry_input_is_a_form_error_and_changes_nothing(client, world, catalog):
    log_in_in_english(client, world.gov)
    response = client.post(
        reverse("catalog:entry_add", args=[catalog.pk]), _entry_post(world, planned_completion="someday")
    )
    assert response.status_code == 400
    assert "Give the planned completion as a quarter" in response.content.decode()
    response = client.post(reverse("catalog:entry_add", args=[catalog.pk]), _entry_post(world, title=""))
    assert response.status_code == 400 and "An entry needs a title." in response.content.decode()
    assert not CatalogEntry.objects.exists()


def test_an_existing_decision_is_taken_through_the_page(client, world, catalog):
    decision = make_decision(world, year=YEAR, is_technical=True)
    log_in_in_english(client, world.gov)
    response = client.post(
        reverse("catalog:entry_add", args=[catalog.pk]),
        {"decision": decision.pk, "planned_completion": f"{YEAR}Q1", "reason": ""},
    )
    assert response.status_code == 302
    entry = CatalogEntry.objects.get()
    assert (entry.decision, entry.title, entry.is_technical) == (decision, decision.title, True)


def test_another_organs_catalog_is_404(client, world):
    foreign = Catalog.objects.create(organ=world.other_city, year=YEAR, created_by=world.outsider)
    log_in_in_english(client, world.gov)
    assert client.get(reverse("catalog:detail", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("catalog:act", args=[foreign.pk, "send-to-review"])).status_code == 404


def test_staff_see_masked_contacts_only(client, world, window):
    services.submit_suggestion(
        window, title="建议甲", reason="理由", submitter_name="王五", contact="13812341234", client_address="1.2.3.4"
    )
    services.submit_suggestion(
        window, title="建议乙", reason="理由", submitter_name="赵六", contact="alice@example.com"
    )
    log_in_in_english(client, world.gov)
    page = client.get(reverse("catalog:window", args=[window.pk])).content.decode()
    assert "138****1234" in page and "a***@example.com" in page
    assert "13812341234" not in page and "alice@example.com" not in page
    suggestion = Suggestion.objects.get(title="建议乙")
    response = client.post(reverse("catalog:suggestion_answer", args=[suggestion.pk]), {"answer": "not_taken"})
    assert response.status_code == 400
    client.post(reverse("catalog:suggestion_answer", args=[suggestion.pk]), {"answer": "not_taken", "reason": "不属于"})
    suggestion.refresh_from_db()
    assert suggestion.answer == Suggestion.Answer.NOT_TAKEN
    client.post(reverse("catalog:suggestion_hide", args=[suggestion.pk]), {"reason": "重复"})
    suggestion.refresh_from_db()
    assert suggestion.is_hidden


def _queries(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


def test_the_pages_read_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    small = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR)
    published(world, small, count=1)
    large = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR - 1)
    published(world, large, count=10)
    log_in_in_english(client, world.gov)
    list_url = reverse("catalog:list")
    one_list = _queries(client, list_url, django_assert_max_num_queries)
    services.create_catalog(actor=world.gov, organ=world.city, year=YEAR - 2)
    assert _queries(client, list_url, django_assert_max_num_queries) == one_list
    one = _queries(client, reverse("catalog:detail", args=[small.pk]), django_assert_max_num_queries)
    ten = _queries(client, reverse("catalog:detail", args=[large.pk]), django_assert_max_num_queries)
    assert one == ten


def test_adjustment_through_the_pages(client, world, catalog):
    published(world, catalog, count=2)
    _first, second = catalog.entries.order_by("number")
    log_in_in_english(client, world.gov)
    assert client.post(reverse("catalog:adjust", args=[catalog.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("catalog:adjust", args=[catalog.pk]), {"reason": "年中调整"})
    response = client.post(reverse("catalog:entry_remove", args=[second.pk]), {"reason": "不再需要"})
    assert response.status_code == 302
    client.post(reverse("catalog:act", args=[catalog.pk, "publish-adjustment"]))
    second.refresh_from_db()
    assert second.removed and second.decision.status == State.WITHDRAWN
    page = client.get(reverse("catalog:version", args=[catalog.pk, 2])).content.decode()
    assert "Changes from version 1 to version 2" in page and second.title in page


__all__ = ["approve_all", "entry_fields"]
