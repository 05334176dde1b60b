"""The rows that careers share: categories, factors, skills, and the sources
they cite."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..fields import PlainCharField, PlainURLField
from .common import PayPeriod, ProseField, live_filter, validate_country


class CategoryQuerySet(models.QuerySet["Category"]):
    def with_live_count(self) -> CategoryQuerySet:
        """Categories with live careers, with `career_count`: counted per
        category from an index, not by joining every career."""
        # The related model is CareerPath, which this module cannot import.
        live = (
            self.model.careers.rel.related_model.objects.published()  # type: ignore[union-attr]
            .filter(category=OuterRef("pk"))
            .order_by()
            .values("category")
            .annotate(count=Count("*"))
            .values("count")
        )
        return self.annotate(career_count=Subquery(live)).filter(career_count__gt=0)


class Category(models.Model):
    name = PlainCharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Factor(models.Model):
    """A criterion every career is scored on, so careers compare factor by factor."""

    name = PlainCharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveIntegerField(
        _("position"),
        unique=True,
        help_text=_("Factors are listed in this order on every career page."),
    )
    description = ProseField(
        _("description"),
        blank=True,
        help_text=_("What this factor measures, for visitors and editors."),
    )
    # What a score means on this factor, as O*NET's scale anchors: the
    # methodology page shows them beside the general scale.
    anchor_low = ProseField(
        _("a low score means"), blank=True, help_text=_("A score of 1 to 3.")
    )
    anchor_middle = ProseField(
        _("a middle score means"), blank=True, help_text=_("A score of 4 to 7.")
    )
    anchor_high = ProseField(
        _("a high score means"), blank=True, help_text=_("A score of 8 to 10.")
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("factor")
        verbose_name_plural = _("factors")

    def __str__(self) -> str:
        return self.name


class SkillQuerySet(models.QuerySet["Skill"]):
    def with_published_count(self) -> SkillQuerySet:
        """Skills needed by published careers, with `career_count`."""
        return self.annotate(
            career_count=Count("careers", filter=live_filter("careers__career__"))
        ).filter(career_count__gt=0)


class Skill(models.Model):
    """A skill in the shared taxonomy; careers link to it through CareerSkill."""

    name = PlainCharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = ProseField(_("description"), blank=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("careers:skill", kwargs={"slug": self.slug})


class Cited(models.Model):
    """A publication cited beside a figure: its name, address and the day the
    figure was read from it."""

    name = PlainCharField(_("name"), max_length=100, help_text=_("E.g. Talent.com"))
    url = PlainURLField(_("URL"), blank=True)
    retrieved_on = models.DateField(
        _("date retrieved"),
        null=True,
        blank=True,
        help_text=_("When the figures were read from the source."),
    )

    class Meta:
        abstract = True
        ordering = ["name", "-retrieved_on"]

    def __str__(self) -> str:
        if self.retrieved_on:
            return f"{self.name} ({self.retrieved_on:%Y-%m-%d})"
        return self.name


class Source(Cited):
    """Where a score's evidence or an employment figure comes from."""

    class Meta(Cited.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")


class SalarySource(Cited):
    """Where a career's salary figures come from, cited beside them, with the
    place and pay period they are for."""

    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=_("ISO 3166-1 code of the country the figures are for, e.g. US."),
    )
    region = PlainCharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("Part of the country, if the figures are for one, e.g. London."),
    )
    pay_period = models.CharField(
        _("pay period"),
        max_length=5,
        choices=PayPeriod,
        default=PayPeriod.YEAR,
        help_text=_("What the figures are paid for, unless a stage says otherwise."),
    )

    class Meta(Cited.Meta):
        verbose_name = _("salary source")
        verbose_name_plural = _("salary sources")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pay_period__in=PayPeriod.values),
                name="careers_salarysource_pay_period_valid",
            ),
        ]
