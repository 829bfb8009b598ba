"""The feedback report of a consultation (意见采纳情况反馈, Decree 713 Art. 18, 32): how many opinions came in by
which channel, the themes and how each was answered, and each answered opinion (receipt number, clause, answer,
reason — never a name or a contact).

The unit's drafter generates it once the consultation has closed and every opinion has its answer; it can be
generated again until the unit's head approves it — a second person (the two-person rule) — which publishes it on
the portal. Its summary goes into the publication's explanation of how opinions were used, and the step is not
submitted before it is published (`participation.steps`).
"""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.models import User
from decisions.permissions import Action, acting_role, can

from .models import Comment, Consultation, FeedbackReport, OpinionAnswer, Theme
from .selectors import answer_counts, channel_counts, effective_answer, effective_answer_reason, unanswered_comments
from .services import ParticipationError, _ensure_step_workable, _event, _lock

# The consultations a report is made for: closed (the opinions are all in) — a withdrawn one has none to answer.
REPORTABLE_STATUSES = (Consultation.Status.CLOSED,)


def _require(actor: User, action: Action, consultation: Consultation) -> None:
    verdict = can(actor, action, consultation.step.decision)
    if not verdict:
        raise ParticipationError(verdict.code, verdict.message, status=403)


def report_facts(consultation: Consultation) -> dict:
    """The figures of the report, read now: counts per channel and per answer, each theme with its answer and its
    number of opinions, and each visible opinion in order with its effective answer and reason."""
    themes = _themes(consultation)
    opinions = []
    comments = (
        consultation.comments.filter(is_hidden=False).select_related("clause", "theme").order_by("submitted_at", "id")
    )
    for comment in comments:
        opinions.append(
            {
                "receipt_number": comment.receipt_number,
                "clause": comment.clause.label if comment.clause_id else "",
                "channel": comment.channel,
                "theme": comment.theme.title if comment.theme_id else "",
                "answer": effective_answer(comment),
                "reason": effective_answer_reason(comment),
            }
        )
    received = consultation.comments.count()
    return {
        "received": received,
        "hidden": received - len(opinions),
        "channels": channel_counts(consultation),
        "answers": {key: value for key, value in answer_counts(consultation).items() if key},
        "themes": themes,
        "opinions": opinions,
        "short_period": bool(consultation.urgency_reason),
    }


def _themes(consultation: Consultation) -> list[dict]:
    rows = (
        Theme.objects.filter(consultation=consultation)
        .annotate(opinions=Count("comments", filter=Q(comments__is_hidden=False)))
        .order_by("id")
    )
    return [
        {"title": theme.title, "answer": theme.answer, "reason": theme.answer_reason, "opinions": theme.opinions}
        for theme in rows
    ]


def summary_of(consultation: Consultation, facts: dict) -> str:
    """The report's summary in words: what the publication's explanation carries."""
    labels = dict(OpinionAnswer.choices)
    channel_labels = dict(Comment.Channel.choices)
    by_channel = "、".join(
        f"{channel_labels[channel]} {count}" for channel, count in facts["channels"].items() if count
    )
    by_answer = "、".join(f"{labels[answer]} {count}" for answer, count in facts["answers"].items() if count)
    parts = [
        ngettext(
            "The consultation on “%(title)s” ran from %(start)s to %(end)s and received %(count)s opinion",
            "The consultation on “%(title)s” ran from %(start)s to %(end)s and received %(count)s opinions",
            facts["received"],
        )
        % {
            "title": consultation.title,
            "start": consultation.comment_start.isoformat(),
            "end": consultation.comment_end.isoformat(),
            "count": facts["received"],
        }
        + (f"（{by_channel}）" if by_channel else "")
        + "。"
    ]
    if facts["hidden"]:
        parts.append(
            ngettext(
                "%(count)s was set aside by moderation (the reason is kept).",
                "%(count)s were set aside by moderation (the reasons are kept).",
                facts["hidden"],
            )
            % {"count": facts["hidden"]}
        )
    if by_answer:
        parts.append(_("Answers: %(answers)s.") % {"answers": by_answer})
    for theme in facts["themes"]:
        if theme["answer"]:
            parts.append(
                _("On “%(theme)s” (%(count)s opinions): %(answer)s%(reason)s.")
                % {
                    "theme": theme["title"],
                    "count": theme["opinions"],
                    "answer": labels[theme["answer"]],
                    "reason": f"，{theme['reason']}" if theme["reason"] else "",
                }
            )
    if facts["short_period"]:
        parts.append(
            _("The period was shorter than the minimum, for the published reason: %(reason)s")
            % {"reason": consultation.urgency_reason}
        )
    return "".join(parts) if _is_chinese() else " ".join(parts)


