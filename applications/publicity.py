"""结果公开 (无锡 §21): the public publicity page of approved applications, and its objection channel (公示异议).

Shown: applications in publicity (公示中) or under objection (异议处理中) of matters that are not
confidential — the enterprise's name, the matter, the approved amount and the publicity period; never
anything about an objector. Anyone may object during publicity: the objection is recorded and the
case moves to 异议处理中 (`raise_objection`, by the platform) until the matter's department decides.
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from applications.models import Application, Objection, Status
from portal.core import normalize
from portal.core.crypto import digest

log = logging.getLogger(__name__)

PUBLIC_STATES = (Status.PUBLICITY, Status.OBJECTION)
PAGE_SIZE = 20
# 异议 per address and hour: enough for a person with several objections, too few for a flood.
OBJECTIONS_PER_HOUR = 5
RATE_WINDOW_SECONDS = 3600


def shown():
    """The applications on public display: in publicity or under objection, of matters that are not confidential."""
    return Application.objects.filter(status__in=PUBLIC_STATES, matter__confidential=False)


def _rows(queryset):
    return queryset.select_related("enterprise", "matter", "matter__department").order_by(
        "-publicity_from", "matter__name", "number"
    )


def _facet(queryset, field: str, label_field: str, chosen: str, request, param: str) -> list[dict]:
    counts = queryset.values(field, label_field).annotate(n=Count("id")).order_by(label_field)
    options = []
    for row in counts:
        value = str(row[field])
        params = {k: v for k, v in request.GET.items() if k not in (param, "page")}
        if value != chosen:
            params[param] = value
        options.append(
            {
                "label": row[label_field],
                "count": row["n"],
                "selected": value == chosen,
                "url": "?" + urlencode(params) if params else request.path,
            }
        )
    return options


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def publicity_list(request):
    """All applications in publicity, filtered by matter (`matter`, its code) and department (`department`, id)."""
    base = shown()
    matter = request.GET.get("matter", "").strip()
    department = request.GET.get("department", "").strip()
    rows = base
    if matter:
        rows = rows.filter(matter__code=matter)
    if department:
        rows = rows.filter(matter__department_id=department) if department.isdigit() else rows.none()
    facets = [
        {
            "label": _("事项"),
            "options": _facet(base, "matter__code", "matter__name", matter, request, "matter"),
        },
        {
            "label": _("实施部门"),
            "options": _facet(
                base, "matter__department_id", "matter__department__name", department, request, "department"
            ),
        },
    ]
    page = _page(request, _rows(rows))
    return render(
        request,
        "applications/publicity/list.html",
        {
            "page_obj": page,
            "items": page.object_list,
            "facets": facets,
            "filtered": bool(matter or department),
            "total": page.paginator.count,
        },
    )


def publicity_matter(request, code: str):
    """One matter's publicity (公示名单): 404 for a confidential or unknown matter."""
    from matters.models import Matter

    matter = get_object_or_404(Matter.objects.select_related("department"), code=code, confidential=False)
    page = _page(request, _rows(shown().filter(matter=matter)))
    return render(
        request,
        "applications/publicity/matter.html",
        {"matter": matter, "page_obj": page, "items": page.object_list, "total": page.paginator.count},
    )


class ObjectionForm(forms.Form):
    """公示异议: who objects (name and a mobile number, kept from the public) and why."""

    name = forms.CharField(
        label=gettext_lazy("姓名或单位名称"),
        max_length=64,
        error_messages={"required": gettext_lazy("请填写您的姓名或单位名称。")},
    )
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=32,
        help_text=gettext_lazy("11位手机号码，仅供实施部门核实异议时联系您，不会公开。"),
        error_messages={"required": gettext_lazy("请填写联系电话。")},
    )
    content = forms.CharField(
        label=gettext_lazy("异议内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=10,
        max_length=2000,
        help_text=gettext_lazy("请写明异议的事实和理由（10至2000字），可提供线索以便核实。"),
        error_messages={
            "required": gettext_lazy("请填写异议内容。"),
            "min_length": gettext_lazy("异议内容至少%(limit_value)d个字，请写明事实和理由。"),
            "max_length": gettext_lazy("异议内容最多%(limit_value)d个字（现有%(show_value)d个字）。"),
        },
    )

    def clean_name(self):
        name = normalize.text(self.cleaned_data["name"])
        if len(name) < 2:
            raise forms.ValidationError(_("请填写完整的姓名或单位名称。"), code="name_short")
        return name

    def clean_phone(self):
        try:
            return normalize.phone(self.cleaned_data["phone"])
        except normalize.NormalizeError as error:
            raise forms.ValidationError(str(error), code="invalid_phone") from None

    def clean_content(self):
        # Prose keeps its Chinese punctuation: stripped, never NFKC-folded.
        return self.cleaned_data["content"].strip()


def _client_address(request) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def _over_limit(request) -> bool:
    """Counts one objection for the client's address in the cache; True beyond OBJECTIONS_PER_HOUR."""
    key = "publicity-objection:" + digest(_client_address(request))
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count > OBJECTIONS_PER_HOUR


def raise_objection(application: Application, *, name: str, phone: str, content: str) -> Objection:
    """Records the objection and, in publicity, moves the case to 异议处理中; the matter's approvers are told."""
    from applications import followup
    from applications.workflow import perform

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in PUBLIC_STATES or locked.matter.confidential:
            raise ValidationError(_("该申报件已不在公示期内，不能再提出异议。"), code="not_in_publicity")
        objection = Objection.objects.create(application=locked, name=name, phone=phone, content=content)
        if locked.status == Status.PUBLICITY:
            perform(locked, "raise_objection", by=None, reason=_("收到公示异议"))
        transaction.on_commit(lambda: followup.notify_objection(objection.pk))
        transaction.on_commit(followup.forget_home_block)
    return objection


@require_http_methods(["GET", "POST"])
def publicity_objection(request, number: str):
    """The objection form of one application in publicity (404 once it is no longer shown)."""
    application = get_object_or_404(_rows(shown()), number=number)
    form = ObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _over_limit(request):
            form.add_error(None, _("提交过于频繁，请一小时后再试；如情况紧急，请拨打12345政务服务便民热线。"))
            status = 429
        else:
            try:
                raise_objection(application, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                log.info("objection refused", extra={"application": application.pk})
                form.add_error(None, error.messages[0] if isinstance(error, ValidationError) else str(error))
            else:
                messages.success(request, _("您的异议已提交，实施部门将依法核实处理。感谢您的监督。"))
                return redirect(reverse("applications:publicity_matter", kwargs={"code": application.matter.code}))
    return render(
        request, "applications/publicity/objection.html", {"application": application, "form": form}, status=status
    )


def latest(limit: int = 6) -> list[dict]:
    """The newest applications put on public display, for the home page (pickled in the home cache)."""
    items = []
    for application in _rows(shown())[:limit]:
        items.append(
            {
                "enterprise": application.enterprise.name,
                "matter": application.matter.name,
                "amount": application.approved_amount,
                "until": application.publicity_to,
                "objection": application.status == Status.OBJECTION,
                "url": reverse("applications:publicity_matter", kwargs={"code": application.matter.code}),
            }
        )
    return items
