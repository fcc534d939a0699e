"""The enterprise's 收款账户 form. The rules (names required, the number by the kernel's bank-account rule with the
Luhn check for card numbers) live in `payouts.services.clean_account`; the form only asks and shows the answers —
and asks for the number twice, the two compared with full-width digits, spaces and hyphens folded, so a typing
slip is caught before the money goes to a wrong account."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core import normalize

FIELDS = ("payee_name", "bank_name", "branch", "account_number")


class AccountForm(forms.Form):
    payee_name = forms.CharField(
        label=_("收款户名"),
        max_length=200,
        help_text=_("对公账户的户名，一般与企业名称一致"),
        error_messages={"required": _("请填写收款户名。"), "max_length": _("收款户名不能超过200个字。")},
    )
    bank_name = forms.CharField(
        label=_("开户银行"),
        max_length=100,
        help_text=_("如：中国工商银行"),
        error_messages={"required": _("请填写开户银行。"), "max_length": _("开户银行不能超过100个字。")},
    )
    branch = forms.CharField(
        label=_("开户网点"),
        max_length=100,
        required=False,
        help_text=_("如：宜昌西陵支行"),
        error_messages={"max_length": _("开户网点不能超过100个字。")},
    )
    account_number = forms.CharField(
        label=_("银行账号"),
        max_length=60,
        help_text=_("企业对公账户，8至30位数字，可含空格；银行卡号须通过校验位检查。"),
        error_messages={"required": _("请填写银行账号。"), "max_length": _("银行账号过长，请核对。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    account_number_again = forms.CharField(
        label=_("再次输入银行账号"),
        max_length=60,
        help_text=_("请再输入一遍银行账号，两次须一致。"),
        error_messages={"required": _("请再次输入银行账号。"), "max_length": _("银行账号过长，请核对。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, masked_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if masked_number:
            # The stored number is never sent back to the browser: left empty, the current one is kept.
            field = self.fields["account_number"]
            field.required = False
            field.help_text = _("当前账号 %(masked)s；不更改账号请留空。8至30位数字，银行卡号须通过校验位检查。") % {
                "masked": masked_number
            }
            self.fields["account_number_again"].required = False
            self.fields["account_number_again"].help_text = _("更改账号时请再输入一遍新账号，两次须一致。")

    def clean(self):
        data = super().clean()
        number = _folded(data.get("account_number", ""))
        again = _folded(data.get("account_number_again", ""))
        if "account_number" in self._errors:
            self._errors.pop("account_number_again", None)  # one message: the number first
            return data
        if "account_number_again" in self._errors:
            return data
        if number and not again:
            self.add_error("account_number_again", _("请再次输入银行账号。"))
        elif number != again:
            self.add_error("account_number_again", _("两次输入的银行账号不一致，请核对后重新填写。"))
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """The Chinese messages of `services.save_account`'s refusal, each on its field."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            for message in error.messages:
                self.add_error(None, message)


def _folded(value) -> str:
    """The number as typed, with full-width characters, spaces and hyphens folded: what the two entries compare."""
    return normalize.compact(value).replace("-", "")
