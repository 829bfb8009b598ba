"""The keyword search of decision lists: a maintained search column of CJK bigrams and ASCII words.

`Decision.search_text` holds, space-separated, every overlapping bigram of each run of CJK characters of the title,
number and summary, plus their lower-cased ASCII words (letters and digits). On PostgreSQL a GIN index on
`to_tsvector('simple', search_text)` (migration decisions 0017) finds the candidate rows: every bigram of the query
must be present, every ASCII word of the query must start a word present; the exact substring condition
(`icontains` over title, number and summary) is then applied to the candidates, so the result is the same as a plain
substring search. A query with no bigram and no ASCII word (a single Chinese character) is the substring search
alone. On SQLite the keyword is the substring search alone.

`index_filter` is the index condition alone, for any model with a `search_text` column kept the same way and its own
GIN index on the same expression (catalog entries: migration catalog 0002); the caller applies the exact condition.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

# CJK unified ideographs (and extension A, compatibility ideographs): one "word" per character pair.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ASCII_WORD = re.compile(r"[a-z0-9]+")


def _bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def _words(text: str) -> list[str]:
    return ASCII_WORD.findall(text.lower())


def search_terms(*fields: str) -> str:
    """The search column's value: unique bigrams and ASCII words of the fields (a decision's title, number and
    summary), space-separated, in order."""
    text = " ".join(part or "" for part in fields)
    seen = dict.fromkeys(_bigrams(text) + _words(text))
    return " ".join(seen)


def query_terms(value: str) -> tuple[list[str], list[str]]:
    """The bigrams and the ASCII words of a query (each must match)."""
    return list(dict.fromkeys(_bigrams(value))), list(dict.fromkeys(_words(value)))


def tsquery(value: str) -> str:
    """The raw to_tsquery text of a query: its bigrams and its ASCII words as prefixes, all required ('' when none).

    The terms are CJK characters or [a-z0-9]: nothing in them is tsquery syntax."""
    bigrams, words = query_terms(value)
    return " & ".join(bigrams + [f"{word}:*" for word in words])


def search_vector() -> SearchVector:
    """The indexed expression: to_tsvector('simple'::regconfig, COALESCE(search_text, ''))."""
    return SearchVector("search_text", config="simple")


def index_filter(queryset: QuerySet, value: str) -> QuerySet | None:
    """The rows of `queryset` (a model with a `search_text` column) holding every term of `value`, answered by the GIN
    index on PostgreSQL: a superset of the rows containing `value`. None when there is no index condition (not
    PostgreSQL, or a query with no bigram and no ASCII word): the caller applies its substring condition alone."""
    raw = tsquery(value)
    if connection.vendor != "postgresql" or not raw:
        return None
    return queryset.annotate(_search=search_vector()).filter(
        _search=SearchQuery(raw, search_type="raw", config="simple")
    )


def keyword_filter(queryset: QuerySet, value: str) -> QuerySet:
    """Decisions whose title, number or summary contains `value` (index-assisted on PostgreSQL)."""
    substring = Q(title__icontains=value) | Q(number__icontains=value) | Q(summary__icontains=value)
    candidates = index_filter(queryset, value)
    return (queryset if candidates is None else candidates).filter(substring)
