"""Suggestions: receipt, answer, moderation, rate limits, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog import selectors, services
from catalog.models import Suggestion
from decisions.errors import ProcedureError as CatalogError

from .conftest import entry_fields


def submit(window, **fields):
    values = {
        "title": "建议将老旧小区改造纳入目录",
        "reason": "涉及群众切身利益。",
        "submitter_name": "王五",
        "contact": "13812341234",
        "client_address": "203.0.113.9",
    } | fields
    return services.submit_suggestion(window, **values)


def test_receipt_answer_and_public_lookup(world, window):
    first = submit(window)
    second = submit(window, contact="a.person@example.com")
    assert first.receipt_number == f"ZJ-{window.year}-000001"
    assert second.receipt_number == f"ZJ-{window.year}-000002"
    services.answer_suggestion(suggestion=second, actor=world.gov, taken=False, reason="不属于重大行政决策事项")
    public = selectors.suggestion_by_receipt(second.receipt_number.lower())
    assert public["answer"] == Suggestion.Answer.NOT_TAKEN and public["answer_reason"] == "不属于重大行政决策事项"
    assert "contact" not in public and "submitter_name" not in public
    assert selectors.suggestion_by_receipt("ZJ-1999-000001") is None


def test_taken_into_the_catalog(world, window, catalog):
    suggestion = submit(window)
    entry = services.add_entry(
        catalog=catalog, actor=world.gov, suggestion=suggestion, **entry_fields(world, title="老旧小区改造")
    )
    suggestion.refresh_from_db()
    assert suggestion.answer == Suggestion.Answer.TAKEN and suggestion.entry == entry
    with pytest.raises(CatalogError) as caught:
        services.add_entry(catalog=catalog, actor=world.gov, suggestion=suggestion, **entry_fields(world))
    assert caught.value.code == "entry.suggestion_answered"


def test_hidden_never_deleted(world, window):
    suggestion = submit(window)
    with pytest.raises(CatalogError) as caught:
        services.hide_suggestion(suggestion=suggestion, actor=world.legal_reviewer, reason="x")
    assert caught.value.code == "permission.role"
    services.hide_suggestion(suggestion=suggestion, actor=world.gov, reason="含有他人个人信息")
    suggestion.refresh_from_db()
    assert suggestion.is_hidden and Suggestion.objects.count() == 1
    assert selectors.suggestion_by_receipt(suggestion.receipt_number) == {
        "receipt_number": suggestion.receipt_number,
        "hidden": True,
        "hidden_reason": "含有他人个人信息",
        "submitted_at": suggestion.submitted_at,
    }


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": " "}, "suggestion.title"),
        ({"reason": ""}, "suggestion.reason"),
        ({"contact": "call me"}, "suggestion.contact"),
        ({"submitter_name": "x\x00"}, "input.text"),
        ({"source": "mars"}, "suggestion.source"),
        ({"title": "长" * 201}, "suggestion.too_long"),
    ],
)
def test_bad_input_changes_nothing(world, window, fields, code):
    with pytest.raises(CatalogError) as caught:
        submit(window, **fields)
    assert caught.value.code.startswith(code.split(".")[0])
    assert caught.value.fields
    assert not Suggestion.objects.exists()


def test_closed_window_and_rate_limits(world, window, settings):
    with pytest.raises(CatalogError) as caught:
        submit(window, today=window.closes_on + timedelta(days=1))
    assert caught.value.code == "suggestion.window_closed"
    settings.SUGGESTION_RATE_PER_CONTACT = 2
    submit(window)
    submit(window)
    with pytest.raises(CatalogError) as caught:
        submit(window)
    assert caught.value.code == "suggestion.rate_limited" and caught.value.status == 429
    settings.SUGGESTION_RATE_PER_ADDRESS = 4
    submit(window, contact="other@example.com")
    with pytest.raises(CatalogError):
        submit(window, contact="third@example.com")
    assert Suggestion.objects.count() == 3


def test_masking():
    assert selectors.mask_contact("13812341234") == "138****1234"
    assert selectors.mask_contact("alice@example.com") == "a***@example.com"
    assert "1234" not in selectors.mask_contact("12")


def test_window_dates_refused(world):
    today = timezone.localdate()
    with pytest.raises(CatalogError) as caught:
        services.open_suggestion_window(
            actor=world.gov, organ=world.city, year=today.year, opens_on=today, closes_on=today - timedelta(days=1)
        )
    assert caught.value.code == "suggestion.window_dates"
