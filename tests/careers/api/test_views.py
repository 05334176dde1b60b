"""The read-only JSON API under /api/ and its OpenAPI document."""

import datetime
import json
import re

import hypothesis
import jsonschema_rs
import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from careers.api.openapi import openapi_document
from careers.contentfiles import career_to_dict
from careers.models import CareerPath, Category, Skill
from portal.wsgi import application
from tests import factories

pytestmark = pytest.mark.django_db

CARD_RE = re.compile(r'<h3><a href="/careers/[^"]+/">([^<]+)</a></h3>')


def get(client, url, params=None, status=200, **kwargs):
    """GET `url`, check the status and that the answer is JSON for any origin."""
    response = client.get(url, params, **kwargs)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def error(client, url, params=None, status=400):
    data = get(client, url, params, status=status)
    assert list(data) == ["error"]
    assert data["error"]
    return data["error"]


def titles(data):
    return [career["title"] for career in data["results"]]


def conforms(data, name):
    """Validate `data` against a schema of the served OpenAPI document."""
    document = openapi_document()
    schema = {"$ref": f"#/components/schemas/{name}", **document}
    jsonschema_rs.validator_for(schema).validate(data)


def as_json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@pytest.fixture
def careers(db):
    """Three careers with distinct titles, scores, salaries and skills."""
    data = factories.category(name="Data & AI", slug="data-ai")
    design = factories.category(name="Design", slug="design")
    python = factories.skill(name="Python", slug="python")
    figma = factories.skill(name="Figma", slug="figma")

    analyst = factories.career(
        title="Data Analyst", summary="Turns numbers into answers.", category=data
    )
    factories.score(analyst, score=6)
    factories.score(analyst, score=9)
    factories.stage(analyst, 1, salary_min=50000, salary_max=90000)
    factories.stage(analyst, 2, salary_min=95000, salary_max=95000)
    factories.career_skill(analyst, 1, skill=python)

    designer = factories.career(
        title="Product Designer", summary="Shapes how products feel.", category=design
    )
    factories.score(designer, score=9)
    factories.stage(designer, 1, salary_min=70000, salary_max=120000)
    factories.career_skill(designer, 1, skill=figma)

    engineer = factories.career(
        title="ML Engineer", summary="Ships models to production.", category=data
    )
    factories.stage(engineer, 1)  # no salary data, and no scores
    factories.career_skill(engineer, 1, skill=python, title="Fluent Python")
    return analyst, designer, engineer


# Shapes


def test_index_links_to_every_endpoint(client, db):
    """/api/ points to the careers, the skills and the OpenAPI document."""
    assert get(client, "/api/") == {
        "careers": "http://testserver/api/careers/",
        "skills": "http://testserver/api/skills/",
        "openapi": "http://testserver/api/openapi.json",
    }


def test_career_list_shape(client, mlops):
    """The list is an envelope of careers, each with its links and figures."""
    data = get(client, "/api/careers/")
    assert data == {
        "count": 1,
        "page": 1,
        "pages": 1,
        "page_size": 24,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "mlops-engineer",
                "title": "MLOps Engineer",
                "summary": mlops.summary,
                "category": {"name": "Data & AI", "slug": "data-ai"},
                "overall_score": 8.1,
                "salary_span": {"min": 131158, "max": 237500, "currency": "USD"},
                "url": "http://testserver/careers/mlops-engineer/",
                "api_url": "http://testserver/api/careers/mlops-engineer/",
            }
        ],
    }
    conforms(data, "CareerPage")


def test_scores_and_salary_spans_match_the_career_page(client, careers):
    """overall_score is rounded to one decimal and salary_span is the page's span;
    both are null when there is nothing to show."""
    results = {c["slug"]: c for c in get(client, "/api/careers/")["results"]}
    analyst, designer, engineer = careers

    assert results[analyst.slug]["overall_score"] == 7.5
    assert results[designer.slug]["overall_score"] == 9.0
    assert results[engineer.slug]["overall_score"] is None
    assert results[analyst.slug]["salary_span"] == {
        "min": 50000,
        "max": 95000,
        "currency": "USD",
    }
    assert results[engineer.slug]["salary_span"] is None
    for career in CareerPath.objects.for_detail():
        assert results[career.slug]["salary_span"] == career.salary_span()


