"""The demo's public consultations (demo/scenario/consultations.json), run through participation's services as they
would have gone: set up, opinions online and offline on several clauses, a theme, duplicates, an advertisement
hidden, answers; a closed one with its feedback report approved and published.

The services act now; the demo then moves the period and the opinions' times into the past (`start_days_ago`,
`days_ago`) so that the workspace's figures and the portal read like a consultation under way. The ledger keeps the
real times of the acts."""

import json
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.utils import timezone

from decisions import services as decision_services
from decisions.procedure import StepKind
from decisions.selectors import current_steps
from participation import feedback, services
from participation.models import Comment, Consultation
from workdays.calendar import period_end

SCENARIO = Path(__file__).resolve().parent / "scenario" / "consultations.json"


@cache
def consultation_specs() -> dict:
    return json.loads(SCENARIO.read_text(encoding="utf-8"))


def hold_consultation(walk, decision, name: str) -> Consultation:
    """Run the consultation `name` of the scenario on the decision's participation step (`walk`: a Walkthrough, for
    its cast and its today)."""
    spec = consultation_specs()[name]
    drafter, head, today = walk.cast.drafter, walk.cast.dept_head, walk.today
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    consultation = services.set_up_consultation(
        step=step,
        actor=drafter,
        title=spec["title"],
        draft_text=spec["draft_text"],
        explanation=spec["explanation"],
        questions=spec["questions"],
        channels=spec["channels"],
        comment_start=timezone.localdate(),
        comment_days=spec["days"],
    )
    clauses = {clause.number: clause for clause in consultation.clauses.all()}
    themes = [
        services.create_theme(consultation=consultation, actor=drafter, title=theme["title"])
        for theme in spec["themes"]
    ]
    for number, item in enumerate(spec["opinions"], start=1):
        for copy in range(item.get("duplicate", 1)):
            comment = _opinion(consultation, drafter, item, clauses, f"{decision.pk}.{number}.{copy}")
            moment = timezone.now() - timedelta(days=item["days_ago"], hours=copy)
            Comment.objects.filter(pk=comment.pk).update(submitted_at=moment)
            if "theme" in item:
                services.assign_to_theme(comments=[comment], theme=themes[item["theme"]], actor=drafter)
            if item.get("answer"):
                services.answer_comment(
                    comment=comment, actor=drafter, answer=item["answer"], reason=item.get("reason", "")
                )
            if item.get("hidden"):
                services.hide_comment(comment=comment, actor=head, reason=item["hidden"])
    for theme, theme_spec in zip(themes, spec["themes"], strict=True):
        if theme_spec.get("answer"):
            services.answer_theme(
                theme=theme, actor=drafter, answer=theme_spec["answer"], reason=theme_spec.get("reason", "")
            )
    # The period as the scenario has it: started `start_days_ago`, `days` long (ending on a working day).
    # "ends_today": the last day of comments is today (what the workspace's "due today" shows).
    start = today - timedelta(days=spec["start_days_ago"])
    end = today if spec.get("ends_today") else period_end(start, spec["days"]).value
    Consultation.objects.filter(pk=consultation.pk).update(
        comment_start=start,
        comment_end=end,
        opened_at=timezone.now() - timedelta(days=spec["start_days_ago"]),
    )
    consultation.refresh_from_db()
    decision_services.set_due_date(step, None, "演示数据：征求意见期", record=consultation)
    if spec.get("closed"):
        services.open_and_close_consultations()
        consultation.refresh_from_db()
        feedback.generate_feedback_report(consultation=consultation, actor=drafter)
        feedback.approve_feedback_report(consultation=consultation, actor=head)
    consultation.refresh_from_db()
    return consultation


def _opinion(consultation, drafter, item: dict, clauses: dict, key: str) -> Comment:
    clause = clauses.get(item["clause"]) if item.get("clause") else None
    channel = item.get("channel", Comment.Channel.ONLINE)
    if channel != Comment.Channel.ONLINE:
        return services.enter_offline_opinion(
            consultation=consultation,
            actor=drafter,
            channel=channel,
            name=item["name"],
            contact=item.get("contact", ""),
            organization=item.get("organization", ""),
            text=item["text"],
            clause=clause,
        )
    contact = item["contact"]
    if item.get("duplicate"):  # the same text from several people
        contact = f"{contact[:-2]}{int(key.rsplit('.', 1)[-1]) + 20:02d}"
    return services.submit_comment(
        consultation=consultation,
        name=item["name"],
        contact=contact,
        organization=item.get("organization", ""),
        text=item["text"],
        clause=clause,
        client_address=f"198.51.100.{hash(key) % 250 + 1}",  # documentation addresses
    )
