import copy
import functools
import json
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_currency,
    get_currency_symbol,
)
from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from careers.shape import SCORE_MAX, SCORE_MIN

register = template.Library()


@functools.cache
def page_locale(language: str) -> Locale:
    """The CLDR locale of a Django language code: "en-us" -> en_US."""
    return Locale.parse(translation.to_locale(language))


def current_locale() -> Locale:
    return page_locale(translation.get_language() or settings.LANGUAGE_CODE)


@functools.cache
def whole_pattern(locale: Locale) -> NumberPattern:
    """The locale's currency pattern without decimals: salaries are whole."""
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern


def spaced(text: str, currency: str, locale: Locale) -> str:
    """CLDR's currency spacing, which Babel leaves out: a no-break space
    between a digit and a symbol that ends (or starts) with a letter, so
    "CHF 90,000" but "$90,000"."""
    symbol = get_currency_symbol(currency, locale)
    rest = text.removeprefix(symbol)
    if rest != text and rest[:1].isdigit() and not is_symbol(symbol[-1]):
        return f"{symbol}\N{NO-BREAK SPACE}{rest}"
    rest = text.removesuffix(symbol)
    if rest != text and rest[-1:].isdigit() and not is_symbol(symbol[0]):
        return f"{rest}\N{NO-BREAK SPACE}{symbol}"
    return text


def is_symbol(char: str) -> bool:
    """CLDR's currencyMatch: symbols (Sc, Sm...) and spaces need no space."""
    return unicodedata.category(char)[0] in "SZ"


@register.filter
def money(amount, currency="USD"):
    """A whole amount as the page's readers write it: money(131158, "USD") ->
    "$131,158", money(90000, "CHF") -> "CHF 90,000"."""
    if amount is None:
        return ""
    locale = current_locale()
    text = format_currency(
        amount, currency, whole_pattern(locale), locale, currency_digits=False
    )
    return spaced(text, currency, locale)


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
    """An amount to three significant figures, for axes and cards:
    money_short(250000) -> "$250K", money_short(237500) -> "$238K"."""
    if amount is None:
        return ""
    locale = current_locale()
    text = format_compact_currency(
        significant(amount), currency, locale=locale, fraction_digits=2
    )
    return spaced(text, currency, locale)


def significant(amount, digits=3):
    """`amount` rounded half up to `digits` significant figures."""
    value = Decimal(amount)
    if not value:
        return value
    exponent = value.adjusted() - digits + 1
    return (
        value.quantize(Decimal(f"1e{exponent}"), ROUND_HALF_UP)
        if exponent > 0
        else value
    )


@register.filter
def country_name(code):
    """A country's name in the page's language: country_name("GB") ->
    "United Kingdom"."""
    return current_locale().territories.get(code, code) if code else ""


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
