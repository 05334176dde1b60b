"""The read-only public API (see docs/api.md)."""

from django.urls import path, re_path

from . import api

app_name = "api"

urlpatterns = [
    path("", api.IndexApi.as_view(), name="index"),
    path("careers/", api.CareerListApi.as_view(), name="careers"),
    path("careers/<slug:slug>/", api.CareerDetailApi.as_view(), name="career"),
    path("skills/", api.SkillListApi.as_view(), name="skills"),
    path("skills/<slug:slug>/", api.SkillDetailApi.as_view(), name="skill"),
    path("openapi.json", api.OpenApiDocument.as_view(), name="openapi"),
    # Last: any other path under /api/ is a JSON 404, never the site's HTML page.
    # Any character: <path:...> stops at a newline ("%0A") and would miss some.
    re_path(r"^[\s\S]+$", api.NotFoundApi.as_view(), name="not_found"),
]
