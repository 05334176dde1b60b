"""What the career models share: the prose field, validators, choices, and
what "live" means."""

import functools
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import PlainTextField
from ..shape import SCORE_MAX, SCORE_MIN

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def validate_score(value: Any) -> None:
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValidationError(
            _("%(value)s is not between %(min)s and %(max)s"),
            code="score_range",
            params={"value": value, "min": SCORE_MIN, "max": SCORE_MAX},
        )


validate_currency_format = RegexValidator(
    r"^[A-Z]{3}\Z",
    _("Enter a three-letter ISO 4217 currency code in capitals, such as USD."),
    code="currency",
)


@functools.cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes CLDR knows, so that pages can show each properly."""
    return frozenset(list_currencies())


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes: CLDR's two-letter territories without its
    groupings (EU, UN, EZ) and private-use codes (QO, XA, XB)."""
    return frozenset(
        code
        for code in map(str, Locale("en").territories)
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB"}


def validate_currency(value: str) -> None:
    validate_currency_format(value)
    if value not in currency_codes():
        raise ValidationError(
            _("%(value)s is not an ISO 4217 currency code."),
            code="currency",
            params={"value": value},
        )


def validate_country(value: str) -> None:
    if value not in country_codes():
        raise ValidationError(
            _(
                "Enter a two-letter ISO 3166-1 country code in capitals, "
                "such as US or GB."
            ),
            code="country",
        )


class ProseField(PlainTextField):
    """Long text with Unix line endings: browsers post textareas with CRLF, which
    would otherwise make an untouched paragraph look edited in history and files."""


class CareerStatus(TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class EducationKind(TextChoices):
    DEGREE = "degree", _("Degree")
    CERTIFICATION = "certification", _("Certification")
    COURSE = "course", _("Course")
    OTHER = "other", _("Other")


class PayPeriod(TextChoices):
    YEAR = "year", _("per year")
    MONTH = "month", _("per month")
    HOUR = "hour", _("per hour")


class WorkExperience(TextChoices):
    """As the Occupational Outlook Handbook's "work experience in a related
    occupation"."""

    NONE = "none", _("None")
    UNDER_5_YEARS = "under-5-years", _("Less than 5 years")
    FIVE_YEARS_OR_MORE = "5-years-or-more", _("5 years or more")


class OnTheJobTraining(TextChoices):
    """As the Occupational Outlook Handbook's "typical on-the-job training"."""

    NONE = "none", _("None")
    SHORT = "short-term", _("Short-term (a month or less)")
    MODERATE = "moderate-term", _("Moderate-term (1 to 12 months)")
    LONG = "long-term", _("Long-term (more than 12 months)")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    INTERNSHIP = "internship", _("Internship or residency")


def live_filter(prefix: str = "") -> Q:
    """Published, and its publish_at (if any) has come: a query-time check, so a
    scheduled career goes live by itself with no cron or worker."""
    return Q(**{f"{prefix}status": CareerStatus.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True})
        | Q(**{f"{prefix}publish_at__lte": timezone.now()})
    )


def range_constraint(
    low: str, high: str, name: str, message: "StrOrPromise"
) -> models.CheckConstraint:
    """Both of two fields or neither, the first not above the second."""
    return models.CheckConstraint(
        condition=Q(**{f"{low}__isnull": True, f"{high}__isnull": True})
        | Q(
            **{
                f"{low}__isnull": False,
                f"{high}__isnull": False,
                f"{low}__lte": models.F(high),
            }
        ),
        name=name,
        violation_error_message=message,
    )


def range_errors(
    row: models.Model, low: str, high: str, label: "StrOrPromise"
) -> "dict[str, StrOrPromise]":
    """As range_constraint(), the message for the field that breaks it."""
    minimum, maximum = getattr(row, low), getattr(row, high)
    if (minimum is None) != (maximum is None):
        missing = high if maximum is None else low
        message = _("Give both %(label)s (equal for a single figure), or neither.")
        return {missing: message % {"label": label}}
    if minimum is not None and minimum > maximum:
        message = _("The lower figure (%(min)s) is above the higher (%(max)s).")
        return {low: message % {"min": minimum, "max": maximum}}
    return {}
