"""The API's error answers: which input is refused, with which status, body
and headers, and how the OpenAPI document describes them."""

import importlib
import types

import jsonschema_rs
import pytest
from django import urls
from django.test import Client

from careers.api.openapi import openapi_document
from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db

# What django.utils.cache.add_never_cache_headers sends: no cache keeps it.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
METHODS = "GET, HEAD, OPTIONS"


def refused(client, url, params=None, status=400, method="get", **kwargs):
    """Ask for `url`; check it is a JSON error that no cache keeps, for any
    origin, whose body is the document's Error schema. Returns the message."""
    response = getattr(client, method)(url, params, **kwargs)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    if method in ("get", "head"):
        assert response["Cache-Control"] == NEVER_CACHE
        assert "ETag" not in response
    data = response.json()
    assert list(data) == ["error"]
    schema = {"$ref": "#/components/schemas/Error", **openapi_document()}
    jsonschema_rs.validator_for(schema).validate(data)
    return data["error"]


def listed(client, params=None, **kwargs):
    response = client.get("/api/careers/", params, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()


def many(count, **fields):
    category = factories.category(name="Role", slug="role")
    return [
        factories.career(title=f"Role {n:02d}", category=category, **fields)
        for n in range(count)
    ]


# Parameters of /api/careers/


UNKNOWN_CATEGORY = (
    "Unknown category “{}”: use the slug of a category with published careers."
)
PAGE_NOT_A_NUMBER = "page must be a positive whole number, not “{}”."

BAD_PARAMETERS = {
    "unknown sort": (
        {"sort": "price; DROP TABLE careers"},
        "Unknown sort “price; DROP TABLE careers”; "
        "use one of relevance, title, score, salary.",
    ),
    "sort in capitals": (
        {"sort": "SCORE"},
        "Unknown sort “SCORE”; use one of relevance, title, score, salary.",
    ),
    "unknown category": (
        {"category": "no-such-category"},
        UNKNOWN_CATEGORY.format("no-such-category"),
    ),
    "category with NUL": (
        {"category": "data\x00ai"},
        UNKNOWN_CATEGORY.format("data\x00ai"),
    ),
    "category with a slug before markup": (
        {"category": "data-ai<script>"},
        UNKNOWN_CATEGORY.format("data-ai<script>"),
    ),
    "category of a draft only": (
        {"category": "drafts"},
        UNKNOWN_CATEGORY.format("drafts"),
    ),
    "page word": ({"page": "abc"}, PAGE_NOT_A_NUMBER.format("abc")),
    "page zero": ({"page": "0"}, PAGE_NOT_A_NUMBER.format("0")),
    "page zeros": ({"page": "000"}, PAGE_NOT_A_NUMBER.format("000")),
    "negative page": ({"page": "-1"}, PAGE_NOT_A_NUMBER.format("-1")),
    "page with a plus": ({"page": "+1"}, PAGE_NOT_A_NUMBER.format("+1")),
    "page with a space": ({"page": " 1"}, PAGE_NOT_A_NUMBER.format(" 1")),
    "fractional page": ({"page": "1.5"}, PAGE_NOT_A_NUMBER.format("1.5")),
    "last page word": ({"page": "last"}, PAGE_NOT_A_NUMBER.format("last")),
    "non-ASCII digits": ({"page": "١"}, PAGE_NOT_A_NUMBER.format("١")),
    "superscript digit": ({"page": "²"}, PAGE_NOT_A_NUMBER.format("²")),
    "long query": (
        {"q": "a" * 101},
        "q is 101 characters long; at most 100 are allowed.",
    ),
    "long query of spaces": (
        {"q": " " * 150},
        "q is 150 characters long; at most 100 are allowed.",
    ),
    "NUL in query": ({"q": "data\x00analyst"}, "q must not contain NUL characters."),
    "NUL in a long query": (
        {"q": "\x00" * 101},
        "q must not contain NUL characters.",
    ),
}


@pytest.mark.parametrize(
    ("params", "message"), BAD_PARAMETERS.values(), ids=BAD_PARAMETERS.keys()
)
def test_bad_parameters_are_400_with_a_message(client, mlops, params, message):
    """Unlike the directory, which cleans them, the API refuses bad parameters
    and says which and why."""
    factories.career(
        status=CareerPath.Status.DRAFT,
        category=factories.category(slug="drafts"),
    )
    assert refused(client, "/api/careers/", params) == message


def test_a_bad_parameter_is_refused_among_good_ones(client, mlops):
    """One bad parameter is enough, whatever the others."""
    params = {"q": "mlops", "category": "data-ai", "sort": "score", "page": "x"}
    assert refused(client, "/api/careers/", params) == PAGE_NOT_A_NUMBER.format("x")


def test_each_parameter_reaches_the_filters(client, mlops):
    """q, category and sort each narrow or order the list the API answers."""
    factories.career(title="Data Analyst", category=mlops.category)
    factories.career(title="Designer", category=factories.category(slug="design"))

    def titles(params):
        return [c["title"] for c in listed(client, params)["results"]]

    assert titles({}) == ["Data Analyst", "Designer", "MLOps Engineer"]
    assert titles({"q": "mlops"}) == ["MLOps Engineer"]
    assert titles({"category": "data-ai"}) == ["Data Analyst", "MLOps Engineer"]
    assert titles({"sort": "score"}) == ["MLOps Engineer", "Data Analyst", "Designer"]


def test_the_longest_query_is_accepted(client, mlops):
    """100 characters is the limit, not past it; the length counts spaces."""
    assert listed(client, {"q": "a" * 100})["count"] == 0
    assert listed(client, {"q": "mlops" + " " * 95})["count"] == 1


def test_every_sort_the_directory_knows_is_accepted(client, mlops):
    """relevance, title, score and salary are all valid, and an empty one too."""
    for sort in ["relevance", "title", "score", "salary", ""]:
        assert listed(client, {"sort": sort})["count"] == 1


@pytest.mark.parametrize("name", ["q", "category", "sort", "page"])
def test_a_repeated_parameter_is_400(client, mlops, name):
    """?sort=score&sort=title has no single meaning: it is refused, not
    guessed, even when both values are valid or empty."""
    value = {"q": "mlops", "category": "data-ai", "sort": "score", "page": "1"}[name]
    for values in ([value, value], ["", value], [value, "", ""]):
        message = refused(client, "/api/careers/", {name: values})
        assert message == f"{name} is given {len(values)} times; give it once."


def test_unknown_parameters_are_ignored(client, mlops):
    """A parameter the API does not read changes nothing, even repeated."""
    plain = listed(client)
    assert listed(client, {"format": ["xml", "csv"], "limit": "1000"}) == plain
    assert listed(client, {"page_size": "100", "Sort": "nope"}) == plain
    assert listed(client, {"": "nope"}) == plain  # ?=nope: no name at all


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*;q=0"])
def test_accept_changes_nothing(client, mlops, accept):
    """There is one format: JSON is the answer whatever Accept asks for,
    errors included, never a 406 or the site's HTML."""
    plain = listed(client)
    assert listed(client, headers={"Accept": accept}) == plain
    message = refused(
        client, "/api/careers/", {"sort": "x"}, headers={"Accept": accept}
    )
    assert message.startswith("Unknown sort “x”")


def test_too_many_parameters_is_400(client, mlops, settings):
    """Django refuses more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: JSON too;
    exactly that many are still answered."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    query = "&".join(f"x{n}=1" for n in range(limit - 1))
    assert client.get(f"/api/careers/?{query}&q=mlops").json()["count"] == 1
    message = refused(client, f"/api/careers/?{query}&x=1&q=mlops")
    assert message == "Too many query parameters."


# Pages


def test_the_page_size_is_24(client, db):
    """24 careers fit on one page; the 25th makes a second page of one."""
    many(24)
    first = listed(client)
    assert (first["count"], first["pages"], len(first["results"])) == (24, 1, 24)
    assert first["next"] is None
    assert refused(client, "/api/careers/", {"page": "2"}, status=404) == (
        "There is no page 2; the last is 1."
    )

    factories.career(title="Role 24")
    second = listed(client, {"page": "2"})
    assert (second["count"], second["page"], second["pages"]) == (25, 2, 2)
    assert [c["title"] for c in second["results"]] == ["Role 24"]


def test_pages_of_a_plain_list_link_without_a_query(client, db):
    """Without filters, page 1 is the bare URL and the others add only page."""
    many(49)
    first, second, third = (listed(client, {"page": n}) for n in ("1", "2", "3"))
    base = "http://testserver/api/careers/"
    assert (first["previous"], first["next"]) == (None, f"{base}?page=2")
    assert (second["previous"], second["next"]) == (base, f"{base}?page=3")
    assert (third["previous"], third["next"]) == (f"{base}?page=2", None)
    assert [len(p["results"]) for p in (first, second, third)] == [24, 24, 1]


def test_links_leave_out_the_default_sort(client, db):
    """sort=title is the default, so links leave it out; other sorts stay."""
    many(25)
    base = "http://testserver/api/careers/"
    assert listed(client, {"sort": "title"})["next"] == f"{base}?page=2"
    assert listed(client, {"sort": "salary"})["next"] == f"{base}?sort=salary&page=2"
    assert listed(client, {"q": "role"})["next"] == (
        f"{base}?q=role&sort=relevance&page=2"
    )
    assert listed(client, {"q": "role", "sort": "title"})["next"] == (
        f"{base}?q=role&page=2"
    )


PAST_THE_END = {
    "2": "2",
    "leading zeros": "0002",
    "18 digits": "9" * 18,
    "19 digits": "1" + "0" * 18,
    "past Python's int limit": "1" + "0" * 4300,
    "5000 digits": "9" * 5000,
}


@pytest.mark.parametrize("page", PAST_THE_END.values(), ids=PAST_THE_END.keys())
def test_a_page_past_the_end_is_404(client, mlops, page):
    """Any page past the last, however long the number, is a JSON 404 that
    echoes the page asked for and names the last."""
    message = refused(client, "/api/careers/", {"page": page}, status=404)
    assert message == f"There is no page {page}; the last is 1."


def test_an_empty_list_has_one_page(client, db):
    """No careers: page 1 is an empty page, page 2 is past the end."""
    assert listed(client, {"page": "1"})["results"] == []
    assert refused(client, "/api/careers/", {"page": "2"}, status=404) == (
        "There is no page 2; the last is 1."
    )


def test_leading_zeros_and_an_empty_page_mean_the_number(client, mlops):
    """page=01 is page 1, and page= is the first page too."""
    assert listed(client, {"page": "01"})["page"] == 1
    assert listed(client, {"page": ""})["page"] == 1
    assert listed(client, {"page": "0001"}) == listed(client)
    assert listed(client, {"page": "0" * 5000 + "1"})["page"] == 1


def test_the_last_page_of_many_is_found(client, db):
    """Page 3 of 3 is a page; page 4 is not."""
    many(49)
    assert listed(client, {"page": "3"})["page"] == 3
    assert refused(client, "/api/careers/", {"page": "4"}, status=404) == (
        "There is no page 4; the last is 3."
    )


# Other paths


def test_unknown_career_and_skill_are_404(client, mlops):
    """A slug that names nothing published is a 404 naming the slug."""
    factories.career(slug="draft", status=CareerPath.Status.DRAFT)
    assert refused(client, "/api/careers/draft/", status=404) == (
        "No published career is called “draft”."
    )
    assert refused(client, "/api/careers/no-such-career/", status=404) == (
        "No published career is called “no-such-career”."
    )
    factories.skill(slug="unused")
    assert refused(client, "/api/skills/unused/", status=404) == (
        "No skill called “unused” is needed by a published career."
    )


NOT_FOUND = {
    "/api/nothing-here/": "/api/nothing-here/",
    "/api/nothing-here": "/api/nothing-here",
    "/api/careers/mlops-engineer/extra/": "/api/careers/mlops-engineer/extra/",
    "/api/careers/not%20a%20slug/": "/api/careers/not a slug/",
    "/api/careers/new%0Aline/": "/api/careers/new\nline/",
    "/api/careers/%00/": "/api/careers/\x00/",
    "/api/openapi.json/": "/api/openapi.json/",
    "/api/careers//": "/api/careers//",
}


@pytest.mark.parametrize(("url", "path"), NOT_FOUND.items(), ids=NOT_FOUND.keys())
def test_unknown_paths_are_json_404(client, mlops, url, path):
    """Any path under /api/ that names nothing is a JSON 404 that names it,
    never the site's HTML page."""
    message = refused(client, url, status=404)
    assert message == f"There is no API endpoint at {path}."


@pytest.mark.parametrize(
    "path", ["/api/careers", "/api/skills", "/api/careers/mlops-engineer"]
)
def test_a_missing_slash_is_pointed_out(client, mlops, path):
    """A path that names an endpoint but for its final slash says so."""
    assert refused(client, path, status=404) == (
        f"There is no API endpoint at {path}. Did you mean {path}/?"
    )


@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_unknown_paths_are_404_whatever_the_method(client, db, method):
    """No method turns an unknown path into anything but its 404."""
    response = getattr(client, method)("/api/nothing-here/")
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "error": "There is no API endpoint at /api/nothing-here/."
    }


