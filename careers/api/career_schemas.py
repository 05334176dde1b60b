"""The JSON Schemas of a career in full, for the API's OpenAPI document.

A career's detail is its content file (careers.shape): its texts, sections
and quick facts are described from the shape, so a new text needs no change
here. Enumerations are the models' choices.
"""

from .. import shape
from ..models import (
    CareerPath,
    EducationKind,
    OnTheJobTraining,
    PayPeriod,
    WorkExperience,
)
from ..shape import SCORE_MAX, SCORE_MIN
from .schemas import (
    CURRENCY,
    FIGURE,
    SCORE,
    SLUG,
    Schema,
    markdown,
    obj,
    ref,
    string,
    uri,
)

# As the models' positive integer fields.
SMALL = {"type": "integer", "minimum": 0, "maximum": 32767}
COUNTRY = string("ISO 3166-1 alpha-2 code.", pattern="^[A-Z]{2}$")


def pay_period(description: str) -> Schema:
    return {"enum": PayPeriod.values, "description": description}


def optional(properties: dict[str, Schema], description: str) -> Schema:
    """An object of optional keys, present only with one at least."""
    return {
        **obj(properties, required=[], description=description),
        "minProperties": 1,
    }


def together(*groups: tuple[str, ...]) -> dict[str, list[str]]:
    """dependentRequired: the keys of each group come together or not at all."""
    return {
        key: [other for other in group if other != key]
        for group in groups
        for key in group
    }


def career_schemas() -> dict[str, Schema]:
    """The components of a career's detail."""
    cited = {
        "name": string(minLength=1),
        "url": uri(),
        "retrieved_on": string("When the figures were read.", format="date"),
    }
    return {
        "Source": obj(
            cited,
            required=["name"],
            description="A publication cited for a score or a figure.",
        ),
        "SalarySource": obj(
            {
                **cited,
                "country": {
                    **COUNTRY,
                    "description": "The country the figures are for (ISO 3166-1).",
                },
                "region": string("Part of the country, e.g. London.", minLength=1),
                "pay_period": pay_period(
                    "What the figures are paid for; absent: per year."
                ),
            },
            required=["name"],
            description="Where salary figures come from, and what they are for.",
        ),
        "Stage": stage_schema(),
        "Step": step_schema(),
        "Facts": facts_schema(),
        "CareerDetail": career_detail(),
    }


def stage_schema() -> Schema:
    salaried = {"anyOf": [{"required": ["salary_min"]}, {"required": ["salary_max"]}]}
    schema = obj(
        {
            "title": string(),
            "salary_min": {**FIGURE, "description": "Alone: “from”."},
            "salary_max": {**FIGURE, "description": "Alone: “up to”."},
            "salary_median": {**FIGURE, "description": "Of a range, if known."},
            "currency": CURRENCY,
            "pay_period": pay_period(
                "What the figures are paid for; absent: the source's, or per "
                "year without a source."
            ),
            "source": ref("SalarySource"),
            "description": markdown(),
        },
        required=["title", "description"],
        description=(
            "A rung of the ladder. Its salary is a range (both figures), a "
            "single figure (equal figures), open-ended (only salary_min, "
            "“from”; only salary_max, “up to”), or not available (no figure, "
            "and then no currency or pay_period either). A median comes only "
            "with both figures. `source` only when the stages' sources differ."
        ),
    )
    schema["dependentRequired"] = {
        "salary_min": ["currency"],
        "salary_max": ["currency"],
        "salary_median": ["salary_min", "salary_max", "currency"],
    }
    schema["dependentSchemas"] = {"currency": salaried, "pay_period": salaried}
    return schema


