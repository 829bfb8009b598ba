"""The progress kept on each decision (decisions/progress.py): every save of a step keeps it equal to what the steps
say, through the whole procedure (a step set aside, a returned review's next round, an adjustment's own steps)."""

from decisions.models import Decision, Step
from decisions.procedure import Requirement, State, StepKind, StepStatus
from decisions.progress import STEP_BITS, progress_of, refresh_progress
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough
from tests.factories import make_decision


def kept(decision: Decision) -> tuple[int, int]:
    return tuple(Decision.objects.values_list("steps_applicable", "steps_done_bits").get(pk=decision.pk))


def recounted(decision: Decision) -> tuple[int, int]:
    return progress_of(Step.objects.filter(decision=decision))


def test_the_kept_progress_follows_the_steps_through_the_procedure(world, decision):
    walkthrough = Walkthrough(world.cast)
    assert kept(decision) == recounted(decision)
    applicable_at_start, done_at_start = kept(decision)
    assert applicable_at_start > 0 and done_at_start == 0

    walkthrough.enter_in_catalog(decision)
    walkthrough.step_forward(decision)  # drafting
    walkthrough.propose_not_applicable(decision, StepKind.EXPERT_REVIEW, "不涉及专业技术问题。")
    if current_steps(decision)[StepKind.EXPERT_REVIEW].awaits_not_applicable_confirmation:
        walkthrough.confirm_not_applicable(decision, StepKind.EXPERT_REVIEW)
    assert current_steps(decision)[StepKind.EXPERT_REVIEW].requirement == Requirement.NOT_APPLICABLE
    assert kept(decision) == recounted(decision)
    assert kept(decision)[0] == applicable_at_start - 1  # a step set aside does not count

    walkthrough.drive_to(decision, State.LEGALITY_REVIEW)
    done_before_review = kept(decision)[1]
    assert done_before_review & STEP_BITS[StepKind.PUBLIC_PARTICIPATION]
    walkthrough.give_opinion(decision, "unlawful", opinion_text="第三条与上位法不一致，修改后再报。")
    assert kept(decision) == recounted(decision)

    walkthrough.drive_to(decision, State.IN_EXECUTION)
    applicable, done = kept(decision)
    assert (applicable, done) == recounted(decision)
    assert done & STEP_BITS[StepKind.LEGALITY_REVIEW] and done & STEP_BITS[StepKind.PUBLICATION]
    assert not done & STEP_BITS[StepKind.EXECUTION]  # open while the decision is carried out
    assert Step.objects.filter(decision=decision, kind=StepKind.LEGALITY_REVIEW).count() > 1  # counted once

    walkthrough.start_adjustment(decision, "change", "评估建议调整票价。")
    decision.refresh_from_db()
    assert decision.adjustment_round == 1
    assert kept(decision) == (applicable, done)  # the adjustment's steps are a procedure of their own


def test_a_redone_step_is_no_longer_done(world, decision):
    from decisions import services

    walkthrough = Walkthrough(world.cast)
    walkthrough.drive_to(decision, State.DRAFTING)
    walkthrough.work_on_step(decision, StepKind.EXPERT_REVIEW)
    assert kept(decision)[1] & STEP_BITS[StepKind.EXPERT_REVIEW]
    expert = current_steps(decision)[StepKind.EXPERT_REVIEW]
    services.reopen_step(step=expert, actor=world.drafter, reason="修改草案后重新论证")
    assert current_steps(decision)[StepKind.EXPERT_REVIEW].status != StepStatus.DONE
    assert not kept(decision)[1] & STEP_BITS[StepKind.EXPERT_REVIEW]
    assert kept(decision) == recounted(decision)


def test_recomputing_every_decision_gives_what_was_kept(world, decision):
    """The statement the migration and the benchmark run over every decision agrees with the steps' saves."""
    moved_on = Walkthrough(world.cast).drive_to(make_decision(world, title="关于实施老旧小区改造的决定"), State.DECIDED)
    before = {d.pk: kept(d) for d in (decision, moved_on)}
    assert before[moved_on.pk][1] != 0
    Decision._base_manager.update(steps_applicable=0, steps_done_bits=0)
    refresh_progress()
    assert {d.pk: kept(d) for d in (decision, moved_on)} == before


def test_saving_a_decision_read_earlier_leaves_the_progress_alone(world, decision):
    stale = Decision.objects.get(pk=decision.pk)
    Walkthrough(world.cast).drive_to(decision, State.DRAFTING)
    Walkthrough(world.cast).work_on_step(decision, StepKind.PUBLIC_PARTICIPATION)
    progressed = kept(decision)
    assert progressed[1] & STEP_BITS[StepKind.PUBLIC_PARTICIPATION]
    stale.title = "关于调整中心城区公共交通票价的决定（修订）"
    stale.save()
    assert kept(decision) == progressed
    assert Decision.objects.get(pk=decision.pk).title.endswith("（修订）")
