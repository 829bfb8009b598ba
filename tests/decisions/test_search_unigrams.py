"""One Chinese character as a keyword (`?q=税`): the search column holds each CJK character too (decisions/search.py),
so the query is the unigram's index condition on PostgreSQL instead of a sequential substring scan, and finds the
same rows as the substring search on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import services
from decisions.filters import DecisionFilter
from decisions.models import Decision
from decisions.search import keyword_filter, query_terms, search_terms, tsquery
from tests.factories import make_decision


def test_the_column_holds_bigrams_then_unigrams_then_ascii_words():
    assert search_terms("关于举行听证会", "2026-007", "PM2.5 Control") == (
        "关于 于举 举行 行听 听证 证会 关 于 举 行 听 证 会 2026 007 pm2 5 control"
    )
    assert search_terms("听证", "", "") == "听证 听 证"
    assert search_terms("税", "", "") == "税"


def test_a_lone_character_of_a_query_is_its_unigram_and_longer_runs_keep_their_bigrams():
    assert query_terms("召开听证会 PM2") == (["召开", "开听", "听证", "证会"], ["pm2"])
    assert query_terms("税") == (["税"], [])
    assert query_terms("税 个人所得税") == (["税", "个人", "人所", "所得", "得税"], [])
    assert tsquery("号") == "号"
    assert tsquery("号 Noise") == "号 & noise:*"
    assert tsquery("！？%") == ""  # no CJK character and no ASCII word: the substring search alone


def keyword(user, value):
    class Request:
        pass

    request = Request()
    request.user = user
    return sorted(DecisionFilter({"q": value}, request=request).qs.values_list("title", flat=True))


def test_one_character_finds_the_rows_holding_it_wherever_it_stands(world):
    make_decision(world, title="关于调整个人所得税起征点的决定", summary="")
    make_decision(world, title="关于税务窗口延时服务的决定", summary="")
    make_decision(world, title="关于城市道路噪声治理的决定", summary="降低夜间噪声。")
    assert keyword(world.gov, "税") == ["关于税务窗口延时服务的决定", "关于调整个人所得税起征点的决定"]
    assert keyword(world.gov, "夜") == ["关于城市道路噪声治理的决定"]  # in the summary
    assert keyword(world.gov, "声") == ["关于城市道路噪声治理的决定"]  # the last of a run: no bigram starts with it
    assert keyword(world.gov, "茶") == []
    assert keyword(world.gov, "税务") == ["关于税务窗口延时服务的决定"]


def test_an_edit_keeps_the_unigrams(world):
    decision = make_decision(world, title="关于调整票价的决定", summary="")
    services.update_decision(decision=decision, actor=world.drafter, title="关于减免税费的决定")
    stored = Decision.objects.get(pk=decision.pk).search_text.split()
    assert {"税", "费", "税费"} <= set(stored) and "票" not in stored


@pytest.mark.postgres_only
def test_one_character_is_the_index_condition_and_the_plan_uses_the_gin_index(world):
    make_decision(world, title="关于调整个人所得税起征点的决定")
    with CaptureQueriesContext(connection) as captured:
        keyword(world.gov, "税")
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    vector = "to_tsvector('simple'::regconfig, COALESCE(\"decisions_decision\".\"search_text\", ''))"
    assert f"{vector} @@ to_tsquery('simple'::regconfig, '税')" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = keyword_filter(Decision.objects.all(), "税").order_by().query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "decision_search_gin" in plan, plan
