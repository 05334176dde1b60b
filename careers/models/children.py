"""A career's children: its scores, steps, stages, skills and education."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..fields import PlainCharField
from ..shape import SCORE_MAX, SCORE_MIN
from .common import EducationKind, ProseField, validate_currency, validate_score
from .shared import Factor, SalarySource, Skill


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


class FactorScore(models.Model):
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

    class Meta:
        ordering = ["career", "factor__position"]
        verbose_name = _("factor score")
        verbose_name_plural = _("factor scores")
        constraints = [
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


class Step(Positioned):
    career = models.ForeignKey(
        "careers.CareerPath", on_delete=models.CASCADE, related_name="steps"
    )
    title = PlainCharField(_("title"), max_length=200)
    text = ProseField(_("text"))

    class Meta(Positioned.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps to become")

    def __str__(self) -> str:
        return self.title


class Stage(Positioned):
    """A rung of the career ladder, with an optional salary range.

    A single salary figure is stored as an equal minimum and maximum; a stage
    without salary data has neither.
    """

    career = models.ForeignKey(
        "careers.CareerPath", on_delete=models.CASCADE, related_name="stages"
    )
    title = PlainCharField(_("title"), max_length=200)
    description = ProseField(_("description"))
    salary_min = models.PositiveIntegerField(
        _("salary minimum"),
        null=True,
        blank=True,
        help_text=_(
            "Yearly, in whole units. Leave both empty if no data is available."
        ),
    )
    salary_max = models.PositiveIntegerField(
        _("salary maximum"),
        null=True,
        blank=True,
        help_text=_("Equal to the minimum for a single figure."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[validate_currency],
        help_text=_("ISO 4217 code."),
    )
    source = models.ForeignKey(
        SalarySource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stages",
        verbose_name=_("salary source"),
    )

    class Meta(Positioned.Meta):
        verbose_name = _("career stage")
        verbose_name_plural = _("career progression")
        constraints = [
            *Positioned.Meta.constraints,
            models.CheckConstraint(
                condition=(
                    Q(salary_min__isnull=True, salary_max__isnull=True)
                    | Q(
                        salary_min__isnull=False,
                        salary_max__isnull=False,
                        salary_min__lte=models.F("salary_max"),
                    )
                ),
                name="careers_stage_salary_range",
                violation_error_message=_(
                    "Give both salary figures, with the minimum not above the maximum, "
                    "or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if (self.salary_min is None) != (self.salary_max is None):
            missing = "salary_max" if self.salary_max is None else "salary_min"
            raise ValidationError(
                {
                    missing: _(
                        "Give both figures (equal for a single figure), or neither."
                    )
                }
            )
        # Both figures are set by now: the check above raised otherwise.
        if self.salary_min is not None and self.salary_min > self.salary_max:  # type: ignore[operator]
            raise ValidationError(
                {
                    "salary_min": _(
                        "The minimum (%(min)s) is above the maximum (%(max)s)."
                    )
                    % {"min": self.salary_min, "max": self.salary_max}
                }
            )

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None

    @property
    def is_single_figure(self) -> bool:
        return self.has_salary and self.salary_min == self.salary_max


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
