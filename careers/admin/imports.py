"""
The admin's import of content files.

Import takes two requests. The upload is validated and previewed; its texts
then wait in the session under a random token, so the confirmation applies
exactly what was previewed (validated again) and applies it only once.
"""

import difflib
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from .. import contentfiles, publishing, shape
from ..models import CareerPath
from .uploads import ImportForm, read_uploads

SESSION_KEY = "careers_import"
TEMPLATE = "admin/careers/careerpath/import.html"


def parse_uploads(texts, *, can_publish):
    """Validate every file as import_files does; return (parsed, problem lines)."""
    parsed, problems, others = [], [], contentfiles.OtherFiles()
    for filename, text in texts:
        try:
            item = contentfiles.parse_text(text, filename)
        except contentfiles.ContentError as error:
            problems.extend(error.problems)
            continue
        problems.extend(others.problems(item))
        if not can_publish:
            problems.extend(publishing_problems(item))
        parsed.append(item)
    return parsed, problems


def publishing_problems(item):
    """The admin lets only publishers change status and publish_at; so does import."""
    messages = {
        "status": "only publishers can change the status; keep it {kept!r}",
        "publish_at": "only publishers can change the publishing time; keep it "
        "as it is",
    }
    return [
        contentfiles.Problem(item.filename, field, messages[field].format(kept=kept))
        for field, kept in publishing.publishing_changes(item.career)
    ]


def report_rows(problems, filenames):
    """Each problem as a row of the report table, in upload order, whichever
    step found it."""
    rows = [
        {"file": problem.file, "path": problem.path, "message": problem.message}
        for problem in problems
    ]
    order = {name: index for index, name in reversed(list(enumerate(filenames)))}
    return sorted(rows, key=lambda row: order.get(row["file"], len(order)))


def summarise(before, after, filename):
    """What an import changes in one existing career, from its two exports."""
    old = contentfiles.career_to_dict(before)
    new = contentfiles.career_to_dict(after)
    sections = [key for key in shape.FILE_KEYS if old.get(key) != new.get(key)]
    diff = list(
        difflib.unified_diff(
            contentfiles.dump_career(before).splitlines(),
            contentfiles.dump_career(after).splitlines(),
            fromfile=_("current"),
            tofile=filename,
            lineterm="",
            n=1,
        )
    )
    body = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
    return {
        "sections": sections,
        "added": sum(line.startswith("+") for line in body),
        "removed": sum(line.startswith("-") for line in body),
        "diff": "\n".join(diff),
    }


def preview(parsed):
    """Dry-run the import and roll it back, to show exactly what it would do.

    Comparing exports before and after the real writer reports every change
    (and every database refusal) that confirming will meet.
    """
    rows = []
    with transaction.atomic():
        # Loaded (children too) before anything is written, in one set of
        # queries for every file.
        pks = [item.career.pk for item in parsed if item.career.pk is not None]
        befores = CareerPath.objects.for_detail().in_bulk(pks)
        contentfiles.write_all(parsed)
        afters = CareerPath.objects.for_detail().in_bulk(
            [item.career.pk for item in parsed]
        )
        for item in parsed:
            before, after = befores.get(item.career.pk), afters[item.career.pk]
            row = {"filename": item.filename, "slug": after.slug, "title": after.title}
            if before is not None:
                row["changes"] = summarise(before, after, item.filename)
            rows.append(row)
        transaction.set_rollback(True)
    return rows


def apply(parsed, request, model_admin, filenames):
    """Write every file in one transaction, recorded as one reversion revision."""
    comment = _("Imported from %(files)s") % {"files": ", ".join(filenames)}

    def log(item, added):
        log = model_admin.log_addition if added else model_admin.log_change
        log(request, item.career, comment)

    contentfiles.write_all(
        parsed,
        record=True,
        comment=comment,
        user=request.user,
        revision_size=None,
        written=log,
    )


class ImportView(View):
    """Upload content files, check the preview, then confirm to import them.

    Served by the career admin (`model_admin`), whose permissions it keeps.
    """

    model_admin = None

    def dispatch(self, request, *args, **kwargs):
        admin = self.model_admin
        if not (
            admin.has_add_permission(request) and admin.has_change_permission(request)
        ):
            raise PermissionDenied
        self.can_publish = publishing.can_publish(request.user)
        self.context = {
            **admin.admin_site.each_context(request),
            "title": _("Import careers"),
            "opts": admin.opts,
            "has_view_permission": admin.has_view_permission(request),
        }
        return super().dispatch(request, *args, **kwargs)

    def url(self, name):
        return reverse(
            f"admin:careers_careerpath_{name}",
            current_app=self.model_admin.admin_site.name,
        )

    def render(self, form):
        return TemplateResponse(self.request, TEMPLATE, {**self.context, "form": form})

    def get(self, request):
        return self.render(ImportForm())

    def post(self, request):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        texts, problems = read_uploads(form.cleaned_data["files"])
        parsed, parse_problems = parse_uploads(texts, can_publish=self.can_publish)
        problems += parse_problems
        filenames = [upload.name for upload in form.cleaned_data["files"]]
        if not problems:
            try:
                self.context["preview"] = preview(parsed)
            except DatabaseError as error:
                self.context["database_error"] = str(error)
        if problems:
            self.context["problems"] = report_rows(problems, filenames)
        elif "preview" in self.context:
            token = secrets.token_urlsafe(32)
            # Only the latest preview can be confirmed: one pending import.
            request.session[SESSION_KEY] = {
                "token": token,
                "files": [list(pair) for pair in texts],
            }
            self.context["token"] = token
        return self.render(form)

    def confirm(self, request):
        """Apply the previewed files, once, validated again."""
        pending = request.session.pop(SESSION_KEY, None)
        token = request.POST["confirm"]
        if not pending or not secrets.compare_digest(pending["token"], token):
            messages.warning(
                request,
                _(
                    "That import was already applied, or it has expired. Nothing "
                    "was imported this time; upload the files again if needed."
                ),
            )
            return HttpResponseRedirect(self.url("import"))
        texts = [tuple(pair) for pair in pending["files"]]
        filenames = [name for name, _text in texts]
        parsed, problems = parse_uploads(texts, can_publish=self.can_publish)
        if problems:
            self.context["problems"] = report_rows(problems, filenames)
            return self.render(ImportForm())
        try:
            apply(parsed, request, self.model_admin, filenames)
        except DatabaseError as error:
            self.context["database_error"] = str(error)
            return self.render(ImportForm())
        titles = ", ".join(item.career.title for item in parsed)
        messages.success(
            request,
            ngettext(
                "Imported %(count)d career path: %(titles)s.",
                "Imported %(count)d career paths: %(titles)s.",
                len(parsed),
            )
            % {"count": len(parsed), "titles": titles},
        )
        return HttpResponseRedirect(self.url("changelist"))
