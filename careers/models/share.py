"""The image a career's page offers for sharing, stored once rendered."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .career import CareerPath


class ShareImage(models.Model):
    """A career's share image (careers.share), rendered on its first request.

    In the database rather than the cache: every app node serves it, it
    survives a cache flush, and the image view reads it with its career in one
    query. One row per career, replaced when what it shows changes.
    """

    career = models.OneToOneField(
        CareerPath,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="share_image",
        verbose_name=_("career path"),
    )
    version = models.CharField(
        _("version"),
        max_length=16,
        help_text=_("A digest of what the image shows and of the code that drew it."),
    )
    png = models.BinaryField(_("PNG"))
    created = models.DateTimeField(
        _("rendered"), default=timezone.now, help_text=_("When it was rendered.")
    )

    class Meta:
        verbose_name = _("share image")
        verbose_name_plural = _("share images")

    def __str__(self) -> str:
        return f"{self.career_id} {self.version}"
