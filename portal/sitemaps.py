"""sitemap.xml: the portal's fixed pages and every published decision's page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from decisions.selectors import public_decisions


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["portal:home", "portal:search"]

    def location(self, item):
        return reverse(item)


class DecisionSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return public_decisions().only("pk", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("portal:decision", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pages": StaticSitemap, "decisions": DecisionSitemap}
