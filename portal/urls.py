from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from careers import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("careers.api_urls")),
    path("", include("careers.urls")),
]