def _is_chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


@transaction.atomic
def generate_feedback_report(*, consultation: Consultation, actor: User) -> FeedbackReport:
    """The unit's drafter generates the report (again, as long as it is not approved): the consultation has closed
    and every opinion received has its answer."""
    consultation = _lock(consultation)
    _require(actor, Action.WORK_ON_STEP, consultation)
    _ensure_step_workable(consultation)
    if consultation.status not in REPORTABLE_STATUSES:
        raise ParticipationError(
            "feedback.not_closed",
            _("The consultation is “%(status)s”: its feedback report is made once it has closed.")
            % {"status": Consultation.Status(consultation.status).label},
            status=409,
        )
    unanswered = unanswered_comments(consultation).count()
    if unanswered:
        raise ParticipationError(
            "participation.unanswered",
            ngettext(
                "%(count)s opinion received has no answer yet; answer it (or its theme) first.",
                "%(count)s opinions received have no answer yet; answer them (or their themes) first.",
                unanswered,
            )
            % {"count": unanswered},
            status=409,
        )
    report = FeedbackReport.objects.select_for_update().filter(consultation=consultation).first()
    if report is not None and report.status == FeedbackReport.Status.PUBLISHED:
        raise ParticipationError(
            "feedback.published", _("The feedback report was approved and published; it is not changed."), status=409
        )
    facts = report_facts(consultation)
    report = report or FeedbackReport(consultation=consultation)
    report.facts, report.summary = facts, summary_of(consultation, facts)
    report.generated_by, report.generated_at = actor, timezone.now()
    report.save()
    _event(
        actor,
        report,
        consultation,
        action="feedback_report.generated",
        role=acting_role(actor, Action.WORK_ON_STEP, consultation.step.decision),
        after={"received": facts["received"], "answers": facts["answers"], "summary": report.summary},
    )
    return report


@transaction.atomic
def approve_feedback_report(*, consultation: Consultation, actor: User) -> FeedbackReport:
    """The unit's head approves the report, which publishes it (on the portal, and into the publication's
    explanation). Not the person who generated it (the two-person rule)."""
    consultation = _lock(consultation)
    _require(actor, Action.APPROVE_STEP, consultation)
    _ensure_step_workable(consultation)
    report = FeedbackReport.objects.select_for_update().filter(consultation=consultation).first()
    if report is None:
        raise ParticipationError("feedback.missing", _("Generate the feedback report before approving it."), status=409)
    if report.status == FeedbackReport.Status.PUBLISHED:
        raise ParticipationError("feedback.published", _("The feedback report is already published."), status=409)
    if report.generated_by_id == actor.pk:
        raise ParticipationError(
            "permission.two_person",
            _("Two-person rule: you cannot approve the feedback report you generated yourself."),
            status=403,
        )
    if report_facts(consultation) != report.facts:
        raise ParticipationError(
            "feedback.stale",
            _("Opinions changed since the report was generated; generate it again before approving it."),
            status=409,
        )
    report.status, report.approved_by, report.published_at = FeedbackReport.Status.PUBLISHED, actor, timezone.now()
    report.save(update_fields=["status", "approved_by", "published_at"])
    # The step's record carries the outcome: the count and the summary the procedure shows.
    consultation.comments_received, consultation.feedback_summary = report.facts["received"], report.summary
    consultation._history_user = actor
    consultation.save(update_fields=["comments_received", "feedback_summary"])
    _event(
        actor,
        report,
        consultation,
        action="feedback_report.published",
        role=acting_role(actor, Action.APPROVE_STEP, consultation.step.decision),
        after={"status": report.status, "summary": report.summary},
    )
    return report
