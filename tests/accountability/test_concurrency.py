"""Concurrent writers on PostgreSQL: row locks keep one approval, the advisory lock keeps one chain (no fork).

Each test commits for real (transaction=True): the threads, each on its own connection, see each other's work.
"""

import threading
from itertools import pairwise

import pytest
from django.db import connection

from accountability.ledger import record_event, verify_chain
from accountability.models import LedgerEvent
from accounts.models import Organization, User
from accounts.roles import Role
from decisions import services
from decisions.errors import ProcedureError
from decisions.models import Step
from decisions.procedure import State, StepKind, StepStatus
from demo.walkthrough import drive_to, submit_unit_step
from tests.factories import make_decision, make_user, make_world

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(*jobs, timeout: float = 30) -> list:
    """Start every job at the same moment (a barrier); return each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout)
            results[index] = job()
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=runner, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a concurrent writer hung"
    return results


def test_two_heads_approving_the_same_step_at_once_one_wins():
    world = make_world()
    second_head = make_user("head2", world.transport, Role.DEPT_HEAD, name="周副处长")
    decision = make_decision(world)
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, StepKind.PUBLIC_PARTICIPATION, world.drafter)

    def approve(head_pk):
        def job():
            head = User.objects.get(pk=head_pk)
            return services.approve_step(step=Step.objects.get(pk=step.pk), actor=head, comment="同意。")

        return job

    results = run_together(approve(world.head.pk), approve(second_head.pk))

    approved = [result for result in results if isinstance(result, Step)]
    refused = [result for result in results if isinstance(result, ProcedureError)]
    assert len(approved) == 1 and len(refused) == 1, results
    assert refused[0].code == "step.not_submitted"
    stored = Step.objects.get(pk=step.pk)
    assert stored.status == StepStatus.DONE
    assert stored.reviewed_by_id == approved[0].reviewed_by_id
    assert LedgerEvent.objects.filter(action="step.approved", object_id=str(step.pk)).count() == 1
    assert verify_chain().ok


def test_concurrent_appends_never_fork_the_chain():
    make_world()
    organization = Organization.objects.get(code="city")
    before = LedgerEvent.objects.count()
    per_thread = 20

    def appender(name):
        def job():
            for number in range(per_thread):
                record_event(actor=None, action=f"test.append.{name}", obj=organization, after={"n": number})
            return per_thread

        return job

    results = run_together(appender("a"), appender("b"))

    assert results == [per_thread, per_thread]
    events = list(LedgerEvent.objects.order_by("id"))
    assert len(events) == before + 2 * per_thread
    assert len({event.hash for event in events}) == len(events)
    assert len({event.prev_hash for event in events}) == len(events)  # no two events share a parent: no fork
    for previous, event in pairwise(events):
        assert event.prev_hash == previous.hash
    result = verify_chain()
    assert result.ok and result.verified == len(events)
    interleaved = [event.action for event in events[before:]]
    assert interleaved.count("test.append.a") == interleaved.count("test.append.b") == per_thread
