import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enterprises.models import CORRECTABLE_FIELDS


class ClaimForm(forms.Form):
    """企业认领, step 1: which enterprise, and who its legal representative is."""

    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，见营业执照"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_rep_name = forms.CharField(
        label=_("法定代表人姓名"), max_length=64, help_text=_("须与市场监管部门登记的姓名一致")
    )

    def clean_uscc(self):
        from enterprises.uscc import normalize_uscc, uscc_error

        code = normalize_uscc(self.cleaned_data["uscc"])
        error = uscc_error(code)
        if error:
            raise ValidationError(error)
        return code


class ClaimConfirmForm(forms.Form):
    """企业认领, step 2: the SMS code sent to the enterprise's registered phone."""

    code = forms.CharField(
        label=_("短信验证码"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        from portal.core.normalize import digits

        # Folded first: a code typed in full-width mode (１２３４５６) is the same code.
        code = digits(self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ValidationError(_("验证码为6位数字"))
        return code


class AgentForm(forms.Form):
    """Adding an agent (经办人) by the mobile number they registered with."""

    phone = forms.CharField(label=_("经办人手机号"), max_length=20, help_text=_("经办人须先用此手机号注册平台账号"))


class CorrectionForm(forms.Form):
    """纠错: what is wrong, what it should be, and why."""

    field = forms.ChoiceField(label=_("需要更正的项目"), choices=[("", "—"), *CORRECTABLE_FIELDS.items()])
    proposed_value = forms.CharField(label=_("正确内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("说明及依据"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("请说明依据，如营业执照、完税证明、社保缴费记录等。工作人员将与数据来源部门核实后答复。"),
    )
