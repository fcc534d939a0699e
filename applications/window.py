"""一窗受理: the clerk workbench of the service halls (黄石: 一窗受理、分流转办、部门办理、统一反馈; 无锡 §21).

A clerk finds the enterprise by its 统一社会信用代码 or name, starts the application on its behalf
(channel "window", the clerk recorded), fills the one form with the visitor, ticks the paper
originals received (已收纸质原件) and scans them, and submits: 提交 hands the case to the matter's
department (分流转办), which works on it exactly as on an online case — the enterprise follows it in
its own space. When the department has decided, the clerk gives the result back at the window
(统一反馈) and may record the enterprise's 好差评 there. Walk-in questions are logged as 帮办 records.

Every page is for staff holding `applications.accept_at_window` (the clerk role); anyone else gets a
403 page saying so in Chinese. The pages are built for the keyboard: the first field has focus, the
sections have access keys (Alt+1 … Alt+4, shown on the page), Enter saves.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import services
from applications.models import (
    CONCLUDED_STATES,
    RELEASED_STATES,
    Application,
    Channel,
    Consultation,
    MaterialSource,
    Rating,
    RatingLevel,
    Status,
    SubmittedMaterial,
)
from applications.workflow import available, perform
from portal.core import normalize
from portal.org.models import Department, Role
from portal.org.permissions import is_platform_admin

# 统一社会信用代码: 18 characters of digits and capitals without I, O, S, V, Z (GB 32100-2015).
USCC_CHARS = re.compile(r"^[0-9A-HJ-NPQRTUWXY]+$")
# A typed code of at least this many characters is looked up as the beginning of a USCC.
USCC_PREFIX_MIN = 6
SEARCH_LIMIT = 20
DOCUMENT_KINDS = {
    "receipt": gettext_lazy("受理回执"),
    "notice": gettext_lazy("一次性告知书"),
    "decision": gettext_lazy("决定书"),
}
RESUBMIT = ("resubmit", "resubmit_to_step")


# --- who -------------------------------------------------------------------------------------------------------------


def _forbidden(request, message: str):
    return render(request, "window/forbidden.html", {"message": message}, status=403)


def clerk_required(view):
    """Staff holding 窗口受理 (signed in with the second factor where it is required); others get a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from portal.accounts.admin_site import otp_required

        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if user.is_staff and otp_required() and not getattr(user, "is_verified", lambda: False)():
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not user.is_staff:
            return _forbidden(
                request, _("窗口受理工作台仅供政务服务大厅的窗口人员使用。企业请在“我的”企业空间中在线申报。")
            )
        if not services.is_window_clerk(user):
            return _forbidden(request, _("您没有窗口受理权限：窗口受理工作台仅供窗口人员岗位使用。"))
        return view(request, *args, **kwargs)

    return wrapper


def hall_of(user) -> Department | None:
    """The service hall (政务服务中心) the clerk works in: the department of their clerk membership."""
    membership = user.memberships.filter(role=Role.CLERK).select_related("department").first()
    return membership.department if membership else None


def hall_cases(user):
    """The window cases of the user's hall: those taken in by a clerk of one of the user's departments."""
    cases = Application.objects.filter(channel=Channel.WINDOW)
    if is_platform_admin(user):
        return cases
    departments = user.memberships.values("department")
    return cases.filter(Q(clerk=user) | Q(clerk__memberships__department__in=departments)).distinct()


def _case(request, number: str) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("enterprise", "matter__department", "clerk", "current_step__department"),
        number=number,
    )
    if application.channel != Channel.WINDOW:
        raise Http404
    return application


def _code(typed) -> str:
    """A typed 统一社会信用代码, folded; "" for text that cannot be a code (a spreadsheet's 9.1E+17)."""
    try:
        return normalize.identifier(typed)
    except normalize.NormalizeError:
        return ""


# --- finding an enterprise -------------------------------------------------------------------------------------------


