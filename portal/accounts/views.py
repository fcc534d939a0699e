"""Sign-in, registration and password pages for enterprise users, and TOTP enrolment for staff."""

import base64
from datetime import timedelta

import qrcode
import qrcode.image.svg
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LogoutView
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.core import crypto

from . import ratelimit, services, verification
from .forms import PhoneLoginForm, RegisterForm, ResetPasswordForm, SendCodeForm, TOTPConfirmForm
from .models import User

PHONE_BACKEND = "portal.accounts.backends.PhoneBackend"
# Beyond the per-phone limits: one address asking for codes to many phones is SMS bombing.
SEND_CODE_PER_IP_PER_HOUR = 30
SESSION_REGISTER_PHONE = "accounts:register_phone"
SESSION_RESET_PHONE = "accounts:reset_phone"
SENSITIVE = ("password", "password1", "password2", "code", "phone", "token")


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _ip_may_request_code(request) -> bool:
    """At most SEND_CODE_PER_IP_PER_HOUR code requests per address and clock hour, counted in the database.

    Not in the cache: while Redis is down a cache counter reads 1 and the
    limit silently switches off, exactly when nothing else would notice.
    """
    key = "send-code:" + crypto.digest(get_client_ip_address(request) or "unknown")
    return ratelimit.hit(key, window=timedelta(hours=1)) <= SEND_CODE_PER_IP_PER_HOUR


def _remember_phone(request, key, phone):
    # Sessions are stored in clear; the number is kept encrypted like everywhere else.
    request.session[key] = crypto.encrypt(phone)


def _remembered_phone(request, key) -> str | None:
    token = request.session.get(key)
    if not token:
        return None
    try:
        return crypto.decrypt(token)
    except ValueError:
        return None


@sensitive_post_parameters(*SENSITIVE)
@never_cache
def login_view(request):
    """企业用户登录：手机号 + 密码。"""
    if request.user.is_authenticated:
        return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    form = PhoneLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.user)
        return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})


class PortalLogoutView(LogoutView):
    next_page = "home"


def _send_code_or_error(request, form, purpose, *, send=True) -> bool:
    """Issues the code (unless `send` is False, to hide whether a number is registered); errors go on the form."""
    if not _ip_may_request_code(request):
        form.add_error(None, _("发送过于频繁，请稍后再试"))
        return False
    if send:
        try:
            verification.issue_code(form.cleaned_data["phone"], purpose)
        except ValidationError as error:
            form.add_error(None, error)
            return False
    return True


@never_cache
def register(request):
    """注册第一步：输入手机号，获取短信验证码。"""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/register.html", {"form": SendCodeForm()})


@require_POST
@sensitive_post_parameters(*SENSITIVE)
def register_code(request):
    """Sends (or re-sends) the registration code; POST only, with CSRF."""
    data = request.POST.copy()
    if not data.get("phone"):
        data["phone"] = _remembered_phone(request, SESSION_REGISTER_PHONE) or ""
    form = SendCodeForm(data)
    if form.is_valid() and services.phone_registered(form.cleaned_data["phone"]):
        form.add_error("phone", services.PHONE_TAKEN)
    if form.is_valid() and _send_code_or_error(request, form, verification.Purpose.REGISTER):
        _remember_phone(request, SESSION_REGISTER_PHONE, form.cleaned_data["phone"])
        messages.success(request, _("验证码已发送，5分钟内有效。"))
        return redirect("accounts:register_confirm")
    return render(request, "accounts/register.html", {"form": form}, status=400)


@sensitive_post_parameters(*SENSITIVE)
@never_cache
def register_confirm(request):
    """注册第二步：填写验证码、姓名和密码，创建账号并登录。"""
    phone = _remembered_phone(request, SESSION_REGISTER_PHONE)
    if phone is None:
        return redirect("accounts:register")
    form = RegisterForm(phone, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.check_code(phone, verification.Purpose.REGISTER, form.cleaned_data["code"])
            user = services.create_enterprise_user(phone, form.cleaned_data["password1"], form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None if hasattr(error, "error_dict") else "code", error.messages)
        else:
            del request.session[SESSION_REGISTER_PHONE]
            auth_login(request, user, backend=PHONE_BACKEND)
            messages.success(request, _("注册成功，欢迎使用。"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/register_confirm.html", {"form": form, "masked_phone": crypto.mask_phone(phone)})


@never_cache
def password_reset(request):
    """找回密码第一步：输入注册手机号。"""
    return render(request, "accounts/password_reset.html", {"form": SendCodeForm()})


@require_POST
@sensitive_post_parameters(*SENSITIVE)
def password_reset_code(request):
    """Sends the reset code; an unregistered number gets the same answer and no SMS."""
    data = request.POST.copy()
    if not data.get("phone"):
        data["phone"] = _remembered_phone(request, SESSION_RESET_PHONE) or ""
    form = SendCodeForm(data)
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        if _send_code_or_error(request, form, verification.Purpose.RESET, send=services.can_reset_password(phone)):
            _remember_phone(request, SESSION_RESET_PHONE, phone)
            messages.success(request, _("如该手机号已注册，验证码已发送，5分钟内有效。"))
            return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form}, status=400)


@sensitive_post_parameters(*SENSITIVE)
@never_cache
def password_reset_confirm(request):
    """找回密码第二步：验证码 + 新密码。"""
    phone = _remembered_phone(request, SESSION_RESET_PHONE)
    if phone is None:
        return redirect("accounts:password_reset")
    form = ResetPasswordForm(phone, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.check_code(phone, verification.Purpose.RESET, form.cleaned_data["code"])
            services.reset_password(phone, form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("code", error)
        except User.DoesNotExist:
            form.add_error("code", verification.WRONG_CODE)
        else:
            del request.session[SESSION_RESET_PHONE]
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("accounts:login")
    return render(
        request, "accounts/password_reset_confirm.html", {"form": form, "masked_phone": crypto.mask_phone(phone)}
    )


@sensitive_post_parameters(*SENSITIVE, "old_password", "new_password1", "new_password2")
@login_required
def password_change(request):
    """修改密码（已登录）。"""
    form = PasswordChangeForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form})


def _qr_data_uri(text: str) -> str:
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@sensitive_post_parameters("token")
@never_cache
@login_required
def otp_setup(request):
    """工作人员绑定身份验证器（TOTP）：扫码后输入第一个动态验证码确认。"""
    user = request.user
    if user.kind != User.Kind.STAFF or not user.is_staff:
        raise PermissionDenied
    # A second device may only be added from a session that the first one verified.
    if user_has_device(user, confirmed=True) and not user.is_verified():
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=_("身份验证器"), confirmed=False
    )
    form = TOTPConfirmForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("身份验证器已绑定，以后登录管理后台需输入动态验证码。"))
            return redirect(reverse("admin:index"))
        form.add_error("token", _("动态验证码错误，请确认手机时间准确后重试"))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_data_uri": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "has_confirmed_device": user_has_device(user, confirmed=True),
        },
    )
