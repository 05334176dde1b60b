"""A career's history: reverting and recovering revisions, which must keep
the publishing rules, and comparing two revisions field by field."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .. import publishing, revisions
from ..models import CareerPath


class HistoryMixin:
    """For the career's VersionAdmin."""

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
        request.publishing_before = publishing.stored_publishing(pk)

    # Comparing two revisions, field by field.

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        # The compare form needs each entry's version id.
        for action in response.context_data.get("action_list", []):
            action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
        return response

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
            "rows": revisions.compare_revisions(old.revision, new.revision),
        }
        return TemplateResponse(
            request, "admin/careers/careerpath/compare.html", context
        )
