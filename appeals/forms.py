"""The forms of the appeal pages (诉求): 我要诉求, 补充信息, 评价, 撤回, 查询进度.

Every message is Chinese; typed text is normalised by `appeals.services` (NFKC, stray spaces) before it is
stored, and the rules a submission must meet (content length, a way to reach the submitter, attachments judged
by content) are checked there too, so the form and the other channels refuse the same things.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.models import AppealKind, Satisfaction, Urgency
from appeals.services import MAX_ATTACHMENTS
from portal.core import normalize

# One line on each kind, shown beside its choice.
KIND_HINTS = {
    AppealKind.CONSULTATION: _("咨询：询问政策内容、申报条件、办事流程等。"),
    AppealKind.COMPLAINT: _("投诉：反映部门或工作人员办事拖延、推诿、不作为、乱作为等问题。"),
    AppealKind.SUGGESTION: _("意见建议：对政策制定、惠企服务和营商环境提出意见或建议。"),
    AppealKind.HELP: _("求助：生产经营中遇到困难，请求政府部门协调帮助解决。"),
}

TITLE_MAX = 100
CONTENT_MAX = 5000
COMMENT_MAX = 500


def _text_errors(label_required):
    return {"required": label_required, "max_length": _("最多填写%(limit_value)d个字。")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to MAX_ATTACHMENTS files in one input; the kind of each is judged by content in `services.submit`."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("附件最多%(n)d个。") % {"n": MAX_ATTACHMENTS})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


FILE_ERRORS = {
    "empty": _("上传的文件是空的，请重新选择。"),
    "invalid": _("没有收到文件，请重新选择。"),
}


class MatterSelect(forms.Select):
    """The 相关事项 select: options grouped by policy (optgroup), each with `data-policy` (the policy's id) so that
    static/js/appeals.js can narrow the list to the chosen 相关政策; without the script the groups remain."""

    policy_of: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        policy = self.policy_of.get(str(value))
        if policy:
            option["attrs"]["data-policy"] = policy
        return option


def grouped_matters(matters) -> tuple[list, dict[str, str]]:
    """(choices grouped by policy title — the policies newest first, the matters by name —, {matter id: policy id})."""
    groups: dict[int, tuple[str, list]] = {}
    policy_of = {}
    for matter in matters.order_by("-policy_id", "name"):
        groups.setdefault(matter.policy_id, (matter.policy.title, []))[1].append((matter.pk, matter.name))
        policy_of[str(matter.pk)] = str(matter.policy_id)
    return list(groups.values()), policy_of


class AppealForm(forms.Form):
    """我要诉求. `enterprises`: those the user acts for (empty for an anonymous visitor, who leaves a name, a mobile
    number and the region instead); `applications`: the chosen enterprises' own applications."""

    enterprise = forms.ModelChoiceField(
        label=_("诉求企业"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("请选择诉求企业。"), "invalid_choice": _("请选择您所在的企业。")},
    )
    kind = forms.ChoiceField(
        label=_("诉求类型"),
        choices=list(KIND_HINTS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择诉求类型。"), "invalid_choice": _("请选择诉求类型。")},
    )
    title = forms.CharField(
        label=_("诉求标题"),
        max_length=TITLE_MAX,
        help_text=_("一句话概括您的诉求，不超过100字。"),
        error_messages=_text_errors(_("请填写诉求标题。")),
    )
    content = forms.CharField(
        label=_("诉求内容"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写清事情经过、涉及的部门或事项、希望如何解决（10至5000字）。"),
        error_messages=_text_errors(_("请填写诉求内容。")),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择紧急程度。"), "invalid_choice": _("请选择紧急程度。")},
    )
    policy = forms.ModelChoiceField(
        label=_("相关政策（选填）"),
        queryset=None,
        required=False,
        empty_label=_("（不涉及具体政策）"),
        error_messages={"invalid_choice": _("请从已发布的政策中选择。")},
    )
    matter = forms.ModelChoiceField(
        label=_("相关事项（选填）"),
        queryset=None,
        required=False,
        empty_label=_("（不涉及具体事项）"),
        widget=MatterSelect,
        help_text=_("按政策分组；选择相关政策后只列该政策的事项。"),
        error_messages={"invalid_choice": _("请从已上架的政策事项中选择。")},
    )
    application = forms.ModelChoiceField(
        label=_("相关申报（选填）"),
        queryset=None,
        required=False,
        empty_label=_("（不涉及具体申报）"),
        help_text=_("只能选择本企业的申报件。"),
        error_messages={"invalid_choice": _("只能选择本企业的申报件。")},
    )
    contact_name = forms.CharField(
        label=_("联系人"),
        max_length=50,
        error_messages=_text_errors(_("请填写联系人姓名。")),
    )
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=40,
        help_text=_("办理部门将通过此号码联系您，答复后发送评价短信。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages=_text_errors(_("请填写手机号码，以便办理部门联系和答复。")),
    )
    region = forms.ModelChoiceField(
        label=_("诉求所在区划"),
        queryset=None,
        empty_label=_("请选择区划"),
        help_text=_("由该地城运中心（12345）受理；未设城运中心的区县，由市城运中心受理。"),
        error_messages={"required": _("请选择诉求所在区划。"), "invalid_choice": _("请选择诉求所在区划。")},
    )
    files = MultipleFileField(
        label=_("附件（选填）"),
        help_text=_("最多5个，每个不超过10MB；支持PDF、OFD、Word、WPS、Excel和图片。"),
        error_messages=FILE_ERRORS,
    )

    def __init__(self, *args, enterprises, applications, policies, matters, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.anonymous = enterprises is None
        self.fields["policy"].queryset = policies
        self.fields["policy"].label_from_instance = lambda p: p.title
        self.fields["matter"].queryset = matters
        groups, policy_of = grouped_matters(matters)
        self.fields["matter"].choices = [("", self.fields["matter"].empty_label), *groups]
        self.fields["matter"].widget.policy_of = policy_of
        if self.anonymous:
            for name in ("enterprise", "application"):
                del self.fields[name]
            self.fields["region"].queryset = regions
            self.fields["region"].label_from_instance = lambda r: r.name
        else:
            del self.fields["region"]
            self.fields["contact_name"].required = False
            self.fields["contact_name"].label = _("联系人（选填）")
            self.fields["enterprise"].queryset = enterprises
            self.fields["enterprise"].label_from_instance = lambda e: e.name
            only = list(enterprises[:2])
            self.only_enterprise = only[0] if len(only) == 1 else None
            if self.only_enterprise is not None:
                del self.fields["enterprise"]
            self.fields["application"].queryset = applications
            self.fields["application"].label_from_instance = lambda a: f"{a.number} {a.matter.name}"

    def clean_contact_phone(self):
        value = self.cleaned_data["contact_phone"]
        try:
            return normalize.phone(value)
        except normalize.NormalizeError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_content(self):
        content = normalize.prose(self.cleaned_data["content"])
        if len(content) < 10:
            raise forms.ValidationError(_("请把诉求写清楚（不少于10个字）。"))
        return content

    only_enterprise = None

    def clean(self):
        data = super().clean()
        if self.only_enterprise is not None:
            data["enterprise"] = self.only_enterprise
        application, enterprise = data.get("application"), data.get("enterprise")
        if application is not None and enterprise is not None and application.enterprise_id != enterprise.pk:
            self.add_error("application", _("只能选择本企业的申报件。"))
        return data


class SupplyForm(forms.Form):
    """补充信息: what the department asked for, written (and optionally attached) by the submitter."""

    reason = forms.CharField(
        label=_("补充的信息"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_text_errors(_("请填写补充的信息。")),
    )
    files = MultipleFileField(
        label=_("补充附件（选填）"),
        help_text=_("最多5个，每个不超过10MB；支持PDF、OFD、Word、WPS、Excel和图片。"),
        error_messages=FILE_ERRORS,
    )


class EvaluationForm(forms.Form):
    """评价: 满意 / 基本满意 / 不满意 with a comment (required for the first 不满意, which sends it back)."""

    satisfaction = forms.ChoiceField(
        label=_("您对答复是否满意"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=_("评价意见"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“不满意”时请写明原因。"),
        error_messages={"max_length": _("评价意见不能超过%(limit_value)d个字。")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("最多填写%(limit_value)d个字。")},
    )


class TrackForm(forms.Form):
    """查询进度: the 工单编号 and the 8-character 查询码 given at submission (case, spaces and full-width folded)."""

    number = forms.CharField(
        label=_("工单编号"),
        max_length=40,
        help_text=_("提交成功页面上的工单编号，如 SQ20260301000001。"),
        error_messages={"required": _("请填写工单编号。"), "max_length": _("工单编号格式不正确。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        help_text=_("提交成功页面上的8位查询码。"),
        error_messages={"required": _("请填写查询码。"), "max_length": _("查询码为8位字母和数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_number(self):
        return normalize.compact(self.cleaned_data["number"]).upper()

    def clean_code(self):
        return normalize.compact(self.cleaned_data["code"]).upper().replace("-", "")
