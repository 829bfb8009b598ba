"""axe-core (axe-playwright-python bundles axe.min.js: nothing downloaded at run time) in Debian chromium: no
"critical" or "serious" violation on any page.

The first test checks the login page, the staff home, a decision page, a step page and the 404 page on the small
factory world. The second builds the demo city (as seed_demo does: every state of the procedure is there) and
crawls, as each demo role, every staff page reachable from the navigation and from the pages it leads to (one
page per URL shape; a decision page per state, a step page per step status), then every portal page as an
anonymous visitor; every violation is reported with its rule id, its targets and the URL."""

import re
import time
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from decisions.models import Decision, Step
from decisions.procedure import StepKind
from decisions.selectors import current_steps
from tests.e2e.test_step_approval_flow import log_in
from tests.factories import make_decision, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"critical", "serious"}
AXE = Axe()


def serious_violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node.get("target") else "?" for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING
    ]


def test_no_serious_accessibility_violations(live_server, page):
    world = make_world()
    decision = make_decision(world)
    step = current_steps(decision)[StepKind.RISK_ASSESSMENT]
    base = live_server.url
    found = {}

    page.goto(base + reverse("login"))
    found["login"] = serious_violations(page)
    log_in(page, base, "drafter")
    found["home"] = serious_violations(page)
    for name, url in (
        ("decision", reverse("manage:decision", args=[decision.pk])),
        ("step", reverse("manage:step", args=[step.pk])),
        ("404", "/manage/decisions/999999/"),
    ):
        page.goto(base + url)
        found[name] = serious_violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}


# ---------------------------------------------------------------- the crawl

STRUCTURE = """() => {
    const problems = [];
    const h1 = document.querySelectorAll("h1").length;
    if (h1 !== 1) problems.push(`${h1} h1 elements (one per page)`);
    for (const name of ["header", "main", "footer"]) {
        if (document.querySelectorAll(`body > ${name}`).length !== 1) problems.push(`no single <${name}> landmark`);
    }
    if (!document.querySelector("body > header nav[aria-label]")) problems.push("no labelled navigation in the header");
    const skip = document.querySelector("body > a.skip-link:first-child");
    const target = skip && document.getElementById(skip.getAttribute("href").slice(1));
    if (!target || target.tagName !== "MAIN") problems.push("no skip link to the main content first in the page");
    return problems;
}"""


def structure_problems(page) -> list[str]:
    """What axe-core leaves to judgement, asked of every page: one h1, the landmarks, the skip link."""
    return [f"structure: {problem}" for problem in page.evaluate(STRUCTURE)]


# One login per role of the demo city (the departments' second drafters and heads add no page of their own).
DEMO_ROLES = (
    "drafter",
    "head",
    "gov",
    "legal",
    "expert",
    "evaluator",
    "supervisor",
    "sysadmin",
    "secadmin",
    "auditadmin",
)
# Links never followed: downloads (not HTML), the Django admin, the API, logging out, notices' redirects.
SKIP = re.compile(
    r"^/(admin|api|feeds|language|i18n)/|/download/$|^/documents/|^/accounts/logout/|^/manage/notices/\d+/$"
    r"|\.(csv|json|xml|rss|atom|pdf|xlsx|ods|txt|zip)$"
)
# The decision page again with the ledger's codes shown or its next page: the same page, only slower to check.
SAME_PAGE = re.compile(r"^/manage/decisions/\d+/\?(codes|events_page)=")
DECISION = re.compile(r"^/manage/decisions/(\d+)/$")
STEP = re.compile(r"^/manage/steps/(\d+)/$")
PORTAL_DECISION = re.compile(r"^/decisions/(\d+)/$")
TRANSITION = re.compile(r"^/manage/decisions/\d+/do/([\w-]+)/$")


def shape(url: str) -> str:
    """The URL's shape: numbers replaced, the query's names kept (one page per shape is enough)."""
    parts = urlsplit(url)
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(names) if names else "")


class Crawl:
    def __init__(self, page, base: str):
        self.page = page
        self.base = base
        self.seen_keys: set[str] = set()  # across roles: a decision per state, a step per status, a transition
        self.visited: list[str] = []
        self.seconds: dict[str, float] = {}
        self.problems: dict[str, list[str]] = {}
        self.decision_status = dict(Decision.objects.values_list("pk", "status"))
        self.step_status = dict(Step.objects.values_list("pk", "status"))

    def key(self, path: str, who: str) -> str | None:
        """What this page stands for; None when a page standing for the same was checked already."""
        if match := DECISION.match(path):
            key = f"decision:{self.decision_status.get(int(match[1]))}"
        elif match := STEP.match(path):
            key = f"step:{self.step_status.get(int(match[1]))}"
        elif match := PORTAL_DECISION.match(path):
            key = f"portal:{self.decision_status.get(int(match[1]))}"
        elif match := TRANSITION.match(path):
            key = f"transition:{match[1]}"
        elif urlsplit(path).path in (reverse("manage:home"), reverse("manage:decisions")):
            key = f"{who}:{shape(path)}"  # each role's home and list are its own (and lead to its own decisions)
        else:
            key = shape(path)  # the same page for every role but for what it lists
        if key in self.seen_keys:
            return None
        self.seen_keys.add(key)
        return key

    def links(self, *, staff: bool) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        found = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc != urlsplit(self.base).netloc:
                continue
            path = parts.path + ("?" + parts.query if parts.query else "")
            if SKIP.search(parts.path) or SAME_PAGE.match(path) or parts.path.startswith("/manage/") != staff:
                continue
            found.append(path)
        return found

    def check(self, path: str) -> None:
        started = time.monotonic()
        try:
            self._check(path)
        finally:
            self.seconds[path] = time.monotonic() - started

    def _check(self, path: str) -> None:
        try:
            response = self.page.goto(self.base + path) or self.page.reload()  # None: only the #fragment changed
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                return  # a file, not a page
            raise
        self.visited.append(path)
        if response is None or response.status >= 500:
            self.problems[path] = [f"HTTP {response and response.status}: the page did not render"]
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return  # a feed, a sitemap, a file: not a page
        problems = serious_violations(self.page) + structure_problems(self.page)
        if problems:
            self.problems[path] = problems

    def crawl(self, start: str, who: str, *, staff: bool, limit: int = 60) -> None:
        queue = [start]
        count = 0
        while queue and count < limit:
            path = queue.pop(0)
            if self.key(path, who) is None:
                continue
            self.check(path)
            count += 1
            queue.extend(link for link in self.links(staff=staff) if link not in queue)