def test_no_salary_span_across_currencies(client, careers):
    """As on the career page, figures in two currencies make no single span."""
    analyst = careers[0]
    factories.stage(analyst, 3, salary_min=1, salary_max=2, currency="EUR")
    result = get(client, "/api/careers/", {"q": "analyst"})["results"][0]
    assert result["salary_span"] is None


def test_career_detail_is_the_content_file_plus_links(client, mlops):
    """The detail is exactly the content-file form, plus links, score and the
    moment it was saved, `modified` (the guide has no `updated` date)."""
    data = get(client, "/api/careers/mlops-engineer/")
    career = CareerPath.objects.for_detail().get(slug="mlops-engineer")
    extras = {key: data.pop(key) for key in ("url", "api_url", "overall_score")}
    modified = data.pop("modified")

    assert data == as_json(career_to_dict(career))
    assert "updated" not in data
    assert extras == {
        "url": "http://testserver/careers/mlops-engineer/",
        "api_url": "http://testserver/api/careers/mlops-engineer/",
        "overall_score": 8.1,
    }
    assert datetime.datetime.fromisoformat(modified) == career.updated.replace(
        microsecond=career.updated.microsecond // 1000 * 1000
    )
    assert data["good_career"]["scores"][0] == {
        "factor": "Opportunities for Advancement",
        "score": 9,
        "reason": mlops.scores.first().reason,
    }


def test_career_detail_optional_fields(client, db):
    """Dates are ISO 8601, in UTC; empty optional fields are left out."""
    moment = timezone.now() - datetime.timedelta(days=1)
    career = factories.full_career(
        size=2,
        publish_at=moment,
        last_reviewed=datetime.date(2026, 1, 31),
        is_sample=True,
    )
    data = get(client, f"/api/careers/{career.slug}/")
    assert data["last_reviewed"] == "2026-01-31"
    assert data["sample"] is True
    assert datetime.datetime.fromisoformat(data["publish_at"]) == moment.replace(
        microsecond=moment.microsecond // 1000 * 1000
    )
    assert data["publish_at"].endswith("Z")
    assert "intro" not in data["steps"]
    assert data["progression"]["source"] == {"name": "Talent.com"}
    assert data["overall_score"] == 2.5
    conforms(data, "CareerDetail")


def test_career_detail_conforms_to_the_document(client, mlops):
    """The shipped career matches the CareerDetail schema of the document."""
    conforms(get(client, "/api/careers/mlops-engineer/"), "CareerDetail")


def test_skill_list_shape(client, mlops):
    """Every skill of a published career, A to Z, with its count and links."""
    analyst = factories.career(title="Data Analyst")
    programming = mlops.skills.get(position=2).skill
    factories.career_skill(analyst, 1, skill=programming)
    programming.description = "Writing code."
    programming.save()

    data = get(client, "/api/skills/")
    assert data["count"] == 4 == len(data["results"])
    assert [skill["slug"] for skill in data["results"]] == [
        "data-structures-and-algorithms",
        "devops-principles-and-tools",
        "machine-learning-theory",
        "programming-languages",
    ]
    assert data["results"][3] == {
        "name": "Programming Languages",
        "slug": "programming-languages",
        "description": "Writing code.",
        "career_count": 2,
        "url": "http://testserver/skills/programming-languages/",
        "api_url": "http://testserver/api/skills/programming-languages/",
    }
    conforms(data, "SkillList")


def test_skill_detail_shape(client, mlops):
    """A skill lists each published career with its own heading and description."""
    analyst = factories.career(title="Data Analyst", slug="data-analyst")
    programming = mlops.skills.get(position=2).skill
    factories.career_skill(analyst, 1, skill=programming, description="SQL.")

    data = get(client, "/api/skills/programming-languages/")
    assert data == {
        "name": "Programming Languages",
        "slug": "programming-languages",
        "description": "",
        "career_count": 2,
        "url": "http://testserver/skills/programming-languages/",
        "api_url": "http://testserver/api/skills/programming-languages/",
        "careers": [
            {
                "slug": "data-analyst",
                "title": "Data Analyst",
                "heading": "Programming Languages",  # no wording of its own
                "description": "SQL.",
                "url": "http://testserver/careers/data-analyst/",
                "api_url": "http://testserver/api/careers/data-analyst/",
            },
            {
                "slug": "mlops-engineer",
                "title": "MLOps Engineer",
                "heading": "Proficiency in Programming Languages",
                "description": mlops.skills.get(position=2).description,
                "url": "http://testserver/careers/mlops-engineer/",
                "api_url": "http://testserver/api/careers/mlops-engineer/",
            },
        ],
    }
    conforms(data, "SkillDetail")


