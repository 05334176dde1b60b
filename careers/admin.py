from django.contrib import admin
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import (
    CareerPath,
    CareerSkill,
    Category,
    EducationRequirement,
    Factor,
    FactorScore,
    SalarySource,
    Skill,
    Stage,
    Step,
)


class PositionedFormSet(BaseInlineFormSet):
    """Saves reordered children without tripping the unique-position constraint.

    Swapping two positions saves one row at a time, so the first save would
    collide with the row that still holds its new position. Rows whose position
    changes (or that are deleted) are first parked above every position in use.
    """

    def save_existing_objects(self, commit=True):
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk
            and ("position" in form.changed_data or self._should_delete_form(form))
        ]
        if commit and moving:
            model = self.model
            siblings = model.objects.filter(career=self.instance)
            in_use = siblings.aggregate(top=Max("position"))["top"] or 0
            wanted = max(
                (
                    f.cleaned_data.get("position") or 0
                    for f in self.forms
                    if f.is_valid()
                ),
                default=0,
            )
            offset = max(in_use, wanted) + 1
            for pk in moving:
                # One row at a time, each to a distinct free position.
                siblings.filter(pk=pk).update(position=offset)
                offset += 1
        return super().save_existing_objects(commit)


class PositionedInline(admin.TabularInline):
    formset = PositionedFormSet
    extra = 0
    ordering = ["position"]


class FactorScoreInline(admin.TabularInline):
    model = FactorScore
    extra = 0
    ordering = ["factor__position"]
    autocomplete_fields = ["factor"]


class StepInline(PositionedInline):
    model = Step
    fields = ["position", "title", "text"]


class StageInline(PositionedInline):
    model = Stage
    fields = [
        "position",
        "title",
        "description",
        "salary_min",
        "salary_max",
        "currency",
        "source",
    ]


class CareerSkillInline(PositionedInline):
    model = CareerSkill
    fields = ["position", "skill", "title", "description"]
    autocomplete_fields = ["skill"]


class EducationInline(PositionedInline):
    model = EducationRequirement
    fields = ["position", "kind", "title", "text"]


@admin.register(CareerPath)
class CareerPathAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "category", "overall_score", "updated"]
    list_filter = ["status", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated"
    readonly_fields = ["created", "updated"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "article", "slug", "category", "status"]}),
        (_("Overview"), {"fields": ["summary", "intro", "why_choose"]}),
        (
            _("Is it a good career?"),
            {
                "fields": ["good_career_intro", "good_career_summary"],
                "description": _("The factor scores are edited below."),
            },
        ),
        (
            _("Section texts"),
            {
                "fields": [
                    "steps_intro",
                    "steps_outro",
                    "progression_intro",
                    "progression_outro",
                    "skills_intro",
                    "education_intro",
                    "education_outro",
                ],
                "description": _(
                    "Optional paragraphs before and after the steps, stages, skills "
                    "and education listed below."
                ),
                "classes": ["collapse"],
            },
        ),
        (_("Outlook"), {"fields": ["outlook"]}),
        (_("History"), {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]
    inlines = [
        FactorScoreInline,
        StepInline,
        StageInline,
        CareerSkillInline,
        EducationInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_overall_score()

    @admin.display(description=_("overall score"), ordering="overall_score")
    def overall_score(self, obj):
        if obj.overall_score is None:
            return None
        return f"{obj.overall_score:.1f}"


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
