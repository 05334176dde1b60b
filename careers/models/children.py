"""A career's children: its scores, steps, skills and education (its stages
are in stages.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..fields import PlainCharField
from ..shape import SCORE_MAX, SCORE_MIN
from .common import (
    EducationKind,
    ProseField,
    range_constraint,
    range_errors,
    validate_currency,
    validate_score,
)
from .shared import Factor, Skill, Source

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Positioned(models.Model):
    """An ordered child of a career path; positions are unique per career."""

    position = models.PositiveIntegerField(_("position"))

    class Meta:
        abstract = True
        ordering = ["career", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["career", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message=_("Each position may be used only once."),
            ),
        ]


class FactorScore(Positioned):
    """A career's score on a factor. A career keeps its scores in its own
    order, the guide's; the factors' order is for comparisons."""

    career = models.ForeignKey(
        "careers.CareerPath", on_delete=models.CASCADE, related_name="scores"
    )
    factor = models.ForeignKey(
        Factor,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("factor"),
    )
    score = models.SmallIntegerField(
        _("score"),
        validators=[validate_score],
        help_text=format_lazy(
            _("From {min} (poor) to {max} (excellent)."), min=SCORE_MIN, max=SCORE_MAX
        ),
    )
    reason = ProseField(_("reason"), help_text=_("Why this score."))
    evidence = ProseField(
        _("evidence"),
        blank=True,
        help_text=_("What the score rests on: data, surveys, the editors' judgement."),
    )

    class Meta(Positioned.Meta):
        verbose_name = _("factor score")
        verbose_name_plural = _("factor scores")
        constraints = [
            *Positioned.Meta.constraints,
            models.UniqueConstraint(
                fields=["career", "factor"],
                name="careers_factorscore_unique_factor",
                violation_error_message=_("This factor is already scored."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="careers_factorscore_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.score}/{SCORE_MAX}"


class ScoreCitation(models.Model):
    """A source a score cites, in the score's order."""

    score = models.ForeignKey(
        FactorScore, on_delete=models.CASCADE, related_name="citations"
    )
    position = models.PositiveIntegerField(_("position"))
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("source"),
    )

    class Meta:
        ordering = ["score", "position"]
        verbose_name = _("score source")
        verbose_name_plural = _("score sources")
        constraints = [
            models.UniqueConstraint(
                fields=["score", "position"],
                name="careers_scorecitation_unique_position",
                violation_error_message=_("Each position may be used only once."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.source)


class Step(Positioned):
    career = models.ForeignKey(
        "careers.CareerPath", on_delete=models.CASCADE, related_name="steps"
    )
    title = PlainCharField(_("title"), max_length=200)
    text = ProseField(_("text"))
    # An estimate of the time and money the step takes, both optional.
    duration_min_months = models.PositiveSmallIntegerField(
        _("shortest time (months)"), null=True, blank=True
    )
    duration_max_months = models.PositiveSmallIntegerField(
        _("longest time (months)"),
        null=True,
        blank=True,
        help_text=_("Equal to the shortest for a single figure."),
    )
    cost_min = models.PositiveIntegerField(_("lowest cost"), null=True, blank=True)
    cost_max = models.PositiveIntegerField(
        _("highest cost"),
        null=True,
        blank=True,
        help_text=_("Fees and materials, in whole units; 0 for free."),
    )
    cost_currency = models.CharField(
        _("cost currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("ISO 4217 code; required with a cost."),
    )

    class Meta(Positioned.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps to become")
        constraints = [
            *Positioned.Meta.constraints,
            range_constraint(
                "duration_min_months",
                "duration_max_months",
                "careers_step_duration_range",
                _("Give both times, the shortest not above the longest, or neither."),
            ),
            range_constraint(
                "cost_min",
                "cost_max",
                "careers_step_cost_range",
                _("Give both costs, the lowest not above the highest, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(cost_min__isnull=True, cost_currency="")
                | (Q(cost_min__isnull=False) & ~Q(cost_currency="")),
                name="careers_step_cost_currency",
                violation_error_message=_(
                    "A cost needs its currency, and only a cost."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, StrOrPromise] = {}
        for low, high, label in (
            ("duration_min_months", "duration_max_months", _("times")),
            ("cost_min", "cost_max", _("costs")),
        ):
            errors |= range_errors(self, low, high, label)
        if self.cost_min is not None and not self.cost_currency:
            errors.setdefault("cost_currency", _("Give the currency of the cost."))
        elif self.cost_min is None and self.cost_currency:
            errors.setdefault("cost_currency", _("A currency needs a cost."))
        if errors:
            raise ValidationError(errors)

    @property
    def has_duration(self) -> bool:
        return self.duration_min_months is not None

    @property
    def has_cost(self) -> bool:
        return self.cost_min is not None


class CareerSkill(Positioned):
    career = models.ForeignKey(
        "careers.CareerPath", on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="careers", verbose_name=_("skill")
    )
    title = PlainCharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_(
            "How this career words the skill, e.g. “Expertise in Machine Learning "
            "Theory”. Empty: the skill's name."
        ),
    )
    description = ProseField(_("description"))

    class Meta(Positioned.Meta):
        verbose_name = _("essential skill")
        verbose_name_plural = _("essential skills")
        constraints = [
            *Positioned.Meta.constraints,
            models.UniqueConstraint(
                fields=["career", "skill"],
                name="careers_careerskill_unique_skill",
                violation_error_message=_("This skill is already listed."),
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        return self.title or self.skill.name


class EducationRequirement(Positioned):
    Kind = EducationKind

    career = models.ForeignKey(
        "careers.CareerPath", on_delete=models.CASCADE, related_name="education"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=EducationKind, default=EducationKind.DEGREE
    )
    title = PlainCharField(_("title"), max_length=200)
    text = ProseField(_("text"))

    class Meta(Positioned.Meta):
        verbose_name = _("education requirement")
        verbose_name_plural = _("education")
        constraints = [
            *Positioned.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=EducationKind.values),
                name="careers_educationrequirement_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title
