from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.core"
    label = "core"

    def ready(self):
        from portal.core.registry import autodiscover, check_registries

        checks.register(check_registries, "registries")
        # Each domain declares its eligibility facts in its own facts.py (portal.core.facts).
        autodiscover("facts")