def build_demo_city():
    """The whole demo city, as `seed_demo` builds it: every state of the procedure, the notices, the catalogs."""
    from demo.city import DemoCity

    DemoCity().build()


def speak(page, base: str, language: str) -> None:
    """A fresh browser session in `language` (Chromium would otherwise ask for en-US)."""
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


def demo_log_in(page, base: str, username: str, language: str = "zh-hans") -> None:
    from demo.city import PASSWORD

    speak(page, base, language)
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/$"))


def test_every_page_as_every_role(live_server, page):
    started = time.monotonic()
    build_demo_city()
    from notifications.follow import request_follow
    from notifications.models import Follow

    published = Decision.objects.filter(status="published").first()
    if published is not None:
        request_follow(email="reader@example.com", decision=published)
    base = live_server.url
    crawl = Crawl(page, base)
    built = time.monotonic() - started

    # The portal, as anyone, in Chinese: home, every linked page (a decision page per state), the follow pages.
    speak(page, base, "zh-hans")
    crawl.crawl("/", "anonymous", staff=False)
    crawl.crawl(reverse("login"), "anonymous", staff=False, limit=1)
    crawl.crawl("/manage/decisions/999999/", "anonymous", staff=False, limit=1)
    follow = Follow.objects.order_by("pk").first()
    if follow is not None:
        crawl.crawl(reverse("portal:follow_confirm", args=[follow.token]), "anonymous", staff=False, limit=1)
        crawl.crawl(reverse("portal:follow_unsubscribe", args=[follow.token]), "anonymous", staff=False, limit=1)

    # The staff workspace, as each role, in Chinese.
    for username in DEMO_ROLES:
        demo_log_in(page, base, username)
        crawl.crawl(reverse("manage:home"), username, staff=True)
    assert page.evaluate("document.documentElement.lang") == "zh-hans"

    # The same frames in English (the language switch, the navigation's words and widths).
    demo_log_in(page, base, "drafter", "en")
    for path in (reverse("manage:home"), reverse("manage:decisions"), reverse("manage:rules")):
        crawl.check(path + "#en")
    speak(page, base, "en")
    crawl.check("/#en")
    assert page.evaluate("document.documentElement.lang") == "en"

    states = set(crawl.decision_status.values())
    checked = {key.split(":")[1] for key in crawl.seen_keys if key.startswith("decision:")}
    print(f"\naxe-core: {len(crawl.visited)} pages in {time.monotonic() - started:.0f} s (demo city {built:.0f} s)")
    print(
        f"decision pages: {len(checked & states)} of the {len(states)} states present; not reached: {states - checked}"
    )
    for path in crawl.visited:
        print(f"   {crawl.seconds.get(path, 0):4.1f} s  {path}")
    report = "\n".join(f"{base}{path}\n    " + "\n    ".join(problems) for path, problems in crawl.problems.items())
    assert not crawl.problems, f"serious or critical axe-core violations:\n{report}"


# ---------------------------------------------------------------- the keyboard

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {tag: element.tagName, id: element.id, cls: element.className, name: element.getAttribute("name"),
            outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
            top: box.top, height: box.height};
}"""


def test_keyboard_reaches_the_content_and_shows_the_focus(live_server, page):
    """Tab first reaches the skip link, shown on screen; Enter moves to the main content; every control on the way
    (the navigation, the language switch, logging out) is reached by Tab and shows a visible focus ring."""
    make_world()
    base = live_server.url
    log_in(page, base, "drafter")
    for start in (reverse("manage:home"), reverse("portal:home")):
        page.goto(base + start)
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert "skip-link" in focused["cls"], (start, focused)
        assert focused["top"] >= 0 and focused["height"] > 0, f"{start}: the skip link stays off screen when focused"
        assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, (start, focused)
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#content"

    page.goto(base + reverse("manage:home"))
    reached = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        reached.append(focused)
        assert focused["outline"] != "none", f"no visible focus on {focused}"
        if focused["tag"] == "MAIN" or focused["cls"] == "button primary":
            break
    names = {item["name"] for item in reached}
    assert "language" in names, reached  # the language switch's buttons
    assert any(item["cls"] == "link" for item in reached), reached  # log out
