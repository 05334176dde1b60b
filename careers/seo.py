"""Structured data (schema.org JSON-LD) describing a career page to search engines."""

from django.urls import reverse
from django.utils.translation import gettext as _


def occupation_jsonld(career, request):
    """An Occupation and a BreadcrumbList for a career loaded with for_detail()."""
    page = request.build_absolute_uri(career.get_absolute_url())
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
                "url": request.build_absolute_uri(entry.skill.get_absolute_url()),
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
    crumbs = [
        (_("Home"), reverse("careers:home")),
        (_("Careers"), reverse("careers:list")),
        (career.title, career.get_absolute_url()),
    ]
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }
    return {"@context": "https://schema.org", "@graph": [occupation, breadcrumbs]}
