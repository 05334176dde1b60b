"""The JSON Schemas of the API's bodies, for its OpenAPI document, and the
helpers that write them (a career's detail is in careers.api.career_schemas)."""

from typing import Any

from ..shape import PAGE_SIZE, SCORE_MAX, SCORE_MIN
from .base import MAX_AGE, SLUG_PATTERN

JSON = "application/json"
# A JSON Schema, or a part of the OpenAPI document.
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(
    properties: dict[str, Schema],
    *,
    required: list[str] | None = None,
    description: str | None = None,
) -> Schema:
    """A fixed-shape object: every key listed; `required` defaults to all."""
    schema: Schema = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties) if required is None else required,
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def string(description: str | None = None, **keywords: Any) -> Schema:
    schema: Schema = {"type": "string", **keywords}
    if description:
        schema["description"] = description
    return schema


def markdown(description: str | None = None) -> Schema:
    return string(description, contentMediaType="text/markdown")


def uri(description: str | None = None) -> Schema:
    return string(description, format="uri")


def header(
    description: str, schema: Schema | None = None, *, required: bool = True
) -> Schema:
    return {
        "description": description,
        "required": required,
        "schema": schema or {"type": "string"},
    }


CORS_HEADER = header("Every origin may read the API.", {"const": "*"})
ETAG_HEADER = header("The body's entity tag; send it back in If-None-Match.")
CACHE_HEADER = header(
    f"Shared caches may keep the answer for {MAX_AGE} seconds.",
    string(pattern=f"max-age={MAX_AGE}"),
)
SLUG = string(pattern=SLUG_PATTERN, maxLength=150)
SCORE = {"type": ["number", "null"], "minimum": SCORE_MIN, "maximum": SCORE_MAX}
# A whole amount of money, and its currency.
FIGURE = {"type": "integer", "minimum": 0}
CURRENCY = string("ISO 4217 code.", pattern="^[A-Z]{3}$")


def error_schema() -> Schema:
    """The body of every error answer."""
    return obj({"error": string("What was wrong, for a person to read.", minLength=1)})


def schemas() -> dict[str, Schema]:
    """Every body's schema but a career's detail (careers.api.career_schemas)."""
    return {
        "Error": error_schema(),
        "Index": obj(
            {
                "careers": uri("The career directory."),
                "skills": uri("The skills."),
                "openapi": uri("This document."),
            }
        ),
        "Category": obj({"name": string(minLength=1), "slug": SLUG}),
        "CareerSummary": obj(
            {
                "slug": SLUG,
                "title": string(minLength=1),
                "summary": string("Plain text, at most 300 characters."),
                "category": ref("Category"),
                "overall_score": {
                    **SCORE,
                    "description": "Mean factor score, one decimal; null unscored.",
                },
                "salary_span": {
                    "type": ["object", "null"],
                    "description": (
                        "Lowest and highest yearly figure across the stages "
                        "(hourly and monthly figures are left out); null without "
                        "yearly figures or with mixed currencies."
                    ),
                    "additionalProperties": False,
                    "required": ["min", "max", "currency"],
                    "properties": {
                        "min": FIGURE,
                        "max": FIGURE,
                        "currency": CURRENCY,
                    },
                },
                "url": uri("The career's web page."),
                "api_url": uri("The career in full, from this API."),
            }
        ),
        "CareerPage": obj(
            {
                "count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "page_size": {"const": PAGE_SIZE},
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
                "results": {
                    "type": "array",
                    "maxItems": PAGE_SIZE,
                    "items": ref("CareerSummary"),
                },
            }
        ),
        "Skill": obj(skill_properties()),
        "SkillList": obj(
            {
                "count": {"type": "integer", "minimum": 0},
                "results": {"type": "array", "items": ref("Skill")},
            }
        ),
        "SkillDetail": obj(
            {
                **skill_properties(),
                "careers": {
                    "type": "array",
                    "minItems": 1,
                    "items": obj(
                        {
                            "slug": SLUG,
                            "title": string(minLength=1),
                            "heading": string(
                                "How the career words the skill.", minLength=1
                            ),
                            "description": markdown(),
                            "url": uri("The career's web page."),
                            "api_url": uri("The career in full, from this API."),
                        }
                    ),
                },
            }
        ),
    }


def skill_properties() -> dict[str, Schema]:
    return {
        "name": string(minLength=1),
        "slug": SLUG,
        "description": markdown(),
        "career_count": {
            "type": "integer",
            "minimum": 1,
            "description": "Published careers that need the skill.",
        },
        "url": uri("The skill's web page."),
        "api_url": uri("The skill, with its careers, from this API."),
    }
