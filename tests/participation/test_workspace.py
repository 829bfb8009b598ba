"""The consultation's workspace for staff: set up in the browser, opinions clause by clause beside the text, contacts
masked and each reveal recorded, answers and themes, offline entry, the figures, and the feedback report."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services as decision_services
from decisions.registry import transition_input
from demo.walkthrough import pdf_file
from participation import feedback, services
from participation.models import Comment, Consultation, FeedbackReport, Theme
from tests.factories import log_in_in_english

from .helpers import (
    DRAFT,
    attach_the_draft,
    close_it,
    open_consultation,
    opinion,
    participation_step,
    refused_here,
    set_up,
)

pytestmark = pytest.mark.django_db


def workspace_url(step) -> str:
    return reverse("participation:consultation", args=[step.pk])


# ---------------------------------------------------------------- setting up in the browser


def test_the_step_page_links_to_the_workspace(client, world):
    step = participation_step(world)
    page = log_in_in_english(client, world.drafter).get(reverse("manage:step", args=[step.pk]))
    assert workspace_url(step) in page.content.decode()


def test_the_drafter_sets_the_consultation_up_in_the_browser(client, world):
    step = participation_step(world)
    client = log_in_in_english(client, world.drafter)
    page = client.get(workspace_url(step))
    assert page.status_code == 200 and "Set up the consultation" in page.content.decode()
    form = {
        "title": "《示例办法（征求意见稿）》",
        "draft_text": DRAFT,
        "explanation": "起草说明。",
        "channels": "市政府门户网站",
        "comment_start": timezone.localdate().isoformat(),
        "comment_days": "10",
    }
    # Shorter than the organ's minimum (30 days) without a public reason: refused at the field, nothing stored.
    refused = client.post(reverse("participation:consultation_set_up", args=[step.pk]), form)
    assert refused.status_code == 400
    assert "A shorter period needs a published reason" in refused.content.decode()
    assert not Consultation.objects.filter(step=step).exclude(status=Consultation.Status.DRAFT).exists()
    # With the organ's minimum: the end is computed, the draft split into its clauses, opened at once.
    del form["comment_days"]
    done = client.post(reverse("participation:consultation_set_up", args=[step.pk]), form)
    assert done.status_code == 302 and done["Location"] == workspace_url(step)
    consultation = Consultation.objects.get(step=step)
    assert consultation.status == Consultation.Status.OPEN
    assert list(consultation.clauses.filter(number__gt=0).values_list("number", flat=True)) == [1, 2, 3]
    assert (consultation.comment_end - consultation.comment_start).days >= 30
    page = client.get(workspace_url(step)).content.decode()
    assert "第三条" in page and "养犬实行登记制度" in page


def test_a_draft_given_as_word_file_that_is_not_one_is_refused(client, world):
    step = participation_step(world)
    client = log_in_in_english(client, world.drafter)
    fake = SimpleUploadedFile("draft.docx", b"not a zip at all", content_type="application/octet-stream")
    response = client.post(
        reverse("participation:consultation_set_up", args=[step.pk]),
        {
            "title": "草案",
            "explanation": "说明",
            "channels": "门户网站",
            "comment_start": timezone.localdate().isoformat(),
            "draft_file": fake,
        },
    )
    assert response.status_code == 400 and "is not a DOCX file" in response.content.decode()
    assert not Consultation.objects.filter(step=step).exclude(status=Consultation.Status.DRAFT).exists()


def test_a_reader_of_another_organ_does_not_find_the_workspace(client, world):
    step = participation_step(world)
    assert log_in_in_english(client, world.outsider).get(workspace_url(step)).status_code == 404


def test_a_reader_without_a_unit_role_sees_no_set_up_form(client, world):
    step = participation_step(world)
    page = log_in_in_english(client, world.legal_reviewer).get(workspace_url(step))
    assert page.status_code == 200 and 'name="draft_text"' not in page.content.decode()


# ---------------------------------------------------------------- opinions beside the text, masked contacts


def test_opinions_are_counted_per_clause_beside_the_text_with_contacts_masked(client, world):
    consultation = open_consultation(world)
    third = consultation.clauses.get(number=3)
    opinion(consultation, clause=third, contact="13812341234")
    opinion(consultation, clause=third, contact="13912345678", text="登记费用应当公开。")
    opinion(consultation, contact="wang@example.com", text="整体上赞成本办法。")
    client = log_in_in_english(client, world.drafter)
    page = client.get(workspace_url(consultation.step)).content.decode()
    assert f'<a href="?clause={third.pk}#opinions" class="clause-count">2</a>' in page
    assert "138****1234" in page and "w***@example.com" in page
    assert "13812341234" not in page and "wang@example.com" not in page
    only_third = client.get(workspace_url(consultation.step), {"clause": third.pk}).content.decode()
    assert "登记费用应当公开" in only_third and "整体上赞成本办法" not in only_third


def test_revealing_a_contact_is_recorded_and_only_for_the_unit(client, world):
    consultation = open_consultation(world)
    comment = opinion(consultation, contact="13812341234")
    url = reverse("participation:opinion_reveal", args=[comment.pk])
    reader = log_in_in_english(client, world.legal_reviewer)
    assert reader.post(url).status_code == 403
    assert not LedgerEvent.objects.filter(action="comment.contact_revealed").exists()
    page = log_in_in_english(client, world.drafter).post(url)
    assert page.status_code == 200 and "13812341234" in page.content.decode()
    event = LedgerEvent.objects.get(action="comment.contact_revealed")
    assert event.actor == world.drafter and event.after == {"receipt_number": comment.receipt_number}
    assert "13812341234" not in str(event.after)


def test_the_workspace_list_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    consultation = open_consultation(world)
    clauses = list(consultation.clauses.all())
    theme = services.create_theme(consultation=consultation, actor=world.drafter, title="登记")
    comments = [
        Comment(
            consultation=consultation,
            clause=clauses[number % 3] if number % 4 else None,
            receipt_number=f"YJ-2026-TEST{number:04d}",
            name="市民",
            contact=f"1381234{number:04d}",
            text=f"第{number}条意见",
            duplicate_key=f"{number}",
            theme=theme if number % 5 == 0 else None,
        )
        for number in range(120)
    ]
    Comment.objects.bulk_create(comments)
    client = log_in_in_english(client, world.drafter)
    with django_assert_max_num_queries(45):
        page = client.get(workspace_url(consultation.step))
    assert page.status_code == 200 and "Page 1 of 3" in page.content.decode()


# ---------------------------------------------------------------- answers, themes, moderation from the page


def test_answering_from_the_page_needs_a_reason_unless_adopted(client, world):
    consultation = open_consultation(world)
    comment = opinion(consultation)
    client = log_in_in_english(client, world.drafter)
    url = reverse("participation:opinion_answer", args=[comment.pk])
    refused = client.post(url, {"answer": "not_adopted", "reason": ""}, follow=True)
    assert "is answered with the reason" in refused.content.decode()
    comment.refresh_from_db()
    assert comment.answer == ""
    client.post(url, {"answer": "not_adopted", "reason": "与上位法不符。"})
    comment.refresh_from_db()
    assert comment.answer == "not_adopted" and comment.answer_reason == "与上位法不符。"


def test_themes_group_opinions_and_answer_them_at_once(client, world):
    consultation = open_consultation(world)
    first, second = opinion(consultation), opinion(consultation, contact="13912345678", text="同样建议放宽登记。")
    client = log_in_in_english(client, world.drafter)
    client.post(reverse("participation:theme_create", args=[consultation.pk]), {"title": "登记条件"})
    theme = Theme.objects.get(consultation=consultation)
    client.post(
        reverse("participation:theme_assign", args=[consultation.pk]),
        {"theme": theme.pk, "comments": [first.pk, second.pk]},
    )
    assert set(theme.comments.values_list("pk", flat=True)) == {first.pk, second.pk}
    client.post(reverse("participation:theme_answer", args=[theme.pk]), {"answer": "adopted"})
    page = client.get(workspace_url(consultation.step)).content.decode()
    assert page.count("(by its theme)") == 2


def test_hiding_from_the_page_needs_a_reason(client, world):
    consultation = open_consultation(world)
    comment = opinion(consultation)
    client = log_in_in_english(client, world.drafter)
    refused = client.post(reverse("participation:opinion_hide", args=[comment.pk]), {"reason": ""}, follow=True)
    assert "Hiding an opinion needs a reason" in refused.content.decode()
    client.post(reverse("participation:opinion_hide", args=[comment.pk]), {"reason": "广告"})
    assert Comment.objects.get(pk=comment.pk).is_hidden


def test_an_offline_opinion_entered_from_the_page(client, world):
    consultation = open_consultation(world)
    client = log_in_in_english(client, world.drafter)
    url = reverse("participation:opinion_add", args=[consultation.pk])
    refused = client.post(url, {"channel": "symposium", "name": "李代表", "text": "短"})
    assert refused.status_code == 400 and "An opinion has 5 to 5000 characters" in refused.content.decode()
    assert not Comment.objects.exists()
    done = client.post(url, {"channel": "symposium", "name": "李代表", "text": "座谈会上建议增设犬只活动区域。"})
    assert done.status_code == 302
    assert Comment.objects.get().channel == Comment.Channel.SYMPOSIUM


def test_the_figures_are_on_the_page_for_the_charts(client, world):
    consultation = open_consultation(world)
    opinion(consultation, clause=consultation.clauses.get(number=1))
    page = log_in_in_english(client, world.drafter).get(workspace_url(consultation.step)).content.decode()
    assert 'id="consultation-stats"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert 'id="chart-per-clause"' in page and 'id="chart-per-answer"' in page


# ---------------------------------------------------------------- attachments


def test_an_opinion_may_carry_a_checked_attachment_the_unit_opens(client, world):
    consultation = open_consultation(world)
    with refused_here("upload.type", None):
        opinion(consultation, attachment=SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/x"))
    with refused_here("upload.content", None):
        opinion(consultation, attachment=SimpleUploadedFile("fake.pdf", b"<html>", content_type="application/pdf"))
    comment = opinion(consultation, attachment=pdf_file("意见.pdf"))
    assert comment.attachment_name == "意见.pdf" and comment.attachment_type == "application/pdf"
    url = reverse("participation:opinion_attachment", args=[comment.pk])
    assert log_in_in_english(client, world.legal_reviewer).get(url).status_code == 403
    download = log_in_in_english(client, world.drafter).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_portal_form_takes_an_attachment(client, world):
    consultation = open_consultation(world)
    response = client.post(
        reverse("portal:consultation", args=[consultation.pk]),
        {
            "name": "王市民",
            "contact": "13812341234",
            "text": "附件中是详细意见。",
            "attachment": pdf_file("详细意见.pdf"),
        },
    )
    assert response.status_code == 200
    assert Comment.objects.get().attachment_name == "详细意见.pdf"


# ---------------------------------------------------------------- the feedback report


def closed_with_answers(world):
    consultation = open_consultation(world)
    first = opinion(consultation, clause=consultation.clauses.get(number=3))
    second = opinion(consultation, contact="13912345678", text="建议取消登记费用。")
    close_it(consultation)
    return consultation, first, second


def test_the_report_waits_for_the_close_and_for_every_answer(world):
    consultation = open_consultation(world)
    opinion(consultation)
    with refused_here("feedback.not_closed", consultation.step.decision, says="once it has closed", status=409):
        feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)
    close_it(consultation)
    with refused_here("participation.unanswered", consultation.step.decision, says="1 opinion received has no"):
        feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)


def test_the_report_is_approved_by_another_person_and_published(client, world):
    consultation, first, second = closed_with_answers(world)
    services.answer_comment(comment=first, actor=world.drafter, answer="adopted")
    services.answer_comment(comment=second, actor=world.drafter, answer="not_adopted", reason="登记费用已取消。")
    report = feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)
    assert report.facts["received"] == 2 and report.facts["answers"]["adopted"] == 1
    assert report.facts["channels"]["online"] == 2
    assert {row["receipt_number"] for row in report.facts["opinions"]} == {first.receipt_number, second.receipt_number}
    assert "王市民" not in str(report.facts) and "13812341234" not in str(report.facts)
    # Not approved by its author; not by the drafter at all (the head approves).
    with refused_here("permission.role", consultation.step.decision, status=403):
        feedback.approve_feedback_report(consultation=consultation, actor=world.drafter)
    # The portal shows nothing of it before it is published.
    portal = reverse("portal:consultation", args=[consultation.pk])
    assert "How the opinions were answered" not in client.get(portal, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    feedback.approve_feedback_report(consultation=consultation, actor=world.head)
    report.refresh_from_db()
    assert report.status == FeedbackReport.Status.PUBLISHED and report.approved_by == world.head
    consultation.refresh_from_db()
    assert consultation.comments_received == 2 and consultation.feedback_summary == report.summary
    page = client.get(portal, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How the opinions were answered" in page and second.receipt_number in page and "登记费用已取消。" in page
    assert "王市民" not in page and "13812341234" not in page
    with refused_here("feedback.published", consultation.step.decision, status=409):
        feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)


def test_a_head_who_generated_the_report_does_not_approve_it(world):
    consultation, first, second = closed_with_answers(world)
    services.answer_comment(comment=first, actor=world.head, answer="adopted")
    services.answer_comment(comment=second, actor=world.head, answer="adopted")
    # The head may work on the step too (the unit's roles): generated by the drafter, approved by the head.
    feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)
    FeedbackReport.objects.filter(consultation=consultation).update(generated_by=world.head)
    with refused_here("permission.two_person", consultation.step.decision, says="Two-person rule", status=403):
        feedback.approve_feedback_report(consultation=consultation, actor=world.head)


def test_a_report_overtaken_by_a_new_answer_is_generated_again(world):
    consultation, first, second = closed_with_answers(world)
    services.answer_comment(comment=first, actor=world.drafter, answer="adopted")
    services.answer_comment(comment=second, actor=world.drafter, answer="adopted")
    feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)
    services.answer_comment(comment=second, actor=world.drafter, answer="partly_adopted", reason="部分采纳。")
    with refused_here("feedback.stale", consultation.step.decision, says="generate it again"):
        feedback.approve_feedback_report(consultation=consultation, actor=world.head)


def test_the_published_report_starts_the_publications_explanation(world):
    consultation, first, second = closed_with_answers(world)
    for comment in (first, second):
        services.answer_comment(comment=comment, actor=world.drafter, answer="adopted")
    feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)
    report = feedback.approve_feedback_report(consultation=consultation, actor=world.head)
    form = transition_input("publish").form(consultation.step.decision)
    assert form.initial["opinions_explanation"] == report.summary
    assert form["opinions_explanation"].value() == report.summary


def test_the_step_is_submitted_once_the_report_is_published(world):
    consultation, first, second = closed_with_answers(world)
    for comment in (first, second):
        services.answer_comment(comment=comment, actor=world.drafter, answer="adopted")
    step = consultation.step
    attach_the_draft(world, step)
    with refused_here("participation.no_feedback_report", step.decision, says="feedback report"):
        decision_services.submit_step(step=step, actor=world.drafter)
    feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)
    feedback.approve_feedback_report(consultation=consultation, actor=world.head)
    decision_services.submit_step(step=step, actor=world.drafter)


def test_a_consultation_set_up_to_start_later_shows_it(client, world):
    step = participation_step(world)
    set_up(world, step, comment_start=timezone.localdate() + timedelta(days=3))
    page = log_in_in_english(client, world.drafter).get(workspace_url(step)).content.decode()
    assert "Change the consultation before it opens" in page and "Scheduled" in page
