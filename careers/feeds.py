"""An Atom feed of careers recently published or updated."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import CareerPath


class CareerFeed(Feed):
    feed_type = Atom1Feed
    title = _("Career Portal: new and updated career paths")
    subtitle = _("Career paths recently published or updated on Career Portal.")

    def link(self):
        return reverse("careers:list")

    def items(self):
        return (
            CareerPath.objects.published()
            .select_related("category")
            .order_by("-updated", "pk")[:20]
        )

    def item_title(self, career):
        return career.title

    def item_description(self, career):
        return career.summary

    def item_link(self, career):
        return career.get_absolute_url()

    def item_pubdate(self, career):
        # When visitors could first see it.
        return career.publish_at or career.created

    def item_updateddate(self, career):
        return career.updated

    def item_categories(self, career):
        return [career.category.name]
