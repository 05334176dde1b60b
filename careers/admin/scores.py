"""A score's own page, for the sources it cites: Django has no nested inlines,
so the career's score rows link here, and saving returns to the career."""

import reversion
from adminsortable2.admin import SortableAdminBase
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import publishing
from ..models import FactorScore
from .inlines import MarkdownHelpMixin, ScoreCitationInline


@admin.register(FactorScore)
class FactorScoreAdmin(MarkdownHelpMixin, SortableAdminBase, admin.ModelAdmin):
    fields = ["career", "factor", "score", "reason", "evidence"]
    readonly_fields = ["career"]
    autocomplete_fields = ["factor"]
    list_select_related = ["career", "factor"]
    inlines = [ScoreCitationInline]

    # Scores are listed, added and deleted on their career's page. (Deleting
    # stays allowed: a career goes with its scores.)

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("career", "factor")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Recorded in the career's history, which keeps its scores' sources.
        extra_context = {"show_delete": False, **(extra_context or {})}
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        career = form.instance.career
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            publishing.mark_updated(career)
        reversion.add_to_revision(career)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        reversion.set_comment(
            _("%(factor)s score: %(changes)s")
            % {"factor": obj.factor, "changes": entry.get_change_message()}
        )
        return entry

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(
            reverse(
                "admin:careers_careerpath_change",
                args=[obj.career_id],
                current_app=self.admin_site.name,
            )
        )
