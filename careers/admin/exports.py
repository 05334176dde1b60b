"""Selected careers as content files, from the career list's action."""

import io
import zipfile

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .. import contentfiles
from ..models import CareerPath


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
            contentfiles.dump_career(career),
            content_type="application/yaml; charset=utf-8",
        )
        filename = f"{career.slug}.yaml"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for career in careers:
                archive.writestr(
                    f"{career.slug}.yaml", contentfiles.dump_career(career)
                )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        filename = "careers.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
