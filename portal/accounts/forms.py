from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from portal.core import crypto, normalize

from .models import User
from .phones import normalize_phone


class PhoneField(forms.CharField):
    """A mainland mobile number, cleaned to its 11 digits ("+86 138 0013 8000" → "13800138000")."""

    widget = forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": 20})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": _("请输入手机号")})
        super().__init__(**kwargs)

    def clean(self, value):
        return normalize_phone(super().clean(value))


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("短信验证码"))
        kwargs.setdefault("min_length", 6)
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"\d{6}"}),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("请输入短信验证码"),
                "min_length": _("验证码为6位数字"),
                "max_length": _("验证码为6位数字"),
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        # Folded before the length checks: a code typed in full-width mode (１２３４５６) is the same code.
        return normalize.digits(super().to_python(value))


class PhoneLoginForm(forms.Form):
    """An enterprise user's sign-in (企业用户登录): mobile number and password, counted by django-axes."""

    phone = PhoneField()
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入密码")},
    )

    error_messages = {
        "invalid_login": _("手机号或密码错误"),
    }

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        phone, password = cleaned.get("phone"), cleaned.get("password")
        if phone and password:
            self.user = authenticate(self.request, phone=phone, password=password)
            if self.user is None:
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return cleaned


class SendCodeForm(forms.Form):
    phone = PhoneField()


class NewPasswordMixin(forms.Form):
    """Two password fields checked against AUTH_PASSWORD_VALIDATORS (Django's messages, in Chinese)."""

    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，不能全是数字，不能是常见密码，也不能与姓名等个人信息过于相似。"),
        error_messages={"required": _("请输入密码")},
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入密码")},
    )

    def password_user(self) -> User:
        """The account the password is for, so that it can be compared with the person's own details."""
        return User()

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(_("两次输入的密码不一致"), code="password_mismatch")
        return password2

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.password_user())
            except forms.ValidationError as error:
                self.add_error("password1", error)


class RegisterForm(NewPasswordMixin):
    """Step 2 of registration (注册): the SMS code, the user's name and a password."""

    code = CodeField()
    name = forms.CharField(label=_("姓名"), max_length=64, error_messages={"required": _("请输入姓名")})

    field_order = ["code", "name", "password1", "password2"]

    def __init__(self, phone: str, *args, **kwargs):
        self.phone = phone
        super().__init__(*args, **kwargs)

    def password_user(self) -> User:
        user = User(name=self.cleaned_data.get("name", ""), kind=User.Kind.ENTERPRISE)
        user.set_phone(self.phone)
        return user


class ResetPasswordForm(NewPasswordMixin):
    """Step 2 of a password reset by SMS (找回密码)."""

    code = CodeField()

    field_order = ["code", "password1", "password2"]

    def __init__(self, phone: str, *args, **kwargs):
        self.phone = phone
        super().__init__(*args, **kwargs)

    def password_user(self) -> User:
        return User.objects.filter(phone_digest=crypto.digest(self.phone)).first() or User()


class TOTPConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("请输入身份验证器中显示的6位数字")},
    )
