from django.utils.translation import gettext_lazy as _

from portal.documents.registry import register_kind

register_kind("application_receipt", _("受理回执"))
register_kind("application_notice", _("一次性告知书"))
register_kind("application_decision", _("办理决定书"))
