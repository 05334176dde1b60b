"""Structured data (schema.org JSON-LD) describing a career page to search engines."""

from .crumbs import career_crumbs

# The keys whose values are links; stored site-relative, made absolute per host.
LINK_KEYS = frozenset({"url", "@id", "item"})


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


def occupation_jsonld(career):
    """An Occupation and a BreadcrumbList for a career loaded with for_detail(),
    with site-relative links: see with_origin()."""
    page = career.get_absolute_url()
    salaries = [
        {
            "@type": "MonetaryAmountDistribution",
            "name": stage.title,
            "currency": stage.currency,
            "duration": "P1Y",
            "minValue": stage.salary_min,
            "maxValue": stage.salary_max,
        }
        for stage in career.stages.all()
        if stage.has_salary
    ]
    education = list(career.education.all())
    occupation = {
        "@type": "Occupation",
        "name": career.title,
        "description": career.summary,
        "occupationalCategory": career.category.name,
        "educationRequirements": [
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": item.get_kind_display(),
                "name": item.title,
                "description": item.text,
            }
            for item in education
            if item.kind != item.Kind.CERTIFICATION
        ],
        "qualifications": [
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": item.get_kind_display(),
                "name": item.title,
                "description": item.text,
            }
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
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": page,
            "lastReviewed": (career.last_reviewed or career.updated.date()).isoformat(),
        },
    }
    if salaries:
        occupation["estimatedSalary"] = salaries
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