def find_enterprises(typed: str):
    """The enterprises a clerk means by `typed`: (exact, matches).

    `exact` is the enterprise whose 统一社会信用代码 the text is (full-width, lower case, spaces and hyphens
    folded); otherwise `matches` are those whose code begins with it or whose name contains it, the name
    compared also with traditional characters folded to simplified (臺 → 台)."""
    from enterprises.models import Enterprise
    from portal.search.segment import normalise

    text = normalize.text(typed)
    if not text:
        return None, []
    code = _code(text)
    if code and USCC_CHARS.match(code):
        if len(code) == 18:
            return Enterprise.objects.filter(uscc=code).first(), []
        if len(code) >= USCC_PREFIX_MIN and code.isalnum() and any(c.isdigit() for c in code):
            return None, list(Enterprise.objects.filter(uscc__startswith=code).order_by("name")[:SEARCH_LIMIT])
    names = {text, normalise(text)}
    query = Q()
    for name in names:
        query |= Q(name__icontains=name)
    return None, list(Enterprise.objects.filter(query).order_by("name")[:SEARCH_LIMIT])


def covering_regions(region) -> list[str]:
    """The codes of `region` and the regions above it (区 → 市 → 省): the places whose matters reach it."""
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


def open_matters(today: dt.date, enterprise=None):
    """The matters one may apply for today: published, within their window, not 免申即享 — for an enterprise,
    only those of its own region or a region above it (a 伍家岗区 matter is not for a 西陵区 enterprise)."""
    from matters.models import DeliveryKind, Matter, MatterStatus

    matters = (
        Matter.objects.filter(status=MatterStatus.PUBLISHED)
        .exclude(delivery_kind=DeliveryKind.AUTOMATIC)
        .select_related("department")
        .order_by("code")
    )
    if enterprise is not None and enterprise.region_id:
        matters = matters.filter(region__code__in=covering_regions(enterprise.region))
    return [m for m in matters if m.window_open_on(today)]


# --- paper originals and scans ---------------------------------------------------------------------------------------


def paper_rows(application, material, since=None):
    rows = application.materials.filter(material=material, superseded=False, paper_received=True)
    if since is not None:
        rows = rows.filter(uploaded_at__gte=since)
    return rows


def receive_paper(application, material, *, received: bool, by, since=None) -> bool:
    """已收纸质原件: records (or withdraws) that the window holds the paper original of a guide material.

    During 补正, `since` is the notice's date: only an original received after it answers the notice.
    Returns whether anything changed."""
    rows = paper_rows(application, material, since)
    if received and not rows.exists():
        row = SubmittedMaterial(
            application=application,
            material=material,
            name=material.name,
            source=MaterialSource.WINDOW,
            paper_received=True,
            uploaded_by=by,
        )
        row._history_user = by
        row._change_reason = _("窗口收取纸质原件")
        row.save()
        return True
    if not received and rows.exists():
        for row in rows:
            row.superseded = True
            row._history_user = by
            row._change_reason = _("窗口撤销纸质原件登记")
            row.save(update_fields=["superseded"])
        return True
    return False


def material_rows(application, since=None):
    """Each guide material with what is on file for it: paper original, scans and uploads, shared record."""
    current = list(application.materials.filter(superseded=False).order_by("uploaded_at", "id"))
    rows = []
    for material in application.matter.materials.order_by("position", "id"):
        mine = [m for m in current if m.material_id == material.pk]
        paper = [m for m in mine if m.paper_received and (since is None or m.uploaded_at >= since)]
        rows.append(
            {
                "material": material,
                "paper": bool(paper),
                "files": [m for m in mine if m.file],
                "shared": [m for m in mine if m.source == MaterialSource.SHARED],
            }
        )
    return rows


# --- 帮办 ------------------------------------------------------------------------------------------------------------


