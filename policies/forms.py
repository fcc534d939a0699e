"""Forms of policy publishing that enterprise users fill in: the policy subscription (政策订阅)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from policies import selectors
from policies.models import PolicyCategory, PolicySubscription
from portal.org.models import Region

MAX_KEYWORDS = 10
KEYWORD_SPLIT = re.compile(r"[\s,，、;；]+")


class PolicySubscriptionForm(forms.ModelForm):
    keywords = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=250,
        help_text=_("政策标题或摘要含有任一关键词即提醒您；多个关键词用空格或逗号分隔，最多10个，每个2至20个字。"),
    )

    class Meta:
        model = PolicySubscription
        fields = ["categories", "departments", "regions", "keywords", "sms_enabled"]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "departments": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "categories": _("这些分类有新政策发布时提醒您。"),
            "departments": _("这些部门牵头或联合发布新政策时提醒您。"),
            "regions": _("这些区划（含下辖区县）有新政策发布时提醒您。"),
            "sms_enabled": _("除站内信外，同时以短信提醒（夜间不发送）。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = PolicyCategory.objects.all()
        self.fields["categories"].label_from_instance = lambda category: str(category.label)
        self.fields["departments"].queryset = selectors.issuing_departments()
        self.fields["regions"].queryset = Region.objects.exclude(level=Region.Level.PROVINCE)
        if self.instance.pk and self.instance.keywords:
            self.initial["keywords"] = " ".join(self.instance.keywords)

    def clean_keywords(self):
        words = []
        for word in KEYWORD_SPLIT.split(self.cleaned_data.get("keywords") or ""):
            if word and word not in words:
                words.append(word)
        if len(words) > MAX_KEYWORDS:
            raise forms.ValidationError(_("关键词最多%(n)d个。") % {"n": MAX_KEYWORDS}, code="too_many")
        bad = [w for w in words if not 2 <= len(w) <= 20]
        if bad:
            raise forms.ValidationError(
                _("每个关键词应为2至20个字：%(words)s") % {"words": "、".join(bad)}, code="keyword_length"
            )
        return words

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(
            cleaned.get(name) for name in ("categories", "departments", "regions", "keywords")
        ):
            raise forms.ValidationError(
                _("请至少选择一项订阅条件：政策分类、发文部门、区划或关键词。"), code="empty_subscription"
            )
        return cleaned
