import reversion
from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableTabularInline,
)
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import admin_content, workflow
from .article.markup import MARKDOWN_HELP
from .models import (
    DERIVED_FIELDS,
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
            workflow.renumber_positions(self.instance)
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
    """Long texts accept Markdown: remind editors of the syntax beside each."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and field is not None:
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


class FactorScoreInline(MarkdownHelpMixin, admin.TabularInline):
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


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        months = settings.REVIEW_AFTER_MONTHS
        return [
            (
                "stale",
                _("Needs review (older than %(months)s months)") % {"months": months},
            ),
            ("fresh", _("Reviewed recently")),
        ]

    def queryset(self, request, queryset):
        stale = workflow.needs_review_filter(settings.REVIEW_AFTER_MONTHS)
        stale_ids = CareerPath.objects.filter(stale).values("pk")
        if self.value() == "stale":
            return queryset.filter(pk__in=stale_ids)
        if self.value() == "fresh":
            return queryset.exclude(pk__in=stale_ids)
        return queryset


class CareerPathForm(forms.ModelForm):
    revision_comment = forms.CharField(
        label=_("Revision comment"),
        required=False,
        max_length=200,
        help_text=_("Optional: what you changed and why, shown in the history."),
    )

    class Meta:
        model = CareerPath
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)


class CareerPathAdmin(MarkdownHelpMixin, SortableAdminBase, VersionAdmin):
    form = CareerPathForm
    object_history_template = "admin/careers/careerpath/object_history.html"

    def reversion_register(self, model, **options):
        # Derived fields are recomputed from the rest; revisions need not keep them.
        if model is CareerPath:
            options["exclude"] = DERIVED_FIELDS
        super().reversion_register(model, **options)

    # Reversion's changelist plus an "Import careers" link.
    change_list_template = "admin/careers/careerpath/change_list.html"
    list_display = [
        "title",
        "status",
        "publish_at",
        "category",
        "score",
        "last_reviewed",
        "updated",
    ]
    list_filter = ["status", NeedsReviewFilter, "category", "is_sample"]
    list_select_related = ["category"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated"
    readonly_fields = ["created", "updated"]
    save_on_top = True
    actions = ["publish", "unpublish", "duplicate_as_draft", "export_yaml"]
    fieldsets = [
        (None, {"fields": ["title", "article", "slug", "category"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "publish_at", "last_reviewed"],
                "description": _(
                    "Only publishers can change the status and the publishing time."
                ),
            },
        ),
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
        (None, {"fields": ["revision_comment"]}),
    ]
    inlines = [
        FactorScoreInline,
        StepInline,
        StageInline,
        CareerSkillInline,
        EducationInline,
    ]

    @admin.display(description=_("overall score"), ordering="overall_score")
    def score(self, obj):
        if obj.overall_score is None:
            return None
        # The same rounding as the site's templates.
        return floatformat(obj.overall_score, 1)

    # Publishing is a permission of its own (the Publisher role has it).

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm("careers.publish_careerpath")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["status", "publish_at"]
        return fields

    def stored_publishing(self, pk):
        """The status and publishing time stored for career `pk`; a new
        career's when there is none."""
        stored = CareerPath.objects.filter(pk=pk).values_list("status", "publish_at")
        return stored.first() or (CareerPath.Status.DRAFT, None)

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            # Belt and braces behind the read-only fields, and the only guard
            # when a revert or a recovery brings back another status.
            before = getattr(request, "publishing_before", None)
            if before is None:
                before = self.stored_publishing(obj.pk)
            if (obj.status, obj.publish_at) != before:
                raise PermissionDenied
        # Kept for the revision, which the admin's log entry would otherwise name.
        request.revision_comment = form.cleaned_data.get("revision_comment")
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self.comment_revision(request, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self.comment_revision(request, entry)
        return entry

    def comment_revision(self, request, entry):
        comment = getattr(request, "revision_comment", "")
        if comment and reversion.is_active():
            reversion.set_comment(f"{comment} ({entry.get_change_message()})")

    def response_add(self, request, obj, post_url_continue=None):
        if "_preview" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_preview" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_change(request, obj)

    @admin.action(
        description=_("Publish selected career paths"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        count = workflow.set_status(queryset, CareerPath.Status.PUBLISHED, request.user)
        self.message_user(
            request,
            ngettext("%d career path published.", "%d career paths published.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected career paths"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        count = workflow.set_status(
            queryset, CareerPath.Status.UNPUBLISHED, request.user
        )
        self.message_user(
            request,
            ngettext(
                "%d career path unpublished.", "%d career paths unpublished.", count
            )
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Duplicate as draft"), permissions=["add"])
    def duplicate_as_draft(self, request, queryset):
        for career in queryset:
            with reversion.create_revision():
                copy = workflow.duplicate_as_draft(career)
                reversion.set_user(request.user)
                reversion.set_comment(
                    _("Duplicated from %(title)s.") % {"title": career.title}
                )
            self.message_user(
                request,
                _("Created the draft “%(title)s”.") % {"title": copy.title},
                messages.SUCCESS,
            )

    @admin.action(description=_("Export as YAML"), permissions=["view"])
    def export_yaml(self, request, queryset):
        return admin_content.export_response(queryset)

    # Reverting (or recovering) writes the old revision before the form is
    # saved, so save_model must compare with the row as it was until then.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self.remember_publishing(request, version_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self.remember_publishing(request, version_id)
        return super().recover_view(request, version_id, extra_context)

    def remember_publishing(self, request, version_id):
        versions = Version.objects.filter(pk=version_id)
        pk = versions.values_list("object_id", flat=True).first()
        request.publishing_before = self.stored_publishing(pk)

    def import_view(self, request):
        return admin_content.import_view(self, request)

    # Comparing two revisions, field by field.

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        # The compare form needs each entry's version id.
        for action in response.context_data.get("action_list", []):
            action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
        return response

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="careers_careerpath_import",
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="careers_careerpath_compare",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request, object_id):
        career = get_object_or_404(CareerPath, pk=object_id)
        if not self.has_view_or_change_permission(request, career):
            raise PermissionDenied
        versions = Version.objects.get_for_object(career).select_related("revision")
        try:
            old = versions.get(pk=request.GET.get("old"))
            new = versions.get(pk=request.GET.get("new"))
        except (Version.DoesNotExist, ValueError):
            messages.error(
                request, _("Choose two revisions of this career to compare.")
            )
            return HttpResponseRedirect(
                reverse("admin:careers_careerpath_history", args=[career.pk])
            )
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare revisions of %(title)s") % {"title": career.title},
            "opts": self.opts,
            "original": career,
            "old": old,
            "new": new,
            "rows": workflow.compare_revisions(old.revision, new.revision),
        }
        return TemplateResponse(
            request, "admin/careers/careerpath/compare.html", context
        )


# Registered once the class statement is complete rather than with
# @admin.register: registering builds the admin, which already calls its own
# reversion_register, and mutmut's wrappers only work after the class exists.
admin.site.register(CareerPath, CareerPathAdmin)


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
