"""The admin of the rows careers share."""

from django.contrib import admin

from ..models import Category, Factor, SalarySource, Skill


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


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SalarySource)
class SalarySourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "retrieved_on"]
    search_fields = ["name", "url"]
