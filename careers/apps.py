from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "careers"
    verbose_name = _("Careers")

    def ready(self):
        from . import changes
        from .models import ContentChange, ShareImage

        # Every model of this app is shown on some public page, but for the
        # record of changes and the share images drawn from the careers.
        derived = (ContentChange, ShareImage)
        changes.connect(m for m in self.get_models() if m not in derived)
