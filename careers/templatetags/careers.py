import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from careers.shape import SCORE_MAX, SCORE_MIN

register = template.Library()

# Symbols for the currencies a visitor reads at a glance; others show their code.
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


@register.filter
def money(amount, currency="USD"):
    """Format a whole amount: money(131158, "USD") -> "$131,158"."""
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{symbol}{amount:,}"
    return f"{currency} {amount:,}"


@register.filter
def out_of_scale(score):
    """A score on the scale factors are scored on: out_of_scale(7) -> "7/10"."""
    return format_html("{}/{}", score, SCORE_MAX)


@register.simple_tag
def score_min():
    return SCORE_MIN


@register.simple_tag
def score_max():
    return SCORE_MAX


@register.filter
def money_short(amount, currency="USD"):
    """Axis labels: money_short(250000) -> "$250k"."""
    symbol = CURRENCY_SYMBOLS.get(currency, "")
    if amount >= 1_000_000:
        return f"{symbol}{amount / 1_000_000:g}m"
    if amount >= 1000:
        return f"{symbol}{amount / 1000:g}k"
    return f"{symbol}{amount}"


@register.filter
def minutes(duration):
    """A timedelta in whole minutes, for people: 0:15:00 -> "15 minutes"."""
    count = max(round(duration.total_seconds() / 60), 1)
    return f"{count} minute{'s' if count != 1 else ''}"


# What json_script escapes, so no text can close the script element early.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A JSON-LD block: data for search engines, never executed (so CSP allows it)."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_ESCAPES)),  # noqa: S308 (escaped above)
    )
