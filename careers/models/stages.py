"""A stage of a career's progression, with what it pays if known."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..fields import PlainCharField
from .children import Positioned
from .common import PayPeriod, ProseField, validate_currency
from .shared import SalarySource


class Stage(Positioned):
    """A rung of the career ladder, with what it pays if known.

    Its salary is a range (both figures), a single figure (equal figures), an
    open-ended range (only a minimum, "from"; only a maximum, "up to"), or not
    available (neither). A range may add its median.
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
            "In whole units. Only a minimum: “from”. Leave both empty if no data "
            "is available."
        ),
    )
    salary_max = models.PositiveIntegerField(
        _("salary maximum"),
        null=True,
        blank=True,
        help_text=_("Equal to the minimum for a single figure; alone: “up to”."),
    )
    salary_median = models.PositiveIntegerField(
        _("salary median"),
        null=True,
        blank=True,
        help_text=_("Of a range, if the source gives it."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[validate_currency],
        help_text=_("ISO 4217 code."),
    )
    pay_period = models.CharField(
        _("pay period"),
        max_length=5,
        choices=PayPeriod,
        blank=True,
        help_text=_("Empty: the source's (per year without a source)."),
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
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="careers_stage_salary_range",
                violation_error_message=_(
                    "The salary minimum may not be above the maximum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(salary_median__isnull=True)
                | Q(
                    # Explicitly: a comparison with NULL would pass the check.
                    salary_min__isnull=False,
                    salary_max__isnull=False,
                    salary_min__lte=models.F("salary_median"),
                    salary_max__gte=models.F("salary_median"),
                ),
                name="careers_stage_salary_median",
                violation_error_message=_(
                    "A median needs both figures and must lie between them."
                ),
            ),
            models.CheckConstraint(
                condition=Q(pay_period="") | Q(pay_period__in=PayPeriod.values),
                name="careers_stage_pay_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        low, high, median = self.salary_min, self.salary_max, self.salary_median
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {
                    "salary_min": _(
                        "The minimum (%(min)s) is above the maximum (%(max)s)."
                    )
                    % {"min": low, "max": high}
                }
            )
        if median is not None and (
            low is None or high is None or not low <= median <= high
        ):
            raise ValidationError(
                {
                    "salary_median": _(
                        "A median needs both figures and must lie between them."
                    )
                }
            )

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None

    @property
    def is_single_figure(self) -> bool:
        return self.salary_min is not None and self.salary_min == self.salary_max

    @property
    def is_range(self) -> bool:
        return self.salary_min is not None and self.salary_max is not None

    @property
    def is_open_above(self) -> bool:
        """Only a minimum is known: "from"."""
        return self.salary_min is not None and self.salary_max is None

    @property
    def is_open_below(self) -> bool:
        """Only a maximum is known: "up to"."""
        return self.salary_min is None and self.salary_max is not None

    @property
    def period(self) -> str:
        """What the figures are paid for: its own, its source's, or a year."""
        if self.pay_period:
            return self.pay_period
        return self.source.pay_period if self.source else PayPeriod.YEAR

    def get_period_display(self) -> str:
        return str(PayPeriod(self.period).label)
