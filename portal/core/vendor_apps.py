"""Chinese names for the back office's sections of apps whose own AppConfig has none (管理后台中文化).

An app's section heading in the admin is its AppConfig's `verbose_name`, which
defaults to the label in title case (AXES, OTP_TOTP, NOTIFY). These subclasses
only add the Chinese name; settings.INSTALLED_APPS names them instead of the
app's own config. The models' names come from locale/vendor where the apps
mark them for translation, and are set here where they do not (django-otp).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig

from portal.notify.apps import NotifyConfig as PortalNotifyConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录防护")


class TotpConfig(TotpAppConfig):
    verbose_name = _("动态验证码")

    def ready(self):
        super().ready()
        # django-otp's model names are plain English strings, not marked for translation.
        model = self.get_model("TOTPDevice")
        model._meta.verbose_name = _("身份验证器设备")
        model._meta.verbose_name_plural = _("身份验证器设备")


class NotifyConfig(PortalNotifyConfig):
    verbose_name = _("消息通知")
