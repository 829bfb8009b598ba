"""The published catalogs on the portal: an organ's catalog of a year with each entry's status and progress,
filters and keyword, versions and their diff, CSV and XLSX exports, the new-entries feeds, the home page's catalogs,
the suggestion form (honeypot, refusals store nothing) and the receipt lookup."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalog import services
from catalog.models import Catalog, CatalogEntry, Suggestion
from catalog.search import matching_numbers
from decisions.procedure import State
from decisions.search import index_filter
from tests.catalog.conftest import approve_all, approve_changes, entry_fields

YEAR = timezone.localdate().year
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalog(world):
    catalog = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR)
    services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world, title="关于发展社区养老服务的决定"))
    services.add_entry(
        catalog=catalog,
        actor=world.gov,
        **entry_fields(world, title="关于举行水价听证的决定", undertaking_unit=world.environment),
    )
    services.add_entry(
        catalog=catalog,
        actor=world.gov,
        **entry_fields(world, title="内部保密事项甲", is_confidential=True, confidential_reason="涉密依据乙"),
    )
    approve_all(world, catalog)
    services.publish_catalog(catalog=catalog, actor=world.gov)
    return Catalog.objects.get(pk=catalog.pk)


def url(name, catalog, **query):
    path = reverse(name, args=[catalog.organ_id, catalog.year])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_catalog_page_lists_public_entries_with_status_and_progress(client, catalog):
    response = client.get(url("portal:catalog", catalog))
    assert response.status_code == 200
    body = response.content.decode()
    assert "示例市人民政府" in body and str(YEAR) in body
    titles = [entry["title"] for entry in response.context["entries"]]
    assert titles == ["关于发展社区养老服务的决定", "关于举行水价听证的决定"]
    assert "内部保密事项甲" not in body and "涉密依据乙" not in body
    entry = response.context["entries"][0]
    assert entry["status"] == State.CATALOGED and entry["steps_total"] > 0


def test_progress_counts_each_steps_latest_round(client, world, catalog, django_capture_on_commit_callbacks):
    """A step done and then redone (a new round, open) is not done any more, and is one step, not two."""
    from decisions import services as decision_services
    from decisions.procedure import StepKind, StepStatus
    from decisions.selectors import current_steps
    from demo.walkthrough import Walkthrough

    decision = catalog.entries.get(number=1).decision
    walkthrough = Walkthrough(world.cast)
    decision_services.start_drafting(decision=decision, actor=world.drafter)
    walkthrough.work_on_step(decision, StepKind.PUBLIC_PARTICIPATION)
    walkthrough.work_on_step(decision, StepKind.EXPERT_REVIEW)

    def progress():
        entry = client.get(url("portal:catalog", catalog)).context["entries"][0]
        return entry["steps_total"], entry["steps_done"]

    total, done = progress()
    assert done == ["Public participation", "Expert review"] or done == ["公众参与", "专家论证"]
    applicable = [s for s in current_steps(decision).values() if s.requirement != "not_applicable"]
    assert total == len(applicable)
    expert = current_steps(decision)[StepKind.EXPERT_REVIEW]
    assert expert.status == StepStatus.DONE
    with django_capture_on_commit_callbacks(execute=True):  # the page cache is told after the commit
        decision_services.reopen_step(step=expert, actor=world.drafter, reason="修改草案后重新论证")
    total_after, done_after = progress()
    assert total_after == total  # the kind counts once, at its latest round
    assert len(done_after) == 1 and done_after[0] in ("Public participation", "公众参与")


@pytest.mark.parametrize(
    "path",
    [
        "/catalogs/99999999999999999999999/{year}/",
        "/catalogs/{organ}/99999999999999999999999/",
        "/catalogs/{organ}/99999999999999999999999/versions/",
        "/catalogs/{organ}/99999999999999999999999.csv",
        "/catalogs/{organ}/40000/",
    ],
)
def test_a_catalog_address_beyond_any_id_or_year_is_not_found(client, catalog, path):
    assert client.get(path.format(organ=catalog.organ_id, year=catalog.year)).status_code == 404


def test_the_catalog_rows_escape_what_they_show(client, world):
    """The rows are written in Python (portal.catalog_views.entry_rows_html): each value escaped as the template's
    autoescape would."""
    catalog = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR)
    services.add_entry(
        catalog=catalog,
        actor=world.gov,
        **entry_fields(world, title='关于<script>alert(1)</script>和"引号"的决定'),
    )
    approve_all(world, catalog)
    services.publish_catalog(catalog=catalog, actor=world.gov)
    body = client.get(url("portal:catalog", catalog)).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "和&quot;引号&quot;的决定" in body


def test_filters_and_keyword_on_the_catalog(client, catalog, world):
    def titles(**query):
        return [e["title"] for e in client.get(url("portal:catalog", catalog, **query)).context["entries"]]

    assert titles(q="养老") == ["关于发展社区养老服务的决定"]
    assert titles(q="听证") == ["关于举行水价听证的决定"]
    assert titles(unit=world.environment.pk) == ["关于举行水价听证的决定"]
    assert titles(status=State.CATALOGED, category="public_policy") == [
        "关于发展社区养老服务的决定",
        "关于举行水价听证的决定",
    ]
    assert client.get(url("portal:catalog", catalog, unit="x")).status_code == 400


def test_the_keyword_finds_two_character_words_in_titles_and_summaries(client, catalog):
    def titles(q):
        response = client.get(url("portal:catalog", catalog), {"q": q})
        return response.status_code, [e["title"] for e in response.context["entries"]]

    assert titles("养老") == (200, ["关于发展社区养老服务的决定"])
    assert titles("水价听证") == (200, ["关于举行水价听证的决定"])
    assert titles("线网") == (200, ["关于发展社区养老服务的决定", "关于举行水价听证的决定"])  # the summary
    assert titles("养") == (200, ["关于发展社区养老服务的决定"])  # one character: its unigram
    assert titles("定") == (200, ["关于发展社区养老服务的决定", "关于举行水价听证的决定"])  # the last of a run
    assert titles("税") == (200, [])
    assert titles("教育") == (200, [])
    assert titles("养老金") == (200, [])
    assert titles("保密事项") == (200, [])  # a confidential entry is never found
    assert titles("养老 & !听证:*") == (200, [])  # tsquery syntax is not passed through
    assert titles("'\"%_\\") == (200, [])
    assert titles("养" * 101)[0] == 400  # longer than the field allows: an error, not everything
    assert titles("养老\x00")[0] == 400


def test_the_keyword_searches_the_published_text_during_an_adjustment(
    client, catalog, world, django_capture_on_commit_callbacks
):
    elderly = catalog.entries.get(title="关于发展社区养老服务的决定")
    hearing = catalog.entries.get(title="关于举行水价听证的决定")
    services.start_adjustment(catalog=catalog, actor=world.gov, reason="年中调整")
    services.update_entry(entry=elderly, actor=world.gov, reason="改名", title="关于建设社区食堂的决定")
    services.remove_entry(entry=hearing, actor=world.gov, reason="不再列入")

    def titles(q):
        return [e["title"] for e in client.get(url("portal:catalog", catalog), {"q": q}).context["entries"]]

    assert titles("养老") == ["关于发展社区养老服务的决定"]  # the published version still stands
    assert titles("食堂") == []  # the unpublished text finds nothing
    with django_capture_on_commit_callbacks(execute=True):  # the cached pages are stale
        approve_changes(world, catalog)
        services.publish_adjustment(catalog=catalog, actor=world.gov)
    assert titles("食堂") == ["关于建设社区食堂的决定"]
    assert titles("养老") == []
    assert titles("听证") == []  # removed by the adjustment: not in the latest version
    assert "养老" not in CatalogEntry.objects.get(pk=elderly.pk).search_text


def test_the_services_keep_the_search_terms(catalog, world):
    entry = catalog.entries.get(title="关于发展社区养老服务的决定")
    assert {"养老", "线网"} <= set(entry.search_text.split())
    for keyword in ("养老", "养"):
        numbers = matching_numbers(catalog, keyword)
        assert numbers is None if connection.vendor != "postgresql" else numbers == {entry.number}


def test_an_unpublished_catalog_or_another_year_is_404(client, world, catalog):
    draft = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR + 1)
    assert client.get(url("portal:catalog", draft)).status_code == 404
    assert client.get(reverse("portal:catalog", args=[world.other_city.pk, YEAR])).status_code == 404


@pytest.mark.parametrize("extra", [0, 10])
def test_the_catalog_page_queries_do_not_grow_with_the_entries(client, world, extra, django_assert_max_num_queries):
    catalog = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR)
    for n in range(extra + 1):
        services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world, title=f"事项{n}"))
    approve_all(world, catalog)
    services.publish_catalog(catalog=catalog, actor=world.gov)
    with django_assert_max_num_queries(6):
        response = client.get(url("portal:catalog", catalog))
    assert len(response.context["entries"]) == extra + 1


@pytest.mark.parametrize("extra", [0, 10])
def test_the_keyword_adds_one_query_whatever_the_entries(client, world, extra, django_assert_max_num_queries):
    catalog = services.create_catalog(actor=world.gov, organ=world.city, year=YEAR)
    for n in range(extra + 1):
        services.add_entry(catalog=catalog, actor=world.gov, **entry_fields(world, title=f"养老事项{n}"))
    approve_all(world, catalog)
    services.publish_catalog(catalog=catalog, actor=world.gov)
    with django_assert_max_num_queries(7):  # the page's six, and the entries the index finds
        response = client.get(url("portal:catalog", catalog), {"q": "养老"})
    assert len(response.context["entries"]) == extra + 1


@pytest.mark.postgres_only
@pytest.mark.parametrize("keyword", ["养老", "养"])
def test_the_catalog_keyword_uses_the_gin_index(catalog, keyword):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Unordered, as matching_numbers asks (ordered by number, the planner may walk the unique index instead).
        sql, params = index_filter(CatalogEntry.objects.all(), keyword).order_by().query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "catalog_entry_search_gin" in plan, plan


def test_versions_and_a_readable_diff(client, world, catalog):
    services.start_adjustment(catalog=catalog, actor=world.gov, reason="年中调整")
    services.add_entry(
        catalog=catalog, actor=world.gov, reason="新增事项", **entry_fields(world, title="关于新增公园的决定")
    )
    approve_changes(world, catalog)
    services.publish_adjustment(catalog=catalog, actor=world.gov)
    response = client.get(url("portal:catalog_versions", catalog))
    body = response.content.decode()
    assert response.status_code == 200 and len(response.context["versions"]) == 2
    assert response.context["diff"]["added"][0]["title"] == "关于新增公园的决定"
    assert "<ins>" in body and "年中调整" in body
    assert client.get(url("portal:catalog_versions", catalog, **{"from": 1, "to": 9})).status_code == 404
    page = client.get(url("portal:catalog", catalog))
    assert "关于新增公园的决定" in page.content.decode()  # the catalog's publication made the cached page stale


def test_csv_and_xlsx_exports(client, catalog):
    response = client.get(url("portal:catalog_csv", catalog))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["关于发展社区养老服务的决定", "关于举行水价听证的决定"]
    assert rows[0]["undertaking_unit"] == "市交通运输局"
    response = client.get(url("portal:catalog_xlsx", catalog))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("number", "title")
    assert [row[1] for row in values[1:]] == ["关于发展社区养老服务的决定", "关于举行水价听证的决定"]
    assert "内部保密事项甲" not in response.content.decode("latin-1")


def test_the_new_entries_feeds(client, catalog):
    rss = ET.fromstring(client.get(reverse("portal:feed_entries_rss")).content)  # noqa: S314 (our own feed)
    titles = [item.findtext("title") for item in rss.findall("./channel/item")]
    assert len(titles) == 2 and any("养老" in title for title in titles)
    atom = ET.fromstring(client.get(reverse("portal:feed_entries_atom")).content)  # noqa: S314 (our own feed)
    assert len(atom.findall(f"{ATOM}entry")) == 2


def test_the_home_page_shows_this_years_catalogs(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("portal:home"))
    assert reverse("portal:catalog", args=[catalog.organ_id, YEAR]) in response.content.decode()


@pytest.fixture
def window(world):
    today = timezone.localdate()
    return services.open_suggestion_window(
        actor=world.gov,
        organ=world.city,
        year=YEAR + 1,
        opens_on=today - timezone.timedelta(days=1),
        closes_on=today + timezone.timedelta(days=30),
    )


def test_the_catalog_page_offers_suggestions_only_while_its_years_window_is_open(world, catalog):
    suggest = f"{reverse('portal:suggest')}?organ={catalog.organ_id}"
    today = timezone.localdate()
    page = url("portal:catalog", catalog)
    assert suggest not in Client().get(page).content.decode()  # no window at all
    services.open_suggestion_window(  # another year's window
        actor=world.gov, organ=world.city, year=YEAR + 1, opens_on=today, closes_on=today + timezone.timedelta(days=9)
    )
    services.open_suggestion_window(  # this year's, closed yesterday
        actor=world.gov,
        organ=world.city,
        year=YEAR,
        opens_on=today - timezone.timedelta(days=20),
        closes_on=today - timezone.timedelta(days=1),
    )
    assert suggest not in Client().get(page + "?status=").content.decode()
    services.open_suggestion_window(
        actor=world.gov, organ=world.city, year=YEAR, opens_on=today, closes_on=today + timezone.timedelta(days=9)
    )
    assert suggest in Client().get(page + "?q=").content.decode()


@pytest.fixture
def citizen():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def post(client, name, data):
    page = client.get(reverse(name))
    assert "no-store" in page["Cache-Control"]
    return client.post(reverse(name), {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def suggestion(window, **extra):
    return {
        "window": window.pk,
        "title": "建议把社区食堂列入目录",
        "reason": "老年人就餐难。",
        "submitter_name": "市民甲",
        "contact": "13800001234",
    } | extra


def test_a_suggestion_gets_a_receipt_and_its_answer_is_found_with_the_contact(citizen, window, world):
    response = post(citizen, "portal:suggest", suggestion(window))
    assert response.status_code == 200
    stored = Suggestion.objects.get()
    assert stored.receipt_number in response.content.decode()
    services.answer_suggestion(suggestion=stored, actor=world.gov, taken=False, reason="已有类似事项。")
    found = post(citizen, "portal:receipt", {"receipt_number": stored.receipt_number, "contact": "138 0000 1234"})
    assert found.status_code == 200 and "已有类似事项。" in found.content.decode()
    wrong = post(citizen, "portal:receipt", {"receipt_number": stored.receipt_number, "contact": "13900000000"})
    assert wrong.status_code == 404 and "已有类似事项。" not in wrong.content.decode()
    assert "No suggestion has this receipt number and contact." in wrong.content.decode()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"website": "https://spam.example"}, "a field that must stay empty"),
        ({"contact": "not a contact"}, "Give a telephone number or an e-mail address."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_a_refused_suggestion_is_a_translated_error_and_stores_nothing(citizen, window, extra, message):
    response = post(citizen, "portal:suggest", suggestion(window, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_closed_window_takes_no_suggestion(citizen, window):
    citizen.get(reverse("portal:suggest"))  # the form, while the window is open
    window.closes_on = window.opens_on  # yesterday
    window.save()
    data = suggestion(window, csrfmiddlewaretoken=citizen.cookies["csrftoken"].value)
    response = citizen.post(reverse("portal:suggest"), data)
    assert response.status_code == 400 and not Suggestion.objects.exists()


def test_open_data_catalogs_and_entries_with_etag(client, catalog):
    response = client.get(reverse("api:open_catalogs"))
    assert response.status_code == 200
    [row] = response.json()
    assert (row["organ_id"], row["year"], row["version"]) == (catalog.organ_id, YEAR, 1)
    assert client.get(reverse("api:open_catalogs"), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    entries = client.get(row["entries_url"])
    data = entries.json()
    assert [e["title"] for e in data["entries"]] == ["关于发展社区养老服务的决定", "关于举行水价听证的决定"]
    assert data["entries"][0]["status"] == State.CATALOGED
    assert "内部保密事项甲" not in entries.content.decode()
    assert client.get(row["entries_url"], HTTP_IF_NONE_MATCH=entries["ETag"]).status_code == 304
    assert client.get(reverse("api:open_catalog_entries", args=[999_999])).status_code == 404


def test_with_the_cache_down_the_catalog_pages_still_serve(settings, catalog):
    from tests.servers import free_port

    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }
    visitor = Client()
    for name in ("portal:catalog", "portal:catalog_versions", "portal:catalog_csv", "portal:catalog_xlsx"):
        assert visitor.get(url(name, catalog)).status_code == 200, name
    for name in ("portal:catalogs", "portal:feed_entries_rss", "portal:home", "api:open_catalogs"):
        assert visitor.get(reverse(name)).status_code == 200, name


def test_progress_of_an_entrys_decision_makes_the_cached_catalog_page_stale(
    client, world, catalog, django_capture_on_commit_callbacks
):
    from decisions import services as decision_services
    from decisions.models import Decision

    page = url("portal:catalog", catalog)
    assert client.get(page)["X-Portal-Cache"] == "miss"
    assert client.get(page)["X-Portal-Cache"] == "hit"
    decision = Decision.objects.get(title="关于发展社区养老服务的决定")
    with django_capture_on_commit_callbacks(execute=True):
        decision_services.start_drafting(decision=decision, actor=world.drafter)
    response = client.get(page)
    assert response["X-Portal-Cache"] == "miss"
    assert response.context["entries"][0]["status"] == State.DRAFTING


def test_the_migration_fills_the_search_terms_with_the_published_text_too(catalog):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("catalog.migrations.0002_entry_search_text")
    entry = catalog.entries.get(title="关于发展社区养老服务的决定")
    CatalogEntry.objects.update(search_text="")
    CatalogEntry.objects.filter(pk=entry.pk).update(title="关于建设社区食堂的决定")  # changed, not yet published
    migration.fill_search_text(apps, None)
    assert {"养老", "食堂", "线网"} <= set(CatalogEntry.objects.get(pk=entry.pk).search_text.split())
    assert "听证" in CatalogEntry.objects.get(title="关于举行水价听证的决定").search_text


def test_the_unigram_migration_refills_the_search_terms_with_the_published_text_too(catalog):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("catalog.migrations.0004_search_unigrams")
    entry = catalog.entries.get(title="关于发展社区养老服务的决定")
    CatalogEntry.objects.update(search_text="养老")  # the terms before the unigrams
    CatalogEntry.objects.filter(pk=entry.pk).update(title="关于建设社区食堂的决定")  # changed, not yet published
    migration.refill_search_text(apps, None)
    terms = CatalogEntry.objects.get(pk=entry.pk).search_text.split()
    assert {"养老", "养", "食堂", "食", "线网"} <= set(terms) and len(terms) == len(set(terms))
    assert {"听证", "听"} <= set(CatalogEntry.objects.get(title="关于举行水价听证的决定").search_text.split())
