"""The enterprise's forms for applications: the one form (一表申请), uploads, withdrawal, rating, the progress query.

Messages are Chinese; every typed value is normalised (NFKC: full-width digits and letters, stray spaces) by the
services before it is stored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications import services
from applications.models import RatingLevel
from applications.ratings import MAX_COMMENT
from portal.documents.models import CODE_ALPHABET, normalise_code

TEXT_LIMIT = 2000


class ApplicationForm(forms.Form):
    """The one form's fields, generated from the matter (`services.form_fields`); nothing is required while a
    draft is saved — `提交` checks completeness with the services' own message."""

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        data = application.form_data or {}
        for field in services.form_fields(application):
            entry = data.get(field.key) or {}
            widget = forms.Textarea(attrs={"rows": 3}) if field.kind == "textarea" else forms.TextInput()
            if field.kind == "phone":
                widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
            self.fields[field.key] = forms.CharField(
                label=field.label,
                required=False,
                max_length=TEXT_LIMIT,
                initial=entry.get("value", ""),
                widget=widget,
                error_messages={"max_length": _("最多填写%(limit_value)d个字。")},
            )
            self.fields[field.key].form_field = field

    def values(self) -> dict:
        """The values posted (a field left out of the request keeps what the draft holds)."""
        return {key: self.cleaned_data.get(key, "") for key in self.fields if key in self.data}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("选择文件"),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("上传的文件是空的，请重新选择。"),
            "invalid": _("没有收到文件，请重新选择。"),
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("最多填写%(limit_value)d个字。")},
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("评价等级"),
        coerce=int,
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择评价等级（非常满意至非常不满意）。"),
            "invalid_choice": _("请选择评价等级（非常满意至非常不满意）。"),
        },
    )
    comment = forms.CharField(
        label=_("评价内容（选填）"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("评价内容不能超过%(limit_value)d个字。")},
    )


class ProgressForm(forms.Form):
    """查询码: 12 characters as printed on the receipt; lower case, spaces, dashes and full-width are accepted."""

    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        help_text=_("受理回执或提交成功页面上的12位查询码，如 ABCD-EFGH-JKMN。"),
        error_messages={"required": _("请填写查询码。"), "max_length": _("查询码为12位字母和数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != 12 or any(ch not in CODE_ALPHABET for ch in code):
            raise forms.ValidationError(_("查询码为12位字母和数字（不含0、O、1、I、L），请核对后重新输入。"))
        return code
