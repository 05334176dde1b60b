"""The career path: its own fields, its texts (careers.shape) and queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import search, shape
from ..fields import CONTROL_RE, PlainCharField
from .children import CareerSkill, EducationRequirement, FactorScore, Stage, Step
from .common import CareerStatus, ProseField, live_filter
from .shared import Category

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models.expressions import OrderBy

    from .shared import SalarySource

# Computed from the rest of the row and its children (careers.changes): not
# edited, not kept in revisions. The large ones are read only where used.
LARGE_DERIVED_FIELDS = ("search_document", "rendered_article", "rendered_data")
DERIVED_FIELDS = (
    "overall_score",
    "top_salary",
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
    "top_salary",
    "updated",
    "category__name",
    "category__slug",
)


def text_fields() -> dict[str, ProseField]:
    """The career's prose fields, one per text of careers.shape."""
    return {
        text.field: ProseField(
            text.label, blank=not text.required, help_text=text.help_text
        )
        for text in shape.TEXTS
    }


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

    def for_detail(self) -> CareerPathQuerySet:
        """Everything the career page shows, in a fixed number of queries."""
        return (
            self.select_related("category")
            .defer(*LARGE_DERIVED_FIELDS)
            .prefetch_related(
                Prefetch(
                    "scores",
                    queryset=FactorScore.objects.select_related("factor").order_by(
                        "factor__position"
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


class CareerPath(models.Model):
    Status = CareerStatus

    class Article(models.TextChoices):
        A = "a", "a"
        AN = "an", "an"

    title = PlainCharField(
        _("title"), max_length=150, help_text=_("The role, e.g. “MLOps Engineer”.")
    )
    article = models.CharField(
        _("article"),
        max_length=2,
        choices=Article,
        default=Article.A,
        help_text=_(
            "The article used before the title in headings: “Steps to become "
            "an MLOps Engineer”."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="careers",
        verbose_name=_("category"),
    )
    summary = PlainCharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences for listings and search results."),
    )
    # Its texts, in the guide's order.
    locals().update(text_fields())
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CareerStatus,
        default=CareerStatus.DRAFT,
        help_text=_(
            "Only published careers are shown to visitors; drafts and unpublished "
            "careers are visible to staff only. Publishers change this."
        ),
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "A published career with a future time here goes live by itself at "
            "that moment. Empty: live as soon as it is published."
        ),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked every fact and figure."),
    )
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_(
            "Generated demonstration content; its page says so plainly. "
            "Never set for a real guide."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Derived from the children (careers.changes), stored so that lists sort
    # and page by them with an index.
    overall_score = models.FloatField(
        _("overall score"),
        null=True,
        editable=False,
        help_text=_("The mean of the factor scores; empty without scores."),
    )
    top_salary = models.PositiveIntegerField(
        _("top salary"),
        null=True,
        editable=False,
        help_text=_("The highest salary figure of any stage."),
    )
    # The article and structured data of the career's page, rendered once after
    # each change (careers.article.rendering), so visitors' requests don't render them.
    rendered_article = models.TextField(
        _("rendered article"), blank=True, editable=False
    )
    # Text, not JSON: PostgreSQL's jsonb would reorder the keys, and the page
    # would change between its first render and the stored copy.
    rendered_data = models.TextField(
        _("rendered structured data"), blank=True, editable=False
    )
    rendered_version = models.CharField(
        _("rendered with"),
        max_length=40,
        blank=True,
        editable=False,
        help_text=_(
            "The renderer version of rendered_article, or a stale marker after a "
            "change: it is then rendered again on the next visit."
        ),
    )
    search_document = SearchVectorField(
        _("search document"),
        null=True,
        editable=False,
        help_text=_(
            "The career's texts and its children's, weighted for full-text "
            "search; kept current by careers.search. PostgreSQL only."
        ),
    )

    objects = CareerPathQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("career path")
        verbose_name_plural = _("career paths")
        permissions = [
            ("publish_careerpath", _("Can publish and unpublish career paths")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CareerStatus.values),
                name="careerpath_status_valid",
            ),
            # Compare and visitors find a guide by its title. Samples may reuse
            # a real role's title: they never stand in a real guide's way.
            models.UniqueConstraint(
                Lower("title"),
                condition=Q(is_sample=False),
                name="careerpath_unique_real_title",
                violation_error_code="title_taken",
                violation_error_message=_("Another guide already has this title."),
            ),
        ]
        # Lists count live careers and page through them in each sort order
        # from an index, whatever their number. (Best score or salary first,
        # careers without one last: those indexes are made per database by
        # migration 0008, as SQLite has no NULLS LAST in an index.)
        indexes = [
            models.Index(fields=["status", "publish_at"], name="careerpath_live"),
            models.Index(
                fields=["category", "status", "publish_at"],
                name="careerpath_category_live",
            ),
            models.Index(fields=["title"], name="careerpath_by_title"),
            models.Index(fields=["is_sample", "-updated"], name="careerpath_featured"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("careers:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        # As the title constraint, but naming the guide that holds the title.
        if holder := self.title_holder():
            raise ValidationError(
                {
                    "title": ValidationError(
                        _(
                            "The guide “%(title)s” (slug %(slug)s) already has this "
                            "title; each real guide needs its own."
                        ),
                        code="title_taken",
                        params={"title": holder.title, "slug": holder.slug},
                    )
                }
            )

    def title_holder(self) -> CareerPath | None:
        """The other real guide with this title in any case, if any."""
        if self.is_sample or not self.title or CONTROL_RE.search(self.title):
            return None  # (PostgreSQL cannot even compare a text with NUL)
        return (
            CareerPath.objects.alias(lower_title=Lower("title"))
            .filter(lower_title=Lower(Value(self.title)), is_sample=False)
            .exclude(pk=self.pk)
            .only("title", "slug")
            .first()
        )

    @property
    def title_with_article(self) -> str:
        return f"{self.article} {self.title}"

    @property
    def has_published_status(self) -> bool:
        """Its status is published, whether or not its time has come (see
        is_live, and published(), which means live)."""
        return self.status == self.Status.PUBLISHED

    @property
    def is_live(self) -> bool:
        """Visible to visitors now."""
        return self.has_published_status and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )

    # The methods below read the prefetched children of for_detail().

    def salary_span(self) -> dict[str, Any] | None:
        """The lowest and highest figure across the stages, with their currency.

        None when no stage has salary data, or when stages use different
        currencies and a single span would mislead.
        """
        stages = [stage for stage in self.stages.all() if stage.has_salary]
        if not stages or len({stage.currency for stage in stages}) > 1:
            return None
        # has_salary: both figures are set.
        return {
            "min": min(stage.salary_min for stage in stages),  # type: ignore[type-var]
            "max": max(stage.salary_max for stage in stages),  # type: ignore[type-var]
            "currency": stages[0].currency,
        }

    def salary_sources(self) -> list[SalarySource]:
        """The distinct sources cited by the stages, in stage order."""
        sources = {stage.source_id: stage.source for stage in self.stages.all()}
        return [source for source in sources.values() if source is not None]


class ContentChange(models.Model):
    """One row per transaction that changed content, written inside it.

    The page cache's content version is derived from these rows
    (careers.changes): a change cannot commit without its row, and Redis holds
    only a short-lived copy of the version. Rows are only ever added, so no
    two transactions wait on each other here.
    """

    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("content change")

    def __str__(self) -> str:
        return f"{self.pk} at {self.at}"
