"""The salary chart's geometry: its axis and what each stage draws."""

import pytest

from careers.article.chart import WIDTH, nice_ticks, salary_chart
from tests import factories


@pytest.mark.parametrize(
    ("high", "ticks"),
    [
        (237500, [0, 50000, 100000, 150000, 200000, 250000]),
        (265000, [0, 100000, 200000, 300000]),
        (45000, [0, 10000, 20000, 30000, 40000, 50000]),
        (95000, [0, 25000, 50000, 75000, 100000]),
        (250000, [0, 50000, 100000, 150000, 200000, 250000]),
        (1200000, [0, 250000, 500000, 750000, 1000000, 1250000]),
        (6, [0, 2, 4, 6]),
        (1, [0, 1]),
    ],
)
def test_ticks_end_just_above_the_highest_figure(high, ticks):
    """Round steps, 3 to 5 intervals, the lowest top tick at or above `high`."""
    assert nice_ticks(high) == ticks


@pytest.mark.django_db
def test_every_kind_of_stage_in_the_chart():
    """Each yearly stage draws as what it is; the hourly one is set apart."""
    career = factories.every_field_career()

    chart = salary_chart(career.stages.all())

    # "From £95,000" needs room to fade: the axis runs to £125K, not £100K.
    assert [tick["value"] for tick in chart["ticks"]] == [
        0,
        25000,
        50000,
        75000,
        100000,
        125000,
    ]
    assert chart["ticks"][-1]["x"] == WIDTH
    assert chart["intervals"] == 5
    assert chart["currency"] == "GBP"
    rows = [
        {key: value for key, value in row.items() if key != "stage"}
        for row in chart["rows"]
    ]
    assert [row["stage"].title for row in chart["rows"]] == [
        "Junior Data Engineer",
        "Data Engineer",
        "Lead Data Engineer",
        "Graduate Data Engineer",
        "Head of Data Engineering",
    ]
    # 1000 units for £125,000: 8 units per £1,000.
    assert rows == [
        {"kind": "range", "x": 224.0, "width": 80.0, "median_x": 260.0},
        {"kind": "single", "x": 360.0},
        {"kind": "above", "x": 760.0, "width": 240.0},
        {"kind": "below", "x": 0, "width": 240.0},
        {"kind": "missing"},
    ]
    assert [stage.title for stage in chart["apart"]] == ["Freelance Data Engineer"]


@pytest.mark.django_db
def test_mlops_axis_ends_at_250k(mlops):
    """The shipped guide's highest figure, $237,500, is under the $250K tick."""
    chart = salary_chart(mlops.stages.all())
    assert chart["ticks"][-1]["value"] == 250000
    assert [row["kind"] for row in chart["rows"]] == [
        "missing",
        "range",
        "range",
        "single",
        "range",
    ]
    assert chart["apart"] == []


@pytest.mark.django_db
def test_no_chart_without_one_currency_of_yearly_figures():
    """Mixed currencies, or only hourly figures, make no chart."""
    mixed = factories.career()
    factories.stage(mixed, 1, salary_min=1000, salary_max=2000)
    factories.stage(mixed, 2, salary_min=1000, salary_max=2000, currency="EUR")
    hourly = factories.career()
    factories.stage(hourly, 1, salary_min=20, salary_max=30, pay_period="hour")
    factories.stage(hourly, 2)

    assert salary_chart(mixed.stages.all()) is None
    assert salary_chart(hourly.stages.all()) is None
    # A monthly stage in another currency is set apart, not a second currency.
    factories.stage(hourly, 3, salary_min=50000, salary_max=50000)
    factories.stage(
        hourly, 4, salary_min=4000, salary_max=5000, currency="EUR", pay_period="month"
    )
    chart = salary_chart(hourly.stages.order_by("position"))
    assert [row["kind"] for row in chart["rows"]] == ["missing", "single"]
    assert [stage.position for stage in chart["apart"]] == [1, 4]
