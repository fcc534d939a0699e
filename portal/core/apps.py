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
        # the domains' home-page blocks (`<app>/home_blocks.py`)
        autodiscover("home_blocks")
