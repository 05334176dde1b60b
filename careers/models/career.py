"""The career path: its own fields, its texts (careers.shape) and queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import shape
from ..fields import CONTROL_RE, PlainCharField
from .common import (
    CareerStatus,
    PayPeriod,
    ProseField,
)
from .facts import CareerFacts
from .queries import (
    CareerPathQuerySet,
)
from .shared import Category

if TYPE_CHECKING:
    from .shared import SalarySource


def text_fields() -> dict[str, ProseField]:
    """The career's prose fields, one per text of careers.shape."""
    return {
        text.field: ProseField(
            text.label, blank=not text.required, help_text=text.help_text
        )
        for text in shape.TEXTS
    }


class CareerPath(CareerFacts):
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
    updated_on = models.DateField(
        _("last updated"),
        null=True,
        blank=True,
        help_text=_(
            "The guide's own date of its last change, shown on its page. Saving "
            "a change here sets today's date unless you give one."
        ),
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
    # Of the yearly figures: an hourly or monthly figure is not comparable.
    low_salary = models.PositiveIntegerField(
        _("lowest yearly salary"),
        null=True,
        editable=False,
        help_text=_("The lowest yearly salary figure of any stage."),
    )
    top_salary = models.PositiveIntegerField(
        _("top salary"),
        null=True,
        editable=False,
        help_text=_("The highest yearly salary figure of any stage."),
    )
    salary_currency = models.CharField(
        _("salary currency"),
        max_length=3,
        blank=True,
        editable=False,
        help_text=_("The currency of every yearly figure; empty if they differ."),
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
            *CareerFacts.Meta.constraints,
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
        """The lowest and highest yearly figure across the stages, with their
        currency (as low_salary, top_salary and salary_currency, which
        careers.changes stores for lists).

        None when no stage has a yearly figure, or when they are in different
        currencies and a single span would mislead. Hourly and monthly figures
        are left out: they are not comparable.
        """
        stages = [
            stage
            for stage in self.stages.all()
            if stage.has_salary and stage.period == PayPeriod.YEAR
        ]
        if not stages or len({stage.currency for stage in stages}) > 1:
            return None
        figures = [
            figure
            for stage in stages
            for figure in (stage.salary_min, stage.salary_max)
            if figure is not None
        ]
        return {
            "min": min(figures),
            "max": max(figures),
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
