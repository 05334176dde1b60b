from django.urls import path

from . import views

app_name = "careers"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("careers/", views.CareerListView.as_view(), name="list"),
    path("careers/<slug:slug>/", views.CareerDetailView.as_view(), name="detail"),
    path(
        "careers/<slug:slug>/share/<slug:version>.png",
        views.share_image,
        name="share_image",
    ),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("skills/", views.SkillListView.as_view(), name="skills"),
    path("skills/<slug:slug>/", views.SkillDetailView.as_view(), name="skill"),
    path("how-we-score/", views.MethodologyView.as_view(), name="methodology"),
]
