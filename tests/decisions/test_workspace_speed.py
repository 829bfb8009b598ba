"""The speed of the workspace: the keyword search's column, the paged ledger section, my tasks' join."""

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.ledger import record_event
from decisions import services
from decisions.filters import DecisionFilter
from decisions.models import Decision
from decisions.search import query_terms, search_terms, tsquery
from decisions.selectors import my_tasks, visible_decisions
from decisions.views import EVENTS_PAGE_SIZE
from tests.factories import log_in_in_english as login
from tests.factories import make_decision

pytestmark = pytest.mark.usefixtures("english")


def test_search_terms_are_cjk_bigrams_unigrams_and_lower_cased_ascii_words():
    assert search_terms("关于举行听证会", "2026-007", "PM2.5 Control") == (
        "关于 于举 举行 行听 听证 证会 关 于 举 行 听 证 会 2026 007 pm2 5 control"
    )
    assert search_terms("听证", "", "") == "听证 听 证"
    assert query_terms("召开听证会 PM2") == (["召开", "开听", "听证", "证会"], ["pm2"])
    assert tsquery("听证 Noise") == "听证 & noise:*"
    assert tsquery("号") == "号"  # one character: its own term, index-backed too


def keyword(world, user, value):
    class Request:
        pass

    request = Request()
    request.user = user
    found = DecisionFilter({"q": value}, request=request).qs
    return sorted(found.values_list("title", flat=True))


def test_keyword_finds_a_two_character_chinese_word_and_an_ascii_word(world):
    make_decision(world, title="关于召开票价听证会的决定", summary="")
    make_decision(world, title="关于城市道路噪声治理的决定", summary="Noise control in the ring road")
    make_decision(world, title="关于证听制度的决定", summary="")  # the same characters, not the word
    assert keyword(world, world.gov, "听证") == ["关于召开票价听证会的决定"]
    assert keyword(world, world.gov, "noise") == ["关于城市道路噪声治理的决定"]
    assert keyword(world, world.gov, "NOISE Control") == ["关于城市道路噪声治理的决定"]
    assert keyword(world, world.gov, "听") == ["关于召开票价听证会的决定", "关于证听制度的决定"]
    assert keyword(world, world.gov, "听证 noise") == []  # both must be present


def test_the_search_column_follows_edits(world):
    decision = make_decision(world, title="关于调整票价的决定", summary="")
    assert "票价" in Decision.objects.get(pk=decision.pk).search_text
    services.update_decision(decision=decision, actor=world.drafter, title="关于举行听证的决定")
    stored = Decision.objects.get(pk=decision.pk).search_text
    assert "听证" in stored and "票价" not in stored
    assert keyword(world, world.gov, "听证") == ["关于举行听证的决定"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tsquery and its GIN index are PostgreSQL's")
def test_postgresql_keyword_query_uses_the_search_vector(world):
    make_decision(world, title="关于召开票价听证会的决定")
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        keyword(world, world.gov, "听证")
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    vector = "to_tsvector('simple'::regconfig, COALESCE(\"decisions_decision\".\"search_text\", ''))"
    assert f"{vector} @@ to_tsquery('simple'::regconfig, '听证')" in sql


def _events(decision, count):
    for number in range(count):
        record_event(
            actor=None,
            action="decision.noted",
            obj=decision,
            decision_id=decision.pk,
            reason=f"note {number}",
        )


def test_the_ledger_section_is_paged_with_a_constant_number_of_queries(client, world):
    decision = make_decision(world)
    login(client, world.gov)
    url = reverse("manage:decision", args=[decision.pk])
    reset_queries()
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    assert first.status_code == 200 and not first.context["events_has_next"]
    _events(decision, 2 * EVENTS_PAGE_SIZE)
    reset_queries()  # the log keeps 9,000 queries at most: a full one captures nothing
    with CaptureQueriesContext(connection) as many:
        page_one = client.get(url)
    ledger_sql = [q["sql"] for q in many.captured_queries if "accountability_ledgerevent" in q["sql"]]
    assert len(ledger_sql) == 1 and f"LIMIT {EVENTS_PAGE_SIZE + 1}" in ledger_sql[0], len(many.captured_queries)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(page_one.context["events"]) == EVENTS_PAGE_SIZE and page_one.context["events_has_next"]
    newest = page_one.context["events"][0].pk
    page_three = client.get(url, {"events_page": 3})
    assert len(page_three.context["events"]) == 1 and not page_three.context["events_has_next"]  # created + 100
    assert page_three.context["events"][0].pk < newest
    assert "events_page=2" in page_three.content.decode()
    assert client.get(url, {"events_page": "0"}).status_code == 404


def test_my_tasks_of_the_legal_office_read_the_steps_copy_of_the_organ(world):
    """The legal office's lists filter on the step's own organ column (the partial index's first column), never
    on a subquery of the organ's decisions."""
    decision = make_decision(world)
    step = decision.steps.get(kind="legality_review")
    assert step.organ_id == decision.organ_id == world.legal_reviewer.organization.organ.pk
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        my_tasks(world.legal_reviewer)
    step_queries = [q["sql"] for q in captured.captured_queries if 'FROM "decisions_step"' in q["sql"]]
    assert step_queries
    for sql in step_queries:
        assert '"decisions_step"."organ_id" =' in sql
        assert "IN (SELECT" not in sql.replace('"', "")
    assert decision in visible_decisions(world.legal_reviewer)
