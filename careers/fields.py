"""
Text fields that hold no control characters.

Feeds (XML) cannot carry U+0000–U+001F other than tab and newline, and HTML
treats them and U+007F as errors. So every text field refuses them when
validated (admin forms, content files), and never returns them when read: text
written around validation (a shell, QuerySet.update(), raw SQL) still reaches
every page, feed and API answer in a form they can carry.
"""

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Carriage returns too: line endings are normalised to "\n" before validation.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalise_newlines(value):
    return value.replace("\r\n", "\n").replace("\r", "\n")


def validate_no_control_characters(value):
    match = CONTROL_RE.search(value)
    if match:
        raise ValidationError(
            _("contains a control character (U+%(code)04X) at position %(position)d"),
            code="control_character",
            params={"code": ord(match.group()), "position": match.start() + 1},
        )


def without_control_characters(value):
    """`value` with line endings normalised and other control characters made
    spaces. Text without any (nearly all of it) costs one regex search."""
    if value and CONTROL_RE.search(value):
        return CONTROL_RE.sub(" ", normalise_newlines(value))
    return value


class PlainTextMixin:
    default_validators: Sequence[Callable[[Any], None]] = [
        validate_no_control_characters
    ]

    def to_python(self, value):
        # Browsers post textareas with CRLF; a CR alone is an old Mac ending.
        value = super().to_python(value)
        if isinstance(value, str):
            value = normalise_newlines(value)
        return value

    def from_db_value(self, value, expression, connection):
        return without_control_characters(value)


class PlainCharField(PlainTextMixin, models.CharField):
    pass


class PlainTextField(PlainTextMixin, models.TextField):
    pass


class PlainURLField(PlainTextMixin, models.URLField):
    default_validators = [
        *models.URLField.default_validators,
        validate_no_control_characters,
    ]
