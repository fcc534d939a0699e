from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search (全文检索) across policies, matters and FAQs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import adapters, signals  # noqa: F401 - registers the built-in adapters and cache invalidation

        # Any app may plug its own models in with a `search_index` module.
        autodiscover_modules("search_index")
