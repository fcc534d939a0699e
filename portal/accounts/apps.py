from django.apps import AppConfig

# Imported as a module, not the class: a second AppConfig class in this module would be a second candidate.
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("账号")
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    """The back office (管理后台): Django's admin with the staff-only, second-factor site as `admin.site`."""

    default = False
    default_site = "portal.accounts.admin_site.PortalAdminSite"
