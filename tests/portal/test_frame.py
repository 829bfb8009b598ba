"""The portal's frame (portal/templatetags/portal_frame.py): rendered once per language and kept, with each page's
own address in its language links."""

from django.test import override_settings
from django.urls import reverse

from portal.templatetags import portal_frame


def test_the_frame_is_each_languages_own_and_links_back_to_the_page(client, db):
    search = reverse("portal:search")
    chinese = client.get(search, {"q": "听证"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(search, {"q": "<b>"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "检索决策" in chinese and "Search decisions" not in chinese
    assert "Search decisions" in english and "检索决策" not in english
    assert "next=/search/%3Fq%3D%25E5%2590%25AC%25E8%25AF%2581" in chinese  # the page's own address, quoted
    assert "next=/search/%3Fq%3D%253Cb%253E" in english and "<b>" not in english.split("<main")[0]
    assert english.count('hreflang="') == 2 and 'lang="en" hreflang="en" class="active"' in english


@override_settings(DEBUG=False)
def test_the_frame_is_rendered_once_per_language(client, db):
    portal_frame._kept.cache_clear()
    for page in ("portal:home", "portal:search", "portal:catalogs"):  # three pages, each rendered (not cached yet)
        client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="en")
    info = portal_frame._kept.cache_info()
    assert info.misses == len(portal_frame.PARTS) and info.hits == 2 * len(portal_frame.PARTS)
