"""窗口登记诉求: a walk-in visitor's appeal typed in by a service-hall clerk (channel 服务大厅窗口).

- `/appeals/window/new/?enterprise=<USCC>` from the enterprise's window page (the enterprise set, the contact
  prefilled from its 联系人), or `/appeals/window/new/` from the workbench for a visitor without an enterprise
  (contact name and mobile required, the region the hall's by default). Everything is checked by
  `appeals.services.submit` (attachments judged by content); nothing is stored on any error. The clerk is the
  history's user, with the reason 窗口登记诉求（<hall>）.
- `/appeals/window/<number>/slip/`: the printable 回执 with the 工单编号, 查询码, kind, title, the 受理 due date,
  the 办理 time limit, the public tracking address and the hall.
- `/appeals/window/`: 本窗口登记的诉求 — the window appeals registered by a clerk of the user's hall, with status.

Every page is for window clerks (`applications.window.clerk_required`); anyone else gets the window's 403 page.
Another hall's appeal is not listed, and its slip is refused with the same page.
"""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from appeals import services
from appeals.forms import FILE_ERRORS, KIND_HINTS, MultipleFileField
from appeals.models import Appeal, Channel, Stage, Urgency
from applications.window import _code, _forbidden, clerk_required, hall_of
from portal.core import normalize, uploads
from portal.org.permissions import is_platform_admin
from portal.workcalendar import clocks

LIST_LIMIT = 100


def _required(message):
    return {"required": message, "max_length": gettext_lazy("最多填写%(limit_value)d个字。")}


