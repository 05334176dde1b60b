"""The career page's structured data (careers.article.jsonld), read back
from the rendered page with extruct as a search engine's parser reads it."""

import datetime

import extruct
import pytest
from babel import Locale

from careers.models import CareerPath, PayPeriod
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
UNITS = {"year": "YEAR", "month": "MONTH", "hour": "HOUR"}
DURATIONS = {"year": "P1Y", "month": "P1M", "hour": "PT1H"}


def structured(client, career):
    """The JSON-LD items of the career's page, as extruct parses them."""
    response = client.get(career.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return extruct.extract(html, base_url=BASE, syntaxes=["json-ld"])["json-ld"]


def occupation_of(client, career):
    (data,) = structured(client, career)
    occupation, breadcrumbs = data["@graph"]
    assert occupation["@type"] == "Occupation"
    assert breadcrumbs["@type"] == "BreadcrumbList"
    return occupation


def walk(data):
    """Every mapping in `data`, nested ones included."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from walk(value)
    elif isinstance(data, list):
        for value in data:
            yield from walk(value)


def expected_salaries(stage):
    """What the database says a stage pays, in schema.org's terms: its
    figures, and its median as a distribution."""
    distribution = {
        "@type": "MonetaryAmountDistribution",
        "name": stage.title,
        "currency": stage.currency,
        "duration": DURATIONS[stage.period],
        "median": stage.salary_median,
    }
    median = [distribution] if stage.salary_median is not None else []
    figures = (
        {"value": stage.salary_min}
        if stage.salary_min == stage.salary_max
        else {
            key: value
            for key, value in (
                ("minValue", stage.salary_min),
                ("maxValue", stage.salary_max),
            )
            if value is not None
        }
    )
    amount = {
        "@type": "MonetaryAmount",
        "name": stage.title,
        "currency": stage.currency,
        "value": {
            "@type": "QuantitativeValue",
            **figures,
            "unitText": UNITS[stage.period],
        },
    }
    return [amount, *median]


@pytest.fixture
def every_field(db):
    """The guide with every optional field."""
    return factories.every_field_career()


def test_salaries_of_every_kind(client, every_field):
    """A range, a single figure and an open-ended one make amounts with only
    the figures known and their period; a median adds a distribution; a stage
    without data has none."""
    occupation = occupation_of(client, every_field)
    stages = list(every_field.stages.order_by("position"))
    assert occupation["estimatedSalary"] == [
        item
        for stage in stages
        if stage.has_salary
        for item in expected_salaries(stage)
    ]
    by_name = {
        salary["name"]: salary
        for salary in occupation["estimatedSalary"]
        if salary["@type"] == "MonetaryAmount"
    }
    (median,) = [
        salary
        for salary in occupation["estimatedSalary"]
        if salary["@type"] == "MonetaryAmountDistribution"
    ]
    # Each kind the fixture holds is there (its stages are in this order).
    junior, single, lead, freelance, graduate, head = stages
    assert median["name"] == junior.title
    assert median["median"] == junior.salary_median
    assert by_name[junior.title]["value"]["minValue"] == junior.salary_min
    assert by_name[junior.title]["value"]["maxValue"] == junior.salary_max
    assert by_name[single.title]["value"]["value"] == single.salary_min
    assert by_name[lead.title]["value"].keys() == {"@type", "minValue", "unitText"}
    assert by_name[freelance.title]["value"]["unitText"] == "HOUR"
    assert by_name[graduate.title]["value"].keys() == {"@type", "maxValue", "unitText"}
    assert head.title not in by_name


def test_a_distribution_never_has_a_minimum_or_maximum(client, every_field, mlops):
    """minValue and maxValue are not schema.org's for a distribution."""
    for career in (every_field, mlops):
        for item in walk(structured(client, career)):
            if item.get("@type") == "MonetaryAmountDistribution":
                assert not {"minValue", "maxValue", "value"} & item.keys(), item


def test_pay_periods_come_from_the_stage_or_its_source(client, db):
    """A stage's own period, else its source's, else a year."""
    career = factories.career()
    monthly = factories.source(pay_period=PayPeriod.MONTH, country="DE")
    factories.stage(career, 1, salary_min=10, salary_max=20, currency="EUR")
    factories.stage(career, 2, salary_min=3000, salary_max=4000, source=monthly)
    factories.stage(
        career, 3, salary_min=30, salary_max=40, source=monthly, pay_period="hour"
    )
    factories.stage(
        career, 4, salary_min=3000, salary_max=5000, salary_median=3500, source=monthly
    )
    salaries = occupation_of(client, career)["estimatedSalary"]
    assert [s.get("value", {}).get("unitText") for s in salaries[:3]] == [
        "YEAR",
        "MONTH",
        "HOUR",
    ]
    assert salaries[3]["value"]["unitText"] == "MONTH"
    assert salaries[4]["duration"] == "P1M"
    loaded = CareerPath.objects.for_detail().get(pk=career.pk)
    assert salaries == [
        item for stage in loaded.stages.all() for item in expected_salaries(stage)
    ]


def test_occupation_location_is_each_country_once(client, db):
    """Every salary source's country, once, in stage order, with its English
    name; sources without a country add none."""
    career = factories.career()
    british = factories.source(name="A", country="GB", region="London")
    also_british = factories.source(name="B", country="GB")
    american = factories.source(name="C", country="US")
    nowhere = factories.source(name="D")
    for position, source in enumerate(
        (british, nowhere, also_british, american, british), start=1
    ):
        factories.stage(career, position, salary_min=1, salary_max=2, source=source)
    names = Locale("en").territories
    assert occupation_of(client, career)["occupationLocation"] == [
        {"@type": "Country", "name": names[code], "identifier": code}
        for code in ("GB", "US")
    ]


def test_codes_names_and_dates_of_every_field(client, every_field):
    """Codes as CategoryCodes in their code sets, alternative titles, the
    country of the figures, and the guide's own dates."""
    career = every_field
    occupation = occupation_of(client, career)
    assert occupation["name"] == career.title
    assert occupation["alternateName"] == career.alternative_titles.split("\n")
    assert occupation["occupationalCategory"] == [
        {
            "@type": "CategoryCode",
            "codeValue": career.soc_code,
            "inCodeSet": {"@type": "CategoryCodeSet", "name": "SOC 2018"},
        },
        {
            "@type": "CategoryCode",
            "codeValue": career.isco_code,
            "inCodeSet": {"@type": "CategoryCodeSet", "name": "ISCO-08"},
        },
    ]
    (source,) = career.salary_sources()
    assert occupation["occupationLocation"] == [
        {
            "@type": "Country",
            "name": Locale("en").territories[source.country],
            "identifier": source.country,
        }
    ]
    assert occupation["mainEntityOfPage"] == {
        "@type": "WebPage",
        "@id": f"{BASE}{career.get_absolute_url()}",
        "lastReviewed": career.last_reviewed.isoformat(),
        "dateModified": career.updated_on.isoformat(),
    }


def test_one_code_alone(client, db):
    """Only the codes known are given."""
    career = factories.career(isco_code="2511")
    assert occupation_of(client, career)["occupationalCategory"] == [
        {
            "@type": "CategoryCode",
            "codeValue": "2511",
            "inCodeSet": {"@type": "CategoryCodeSet", "name": "ISCO-08"},
        }
    ]


def test_mlops_without_the_new_facts(client, mlops):
    """Without codes, the category's name; without a country, no location;
    without alternative titles, no alternateName; without the guide's dates,
    neither lastReviewed nor dateModified (never the row's save time)."""
    career = CareerPath.objects.get(pk=mlops.pk)
    assert not (career.soc_code or career.isco_code or career.alternative_titles)
    assert career.last_reviewed is None and career.updated_on is None
    occupation = occupation_of(client, career)
    assert occupation["occupationalCategory"] == career.category.name
    assert "occupationLocation" not in occupation
    assert "alternateName" not in occupation
    assert occupation["mainEntityOfPage"] == {
        "@type": "WebPage",
        "@id": f"{BASE}{career.get_absolute_url()}",
    }
    stages = career.stages.order_by("position")
    assert occupation["estimatedSalary"] == [
        item
        for stage in stages
        if stage.has_salary
        for item in expected_salaries(stage)
    ]


def test_each_date_alone(client, db):
    """lastReviewed and dateModified each appear only when set."""
    reviewed = factories.career(last_reviewed=datetime.date(2026, 5, 1))
    updated = factories.career(updated_on=datetime.date(2026, 6, 1))
    assert occupation_of(client, reviewed)["mainEntityOfPage"].keys() == {
        "@type",
        "@id",
        "lastReviewed",
    }
    page = occupation_of(client, updated)["mainEntityOfPage"]
    assert page.keys() == {"@type", "@id", "dateModified"}
    assert page["dateModified"] == "2026-06-01"


def test_text_cannot_close_the_script(client, every_field):
    """Titles that try to end the script element stay inside the JSON, which
    still parses."""
    hostile = "</script><script>alert(1)</script>"
    every_field.alternative_titles = f"{hostile}\nPlain"
    every_field.save()
    stage = every_field.stages.get(position=1)
    stage.title = hostile
    stage.save()
    html = client.get(every_field.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    occupation = occupation_of(client, every_field)
    assert occupation["alternateName"] == [hostile, "Plain"]
    assert occupation["estimatedSalary"][0]["name"] == hostile
