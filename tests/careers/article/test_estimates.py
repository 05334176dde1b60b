"""The steps to a career summed: times in sequence, costs per currency, and
an honest count of the steps without an estimate."""

from types import SimpleNamespace

import pytest

from careers.article.estimates import Cost, estimate, months, months_span


def step(duration=None, cost=None, currency=""):
    """A step with an estimate of (min, max) months and (min, max) cost."""
    low, high = duration or (None, None)
    cost_min, cost_max = cost or (None, None)
    return SimpleNamespace(
        duration_min_months=low,
        duration_max_months=high,
        cost_min=cost_min,
        cost_max=cost_max,
        cost_currency=currency,
    )


def test_times_add_up_minima_and_maxima_apart():
    """Steps are taken one after another: the shortest total is the sum of the
    shortest times, the longest the sum of the longest."""
    summed = estimate([step((36, 48)), step((3, 6)), step((1, 1))])
    assert (summed.min_months, summed.max_months) == (40, 55)
    assert summed.duration == "3 years 4 months – 4 years 7 months"


def test_costs_add_up_per_currency_in_order_of_appearance():
    """Costs are never converted: each currency is summed on its own."""
    summed = estimate(
        [
            step(cost=(0, 27750), currency="GBP"),
            step(cost=(0, 500), currency="USD"),
            step(cost=(100, 250), currency="GBP"),
        ]
    )
    assert summed.costs == (Cost("GBP", 100, 28000), Cost("USD", 0, 500))


def test_the_every_field_guide_sums_as_its_page_says():
    summed = estimate(
        [
            step((36, 48), (0, 27750), "GBP"),
            step((3, 6), (0, 500), "USD"),
            step(),
        ]
    )
    assert summed.duration == "3 years 3 months – 4 years 6 months"
    assert summed.costs == (Cost("GBP", 0, 27750), Cost("USD", 0, 500))
    assert summed.gaps == ["1 of 3 steps has no estimate"]
    assert summed.has_any


def test_steps_missing_time_and_cost_apart_are_counted_apart():
    """When the steps without a time are not the steps without a cost, each
    count is said on its own."""
    summed = estimate(
        [step((3, 6)), step(cost=(0, 10), currency="EUR"), step(), step((1, 2))]
    )
    assert summed.gaps == [
        "2 of 4 steps have no time estimate",
        "3 of 4 steps have no cost estimate",
    ]


def test_as_many_steps_without_time_as_without_cost_but_not_the_same_steps():
    summed = estimate([step((3, 6)), step(cost=(0, 10), currency="EUR")])
    assert summed.gaps == [
        "1 of 2 steps has no time estimate",
        "1 of 2 steps has no cost estimate",
    ]


def test_every_step_estimated_leaves_no_gap():
    summed = estimate([step((3, 6), (0, 10), "EUR"), step((12, 12), (5, 5), "EUR")])
    assert summed.gaps == []
    assert summed.duration == "1 year 3 months – 1 year 6 months"


def test_no_estimate_at_all_shows_no_summary():
    summed = estimate([step(), step()])
    assert not summed.has_any
    assert summed.duration == ""
    assert estimate([]).gaps == []


@pytest.mark.parametrize(
    ("low", "high", "shown"),
    [
        (6, 6, "6 months"),
        (1, 1, "1 month"),
        (3, 6, "3–6 months"),
        (36, 48, "3–4 years"),
        (12, 12, "1 year"),
        (12, 24, "1–2 years"),
        (0, 12, "0 months – 1 year"),
        (6, 18, "6 months – 1 year 6 months"),
        (39, 54, "3 years 3 months – 4 years 6 months"),
        (11, 13, "11 months – 1 year 1 month"),
    ],
)
def test_months_span(low, high, shown):
    assert months_span(low, high) == shown


def test_months():
    assert [months(n) for n in (0, 1, 12, 13, 25)] == [
        "0 months",
        "1 month",
        "1 year",
        "1 year 1 month",
        "2 years 1 month",
    ]
