"""The audit ledger: one event per transition, chained by hash, append-only in the database, verifiable."""

import hashlib
from contextlib import contextmanager
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from accountability import context, triggers
from accountability.hashing import GENESIS_HASH, canonical_json, epoch_microseconds
from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from decisions import services
from decisions.procedure import TRANSITIONS, State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file, step_forward, submit_unit_step, upload_decision_text
from evaluation import services as evaluations
from review import services as legality
from tests.factories import enter_in_catalog, make_decision
from tests.refusals import snapshot, status_of

TABLE = "accountability_ledgerevent"


def last_event() -> LedgerEvent:
    return LedgerEvent.objects.order_by("-id").first()


# ---------------------------------------------------------------- one event per transition


def test_every_transition_writes_exactly_one_event_named_for_it(world, decision):
    seen: set[str] = set()

    @contextmanager
    def one_event(name):
        last_id = LedgerEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        yield
        actions = list(LedgerEvent.objects.filter(id__gt=last_id).values_list("action", flat=True))
        assert actions == [f"decision.{name}"], name
        seen.add(name)

    cast, gov = world.cast, world.gov
    enter_in_catalog(world, decision)  # the catalog's own acts, and the decision's one event
    assert LedgerEvent.objects.filter(decision_id=decision.pk, action__startswith="decision.").count() == 2
    assert LedgerEvent.objects.filter(decision_id=decision.pk).latest("id").action == "decision.catalog"
    seen.add("catalog")
    with one_event("start_drafting"):
        services.start_drafting(decision=decision, actor=world.drafter)
    drive_to(decision, State.LEGALITY_REVIEW, cast)  # steps done (their own events), then the request:
    assert last_event().action == "decision.request_legality_review"
    seen.add("request_legality_review")
    with one_event("give_legality_opinion"):
        legality.give_legality_opinion(
            decision=decision,
            actor=world.legal_reviewer,
            opinion="lawful_with_changes",
            opinion_text="基本合法。",
            required_changes="删除第五条。",
        )
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("revised.pdf", "第五条已删除"),
        kind="draft",
        title="修改稿",
    )
    with one_event("confirm_legality_changes"):
        legality.confirm_legality_changes(decision=decision, actor=world.legal_reviewer)
    with one_event("record_collective_decision"):
        step_forward(decision, cast)
    upload_decision_text(decision, gov)
    for name in ("publish", "start_execution"):
        with one_event(name):
            step_forward(decision, cast)
    with one_event("start_evaluation"):
        evaluations.start_evaluation(
            decision=decision,
            actor=gov,
            evaluator_org=world.evaluator_body,
            trigger="importance",
            staged=True,
            stage_reason="第一阶段（实施满半年）",
        )
    evaluation = current_steps(decision)[StepKind.POST_EVALUATION]
    services.add_document(
        decision=decision,
        actor=world.evaluator,
        uploaded_file=pdf_file("report.pdf"),
        kind="report",
        title="评估报告",
        step=evaluation,
    )
    evaluations.submit_evaluation_report(
        decision=decision,
        actor=world.evaluator,
        implementation="按计划实施。",
        effects="达到阶段目标。",
        costs_benefits="成本可控。",
        satisfaction="满意度较高。",
        problems="配套不足。",
        recommendations="继续执行。",
        conclusion="continue",
        summary="继续执行。",
    )
    with one_event("complete_evaluation"):
        evaluations.complete_evaluation(decision=decision, actor=gov, public_summary="继续执行。")
    with one_event("suspend"):  # opens the follow-up adjustment (Art. 37)
        services.suspend_decision(decision=decision, actor=gov, reason="紧急情况，暂停执行。")
    with one_event("abandon_adjustment"):
        services.abandon_adjustment(decision=decision, actor=gov, reason="情况变化，另行调整。")
    with one_event("start_adjustment"):
        services.start_adjustment(decision=decision, actor=gov, purpose="change", reason="根据评估调整。")
    other = make_decision(world, title="另一事项")
    with one_event("withdraw"):
        services.withdraw_decision(decision=other, actor=gov, reason="年度目录调整，不再列入。")
    with one_event("archive"):
        services.archive_decision(decision=other, actor=gov, reason="归档。")

    assert seen == set(TRANSITIONS)
    assert verify_chain().ok


def test_event_records_who_what_and_before_after(world, decision):
    token = context.client_address.set("10.20.30.40")
    try:
        enter_in_catalog(world, decision)
    finally:
        context.client_address.reset(token)
    event = LedgerEvent.objects.get(action="decision.catalog")
    assert (event.actor, event.actor_name, event.role, event.organization) == (
        world.gov,
        "周秘书",
        "gov_office",
        world.office,
    )
    assert (event.object_type, event.object_id, event.decision_id) == (
        "decisions.decision",
        str(decision.pk),
        decision.pk,
    )
    assert (event.before, event.after) == ({"status": "proposed"}, {"status": "cataloged"})
    assert event.client_address == "10.20.30.40"
    assert abs((timezone.now() - event.occurred_at).total_seconds()) < 60


def test_each_event_is_chained_to_the_one_before(world, decision):
    drive_to(decision, State.DECIDED, world.cast)
    events = list(LedgerEvent.objects.order_by("id"))
    assert events[0].prev_hash == GENESIS_HASH
    for previous, event in pairwise(events):
        assert event.prev_hash == previous.hash
    for event in events:
        digest = hashlib.sha256((event.prev_hash + canonical_json(event.canonical_payload())).encode())
        assert event.algorithm == "sha256" and event.hash == digest.hexdigest()
    assert len({event.hash for event in events}) == len(events)


