from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "applications"
    verbose_name = _("政策申报")

    def ready(self):
        # The workflows, their clock kinds and tasks, and the enterprise space's 免申即享 block register on import.
        from applications import api_tasks, confirm_space, confirmations, files, ratings, workflow  # noqa: F401
        from portal.core.uploads import served_uploads

        served_uploads.add("applications/", files.download_name, label="申报材料")