class WindowAppealForm(forms.Form):
    """窗口登记诉求. With an enterprise the contact name may stay empty; without one the visitor leaves a name, a
    mobile number and the region (the hall's by default)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("诉求类型"),
        choices=list(KIND_HINTS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择诉求类型。"),
            "invalid_choice": gettext_lazy("请选择诉求类型。"),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("诉求标题"),
        max_length=100,
        help_text=gettext_lazy("一句话概括来访人的诉求，不超过100字。"),
        error_messages=_required(gettext_lazy("请填写诉求标题。")),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    content = forms.CharField(
        label=gettext_lazy("诉求内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("记录事情经过、涉及的部门或事项、希望如何解决（不少于10个字）。"),
        error_messages=_required(gettext_lazy("请填写诉求内容。")),
    )
    urgency = forms.ChoiceField(
        label=gettext_lazy("紧急程度"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择紧急程度。"),
            "invalid_choice": gettext_lazy("请选择紧急程度。"),
        },
    )
    matter = forms.ModelChoiceField(
        label=gettext_lazy("相关事项（选填）"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不涉及具体事项）"),
        error_messages={"invalid_choice": gettext_lazy("请从已上架的政策事项中选择。")},
    )
    policy = forms.ModelChoiceField(
        label=gettext_lazy("相关政策（选填）"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不涉及具体政策）"),
        error_messages={"invalid_choice": gettext_lazy("请从已发布的政策中选择。")},
    )
    contact_name = forms.CharField(
        label=gettext_lazy("来访人姓名"),
        max_length=50,
        error_messages=_required(gettext_lazy("请填写来访人姓名。")),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=40,
        help_text=gettext_lazy("办理部门通过此号码联系来访人，答复后发送评价短信。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        error_messages=_required(gettext_lazy("请填写来访人的手机号码，以便办理部门联系和答复。")),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("诉求所在区划"),
        queryset=None,
        help_text=gettext_lazy("由该地城运中心（12345）受理。"),
        error_messages={
            "required": gettext_lazy("请选择诉求所在区划。"),
            "invalid_choice": gettext_lazy("请选择诉求所在区划。"),
        },
    )
    files = MultipleFileField(
        label=gettext_lazy("扫描件（选填）"),
        help_text=gettext_lazy(
            "来访人提供的书面材料扫描件，最多5个，每个不超过10MB；支持PDF、OFD、Word、WPS、Excel和图片。"
        ),
        error_messages=FILE_ERRORS,
    )

    def __init__(self, *args, enterprise=None, **kwargs):
        from appeals.views import _choices, _regions

        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        policies, matters = _choices()
        self.fields["policy"].queryset = policies
        self.fields["policy"].label_from_instance = lambda p: p.title
        self.fields["matter"].queryset = matters
        self.fields["matter"].label_from_instance = lambda m: m.name
        self.fields["kind"].widget.attrs["autofocus"] = True
        if enterprise is not None:
            del self.fields["region"]
            self.fields["contact_name"].required = False
            self.fields["contact_name"].label = _("联系人（选填）")
        else:
            self.fields["region"].queryset = _regions()
            self.fields["region"].label_from_instance = lambda r: r.name

    def clean_title(self):
        return normalize.text(self.cleaned_data["title"])

    def clean_content(self):
        content = normalize.prose(self.cleaned_data["content"])
        if len(content) < 10:
            raise forms.ValidationError(_("请把诉求写清楚（不少于10个字）。"))
        return content

    def clean_contact_name(self):
        return normalize.text(self.cleaned_data.get("contact_name") or "")

    def clean_contact_phone(self):
        try:
            return normalize.phone(self.cleaned_data["contact_phone"])
        except normalize.NormalizeError as error:
            raise forms.ValidationError(str(error)) from None


# --- which hall ------------------------------------------------------------------------------------------------------


def registered_by_hall(user):
    """The window appeals registered at `user`'s hall (`Appeal.service_hall`; all of them for a platform admin,
    none for a clerk of no hall)."""
    appeals = Appeal.objects.filter(channel=Channel.WINDOW)
    if is_platform_admin(user):
        return appeals
    hall = hall_of(user)
    return appeals.filter(service_hall=hall) if hall is not None else appeals.none()


def recorder_of(appeal):
    """The clerk who registered `appeal` at the window (its creating history row's user), or None."""
    row = appeal.history.filter(history_type="+").select_related("history_user").order_by("history_id").first()
    return row.history_user if row is not None else None


# --- pages -----------------------------------------------------------------------------------------------------------


def _enterprise(request):
    from enterprises.models import Enterprise

    typed = request.GET.get("enterprise", "")
    if not normalize.text(typed):
        return None
    return get_object_or_404(Enterprise.objects.select_related("region"), uscc=_code(typed))


def _add_errors(form, error) -> None:
    if hasattr(error, "error_dict"):
        for key, texts in error.message_dict.items():
            for text in texts:
                form.add_error(key if key in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


@clerk_required
@require_http_methods(["GET", "POST"])
def new(request):
    """窗口登记诉求 (see the module docstring)."""
    from django.core.exceptions import ValidationError

    company = _enterprise(request)
    hall = hall_of(request.user)
    if request.method != "POST":
        initial = {}
        if company is not None:
            initial = {"contact_name": company.contact_name, "contact_phone": company.contact_phone}
        elif hall is not None:
            initial = {"region": hall.region_id}
        form = WindowAppealForm(initial=initial, enterprise=company)
        return render(request, "appeals/window/new.html", {"form": form, "enterprise": company, "hall": hall})

    form = WindowAppealForm(request.POST, request.FILES, enterprise=company)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with uploads.discard_stored_on_failure():
                appeal = services.submit(
                    services.NewAppeal(
                        kind=data["kind"],
                        title=data["title"],
                        content=data["content"],
                        channel=Channel.WINDOW,
                        urgency=data["urgency"],
                        enterprise=company,
                        contact_name=data.get("contact_name") or "",
                        contact_phone=data["contact_phone"],
                        region=data.get("region"),
                        policy=data.get("policy"),
                        matter=data.get("matter"),
                        files=tuple(data.get("files") or ()),
                        recorded_by=request.user,
                        service_hall=hall,
                    )
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("appeals:window_slip", number=appeal.number)
    context = {"form": form, "enterprise": company, "hall": hall}
    return render(request, "appeals/window/new.html", context, status=400)


@clerk_required
def slip(request, number: str):
    """诉求登记回执: printable, for the visitor to keep (the 查询码 is on it)."""
    appeal = get_object_or_404(
        Appeal.objects.select_related("enterprise", "operations_centre", "region"), number=number
    )
    if appeal.channel != Channel.WINDOW:
        raise Http404
    if not registered_by_hall(request.user).filter(pk=appeal.pk).exists():
        return _forbidden(request, _("该诉求不是本窗口登记的，不能打印其回执。"))
    recorder = recorder_of(appeal)
    accept = clocks.of(appeal, "appeal_accept").order_by("id").first()
    return render(
        request,
        "appeals/window/slip.html",
        {
            "appeal": appeal,
            "hall": appeal.service_hall,
            "recorder": recorder,
            "accept_due": accept.due_on if accept is not None else None,
            "accept_days": services.limit_days(appeal.kind, Stage.ACCEPT),
            "handle_days": services.limit_days(appeal.kind, Stage.HANDLE),
            "track_url": services.public_url(reverse("appeals:track")),
            "printed_at": timezone.now(),
        },
    )


@clerk_required
def registered(request):
    """本窗口登记的诉求: the hall's window appeals, newest first, with their status."""
    rows = (
        registered_by_hall(request.user)
        .select_related("enterprise", "department")
        .order_by("-submitted_at", "-id")[:LIST_LIMIT]
    )
    return render(request, "appeals/window/list.html", {"appeals": rows, "hall": hall_of(request.user)})
