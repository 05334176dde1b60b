"""The OpenAPI 3.1 document of the API, served at /api/openapi.json."""

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from ..forms import DirectoryForm
from ..shape import PAGE_SIZE, QUERY_MAX_LENGTH
from .base import METHODS, SLUG_PATTERN
from .career_schemas import career_schemas
from .schemas import (
    CACHE_HEADER,
    CORS_HEADER,
    ETAG_HEADER,
    JSON,
    Schema,
    header,
    ref,
    schemas,
    string,
)

# The directory's sorts, which the API's list takes too.
SORTS = [value for value, _label in DirectoryForm.SORTS]


def responses(
    body: str, *, errors: Iterable[str] = ()
) -> tuple[dict[str, Schema], dict[str, Schema]]:
    """GET and HEAD responses: `body` on 200, plus 304 and the given errors."""
    get: dict[str, Schema] = {
        "200": {
            "description": "OK.",
            "headers": {
                "ETag": ETAG_HEADER,
                "Cache-Control": CACHE_HEADER,
                "Access-Control-Allow-Origin": CORS_HEADER,
            },
            "content": {JSON: {"schema": ref(body)}},
        },
        "304": {
            "description": "Not modified: the If-None-Match tag is still current.",
            "headers": {
                "ETag": ETAG_HEADER,
                "Access-Control-Allow-Origin": CORS_HEADER,
            },
        },
    }
    head = {status: without_body(response) for status, response in get.items()}
    for status in errors:
        get[status] = {"$ref": f"#/components/responses/{status}"}
        head[status] = without_body(error_response_object(status))
    return get, head


def without_body(response: Schema) -> Schema:
    """The response to HEAD: the same headers, no content."""
    return {key: value for key, value in response.items() if key != "content"}


# Responses in components; 405 answers methods the document does not list, so
# no operation refers to it.
ERRORS = {
    "400": "A parameter is invalid.",
    "404": "Not found.",
    "405": "Only GET, HEAD and OPTIONS are allowed.",
    "412": "If-Match was sent and does not match the current ETag.",
}


def path_item(
    *,
    summary: str,
    tag: str,
    name: str,
    body: str,
    slug: str | None = None,
    query: Sequence[Schema] = (),
    errors: Iterable[str] = (),
) -> dict[str, Any]:
    """GET, HEAD and the CORS preflight of one path; `slug` describes {slug}."""
    get, head = responses(body, errors=errors)
    conditional = {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "An ETag from an earlier answer: 304 if still current.",
        "schema": {"type": "string"},
    }
    parameters = [*query, conditional]
    item: dict[str, Any] = {
        "get": {
            "operationId": name,
            "summary": summary,
            "tags": [tag],
            "parameters": parameters,
            "responses": get,
        },
        "head": {
            "operationId": f"{name}Head",
            "summary": f"{summary} Headers only.",
            "tags": [tag],
            "parameters": parameters,
            "responses": head,
        },
        "options": {
            "operationId": f"{name}Preflight",
            "summary": "CORS preflight.",
            "tags": [tag],
            "responses": {"204": {"$ref": "#/components/responses/Preflight"}}
            | ({"404": {"$ref": "#/components/responses/404"}} if slug else {}),
        },
    }
    if slug:
        item["parameters"] = [
            {
                "name": "slug",
                "in": "path",
                "required": True,
                "description": slug,
                "schema": string(pattern=SLUG_PATTERN),
            }
        ]
    return item


def error_response_object(status: str) -> Schema:
    return {
        "description": ERRORS[status],
        "headers": {"Access-Control-Allow-Origin": CORS_HEADER}
        | (
            {"Allow": header("The allowed methods.", {"const": METHODS})}
            if status == "405"
            else {}
        ),
        "content": {JSON: {"schema": ref("Error")}},
    }


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API, served at /api/openapi.json."""
    list_parameters = [
        {
            "name": "q",
            "in": "query",
            "description": (
                "Words that must all appear, in any case, in a career's texts: "
                "its title, summary and skills, and every section and its lists."
            ),
            "schema": string(maxLength=QUERY_MAX_LENGTH, pattern="^[^\\x00]*$"),
        },
        {
            "name": "category",
            "in": "query",
            "description": "A category slug; it must have published careers.",
            "schema": string(pattern=SLUG_PATTERN, maxLength=100),
        },
        {
            "name": "sort",
            "in": "query",
            "description": "By title (A–Z), overall score or top salary (best first).",
            "schema": {"type": "string", "enum": SORTS, "default": "title"},
        },
        {
            "name": "page",
            "in": "query",
            "description": f"{PAGE_SIZE} careers a page; past the last page is 404.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Career Portal API",
            "version": "1.0.0",
            "summary": "The published career paths and skills, read-only.",
            "description": (
                "Open and read-only: GET and HEAD from any origin, no "
                'authentication. Every answer is JSON, errors as `{"error": '
                "message}`; other methods are answered 405. Answers carry an "
                "ETag; send it back in If-None-Match for a 304. See docs/api.md."
            ),
        },
        "tags": [
            {"name": "careers", "description": "Published career paths."},
            {"name": "skills", "description": "Skills of published careers."},
            {"name": "api", "description": "About the API itself."},
        ],
        "paths": {
            "/api/": path_item(
                summary="Links to the endpoints.",
                tag="api",
                name="index",
                body="Index",
            ),
            "/api/careers/": path_item(
                summary="Published careers, a page at a time.",
                tag="careers",
                name="listCareers",
                body="CareerPage",
                query=list_parameters,
                errors=["400", "404", "412"],
            ),
            "/api/careers/{slug}/": path_item(
                summary="A published career in full.",
                tag="careers",
                name="getCareer",
                body="CareerDetail",
                slug="The career's slug.",
                errors=["404", "412"],
            ),
            "/api/skills/": path_item(
                summary="Every skill that a published career needs.",
                tag="skills",
                name="listSkills",
                body="SkillList",
                errors=["412"],
            ),
            "/api/skills/{slug}/": path_item(
                summary="A skill and the published careers that need it.",
                tag="skills",
                name="getSkill",
                body="SkillDetail",
                slug="The skill's slug.",
                errors=["404", "412"],
            ),
            "/api/openapi.json": path_item(
                summary="This document.",
                tag="api",
                name="openapi",
                body="OpenApiDocument",
                errors=["412"],
            ),
        },
        "components": {
            "schemas": {
                **schemas(),
                **career_schemas(),
                "OpenApiDocument": {
                    "type": "object",
                    "required": ["openapi", "info", "paths"],
                    "properties": {"openapi": {"const": "3.1.0"}},
                },
            },
            "responses": {
                **{status: error_response_object(status) for status in ERRORS},
                "Preflight": {
                    "description": "Any origin may GET, sending If-None-Match.",
                    "headers": {
                        "Access-Control-Allow-Origin": CORS_HEADER,
                        "Access-Control-Allow-Methods": header(
                            "Methods allowed.", {"const": METHODS}
                        ),
                        "Access-Control-Allow-Headers": header(
                            "Headers allowed.", {"const": "If-None-Match"}
                        ),
                        "Access-Control-Max-Age": header(
                            "Seconds the preflight may be cached.",
                            {"type": "integer", "minimum": 0},
                        ),
                        "Allow": header("Methods allowed.", {"const": METHODS}),
                    },
                },
            },
        },
    }
