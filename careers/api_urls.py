"""The read-only public API (see docs/api.md)."""

from django.urls import path

app_name = "api"

urlpatterns: list = [
    # Filled in by the API views.
]
