"""Publication (Decree 713 Art. 32): the media and where exactly, the explanation of how opinions were used, the
policy interpretation; the confidential path straight to execution; the decision's versions over its life on the
portal and in the open data."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Document, Publication
from decisions.procedure import State, StepKind
from decisions.registry import transition_input
from decisions.selectors import current_steps, published_versions
from demo.walkthrough import drive_to, upload, upload_decision_text
from tests.factories import log_in_in_english, make_decision
from tests.refusals import refused, status_of

pytestmark = pytest.mark.usefixtures("english")

LINK = "https://www.example.gov.cn/zwgk/2026/12.html"


@pytest.fixture
def decided(world, decision):
    drive_to(decision, State.DECIDED, world.cast)
    upload_decision_text(decision, world.gov)
    return decision


def publish(world, decision, **changes):
    values = {
        "media": ["gazette", "website"],
        "channels": "《示例市人民政府公报》、市政府门户网站",
        "published_on": timezone.localdate(),
        "document_number": "示政发〔2026〕12号",
        "issue_number": "2026年第12期",
        "link": LINK,
        "opinions_explanation": "公众意见采纳情况已逐条说明。",
    } | changes
    return services.publish_decision(decision=decision, actor=world.gov, **values)


# ---------------------------------------------------------------- the refusals


@pytest.mark.parametrize("media", [[], ["television"], None])
def test_publication_names_at_least_one_medium_of_the_list(world, decided, media):
    with refused("publication.media", decided, says=("Art. 32", "choose where the decision is published")) as caught:
        publish(world, decided, media=media)
    assert caught.value.fields == ("media",)


@pytest.mark.parametrize("medium", ["gazette", "newspaper"])
def test_the_gazette_or_a_newspaper_needs_its_issue(world, decided, medium):
    says = "Name the issue of the gazette or newspaper"
    with refused("publication.issue_number", decided, says=says) as caught:
        publish(world, decided, media=[medium], issue_number="  ")
    assert caught.value.fields == ("issue_number",)


def test_the_website_needs_its_link(world, decided):
    with refused("publication.link", decided, says="Give the link to the decision on the government website") as c:
        publish(world, decided, media=["website", "new_media"], link="")
    assert c.value.fields == ("link",)


def test_the_explanation_is_required_when_the_public_or_experts_took_part(world, decided):
    assert current_steps(decided)[StepKind.PUBLIC_PARTICIPATION].status == "done"
    with refused("publication.explanation", decided, says=("Art. 32", "explain how the public's")):
        publish(world, decided, opinions_explanation="")


# ---------------------------------------------------------------- what is stored


def test_publication_records_media_issue_number_and_link(world, decided):
    step = publish(world, decided, media=["website", "gazette", "website"])
    publication = Publication.objects.get(step=step)
    assert publication.media == ["website", "gazette"]  # once each, in the order given
    assert (publication.document_number, publication.issue_number, publication.link) == (
        "示政发〔2026〕12号",
        "2026年第12期",
        LINK,
    )
    assert status_of(decided) == State.PUBLISHED
    event = LedgerEvent.objects.filter(decision_id=decided.pk).latest("id")
    assert event.action == "decision.publish" and event.after["media"] == ["website", "gazette"]


def test_new_media_alone_needs_neither_issue_nor_link(world, decided):
    step = publish(world, decided, media=["new_media"], issue_number="", link="", document_number="")
    assert Publication.objects.get(step=step).media == ["new_media"]


def test_the_form_offers_the_media_as_checkboxes_with_the_explanation_prefilled(client, world, decided):
    form = transition_input("publish").form(decided)
    assert form.fields["media"].widget.input_type == "checkbox"
    log_in_in_english(client, world.gov)
    url = reverse("manage:transition", args=[decided.pk, "publish"])
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="media" value="gazette"' in page and "Gazette or newspaper issue" in page
    data = {
        "media": ["newspaper", "website"],
        "channels": "《示例日报》、市政府门户网站",
        "published_on": timezone.localdate().isoformat(),
        "issue_number": "第8812期",
        "link": LINK,
        "opinions_explanation": "已说明。",
    }
    response = client.post(url, {**data, "issue_number": ""})
    assert response.status_code == 400 and "Name the issue of the gazette or newspaper" in response.content.decode()
    assert status_of(decided) == State.DECIDED
    client.post(url, data)
    assert status_of(decided) == State.PUBLISHED
    assert Publication.objects.get(step__decision=decided).media == ["newspaper", "website"]


def test_the_api_takes_the_media_as_a_json_list(client, world, decided):
    log_in_in_english(client, world.gov)
    url = reverse("api:decision_transition", args=[decided.pk, "publish"])
    body = {
        "channels": "市政府门户网站",
        "published_on": timezone.localdate().isoformat(),
        "link": LINK,
        "opinions_explanation": "已说明。",
    }
    response = client.post(url, {**body, "media": []}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "publication.media" and response.json()["missing"] == ["media"]
    response = client.post(url, {**body, "media": ["website"], "link": ""}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "publication.link")
    response = client.post(url, {**body, "media": ["website", "new_media"]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Publication.objects.get(step__decision=decided).media == ["website", "new_media"]


# ---------------------------------------------------------------- the policy interpretation (政策解读)


def test_the_interpretation_is_added_once_decided_by_the_office_or_the_unit(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    kind = Document.Kind.INTERPRETATION
    with refused("document.interpretation_early", decision, says=("once the decision is decided", "Awaiting")):
        upload(decision, world.gov, kind, "政策解读", is_public=True)
    drive_to(decision, State.DECIDED, world.cast)
    with refused("document.interpretation_role", decision, says="government office or the undertaking unit"):
        upload(decision, world.legal_reviewer, kind, "政策解读", is_public=True)
    upload(decision, world.gov, kind, "《关于调整票价的决定》政策解读", is_public=True)
    upload_decision_text(decision, world.gov)
    publish(world, decision)
    # After publication the unit, too, may make its interpretation public (other documents: the office only).
    upload(decision, world.drafter, kind, "图解：票价调整", is_public=True)
    with refused("document.publication", decision, says="only the government office"):
        upload(decision, world.drafter, Document.Kind.OTHER, "其他材料", is_public=True)
    assert decision.documents.filter(kind=kind, is_public=True).count() == 2


# ---------------------------------------------------------------- the confidential path


def test_a_lawfully_confidential_decision_goes_to_execution_unpublished(client, world):
    reason = "涉及国家秘密，依法不予公开。"
    secret = make_decision(world, title="关于应急物资储备布局的决定", is_confidential=True, confidential_reason=reason)
    drive_to(secret, State.DECIDED, world.cast)
    with refused("rule5.confidential", secret, says=("Art. 32", "not published")):
        publish(world, secret)
    services.start_execution(decision=secret, actor=world.gov, execution_unit=world.transport)
    assert status_of(secret) == State.IN_EXECUTION
    assert not Publication.objects.filter(step__decision=secret).exists()
    assert published_versions(secret) == []
    log_in_in_english(client, world.gov)
    page = client.get(reverse("manage:decision", args=[secret.pk])).content.decode()
    assert "lawfully confidential" in page and reason in page
    visitor = Client()
    assert visitor.get(reverse("portal:decision", args=[secret.pk])).status_code == 404
    assert visitor.get(reverse("api:open_decision", args=[secret.pk])).status_code == 404


# ---------------------------------------------------------------- the portal and the open data


def _adjusted_and_republished(world, decision):
    """Published, executed, then changed by an adjustment that is published again: two versions."""
    publish(world, decision)
    services.start_execution(decision=decision, actor=world.gov, execution_unit=world.transport)
    services.start_adjustment(decision=decision, actor=world.gov, purpose="change", reason="延长换乘优惠时限。")
    drive_to(decision, State.DECIDED, world.cast)
    upload_decision_text(decision, world.gov, "{title}（修订）")
    publish(world, decision, issue_number="2027年第3期", document_number="示政发〔2027〕3号")


def test_the_portal_shows_the_publication_the_interpretation_and_the_versions(world, decided):
    upload(decided, world.gov, Document.Kind.INTERPRETATION, "票价调整政策解读", is_public=True)
    _adjusted_and_republished(world, decided)
    versions = published_versions(decided)
    assert [(v.number, v.adjustment and v.adjustment.number, v.change) for v in versions] == [
        (1, None, ""),
        (2, 1, "延长换乘优惠时限。"),
    ]
    assert [text.title for text in versions[1].texts] == [f"{decided.title}（修订）"]
    assert [text.title for text in versions[0].texts] == [decided.title]
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("portal:decision", args=[decided.pk])).content.decode()
    for shown in (
        "Government gazette, Government website",
        "示政发〔2027〕3号",
        "2027年第3期",
        LINK,
        "公众意见采纳情况已逐条说明。",
        "票价调整政策解读",
        "The decision's versions",
        "Version 2",
        "延长换乘优惠时限。",
        "2026年第12期",
    ):
        assert shown in page, shown


def test_the_open_data_detail_carries_the_publication_and_the_versions(world, decided):
    upload(decided, world.gov, Document.Kind.INTERPRETATION, "票价调整政策解读", is_public=True)
    _adjusted_and_republished(world, decided)
    body = Client().get(reverse("api:open_decision", args=[decided.pk])).json()
    today = timezone.localdate().isoformat()
    assert body["publication"] == {
        "media": ["gazette", "website"],
        "channels": "《示例市人民政府公报》、市政府门户网站",
        "published_on": today,
        "document_number": "示政发〔2027〕3号",
        "issue_number": "2027年第3期",
        "link": LINK,
        "opinions_explanation": "公众意见采纳情况已逐条说明。",
    }
    assert [(v["version"], v["adjustment"], v["change"]) for v in body["versions"]] == [
        (1, None, ""),
        (2, 1, "延长换乘优惠时限。"),
    ]
    assert body["versions"][0]["publication"]["issue_number"] == "2026年第12期"
    assert set(body["versions"][1]["texts"][0]) == {"title", "version", "url"}
    assert [row["title"] for row in body["interpretations"]] == ["票价调整政策解读"]
