from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.documents"
    label = "documents"
    verbose_name = _("签章文书")

    def ready(self):
        from portal.core.registry import autodiscover

        # Each domain registers the kinds of documents it issues in its own `document_kinds.py`.
        autodiscover("document_kinds")
