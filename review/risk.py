"""The social-stability risk assessment of a draft (风险评估, Decree 713 Art. 22–24), worked on in its workspace.

* Who assessed (the undertaking unit or a third party, with the body commissioned) and by what methods (survey,
  interviews, public-opinion analysis, expert consultation: Art. 23).
* The risks identified, each in one of the four dimensions (合法性、合理性、可行性、可控性) with its likelihood, impact
  and measures, kept in order. A dimension examined without finding a risk is recorded as an item of that dimension
  saying so, with low likelihood and low impact: at submission every dimension must have at least one item.
* The level: `suggested_level` is the highest likelihood × impact of the items (low 1, medium 2, high 3; a product
  of 6 or more is high, 3 or more medium, else low). When the items raise the suggestion, the recorded level rises
  with it; the unit may record a higher level at any time, a lower one only with its reason (kept in the ledger).
  Whether the risk is controllable is the unit's judgement (Art. 24): high and not controllable blocks the legality
  review until a changed draft is reassessed (`RiskAssessment.blocks_the_decision`, the guard in `decisions`).

Once a round is run here (an assessor, methods or items recorded), the step's form asks only for the summary of
measures and the response plan (`RiskAssessmentForm`); the submission refusal is `submission_refusal`.

Each act is one transaction and one ledger event (codes and numbers, no personal data). Refusals raise `RiskError`
(a `ProcedureError`; `status` is the HTTP status the API answers) and change nothing.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.ledger import record_event
from accounts.models import Organization, User
from decisions import services as decision_services
from decisions.errors import ProcedureError
from decisions.models import Step
from decisions.permissions import Action, acting_role
from decisions.procedure import RiskLevel, StepKind
from decisions.selectors import independent_bodies
from decisions.services.base import awaits_taking_up, lock_step, open_step, optional_text, save_record

from .models import RiskAssessment, RiskItem


class RiskError(ProcedureError):
    """A refused act of the risk assessment; `status` is the HTTP status the API answers."""

    def __init__(self, code, message, *, status: int = 400, fields=()):
        super().__init__(code, message, fields=fields)
        self.status = status


# Art. 23: the ways of assessing (舆情跟踪、重点走访、会商分析 …), the codes kept in `RiskAssessment.methods`.
RISK_METHODS = {
    "survey": gettext_lazy("Questionnaire survey (问卷调查)"),
    "interviews": gettext_lazy("Visits and interviews (走访座谈)"),
    "public_opinion": gettext_lazy("Public-opinion analysis (舆情分析)"),
    "expert_consultation": gettext_lazy("Expert consultation (专家咨询)"),
}
GRADE_SCORE = {RiskItem.Grade.LOW: 1, RiskItem.Grade.MEDIUM: 2, RiskItem.Grade.HIGH: 3}
LEVEL_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}
TEXT_MAX = 5_000
MAX_ITEMS = 200


def method_label(code: str) -> str:
    return str(RISK_METHODS.get(code, code))


def level_of_score(score: int) -> str:
    """A likelihood × impact product as a level: 6 or 9 high, 3 or 4 medium, 1 or 2 low."""
    if score >= 6:
        return RiskLevel.HIGH
    if score >= 3:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def suggested_level(items) -> str:
    """The level the items suggest: the highest likelihood × impact among them ("" without items)."""
    scores = [GRADE_SCORE[item.likelihood] * GRADE_SCORE[item.impact] for item in items]
    return level_of_score(max(scores)) if scores else ""


def run_in_workspace(assessment: RiskAssessment | None) -> bool:
    """Whether the round is run in the workspace (then the services keep the level and the form asks less)."""
    if assessment is None or assessment.pk is None:
        return False
    return bool(assessment.assessor or assessment.methods or assessment.items.exists())


def missing_dimensions(items) -> list[str]:
    found = {item.dimension for item in items}
    return [label for value, label in RiskItem.Dimension.choices if value not in found]


def submission_refusal(assessment: RiskAssessment) -> ProcedureError | None:
    """Art. 23: a round run in the workspace names who assessed and how, examines the four dimensions (at least one
    item each, a risk or the finding that there is none) and records the level."""
    if not run_in_workspace(assessment):
        return None
    if not assessment.assessor:
        return RiskError(
            "risk.assessor", _("Decree 713 Art. 23: say who did the risk assessment."), fields=("assessor",)
        )
    if assessment.assessor == RiskAssessment.Assessor.THIRD_PARTY and not assessment.assessing_org_id:
        return RiskError(
            "risk.assessing_org",
            _("Decree 713 Art. 23: name the third party commissioned to do the risk assessment."),
            fields=("assessing_org",),
        )
    if not assessment.methods:
        return RiskError(
            "risk.methods", _("Decree 713 Art. 23: say by which methods the risks were assessed."), fields=("methods",)
        )
    missing = missing_dimensions(assessment.items.all())
    if missing:
        return RiskError(
            "risk.dimensions",
            _(
                "Decree 713 Art. 23: every dimension is assessed, with its risks or the finding that there is none; "
                "not assessed: %(dimensions)s."
            )
            % {"dimensions": "、".join(str(label) for label in missing)},
        )
    if not assessment.risk_level:
        return RiskError("risk.level", _("Decree 713 Art. 24: record the risk level."), fields=("risk_level",))
    return None


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


def _lock_unit_step(step: Step, actor: User) -> tuple:
    """Lock the step; refuse unless it is a risk assessment the actor's unit may work on now (opening an optional
    step when taken up). Returns the step and its record (a new one, unsaved, when none was kept yet)."""
    decision, step = lock_step(step)
    if step.kind != StepKind.RISK_ASSESSMENT:
        raise RiskError("risk.wrong_step", _("Only a risk assessment step has identified risks (Decree 713 Art. 22)."))
    refusal = decision_services.step_action_refusals(step, actor)["edit"]
    if refusal is not None:
        raise RiskError(refusal.code, refusal.message, status=403 if refusal.code.startswith("permission.") else 409)
    if awaits_taking_up(decision, step):
        open_step(step, actor)
    assessment = RiskAssessment.objects.select_for_update().filter(step=step).first()
    if assessment is None:
        assessment = RiskAssessment(step=step, measures="")
    return step, assessment


def _text(value, field: str, message: str | None = None) -> str:
    value = optional_text(value if isinstance(value, str) else "", (field,))
    if message is not None and not value:
        raise RiskError("risk.item_incomplete", message, fields=(field,))
    if len(value) > TEXT_MAX:
        raise RiskError("risk.too_long", _("At most %(limit)s characters.") % {"limit": TEXT_MAX}, fields=(field,))
    return value


def _clean_item(values: dict) -> dict:
    dimension, likelihood, impact = values.get("dimension"), values.get("likelihood"), values.get("impact")
    if dimension not in RiskItem.Dimension.values:
        raise RiskError(
            "risk.item_incomplete",
            _("Decree 713 Art. 23: choose the dimension of the risk."),
            fields=("dimension",),
        )
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if value not in RiskItem.Grade.values:
            raise RiskError(
                "risk.item_incomplete",
                _("Decree 713 Art. 23: grade the likelihood and the impact of the risk."),
                fields=(name,),
            )
    return {
        "dimension": dimension,
        "likelihood": likelihood,
        "impact": impact,
        "description": _text(
            values.get("description"), "description", _("Decree 713 Art. 23: describe the risk point.")
        ),
        "measures": _text(
            values.get("measures"),
            "measures",
            _("Decree 713 Art. 23: give the prevention measures and the response plan of the risk."),
        ),
    }


def _follow_items(assessment: RiskAssessment, before_suggestion: str, actor: User) -> dict:
    """After the items changed: the recorded level rises with a higher suggestion (or starts from it)."""
    after_suggestion = suggested_level(assessment.items.all())
    changed = {}
    rose = LEVEL_RANK.get(after_suggestion, 0) > LEVEL_RANK.get(before_suggestion, 0)
    below = LEVEL_RANK.get(assessment.risk_level, 0) < LEVEL_RANK.get(after_suggestion, 0)
    if after_suggestion and (not assessment.risk_level or (rose and below)):
        changed = {"risk_level": after_suggestion}
        assessment.risk_level = after_suggestion
        save_record(assessment, actor)
    return changed


def _item_of(assessment: RiskAssessment, item_id) -> RiskItem:
    item = assessment.items.filter(pk=item_id).first() if assessment.pk and str(item_id).isdigit() else None
    if item is None:
        raise RiskError("risk.no_item", _("No such risk in this assessment."), status=404)
    return item


# ---------------------------------------------------------------- acts


@transaction.atomic
def set_method(
    *, step: Step, actor: User, assessor: str, methods, assessing_org: Organization | None = None
) -> RiskAssessment:
    """Who assessed (the unit, or a third party with the body commissioned) and by which methods (Art. 23)."""
    step, assessment = _lock_unit_step(step, actor)
    if assessor not in RiskAssessment.Assessor.values:
        raise RiskError(
            "risk.assessor", _("Decree 713 Art. 23: say who did the risk assessment."), fields=("assessor",)
        )
    methods = list(dict.fromkeys(methods or []))
    if not methods or any(method not in RISK_METHODS for method in methods):
        raise RiskError(
            "risk.methods", _("Decree 713 Art. 23: say by which methods the risks were assessed."), fields=("methods",)
        )
    if assessor == RiskAssessment.Assessor.THIRD_PARTY:
        bodies = independent_bodies(step.decision)
        if assessing_org is None or not bodies.filter(pk=assessing_org.pk).exists():
            raise RiskError(
                "risk.assessing_org",
                _("Decree 713 Art. 23: name the third party commissioned to do the risk assessment."),
                fields=("assessing_org",),
            )
    else:
        assessing_org = None
    before = {
        "assessor": assessment.assessor,
        "methods": assessment.methods,
        "assessing_org": assessment.assessing_org_id,
    }
    assessment.assessor, assessment.methods, assessment.assessing_org = assessor, methods, assessing_org
    save_record(assessment, actor)
    after = {"assessor": assessor, "methods": methods, "assessing_org": assessing_org.pk if assessing_org else None}
    _event(actor, step, action="risk.method_set", before=before, after=after)
    return assessment


@transaction.atomic
def add_item(*, step: Step, actor: User, **values) -> RiskItem:
    """Record one identified risk (Art. 23): its dimension, description, likelihood, impact and measures."""
    step, assessment = _lock_unit_step(step, actor)
    cleaned = _clean_item(values)
    if assessment.pk is None:
        save_record(assessment, actor)
    elif assessment.items.count() >= MAX_ITEMS:
        raise RiskError("risk.too_many", _("At most %(limit)s risks.") % {"limit": MAX_ITEMS})
    before_suggestion = suggested_level(assessment.items.all())
    order = (assessment.items.aggregate(last=Max("order"))["last"] or 0) + 1
    item = RiskItem.objects.create(assessment=assessment, order=order, **cleaned)
    changed = _follow_items(assessment, before_suggestion, actor)
    _event(
        actor,
        step,
        action="risk.item_added",
        after={"item": item.pk, "order": order, **{k: cleaned[k] for k in ("dimension", "likelihood", "impact")}}
        | changed,
    )
    return item


@transaction.atomic
def change_item(*, step: Step, actor: User, item_id, **values) -> RiskItem:
    """Change an identified risk (the four fields again, all required)."""
    step, assessment = _lock_unit_step(step, actor)
    item = _item_of(assessment, item_id)
    cleaned = _clean_item(values)
    before_suggestion = suggested_level(assessment.items.all())
    before = {name: getattr(item, name) for name in ("dimension", "likelihood", "impact")}
    for name, value in cleaned.items():
        setattr(item, name, value)
    item.save()
    changed = _follow_items(assessment, before_suggestion, actor)
    after = {name: cleaned[name] for name in ("dimension", "likelihood", "impact")}
    _event(actor, step, action="risk.item_changed", before=before | {"item": item.pk}, after=after | changed)
    return item


@transaction.atomic
def remove_item(*, step: Step, actor: User, item_id) -> None:
    """Remove an identified risk; the later ones move up (the order has no gaps)."""
    step, assessment = _lock_unit_step(step, actor)
    item = _item_of(assessment, item_id)
    removed = {"item": item.pk, "order": item.order, "dimension": item.dimension}
    item.delete()
    for later in assessment.items.filter(order__gt=removed["order"]).order_by("order"):
        later.order -= 1
        later.save(update_fields=["order"])
    _event(actor, step, action="risk.item_removed", before=removed)


@transaction.atomic
def set_level(*, step: Step, actor: User, risk_level: str, controllable: bool, reason: str = "") -> RiskAssessment:
    """Record the level and whether the risk is controllable (Art. 24). Lower than the items suggest only with a
    reason (in the ledger)."""
    step, assessment = _lock_unit_step(step, actor)
    if risk_level not in RiskLevel.values:
        raise RiskError("risk.level", _("Decree 713 Art. 24: record the risk level."), fields=("risk_level",))
    if assessment.pk is None or not assessment.items.exists():
        raise RiskError(
            "risk.no_items",
            _("Decree 713 Art. 23: record the risks identified before the level."),
            fields=("risk_level",),
        )
    reason = _text(reason, "reason")
    suggestion = suggested_level(assessment.items.all())
    if LEVEL_RANK[risk_level] < LEVEL_RANK[suggestion] and not reason:
        raise RiskError(
            "risk.level_below_suggestion",
            _(
                "Decree 713 Art. 23: the risks identified suggest a “%(suggested)s” level; a lower level needs its "
                "reason."
            )
            % {"suggested": RiskLevel(suggestion).label},
            fields=("reason",),
        )
    before = {"risk_level": assessment.risk_level, "controllable": assessment.controllable}
    assessment.risk_level, assessment.controllable = risk_level, bool(controllable)
    save_record(assessment, actor)
    _event(
        actor,
        step,
        action="risk.level_set",
        before=before,
        after={"risk_level": risk_level, "controllable": bool(controllable), "suggested": suggestion},
        reason=reason,
    )
    return assessment
