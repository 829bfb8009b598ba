"""The keyword search of decision lists: a maintained search column of CJK bigrams and ASCII words.

`Decision.search_text` holds, space-separated, every overlapping bigram of each run of CJK characters of the title,
number and summary, each of those CJK characters alone (unigrams), plus their lower-cased ASCII words (letters and
digits). On PostgreSQL a GIN index on `to_tsvector('simple', search_text)` (migration decisions 0017) finds the
candidate rows: every bigram of the query must be present (a lone CJK character of the query — `?q=税` — as a
unigram: it has no bigram), every ASCII word of the query must start a word present; the exact substring condition
(`icontains` over title, number and summary) is then applied to the candidates, so the result is the same as a plain
substring search. Every query with a CJK character or an ASCII word is thus index-backed; one with neither (only
punctuation) is the substring search alone. On SQLite the keyword is the substring search alone. The unigrams came
with migrations decisions 0024 and catalog 0004, which refilled the columns.

`index_filter` is the index condition alone, for any model with a `search_text` column kept the same way and its own
GIN index on the same expression (catalog entries: migration catalog 0002); the caller applies the exact condition.
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet

# CJK unified ideographs (and extension A, compatibility ideographs): one "word" per character pair.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ASCII_WORD = re.compile(r"[a-z0-9]+")


def _bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def _unigrams(text: str) -> list[str]:
    return [char for run in CJK_RUN.findall(text) for char in run]


def _query_grams(text: str) -> list[str]:
    """A query's CJK terms: the bigrams of each run of two or more characters, a lone character as its unigram."""
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        grams.extend([run] if len(run) == 1 else _bigrams(run))
    return grams


def _words(text: str) -> list[str]:
    return ASCII_WORD.findall(text.lower())


def search_terms(*fields: str) -> str:
    """The search column's value: unique bigrams, CJK unigrams (so a one-character query is index-backed too) and
    ASCII words of the fields (a decision's title, number and summary), space-separated, in order."""
    text = " ".join(part or "" for part in fields)
    seen = dict.fromkeys(_bigrams(text) + _unigrams(text) + _words(text))
    return " ".join(seen)


def query_terms(value: str) -> tuple[list[str], list[str]]:
    """The CJK terms (bigrams, or a lone character) and the ASCII words of a query (each must match)."""
    return list(dict.fromkeys(_query_grams(value))), list(dict.fromkeys(_words(value)))


def tsquery(value: str) -> str:
    """The raw to_tsquery text of a query: its CJK terms and its ASCII words as prefixes, all required ('' when none).

    The terms are CJK characters or [a-z0-9]: nothing in them is tsquery syntax."""
    bigrams, words = query_terms(value)
    return " & ".join(bigrams + [f"{word}:*" for word in words])


class IndexedTermsMatch(Func):
    """`to_tsvector('simple'::regconfig, COALESCE(search_text, '')) @@ to_tsquery('simple'::regconfig, <terms>)`: the
    GIN indexes' own expression (migrations decisions 0017 and catalog 0002 create them on exactly this text) matched
    against raw tsquery terms, as one condition. The same as filtering on a `SearchVector` annotation with a raw
    `SearchQuery`, which the ORM took about a millisecond longer to build and compile, and which selected the
    vector of every row read (tests/portal/test_search.py checks that the plan still uses the index)."""

    template = "to_tsvector('simple'::regconfig, COALESCE(%(expressions)s, '')) @@ to_tsquery('simple'::regconfig, %%s)"
    output_field = BooleanField()

    def __init__(self, terms: str):
        super().__init__(F("search_text"))
        self.terms = terms

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return sql, (*params, self.terms)


def index_filter(queryset: QuerySet, value: str) -> QuerySet | None:
    """The rows of `queryset` (a model with a `search_text` column) holding every term of `value`, answered by the GIN
    index on PostgreSQL: a superset of the rows containing `value`. None when there is no index condition (not
    PostgreSQL, or a query with no CJK character and no ASCII word): the caller applies its substring condition
    alone."""
    raw = tsquery(value)
    if connection.vendor != "postgresql" or not raw:
        return None
    return queryset.filter(IndexedTermsMatch(raw))


def index_is_exact(value: str) -> bool:
    """Whether the index condition of `value` alone gives exactly the rows whose fields contain it, so that the
    substring condition would remove nothing: one or two CJK characters, a unigram or a bigram of the column, present
    there only where a field holds those characters side by side (the column's terms never join two fields). Not
    for longer words (their bigrams may lie apart) nor ASCII words (a column word is lower-cased by Python, the
    substring condition by PostgreSQL)."""
    return CJK_RUN.fullmatch(value) is not None and len(value) <= 2


def keyword_filter(queryset: QuerySet, value: str) -> QuerySet:
    """Decisions whose title, number or summary contains `value` (index-assisted on PostgreSQL).

    A query the index answers exactly (`index_is_exact`: a two-character word, the most common Chinese query) needs
    no substring condition over title, number and summary: that condition removed no row, but PostgreSQL, with no
    statistics for it, expected a handful of matches where a frequent word has thousands and sorted them all to show
    a page. Such a query gets `search_text LIKE '%<query>%'` instead, also true of every row the index gives (the
    column holds the term itself): it has the column's statistics, so a frequent word is read newest first along
    `decision_published_idx` and a rare one from the index, and it is cheap to test row by row, before the
    `to_tsvector` (tens of microseconds a row) of the index condition."""
    candidates = index_filter(queryset, value)
    if candidates is not None and index_is_exact(value):
        return candidates.filter(search_text__contains=value)
    substring = Q(title__icontains=value) | Q(number__icontains=value) | Q(summary__icontains=value)
    return (queryset if candidates is None else candidates).filter(substring)
