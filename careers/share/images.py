"""
A career's share image, rendered on its first request and stored.

Its URL carries a digest of what it shows (title, score, salary span) and of
the code that draws it, so the career page names it from the career's own
fields without rendering anything, and a URL always means one image:
clients and proxies keep it for a year. An edit that changes what the image
shows gives it a new URL; the image is drawn again on its first request and
replaces the stored one (ShareImage, in the database so that every node
serves it and a cache flush loses nothing). Drawing takes tens of
milliseconds: at save time it would slow every import for images most
careers never have asked for.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple
from typing import TYPE_CHECKING

from babel.numbers import format_compact_currency
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import to_locale

from ..models import ShareImage
from ..shape import SCORE_MAX
from . import drawing

if TYPE_CHECKING:
    from ..models import CareerPath

SITE_NAME = "Career Portal"


def card(career: CareerPath) -> drawing.Card:
    """What the image of `career` shows, from its stored fields."""
    facts = []
    if career.overall_score is not None:
        score = floatformat(career.overall_score, 1)
        facts.append((_("Overall score"), f"{score}/{SCORE_MAX}"))
    if span := salary_span(career):
        facts.append((_("Salary across stages"), span))
    return drawing.Card(title=career.title, facts=tuple(facts), site=SITE_NAME)


def money(amount: int, currency: str) -> str:
    """131158, "USD" -> "$131K"; a million and more with one decimal."""
    digits = 1 if 1_000_000 <= amount < 10_000_000 else 0
    return format_compact_currency(
        amount,
        currency,
        locale=to_locale(settings.LANGUAGE_CODE),
        fraction_digits=digits,
    )


def salary_span(career: CareerPath) -> str:
    """ "$131K–$238K", or "" without yearly figures in one currency."""
    low, top = career.low_salary, career.top_salary
    if low is None or top is None or not career.salary_currency:
        return ""
    low_text = money(low, career.salary_currency)
    top_text = money(top, career.salary_currency)
    return low_text if low_text == top_text else f"{low_text}–{top_text}"


def alt_text(career: CareerPath) -> str:
    shown = card(career)
    facts = "; ".join(f"{label} {value}" for label, value in shown.facts)
    return f"{shown.title}{f': {facts}' if facts else ''}. {shown.site}."


def version(career: CareerPath) -> str:
    """A digest of what the image shows and of the code that draws it."""
    drawn = json.dumps([drawing.VERSION, *astuple(card(career))])
    return hashlib.sha256(drawn.encode()).hexdigest()[:12]


def url(career: CareerPath) -> str:
    return reverse(
        "careers:share_image", kwargs={"slug": career.slug, "version": version(career)}
    )


def meta(career: CareerPath, origin: str) -> dict[str, str | int]:
    """What the page's head says of its image."""
    return {
        "url": f"{origin}{url(career)}",
        "width": drawing.WIDTH,
        "height": drawing.HEIGHT,
        "alt": alt_text(career),
    }


def png(career: CareerPath) -> bytes:
    """The image of `career` (loaded with for_share_image()): the stored one if
    it is current, else drawn now and stored for every node."""
    current = version(career)
    stored = getattr(career, "share_image", None)
    if stored is not None and stored.version == current:
        return bytes(stored.png)
    image = drawing.draw(card(career))
    # Of two requests drawing at once the last write wins; had it drawn an
    # older career, the next request draws the current one again.
    ShareImage.objects.update_or_create(
        career_id=career.pk,
        defaults={"version": current, "png": image, "created": timezone.now()},
    )
    return image
