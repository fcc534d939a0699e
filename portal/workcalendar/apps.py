from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.workcalendar"
    label = "workcalendar"
    verbose_name = "工作日历"

    def ready(self):
        from . import signals  # noqa: F401