class ConsultationForm(forms.ModelForm):
    """帮办登记: who came, about what, the answer given, and the department it was handed to if any."""

    enterprise_code = forms.CharField(
        label=gettext_lazy("企业统一社会信用代码"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("来访人代表企业时填写，可不填。"),
    )

    class Meta:
        model = Consultation
        fields = ["visitor", "enterprise_code", "matter", "question", "answer", "handed_to"]
        widgets = {
            "visitor": forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
            "question": forms.Textarea(attrs={"rows": 3}),
            "answer": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        from matters.models import Matter, MatterStatus

        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = Matter.objects.filter(status=MatterStatus.PUBLISHED).order_by("code")
        self.fields["matter"].required = False
        self.fields["handed_to"].queryset = Department.objects.order_by("region__code", "code")
        self.fields["handed_to"].required = False
        self.fields["handed_to"].help_text = _("需要部门答复的，选择转办部门。")

    def clean_visitor(self):
        return normalize.text(self.cleaned_data["visitor"])

    def clean_enterprise_code(self):
        from enterprises.models import Enterprise

        typed = self.cleaned_data.get("enterprise_code") or ""
        if not normalize.text(typed):
            return None
        code = _code(typed)
        found = Enterprise.objects.filter(uscc=code).first() if code else None
        if found is None:
            raise ValidationError(_("未找到统一社会信用代码为%(code)s的企业。") % {"code": code or typed})
        return found

    def save(self, commit=True):
        self.instance.enterprise = self.cleaned_data.get("enterprise_code")
        return super().save(commit=commit)


# --- 好差评 at the window -----------------------------------------------------------------------------------------


def rate_at_window(application, level, comment: str, *, by) -> Rating:
    """好差评 given at the window (无锡 §26): `ratings.rate` with the window channel (a bad one opens its
    rectification)."""
    from applications import ratings

    return ratings.rate(application, level=level, comment=comment, channel=Channel.WINDOW, by=by)


def give_feedback(application, *, by, level=None, comment: str = "") -> Application:
    """统一反馈: the result was given back at the window; with the enterprise's rating when it gave one."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in CONCLUDED_STATES:
            raise ValidationError(_("申报件尚未办结，不能反馈结果。"), code="not_concluded")
        if application.feedback_at is not None:
            raise ValidationError(_("该申报件的办理结果已于%(at)s反馈。") % {"at": _when(application.feedback_at)})
        if level not in (None, ""):
            rate_at_window(application, level, comment, by=by)
        application.feedback_at = timezone.now()
        application.feedback_by = by
        application._history_user = by
        application._change_reason = _("窗口反馈办理结果")
        application.save(update_fields=["feedback_at", "feedback_by", "updated_at"])
    return application


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- pages -----------------------------------------------------------------------------------------------------------


@clerk_required
def home(request):
    """工作台: find an enterprise; today's work of the hall at a glance."""
    typed = request.GET.get("q", "")
    exact, matches, searched = None, [], bool(normalize.text(typed))
    if searched:
        exact, matches = find_enterprises(typed)
        if exact is not None:
            return redirect("window:enterprise", uscc=exact.uscc)
    cases = hall_cases(request.user)
    today = timezone.localdate()
    context = {
        "q": typed,
        "searched": searched,
        "matches": matches,
        "drafts": cases.filter(status=Status.DRAFT, clerk=request.user).select_related("enterprise", "matter")[:20],
        "supplement_count": cases.filter(status=Status.SUPPLEMENT).count(),
        "feedback_count": cases.filter(status__in=CONCLUDED_STATES, feedback_at__isnull=True).count(),
        "consultation_count": Consultation.objects.filter(clerk=request.user, created_at__date=today).count(),
    }
    return render(request, "window/home.html", context)


@clerk_required
def enterprise(request, uscc: str):
    """The enterprise at the window: its applications and the matters open to it."""
    from enterprises.models import Enterprise

    company = get_object_or_404(Enterprise.objects.select_related("region"), uscc=_code(uscc))
    today = timezone.localdate()
    applications = list(company.applications.select_related("matter").order_by("-created_at"))
    held = {(a.matter_id, a.period): a for a in applications if a.status not in RELEASED_STATES}
    matters = [
        {"matter": matter, "application": held.get((matter.pk, services.period_for(matter, today)))}
        for matter in open_matters(today, company)
    ]
    return render(
        request,
        "window/enterprise.html",
        {"enterprise": company, "applications": applications, "matters": matters},
    )


@clerk_required
@require_POST
def start(request, uscc: str):
    """代为申报: opens (or reopens) the draft for the chosen matter, on behalf of the enterprise."""
    from enterprises.models import Enterprise
    from matters.models import Matter

    company = get_object_or_404(Enterprise, uscc=_code(uscc))
    matter_id = request.POST.get("matter", "")
    matter = Matter.objects.filter(pk=matter_id).first() if matter_id.isdigit() else None
    if matter is None:
        messages.error(request, _("请选择要申报的事项。"))
        return redirect("window:enterprise", uscc=company.uscc)
    try:
        application = services.start(company, matter, by=request.user, channel=Channel.WINDOW)
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error) if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, message)
        return redirect("window:enterprise", uscc=company.uscc)
    if application.channel != Channel.WINDOW:
        messages.error(
            request,
            _("该企业已在网上填写“%(matter)s”的申报草稿（申报编号%(number)s），请企业在网上继续办理。")
            % {"matter": matter.name, "number": application.number},
        )
        return redirect("window:enterprise", uscc=company.uscc)
    return redirect("window:case", number=application.number)


