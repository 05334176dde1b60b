"""
The open, read-only JSON API (docs/api.md), with its OpenAPI document.

Plain Django views: a handful of GET endpoints need no framework. Parameters
go through the directory's own form, and pages through Django's paginator.
Unlike the HTML directory, which cleans bad input to a default, the API
answers 400 so a client learns its mistake.
"""

import functools

from django.core.exceptions import TooManyFieldsSent
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.http import HttpResponse
from django.urls import resolve, reverse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import View

from portal.http import JsonResponse
from portal.pagecache import applied_params, cache_public_page

from .content import career_to_dict
from .forms import QUERY_MAX_LENGTH, DirectoryForm
from .models import (
    SCORE_MAX,
    SCORE_MIN,
    CareerPath,
    CareerSkill,
    EducationKind,
    Skill,
    Stage,
    live_filter,
)

PAGE_SIZE = 24
MAX_AGE = 60
SORTS = [value for value, _label in DirectoryForm.SORTS]
METHODS = "GET, HEAD, OPTIONS"
# Django's <slug:...> converter; anything else cannot name a category.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"


class ApiError(Exception):
    """A client error, answered as `{"error": message}` with its status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status, message):
    return JsonResponse({"error": message}, status=status)


def absolute(request, name, **kwargs):
    return request.build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs or None))


def finish(request, response):
    """Headers every API response carries, and 304s that keep them.

    ConditionalGetMiddleware would also answer 304, but its 304 keeps only the
    RFC 9110 headers and so drops Access-Control-Allow-Origin, which a script
    sending If-None-Match from another origin needs.
    """
    response["Access-Control-Allow-Origin"] = "*"
    if request.method not in ("GET", "HEAD"):
        return response
    if response.status_code >= 400:
        # A mistake, or a career not published yet: no shared cache keeps it.
        add_never_cache_headers(response)
        return response
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    if response.status_code == 200:
        response["Access-Control-Expose-Headers"] = "ETag"
        set_response_etag(response)  # as ConditionalGetMiddleware would
        conditional = get_conditional_response(
            request, etag=response["ETag"], response=response
        )
        if conditional.status_code == 412:  # If-Match failed
            conditional = error_response(
                412, _("The resource does not match If-Match: it has changed.")
            )
        if conditional is not response:
            return finish(request, conditional)
    return response


@method_decorator(cache_public_page, name="dispatch")
class ApiView(View):
    """GET and HEAD only; JSON for every answer, errors included."""

    http_method_names = ["get", "head", "options"]

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)

        # Outside the page cache, so cached answers get the same headers and 304s.
        @functools.wraps(view)
        def api_view(request, *args, **kwargs):
            return finish(request, view(request, *args, **kwargs))

        # Read-only views: a POST must reach them to be told 405, not 403.
        return csrf_exempt(api_view)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = error_response(
            405,
            _("The API is read-only: %(method)s is not allowed, only %(allowed)s.")
            % {"method": request.method, "allowed": METHODS},
        )
        response["Allow"] = METHODS
        return response

    def options(self, request, *args, **kwargs):
        """Answer a CORS preflight: any origin may GET."""
        response = HttpResponse(status=204, content_type="application/json")
        response["Allow"] = METHODS
        response["Access-Control-Allow-Methods"] = METHODS
        response["Access-Control-Allow-Headers"] = "If-None-Match"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def params(self):
        try:
            return self.request.GET
        except TooManyFieldsSent as error:
            raise ApiError(400, _("Too many query parameters.")) from error


# Careers


def score(value):
    return None if value is None else round(float(value), 1)


def with_salary_span(careers):
    """Annotate the figures of CareerPath.salary_span() in the listing's query."""
    stages = (
        Stage.objects.filter(career=OuterRef("pk"), salary_min__isnull=False)
        .order_by()
        .values("career")
    )

    def per_career(aggregate):
        return Subquery(stages.annotate(value=aggregate).values("value"))

    return careers.annotate(
        salary_low=per_career(Min("salary_min")),
        salary_high=per_career(Max("salary_max")),
        salary_currency=per_career(Min("currency")),
        salary_currencies=per_career(Count("currency", distinct=True)),
    )


def salary_span(career):
    # As CareerPath.salary_span(): no span over mixed currencies.
    if career.salary_low is None or career.salary_currencies != 1:
        return None
    return {
        "min": career.salary_low,
        "max": career.salary_high,
        "currency": career.salary_currency,
    }


def career_summary(request, career):
    return {
        "slug": career.slug,
        "title": career.title,
        "summary": career.summary,
        "category": {"name": career.category.name, "slug": career.category.slug},
        "overall_score": score(career.overall_score),
        "salary_span": salary_span(career),
        "url": request.build_absolute_uri(career.get_absolute_url()),
        "api_url": absolute(request, "career", slug=career.slug),
    }


class CareerListApi(ApiView):
    cache_params = ("q", "category", "sort", "page")

    def get(self, request):
        params = self.params()
        for name in self.cache_params:  # each has one meaning, or none
            given = len(params.getlist(name))
            if given > 1:
                raise ApiError(
                    400,
                    _("%(name)s is given %(count)s times; give it once.")
                    % {"name": name, "count": given},
                )
        filters = self.filters(params)
        careers = with_salary_span(
            CareerPath.objects.published().for_listing()
        ).matching(**filters)

        paginator = Paginator(careers, PAGE_SIZE)
        number = self.page_number(params.get("page", ""), paginator)
        page = paginator.page(number)
        applied_params(
            request,
            **{name: filters[name] for name in ("q", "sort")},
            category=filters["category"].slug if filters["category"] else "",
            page=number,
        )

        query = {
            "q": filters["q"],
            "category": filters["category"] and filters["category"].slug,
            "sort": "" if filters["sort"] == "title" else filters["sort"],
        }
        query = {name: value for name, value in query.items() if value}

        def link(number):
            url = request.build_absolute_uri(request.path)
            params = query if number == 1 else {**query, "page": number}
            return f"{url}?{urlencode(params)}" if params else url

        return JsonResponse(
            {
                "count": paginator.count,
                "page": number,
                "pages": paginator.num_pages,
                "page_size": PAGE_SIZE,
                "next": link(number + 1) if page.has_next() else None,
                "previous": link(number - 1) if page.has_previous() else None,
                "results": [
                    career_summary(request, career) for career in page.object_list
                ],
            }
        )

    def filters(self, params):
        """The directory's filters, refusing what the directory would clean."""
        q = params.get("q", "")
        if "\x00" in q:
            raise ApiError(400, _("q must not contain NUL characters."))
        if len(q) > QUERY_MAX_LENGTH:
            raise ApiError(
                400,
                _("q is %(length)s characters long; at most %(max)s are allowed.")
                % {"length": len(q), "max": QUERY_MAX_LENGTH},
            )
        category = params.get("category", "")
        sort = params.get("sort", "")
        if sort and sort not in SORTS:
            raise ApiError(
                400,
                _("Unknown sort “%(sort)s”; use one of %(sorts)s.")
                % {"sort": sort, "sorts": ", ".join(SORTS)},
            )
        # The form refuses a category that is no live category's slug, NUL
        # bytes included; q and sort are known to be valid by now.
        form = DirectoryForm({"q": q, "category": category, "sort": sort})
        if not form.is_valid():
            raise ApiError(
                400,
                _(
                    "Unknown category “%(category)s”: use the slug of a category "
                    "with published careers."
                )
                % {"category": category},
            )
        return form.filters()

    def page_number(self, raw, paginator):
        """The page asked for: 400 if not a number, 404 if past the last."""
        if raw == "":
            return 1
        digits = raw.lstrip("0")
        if not (raw.isascii() and raw.isdigit() and digits):
            raise ApiError(
                400,
                _("page must be a positive whole number, not “%(page)s”.")
                % {"page": raw},
            )
        last = paginator.num_pages  # only now: it costs a query
        # Lengths first: a long number is slow to convert, and past 4,300
        # digits Python refuses to.
        if len(digits) > len(str(last)) or int(digits) > last:
            raise ApiError(
                404,
                _("There is no page %(page)s; the last is %(last)s.")
                % {"page": raw, "last": last},
            )
        return int(digits)


class CareerDetailApi(ApiView):
    def get(self, request, slug):
        career = CareerPath.objects.published().for_detail().filter(slug=slug).first()
        if career is None:
            raise ApiError(
                404, _("No published career is called “%(slug)s”.") % {"slug": slug}
            )
        return JsonResponse(
            {
                **career_to_dict(career),
                "url": request.build_absolute_uri(career.get_absolute_url()),
                "api_url": absolute(request, "career", slug=career.slug),
                "overall_score": score(career.overall_score),
                "updated": career.updated,
            }
        )


# Skills


def skill_summary(request, skill):
    return {
        "name": skill.name,
        "slug": skill.slug,
        "description": skill.description,
        "career_count": skill.career_count,
        "url": request.build_absolute_uri(skill.get_absolute_url()),
        "api_url": absolute(request, "skill", slug=skill.slug),
    }


class SkillListApi(ApiView):
    def get(self, request):
        skills = Skill.objects.with_published_count().order_by("name")
        results = [skill_summary(request, skill) for skill in skills]
        return JsonResponse({"count": len(results), "results": results})


class SkillDetailApi(ApiView):
    def get(self, request, slug):
        skill = Skill.objects.with_published_count().filter(slug=slug).first()
        if skill is None:
            raise ApiError(
                404,
                _("No skill called “%(slug)s” is needed by a published career.")
                % {"slug": slug},
            )
        entries = (
            CareerSkill.objects.filter(live_filter("career__"), skill=skill)
            .select_related("career")
            .order_by("career__title", "pk")
        )
        careers = []
        for entry in entries:
            entry.skill = skill  # for entry.heading, without a query
            careers.append(
                {
                    "slug": entry.career.slug,
                    "title": entry.career.title,
                    "heading": entry.heading,
                    "description": entry.description,
                    "url": request.build_absolute_uri(entry.career.get_absolute_url()),
                    "api_url": absolute(request, "career", slug=entry.career.slug),
                }
            )
        return JsonResponse({**skill_summary(request, skill), "careers": careers})


# The rest of /api/


class IndexApi(ApiView):
    def get(self, request):
        return JsonResponse(
            {
                "careers": absolute(request, "careers"),
                "skills": absolute(request, "skills"),
                "openapi": absolute(request, "openapi"),
            }
        )


class OpenApiDocument(ApiView):
    def get(self, request):
        return JsonResponse(openapi_document())


class NotFoundApi(ApiView):
    """Any other path under /api/: a JSON 404, whatever the method."""

    def dispatch(self, request, *args, **kwargs):
        message = _("There is no API endpoint at %(path)s.") % {"path": request.path}
        # Always resolves: this view's route matches any path under /api/.
        if resolve(request.path_info + "/").url_name != "not_found":
            message += " " + _("Did you mean %(path)s/?") % {"path": request.path}
        return error_response(404, message)


# The OpenAPI document

JSON = "application/json"


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties, *, required=None, description=None):
    """A fixed-shape object: every key listed; `required` defaults to all."""
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties) if required is None else required,
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def string(description=None, **keywords):
    schema = {"type": "string", **keywords}
    if description:
        schema["description"] = description
    return schema


def markdown(description=None):
    return string(description, contentMediaType="text/markdown")


def uri(description=None):
    return string(description, format="uri")


def header(description, schema=None, *, required=True):
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


def error_schema():
    """The body of every error answer."""
    return obj({"error": string("What was wrong, for a person to read.", minLength=1)})


def schemas():
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
    intro_outro = {"intro": markdown(), "outro": markdown()}
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
        "CareerDetail": obj(
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
                "intro": markdown(),
                "why_choose": markdown(),
                "good_career": obj(
                    {
                        "intro": markdown(),
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
                        "summary": markdown(),
                    },
                    required=["summary"],
                ),
                "steps": obj(
                    {
                        **intro_outro,
                        "items": {
                            "type": "array",
                            "items": obj({"title": string(), "text": markdown()}),
                        },
                    },
                    required=[],
                ),
                "progression": obj(
                    {
                        **intro_outro,
                        "source": {
                            **ref("Source"),
                            "description": "The source of every stage.",
                        },
                        "stages": {"type": "array", "items": ref("Stage")},
                    },
                    required=[],
                ),
                "skills": obj(
                    {
                        "intro": markdown(),
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
                    required=[],
                ),
                "education": obj(
                    {
                        **intro_outro,
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
                    required=[],
                ),
                "outlook": markdown(),
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
                "intro",
                "why_choose",
                "good_career",
                "steps",
                "progression",
                "skills",
                "education",
                "outlook",
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


def skill_properties():
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


def responses(body, *, errors=()):
    """GET and HEAD responses: `body` on 200, plus 304 and the given errors."""
    get = {
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


def without_body(response):
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


def path_item(*, summary, tag, name, body, slug=None, query=(), errors=()):
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
    item = {
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


def error_response_object(status):
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
def openapi_document():
    """The OpenAPI 3.1 description of this API, served at /api/openapi.json."""
    list_parameters = [
        {
            "name": "q",
            "in": "query",
            "description": (
                "Words that must all appear in the title, the summary or a "
                "skill, in any case."
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
