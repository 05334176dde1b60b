"""The admin of the rows careers share."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Category, Factor, SalarySource, Skill, Source


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "position", "description"]}),
        (
            _("What a score means"),
            {
                "fields": ["anchor_low", "anchor_middle", "anchor_high"],
                "description": _(
                    "Shown on the methodology page beside the general scale."
                ),
            },
        ),
    ]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SalarySource)
class SalarySourceAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "pay_period", "retrieved_on", "url"]
    list_filter = ["country", "pay_period"]
    search_fields = ["name", "url", "region"]
    fields = ["name", "url", "retrieved_on", "country", "region", "pay_period"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """The sources that scores, job counts and projections cite."""

    list_display = ["name", "retrieved_on", "url"]
    search_fields = ["name", "url"]
