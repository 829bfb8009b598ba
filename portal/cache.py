"""The portal's page cache: anonymous GET pages are cached whole and marked public for proxies.

* **Key** — `portal:page:<version>:<language>:<md5 of the scheme, host, path and query>`, the query's parameters in
  sorted order (`?b=1&a=2` and `?a=2&b=1` are one page). The version is one integer
  in the cache (`portal:version`), bumped after commit by every ledger event that can change what the public sees
  (`bump_on_event`, connected to `accountability.ledger.event_recorded` in `PortalConfig.ready()`): an event on a
  decision that was ever published or is in a catalog, and a catalog's publication (`catalog.published`). Old
  keys are never deleted; they expire (`PAGE_TTL`).
* **Who** — only anonymous requests (no session cookie) are served from or stored in the cache; a logged-in person
  gets the page rendered and `Cache-Control: private, no-cache`.
* **Headers** — `Cache-Control: public, max-age=PROXY_MAX_AGE` and `Vary: Accept-Language, Cookie`: the language is
  the `django_language` cookie when set (the portal's language links, `portal:language`), else Accept-Language, so
  a proxy must key on both. Anonymous portal pages set no cookie: they carry no form with a CSRF token (the follow
  and suggestion forms are pages of their own, `no-store`).
* **Bound** — a crawler can ask for endless query strings (`?q=1`, `?q=2`, junk parameters). The page without a
  query is always stored. A page whose query has a parameter the view never asked for by name (`get`, `getlist`,
  `in`: a bound form does) is not stored: junk such as `?utm_source=` or `?x=1`. Of the rest, at most
  `MAX_QUERY_VARIANTS` pages with a query are stored per path and version (a counter in the cache,
  `portal:variants:<version>:<md5 of the path>`, expiring with the pages). A page not stored is rendered and
  served as usual (`X-Portal-Cache: skip`).
* **Outage** — the cache is an optimisation: when it cannot be reached the page is rendered from the database and
  nothing is stored (the error is logged, never raised).
"""

import functools
import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "portal:version"
PAGE_TTL = 600  # seconds a rendered page is kept in the cache
PROXY_MAX_AGE = 300  # seconds a proxy or a browser may keep a public page
MAX_QUERY_VARIANTS = 100  # pages with a query string stored per path and version


def current_version() -> int | None:
    """The pages' version, or None when the cache cannot be reached."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, None)
            version = cache.get(VERSION_KEY, 1)
        return int(version)
    except Exception:
        logger.warning("The portal's page cache cannot be reached; serving from the database", exc_info=True)
        return None


def bump_version() -> None:
    """Make every cached page stale (after a commit that changed what the public sees)."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not set yet
            cache.set(VERSION_KEY, 2, None)
    except Exception:
        logger.warning("Could not bump the portal's page cache version", exc_info=True)


# The catalog events that change what the portal shows (a new published version).
PUBLIC_CATALOG_ACTIONS = frozenset({"catalog.published"})


def _concerns_the_public(event) -> bool:
    """A catalog's publication, or any event on a decision the portal shows: one ever published, or one in a
    catalog (the catalog page shows its status and the steps done)."""
    if event.action in PUBLIC_CATALOG_ACTIONS:
        return True
    if event.decision_id is None:
        return False
    from django.db.models import Q

    from decisions.models import Decision

    shown = Q(published_at__isnull=False) | Q(catalog_entry__isnull=False)
    return Decision.objects.filter(shown, pk=event.decision_id).exists()


def bump_on_event(sender, event, **kwargs) -> None:
    """`event_recorded` receiver: after the event's transaction commits, bump the version if the public may see it."""

    def after_commit():
        try:
            if _concerns_the_public(event):
                bump_version()
        except Exception:
            logger.warning("Could not decide whether ledger event %s changes the portal", event.pk, exc_info=True)

    transaction.on_commit(after_commit)


def is_anonymous_request(request) -> bool:
    """No session and no pending message (a message is shown once: that page is the visitor's own)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.user.is_authenticated


def _digest(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def normalised_query(request) -> str:
    """The query's parameters sorted by name (each name's values kept in their order): one key per page."""
    return urlencode(sorted(request.GET.lists()), doseq=True)


def page_key(request, version: int) -> str:
    # The host and scheme too: the feeds and the sitemap carry absolute links.
    where = f"{request.scheme}://{request.get_host()}{request.path}?{normalised_query(request)}"
    return f"portal:page:{version}:{get_language()}:{_digest(where)}"


class AskedQueryDict(QueryDict):
    """`request.GET` that notes the parameters the view asks for by name. Enumerating (`copy()`, `items()`,
    `urlencode()`: e.g. to carry the query into the pagination links) or `[]` notes nothing."""

    def __init__(self, *args, **kwargs):
        self.asked = set()
        super().__init__(*args, **kwargs)
        self.asked = set()  # not what filling it in asked

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


def may_store(request, version: int) -> bool:
    """Whether a page missing from the cache may be stored: always without a query string; never with a parameter
    the view did not ask for; else while fewer than MAX_QUERY_VARIANTS pages with a query were stored for this path
    and version. Counted per page stored, so a flood of query strings uses up this path's budget at most, never the
    other pages' room. An error: not stored."""
    if not request.GET:
        return True
    if isinstance(request.GET, AskedQueryDict) and set(request.GET) - request.GET.asked:
        return False
    key = f"portal:variants:{version}:{_digest(request.path)}"
    try:
        cache.add(key, 0, PAGE_TTL)
        return cache.incr(key) <= MAX_QUERY_VARIANTS
    except ValueError:  # no counter: it expired between add and incr, or the cache keeps nothing (dummy)
        return False
    except Exception:  # the cache went down: store nothing
        logger.warning("Could not count the portal page cache's query variants", exc_info=True)
        return False


def mark_public(response) -> None:
    patch_cache_control(response, public=True, max_age=PROXY_MAX_AGE)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


def mark_private(response) -> None:
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


def cached_page(view):
    """Serve anonymous GETs from the page cache (see the module's docstring); mark the response for proxies."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if not is_anonymous_request(request):
            response = view(request, *args, **kwargs)
            mark_private(response)
            return response
        version = current_version()
        key = page_key(request, version) if version is not None else None
        if key is not None:
            try:
                hit = cache.get(key)
            except Exception:
                hit = None
            if hit is not None:
                content, content_type, headers = hit
                response = HttpResponse(content, content_type=content_type)
                for name, value in headers:
                    response[name] = value
                response["X-Portal-Cache"] = "hit"
                mark_public(response)
                return response
        if key is not None and request.GET:
            request.GET = AskedQueryDict(request.GET.urlencode(), encoding=request.GET.encoding)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.cookies:
            return response  # an error or a page that set a cookie: never stored, never marked public
        # Public even when not stored below: the page is the same for every anonymous visitor, so a proxy or a
        # browser may keep it; a proxy bounds its own store. Private would only send every repeat to us.
        mark_public(response)
        if key is not None and not getattr(response, "streaming", False):
            if not may_store(request, version):
                response["X-Portal-Cache"] = "skip"
                return response
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(n, response[n]) for n in ("Content-Disposition", "ETag", "Last-Modified") if n in response]
            try:
                cache.set(key, (response.content, response["Content-Type"], headers), PAGE_TTL)
            except Exception:
                logger.warning("Could not store a portal page in the cache", exc_info=True)
            response["X-Portal-Cache"] = "miss"
        return response

    return wrapper
