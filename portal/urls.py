from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from careers.feeds import CareerFeed
from careers.sitemaps import SITEMAPS
from careers.views import robots_txt
from portal.http import safe_only

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("careers.api.urls")),
    path("sitemap.xml", safe_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("feeds/careers/", safe_only(CareerFeed()), name="feed"),
    path("", include("careers.urls")),
]
