"""The enterprise's 收款账户 form. The rules (names required, the number by the kernel's bank-account rule with the
Luhn check for card numbers) live in `payouts.services.clean_account`; the form only asks and shows the answers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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

    def __init__(self, *args, masked_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if masked_number:
            # The stored number is never sent back to the browser: left empty, the current one is kept.
            field = self.fields["account_number"]
            field.required = False
            field.help_text = _("当前账号 %(masked)s；不更改账号请留空。8至30位数字，银行卡号须通过校验位检查。") % {
                "masked": masked_number
            }

    def add_service_errors(self, error: ValidationError) -> None:
        """The Chinese messages of `services.save_account`'s refusal, each on its field."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            for message in error.messages:
                self.add_error(None, message)