def _save_window_input(request, application, *, since=None) -> list[str]:
    """The form values, paper ticks and scans of one POST; returns the Chinese errors (nothing is lost on error:
    each part is saved on its own)."""
    errors = []
    if application.status in (Status.DRAFT, Status.SUPPLEMENT):
        keys = [f.key for f in services.form_fields(application)]
        values = {key: request.POST.get(key, "") for key in keys if key in request.POST}
        if values:
            try:
                services.update_form(application, values, by=request.user)
            except ValidationError as error:
                if hasattr(error, "message_dict"):
                    labels = {f.key: str(f.label) for f in services.form_fields(application)}
                    for key, texts in error.message_dict.items():
                        errors += [f"{labels.get(key, key)}：{text}" for text in texts]
                else:
                    errors += _errors(error)
    ticked = set(request.POST.getlist("paper"))
    for material in application.matter.materials.filter(shared=False):
        receive_paper(application, material, received=str(material.pk) in ticked, by=request.user, since=since)
        for upload in request.FILES.getlist(f"scan-{material.pk}"):
            try:
                services.attach(application, material, upload, by=request.user, source=MaterialSource.WINDOW)
            except ValidationError as error:
                errors += [f"{material.name}：{text}" for text in _errors(error)]
    return errors


@clerk_required
def case(request, number: str):
    """窗口申报表: the one form, paper ticks and scans; 提交（分流转办）or 提交补正 from here."""
    application = _case(request, number)
    notice = services.open_notice(application) if application.status == Status.SUPPLEMENT else None
    since = notice.created_at if notice is not None else None
    editable = application.status in (Status.DRAFT, Status.SUPPLEMENT)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("申报件已提交，不能再修改；请等待部门办理。"))
            return redirect("window:case", number=number)
        action = request.POST.get("action", "save")
        errors = _save_window_input(request, application, since=since)
        application.refresh_from_db()
        if errors:
            for message in errors:
                messages.error(request, message)
            return redirect("window:case", number=number)
        if action == "submit" and application.status == Status.DRAFT:
            return _submit(request, application)
        if action == "resubmit" and application.status == Status.SUPPLEMENT:
            return _resubmit(request, application)
        messages.success(request, _("已保存。"))
        return redirect("window:case", number=number)
    fields = []
    data = application.form_data or {}
    for field in services.form_fields(application):
        entry = data.get(field.key) or {}
        fields.append(
            {
                "field": field,
                "value": entry.get("value", ""),
                "entry": entry,
                "edited": field.key in (application.edited_fields or []),
            }
        )
    transitions = [t for t in available(application, request.user) if t.name in RESUBMIT]
    empty = [row["field"].key for row in fields if row["field"].required and not str(row["value"]).strip()]
    context = {
        "application": application,
        "fields": fields,
        "materials": material_rows(application, since),
        "missing": services.missing_materials(application) if application.status == Status.DRAFT else [],
        "missing_fields": services.missing_form_fields(application) if application.status == Status.DRAFT else [],
        "editable": editable,
        "notice": notice,
        "notice_items": list(notice.items.select_related("material")) if notice else [],
        "resubmit": transitions[0] if transitions else None,
        "focus": empty[0] if empty and application.status == Status.DRAFT else "",
        "documents": documents_of(application),
    }
    return render(request, "window/case.html", context)


