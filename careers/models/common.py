"""What the career models share: the prose field, validators, choices, and
what "live" means."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import PlainTextField
from ..shape import SCORE_MAX, SCORE_MIN


def validate_score(value: Any) -> None:
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValidationError(
            _("%(value)s is not between %(min)s and %(max)s"),
            code="score_range",
            params={"value": value, "min": SCORE_MIN, "max": SCORE_MAX},
        )


validate_currency = RegexValidator(
    r"^[A-Z]{3}\Z",
    _("Enter a three-letter ISO 4217 currency code in capitals, such as USD."),
    code="currency",
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


def live_filter(prefix: str = "") -> Q:
    """Published, and its publish_at (if any) has come: a query-time check, so a
    scheduled career goes live by itself with no cron or worker."""
    return Q(**{f"{prefix}status": CareerStatus.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True})
        | Q(**{f"{prefix}publish_at__lte": timezone.now()})
    )