def step_schema() -> Schema:
    months = {**SMALL, "description": "An estimate, in months."}
    schema = obj(
        {
            "title": string(),
            "duration_min_months": months,
            "duration_max_months": months,
            "cost_min": FIGURE,
            "cost_max": FIGURE,
            "cost_currency": CURRENCY,
            "text": markdown(),
        },
        required=["title", "text"],
        description=(
            "A step, with the time and money it takes if known: the shortest "
            "and longest time come together, and the lowest and highest cost "
            "with its currency (0 for free; equal figures for a single one)."
        ),
    )
    schema["dependentRequired"] = together(
        ("duration_min_months", "duration_max_months"),
        ("cost_min", "cost_max", "cost_currency"),
    )
    return schema


def facts_schema() -> Schema:
    """The quick facts, as the Occupational Outlook Handbook gives them."""
    employment = optional(
        {
            "jobs": {"type": "integer", "minimum": 0},
            "year": {**SMALL, "description": "The year the jobs were counted in."},
            "source": ref("Source"),
        },
        "The number of jobs.",
    )
    employment["dependentRequired"] = {"jobs": ["year"]}
    projection = optional(
        {
            "change_percent": {
                "type": "number",
                "description": "Projected change in employment, in percent.",
            },
            "from_year": SMALL,
            "to_year": SMALL,
            "source": ref("Source"),
        },
        "The projected change in employment between two years.",
    )
    projection["dependentRequired"] = {"change_percent": ["from_year", "to_year"]}
    facts: dict[str, Schema] = {
        "alternative_titles": {
            "type": "array",
            "minItems": 1,
            "items": string(minLength=1, maxLength=150),
            "description": "Other names of the role.",
        },
        "codes": optional(
            {
                "soc_2018": string(pattern="^[0-9]{2}-[0-9]{4}$"),
                "isco_08": string(pattern="^[0-9]{4}$"),
            },
            "The occupation's SOC 2018 and ISCO-08 codes.",
        ),
        "work_experience": {
            "enum": WorkExperience.values,
            "description": "Work experience in a related occupation.",
        },
        "on_the_job_training": {
            "enum": OnTheJobTraining.values,
            "description": "Typical on-the-job training.",
        },
        "employment": employment,
        "projection": projection,
    }
    # A fact added to the shape must be described here: KeyError otherwise.
    return optional(
        {fact: facts[fact] for fact in shape.FACTS},
        "The career's quick facts, each absent when unknown.",
    )


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
                        "evidence": markdown("What the score rests on."),
                        "sources": {
                            "type": "array",
                            "minItems": 1,
                            "items": ref("Source"),
                        },
                    },
                    required=["factor", "score", "reason"],
                ),
            },
        },
        "steps": {"items": {"type": "array", "items": ref("Step")}},
        "progression": {
            "source": {
                **ref("SalarySource"),
                "description": "The source of every stage.",
            },
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
    head: dict[str, Schema] = {
        "slug": SLUG,
        "title": string(minLength=1),
        "article": {"enum": CareerPath.Article.values},
        "category": string("The category's name.", minLength=1),
        "status": {"const": CareerPath.Status.PUBLISHED.value},
        "publish_at": string("When it went live, in UTC.", format="date-time"),
        "updated": string(
            "The guide's own date of its last change, as its page shows it.",
            format="date",
        ),
        "last_reviewed": string(
            "When an editor last checked every fact and figure.", format="date"
        ),
        "sample": {"const": True, "description": "Demonstration content."},
        "summary": string(),
        "facts": ref("Facts"),
    }
    return obj(
        {
            # In the file's order; a key added to the shape needs its schema.
            **{key: head[key] for key in shape.HEAD},
            **body,
            "url": uri("The career's web page."),
            "api_url": uri("This resource."),
            "overall_score": SCORE,
            "modified": string(
                "When the career was last saved, by any change: not the guide's "
                "`updated`.",
                format="date-time",
            ),
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
            "modified",
        ],
        description=(
            "A career in the content file format (docs/content-format.md): "
            "optional keys are left out when empty. Long texts are Markdown "
            "source."
        ),
    )
