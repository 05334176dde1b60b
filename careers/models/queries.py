"""The queries of career paths: what visitors see, search, sort and pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Prefetch
from django.utils import timezone

from .. import search
from .children import (
    CareerSkill,
    EducationRequirement,
    FactorScore,
    ScoreCitation,
    Step,
)
from .common import CareerStatus, live_filter
from .stages import Stage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models.expressions import OrderBy

    from .career import CareerPath  # noqa: F401 (the QuerySet's parameter)
    from .shared import Category


# Computed from the rest of the row and its children (careers.changes): not
# edited, not kept in revisions. The large ones are read only where used.
LARGE_DERIVED_FIELDS = ("search_document", "rendered_article", "rendered_data")
DERIVED_FIELDS = (
    "overall_score",
    "low_salary",
    "top_salary",
    "salary_currency",
    "rendered_version",
    *LARGE_DERIVED_FIELDS,
)
# What a career card (and the API's list) shows.
CARD_FIELDS = (
    "slug",
    "title",
    "summary",
    "is_sample",
    "overall_score",
    "low_salary",
    "top_salary",
    "salary_currency",
    "updated",
    "category__name",
    "category__slug",
)
# What a share image shows (careers.share), and who may see it.
SHARE_FIELDS = (
    "slug",
    "title",
    "overall_score",
    "low_salary",
    "top_salary",
    "salary_currency",
    "status",
    "publish_at",
)


class CareerPathQuerySet(models.QuerySet["CareerPath"]):
    def published(self) -> CareerPathQuerySet:
        """What visitors see: published careers whose time has come."""
        return self.filter(live_filter())

    def scheduled(self) -> CareerPathQuerySet:
        return self.filter(status=CareerStatus.PUBLISHED, publish_at__gt=timezone.now())

    def visible_to(self, user: User | AnonymousUser) -> CareerPathQuerySet:
        """Everything for staff, who review drafts; published careers for others."""
        return self if user.is_staff else self.published()

    def search(self, query: str) -> CareerPathQuerySet:
        """Careers matching `query` in their texts or their children's, best
        first, annotated with `search_rank` and `headline` (careers.search)."""
        return search.search(self, query)

    def in_category(self, slug: str) -> CareerPathQuerySet:
        return self.filter(category__slug=slug)

    def sorted_by(self, sort: str) -> CareerPathQuerySet:
        """Order by `title`, `score` (best first) or `salary` (highest first)."""
        if sort == "relevance" and "search_rank" not in self.query.annotations:
            sort = "title"  # nothing was searched for
        orderings: dict[str, list[str | OrderBy]] = {
            "relevance": [F("search_rank").desc(), "title"],
            "title": ["title"],
            "score": [F("overall_score").desc(nulls_last=True), "title"],
            "salary": [F("top_salary").desc(nulls_last=True), "title"],
        }
        return self.order_by(*orderings[sort], "pk")

    def matching(
        self, q: str = "", category: Category | None = None, sort: str = "title"
    ) -> CareerPathQuerySet:
        """The directory's filters (a DirectoryForm's filters()), for the page and
        the API alike."""
        careers = self.search(q) if q else self
        if category:
            careers = careers.in_category(category.slug)
        return careers.sorted_by(sort)

    def for_listing(self) -> CareerPathQuerySet:
        """What a career card shows, and not the long texts: a list reads
        a few hundred bytes per career rather than tens of kilobytes."""
        return self.select_related("category").only(*CARD_FIELDS)

    def for_share_image(self) -> CareerPathQuerySet:
        """What the share image shows, with the stored image: one query."""
        return self.select_related("share_image").only(
            *SHARE_FIELDS,
            "share_image__version",
            "share_image__png",
            "share_image__created",
        )

    def for_detail(self) -> CareerPathQuerySet:
        """Everything the career page shows, in a fixed number of queries."""
        return (
            self.select_related("category", "employment_source", "projection_source")
            .defer(*LARGE_DERIVED_FIELDS)
            .prefetch_related(
                Prefetch(
                    "scores",
                    queryset=FactorScore.objects.select_related("factor").order_by(
                        "position"
                    ),
                ),
                Prefetch(
                    "scores__citations",
                    queryset=ScoreCitation.objects.select_related("source").order_by(
                        "position"
                    ),
                ),
                Prefetch("steps", queryset=Step.objects.order_by("position")),
                Prefetch(
                    "stages",
                    queryset=Stage.objects.select_related("source").order_by(
                        "position"
                    ),
                ),
                Prefetch(
                    "skills",
                    queryset=CareerSkill.objects.select_related("skill").order_by(
                        "position"
                    ),
                ),
                Prefetch(
                    "education",
                    queryset=EducationRequirement.objects.order_by("position"),
                ),
            )
        )
