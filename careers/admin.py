from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import floatformat
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


class CareerChildFormSet(BaseInlineFormSet):
    """Saves rows that trade unique values (positions, factors, skills).

    Django saves one row at a time, so swapping the positions of two steps, or
    the factors of two scores, collides with the row that still holds the
    value. The formset has already checked that the rows are unique as a
    whole, so the changed and deleted rows are removed first; saving then
    inserts each changed row again under its own primary key.
    """

    def clean(self):
        if "position" in self.form.base_fields:
            self.fill_positions()
        super().clean()

    def fill_positions(self):
        """A new row without a position goes after the others, in form order."""
        forms = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data") and not self._should_delete_form(form)
        ]
        following = max((f.cleaned_data.get("position") or 0 for f in forms), default=0)
        for form in forms:
            if form.has_changed() and form.cleaned_data.get("position") is None:
                following += 1
                form.cleaned_data["position"] = form.instance.position = following

    def save_existing_objects(self, commit=True):
        if commit:
            stale = [
                form.instance.pk
                for form in self.initial_forms
                if self._should_delete_form(form) or form.has_changed()
            ]
            self.model._default_manager.filter(pk__in=stale).delete()
        return super().save_existing_objects(commit)


class PositionedInline(admin.TabularInline):
    formset = CareerChildFormSet
    extra = 0
    ordering = ["position"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position":
            field.required = False
            field.help_text = _("Leave empty to add at the end.")
        return field


class FactorScoreInline(admin.TabularInline):
    model = FactorScore
    formset = CareerChildFormSet
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
    list_filter = ["status", "category", "is_sample"]
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
        (
            _("History"),
            {"fields": ["is_sample", "created", "updated"], "classes": ["collapse"]},
        ),
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
        # The same rounding as the site's templates.
        return floatformat(obj.overall_score, 1)


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
