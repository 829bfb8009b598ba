"""The portal's search (/search/?q=): Chinese words of one or more characters, filters, published decisions only, few
queries, and on PostgreSQL the GIN index of bigrams and unigrams (decisions/search.py) behind the keyword."""

import pytest
from django.db import connection
from django.urls import reverse

from decisions.models import Decision
from decisions.procedure import State
from decisions.search import keyword_filter
from demo.walkthrough import drive_to
from tests.factories import make_decision


def titles(response) -> set[str]:
    return {d.title for d in response.context["page"].object_list}


@pytest.fixture
def published(world):
    hearing = drive_to(
        make_decision(world, title="关于举行水价调整听证会的决定", summary="召开听证会。"),
        State.PUBLISHED,
        world.cast,
    )
    elderly = drive_to(
        make_decision(
            world,
            title="关于发展社区养老服务的决定",
            summary="建设社区养老服务中心。",
            scope_category=Decision.ScopeCategory.DEVELOPMENT_PLAN,
        ),
        State.IN_EXECUTION,
        world.cast,
    )
    drafting = drive_to(make_decision(world, title="关于养老金听证的草案"), State.DRAFTING, world.cast)
    return hearing, elderly, drafting


def test_two_character_chinese_words_find_published_decisions_only(client, published):
    assert titles(client.get(reverse("portal:search"), {"q": "听证"})) == {"关于举行水价调整听证会的决定"}
    assert titles(client.get(reverse("portal:search"), {"q": "养老"})) == {"关于发展社区养老服务的决定"}
    assert titles(client.get(reverse("portal:search"), {"q": published[1].number})) == {"关于发展社区养老服务的决定"}
    assert titles(client.get(reverse("portal:search"), {"q": "服务中心"})) == {"关于发展社区养老服务的决定"}  # summary
    assert titles(client.get(reverse("portal:search"), {"q": "养老金"})) == set()  # only in a draft


def test_filters_narrow_and_a_bad_value_is_an_error_not_everything(client, published, world):
    url = reverse("portal:search")
    assert titles(client.get(url, {"category": Decision.ScopeCategory.DEVELOPMENT_PLAN})) == {
        "关于发展社区养老服务的决定"
    }
    assert titles(client.get(url, {"status": State.PUBLISHED})) == {"关于举行水价调整听证会的决定"}
    assert len(titles(client.get(url, {"organ": world.city.pk, "year": 2026}))) == 2
    assert titles(client.get(url, {"organ": world.other_city.pk})) == set()
    bad = client.get(url, {"year": "abc"})
    assert bad.status_code == 400 and titles(bad) == set()
    assert client.get(url, {"status": State.DRAFTING}).status_code == 400  # not a public state


def test_the_home_page_has_the_search_box(client, db):
    page = client.get(reverse("portal:home")).content.decode()
    assert f'action="{reverse("portal:search")}"' in page and 'name="q"' in page


@pytest.mark.parametrize("rows", [1, 25])
def test_search_queries_do_not_grow_with_the_page(client, world, rows, django_assert_max_num_queries):
    for n in range(rows):
        drive_to(make_decision(world, title=f"养老服务{n}"), State.PUBLISHED, world.cast)
    with django_assert_max_num_queries(4):  # the organs of the filter, the count, the page (and the version: none)
        response = client.get(reverse("portal:search"), {"q": "养老"})
    assert response.status_code == 200 and len(titles(response)) == min(rows, 20)


def test_one_chinese_character_finds_the_right_decisions(client, published):
    assert titles(client.get(reverse("portal:search"), {"q": "养"})) == {"关于发展社区养老服务的决定"}
    assert titles(client.get(reverse("portal:search"), {"q": "听"})) == {"关于举行水价调整听证会的决定"}
    assert titles(client.get(reverse("portal:search"), {"q": "税"})) == set()
    assert titles(client.get(reverse("portal:search"), {"q": "金"})) == set()  # only in a draft

    def found(value):
        return set(keyword_filter(Decision.objects.all(), value).values_list("title", flat=True))

    assert found("案") == {"关于养老金听证的草案"}  # the last character of a run: no bigram starts with it
    assert found("金") == {"关于养老金听证的草案"}
    assert found("定") == {"关于举行水价调整听证会的决定", "关于发展社区养老服务的决定"}


def test_the_search_terms_hold_each_chinese_character_and_the_migration_refills_them(published):
    import importlib

    from django.db.migrations.executor import MigrationExecutor

    hearing = published[0]
    assert {"听证", "听", "证", "会"} <= set(Decision.objects.get(pk=hearing.pk).search_text.split())
    migration = "decisions", "0024_search_unigrams"
    apps = MigrationExecutor(connection).loader.project_state(migration).apps  # the models as the migration has them
    before = "听证 证会"  # the terms before the unigrams
    apps.get_model("decisions", "Decision").objects.filter(pk=hearing.pk).update(search_text=before)
    importlib.import_module("decisions.migrations.0024_search_unigrams").refill_search_text(apps, None)
    terms = Decision.objects.get(pk=hearing.pk).search_text.split()
    assert {"听证", "证会", "听", "证", "会", "水价", "水"} <= set(terms) and len(terms) == len(set(terms))


@pytest.mark.postgres_only
@pytest.mark.parametrize("keyword", ["养老", "养"])
def test_the_keyword_uses_the_gin_index(published, keyword):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # The keyword's own condition (on the few rows of a test the planner may prefer the status index for the
        # public filter; what matters is that the bigram or unigram condition is answerable from the GIN index).
        sql, params = keyword_filter(Decision.objects.all(), keyword).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "decision_search_gin" in plan, plan


def test_a_count_beyond_the_cap_says_more_than(client, published, monkeypatch):
    """A frequent word in a large city: the matches are counted up to the cap, and the page says there are more."""
    from portal import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 1)
    response = client.get(reverse("portal:search"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["page"].paginator.count_is_capped
    assert "More than 1 decisions found: narrow the search to see them all" in response.content.decode()
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    response = client.get(reverse("portal:search"), {"q": "养老"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "1 decision found" in response.content.decode()


def test_the_results_escape_what_they_show(client, world):
    """The results are written in Python (portal.views.search_rows_html): each value escaped as the template's
    autoescape would, links to the decision's page."""
    decision = drive_to(make_decision(world, title='关于<b>加粗</b>&"引号"的听证决定'), State.PUBLISHED, world.cast)
    body = client.get(reverse("portal:search"), {"q": "听证"}).content.decode()
    assert "<b>加粗</b>" not in body
    assert "关于&lt;b&gt;加粗&lt;/b&gt;&amp;&quot;引号&quot;的听证决定" in body
    assert f'<a href="{reverse("portal:decision", args=[decision.pk])}">' in body
    assert f"{decision.number} · {decision.organ.name} · {decision.undertaking_unit.name} · {decision.year}" in body
