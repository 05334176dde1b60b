"""The quick facts of a career, as the Occupational Outlook Handbook gives
them (careers.shape.FACTS): each optional, and shown only when known."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..fields import PlainTextField
from .common import OnTheJobTraining, WorkExperience
from .shared import Source


def validate_titles(value: str) -> None:
    """Alternative titles: one per line, each a title's length."""
    for title in value.split("\n"):
        if not title.strip():
            raise ValidationError(_("Write one title per line, with no empty lines."))
        if len(title) > 150:
            raise ValidationError(
                _("“%(title)s…” is longer than 150 characters."),
                params={"title": title[:40]},
            )


class CareerFacts(models.Model):
    """The career path's quick facts; CareerPath is the only subclass."""

    alternative_titles = PlainTextField(
        _("alternative titles"),
        blank=True,
        validators=[validate_titles],
        help_text=_("Other names of the role, one per line; search finds them."),
    )
    soc_code = models.CharField(
        _("SOC 2018 code"),
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{2}-\d{4}\Z", _("Enter a SOC 2018 code such as 15-1252.")
            )
        ],
    )
    isco_code = models.CharField(
        _("ISCO-08 code"),
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(r"^\d{4}\Z", _("Enter an ISCO-08 unit group such as 2512."))
        ],
    )
    work_experience = models.CharField(
        _("work experience in a related occupation"),
        max_length=20,
        choices=WorkExperience,
        blank=True,
    )
    on_the_job_training = models.CharField(
        _("typical on-the-job training"),
        max_length=20,
        choices=OnTheJobTraining,
        blank=True,
    )
    employment = models.PositiveIntegerField(_("number of jobs"), null=True, blank=True)
    employment_year = models.PositiveSmallIntegerField(
        _("jobs counted in"), null=True, blank=True
    )
    employment_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source of the number of jobs"),
    )
    projected_change = models.DecimalField(
        _("projected employment change (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    projection_start = models.PositiveSmallIntegerField(
        _("projected from"), null=True, blank=True
    )
    projection_end = models.PositiveSmallIntegerField(
        _("projected to"), null=True, blank=True
    )
    projection_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source of the projection"),
    )

    class Meta:
        abstract = True
        constraints = [
            # As the other choices (status, kind, pay period), in the database.
            models.CheckConstraint(
                condition=Q(work_experience="")
                | Q(work_experience__in=WorkExperience.values),
                name="careerpath_work_experience_valid",
            ),
            models.CheckConstraint(
                condition=Q(on_the_job_training="")
                | Q(on_the_job_training__in=OnTheJobTraining.values),
                name="careerpath_on_the_job_training_valid",
            ),
            models.CheckConstraint(
                condition=Q(employment__isnull=True) | Q(employment_year__isnull=False),
                name="careerpath_employment_year",
                violation_error_message=_("Give the year the jobs were counted in."),
            ),
            models.CheckConstraint(
                condition=Q(projected_change__isnull=True)
                | Q(
                    projection_start__isnull=False,
                    projection_end__isnull=False,
                    projection_end__gt=models.F("projection_start"),
                ),
                name="careerpath_projection_years",
                violation_error_message=_(
                    "Give the years a projection runs from and to, in that order."
                ),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        # As the constraints on the figures.
        if self.employment is not None and self.employment_year is None:
            raise ValidationError(
                {"employment_year": _("Give the year the jobs were counted in.")}
            )
        if self.projected_change is not None and not (
            self.projection_start and self.projection_end
        ):
            missing = "projection_end" if self.projection_start else "projection_start"
            raise ValidationError(
                {missing: _("Give the years a projection runs from and to.")}
            )
        if self.projected_change is not None and (
            self.projection_end <= self.projection_start  # type: ignore[operator]
        ):
            raise ValidationError(
                {"projection_end": _("A projection ends after the year it starts.")}
            )

    @property
    def alternative_title_list(self) -> list[str]:
        return self.alternative_titles.split("\n") if self.alternative_titles else []
