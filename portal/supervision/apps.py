from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """督查与评估: the compliance dashboards, rankings and reports (宜昌 §38–§44, 无锡 §24–27, 常州 §31–32, §37)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.supervision"
    label = "supervision"
    verbose_name = "督查与评估"

    def ready(self):
        from portal.core.registry import autodiscover

        from . import activity, warnings  # noqa: F401 - the kernel's own measures and warnings

        # Each domain declares what it is measured by in a `supervision` module (its measures and figures).
        autodiscover("supervision")
