from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matters"
    verbose_name = _("政策事项")
