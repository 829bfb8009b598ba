"""RSS 2.0 and Atom feeds of the published decisions (newest publication first). Only the public fields."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from decisions.selectors import public_decisions

FEED_SIZE = 50


class PublishedDecisionsFeed(Feed):
    title = _("Published major administrative decisions")
    link = reverse_lazy("portal:home")
    description = _("Decisions published under the Interim Regulations on Major Administrative Decision Procedures.")

    def items(self):
        return list(public_decisions().select_related("organ").order_by("-published_at", "-id")[:FEED_SIZE])

    def item_title(self, item):
        return f"{item.number} {item.title}"

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return reverse("portal:decision", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.organ.name

    def item_categories(self, item):
        return [item.get_scope_category_display()]


class PublishedDecisionsAtomFeed(PublishedDecisionsFeed):
    feed_type = Atom1Feed
    subtitle = PublishedDecisionsFeed.description
