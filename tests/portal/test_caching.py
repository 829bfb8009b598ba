"""The portal's page cache (portal/cache.py): anonymous pages set no cookie, are public for proxies, are served whole
from the cache per language and query, go stale when something public changes, and serve with the cache down."""

import pytest
from django.test import Client
from django.urls import reverse

from decisions import services
from decisions.procedure import State
from demo.walkthrough import drive_to, step_forward
from tests.factories import make_decision
from tests.servers import free_port

CACHED = ["portal:home", "portal:search", "portal:feed_rss", "portal:feed_atom", "portal:sitemap"]


@pytest.mark.parametrize("name", CACHED)
def test_anonymous_pages_set_no_cookie_and_may_be_kept_by_a_proxy(client, world, name, django_assert_num_queries):
    drive_to(make_decision(world), State.PUBLISHED, world.cast)
    first = client.get(reverse(name))
    assert first.status_code == 200
    assert not first.cookies and "Set-Cookie" not in first.headers
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}
    assert first["X-Portal-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(reverse(name))
    assert second["X-Portal-Cache"] == "hit" and second.content == first.content
    assert "public" in second["Cache-Control"]


def test_the_cache_keys_on_language_and_query(db):
    chinese, english = Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), Client(HTTP_ACCEPT_LANGUAGE="en")
    page_en = english.get(reverse("portal:search")).content.decode()
    assert 'lang="en"' in page_en
    assert 'lang="zh-hans"' in chinese.get(reverse("portal:search")).content.decode().split("<head>")[0]
    one = english.get(reverse("portal:search"), {"q": "养老"})
    other = english.get(reverse("portal:search"), {"q": "听证"})
    assert one["X-Portal-Cache"] == other["X-Portal-Cache"] == "miss"
    assert 'value="听证"' in other.content.decode()


def test_the_language_links_set_the_cookie_with_a_get_and_go_back(client, db):
    response = client.get(reverse("portal:language"), {"lang": "en", "next": "/search/?q=x"})
    assert response.status_code == 302 and response["Location"] == "/search/?q=x"
    assert response.cookies["django_language"].value == "en"
    page = client.get(reverse("portal:home"))
    assert '<html lang="en">' in page.content.decode()
    assert client.get(reverse("portal:language"), {"lang": "en", "next": "https://evil.example/"})["Location"] == "/"
    home = Client().get(reverse("portal:home")).content.decode()
    assert 'href="/language/?lang=en&amp;next=/"' in home and "csrfmiddlewaretoken" not in home