def _submit(request, application):
    try:
        application = services.submit(application, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error) if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, _("未能提交：%(why)s") % {"why": message})
        return redirect("window:case", number=application.number)
    application.refresh_from_db()
    messages.success(
        request,
        _("已提交，申报件已转%(department)s办理（分流转办）。请打印窗口回执交给来办人。")
        % {"department": application.matter.department.name},
    )
    return redirect("window:case", number=application.number)


def _resubmit(request, application):
    offered = [t.name for t in available(application, request.user) if t.name in RESUBMIT]
    if not offered:
        messages.error(request, _("该申报件当前不能提交补正。"))
        return redirect("window:case", number=application.number)
    try:
        perform(application, offered[0], by=request.user)
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error) if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, message)
        return redirect("window:case", number=application.number)
    messages.success(request, _("补正材料已提交，申报件回到原办理环节。"))
    return redirect("window:case", number=application.number)


def documents_of(application) -> list[dict]:
    """The case's documents by kind: the latest issued 受理回执, 一次性告知书 and 决定书 (None where not issued yet)."""
    from applications import documents

    issued = {}
    for row in documents.documents_of(application):
        issued.setdefault(row.kind, row)
    return [
        {"kind": kind, "label": label, "issued": issued.get(documents.KINDS[kind]) is not None}
        for kind, label in DOCUMENT_KINDS.items()
    ]


@clerk_required
def document(request, number: str, kind: str):
    """The latest signed PDF of one kind issued for the case (never issues one: documents follow transitions)."""
    from applications import documents
    from portal.documents.views import document_download_response

    application = _case(request, number)
    if kind not in DOCUMENT_KINDS:
        raise Http404
    issued = documents.documents_of(application).filter(kind=documents.KINDS[kind]).first()
    if issued is None:
        return render(
            request,
            "window/not_issued.html",
            {"application": application, "label": DOCUMENT_KINDS[kind]},
            status=404,
        )
    return document_download_response(request, issued)


@clerk_required
def slip(request, number: str):
    """窗口回执单: a printable slip with the number, 查询码, matter, materials received, clerk and date."""
    application = _case(request, number)
    return render(
        request,
        "window/slip.html",
        {
            "application": application,
            "materials": material_rows(application),
            "hall": hall_of(application.clerk) if application.clerk else None,
            "printed_at": timezone.now(),
        },
    )


@clerk_required
def consultations(request):
    """帮办: walk-in questions, logged with the answer and, where one is needed, the department it went to."""
    hall = hall_of(request.user)
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row.clerk = request.user
        row.hall = hall
        row._history_user = request.user
        row.save()
        messages.success(request, _("已登记帮办记录。"))
        return redirect("window:consultations")
    today = timezone.localdate()
    rows = Consultation.objects.filter(created_at__date=today).select_related("enterprise", "matter", "handed_to")
    rows = rows.filter(hall=hall) if hall is not None else rows.filter(clerk=request.user)
    return render(request, "window/consultations.html", {"form": form, "rows": rows, "today": today})


@clerk_required
def feedback(request):
    """统一反馈: the hall's window cases that are decided and not yet given back at the window."""
    cases = (
        hall_cases(request.user)
        .filter(status__in=CONCLUDED_STATES, feedback_at__isnull=True)
        .select_related("enterprise", "matter")
        .order_by("decided_at", "id")
    )
    return render(request, "window/feedback.html", {"cases": cases, "levels": RatingLevel.choices})


@clerk_required
@require_POST
def give_back(request, number: str):
    application = _case(request, number)
    try:
        give_feedback(
            application, by=request.user, level=request.POST.get("level") or None, comment=request.POST.get("comment")
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("window:feedback")
    messages.success(request, _("已记录%(number)s的结果反馈。") % {"number": application.number})
    return redirect("window:feedback")


@clerk_required
def supplements(request):
    """待补正: the hall's window cases waiting for replacement materials (一次性告知)."""
    cases = (
        hall_cases(request.user)
        .filter(status=Status.SUPPLEMENT)
        .select_related("enterprise", "matter")
        .order_by("updated_at", "id")
    )
    return render(request, "window/supplements.html", {"cases": cases})
