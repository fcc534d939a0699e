from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "engagement"
    verbose_name = _("政企互动")

    def ready(self):
        # Each part registers its workflows, clocks, policy-page blocks and navigation on import.
        from engagement import articles, consultations, directory, navigation, sessions  # noqa: F401
