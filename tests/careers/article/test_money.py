"""Money as the page's readers write it, from CLDR through Babel."""

import pytest
from django.utils import translation

from careers.templatetags.careers import country_name, money, money_short

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (131158, "USD", "$131,158"),
        (28000, "GBP", "£28,000"),
        (45000, "EUR", "€45,000"),
        (5000000, "JPY", "¥5,000,000"),
        # A code with no symbol of its own is set apart from its figure.
        (90000, "CHF", f"CHF{NBSP}90,000"),
        (350000, "ZAR", f"ZAR{NBSP}350,000"),
        (0, "USD", "$0"),
    ],
)
def test_money_is_a_whole_amount_with_its_symbol(amount, currency, expected):
    """Whole amounts show no decimals and their currency's CLDR symbol."""
    assert money(amount, currency) == expected


def test_money_defaults_to_dollars_and_shows_nothing_for_none():
    assert money(1500) == "$1,500"
    assert money(None, "GBP") == ""


def test_money_follows_the_page_language():
    """Another language writes the same amount its own way."""
    with translation.override("de"):
        assert money(45000, "EUR") == f"45.000{NBSP}€"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (250000, "USD", "$250K"),
        (30000, "GBP", "£30K"),
        (32500, "GBP", "£32.5K"),
        # Three significant figures, rounded half up.
        (237500, "USD", "$238K"),
        (131158, "USD", "$131K"),
        (1250000, "EUR", "€1.25M"),
        (2000000, "JPY", "¥2M"),
        (250000, "CHF", f"CHF{NBSP}250K"),
        (45, "GBP", "£45"),
        (0, "USD", "$0"),
    ],
)
def test_money_short_is_compact(amount, currency, expected):
    assert money_short(amount, currency) == expected


def test_money_short_shows_nothing_for_none():
    assert money_short(None) == ""


def test_country_name_in_the_page_language():
    assert country_name("GB") == "United Kingdom"
    assert country_name("") == ""
    with translation.override("de"):
        assert country_name("GB") == "Vereinigtes Königreich"
