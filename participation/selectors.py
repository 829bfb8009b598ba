"""What the pages read of a consultation and its opinions. Nothing here changes anything.

Staff lists show contacts masked (accounts.privacy); what the public reads (`public_facts`) carries no name and no
contact at all.
"""

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext

from accounts.privacy import mask_contact

from .models import Clause, Comment, Consultation, FeedbackReport, OpinionAnswer, Theme


def unanswered_comments(consultation: Consultation):
    """The visible (not hidden) opinions without an answer, their own or their theme's."""
    return consultation.comments.filter(is_hidden=False, answer="").filter(Q(theme__isnull=True) | Q(theme__answer=""))


def clause_counts(consultation: Consultation, *, visible_only: bool = False) -> list[dict]:
    """Each clause of the draft in order with the number of opinions on it (one query); opinions on the draft as a
    whole are counted by `whole_draft_count`."""
    condition = Q(comments__is_hidden=False) if visible_only else Q()
    rows = (
        Clause.objects.filter(consultation=consultation)
        .annotate(opinions=Count("comments", filter=condition))
        .order_by("order")
        .values("pk", "order", "number", "label", "chapter", "opinions")
    )
    return list(rows)


def whole_draft_count(consultation: Consultation, *, visible_only: bool = False) -> int:
    comments = consultation.comments.filter(clause__isnull=True)
    return (comments.filter(is_hidden=False) if visible_only else comments).count()


def staff_comments(consultation: Consultation, *, clause: Clause | None = None, include_hidden: bool = True):
    """The opinions of a consultation in the order received, for the unit's list: each with `masked_contact` (the
    contact itself is never shown) and `effective_answer` (its own answer, else its theme's)."""
    comments = consultation.comments.select_related("clause", "theme").order_by("submitted_at", "id")
    if clause is not None:
        comments = comments.filter(clause=clause)
    if not include_hidden:
        comments = comments.filter(is_hidden=False)
    rows = list(comments)
    for comment in rows:
        comment.masked_contact = mask_contact(comment.contact)
        comment.effective_answer = effective_answer(comment)
    return rows


def effective_answer(comment: Comment) -> str:
    """The opinion's own answer, else its theme's ("" when neither answered it)."""
    if comment.answer:
        return comment.answer
    if comment.theme_id and comment.theme.answer:
        return comment.theme.answer
    return ""


def duplicate_groups(consultation: Consultation, *, least: int = 2) -> list[dict]:
    """Opinions sent with the same text (normalised), at least `least` times: each group with its count and the
    first time it was received, largest first. Each opinion of a group is still counted among those received."""
    return list(
        consultation.comments.values("duplicate_key")
        .annotate(count=Count("id"), first_at=Min("submitted_at"), first_id=Min("id"))
        .filter(count__gte=least)
        .order_by("-count", "first_at")
    )


def channel_counts(consultation: Consultation) -> dict[str, int]:
    """How many opinions came in by each channel (every channel listed, 0 when none)."""
    counts = dict.fromkeys(Comment.Channel.values, 0)
    for row in consultation.comments.values("channel").annotate(count=Count("id")).order_by():
        counts[row["channel"]] = row["count"]
    return counts


def answer_counts(consultation: Consultation) -> dict[str, int]:
    """How the visible opinions were answered, each counted once by its effective answer (its own, else its
    theme's); "" counts those not answered yet. Two queries-worth of work in one."""
    counts = dict.fromkeys(OpinionAnswer.values, 0)
    rows = (
        consultation.comments.filter(is_hidden=False)
        .values("answer", "theme__answer")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["answer"] or row["theme__answer"] or ""] += row["count"]
    return counts


def public_facts(consultation: Consultation) -> dict:
    """What anyone may read of a consultation: the draft, the period, its status, how many opinions came in and how
    they were answered. Never a name, never a contact."""
    visible = consultation.comments.filter(is_hidden=False)
    received = consultation.comments.count()
    return {
        "title": consultation.title,
        "status": consultation.status,
        "status_label": str(Consultation.Status(consultation.status).label),
        "comment_start": consultation.comment_start,
        "comment_end": consultation.comment_end,
        "urgency_reason": consultation.urgency_reason,
        "channels": consultation.channels,
        "draft_text": consultation.draft_text,
        "explanation": consultation.explanation,
        "questions": consultation.questions,
        "withdrawal_reason": consultation.withdrawal_reason,
        "withdrawn_at": consultation.withdrawn_at,
        "opened_at": consultation.opened_at,
        "closed_at": consultation.closed_at,
        "comments_received": received,
        "comments_hidden": received - visible.count(),
        "answers": answer_counts(consultation),
        "clauses": clause_counts(consultation, visible_only=True),
    }


# ---------------------------------------------------------------- what the portal and the open API read

