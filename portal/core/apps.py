from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.core"
    label = "core"

    def ready(self):
        from portal.core.registry import autodiscover, check_registries

        checks.register(check_registries, "registries")
        # Each domain's `workflow.py` declares its transition table and registers it with the kernel.
        autodiscover("workflow")
        # Each domain's `navigation.py` registers its sections into the main navigation.
        autodiscover("navigation")