# Methods


ENDPOINTS = ["/api/", "/api/careers/", "/api/careers/mlops-engineer/", "/api/skills/"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
@pytest.mark.parametrize("url", ENDPOINTS)
def test_other_methods_are_405(mlops, method, url):
    """Read-only: other methods are a JSON 405 naming the method and the
    allowed ones, without a CSRF error page."""
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == METHODS
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": f"The API is read-only: {method.upper()} is not allowed, "
        "only GET, HEAD, OPTIONS."
    }


@pytest.fixture
def routes_built_afresh(settings):
    """careers.api.urls imported again. as_view() runs when the routes are
    imported, so a test process that loaded them long ago would miss a change
    there that every new server process has."""
    root = types.ModuleType("fresh_urls")
    api_urls = importlib.reload(importlib.import_module("careers.api.urls"))
    root.urlpatterns = [urls.path("api/", urls.include(api_urls))]
    settings.ROOT_URLCONF = root


def test_routes_built_afresh_answer_the_same(routes_built_afresh, db):
    """Views made by as_view() at start-up refuse, preflight and answer as
    every test above expects, POSTs included with CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/careers/")
    assert (response.status_code, response["Allow"]) == (405, METHODS)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.options("/api/careers/").status_code == 204
    assert refused(client, "/api/careers/", {"sort": "x"}).startswith("Unknown sort")
    assert client.get("/api/").json()["careers"] == "http://testserver/api/careers/"


def test_preflight(client, mlops):
    """A cross-origin script is told it may GET, sending If-None-Match, and
    may remember that for a day; the answer has no body and no ETag."""
    response = client.options(
        "/api/careers/mlops-engineer/",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response.content == b""
    assert {
        name: response.get(name)
        for name in [
            "Content-Type",
            "Allow",
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Methods",
            "Access-Control-Allow-Headers",
            "Access-Control-Max-Age",
            "ETag",
            "Cache-Control",
        ]
    } == {
        "Content-Type": "application/json",
        "Allow": METHODS,
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": METHODS,
        "Access-Control-Allow-Headers": "If-None-Match",
        "Access-Control-Max-Age": "86400",
        "ETag": None,
        "Cache-Control": None,
    }


def test_head_of_an_error_has_its_headers(client, mlops):
    """HEAD of a refused request: the same status and headers, no body."""
    for url, status in [("/api/careers/?sort=nope", 400), ("/api/careers/x/", 404)]:
        response = client.head(url)
        assert response.status_code == status
        assert response.content == b""
        assert response["Cache-Control"] == NEVER_CACHE
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Content-Type"] == "application/json"
        assert "ETag" not in response


# Preconditions


def test_if_match_that_fails_is_412_json(client, mlops):
    """A failed If-Match precondition is answered in JSON, like every error,
    and kept by no cache."""
    for url in ["/api/careers/", "/api/careers/mlops-engineer/"]:
        message = refused(client, url, status=412, headers={"If-Match": '"stale"'})
        assert message == "The resource does not match If-Match: it has changed."


def test_if_match_that_holds_is_answered(client, mlops):
    """If-Match with the current ETag, or *, is a plain 200."""
    etag = client.get("/api/careers/")["ETag"]
    for value in [etag, "*", f'"other", {etag}']:
        response = client.get("/api/careers/", headers={"If-Match": value})
        assert response.status_code == 200
        assert response["ETag"] == etag
        assert response["Cache-Control"] == "public, max-age=60"


def test_not_modified_for_head_and_get(client, mlops):
    """If-None-Match with the current ETag is a bodiless 304 to GET and HEAD,
    with the ETag, the cache lifetime and any origin; a stale one is a 200."""
    etag = client.get("/api/skills/")["ETag"]
    for method in ("get", "head"):
        response = getattr(client, method)(
            "/api/skills/", headers={"If-None-Match": etag}
        )
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Cache-Control"] == "public, max-age=60"
        assert response["Access-Control-Allow-Origin"] == "*"
    stale = client.get("/api/skills/", headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale["Access-Control-Expose-Headers"] == "ETag"


# The page cache


@pytest.mark.django_db(transaction=True)
def test_pages_asked_for_as_applied_are_cached(
    client, settings, django_assert_num_queries
):
    """A page asked for with every parameter as the API applied it is stored;
    page=02, a padded query or a repeated parameter are answered, not stored."""
    settings.PAGE_CACHE = True
    many(25)
    applied = {"q": "role", "category": "role", "sort": "score", "page": "2"}
    listed(client, applied)
    with django_assert_num_queries(0):
        assert listed(client, applied)["page"] == 2

    for params in [{**applied, "page": "02"}, {**applied, "q": " role "}]:
        listed(client, params)
        with django_assert_num_queries(3):  # category, count, page
            listed(client, params)


# Markup


MARKUP_INPUT = {
    "sort": {"sort": "<script>XSSMARK</script>&"},
    "page": {"page": "<script>XSSMARK</script>"},
    "path": None,
}


@pytest.mark.parametrize("case", MARKUP_INPUT, ids=MARKUP_INPUT.keys())
def test_error_bodies_never_echo_markup_raw(client, mlops, case):
    """<, > and & in an echoed value are \\u escapes in the JSON body, which
    still reads back as the value."""
    params = MARKUP_INPUT[case]
    if params is None:
        response = client.get("/api/<script>XSSMARK</script>&")
    else:
        response = client.get("/api/careers/", params)
    assert 400 <= response.status_code < 500
    assert not {ord("<"), ord(">"), ord("&")} & set(response.content)
    assert b"\\u003cscript\\u003eXSSMARK" in response.content
    assert "<script>XSSMARK" in response.json()["error"]


# The OpenAPI document


@pytest.fixture
def document(db):
    """The OpenAPI document, built afresh rather than taken from the cache."""
    openapi_document.cache_clear()
    yield openapi_document()
    openapi_document.cache_clear()


def test_the_error_schema(document):
    """Every error body is an object with one non-empty message."""
    assert document["components"]["schemas"]["Error"] == {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "string",
                "minLength": 1,
                "description": "What was wrong, for a person to read.",
            }
        },
    }


CORS = {
    "description": "Every origin may read the API.",
    "required": True,
    "schema": {"const": "*"},
}
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def test_error_responses_are_documented_once(document):
    """The 400, 404, 405 and 412 answers: their meaning, headers and body."""
    responses = document["components"]["responses"]
    errors = {status: responses[status] for status in ("400", "404", "405", "412")}
    assert errors == {
        "400": {
            "description": "A parameter is invalid.",
            "headers": {"Access-Control-Allow-Origin": CORS},
            "content": ERROR_BODY,
        },
        "404": {
            "description": "Not found.",
            "headers": {"Access-Control-Allow-Origin": CORS},
            "content": ERROR_BODY,
        },
        "405": {
            "description": "Only GET, HEAD and OPTIONS are allowed.",
            "headers": {
                "Access-Control-Allow-Origin": CORS,
                "Allow": {
                    "description": "The allowed methods.",
                    "required": True,
                    "schema": {"const": METHODS},
                },
            },
            "content": ERROR_BODY,
        },
        "412": {
            "description": "If-Match was sent and does not match the current ETag.",
            "headers": {"Access-Control-Allow-Origin": CORS},
            "content": ERROR_BODY,
        },
    }
    assert set(responses) == {"400", "404", "405", "412", "Preflight"}


# The statuses each operation answers, as the tests above show them.
DOCUMENTED = {
    "/api/": ({"200", "304"}, {"204"}),
    "/api/careers/": ({"200", "304", "400", "404", "412"}, {"204"}),
    "/api/careers/{slug}/": ({"200", "304", "404", "412"}, {"204", "404"}),
    "/api/skills/": ({"200", "304", "412"}, {"204"}),
    "/api/skills/{slug}/": ({"200", "304", "404", "412"}, {"204", "404"}),
    "/api/openapi.json": ({"200", "304", "412"}, {"204"}),
}


def test_every_operation_documents_its_statuses(document):
    """GET and HEAD list the same statuses, OPTIONS its own; errors refer to
    the shared responses."""
    paths = document["paths"]
    assert {
        path: (set(item["get"]["responses"]), set(item["options"]["responses"]))
        for path, item in paths.items()
    } == DOCUMENTED
    for path, item in paths.items():
        get, head = item["get"]["responses"], item["head"]["responses"]
        assert set(head) == set(get), path
        for status in set(get) - {"200", "304"}:
            assert get[status] == {"$ref": f"#/components/responses/{status}"}
        for status, answer in item["options"]["responses"].items():
            name = "Preflight" if status == "204" else status
            assert answer == {"$ref": f"#/components/responses/{name}"}


def test_head_documents_the_headers_without_a_body(document):
    """HEAD's answers are GET's, headers and descriptions included, less the
    content."""
    for path, item in document["paths"].items():
        get, head = item["get"]["responses"], item["head"]["responses"]
        for status, answer in head.items():
            full = get[status]
            if "$ref" in full:
                full = document["components"]["responses"][status]
            assert "content" not in answer, (path, status)
            assert answer == {k: v for k, v in full.items() if k != "content"}
            assert set(answer) == {"description", "headers"}


def test_success_and_not_modified_are_documented_with_their_headers(document):
    """200 has ETag, Cache-Control and CORS headers and the body's schema;
    304 has ETag and CORS, no body."""
    get = document["paths"]["/api/careers/"]["get"]["responses"]
    etag = {
        "description": "The body's entity tag; send it back in If-None-Match.",
        "required": True,
        "schema": {"type": "string"},
    }
    assert get["200"] == {
        "description": "OK.",
        "headers": {
            "ETag": etag,
            "Cache-Control": {
                "description": "Shared caches may keep the answer for 60 seconds.",
                "required": True,
                "schema": {"type": "string", "pattern": "max-age=60"},
            },
            "Access-Control-Allow-Origin": CORS,
        },
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CareerPage"}}
        },
    }
    assert get["304"] == {
        "description": "Not modified: the If-None-Match tag is still current.",
        "headers": {"ETag": etag, "Access-Control-Allow-Origin": CORS},
    }
