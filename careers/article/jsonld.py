"""Structured data (schema.org JSON-LD) describing a career page to search engines."""

from babel import Locale

from ..models import PayPeriod
from .crumbs import career_crumbs

# The keys whose values are links; stored site-relative, made absolute per host.
LINK_KEYS = frozenset({"url", "@id", "item"})

# What figures are paid for, in schema.org's words: a QuantitativeValue's
# unitText (as Google's salary examples write it), and a distribution's
# ISO 8601 duration. MonetaryAmount itself has neither.
UNIT_TEXTS = {PayPeriod.YEAR: "YEAR", PayPeriod.MONTH: "MONTH", PayPeriod.HOUR: "HOUR"}
DURATIONS = {PayPeriod.YEAR: "P1Y", PayPeriod.MONTH: "P1M", PayPeriod.HOUR: "PT1H"}
# The career's occupation codes, and the name of the code set of each.
CODE_SETS = {"soc_code": "SOC 2018", "isco_code": "ISCO-08"}


def with_origin(data, origin):
    """`data` with every site-relative link prefixed by `origin` (scheme://host)."""
    if isinstance(data, dict):
        return {
            key: origin + value
            if key in LINK_KEYS and isinstance(value, str) and value.startswith("/")
            else with_origin(value, origin)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [with_origin(item, origin) for item in data]
    return data


def salaries(stage):
    """What a stage with salary data pays: an amount whose value holds the
    figures known ("from" has only a minimum, "up to" only a maximum) and
    their period, and with a median a distribution too, which holds only the
    median: schema.org gives a distribution no minValue or maxValue."""
    amounts = [amount(stage)]
    if stage.salary_median is not None:
        amounts.append(
            {
                "@type": "MonetaryAmountDistribution",
                "name": stage.title,
                "currency": stage.currency,
                "duration": DURATIONS[stage.period],
                "median": stage.salary_median,
            }
        )
    return amounts


def amount(stage):
    if stage.is_single_figure:
        figures = {"value": stage.salary_min}
    else:
        figures = {
            key: value
            for key, value in (
                ("minValue", stage.salary_min),
                ("maxValue", stage.salary_max),
            )
            if value is not None
        }
    return {
        "@type": "MonetaryAmount",
        "name": stage.title,
        "currency": stage.currency,
        "value": {
            "@type": "QuantitativeValue",
            **figures,
            "unitText": UNIT_TEXTS[stage.period],
        },
    }


def locations(career):
    """The countries the salary figures are for, each once, in stage order."""
    codes = dict.fromkeys(
        source.country for source in career.salary_sources() if source.country
    )
    names = Locale("en").territories
    return [
        {"@type": "Country", "name": names.get(code, code), "identifier": code}
        for code in codes
    ]


def categories(career):
    """The career's occupation codes, or without any its category's name."""
    codes = [
        {
            "@type": "CategoryCode",
            "codeValue": getattr(career, field),
            "inCodeSet": {"@type": "CategoryCodeSet", "name": code_set},
        }
        for field, code_set in CODE_SETS.items()
        if getattr(career, field)
    ]
    return codes or career.category.name


def web_page(career):
    """The page the occupation is the main entity of, with the guide's own
    dates: never the row's save time, which is no review or content change."""
    page = {"@type": "WebPage", "@id": career.get_absolute_url()}
    if career.last_reviewed:
        page["lastReviewed"] = career.last_reviewed.isoformat()
    if career.updated_on:
        page["dateModified"] = career.updated_on.isoformat()
    return page


def credential(item):
    return {
        "@type": "EducationalOccupationalCredential",
        "credentialCategory": item.get_kind_display(),
        "name": item.title,
        "description": item.text,
    }


def occupation_jsonld(career):
    """An Occupation and a BreadcrumbList for a career loaded with for_detail(),
    with site-relative links: see with_origin()."""
    paid = [
        item
        for stage in career.stages.all()
        if stage.has_salary
        for item in salaries(stage)
    ]
    education = list(career.education.all())
    occupation = {"@type": "Occupation", "name": career.title}
    if titles := career.alternative_title_list:
        occupation["alternateName"] = titles
    occupation |= {
        "description": career.summary,
        "occupationalCategory": categories(career),
    }
    if places := locations(career):
        occupation["occupationLocation"] = places
    occupation |= {
        "educationRequirements": [
            credential(item)
            for item in education
            if item.kind != item.Kind.CERTIFICATION
        ],
        "qualifications": [
            credential(item)
            for item in education
            if item.kind == item.Kind.CERTIFICATION
        ],
        "skills": [
            {
                "@type": "DefinedTerm",
                "name": entry.skill.name,
                "url": entry.skill.get_absolute_url(),
            }
            for entry in career.skills.all()
        ],
        "mainEntityOfPage": web_page(career),
    }
    if paid:
        occupation["estimatedSalary"] = paid
    breadcrumbs = breadcrumb_list(career_crumbs(career))
    return {"@context": "https://schema.org", "@graph": [occupation, breadcrumbs]}


def breadcrumb_list(crumbs):
    """A BreadcrumbList of (name, url) pairs, as breadcrumbs.html shows them."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": url,
            }
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }
