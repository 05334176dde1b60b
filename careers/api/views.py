"""The API's endpoints (docs/api.md). Parameters go through the directory's
own form, and pages through Django's paginator."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.http import JsonResponse
from portal.pagecache import applied_params

from ..forms import DirectoryForm
from ..models import CareerPath, CareerSkill, Skill, live_filter
from ..shape import PAGE_SIZE, QUERY_MAX_LENGTH
from .base import ApiError, ApiView, absolute, error_response
from .openapi import SORTS, openapi_document
from .serializers import (
    career_detail,
    career_summary,
    skill_career,
    skill_summary,
)


class CareerListApi(ApiView):
    cache_params = ("q", "category", "sort", "page")

    def get(self, request: HttpRequest) -> JsonResponse:
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
        careers = CareerPath.objects.published().for_listing().matching(**filters)

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

        def link(number: int) -> str:
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

    def filters(self, params: QueryDict) -> dict[str, Any]:
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

    def page_number(self, raw: str, paginator: Paginator[CareerPath]) -> int:
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
    def get(self, request: HttpRequest, slug: str) -> JsonResponse:
        career = CareerPath.objects.published().for_detail().filter(slug=slug).first()
        if career is None:
            raise ApiError(
                404, _("No published career is called “%(slug)s”.") % {"slug": slug}
            )
        return JsonResponse(career_detail(request, career))


class SkillListApi(ApiView):
    def get(self, request: HttpRequest) -> JsonResponse:
        skills = Skill.objects.with_published_count().order_by("name")
        results = [skill_summary(request, skill) for skill in skills]
        return JsonResponse({"count": len(results), "results": results})


class SkillDetailApi(ApiView):
    def get(self, request: HttpRequest, slug: str) -> JsonResponse:
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
            careers.append(skill_career(request, entry))
        return JsonResponse({**skill_summary(request, skill), "careers": careers})


# The rest of /api/


class IndexApi(ApiView):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(
            {
                "careers": absolute(request, "careers"),
                "skills": absolute(request, "skills"),
                "openapi": absolute(request, "openapi"),
            }
        )


class OpenApiDocument(ApiView):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(openapi_document())


class NotFoundApi(ApiView):
    """Any other path under /api/: a JSON 404, whatever the method."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        message = _("There is no API endpoint at %(path)s.") % {"path": request.path}
        # Always resolves: this view's route matches any path under /api/.
        if resolve(request.path_info + "/").url_name != "not_found":
            message += " " + _("Did you mean %(path)s/?") % {"path": request.path}
        return error_response(404, message)
