from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class PhoneNotInPasswordValidator:
    """Refuses a password that contains the account's own mobile number, a very common and very guessable choice."""

    def validate(self, password, user=None):
        phone = getattr(user, "phone", "") or ""
        if phone and phone[-8:] in password:
            raise ValidationError(_("密码不能包含手机号"), code="password_contains_phone")

    def get_help_text(self):
        return _("密码不能包含手机号。")