def test_hashed_time_is_utc_epoch_microseconds_whatever_the_time_zone(world, decision):
    enter_in_catalog(world, decision)
    event = last_event()
    payload_shanghai = event.canonical_payload()
    with timezone.override("America/New_York"):
        assert LedgerEvent.objects.get(pk=event.pk).canonical_payload() == payload_shanghai
        assert verify_chain().ok
    assert payload_shanghai["occurred_at_us"] == epoch_microseconds(event.occurred_at)


# ---------------------------------------------------------------- the database refuses changes


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET reason = 'tampered' WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
    ],
)
def test_database_refuses_raw_update_and_delete(world, statement):
    event = last_event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    stored = LedgerEvent.objects.get(pk=event.pk)
    assert (stored.reason, stored.hash) == (event.reason, event.hash)
    assert verify_chain().ok


def test_database_refuses_orm_save_and_delete_of_an_event(world):
    event = last_event()
    event.reason = "tampered"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEvent.objects.filter(pk=event.pk).delete()
    assert LedgerEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.postgres_only
def test_database_refuses_truncate(world):
    count = LedgerEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
    assert LedgerEvent.objects.count() == count


# ---------------------------------------------------------------- verify_ledger


def test_verify_ledger_reports_an_intact_chain(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    out = StringIO()
    with translation.override("en"):
        call_command("verify_ledger", stdout=out)
    assert f"Ledger intact: {LedgerEvent.objects.count()} events verified; no seals were checked" in out.getvalue()


def test_verify_ledger_finds_an_edited_event(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    target = LedgerEvent.objects.get(action="decision.catalog")
    triggers.drop(connection)  # what a database superuser could do
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["事后补写的理由", target.pk])
        with translation.override("en"), pytest.raises(CommandError) as caught:
            call_command("verify_ledger")
    finally:
        triggers.install(connection)
    assert caught.value.returncode == 1
    assert f"#{target.pk}" in str(caught.value)
    assert "altered" in str(caught.value)
    result = verify_chain()
    assert (result.ok, result.broken_at) == (False, target.pk)
    assert result.verified == LedgerEvent.objects.filter(id__lt=target.pk).count()


def test_verify_ledger_finds_a_removed_event(world, decision):
    enter_in_catalog(world, decision)
    services.start_drafting(decision=decision, actor=world.drafter)
    removed = LedgerEvent.objects.get(action="decision.catalog")
    following = LedgerEvent.objects.filter(id__gt=removed.pk).order_by("id").first()
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [removed.pk])
    finally:
        triggers.install(connection)
    with translation.override("en"):
        result = verify_chain()
    assert (result.ok, result.broken_at) == (False, following.pk)
    assert "previous hash" in result.problem


# ---------------------------------------------------------------- SM3 and failures


def test_sm3_is_available_here():
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_sm3_events_are_recorded_with_their_algorithm_and_the_chain_verifies(world, decision, settings):
    settings.LEDGER_HASH_ALGORITHM = "sm3"
    first_sm3 = LedgerEvent.objects.count()
    enter_in_catalog(world, decision)
    services.start_drafting(decision=decision, actor=world.drafter)
    events = list(LedgerEvent.objects.order_by("id"))
    assert {event.algorithm for event in events[:first_sm3]} == {"sha256"}
    assert {event.algorithm for event in events[first_sm3:]} == {"sm3"}
    for event in events[first_sm3:]:
        digest = hashlib.new("sm3")
        digest.update(event.prev_hash.encode("ascii"))
        digest.update(canonical_json(event.canonical_payload()).encode("utf-8"))
        assert event.hash == digest.hexdigest()
    result = verify_chain()
    assert result.ok and result.verified == len(events)
    out = StringIO()
    with translation.override("en"):
        call_command("verify_ledger", stdout=out)
    assert f"{len(events)} events verified" in out.getvalue()


def test_failure_writing_the_event_rolls_back_the_business_change(world, decision, settings):
    enter_in_catalog(world, decision)
    before = snapshot(decision)
    settings.LEDGER_HASH_ALGORITHM = "md5"
    with pytest.raises(ValueError, match="LEDGER_HASH_ALGORITHM"):
        services.start_drafting(decision=decision, actor=world.drafter)
    assert snapshot(decision) == before  # status, every step (none opened) and the ledger unchanged
    assert status_of(decision) == State.CATALOGED


def test_each_event_records_the_role_the_actor_acted_in(world, decision):
    from accounts.roles import Role
    from accounts.services import assign_role
    from decisions.procedure import State, StepKind
    from demo.walkthrough import drive_to

    both = world.head
    assign_role(user=both, role=Role.DRAFTER, actor=None)  # a head who also drafts (not their own approvals)
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, StepKind.PARTY_REPORT, world.drafter)
    services.approve_step(step=step, actor=both, comment="同意")
    assert LedgerEvent.objects.get(action="step.submitted", object_id=str(step.pk)).role == "drafter"
    assert LedgerEvent.objects.get(action="step.approved", object_id=str(step.pk)).role == "dept_head"
    assert LedgerEvent.objects.get(action="decision.catalog").role == "gov_office"
