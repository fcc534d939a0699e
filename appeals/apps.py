from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "appeals"
    verbose_name = _("诉求服务")

    def ready(self):
        # The workflows and their clocks, the tasks and the enterprise space's entries register on import.
        from appeals import interaction_workflow, space, tasks, workflow  # noqa: F401
