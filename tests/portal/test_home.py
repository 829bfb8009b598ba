"""The public home page: published decisions only, few queries, fresh after each publication."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from decisions.procedure import State
from demo.walkthrough import drive_to, step_forward
from tests.factories import make_decision


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("rows", [1, 10])
def test_home_lists_published_decisions_in_one_query(client, world, rows, django_assert_num_queries):
    for number in range(rows):
        drive_to(make_decision(world, title=f"已公布的决定{number}"), State.PUBLISHED, world.cast)
    with django_assert_num_queries(2):  # the list itself and this year's catalogs; nothing per row
        response = client.get(reverse("portal:home"))
    assert len(response.context["decisions"]) == rows
    with django_assert_num_queries(0):  # then from the cache
        client.get(reverse("portal:home"))


def test_a_new_publication_appears_at_once(client, world, django_capture_on_commit_callbacks):
    decision = drive_to(make_decision(world, title="新公布的决定"), State.DECIDED, world.cast)
    assert "新公布的决定" not in client.get(reverse("portal:home")).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        step_forward(decision, world.cast)  # publish
    assert "新公布的决定" in client.get(reverse("portal:home")).content.decode()


def test_public_document_download_only_for_public_documents_of_published_decisions(client, world):
    decision = drive_to(make_decision(world), State.PUBLISHED, world.cast)
    public = decision.documents.filter(is_public=True).first()
    private = decision.documents.filter(is_public=False).first()
    assert client.get(reverse("portal:document", args=[public.pk])).status_code == 200
    assert client.get(reverse("portal:document", args=[private.pk])).status_code == 404
    drafting = drive_to(make_decision(world, title="起草中"), State.LEGALITY_REVIEW, world.cast)
    hidden = drafting.documents.filter(is_public=True).first()
    assert client.get(reverse("portal:document", args=[hidden.pk])).status_code == 404