# The consultations the public sees: never one being prepared; a withdrawn one with its public reason.
PUBLIC_STATUSES = (
    Consultation.Status.SCHEDULED,
    Consultation.Status.OPEN,
    Consultation.Status.CLOSED,
    Consultation.Status.WITHDRAWN,
)


def public_consultations():
    """The consultations the public may read (not draft, never one of a decision claimed confidential), newest
    first, with their decision and its organ: one query for a list, whatever its length."""
    return (
        Consultation.objects.filter(status__in=PUBLIC_STATUSES)
        .exclude(step__decision__is_confidential=True)
        .select_related("step__decision__organ")
        .order_by("-comment_start", "-pk")
    )


def public_consultation(pk: int) -> Consultation | None:
    """One consultation the public may read (None: no such one, or still being prepared)."""
    return public_consultations().filter(pk=min(pk, 2**63 - 1)).first()


def public_clauses(consultation: Consultation) -> list[Clause]:
    """The draft's clauses in order (label, chapter, text): no opinion, no name."""
    return list(consultation.clauses.order_by("order").only("pk", "order", "number", "label", "chapter", "text"))


def effective_answer_reason(comment: Comment) -> str:
    """The reason that goes with `effective_answer`: the opinion's own, else its theme's."""
    if comment.answer:
        return comment.answer_reason
    if comment.theme_id and comment.theme.answer:
        return comment.theme.answer_reason
    return ""


# ---------------------------------------------------------------- the staff workspace


def staff_opinions(consultation: Consultation, *, clause: str = "", only_unanswered: bool = False):
    """The opinions of the workspace's list, in the order received: all, those on one clause (`clause`: a clause's
    pk, or "whole" for the draft as a whole), or only those still waiting for an answer. A queryset, to page."""
    comments = consultation.comments.select_related("clause", "theme").order_by("submitted_at", "id")
    if clause == "whole":
        comments = comments.filter(clause__isnull=True)
    elif clause.isdigit():
        comments = comments.filter(clause_id=int(clause))
    if only_unanswered:
        comments = comments.filter(pk__in=unanswered_comments(consultation).values("pk"))
    return comments


def annotate_for_staff(comments) -> None:
    """Each opinion of a page with `masked_contact` (138****1234), `effective_answer` and its reason."""
    for comment in comments:
        comment.masked_contact = mask_contact(comment.contact)
        comment.effective_answer = effective_answer(comment)
        comment.effective_answer_label = (
            OpinionAnswer(comment.effective_answer).label if comment.effective_answer else ""
        )
        comment.effective_reason = effective_answer_reason(comment)


def clauses_with_counts(consultation: Consultation) -> list[Clause]:
    """The draft's clauses in order, each with its text and `opinions` (all received on it, hidden ones included):
    what the workspace shows beside the text. One query."""
    return list(Clause.objects.filter(consultation=consultation).annotate(opinions=Count("comments")).order_by("order"))


def themes_with_counts(consultation: Consultation) -> list[Theme]:
    return list(
        Theme.objects.filter(consultation=consultation)
        .annotate(opinions=Count("comments"))
        .select_related("answered_by")
        .order_by("id")
    )


def consultation_stats(consultation: Consultation) -> dict:
    """The figures the workspace charts: opinions per day received, per clause, per channel and per answer (every
    opinion received; the answers of the visible ones). Four queries."""
    per_day = [
        {"day": row["day"].isoformat(), "count": row["count"]}
        for row in consultation.comments.annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(count=Count("id"))
        .order_by("day")
    ]
    channel_labels = dict(Comment.Channel.choices)
    answer_labels = dict(OpinionAnswer.choices)
    per_clause = [{"label": str(_whole_draft_label()), "count": whole_draft_count(consultation)}] + [
        {"label": row["label"], "count": row["opinions"]} for row in clause_counts(consultation)
    ]
    return {
        "per_day": per_day,
        "per_clause": per_clause,
        "per_channel": [
            {"label": str(channel_labels[key]), "count": count} for key, count in channel_counts(consultation).items()
        ],
        "per_answer": [
            {"label": str(answer_labels[key]), "count": count} for key, count in answer_counts(consultation).items()
        ],
    }


def _whole_draft_label():
    return gettext("The draft as a whole")


def published_report(consultation: Consultation):
    """The consultation's published feedback report (None: not published yet), its themes and opinions labelled in
    the reader's language. It carries receipt numbers, never names or contacts."""
    report = FeedbackReport.objects.filter(consultation=consultation, status=FeedbackReport.Status.PUBLISHED).first()
    if report is None:
        return None
    labels = dict(OpinionAnswer.choices)
    for row in report.facts.get("themes", []) + report.facts.get("opinions", []):
        row["answer_label"] = str(labels.get(row.get("answer", ""), ""))
    return report
