from django.apps import AppConfig

# Imported as a module, not the class: a second AppConfig class in this module would be a second candidate.
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.accounts"
    label = "accounts"
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    """The back office (管理后台): Django's admin with the staff-only, second-factor site as `admin.site`."""

    default = False
    default_site = "portal.accounts.admin_site.PortalAdminSite"