def test_a_publication_makes_the_cached_pages_stale(client, world, django_capture_on_commit_callbacks):
    decision = drive_to(make_decision(world, title="新公布的养老决定"), State.DECIDED, world.cast)
    url = reverse("portal:search") + "?q=养老"
    assert "新公布的养老决定" not in client.get(url).content.decode()
    assert client.get(url)["X-Portal-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        step_forward(decision, world.cast)  # publish
    assert "新公布的养老决定" in client.get(url).content.decode()
    assert "新公布的养老决定" in client.get(reverse("portal:feed_rss")).content.decode()


def test_work_on_a_proposal_no_catalog_lists_keeps_the_cache(client, world, django_capture_on_commit_callbacks):
    proposal = make_decision(world, title="提议中")
    client.get(reverse("portal:home"))
    with django_capture_on_commit_callbacks(execute=True):
        services.update_decision(decision=proposal, actor=world.drafter, summary="补充说明。")
    assert client.get(reverse("portal:home"))["X-Portal-Cache"] == "hit"


def test_work_on_a_listed_decision_refreshes_its_catalog_page(client, world, django_capture_on_commit_callbacks):
    decision = drive_to(make_decision(world, title="养老驿站建设方案"), State.CATALOGED, world.cast)
    url = reverse("portal:catalog", args=[decision.organ_id, decision.year])
    client.get(url)
    assert client.get(url)["X-Portal-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        drive_to(decision, State.DRAFTING, world.cast)  # the catalog page shows its status
    response = client.get(url)
    assert response["X-Portal-Cache"] == "miss"
    assert [entry["status"] for entry in response.context["entries"]] == [State.DRAFTING]


def test_logged_in_people_get_private_pages_never_cached(client, world):
    client.force_login(world.drafter)
    response = client.get(reverse("portal:home"))
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "X-Portal-Cache" not in response.headers


def test_the_decision_page_with_its_follow_form_is_never_stored(client, world):
    decision = drive_to(make_decision(world), State.PUBLISHED, world.cast)
    response = client.get(reverse("portal:decision", args=[decision.pk]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in response.content.decode()  # the follow form still works


def test_with_the_cache_down_pages_still_serve(settings, world):
    decision = drive_to(make_decision(world, title="缓存不可用时的决定"), State.PUBLISHED, world.cast)
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }
    visitor = Client()
    for name in CACHED:
        response = visitor.get(reverse(name))
        assert response.status_code == 200, name
        assert "X-Portal-Cache" not in response.headers
    assert "缓存不可用时的决定" in visitor.get(reverse("portal:home")).content.decode()
    assert visitor.get(reverse("portal:decision", args=[decision.pk])).status_code == 200
    assert visitor.get(reverse("portal:open_data_json", args=[2026])).status_code == 200


def test_query_parameters_in_another_order_are_the_same_page(db):
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("portal:search")
    assert visitor.get(url + "?q=养老&year=2026")["X-Portal-Cache"] == "miss"
    assert visitor.get(url + "?year=2026&q=%E5%85%BB%E8%80%81")["X-Portal-Cache"] == "hit"


@pytest.mark.parametrize("name", CACHED)
def test_junk_query_parameters_are_served_but_never_stored(db, name):
    visitor = Client()
    for n in range(3):
        response = visitor.get(reverse(name), {"utm_source": f"crawler{n}"})
        assert response.status_code == 200 and response["X-Portal-Cache"] == "skip"
        assert "public" in response["Cache-Control"]
    assert visitor.get(reverse(name), {"utm_source": "crawler0"})["X-Portal-Cache"] == "skip"  # still not stored
    assert visitor.get(reverse(name))["X-Portal-Cache"] == "miss"  # the page itself is


def test_junk_beside_a_known_parameter_is_not_stored_and_a_normal_query_is(db):
    visitor = Client()
    url = reverse("portal:search")
    assert visitor.get(url, {"q": "养老", "x": "1"})["X-Portal-Cache"] == "skip"
    assert visitor.get(url, {"q": "养老", "x": "1"})["X-Portal-Cache"] == "skip"
    assert visitor.get(url, {"q": "养老"})["X-Portal-Cache"] == "miss"
    assert visitor.get(url, {"q": "养老"})["X-Portal-Cache"] == "hit"
    assert visitor.get(url, {"q": "养老", "page": "2"})["X-Portal-Cache"] == "miss"  # pagination is known


def test_at_most_so_many_queries_are_stored_per_path_and_the_rest_still_served(db, monkeypatch):
    monkeypatch.setattr("portal.cache.MAX_QUERY_VARIANTS", 3)
    visitor = Client()
    url = reverse("portal:search")
    assert [visitor.get(url, {"q": f"词{n}"})["X-Portal-Cache"] for n in range(5)] == ["miss"] * 3 + ["skip"] * 2
    assert visitor.get(url, {"q": "词0"})["X-Portal-Cache"] == "hit"  # stored ones stay
    beyond = visitor.get(url, {"q": "词4"})
    assert beyond.status_code == 200 and beyond["X-Portal-Cache"] == "skip" and 'value="词4"' in beyond.content.decode()
    assert visitor.get(url)["X-Portal-Cache"] == "miss"  # the page without a query is always stored
    assert visitor.get(reverse("portal:sitemap"), {"p": "1"})["X-Portal-Cache"] == "miss"  # another path's budget
