from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "careers"
    verbose_name = _("Careers")

    def ready(self):
        from . import changes
        from .models import ContentChange

        # Every model of this app is shown on some public page.
        changes.connect(m for m in self.get_models() if m is not ContentChange)
