"""The lists of a career's children, edited on its one admin page."""

from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableTabularInline,
)
from django.contrib.auth import get_permission_codename
from django.forms.models import BaseInlineFormSet

from .. import publishing
from ..article.markup import MARKDOWN_HELP
from ..models import (
    CareerSkill,
    EducationRequirement,
    FactorScore,
    ScoreCitation,
    Stage,
    Step,
)
from ..models.common import ProseField


class CareerChildFormSet(BaseInlineFormSet):
    """Saves rows that trade unique values (positions, factors, skills): a
    career's children, or the sources of a score.

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
        """A row without a position (a new one, or one whose position was
        emptied) goes after the others, in form order."""
        forms = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data") and not self._should_delete_form(form)
        ]
        following = max((f.cleaned_data.get("position") or 0 for f in forms), default=0)
        for form in forms:
            if form.has_changed() and form.cleaned_data.get("position") is None:
                following += 1
                # What is saved is the instance, which the form built already.
                form.instance.position = following

    def save(self, commit=True):
        saved = super().save(commit)
        if commit and "position" in self.form.base_fields:
            # Deleting or moving rows leaves gaps: number them 1, 2, 3… again.
            siblings = self.model._default_manager.filter(
                **{self.fk.name: self.instance}
            )
            publishing.renumber(siblings)
        return saved

    def save_existing_objects(self, commit=True):
        if commit:
            stale = [
                form.instance.pk
                for form in self.initial_forms
                if self._should_delete_form(form) or form.has_changed()
            ]
            self.model._default_manager.filter(pk__in=stale).delete()
        return super().save_existing_objects(commit)


class MarkdownHelpMixin:
    """Long texts accept Markdown: remind editors of the syntax beside each
    (not beside plain lists such as the alternative titles)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, ProseField) and field is not None:
            field.help_text = " ".join(
                filter(None, [str(db_field.help_text), str(MARKDOWN_HELP)])
            )
        return field


class PositionedFormSet(CustomInlineFormSetMixin, CareerChildFormSet):
    """Drag-and-drop ordering (django-admin-sortable2) on our child formset."""


class PositionedInline(MarkdownHelpMixin, SortableTabularInline):
    # django-admin-sortable2 makes the position a hidden, optional field.
    formset = PositionedFormSet
    extra = 0
    ordering = ["position"]


class FactorScoreInline(PositionedInline):
    """A career's scores in its own order, which editors drag to change; the
    sources of a score are edited on the score's own page (its change link)."""

    model = FactorScore
    fields = ["position", "factor", "score", "reason", "evidence"]
    autocomplete_fields = ["factor"]
    show_change_link = True


class ScoreCitationInline(PositionedInline):
    """The sources of one score, in its order, on the score's own page.

    Part of the score, as a score is part of its career: whoever may change
    the score may edit its sources.
    """

    model = ScoreCitation
    fields = ["position", "source"]
    autocomplete_fields = ["source"]

    def may(self, request, action):
        opts = self.parent_model._meta
        codename = get_permission_codename(action, opts)
        return request.user.has_perm(f"{opts.app_label}.{codename}")

    def has_view_permission(self, request, obj=None):
        return self.may(request, "view") or self.may(request, "change")

    def has_add_permission(self, request, obj=None):
        return self.may(request, "change")

    def has_change_permission(self, request, obj=None):
        return self.may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self.may(request, "change")


class StepInline(PositionedInline):
    model = Step
    fields = [
        "position",
        "title",
        "text",
        "duration_min_months",
        "duration_max_months",
        "cost_min",
        "cost_max",
        "cost_currency",
    ]


class StageInline(PositionedInline):
    model = Stage
    fields = [
        "position",
        "title",
        "description",
        "salary_min",
        "salary_max",
        "salary_median",
        "currency",
        "pay_period",
        "source",
    ]


class CareerSkillInline(PositionedInline):
    model = CareerSkill
    fields = ["position", "skill", "title", "description"]
    autocomplete_fields = ["skill"]


class EducationInline(PositionedInline):
    model = EducationRequirement
    fields = ["position", "kind", "title", "text"]
