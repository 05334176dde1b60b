"""sitemap.xml: published careers, skills and the fixed pages, with lastmod."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import CareerPath, Skill, live_filter


class CareerSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # published() is live only: drafts and scheduled careers never appear.
        return CareerPath.objects.published().only("slug", "updated").order_by("slug")

    def lastmod(self, career):
        return career.updated


class SkillSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (
            Skill.objects.with_published_count()
            .annotate(
                lastmod=Max(
                    "careers__career__updated", filter=live_filter("careers__career__")
                )
            )
            .order_by("slug")
        )

    def lastmod(self, skill):
        return skill.lastmod


class PageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return ["careers:home", "careers:list", "careers:skills", "careers:methodology"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        if name == "careers:methodology":
            return None  # it shows the factors, which keep no date of change
        # These pages list careers: they change when any published career does.
        return CareerPath.objects.published().aggregate(last=Max("updated"))["last"]


SITEMAPS = {"pages": PageSitemap, "careers": CareerSitemap, "skills": SkillSitemap}
