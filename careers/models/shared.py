"""The rows that careers share: categories, factors, skills, salary sources."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..fields import PlainCharField, PlainURLField
from .common import ProseField, live_filter


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


class SalarySource(models.Model):
    """Where a career's salary figures come from, cited beside them."""

    name = PlainCharField(_("name"), max_length=100, help_text=_("E.g. Talent.com"))
    url = PlainURLField(_("URL"), blank=True)
    retrieved_on = models.DateField(
        _("date retrieved"),
        null=True,
        blank=True,
        help_text=_("When the figures were read from the source."),
    )

    class Meta:
        ordering = ["name", "-retrieved_on"]
        verbose_name = _("salary source")
        verbose_name_plural = _("salary sources")

    def __str__(self) -> str:
        if self.retrieved_on:
            return f"{self.name} ({self.retrieved_on:%Y-%m-%d})"
        return self.name
