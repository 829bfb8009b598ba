"""In Debian chromium, a public consultation through its pages only: the drafter sets it up in the workspace (the draft
pasted, split into clauses), a citizen comments on clause 3 on the portal and keeps the receipt number, the drafter
sees the opinion counted beside clause 3 with the contact masked and answers it, and the citizen reads the answer
with the receipt number and the contact."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation

from accountability.models import LedgerEvent
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to
from participation.models import Comment, Consultation
from tests.e2e.test_step_approval_flow import log_in, log_out
from tests.factories import make_decision, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT = """第一章 总则
第一条 为了规范养犬行为，保障公民健康和人身安全，制定本办法。
第二条 本市行政区域内的养犬管理，适用本办法。
第二章 登记
第三条 养犬实行登记制度。个人养犬应当向居住地公安派出所办理登记。
第四条 养犬人应当为犬只接种狂犬病疫苗。
"""
CONTACT = "13812341234"


@pytest.fixture(autouse=True)
def _chinese_pages(live_server, page):
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}]
    )


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = str(translation.gettext(message))
    return text % values if values else text


def test_a_citizen_comments_on_clause_3_and_reads_the_answer_by_receipt(live_server, page):
    world = make_world()
    decision = drive_to(make_decision(world, title="示例市养犬管理办法"), State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    base = live_server.url

    # The drafter sets the consultation up from the step's page.
    log_in(page, base, "drafter")
    page.goto(base + reverse("manage:step", args=[step.pk]))
    page.click(f"a[href$='{reverse('participation:consultation', args=[step.pk])}']")
    page.fill("#id_title", "《示例市养犬管理办法（征求意见稿）》")
    page.fill("#id_draft_text", DRAFT)
    page.fill("#id_explanation", "为解决养犬扰民问题，起草本办法。")
    page.fill("#id_channels", "市政府门户网站")
    page.fill("#id_comment_start", timezone.localdate().isoformat())
    page.click("#set-up button.primary")
    page.wait_for_url(re.compile(rf"/manage/participation/steps/{step.pk}/consultation/$"))
    assert zh("Open for comments") in page.locator("#consultation-status").inner_text()
    consultation = Consultation.objects.get(step=step)
    third = consultation.clauses.get(number=3)
    log_out(page)

    # A citizen comments on clause 3 from the portal and keeps the receipt number.
    page.goto(base + reverse("portal:consultation", args=[consultation.pk]))
    page.locator(f"#clause-3 a[href*='clause={third.pk}']").click()
    assert page.locator("#id_clause").input_value() == str(third.pk)
    page.fill("#id_text", "建议明确登记的办理期限，例如五个工作日内办结。")
    page.fill("#id_name", "王市民")
    page.fill("#id_contact", CONTACT)
    page.click("#comment button.primary")
    receipt = Comment.objects.get().receipt_number
    assert receipt in page.content()
    assert Comment.objects.get().clause == third

    # The drafter sees it beside clause 3, the contact masked, and answers it.
    log_in(page, base, "drafter")
    page.goto(base + reverse("participation:consultation", args=[step.pk]))
    assert page.locator(f"#clause-{third.pk} .clause-count").inner_text() == "1"
    assert "138****1234" in page.content() and CONTACT not in page.content()
    pk = Comment.objects.get().pk
    opinion = page.locator(f"#opinion-{pk}")
    opinion.locator("summary", has_text=zh("Answer")).first.click()
    page.select_option(f"#answer-{pk}", "partly_adopted")
    page.fill(f"#reason-{pk}", "已增加“五个工作日内办结”的规定，材料齐全的当场办结。")
    opinion.locator("form[action$='/answer/'] button").click()
    page.wait_for_url(re.compile(rf"/manage/participation/steps/{step.pk}/consultation/$"))
    assert Comment.objects.get().answer == "partly_adopted"
    assert not LedgerEvent.objects.filter(action="comment.contact_revealed").exists()
    log_out(page)

    # The citizen reads the answer with the receipt number and the contact.
    page.goto(base + reverse("portal:consultation_receipt"))
    page.fill("#id_receipt_number", receipt)
    page.fill("#id_contact", CONTACT)
    page.locator("form[action$='/consultations/receipt/'] button").click()
    text = page.content()
    assert zh("Partly adopted") in text and "五个工作日内办结" in text
