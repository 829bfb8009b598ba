"""The keyword search of a published catalog's entries (the portal's /catalogs/<organ>/<year>/?q=).

`CatalogEntry.search_text` holds the CJK bigrams, CJK unigrams and ASCII words of the entry's title and summary
(`decisions.search.search_terms`); on PostgreSQL a GIN index on `to_tsvector('simple', search_text)` (migration
catalog 0002) answers which entries hold every term of a query. What the portal shows is the published version's
snapshot, not the rows: the rows found by the index only narrow the snapshot's entries (by their number, which never
changes), and the exact substring condition is then applied to the snapshot's own title and summary.

While an adjustment is under way an entry's row may already carry text that is not published yet: its search column
then keeps the terms of the published text too (`entry_search_text(..., keep=...)`), so the index still finds every
entry whose published text matches, and the substring condition on the snapshot never lets the unpublished text
decide what is found. Publishing the adjustment sets the column to the terms of the text published.
"""

from decisions.search import index_filter, index_is_exact, search_terms

from .models import Catalog, CatalogEntry


def entry_search_text(title: str, summary: str, *, keep: str = "") -> str:
    """The search column of an entry: the terms of its title and summary, after the terms in `keep` (if any)."""
    terms = dict.fromkeys((keep or "").split())
    terms.update(dict.fromkeys(search_terms(title, summary).split()))
    return " ".join(terms)


def matching_numbers(catalog: Catalog, keyword: str) -> set[int] | None:
    """The numbers of the catalog's entries whose search column holds every term of `keyword` (one query, on the GIN
    index); None when there is no index condition (SQLite, or a keyword with no CJK character and no ASCII word)."""
    candidates = index_filter(CatalogEntry.objects.filter(catalog=catalog), keyword)
    if candidates is None:
        return None
    if index_is_exact(keyword):
        # True of every row the index gives (as in `decisions.search.keyword_filter`), and cheap to test first: within
        # one catalog PostgreSQL may read the catalog's rows and test each, and `to_tsvector` costs ~20 µs a row.
        candidates = candidates.filter(search_text__contains=keyword)
    return set(candidates.order_by().values_list("number", flat=True))  # a set: no ordering to tempt the planner
