"""An executive meeting with an agenda of several decisions (Art. 30): recorded by the government office, each item's
materials shown complete or naming what is missing, each item's discussion recorded through the decision's own rules
(the head last, the quorum, a reason for departing from the majority, dissent kept), and printable minutes."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import AgendaItem, Decision, MeetingSession
from decisions.procedure import State
from decisions.selectors import materials_pack
from demo.walkthrough import drive_to
from tests.factories import log_in_in_english, make_decision
from tests.refusals import refused

pytestmark = pytest.mark.django_db

MEMBERS = ["张副市长", "李副市长", "王秘书长", "赵局长"]


def plan(world, **overrides) -> MeetingSession:
    values = {
        "organ": world.city,
        "actor": world.gov,
        "kind": MeetingSession.Kind.EXECUTIVE,
        "name": "市人民政府第12次常务会议",
        "held_on": timezone.localdate(),
        "members_total": 5,
        "head_name": "陈市长",
        "attendance": "\n".join([*MEMBERS, "陈市长"]),
        "absent": "周副市长（出差）",
        "observers": "市司法局 林海燕（列席）\n市民代表 王某（旁听）",
    } | overrides
    return services.plan_meeting(**values)


def awaiting(world, title="关于调整中心城区公共交通票价的决定") -> Decision:
    return drive_to(make_decision(world, title=title), State.AWAITING_DISCUSSION, world.cast)


def views(*pairs):
    return [{"name": name, "view": view, "remarks": ""} for name, view in pairs]


def test_only_the_government_office_records_a_meeting(world):
    with refused("permission.role", None, says="government office"):
        plan(world, actor=world.drafter)
    with refused("meeting.attendance", None, says="members present"):
        plan(world, attendance="")
    with refused("meeting.members_total", None, says="at least the 5"):
        plan(world, members_total=3)
    session = plan(world)
    assert session.present_names == [*MEMBERS, "陈市长"]
    assert LedgerEvent.objects.filter(action="meeting_session.planned").count() == 1


def test_only_decisions_awaiting_discussion_go_on_the_agenda(world):
    session = plan(world)
    drafting = make_decision(world, title="起草中的决定")
    with refused("meeting.agenda_state", drafting, says="Art. 30"):
        services.add_agenda_item(session=session, actor=world.gov, decision=drafting)
    first, second = awaiting(world), awaiting(world, title="关于推行垃圾分类的决定")
    services.add_agenda_item(session=session, actor=world.gov, decision=first)
    services.add_agenda_item(session=session, actor=world.gov, decision=second)
    assert list(session.agenda.values_list("order", "decision_id")) == [(1, first.pk), (2, second.pk)]
    with refused("meeting.agenda_twice", first, says="already on the agenda"):
        services.add_agenda_item(session=session, actor=world.gov, decision=first)


def test_each_item_is_recorded_by_the_decisions_own_rules_and_dissent_is_kept(world):
    session = plan(world)
    first, second = awaiting(world), awaiting(world, title="关于推行垃圾分类的决定")
    item_one = services.add_agenda_item(session=session, actor=world.gov, decision=first)
    item_two = services.add_agenda_item(session=session, actor=world.gov, decision=second)
    # A speaker not on the attendance list; the head's departure from the majority without a reason.
    with refused("meeting.not_present", first, says="not on the attendance list"):
        services.record_agenda_item(
            item=item_one, actor=world.gov, members=views(("钱某", "agree")), head_statement="同意", outcome="adopted"
        )
    against = views(("张副市长", "disagree"), ("李副市长", "disagree"), ("王秘书长", "agree"))
    with refused("meeting.departure_reason", first, says="state the reason"):
        services.record_agenda_item(
            item=item_one, actor=world.gov, members=against, head_statement="同意", outcome="adopted"
        )
    services.record_agenda_item(
        item=item_one,
        actor=world.gov,
        members=against,
        head_statement="原则同意，按意见修改后印发。",
        outcome="adopted",
        head_departure_reason="票价调整已经听证，反对意见主要涉及实施时间，可在实施中调整。",
    )
    first.refresh_from_db()
    record = AgendaItem.objects.get(pk=item_one.pk).record
    assert first.status == State.DECIDED and record.name == session.name and record.held_on == session.held_on
    assert record.dissenters == ["张副市长", "李副市长"] and record.members_total == 5
    services.record_agenda_item(
        item=item_two,
        actor=world.gov,
        members=views(("张副市长", "abstain"), ("李副市长", "agree")),
        head_statement="暂缓，补充论证后再议。",
        outcome="deferred",
    )
    second.refresh_from_db()
    assert second.status == State.DRAFTING
    with refused("meeting.item_recorded", second, says="already recorded"):
        services.record_agenda_item(
            item=item_two,
            actor=world.gov,
            members=views(("张副市长", "agree")),
            head_statement="同意",
            outcome="adopted",
        )


def test_the_quorum_is_the_decisions_rule(world):
    session = plan(world, members_total=20)
    item = services.add_agenda_item(session=session, actor=world.gov, decision=awaiting(world))
    with refused("rule4.quorum", item.decision, says="more than"):
        services.record_agenda_item(
            item=item, actor=world.gov, members=views(("张副市长", "agree")), head_statement="同意", outcome="adopted"
        )


def test_the_materials_pack_names_what_is_missing(world):
    with translation.override("en"):
        ready = {row["label"]: row for row in materials_pack(awaiting(world))}
        early = {row["label"]: row for row in materials_pack(make_decision(world, title="刚提出的决定"))}
    assert ready["Draft"]["ok"] and ready["Legality review"]["ok"] and ready["Draft"]["documents"]
    assert not early["Draft"]["ok"] and early["Draft"]["detail"] == "missing"
    assert not early["Legality review"]["ok"] and early["Legality review"]["detail"] == "missing"


def test_the_meeting_pages_and_the_minutes(client, world, django_assert_max_num_queries):
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
    office = log_in_in_english(client, world.gov)
    with django_assert_max_num_queries(80):
        page = office.get(reverse("manage:meeting", args=[session.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "Record the discussion" in body and "市司法局 林海燕（列席）" in body
    minutes = office.get(reverse("manage:meeting_minutes", args=[session.pk])).content.decode()
    assert "李副市长" in minutes and "Dissent kept in the record" in minutes and "周副市长（出差）" in minutes
    # A refused record form is shown again (400) and stores nothing.
    url = reverse("manage:meeting_item_record", args=[items[1].pk])
    refused_post = office.post(
        url,
        {
            f"item{items[1].pk}-head_statement": "同意。",
            f"item{items[1].pk}-outcome": "adopted",
            f"item{items[1].pk}-members-TOTAL_FORMS": "1",
            f"item{items[1].pk}-members-INITIAL_FORMS": "0",
            f"item{items[1].pk}-members-0-name": "陌生人",
            f"item{items[1].pk}-members-0-view": "agree",
        },
    )
    assert refused_post.status_code == 400 and "not on the attendance list" in refused_post.content.decode()
    assert AgendaItem.objects.get(pk=items[1].pk).record is None
    # The unit's drafter reads no meeting.
    assert log_in_in_english(client, world.drafter).get(reverse("manage:meetings")).status_code == 404