# The directory's parameters


DIRECTORY_PARAMS = [
    {},
    {"q": "analyst"},
    {"q": "ANSWERS"},
    {"q": "python"},
    {"q": "fluent"},
    {"q": "data python"},
    {"q": "  designer  "},
    {"q": "nothing-like-this"},
    {"category": "data-ai"},
    {"category": "design", "q": "shapes"},
    {"sort": "title"},
    {"sort": "score"},
    {"sort": "salary"},
    {"sort": "salary", "category": "data-ai"},
    {"q": "", "category": "", "sort": ""},
]


@pytest.mark.parametrize("params", DIRECTORY_PARAMS, ids=str)
def test_parameters_select_what_the_directory_shows(client, careers, params):
    """q, category and sort list the same careers in the same order as /careers/."""
    html = client.get("/careers/", params).content.decode()
    assert titles(get(client, "/api/careers/", params)) == CARD_RE.findall(html)


def test_sorts(client, careers):
    """score puts the best first and salary the best paid; unknown ones go last."""
    assert titles(get(client, "/api/careers/", {"sort": "score"})) == [
        "Product Designer",
        "Data Analyst",
        "ML Engineer",
    ]
    assert titles(get(client, "/api/careers/", {"sort": "salary"})) == [
        "Product Designer",
        "Data Analyst",
        "ML Engineer",
    ]


def test_pages_link_to_each_other_with_the_applied_filters(client, db):
    """24 a page; next and previous keep q, category and sort, cleaned."""
    category = factories.category(slug="data-ai")
    for n in range(30):
        factories.career(title=f"Data role {n:02d}", category=category)
    params = {"q": " data ", "category": "data-ai", "sort": "score"}

    first = get(client, "/api/careers/", params)
    assert (first["count"], first["page"], first["pages"]) == (30, 1, 2)
    assert len(first["results"]) == 24
    assert first["previous"] is None
    assert first["next"] == (
        "http://testserver/api/careers/?q=data&category=data-ai&sort=score&page=2"
    )

    second = get(client, first["next"])
    assert (second["page"], len(second["results"])) == (2, 6)
    assert second["next"] is None
    assert second["previous"] == (
        "http://testserver/api/careers/?q=data&category=data-ai&sort=score"
    )
    assert titles(first) + titles(second) == [f"Data role {n:02d}" for n in range(30)]
    conforms(second, "CareerPage")


def test_no_match_is_an_empty_first_page(client, careers):
    """A search that finds nothing is page 1 of 1 with no results, not an error."""
    data = get(client, "/api/careers/", {"q": "astronaut"})
    assert (data["count"], data["pages"], data["results"]) == (0, 1, [])


# Visibility (errors in general: test_api_errors.py)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": CareerPath.Status.DRAFT},
        {"status": CareerPath.Status.UNPUBLISHED},
        {"publish_at": timezone.now() + datetime.timedelta(days=1)},
    ],
    ids=["draft", "unpublished", "scheduled"],
)
def test_careers_not_live_are_nowhere(client, mlops, fields):
    """Drafts and careers scheduled for later are absent from every endpoint."""
    hidden = factories.career(title="Hidden Analyst", slug="hidden", **fields)
    secret = factories.skill(name="Secret Skill", slug="secret")
    factories.career_skill(hidden, 1, skill=secret)
    programming = mlops.skills.get(position=2).skill
    factories.career_skill(hidden, 2, skill=programming)

    assert titles(get(client, "/api/careers/")) == ["MLOps Engineer"]
    assert titles(get(client, "/api/careers/", {"q": "hidden"})) == []
    error(client, "/api/careers/", {"category": hidden.category.slug})
    error(client, "/api/careers/hidden/", status=404)
    skills = get(client, "/api/skills/")["results"]
    assert "secret" not in [skill["slug"] for skill in skills]
    assert {skill["career_count"] for skill in skills} == {1}
    error(client, "/api/skills/secret/", status=404)
    detail = get(client, "/api/skills/programming-languages/")
    assert [career["slug"] for career in detail["careers"]] == ["mlops-engineer"]


