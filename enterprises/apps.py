from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"
    verbose_name = _("企业档案")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # The blocks other domains add to the enterprise space (enterprises/space.py).
        autodiscover_modules("space_blocks")
