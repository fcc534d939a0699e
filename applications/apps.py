from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "applications"
    verbose_name = _("政策申报")

    def ready(self):
        from applications import api_tasks, files, ratings, workflow  # noqa: F401 - registers tasks, workflow, clocks
        from portal.core.uploads import served_uploads

        served_uploads.add("applications/", files.download_name, label="申报材料")
