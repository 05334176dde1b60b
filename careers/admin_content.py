"""Admin pages for content files: export selected careers, import uploads.

Import takes two requests. The upload is validated and previewed; its texts
then wait in the session under a random token, so the confirmation applies
exactly what was previewed (validated again) and applies it only once.
"""

import difflib
import io
import re
import secrets
import zipfile

import reversion
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import content
from .models import CareerPath

MAX_FILES = 50
# Sizes are settings: CONTENT_FILE_MAX_BYTES per file, shared with
# import_careers, and CONTENT_UPLOAD_MAX_BYTES in all, as the pending upload
# lives in the session until confirmed.
SESSION_KEY = "careers_import"
TEMPLATE = "admin/careers/careerpath/import.html"

# "good_career.scores[2].score: message", or ": message" for the whole career;
# messages without a field path (such as "not valid YAML: ...") stay whole.
PROBLEM_RE = re.compile(
    r"(?P<path>(?:[\w-]+(?:\[\d+\]|\.[\w-]+)*)?): (?P<message>.*)", re.S
)


# Export


def export_response(queryset):
    """One career as `<slug>.yaml`, several as `careers.zip` of such files."""
    careers = list(
        CareerPath.objects.filter(pk__in=queryset.values("pk"))
        .for_detail()
        .order_by("slug")
    )
    if len(careers) == 1:
        career = careers[0]
        response = HttpResponse(
            content.dump_career(career), content_type="application/yaml; charset=utf-8"
        )
        filename = f"{career.slug}.yaml"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for career in careers:
                archive.writestr(f"{career.slug}.yaml", content.dump_career(career))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        filename = "careers.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# Import


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".yaml,.yml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            # Raises "required", as a single empty file field does.
            super().clean(None, initial)
            return []
        if not isinstance(data, list | tuple):
            data = [data]
        if len(data) > MAX_FILES:
            raise forms.ValidationError(
                _("Upload at most %(max)d files at once; you chose %(count)d.")
                % {"max": MAX_FILES, "count": len(data)},
                code="too_many_files",
            )
        cleaned, errors = [], []
        for upload in data:
            try:
                cleaned.append(super().clean(upload, initial))
            except forms.ValidationError as error:
                name = getattr(upload, "name", "")
                errors.extend(f"{name}: {message}" for message in error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class ImportForm(forms.Form):
    files = MultipleFileField(label=gettext_lazy("Content files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "One or more YAML content files, one career path each: at most "
            "%(count)d files of %(size)s each. Nothing is saved until you confirm "
            "the preview."
        ) % {
            "count": MAX_FILES,
            "size": filesizeformat(settings.CONTENT_FILE_MAX_BYTES),
        }

    def clean_files(self):
        files = self.cleaned_data["files"]
        file_max = settings.CONTENT_FILE_MAX_BYTES
        errors = [
            _("%(name)s is %(size)s; a content file may be at most %(max)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(file_max),
            }
            for upload in files
            if upload.size > file_max
        ]
        if errors:
            raise forms.ValidationError(errors)
        total = sum(upload.size for upload in files)
        upload_max = settings.CONTENT_UPLOAD_MAX_BYTES
        if total > upload_max:
            raise forms.ValidationError(
                _("These files come to %(size)s; upload at most %(max)s at once.")
                % {"size": filesizeformat(total), "max": filesizeformat(upload_max)}
            )
        return files


def read_uploads(files):
    """(filename, text) of each upload, and a problem line for each unreadable one."""
    texts, problems = [], []
    for upload in files:
        data = b"".join(upload.chunks())
        try:
            texts.append((upload.name, data.decode("utf-8-sig")))
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            problems.append(
                f"{upload.name}: cannot be read: it is not UTF-8 text (line {line}); "
                "save it as UTF-8 and upload it again"
            )
    return texts, problems


def parse_uploads(texts, *, can_publish):
    """Validate every file as import_files does; return (parsed, problem lines)."""
    parsed, problems, others = [], [], content.OtherFiles()
    for filename, text in texts:
        try:
            item = content.parse_text(text, filename)
        except content.ContentError as error:
            problems.extend(error.problems)
            continue
        problems.extend(others.problems(item))
        if not can_publish:
            problems.extend(publishing_problems(item))
        parsed.append(item)
    return parsed, problems


def publishing_problems(item):
    """The admin lets only publishers change status and publish_at; so does import."""
    career = item.career
    stored = CareerPath.objects.filter(pk=career.pk).first() if career.pk else None
    status, publish_at = (
        (stored.status, stored.publish_at)
        if stored
        else (CareerPath.Status.DRAFT.value, None)
    )
    problems = []
    if career.status != status:
        problems.append(
            f"{item.filename}: status: only publishers can change the status; "
            f"keep it {status!r}"
        )
    if career.publish_at != publish_at:
        problems.append(
            f"{item.filename}: publish_at: only publishers can change the "
            "publishing time; keep it as it is"
        )
    return problems


def report_rows(problems, filenames):
    """Split each `file: path: message` line into a row of the report table."""
    rows = []
    for problem in problems:
        # File names may contain ": ", so match the known names rather than split.
        filename = next(
            (name for name in filenames if problem.startswith(f"{name}: ")), ""
        )
        rest = problem[len(filename) + 2 :] if filename else problem
        match = PROBLEM_RE.fullmatch(rest)
        path, message = match.group("path", "message") if match else ("", rest)
        rows.append({"file": filename, "path": path, "message": message})
    # In upload order, whichever step found the problem.
    order = {name: index for index, name in reversed(list(enumerate(filenames)))}
    return sorted(rows, key=lambda row: order.get(row["file"], len(order)))


def summarise(before, after, filename):
    """What an import changes in one existing career, from its two exports."""
    old = content.career_to_dict(before)
    new = content.career_to_dict(after)
    sections = [key for key in content.CAREER_KEYS if old.get(key) != new.get(key)]
    diff = list(
        difflib.unified_diff(
            content.dump_career(before).splitlines(),
            content.dump_career(after).splitlines(),
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

    Comparing exports before and after the real write() reports every change
    (and every database refusal) that confirming will meet.
    """
    rows = []
    with transaction.atomic():
        # Loaded (children too) before anything is written.
        befores = [
            CareerPath.objects.for_detail().filter(pk=item.career.pk).first()
            for item in parsed
        ]
        for item in parsed:
            content.write(item)
        for item, before in zip(parsed, befores, strict=True):
            after = CareerPath.objects.for_detail().get(pk=item.career.pk)
            row = {"filename": item.filename, "slug": after.slug, "title": after.title}
            if before is not None:
                row["changes"] = summarise(before, after, item.filename)
            rows.append(row)
        transaction.set_rollback(True)
    return rows


def apply(parsed, request, model_admin, filenames):
    """Write every file in one transaction, recorded as one reversion revision."""
    comment = _("Imported from %(files)s") % {"files": ", ".join(filenames)}
    with transaction.atomic(), reversion.create_revision():
        for item in parsed:
            adding = item.career.pk is None
            content.write(item)
            log = model_admin.log_addition if adding else model_admin.log_change
            log(request, item.career, comment)
        # Each career with its children, written after reversion saw the career.
        content.record_careers([item.career for item in parsed])
        reversion.set_user(request.user)
        reversion.set_comment(comment)


def import_view(model_admin, request):
    """Upload content files, check the preview, then confirm to import them."""
    if not (
        model_admin.has_add_permission(request)
        and model_admin.has_change_permission(request)
    ):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import careers"),
        "opts": model_admin.opts,
        "has_view_permission": model_admin.has_view_permission(request),
    }
    has_publish = getattr(model_admin, "has_publish_permission", None)
    can_publish = (
        has_publish(request)
        if has_publish
        else request.user.has_perm("careers.publish_careerpath")
    )
    import_url = reverse(
        "admin:careers_careerpath_import", current_app=model_admin.admin_site.name
    )

    if request.method == "POST" and "confirm" in request.POST:
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
            return HttpResponseRedirect(import_url)
        texts = [tuple(pair) for pair in pending["files"]]
        filenames = [name for name, _text in texts]
        parsed, problems = parse_uploads(texts, can_publish=can_publish)
        form = ImportForm()
        if problems:
            context["problems"] = report_rows(problems, filenames)
        else:
            try:
                apply(parsed, request, model_admin, filenames)
            except DatabaseError as error:
                context["database_error"] = str(error)
            else:
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
                return HttpResponseRedirect(
                    reverse(
                        "admin:careers_careerpath_changelist",
                        current_app=model_admin.admin_site.name,
                    )
                )
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            texts, problems = read_uploads(form.cleaned_data["files"])
            parsed, parse_problems = parse_uploads(texts, can_publish=can_publish)
            problems += parse_problems
            filenames = [upload.name for upload in form.cleaned_data["files"]]
            if not problems:
                try:
                    context["preview"] = preview(parsed)
                except DatabaseError as error:
                    context["database_error"] = str(error)
            if problems:
                context["problems"] = report_rows(problems, filenames)
            elif "preview" in context:
                token = secrets.token_urlsafe(32)
                # Only the latest preview can be confirmed: one pending import.
                request.session[SESSION_KEY] = {
                    "token": token,
                    "files": [list(pair) for pair in texts],
                }
                context["token"] = token
    else:
        form = ImportForm()
    context["form"] = form
    return TemplateResponse(request, TEMPLATE, context)
