"""Executive meetings on the API (/api/v1/meetings/…): the organ-wide roles of the organ read its meetings (anyone
else finds nothing), the government office plans them, puts decisions awaiting discussion on the agenda and records
each item's discussion through the same forms and services as the staff pages; refusals answer with their code and
status and change nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from accounts.models import Organization
from accounts.roles import Role
from decisions import services
from decisions.models import AgendaItem, Decision, MeetingSession
from decisions.procedure import State
from tests.factories import log_in_in_english, make_decision, make_org, make_user

from .test_meeting_sessions import MEMBERS, awaiting, plan, views

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(user) -> Client:
    return log_in_in_english(Client(), user)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def meeting_input(**overrides) -> dict:
    return {
        "kind": "executive",
        "name": "市人民政府第13次常务会议",
        "held_on": timezone.localdate().isoformat(),
        "members_total": 5,
        "head_name": "陈市长",
        "attendance": "\n".join([*MEMBERS, "陈市长"]),
        "absent": "周副市长（出差）",
        "observers": "市司法局 林海燕（列席）",
    } | overrides


def record_input(**overrides) -> dict:
    return {
        "members": views(("张副市长", "disagree"), ("李副市长", "agree"), ("王秘书长", "agree")),
        "head_statement": "同意，按程序印发。",
        "outcome": "adopted",
    } | overrides


def other_organs_meeting(world) -> MeetingSession:
    office = make_org("other-office", "邻市政府办公室", Organization.Kind.GOVERNMENT_OFFICE, world.other_city)
    other_gov = make_user("other_gov", office, Role.GOV_OFFICE, name="邻市秘书")
    return plan(world, organ=world.other_city, actor=other_gov, name="邻市第1次常务会议")


def test_the_organs_meetings_are_read_by_its_organ_wide_roles_only(world):
    older = plan(world, name="第10次常务会议", held_on=timezone.localdate() - timedelta(days=30))
    newest = plan(world, name="第12次常务会议")
    between = plan(world, name="第11次常务会议", held_on=timezone.localdate() - timedelta(days=7))
    foreign = other_organs_meeting(world)
    listed = api(world.legal_reviewer).get(reverse("api:meetings"))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [newest.pk, between.pk, older.pk]
    assert api(world.supervisor).get(reverse("api:meeting", args=[newest.pk])).status_code == 200
    # Another organ's meeting, a unit's drafter or head, or no login: nothing to read.
    assert api(world.gov).get(reverse("api:meeting", args=[foreign.pk])).status_code == 404
    for user in (world.drafter, world.head):
        assert api(user).get(reverse("api:meetings")).status_code == 404
        assert api(user).get(reverse("api:meeting", args=[newest.pk])).status_code == 404
    anonymous = Client().get(reverse("api:meeting", args=[newest.pk]))
    assert anonymous.status_code == 403 and anonymous.json()["code"] == "permission.login"


def test_only_the_government_office_plans_a_meeting(world):
    url = reverse("api:meetings")
    refused = post(api(world.legal_reviewer), url, meeting_input())
    assert refused.status_code == 403 and refused.json()["code"] == "permission.role"
    assert "government office" in refused.json()["message"]
    assert post(api(world.drafter), url, meeting_input()).status_code == 404
    assert not MeetingSession.objects.exists()
    planned = post(api(world.gov), url, meeting_input())
    assert planned.status_code == 201, planned.content
    body = planned.json()
    session = MeetingSession.objects.get()
    assert (body["id"], body["kind"], body["members_total"], body["agenda"]) == (session.pk, "executive", 5, [])
    assert body["present_names"] == [*MEMBERS, "陈市长"] and body["observers"] == "市司法局 林海燕（列席）"
    assert session.organ == world.city and LedgerEvent.objects.filter(action="meeting_session.planned").count() == 1


def test_a_meeting_with_bad_input_is_refused_with_its_fields_and_nothing_is_planned(world):
    url = reverse("api:meetings")
    bad = post(api(world.gov), url, meeting_input(kind="secret", held_on="soon", members_total=0, attendance=""))
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "input.invalid"
    assert set(body["missing"]) == {"kind", "held_on", "members_total", "attendance"}
    assert set(body["errors"]) == {"kind", "held_on", "members_total", "attendance"}
    # A value only the service judges: fewer members than are listed as present.
    few = post(api(world.gov), url, meeting_input(members_total=3))
    assert few.status_code == 400
    assert (few.json()["code"], few.json()["missing"]) == ("meeting.members_total", ["members_total"])
    assert "at least the 5" in few.json()["message"]
    # Not an object, or a list for a single value.
    assert post(api(world.gov), url, ["市人民政府"]).status_code == 400
    assert post(api(world.gov), url, meeting_input(name=["a", "b"])).json()["missing"] == ["name"]
    assert not MeetingSession.objects.exists()
    assert not LedgerEvent.objects.filter(action="meeting_session.planned").exists()


def test_only_a_decision_awaiting_discussion_goes_on_the_agenda(world):
    session = plan(world)
    url = reverse("api:meeting_agenda", args=[session.pk])
    drafting = make_decision(world, title="起草中的决定")
    refused = post(api(world.gov), url, {"decision": drafting.pk})
    assert refused.status_code == 409
    assert refused.json()["code"] == "meeting.agenda_state" and "Art. 30" in refused.json()["message"]
    foreign = make_decision(world, drafter=world.outsider, title="邻市决定")
    unknown = post(api(world.gov), url, {"decision": foreign.pk})
    assert unknown.status_code == 400
    assert (unknown.json()["code"], unknown.json()["missing"]) == ("meeting.agenda_decision", ["decision"])
    assert unknown.json()["message"] == "Choose a decision awaiting discussion."
    assert post(api(world.gov), url, {}).json()["code"] == "input.invalid"
    ready = awaiting(world)
    assert post(api(world.legal_reviewer), url, {"decision": ready.pk}).status_code == 403
    assert not AgendaItem.objects.exists()
    added = post(api(world.gov), url, {"decision": ready.pk})
    assert added.status_code == 201, added.content
    item = added.json()
    assert (item["order"], item["decision"], item["decision_number"], item["record"]) == (
        1,
        ready.pk,
        ready.number,
        None,
    )
    materials = {row["label"]: row for row in item["materials"]}
    assert materials["Draft"]["ok"] and materials["Draft"]["documents"][0]["id"]
    assert materials["Legality review"]["ok"]
    twice = post(api(world.gov), url, {"decision": ready.pk})
    assert twice.status_code == 409 and twice.json()["code"] == "meeting.agenda_twice"
    assert "already on the agenda" in twice.json()["message"]


def test_an_item_is_recorded_with_its_dissent_and_the_meeting_shows_it(world):
    session = plan(world)
    decision = awaiting(world)
    services.add_agenda_item(session=session, actor=world.gov, decision=decision)
    url = reverse("api:meeting_item_record", args=[session.pk, 1])
    assert post(api(world.legal_reviewer), url, record_input()).status_code == 403
    assert (
        post(api(world.gov), reverse("api:meeting_item_record", args=[session.pk, 2]), record_input()).status_code
        == 404
    )
    recorded = post(api(world.gov), url, record_input())
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["record"]["outcome"] == "adopted"
    decision.refresh_from_db()
    assert decision.status == State.DECIDED
    detail = api(world.legal_reviewer).get(reverse("api:meeting", args=[session.pk])).json()
    (item,) = detail["agenda"]
    record = item["record"]
    assert record["dissenters"] == ["张副市长"] and record["majority"] == "adopted"
    assert [(member["order"], member["name"], member["view"]) for member in record["members"]] == [
        (1, "张副市长", "disagree"),
        (2, "李副市长", "agree"),
        (3, "王秘书长", "agree"),
    ]
    again = post(api(world.gov), url, record_input())
    assert again.status_code == 409 and again.json()["code"] == "meeting.item_recorded"
    assert "already recorded" in again.json()["message"]


def test_a_refused_record_changes_nothing(world):
    session = plan(world)
    decision = awaiting(world)
    services.add_agenda_item(session=session, actor=world.gov, decision=decision)
    url = reverse("api:meeting_item_record", args=[session.pk, 1])
    events = LedgerEvent.objects.count()
    # Adopted with changes, and no changes named.
    unchanged = post(api(world.gov), url, record_input(outcome="adopted_with_changes", required_changes="  "))
    assert unchanged.status_code == 400
    assert (unchanged.json()["code"], unchanged.json()["missing"]) == ("meeting.required_changes", ["required_changes"])
    assert "changes" in unchanged.json()["message"]
    # A speaker not on the attendance list; members not a list; a member's view that is no view; no members.
    stranger = post(api(world.gov), url, record_input(members=views(("钱某", "agree"))))
    assert stranger.status_code == 400 and stranger.json()["code"] == "meeting.not_present"
    assert "not on the attendance list" in stranger.json()["message"]
    for members in ("张副市长", [{"name": "张副市长", "view": "maybe"}], []):
        bad = post(api(world.gov), url, record_input(members=members))
        assert bad.status_code == 400 and bad.json()["code"] == "input.invalid"
        assert bad.json()["missing"] == ["members"]
    assert post(api(world.gov), url, record_input(outcome="approved")).json()["missing"] == ["outcome"]
    assert Decision.objects.get(pk=decision.pk).status == State.AWAITING_DISCUSSION
    assert AgendaItem.objects.get().record is None and LedgerEvent.objects.count() == events
    # With the changes named, the decision is adopted with them.
    changed = post(api(world.gov), url, record_input(outcome="adopted_with_changes", required_changes="删去第三条。"))
    assert changed.status_code == 200, changed.content
    assert changed.json()["record"]["required_changes"] == "删去第三条。"


def test_a_meeting_of_three_items_is_read_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    session = plan(world)
    decisions = [awaiting(world, title=f"关于第{number}项事项的决定") for number in range(3)]
    items = [services.add_agenda_item(session=session, actor=world.gov, decision=d) for d in decisions]
    services.record_agenda_item(
        item=items[0],
        actor=world.gov,
        members=views(("张副市长", "agree"), ("李副市长", "disagree")),
        head_statement="同意。",
        outcome="adopted",
    )
    client = api(world.gov)
    # About 8 for the login and the meeting with its agenda, records and views; about 7 per item for its materials
    # (selectors.materials_pack: documents, steps, the reviews' records) — never a query per member or per record.
    with django_assert_max_num_queries(36):
        answer = client.get(reverse("api:meeting", args=[session.pk]))
    assert answer.status_code == 200
    agenda = answer.json()["agenda"]
    assert [item["decision"] for item in agenda] == [d.pk for d in decisions]
    assert agenda[0]["record"]["dissenters"] == ["李副市长"] and agenda[1]["record"] is None
