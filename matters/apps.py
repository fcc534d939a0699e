from django.apps import AppConfig


class MattersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matters"