def test_staff_see_no_drafts_either(admin_client, mlops):
    """The API is public data only: signing in shows no drafts."""
    factories.career(slug="draft", status=CareerPath.Status.DRAFT)
    error(admin_client, "/api/careers/draft/", status=404)


# HTTP


EVERY_KIND_OF_ANSWER = [
    ("get", "/api/", 200),
    ("get", "/api/careers/", 200),
    ("get", "/api/careers/mlops-engineer/", 200),
    ("get", "/api/skills/", 200),
    ("get", "/api/skills/programming-languages/", 200),
    ("get", "/api/openapi.json", 200),
    ("head", "/api/careers/", 200),
    ("get", "/api/careers/?sort=nope", 400),
    ("get", "/api/careers/?page=9", 404),
    ("get", "/api/careers/nope/", 404),
    ("get", "/api/nope", 404),
    ("post", "/api/skills/", 405),
    ("delete", "/api/nope", 404),
    ("options", "/api/skills/programming-languages/", 204),
]


@pytest.mark.parametrize(("method", "url", "status"), EVERY_KIND_OF_ANSWER)
def test_every_answer_is_json_for_any_origin(client, mlops, method, url, status):
    """Successes, errors and preflights alike are JSON and allow any origin;
    successes may be cached for a minute, errors by no shared cache."""
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    if method == "get":
        assert response.json()
        cache_control = set(response["Cache-Control"].split(", "))
        if status == 200:
            assert cache_control == {"public", "max-age=60"}
        else:
            assert {"no-store", "private"} <= cache_control
            assert "public" not in cache_control


def test_etag_and_not_modified(client, mlops):
    """A repeat request with the ETag is a 304 that still allows any origin."""
    first = client.get("/api/careers/mlops-engineer/")
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first["Access-Control-Expose-Headers"] == "ETag"

    again = client.get("/api/careers/mlops-engineer/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    assert again["Cache-Control"] == "public, max-age=60"

    head = client.head("/api/careers/mlops-engineer/", headers={"If-None-Match": etag})
    assert head.status_code == 304

    mlops.summary = "Changed."
    mlops.save()
    changed = client.get(
        "/api/careers/mlops-engineer/", headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_head_has_the_headers_of_get(client, mlops):
    """HEAD answers GET's headers, ETag included, without the body."""
    get_response = client.get("/api/careers/")
    head = client.head("/api/careers/")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("ETag", "Content-Type", "Access-Control-Allow-Origin"):
        assert head[name] == get_response[name]


@pytest.mark.django_db(transaction=True)
def test_answers_are_cached_and_invalidated_like_pages(
    client, mlops, settings, django_assert_num_queries
):
    """With the page cache on, a repeat GET touches no database, and an edit
    to the content is seen at once."""
    settings.PAGE_CACHE = True
    first = client.get("/api/careers/mlops-engineer/")
    with django_assert_num_queries(0):
        second = client.get("/api/careers/mlops-engineer/")
    assert second.content == first.content
    assert second["Access-Control-Allow-Origin"] == "*"
    assert second["ETag"] == first["ETag"]

    # Committed, as invalidation waits for the commit.
    mlops.title = "MLOps Specialist"
    mlops.save()
    assert get(client, "/api/careers/mlops-engineer/")["title"] == "MLOps Specialist"


# Query counts


def populate(count, **fields):
    category = Category.objects.get_or_create(slug="role", name="Role")[0]
    skill = Skill.objects.get_or_create(slug="shared", name="Shared")[0]
    for _ in range(count):
        career = factories.full_career(size=3, category=category, **fields)
        factories.career_skill(career, 4, skill=skill)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/careers/", 2),  # count, page
        ("/api/careers/?q=career&category=role&sort=salary", 3),  # and the category
        ("/api/skills/", 1),
        ("/api/skills/shared/", 2),  # the skill, its careers
    ],
)
def test_query_count_does_not_grow_with_content(
    client, db, django_assert_num_queries, django_assert_max_num_queries, url, queries
):
    """Ten times the careers costs no more queries."""
    populate(3)
    with django_assert_num_queries(queries):
        get(client, url)
    populate(27)
    with django_assert_max_num_queries(queries):
        get(client, url)


