"""The seven ordering rules of the procedure, as data: what each means, the articles it rests on, what the system
checks, and which numbers come from the organ's procedure profile.

Refusals cite them by code (`rule1.steps_not_done` …) and by name ("Rule 1 …"); the pages under /manage/rules/
explain them. The article texts below are short digests of Decree 713, not quotations.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ProcedureProfile
from .procedure import StepKind


@dataclass(frozen=True)
class Check:
    """One place the system enforces the rule: a guard of `guards.py` or a service, and what it refuses."""

    name: str  # the guard or service function, as named in the code
    refuses: object  # a lazy translated text


@dataclass(frozen=True)
class Rule:
    number: int
    title: object
    articles: object  # e.g. "Decree 713 Art. 25–28; Art. 14–24"
    law: tuple  # paragraphs: the digest of the articles the rule rests on
    checks: tuple[Check, ...]
    profile_fields: tuple[str, ...]  # ProcedureProfile fields whose values the rule uses

    @property
    def label(self) -> str:
        return rule_label(self.number)


def rule_label(number: int) -> str:
    return str(pgettext_lazy("ordering rule", "Rule %(number)s") % {"number": number})


RULES: tuple[Rule, ...] = (
    Rule(
        number=1,
        title=_("The draft is formed before its legality review, and reviewed before it is discussed"),
        articles=_("Decree 713 Art. 25–28; Art. 14–24"),
        law=(
            _(
                "Art. 14–24: the undertaking unit forms the draft first: it hears the public (a consultation, a "
                "hearing where interests are directly affected), has experts review technical matters, and assesses "
                "the risk to social stability and public safety. Where the risk is found high and not controllable, "
                "the matter may be decided only after the draft is adjusted so that the risk becomes controllable."
            ),
            _(
                "Art. 25: before it is discussed, the draft must pass a legality review by the legal office; asking "
                "for opinions does not replace it. A draft not reviewed, or found unlawful, may not be submitted for "
                "discussion."
            ),
            _(
                "Art. 26–28: the request for review carries the draft itself; the reviewer checks authority, "
                "procedure and content, and gives an opinion; the unit adjusts the draft as the opinion requires."
            ),
        ),
        checks=(
            Check(
                "pre_discussion_steps_done",
                _(
                    "requesting the legality review while a required pre-discussion step is not done, or waits for "
                    "the head of the unit's approval"
                ),
            ),
            Check(
                "confidentiality_settled",
                _("requesting the review of a decision marked confidential before the legal office settled that"),
            ),
            Check(
                "risk_controllable",
                _(
                    "going on while the latest risk assessment found a high, uncontrollable risk, or when the "
                    "reassessment looked at the same draft"
                ),
            ),
            Check("draft_uploaded", _("requesting the review before the draft is uploaded")),
            Check(
                "lawful_opinion",
                _(
                    "recording the collective decision on a draft not found lawful, or found lawful with changes "
                    "that the legal office has not yet confirmed"
                ),
            ),
        ),
        profile_fields=("default_required_steps",),
    ),
    Rule(
        number=2,
        title=_("The legality review gets its materials and its time"),
        articles=_("Decree 713 Art. 26"),
        law=(
            _(
                "Art. 26: the request for legality review carries the draft and its materials, the legal basis and "
                "a statement of the procedures followed; incomplete material may be sent back. The reviewer is "
                "generally given no less than seven working days."
            ),
        ),
        checks=(
            Check(
                "request_legality_review",
                _(
                    "a request without its legal basis or its statement of the procedures followed, or with a review "
                    "period shorter than the minimum and no written reason for the urgency"
                ),
            ),
        ),
        profile_fields=("min_review_working_days",),
    ),
    Rule(
        number=3,
        title=_("The public has its full time to comment, and hearing participants their notice"),
        articles=_("Decree 713 Art. 15–16"),
        law=(
            _(
                "Art. 15: the draft and its explanation are published with how and until when to comment; the "
                "period is generally no less than thirty days, and a shorter one for urgency is explained when the "
                "consultation is published."
            ),
            _(
                "Art. 16: where a hearing is held, its materials reach the participants at least seven days before "
                "it; the selection method and the list of participants are published in advance."
            ),
        ),
        checks=(
            Check(
                "consultation_submission_refusal",
                _(
                    "submitting the consultation record while the comment period is still open, or when it was "
                    "shorter than the minimum without a published reason"
                ),
            ),
            Check(
                "hearing_submission_refusal",
                _("submitting a hearing record whose materials were sent later than the notice period allows"),
            ),
        ),
        profile_fields=("min_comment_days", "min_hearing_notice_days"),
    ),
    Rule(
        number=4,
        title=_("The decision is made collectively, the head speaking last"),
        articles=_("Decree 713 Art. 30–31"),
        law=(
            _(
                "Art. 30: the decision is discussed at the organ's executive or plenary meeting; members speak "
                "fully and the head speaks last and decides; a head who decides against the majority states the "
                "reason at the meeting; the discussion and any dissent are recorded truthfully."
            ),
            _("Art. 31: before it is issued, the decision is reported to the party committee at the same level."),
        ),
        checks=(
            Check(
                "party_report_done",
                _("recording the collective decision before the required report to the party committee is done"),
            ),
            Check(
                "record_collective_decision",
                _(
                    "a meeting record without a quorum, where the head spoke before another member, where the head "
                    "is listed among the members, or where the head overrules the majority without a reason"
                ),
            ),
        ),
        profile_fields=("meeting_quorum_percent",),
    ),
    Rule(
        number=5,
        title=_("A decision is published, then executed"),
        articles=_("Decree 713 Art. 32–34; Art. 8"),
        law=(
            _(
                "Art. 32: the decision is published promptly (gazette, website, local press), explaining how public "
                "and expert opinions were used; a lawfully confidential decision is not published."
            ),
            _(
                "Art. 8: a decision on the list to be reported to the people's congress standing committee is "
                "reported before it is issued."
            ),
            _(
                "Art. 33–34: the whole process is recorded and archived; the organ names the execution unit, which "
                "executes the decision and reports on it, and the organ supervises it."
            ),
        ),
        checks=(
            Check("congress_report_done", _("publishing or executing before the required congress report is done")),
            Check("not_confidential", _("publishing a lawfully confidential decision")),
            Check("decision_text_uploaded", _("publishing before the decision text is uploaded")),
            Check(
                "published_or_confidential",
                _("starting execution of a decision that is neither published nor lawfully confidential"),
            ),
        ),
        profile_fields=(),
    ),
    Rule(
        number=6,
        title=_("The evaluation waits for experience and is done by someone independent"),
        articles=_("Decree 713 Art. 36; local evaluation rules"),
        law=(
            _(
                "Art. 36: the organ may evaluate a decision in force when it misses its effect, when many opinions "
                "are raised, or when it sees the need; it names the evaluating body, which may be a third party but "
                "not the body that did the main review or assessment work before the decision. The results are a "
                "basis for continuing, adjusting or stopping the decision."
            ),
            _(
                "Local rules: a commissioned evaluation generally comes after at least one year of execution; a long "
                "decision may be evaluated in stages; a short one within six months after its term ends."
            ),
        ),
        checks=(
            Check(
                "start_evaluation",
                _(
                    "starting an evaluation too early (unless staged, with the stage stated, or within the months "
                    "after the term), or by a body that did the decision's pre-decision assessment"
                ),
            ),
        ),
        profile_fields=(
            "evaluation_after_months",
            "evaluation_within_months_after_term",
            "problem_reports_for_evaluation",
        ),
    ),
    Rule(
        number=7,
        title=_("A decision in force changes or stops only through the procedure"),
        articles=_("Decree 713 Art. 35–37"),
        law=(
            _(
                "Art. 35: the execution unit reports at once when the decision meets problems, major changes or "
                "force majeure; citizens and organizations may send their opinions on it."
            ),
            _(
                "Art. 37: a lawful decision is not changed or stopped without the legal procedure; when it is "
                "urgent, the head may suspend execution first; a major adjustment runs the procedure again."
            ),
        ),
        checks=(
            Check("not_in_force", _("stopping the decision in force directly while its adjustment runs")),
            Check(
                "execution_ended",
                _("archiving a decision whose term is not over and which was not stopped by an adjustment"),
            ),
            Check("no_adjustment_running", _("starting anything else while an adjustment is under way")),
            Check(
                "add_document",
                _("changing the text of a published decision other than through an adjustment"),
            ),
        ),
        profile_fields=("adjustment_after_evaluation_days",),
    ),
)

BY_NUMBER = {rule.number: rule for rule in RULES}

_CODE = re.compile(r"^rule([1-7])\.")


def rule_number(code: str | None) -> int | None:
    """The number of the rule a refusal's code cites (`rule4.quorum` → 4), or None."""
    match = _CODE.match(code or "")
    return int(match.group(1)) if match else None


def rule(number: int) -> Rule | None:
    return BY_NUMBER.get(number)


@dataclass(frozen=True)
class ProfileValue:
    field: str
    label: object
    value: object


def profile_values(rule: Rule, profile: ProcedureProfile) -> list[ProfileValue]:
    """The organ's current values of the numbers the rule uses, labelled as the profile's fields are."""
    values = []
    for name in rule.profile_fields:
        value = getattr(profile, name)
        if name == "default_required_steps":
            value = "、".join(str(StepKind(kind).label) for kind in value if kind in StepKind.values) or "—"
        values.append(ProfileValue(name, ProcedureProfile._meta.get_field(name).verbose_name, value))
    return values
