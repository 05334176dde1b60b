"""The API's bodies, built from the careers' and skills' rows."""

from typing import Any

from django.http import HttpRequest

from ..contentfiles import career_to_dict
from ..models import CareerPath, CareerSkill, Skill
from .base import absolute


def score(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def salary_span(career: CareerPath) -> dict[str, Any] | None:
    """As CareerPath.salary_span(), from the figures stored for lists: of the
    yearly figures only, as hourly and monthly ones are not comparable."""
    if career.low_salary is None or not career.salary_currency:
        return None
    return {
        "min": career.low_salary,
        "max": career.top_salary,
        "currency": career.salary_currency,
    }


def links(request: HttpRequest, item: CareerPath | Skill, name: str) -> dict[str, str]:
    """Its web page, and itself from the API (the `name` endpoint)."""
    return {
        "url": request.build_absolute_uri(item.get_absolute_url()),
        "api_url": absolute(request, name, slug=item.slug),
    }


def career_summary(request: HttpRequest, career: CareerPath) -> dict[str, Any]:
    return {
        "slug": career.slug,
        "title": career.title,
        "summary": career.summary,
        "category": {"name": career.category.name, "slug": career.category.slug},
        "overall_score": score(career.overall_score),
        "salary_span": salary_span(career),
        **links(request, career, "career"),
    }


def career_detail(request: HttpRequest, career: CareerPath) -> dict[str, Any]:
    """A career loaded with for_detail(): its content file, links, its score,
    and `modified`, when its row was last saved. (The file's own `updated` is
    the guide's date, absent when unset.)"""
    return {
        **career_to_dict(career),
        **links(request, career, "career"),
        "overall_score": score(career.overall_score),
        "modified": career.updated,
    }


def skill_summary(request: HttpRequest, skill: Skill) -> dict[str, Any]:
    return {
        "name": skill.name,
        "slug": skill.slug,
        "description": skill.description,
        # Annotated by with_published_count().
        "career_count": skill.career_count,  # type: ignore[attr-defined]
        **links(request, skill, "skill"),
    }


def skill_career(request: HttpRequest, entry: CareerSkill) -> dict[str, Any]:
    """A career that needs the skill, from its CareerSkill `entry`."""
    return {
        "slug": entry.career.slug,
        "title": entry.career.title,
        "heading": entry.heading,
        "description": entry.description,
        **links(request, entry.career, "career"),
    }
