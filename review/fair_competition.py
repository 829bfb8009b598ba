"""The fair-competition review of a draft touching market entities (公平竞争审查, Decree 713 Art. 29).

* The unit answers each question of the national checklist (review/checklist.py): "yes" when the draft contains the
  restriction, "no" when it does not, "not relevant", with an optional note. Answers may be saved group by group.
* A "yes" is settled either by changing the draft (the answer becomes "no" once it is changed) or by keeping the
  restriction under one of the exceptions of the review rules, with its term (`set_restriction`).
* The conclusion is generated from the answers (`generated_conclusion`) and may be edited.

Before the step is submitted every question is answered and every restriction is settled (`submission_refusal`,
registered in review/steps.py): the checklist is required whenever the review is done, by the workspace or not. Once
answers are recorded the step's form asks nothing: the conclusion is kept here.

Each act is one transaction and one ledger event (question codes and answers, never the notes' text). Refusals raise
`FairCompetitionError` (a `ProcedureError`; `status` is the HTTP status the API answers) and change nothing.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User
from decisions import services as decision_services
from decisions.errors import ProcedureError
from decisions.models import Step
from decisions.permissions import Action, acting_role
from decisions.procedure import StepKind
from decisions.services.base import awaits_taking_up, lock_step, open_step, optional_text, save_record

from .checklist import EXCEPTION_CODES, GROUPS, QUESTIONS, exception_label
from .models import FairCompetitionAnswer, FairCompetitionReview

NOTE_MAX = 2_000
CONCLUSION_MAX = 10_000
TERM_MAX = 200
Answer = FairCompetitionAnswer.Answer


class FairCompetitionError(ProcedureError):
    """A refused act of the fair-competition review; `status` is the HTTP status the API answers."""

    def __init__(self, code, message, *, status: int = 400, fields=()):
        super().__init__(code, message, fields=fields)
        self.status = status


# ---------------------------------------------------------------- reading the answers


def answers_of(review: FairCompetitionReview | None) -> dict[str, FairCompetitionAnswer]:
    if review is None or review.pk is None:
        return {}
    return {answer.question: answer for answer in review.answers.all()}


def unanswered_groups(answers: dict) -> list:
    return [group for group in GROUPS if any(q.code not in answers for q in group.questions)]


def restrictions(answers: dict) -> list[str]:
    """The codes of the questions answered "yes" (a restriction of competition in the draft), in checklist order."""
    return [code for code in QUESTIONS if code in answers and answers[code].answer == Answer.YES]


def restriction_refusal(review: FairCompetitionReview, answers: dict) -> ProcedureError | None:
    found = restrictions(answers)
    if not found:
        return None
    if not review.restriction_kept or review.exception not in EXCEPTION_CODES or not review.exception_term:
        return FairCompetitionError(
            "fair_competition.restriction",
            _(
                "Decree 713 Art. 29: the draft restricts competition (%(codes)s): change the draft, or keep the "
                "restriction under an exception of the review rules with its term."
            )
            % {"codes": "、".join(found)},
            fields=("exception", "exception_term"),
        )
    return None


def submission_refusal(review: FairCompetitionReview) -> ProcedureError | None:
    """Art. 29: every question of the checklist answered, every restriction settled."""
    answers = answers_of(review)
    missing = unanswered_groups(answers)
    if missing:
        return FairCompetitionError(
            "fair_competition.unanswered",
            _("Decree 713 Art. 29: answer every question of the fair-competition checklist; unanswered: %(groups)s.")
            % {"groups": "、".join(str(group.title) for group in missing)},
        )
    if not (review.conclusion or "").strip():
        return FairCompetitionError(
            "fair_competition.no_conclusion",
            _("Decree 713 Art. 29: write the review's conclusion (the page proposes one from the answers)."),
            fields=("conclusion",),
        )
    return restriction_refusal(review, answers)


def generated_conclusion(review: FairCompetitionReview | None) -> str:
    """The conclusion the answers give (the unit may edit it)."""
    answers = answers_of(review)
    if unanswered_groups(answers):
        return ""
    found = restrictions(answers)
    if not found:
        return _(
            "Reviewed against each of the %(count)s fair-competition review standards: the draft contains nothing "
            "that excludes or restricts competition; it may be issued."
        ) % {"count": len(QUESTIONS)}
    items = "；".join(f"{code} {QUESTIONS[code].text_zh}" for code in found)
    if review.restriction_kept and review.exception in EXCEPTION_CODES:
        return _(
            "Reviewed against each of the %(count)s fair-competition review standards: the draft restricts "
            "competition (%(items)s). The restriction is kept under the exception “%(exception)s” for %(term)s: it "
            "is indispensable to that aim and does not seriously exclude competition."
        ) % {
            "count": len(QUESTIONS),
            "items": items,
            "exception": exception_label(review.exception),
            "term": review.exception_term,
        }
    return _(
        "Reviewed against each of the %(count)s fair-competition review standards: the draft restricts competition "
        "(%(items)s); it may not be issued until changed."
    ) % {"count": len(QUESTIONS), "items": items}


# ---------------------------------------------------------------- helpers


def _event(actor, step: Step, *, action: str, **kwargs):
    return record_event(
        actor=actor,
        action=action,
        obj=step,
        decision_id=step.decision_id,
        role=acting_role(actor, Action.WORK_ON_STEP, step.decision) or None,
        **kwargs,
    )


def _lock_unit_step(step: Step, actor: User):
    decision, step = lock_step(step)
    if step.kind != StepKind.FAIR_COMPETITION_REVIEW:
        raise FairCompetitionError(
            "fair_competition.wrong_step",
            _("Only a fair-competition review step has the checklist (Decree 713 Art. 29)."),
        )
    refusal = decision_services.step_action_refusals(step, actor)["edit"]
    if refusal is not None:
        raise FairCompetitionError(
            refusal.code, refusal.message, status=403 if refusal.code.startswith("permission.") else 409
        )
    if awaits_taking_up(decision, step):
        open_step(step, actor)
    review = FairCompetitionReview.objects.select_for_update().filter(step=step).first()
    if review is None:
        review = FairCompetitionReview(step=step, conclusion="")
    return step, review


def _clean_answers(answers) -> dict[str, tuple[str, str]]:
    """`{code: {"answer": "no", "note": ""}}` (or `{code: "no"}`) checked against the checklist."""
    if not isinstance(answers, dict) or not answers:
        raise FairCompetitionError(
            "fair_competition.no_answers",
            _("Decree 713 Art. 29: answer the questions of the checklist."),
            fields=("answers",),
        )
    cleaned = {}
    for code, value in answers.items():
        if code not in QUESTIONS:
            raise FairCompetitionError(
                "fair_competition.unknown_question",
                _("“%(code)s” is not a question of the fair-competition checklist.") % {"code": str(code)[:40]},
                fields=("answers",),
            )
        answer, note = (value.get("answer"), value.get("note", "")) if isinstance(value, dict) else (value, "")
        if answer not in Answer.values:
            raise FairCompetitionError(
                "fair_competition.answer",
                _("Answer question %(code)s with no, yes or not relevant.") % {"code": code},
                fields=(code,),
            )
        note = optional_text(note if isinstance(note, str) else "", (code,))
        if len(note) > NOTE_MAX:
            raise FairCompetitionError(
                "fair_competition.too_long", _("At most %(limit)s characters.") % {"limit": NOTE_MAX}, fields=(code,)
            )
        cleaned[code] = (answer, note)
    return cleaned


# ---------------------------------------------------------------- acts


@transaction.atomic
def answer_questions(*, step: Step, actor: User, answers) -> FairCompetitionReview:
    """Record answers to questions of the checklist (some or all; a later answer replaces an earlier one). A
    restriction answered "no" again once the draft was changed no longer needs an exception."""
    step, review = _lock_unit_step(step, actor)
    cleaned = _clean_answers(answers)
    if review.pk is None:
        save_record(review, actor)
    existing = answers_of(review)
    before, after = {}, {}
    for code, (answer, note) in cleaned.items():
        current = existing.get(code)
        if current is None:
            FairCompetitionAnswer.objects.create(review=review, question=code, answer=answer, note=note)
        elif (current.answer, current.note) != (answer, note):
            before[code] = current.answer
            current.answer, current.note = answer, note
            current.save(update_fields=["answer", "note"])
        else:
            continue
        after[code] = answer
    if review.restriction_kept and not restrictions(answers_of(review)):
        # Nothing restricts competition any more (the draft was changed): no exception is relied on.
        review.restriction_kept, review.exception, review.exception_term = False, "", ""
        save_record(review, actor)
        after["restriction_kept"] = False
    _event(actor, step, action="fair_competition.answered", before=before, after=after)
    return review


@transaction.atomic
def set_restriction(
    *, step: Step, actor: User, restriction_kept: bool, exception: str = "", exception_term: str = ""
) -> FairCompetitionReview:
    """Keep the restrictions answered "yes" under an exception of the review rules, for a term; or not (the draft
    is to be changed instead)."""
    step, review = _lock_unit_step(step, actor)
    exception_term = optional_text(exception_term if isinstance(exception_term, str) else "", ("exception_term",))
    if restriction_kept:
        if not restrictions(answers_of(review)):
            raise FairCompetitionError(
                "fair_competition.nothing_restricted",
                _("Decree 713 Art. 29: no answer says the draft restricts competition; there is nothing to keep."),
                fields=("restriction_kept",),
            )
        if exception not in EXCEPTION_CODES:
            raise FairCompetitionError(
                "fair_competition.exception",
                _("Decree 713 Art. 29: a restriction is kept only under an exception of the review rules: choose it."),
                fields=("exception",),
            )
        if not exception_term or len(exception_term) > TERM_MAX:
            raise FairCompetitionError(
                "fair_competition.exception_term",
                _(
                    "Decree 713 Art. 29: a restriction kept under an exception has a definite term (at most %(limit)s "
                    "characters)."
                )
                % {"limit": TERM_MAX},
                fields=("exception_term",),
            )
    else:
        exception, exception_term = "", ""
    if review.pk is None:
        save_record(review, actor)
    before = {"restriction_kept": review.restriction_kept, "exception": review.exception}
    review.restriction_kept, review.exception, review.exception_term = bool(restriction_kept), exception, exception_term
    save_record(review, actor)
    _event(
        actor,
        step,
        action="fair_competition.restriction_set",
        before=before,
        after={"restriction_kept": review.restriction_kept, "exception": exception, "term": exception_term},
    )
    return review


@transaction.atomic
def set_conclusion(*, step: Step, actor: User, conclusion: str = "", generate: bool = False) -> FairCompetitionReview:
    """The review's conclusion: generated from the answers (`generate`), or as the unit wrote it."""
    step, review = _lock_unit_step(step, actor)
    if generate:
        conclusion = generated_conclusion(review)
        if not conclusion:
            raise FairCompetitionError(
                "fair_competition.unanswered",
                _("Decree 713 Art. 29: answer every question of the checklist before the conclusion is generated."),
                fields=("conclusion",),
            )
    conclusion = optional_text(conclusion if isinstance(conclusion, str) else "", ("conclusion",))
    if not conclusion:
        raise FairCompetitionError(
            "fair_competition.conclusion",
            _("Decree 713 Art. 29: write the review's conclusion."),
            fields=("conclusion",),
        )
    if len(conclusion) > CONCLUSION_MAX:
        raise FairCompetitionError(
            "fair_competition.too_long",
            _("At most %(limit)s characters.") % {"limit": CONCLUSION_MAX},
            fields=("conclusion",),
        )
    changed = review.conclusion != conclusion
    review.conclusion = conclusion
    save_record(review, actor)
    _event(actor, step, action="fair_competition.concluded", after={"generated": bool(generate), "changed": changed})
    return review