def test_career_detail_query_count_does_not_grow(client, db, django_assert_num_queries):
    """The career, then one query each for scores, their sources, steps,
    stages, skills and education, however many there are."""
    small = factories.full_career(size=1)
    large = factories.full_career(size=20)
    for career in (small, large):
        with django_assert_num_queries(7):
            get(client, f"/api/careers/{career.slug}/")


# The OpenAPI document


def test_openapi_document_is_valid_openapi_3_1(client, db):
    """The served document passes the OpenAPI 3.1 schema; its schemas are
    valid JSON Schema."""
    data = get(client, "/api/openapi.json")
    assert data["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(data).validate()
    for name, schema in data["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name


def test_openapi_document_describes_every_endpoint(db):
    """Every route in careers.api.urls is in the document, and nothing else."""
    from careers.api import urls as api_urls

    documented = set(openapi_document()["paths"])
    routes = {
        "/api/" + str(pattern.pattern).replace("<slug:slug>", "{slug}")
        for pattern in api_urls.urlpatterns
        if pattern.name != "not_found"
    }
    assert documented == routes


def test_fixed_shapes_allow_no_other_keys(db):
    """Every object schema in the document forbids keys it does not list."""

    def objects(schema):
        if isinstance(schema, dict):
            if schema.get("type") in ("object", ["object", "null"]):
                yield schema
            for value in schema.values():
                yield from objects(value)
        elif isinstance(schema, list):
            for value in schema:
                yield from objects(value)

    schemas = dict(openapi_document()["components"]["schemas"])
    del schemas["OpenApiDocument"]  # described by the OpenAPI specification
    found = list(objects(schemas))
    assert len(found) > 20
    for schema in found:
        assert schema["additionalProperties"] is False, schema


@pytest.fixture
def wsgi_app(settings):
    """The project's WSGI application, called in process as a server calls it.

    Like Django's test client, it keeps the database connection open between
    requests, so they see the test's data inside its transaction.
    """
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis sends
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]
FIXED = {
    # Random slugs find nothing: also ask for ones that exist, the guide with
    # every optional field among them.
    "/api/careers/{slug}/": [
        {"path_parameters": {"slug": "mlops-engineer"}},
        {"path_parameters": {"slug": "data-engineer-uk"}},
    ],
    "/api/skills/{slug}/": [{"path_parameters": {"slug": "programming-languages"}}],
    "/api/careers/": [{"query": {"category": "data-ai", "page": 1}}],
}


def test_api_conforms_to_its_openapi_document(mlops, wsgi_app):
    """Schemathesis finds no server error and no answer that breaks the document,
    with valid and invalid input alike."""
    factories.full_career(size=2, title="Data Analyst", slug="data-analyst")
    factories.every_field_career()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategies = [operation.as_strategy()]
        if len(operation.query) + len(operation.path_parameters):
            strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
        if operation.path in FIXED and len(operation.query) + len(
            operation.path_parameters
        ):
            strategies += [
                operation.as_strategy(**fixed) for fixed in FIXED[operation.path]
            ]

        for strategy in strategies:

            @hypothesis.given(case=strategy)
            @hypothesis.settings(
                max_examples=30,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=[
                    hypothesis.HealthCheck.too_slow,
                    hypothesis.HealthCheck.filter_too_much,
                ],
            )
            def check(case):
                case.call_and_validate(checks=CHECKS)

            check()
            tested.append(operation.label)
    # GET, HEAD and OPTIONS of 6 paths, less the document schemathesis read; 8
    # with invalid input too, 8 with existing data too, and the 3 of a
    # career's path again with the second career.
    assert len(set(tested)) == 17
    assert len(tested) == 17 + 8 + 8 + 3


def test_successful_bodies_escape_markup_too(client, mlops):
    """The same encoder writes every JSON body; content with & reads back."""
    mlops.summary = "Build & run <models>."
    mlops.save()
    response = client.get("/api/careers/mlops-engineer/")
    assert b"Build & run" not in response.content
    assert response.json()["summary"] == "Build & run <models>."
