"""In Debian chromium, the annual catalog's path through its pages only: the government office compiles the catalog
of its organ and sends it to review, the legal office returns one entry and approves both, the government office
records the executive meeting (each member's view, the head last) and publishes version 1; a citizen then finds the
养老 entry on the portal by the two-character keyword, opens its page (the decision's progress: in the catalog) and
follows it by e-mail."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import Catalog, CatalogEntry, CatalogVersion
from decisions.procedure import State
from notifications.models import Follow, OutgoingMail
from tests.e2e.test_step_approval_flow import log_in, log_out
from tests.factories import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELDERLY = "关于推进居家养老服务设施建设的决定"
BUSES = "关于优化城市公交线网的决定"
CITIZEN = "citizen@example.com"


@pytest.fixture(autouse=True)
def _chinese_pages(live_server, page):
    """The browser asks for the site's own language (chromium's default would be English)."""
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}]
    )


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = str(translation.gettext(message))
    return text % values if values else text


def status_shown(page) -> str:
    return page.locator("dl.facts .status").inner_text().strip()


def message_shown(page) -> str:
    return page.locator("ul.messages").inner_text()


def row(page, title):
    return page.locator("table.list tbody tr", has_text=title)


def add_entry(page, catalog, world, title, summary):
    page.click(f"a.button[href$='{reverse('catalog:entry_add', args=[catalog.pk])}']")
    page.wait_for_url(re.compile(rf"/manage/catalogs/{catalog.pk}/entries/new/$"))
    page.fill("#id_title", title)
    page.fill("#id_summary", summary)
    page.select_option("#id_scope_category", "public_policy")
    page.select_option("#id_undertaking_unit", str(world.transport.pk))
    page.click("form button.primary")
    page.wait_for_url(re.compile(rf"/manage/catalogs/{catalog.pk}/$"))
    assert zh("Entry added.") in message_shown(page)
    assert zh("Being compiled") in row(page, title).inner_text()


def give_verdict(page, catalog, title, verdict, comment=""):
    entry_row = row(page, title)
    entry_row.locator(f"input[name=verdict][value={verdict}]").check()
    if comment:
        entry_row.locator("textarea[name=comment]").fill(comment)
    entry_row.locator("button", has_text=zh("Record the verdict")).click()
    page.wait_for_url(re.compile(rf"/manage/catalogs/{catalog.pk}/$"))
    assert zh("Verdict recorded.") in message_shown(page)


def test_a_catalog_goes_from_compiling_to_a_citizen_following_it(live_server, page):
    world = make_world()
    base = live_server.url
    year = timezone.localdate().year

    # 1. The government office starts its organ's catalog, adds two entries and sends it to the legal office.
    log_in(page, base, "gov")
    page.click(f"header a[href$='{reverse('catalog:list')}']")
    page.wait_for_url(re.compile(r"/manage/catalogs/$"))
    page.fill("#id_year", str(year))
    page.click(f"form[action$='{reverse('catalog:create')}'] button.primary")
    page.wait_for_url(re.compile(r"/manage/catalogs/\d+/$"))
    catalog = Catalog.objects.get(organ=world.city, year=year)
    assert zh("Catalog %(year)s started.", year=year) in message_shown(page)
    assert status_shown(page) == zh("Being compiled")

    add_entry(page, catalog, world, ELDERLY, "新建社区养老服务站，推进居家养老。")
    add_entry(page, catalog, world, BUSES, "调整公交线路，提高公交分担率。")
    page.click("form[action$='/do/send-to-review/'] button")
    page.wait_for_url(re.compile(rf"/manage/catalogs/{catalog.pk}/$"))
    assert zh("Sent to the legal office for review.") in message_shown(page)
    assert status_shown(page) == zh("In legality review")
    assert zh("Awaiting the legal office") in row(page, ELDERLY).inner_text()
    log_out(page)

    # 2. The legal office approves the first entry and returns the second with a comment.
    log_in(page, base, "legal")
    page.goto(base + reverse("catalog:detail", args=[catalog.pk]))
    give_verdict(page, catalog, ELDERLY, "approve")
    give_verdict(page, catalog, BUSES, "return", "请写明承办单位的法定职责依据。")
    assert zh("Approved by the legal office") in row(page, ELDERLY).inner_text()
    returned = row(page, BUSES).inner_text()
    assert zh("Returned by the legal office") in returned and "请写明承办单位的法定职责依据。" in returned
    log_out(page)

    # The government office fixes the returned entry (it awaits the legal office again), which approves it.
    log_in(page, base, "gov")
    page.goto(base + reverse("catalog:detail", args=[catalog.pk]))
    row(page, BUSES).get_by_role("link", name=zh("Change")).click()
    page.wait_for_url(re.compile(r"/manage/catalogs/entries/\d+/edit/$"))
    page.fill("#id_legal_basis", "《重大行政决策程序暂行条例》第三条")
    page.click("form button.primary")
    page.wait_for_url(re.compile(rf"/manage/catalogs/{catalog.pk}/$"))
    assert zh("Entry changed.") in message_shown(page)
    assert zh("Awaiting the legal office") in row(page, BUSES).inner_text()
    log_out(page)

    log_in(page, base, "legal")
    page.goto(base + reverse("catalog:detail", args=[catalog.pk]))
    give_verdict(page, catalog, BUSES, "approve")
    assert zh("Approved by the legal office") in row(page, BUSES).inner_text()
    assert set(catalog.entries.values_list("review_status", flat=True)) == {CatalogEntry.Review.APPROVED}
    log_out(page)

    # 3. The government office records the executive meeting's approval and publishes the catalog.
    log_in(page, base, "gov")
    page.goto(base + reverse("catalog:detail", args=[catalog.pk]))
    approval = f"form[action$='{reverse('catalog:approval', args=[catalog.pk])}']"
    page.fill(f"{approval} #id_meeting_name", "市政府第12次常务会议")
    page.fill(f"{approval} #id_meeting_date", timezone.localdate().isoformat())
    page.fill(f"{approval} #id_members_total", "5")
    page.fill(f"{approval} #id_head_name", "王市长")
    page.fill(f"{approval} #id_head_statement", "原则同意，按程序公布。")
    page.select_option(f"{approval} #id_outcome", "adopted")
    for number, (member, view) in enumerate([("陈副市长", "agree"), ("刘副市长", "agree")]):
        page.fill(f"{approval} #id_members-{number}-name", member)
        page.select_option(f"{approval} #id_members-{number}-view", view)
    page.click(f"{approval} button.primary")
    page.wait_for_url(re.compile(rf"/manage/catalogs/{catalog.pk}/$"))
    assert zh("The meeting's approval is recorded.") in message_shown(page)
    assert status_shown(page) == zh("Approved, to be published")
    assert "市政府第12次常务会议" in page.locator("dl.facts").inner_text()

    page.click("form[action$='/do/publish/'] button.primary")
    page.wait_for_url(re.compile(rf"/manage/catalogs/{catalog.pk}/$"))
    assert zh("The catalog is published.") in message_shown(page)
    assert status_shown(page) == zh("Published")
    assert zh("Version %(number)s", number=1) in page.locator("body").inner_text()
    version = CatalogVersion.objects.get(catalog=catalog)
    assert version.number == 1 and [e["title"] for e in version.entries] == [ELDERLY, BUSES]
    elderly = catalog.entries.select_related("decision").get(title=ELDERLY).decision
    assert elderly is not None and elderly.status == State.CATALOGED
    log_out(page)

    # 4. A citizen (no login) finds the catalog on the portal, filters it for 养老, opens the entry's page (its
    # progress) and follows it by e-mail.
    page.goto(base + reverse("portal:catalogs"))
    page.click(f"a[href$='{reverse('portal:catalog', args=[world.city.pk, year])}']")
    page.wait_for_url(re.compile(rf"/catalogs/{world.city.pk}/{year}/$"))
    published_on = timezone.localtime(version.published_at).date().isoformat()
    assert zh("Version %(n)s, published %(date)s", n=1, date=published_on) in page.locator("p.meta").inner_text()
    assert page.locator("table.portal-entries tbody tr[id^=entry-]").count() == 2

    page.fill("#id_q", "养老")
    page.click("form.portal-filters button.primary")
    page.wait_for_url(re.compile(r"\?.*q=%E5%85%BB%E8%80%81"))
    entries = page.locator("table.portal-entries tbody tr[id^=entry-]")
    assert entries.count() == 1
    found = entries.first.inner_text()
    assert ELDERLY in found and BUSES not in found
    assert zh(State.CATALOGED.label) in found  # its decision: in the catalog

    entries.first.get_by_role("link", name=ELDERLY).click()
    page.wait_for_url(re.compile(rf"/decisions/{elderly.pk}/$"))
    assert zh(State.CATALOGED.label) in page.locator("article").inner_text()
    follow_form = f"form[action$='{reverse('portal:follow_decision', args=[elderly.pk])}']"
    page.fill(f"{follow_form} #id_email", CITIZEN)
    page.click(f"{follow_form} button.primary")
    page.wait_for_url(re.compile(rf"/decisions/{elderly.pk}/#follow$"))
    assert zh(
        "Thank you. If the address can receive mail, a message to confirm is on its way: check your mail (and "
        "its spam folder). Nothing else is sent until you confirm."
    ) in message_shown(page)

    follow = Follow.objects.get(email=CITIZEN, decision=elderly)
    assert follow.confirmed_at is None and follow.unsubscribed_at is None
    mail = OutgoingMail.objects.get(key=f"follow-confirm:{follow.pk}:1")
    assert mail.to == CITIZEN and mail.sent_at is None
    assert CITIZEN not in page.content()  # the address is never shown
