from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payouts"
    verbose_name = _("资金兑付")

    def ready(self):
        # The workflows and their clock, the enterprise space's blocks and the tasks register on import.
        from payouts import space, subsidies, tasks, workflow  # noqa: F401
