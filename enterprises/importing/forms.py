from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Source

from .models import ImportKind


class ImportUploadForm(forms.Form):
    """上传导入文件."""

    kind = forms.ChoiceField(label=_("数据类型"), choices=ImportKind.choices)
    source = forms.ChoiceField(label=_("数据来源"), choices=Source.choices, initial=Source.MARKET_REGULATION)
    source_updated_at = forms.DateTimeField(
        label=_("数据截至时间"),
        required=False,
        help_text=_("来源系统中数据的更新时间；留空为上传时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    file = forms.FileField(label=_("文件"), help_text=_("CSV（UTF-8或GB18030编码）或Excel（.xlsx）"))

    def clean_source_updated_at(self):
        value = self.cleaned_data["source_updated_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("数据截至时间不能晚于现在"))
        return value
