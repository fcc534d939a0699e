from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core import uploads

from .models import CODE_LENGTH, normalise_code


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("核验码"),
        max_length=32,
        help_text=_("文书页脚印有12位核验码，例如 ABCD-EFGH-JKLM；大小写和连字符均可。"),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("核验码应为12位字母或数字。"), code="code_length")
        return code


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文书PDF文件"),
        help_text=_("上传您收到的文书PDF，平台核对文件是否与出具时一致、数字签名是否有效；文件不会被保存。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check_size(upload)
        return upload
