"""The back office's admin site: staff only, and with a verified TOTP device when STAFF_OTP_REQUIRED.

This is django-otp's `OTPAdminSite` behaviour with two differences: the
requirement follows `settings.STAFF_OTP_REQUIRED` (off only on a development
machine), and a member of staff with no device yet may sign in with a
password only to reach the enrolment page (`accounts:otp_setup`), nothing else.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice


def otp_required() -> bool:
    return settings.STAFF_OTP_REQUIRED


class StaffLoginForm(AdminAuthenticationForm):
    """User name + password, plus the 6-digit code from the authenticator app when a device is enrolled."""

    otp_token = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("身份验证器应用中显示的6位数字；尚未绑定的，登录后按提示绑定。"),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "token_required": _("请输入身份验证器中的动态验证码"),
        "invalid_token": _("动态验证码错误或已过期"),
        "throttled": _("动态验证码错误次数过多，请稍后再试"),
        "not_staff": _("该账号不是工作人员账号，不能进入管理后台"),
    }

    def confirm_login_allowed(self, user):
        if user.kind != user.Kind.STAFF or not user.is_staff:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")
        super().confirm_login_allowed(user)

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not otp_required():
            return cleaned
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        if not devices:
            return cleaned  # password only: the site sends them to enrolment, nothing else
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(self.error_messages["token_required"], code="token_required")
        # TOTPDevice throttles wrong tokens itself (growing delays), which axes cannot see.
        usable = [device for device in devices if device.verify_is_allowed()[0]]
        if not usable:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        for device in usable:
            if device.verify_token(token):
                # django-otp marks the session verified on user_logged_in.
                user.otp_device = device
                return cleaned
        raise forms.ValidationError(self.error_messages["invalid_token"], code="invalid_token")


class PortalAdminSite(admin.AdminSite):
    site_header = "惠企服务平台 · 管理后台"
    site_title = "惠企服务平台"
    index_title = "业务管理"
    login_form = StaffLoginForm
    login_template = "accounts/admin_login.html"

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff and getattr(user, "kind", None) == "staff"):
            return False
        return not otp_required() or user.is_verified()

    def login(self, request, extra_context=None):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and getattr(user, "kind", None) == "staff"
            and otp_required()
            and not user.is_verified()
            and not user_has_device(user, confirmed=True)
        ):
            return redirect("accounts:otp_setup")
        return super().login(request, extra_context)
