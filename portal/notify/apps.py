from django.apps import AppConfig


class NotifyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.notify"
    label = "notify"

    def ready(self):
        # the delivery channels and SMS providers register themselves on import
        from . import channels  # noqa: F401
