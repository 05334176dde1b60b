"""The read-only public API (see docs/api.md)."""

from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.IndexApi.as_view(), name="index"),
    path("careers/", views.CareerListApi.as_view(), name="careers"),
    path("careers/<slug:slug>/", views.CareerDetailApi.as_view(), name="career"),
    path("skills/", views.SkillListApi.as_view(), name="skills"),
    path("skills/<slug:slug>/", views.SkillDetailApi.as_view(), name="skill"),
    path("openapi.json", views.OpenApiDocument.as_view(), name="openapi"),
    # Last: any other path under /api/ is a JSON 404, never the site's HTML page.
    # Any character: <path:...> stops at a newline ("%0A") and would miss some.
    re_path(r"^[\s\S]+$", views.NotFoundApi.as_view(), name="not_found"),
]
