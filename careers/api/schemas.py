"""The JSON Schemas of the API's bodies, for its OpenAPI document.

A career's detail is its content file (careers.shape): its texts and sections
are described from the shape, so a new text needs no change here.
"""

from typing import Any

from .. import shape
from ..models import CareerPath, EducationKind
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


def error_schema() -> Schema:
    """The body of every error answer."""
    return obj({"error": string("What was wrong, for a person to read.", minLength=1)})


def schemas() -> dict[str, Schema]:
    salary_figure = {"type": "integer", "minimum": 0}
    currency = string("ISO 4217 code.", pattern="^[A-Z]{3}$")
    source = obj(
        {
            "name": string(minLength=1),
            "url": uri(),
            "retrieved_on": string("When the figures were read.", format="date"),
        },
        required=["name"],
        description="Where salary figures come from.",
    )
    stage = obj(
        {
            "title": string(),
            "salary_min": salary_figure,
            "salary_max": salary_figure,
            "currency": currency,
            "source": ref("Source"),
            "description": markdown(),
        },
        required=["title", "description"],
        description=(
            "A rung of the ladder. The three salary keys come together or not "
            "at all (no data); a single figure has salary_min equal to "
            "salary_max. `source` only when the stages' sources differ."
        ),
    )
    stage["dependentRequired"] = {
        name: sorted({"salary_min", "salary_max", "currency"} - {name})
        for name in ("salary_min", "salary_max", "currency")
    }
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
                        "Lowest and highest yearly figure across the stages; "
                        "null without salary data or with mixed currencies."
                    ),
                    "additionalProperties": False,
                    "required": ["min", "max", "currency"],
                    "properties": {
                        "min": salary_figure,
                        "max": salary_figure,
                        "currency": currency,
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
        "Source": source,
        "Stage": stage,
        "CareerDetail": career_detail(),
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


def section_lists() -> dict[str, dict[str, Schema]]:
    """The schemas of each section's list (and the progression's source), by
    the section's name in careers.shape."""
    return {
        "good_career": {
            "scores": {
                "type": "array",
                "items": obj(
                    {
                        "factor": string(minLength=1),
                        "score": {
                            "type": "integer",
                            "minimum": SCORE_MIN,
                            "maximum": SCORE_MAX,
                        },
                        "reason": markdown(),
                    }
                ),
            },
        },
        "steps": {
            "items": {
                "type": "array",
                "items": obj({"title": string(), "text": markdown()}),
            },
        },
        "progression": {
            "source": {**ref("Source"), "description": "The source of every stage."},
            "stages": {"type": "array", "items": ref("Stage")},
        },
        "skills": {
            "items": {
                "type": "array",
                "items": obj(
                    {
                        "skill": string("The skill's name.", minLength=1),
                        "title": string("This career's wording."),
                        "description": markdown(),
                    },
                    required=["skill", "description"],
                ),
            },
        },
        "education": {
            "items": {
                "type": "array",
                "items": obj(
                    {
                        "kind": {"enum": EducationKind.values},
                        "title": string(),
                        "text": markdown(),
                    }
                ),
            },
        },
    }


def career_detail() -> Schema:
    """A career's content file, its texts and sections as careers.shape has
    them, with the API's links and figures."""
    lists = section_lists()
    body: dict[str, Schema]
    required: list[str]
    body, required = {}, []
    for item in shape.BODY:
        if isinstance(item, shape.Text):
            body[item.field] = markdown()
            if item.required:
                required.append(item.field)
            continue
        texts = shape.SECTION_TEXTS[item.name]
        body[item.name] = obj(
            {
                key: markdown() if key in texts else lists[item.name][key]
                for key in item.keys
            },
            required=[key for key, text in texts.items() if text.required],
        )
        required.append(item.name)
    return obj(
        {
            "slug": SLUG,
            "title": string(minLength=1),
            "article": {"enum": [a.value for a in CareerPath.Article]},
            "category": string("The category's name.", minLength=1),
            "status": {"const": CareerPath.Status.PUBLISHED.value},
            "publish_at": string("When it went live, in UTC.", format="date-time"),
            "last_reviewed": string(format="date"),
            "sample": {"const": True, "description": "Demonstration content."},
            "summary": string(),
            **body,
            "url": uri("The career's web page."),
            "api_url": uri("This resource."),
            "overall_score": SCORE,
            "updated": string("Last saved.", format="date-time"),
        },
        required=[
            "slug",
            "title",
            "article",
            "category",
            "status",
            "summary",
            *required,
            "url",
            "api_url",
            "overall_score",
            "updated",
        ],
        description=(
            "A career in the content file format (docs/content-format.md): "
            "optional keys are left out when empty. Long texts are Markdown "
            "source."
        ),
    )


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
