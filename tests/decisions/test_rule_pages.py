"""What each rule means: /manage/rules/ explains the seven ordering rules, with the organ's numbers."""

import pytest
from django.urls import reverse

from decisions import services
from decisions.procedure import State
from decisions.rules import RULES, rule_number
from demo.walkthrough import drive_to, pdf_file
from tests.factories import log_in_in_english as login

pytestmark = pytest.mark.usefixtures("english")


def test_rule_number_reads_the_code():
    assert rule_number("rule1.steps_not_done") == 1
    assert rule_number("rule7.in_force") == 7
    assert rule_number("legality.no_pending_request") is None
    assert rule_number("rule8.nothing") is None
    assert rule_number(None) is None


def test_the_index_lists_seven_rules(client, world):
    login(client, world.drafter)
    response = client.get(reverse("manage:rules"))
    assert response.status_code == 200
    content = response.content.decode()
    assert [rule.number for rule in RULES] == [1, 2, 3, 4, 5, 6, 7]
    for number in range(1, 8):
        assert reverse("manage:rule", args=[number]) in content
    assert "Rule 7 · A decision in force changes or stops only through the procedure" in content


@pytest.mark.parametrize(
    ("number", "article", "field"),
    [
        (1, "Decree 713 Art. 25–28; Art. 14–24", None),
        (2, "Decree 713 Art. 26", "min_review_working_days"),
        (3, "Decree 713 Art. 15–16", "min_comment_days"),
        (4, "Decree 713 Art. 30–31", "meeting_quorum_percent"),
        (5, "Decree 713 Art. 32–34; Art. 8", None),
        (6, "Decree 713 Art. 36; local evaluation rules", "evaluation_after_months"),
        (7, "Decree 713 Art. 35–37", "adjustment_after_evaluation_days"),
    ],
)
def test_each_rule_page_shows_its_article_checks_and_numbers(client, world, number, article, field):
    login(client, world.drafter)
    response = client.get(reverse("manage:rule", args=[number]))
    assert response.status_code == 200
    content = response.content.decode()
    rule = RULES[number - 1]
    assert article in content
    assert str(rule.title) in content
    for check in rule.checks:
        assert f"<code>{check.name}</code>" in content
    if field:
        assert f"<code>{field}</code>" in content


def test_a_rule_page_shows_the_organs_current_values(client, world):
    login(client, world.drafter)
    url = reverse("manage:rule", args=[3])
    assert "<strong>30</strong>" in client.get(url).content.decode()  # Decree 713's thirty days
    services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, min_comment_days=45)
    content = client.get(url).content.decode()
    assert "<strong>45</strong>" in content and "<strong>30</strong>" not in content
    assert "minimum public comment period (days)" in content

    services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, evaluation_after_months=18)
    assert "<strong>18</strong>" in client.get(reverse("manage:rule", args=[6])).content.decode()


def test_rule_one_names_the_steps_required_by_default(client, world):
    login(client, world.drafter)
    content = client.get(reverse("manage:rule", args=[1])).content.decode()
    assert "steps required by default" in content
    assert "<code>default_required_steps</code>" in content


def test_unknown_rule_is_not_found(client, world):
    login(client, world.drafter)
    assert client.get(reverse("manage:rule", args=[8])).status_code == 404
    assert client.get(reverse("manage:rule", args=[0])).status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    for url in (reverse("manage:rules"), reverse("manage:rule", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_a_refused_transition_links_to_its_rule(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    login(client, world.drafter)
    content = client.get(reverse("manage:decision", args=[decision.pk])).content.decode()
    assert "Rule 1: legality review can be requested only when every required pre-discussion step is done" in content
    assert f'href="{reverse("manage:rule", args=[1])}"' in content
    assert "What Rule 1 means" in content

    page = client.get(reverse("manage:transition", args=[decision.pk, "request_legality_review"]))
    assert f'href="{reverse("manage:rule", args=[1])}"' in page.content.decode()


def test_a_refusal_without_a_rule_has_no_link(client, world, decision):
    login(client, world.drafter)
    content = client.get(reverse("manage:transition", args=[decision.pk, "catalog"])).content.decode()
    assert "Not now:" in content
    assert 'class="rule-link"' not in content


# ---------------------------------------------------------------- rule links in messages and transition labels


def test_link_rules_links_each_mention_and_escapes_the_rest():
    from decisions.templatetags.rule_links import link_rules

    rule1, rule2, rule7 = (reverse("manage:rule", args=[n]) for n in (1, 2, 7))
    assert (
        link_rules("Rule 1; Decree 713 Art. 28")
        == f'<a class="rule-link" href="{rule1}">Rule 1</a>; Decree 713 Art. 28'
    )
    assert link_rules("Rule 1 and 2; Decree 713 Art. 25–26") == (
        f'<a class="rule-link" href="{rule1}">Rule 1</a> and <a class="rule-link" href="{rule2}">2</a>; '
        "Decree 713 Art. 25–26"
    )
    assert (
        link_rules("程序规则七（《条例》第三十七条）")
        == f'<a class="rule-link" href="{rule7}">程序规则七</a>（《条例》第三十七条）'
    )
    assert link_rules("程序规则一、二；") == (
        f'<a class="rule-link" href="{rule1}">程序规则一</a>、<a class="rule-link" href="{rule2}">二</a>；'
    )
    assert link_rules("程序规则7：") == f'<a class="rule-link" href="{rule7}">程序规则7</a>：'
    assert link_rules("<b>Rule 12</b>, Rule 8, Rules 1") == "&lt;b&gt;Rule 12&lt;/b&gt;, Rule 8, Rules 1"


def test_a_refused_upload_links_its_rule_in_the_flashed_message(client, world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    login(client, world.gov)
    data = {"title": "新的决策文本", "kind": "decision_text", "is_public": "on", "file": pdf_file("new.pdf", "revised")}
    response = client.post(reverse("manage:document_upload", args=[decision.pk]), data, follow=True)
    content = response.content.decode()
    assert 'class="message error"' in content
    href = reverse("manage:rule", args=[7])
    assert f'<a class="rule-link" href="{href}">Rule 7</a> (Decree 713 Art. 37)' in content


def test_each_transition_label_links_its_rule(client, world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    login(client, world.gov)
    content = client.get(reverse("manage:decision", args=[decision.pk])).content.decode()
    href = reverse("manage:rule", args=[5])
    assert f'<small class="rule"><a class="rule-link" href="{href}">Rule 5</a>; Decree 713 Art. 34</small>' in content
