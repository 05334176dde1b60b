"""The upload form of the admin's import, and reading what it uploads."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..contentfiles import Problem

MAX_FILES = 50
# Sizes are settings: CONTENT_FILE_MAX_BYTES per file, shared with
# import_careers, and CONTENT_UPLOAD_MAX_BYTES in all, as the pending upload
# lives in the session until confirmed.


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
    # The form metaclass moves declared fields into base_fields, so this does
    # not replace BaseForm.files (the uploads) as mypy thinks.
    files = MultipleFileField(label=gettext_lazy("Content files"))  # type: ignore[assignment]

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
                Problem(
                    upload.name,
                    "",
                    f"cannot be read: it is not UTF-8 text (line {line}); "
                    "save it as UTF-8 and upload it again",
                )
            )
    return texts, problems
