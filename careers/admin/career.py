"""The career path's admin: a whole career on one page, with its publishing
rules, actions, history and content files."""

import reversion
from adminsortable2.admin import SortableAdminBase
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.defaultfilters import floatformat
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from reversion.admin import VersionAdmin

from .. import publishing, shape
from ..models import DERIVED_FIELDS, CareerPath, FactorScore, ScoreCitation
from .exports import export_response
from .history import HistoryMixin
from .imports import ImportView
from .inlines import (
    CareerSkillInline,
    EducationInline,
    FactorScoreInline,
    MarkdownHelpMixin,
    StageInline,
    StepInline,
)


def grouped_texts():
    """The career's texts (careers.shape) as editors meet them on the page:
    those before the sections, the scores' texts, the other sections', and
    those after the sections."""
    groups = {"before": [], "good_career": [], "sections": [], "after": []}
    in_sections = False
    for text in shape.TEXTS:
        if text.section:
            in_sections = True
            group = "good_career" if text.section == "good_career" else "sections"
        else:
            group = "after" if in_sections else "before"
        groups[group].append(text.field)
    return groups


TEXTS = grouped_texts()
# The quick facts (careers.shape.FACTS), one line each: a job count with its
# year and source, a projection with its years and source…
FACTS = [
    fields[""] if "" in fields else tuple(fields.values())
    for fields in shape.FACTS.values()
]


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
        stale = publishing.needs_review_filter(settings.REVIEW_AFTER_MONTHS)
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
        widgets = {"alternative_titles": forms.Textarea(attrs={"rows": 3})}


class CareerPathAdmin(HistoryMixin, MarkdownHelpMixin, SortableAdminBase, VersionAdmin):
    form = CareerPathForm
    object_history_template = "admin/careers/careerpath/object_history.html"

    def reversion_register(self, model, **options):
        # Derived fields are recomputed from the rest; revisions need not keep them.
        if model is CareerPath:
            options["exclude"] = DERIVED_FIELDS
        if model is FactorScore:
            # Its sources, edited on the score's own page (FactorScoreAdmin),
            # are kept and reverted with it.
            options["follow"] = (*options.get("follow", ()), "citations")
            super().reversion_register(ScoreCitation)
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
    autocomplete_fields = ["employment_source", "projection_source"]
    actions = [
        "publish",
        "unpublish",
        "mark_as_reviewed",
        "duplicate_as_draft",
        "export_yaml",
    ]
    fieldsets = [
        (None, {"fields": ["title", "article", "slug", "category"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "publish_at", ("last_reviewed", "updated_on")],
                "description": _(
                    "Only publishers can change the status and the publishing time."
                ),
            },
        ),
        (_("Overview"), {"fields": ["summary", *TEXTS["before"]]}),
        (
            _("Quick facts"),
            {
                "fields": FACTS,
                "description": _(
                    "Each optional, and shown on the page only when given: the "
                    "figures as the Occupational Outlook Handbook gives them."
                ),
            },
        ),
        (
            _("Is it a good career?"),
            {
                "fields": TEXTS["good_career"],
                "description": _("The factor scores are edited below."),
            },
        ),
        (
            _("Section texts"),
            {
                "fields": TEXTS["sections"],
                "description": _(
                    "Optional paragraphs before and after the steps, stages, skills "
                    "and education listed below."
                ),
                "classes": ["collapse"],
            },
        ),
        (_("Outlook"), {"fields": TEXTS["after"]}),
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
        return publishing.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["status", "publish_at"]
        return fields

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            # Belt and braces behind the read-only fields, and the only guard
            # when a revert or a recovery brings back another status.
            before = getattr(request, "publishing_before", None)
            if publishing.publishing_changes(obj, before):
                raise PermissionDenied
        # Kept for the revision, which the admin's log entry would otherwise name.
        request.revision_comment = form.cleaned_data.get("revision_comment")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A change of content dates the guide, unless the editor dated it.
        edited = set(form.changed_data) - {"revision_comment", "updated_on"}
        if "updated_on" not in form.changed_data and (
            edited or any(formset.has_changed() for formset in formsets)
        ):
            publishing.mark_updated(form.instance)

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
        self.set_status(
            request,
            queryset,
            CareerPath.Status.PUBLISHED,
            ngettext_lazy("%d career path published.", "%d career paths published."),
        )

    @admin.action(
        description=_("Unpublish selected career paths"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        self.set_status(
            request,
            queryset,
            CareerPath.Status.UNPUBLISHED,
            ngettext_lazy(
                "%d career path unpublished.", "%d career paths unpublished."
            ),
        )

    def set_status(self, request, queryset, status, done):
        count = publishing.set_status(queryset, status, request.user)
        self.message_user(request, done % count, messages.SUCCESS)

    @admin.action(
        description=_("Mark selected career paths as reviewed"),
        permissions=["change"],
    )
    def mark_as_reviewed(self, request, queryset):
        count = publishing.mark_reviewed(queryset, request.user)
        done = ngettext_lazy(
            "%d career path marked as reviewed.", "%d career paths marked as reviewed."
        )
        self.message_user(request, done % count, messages.SUCCESS)

    @admin.action(description=_("Duplicate as draft"), permissions=["add"])
    def duplicate_as_draft(self, request, queryset):
        for career in queryset:
            with reversion.create_revision():
                copy = publishing.duplicate_as_draft(career)
                # Now with its children, which were created in bulk, unseen.
                reversion.add_to_revision(copy)
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
        return export_response(queryset)

    def import_view(self, request):
        return ImportView.as_view(model_admin=self)(request)

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


# Registered once the class statement is complete rather than with
# @admin.register: registering builds the admin, which already calls its own
# reversion_register, and mutmut's wrappers only work after the class exists.
admin.site.register(CareerPath, CareerPathAdmin)
