from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.core"
    label = "core"

    def ready(self):
        from portal.core.home import check_home_blocks
        from portal.core.registry import autodiscover, check_registries

        checks.register(check_registries, "registries")
        checks.register(check_home_blocks, "registries")
        # Each domain plugs into the kernel from modules of its own: `workflow.py` (its transition tables),
        # `navigation.py` (its sections of the main navigation), `facts.py` (its eligibility facts),
        # `home_blocks.py` (its blocks on the home page).
        autodiscover("workflow", "navigation", "facts", "home_blocks")
