"""The feeds (RSS, Atom), sitemap.xml, the yearly downloads (JSON, CSV) and the open-data API with its ETag."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from decisions.procedure import State
from demo.walkthrough import drive_to, step_forward, upload
from tests.factories import make_decision

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def decisions(world):
    shown = drive_to(make_decision(world, title="关于发展社区养老服务的决定"), State.PUBLISHED, world.cast)
    hidden = drive_to(make_decision(world, title="尚在起草的决定"), State.DRAFTING, world.cast)
    return shown, hidden


def test_rss_and_atom_list_published_decisions_only(client, decisions):
    shown, _hidden = decisions
    rss = ET.fromstring(client.get(reverse("portal:feed_rss")).content)  # noqa: S314 (our own feed)
    items = rss.findall("./channel/item")
    assert [item.findtext("title") for item in items] == [f"{shown.number} {shown.title}"]
    assert items[0].findtext("link").endswith(reverse("portal:decision", args=[shown.pk]))
    atom = ET.fromstring(client.get(reverse("portal:feed_atom")).content)  # noqa: S314 (our own feed)
    entries = atom.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [f"{shown.number} {shown.title}"]


def test_sitemap_lists_the_pages_and_published_decisions(client, decisions):
    shown, hidden = decisions
    root = ET.fromstring(client.get(reverse("portal:sitemap")).content)  # noqa: S314 (our own feed)
    locations = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    assert any(loc.endswith(reverse("portal:decision", args=[shown.pk])) for loc in locations)
    assert not any(loc.endswith(reverse("portal:decision", args=[hidden.pk])) for loc in locations)
    assert any(loc.endswith(reverse("portal:search")) for loc in locations)


def test_yearly_downloads_in_json_and_csv(client, decisions):
    shown, _hidden = decisions
    data = json.loads(client.get(reverse("portal:open_data_json", args=[2026])).content)
    assert data["count"] == 1 and data["decisions"][0]["title"] == shown.title
    assert set(data["decisions"][0]) == set(data["fields"])
    response = client.get(reverse("portal:open_data_csv", args=[2026]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["id"], row["number"], row["title"]) for row in rows] == [(str(shown.pk), shown.number, shown.title)]
    assert json.loads(client.get(reverse("portal:open_data_json", args=[2001])).content)["count"] == 0


def test_open_api_is_anonymous_read_only_with_etag(client, decisions, world):
    shown, hidden = decisions
    url = reverse("api:open_decisions")
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    assert set(body["results"][0]) == {
        "id", "number", "title", "summary", "organ", "organ_id", "undertaking_unit", "year", "scope_category",
        "status", "published_at", "url",
    }  # fmt: skip
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    etag = response["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    detail = reverse("api:open_decision", args=[shown.pk])
    detail_etag = client.get(detail)["ETag"]
    assert client.get(detail, HTTP_IF_NONE_MATCH=detail_etag).status_code == 304
    # A policy interpretation added later is in the detail: the ETag changes with it (the decision row does not).
    upload(shown, world.gov, "interpretation", "政策解读", "interpretation.pdf", is_public=True)
    assert client.get(detail, HTTP_IF_NONE_MATCH=detail_etag).status_code == 200
    detail_etag = client.get(detail)["ETag"]
    assert client.get(reverse("api:open_decision", args=[hidden.pk])).status_code == 404
    assert client.post(url).status_code == 405
    assert client.get(url, {"year": "x"}).status_code == 400

    step_forward(shown, world.cast)  # into execution: the data changed, the ETag too
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get(detail, HTTP_IF_NONE_MATCH=detail_etag).status_code == 200
    assert client.get(url, {"year": 2026, "organ": world.city.pk}).json()["count"] == 1


def test_the_open_api_is_in_the_schema_anyone_may_read(client, db):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/open/decisions/" in schema and "open_decisions_list" in schema
