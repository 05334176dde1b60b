"""What a career page says about pay: each stage's figures, their period and
source, and the chart beside the table."""

import re

import pytest

from careers.models import PayPeriod
from tests import factories
from tests.careers.test_views import get_html, stage_salaries

pytestmark = pytest.mark.django_db

TABLE_ROW_RE = re.compile(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td></tr>')
CHART_ROW_RE = re.compile(
    r'<li class="chart-row chart-([a-z]+)">\s*<span class="chart-label">([^<]*)</span>'
    r'\s*<span class="chart-value">([^<]*)</span>'
)


def expected_text(stage):
    """A stage's salary text from its row, written out independently of the
    templates: pounds with thousands separators, the period unless yearly."""
    low, high, median = stage.salary_min, stage.salary_max, stage.salary_median
    if low is None and high is None:
        return "Salary data not available"
    if low == high:
        text = f"£{low:,}"
    elif high is None:
        text = f"from £{low:,}"
    elif low is None:
        text = f"up to £{high:,}"
    else:
        text = f"£{low:,} – £{high:,}"
    if stage.period != PayPeriod.YEAR:
        text += f" per {stage.period}"
    if median is not None:
        text += f" (median £{median:,})"
    return text


@pytest.fixture
def every_field(client):
    career = factories.every_field_career()
    return career, get_html(client, career.get_absolute_url())


def test_each_stage_says_what_it_pays(every_field):
    """Ladder and table give every stage's figures as its row holds them."""
    career, html = every_field
    expected = [(s.title, expected_text(s)) for s in career.stages.all()]

    assert expected == [
        ("Junior Data Engineer", "£28,000 – £38,000 (median £32,500)"),
        ("Data Engineer", "£45,000"),
        ("Lead Data Engineer", "from £95,000"),
        ("Freelance Data Engineer", "£45 – £90 per hour"),
        ("Graduate Data Engineer", "up to £30,000"),
        ("Head of Data Engineering", "Salary data not available"),
    ]
    assert stage_salaries(html) == expected
    assert TABLE_ROW_RE.findall(html) == expected


def test_the_table_does_not_claim_every_figure_is_yearly(every_field):
    """With an hourly stage, the column says "Salary" and the row its period."""
    _career, html = every_field
    assert "Salary per year" not in html
    assert '<th scope="col">Salary</th>' in html
    assert "Salary by career stage, per year unless stated</caption>" in html


def test_the_source_says_where_when_and_per_what(every_field):
    """The citation names the country, region, pay period and month read."""
    _career, html = every_field
    assert (
        '<p class="source">Salary figures sourced from '
        '<a href="https://example.org/pay">Example Pay Survey</a> '
        "(United Kingdom, London, per year, retrieved March 2026).</p>"
    ) in html


def test_the_chart_draws_yearly_stages_and_sets_hourly_ones_apart(every_field):
    """Under its heading, each yearly stage is a row; the hourly one a note."""
    _career, html = every_field
    chart = html[html.index('<h3 id="salary-chart-heading">') : html.index("</figure>")]

    assert chart.startswith('<h3 id="salary-chart-heading">Salary by stage</h3>')
    assert CHART_ROW_RE.findall(chart) == [
        ("range", "Junior Data Engineer", "£28K–£38K, median £32.5K"),
        ("single", "Data Engineer", "£45K"),
        ("above", "Lead Data Engineer", "from £95K"),
        ("below", "Graduate Data Engineer", "up to £30K"),
        ("missing", "Head of Data Engineering", "no data"),
    ]
    assert (
        '<p class="chart-apart">Not comparable on this yearly axis: '
        "Freelance Data Engineer, £45 – £90 per hour.</p>"
    ) in chart
    assert re.findall(r"<li>([^<]*)</li>", chart) == [
        "£0",
        "£25K",
        "£50K",
        "£75K",
        "£100K",
        "£125K",
    ]
    # A single figure is a point, the open ranges fade, the median is marked.
    assert chart.count('class="chart-point"') == 1
    assert chart.count('class="chart-fade"') == 2
    assert chart.count('class="chart-median"') == 1
    assert 'role="img" aria-labelledby="salary-chart-heading"' in chart


def test_mlops_chart_axis_ends_at_250k(client, mlops):
    """$237,500 at most: the axis stops at $250K, and no stage is set apart."""
    html = get_html(client, mlops.get_absolute_url())
    chart = html[html.index('<h3 id="salary-chart-heading">') : html.index("</figure>")]

    ticks = re.findall(r"<li>([^<]*)</li>", chart)
    assert ticks == ["$0", "$50K", "$100K", "$150K", "$200K", "$250K"]
    assert "chart-apart" not in chart
    assert (
        '<a href="https://www.talent.com/salary?job=mlops+engineer">Talent.com</a> '
        "(per year, retrieval date not recorded).</p>"
    ) in html


def test_mixed_currencies_keep_the_table_without_a_chart(client):
    career = factories.career()
    factories.stage(career, 1, salary_min=40000, salary_max=60000)
    factories.stage(career, 2, salary_min=30000, salary_max=45000, currency="EUR")

    html = get_html(client, career.get_absolute_url())

    assert "salary-chart-heading" not in html
    assert TABLE_ROW_RE.findall(html) == [
        ("Stage 1", "$40,000 – $60,000"),
        ("Stage 2", "€30,000 – €45,000"),
    ]
