"""The enterprise's pages for its applications: start (在线申报), the one form (一表申请) with materials,
eligibility and estimate, the confirmation and success pages, the case page (status, timeline, 补正, withdraw,
好差评), 我的申报, and the public progress page by 查询码.

Every page of an application goes through `selectors.application_for` (404 unless the user acts for the
enterprise). Staff review in the admin, never here. Every refusal of the services is shown in Chinese."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import ratings, selectors, services
from applications.forms import ApplicationForm, ProgressForm, RatingForm, UploadForm, WithdrawForm
from applications.models import Status
from applications.workflow import available, perform
from enterprises import selectors as enterprise_selectors
from matters.models import Matter, MatterStatus
from portal.documents.models import normalise_code

RESUBMIT = ("resubmit", "resubmit_to_step")


def _messages_of(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("您无权办理此操作。")]


def _flash(request, error) -> None:
    for message in _messages_of(error):
        messages.error(request, message)


def _detail(application):
    return redirect("applications:detail", number=application.number)


# --- start ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new(request, code):
    """`/applications/new/<matter code>/`: choose the enterprise (when the user acts for several) and open the draft."""
    try:
        matter = Matter.objects.select_related("department").get(code=code, status=MatterStatus.PUBLISHED)
    except Matter.DoesNotExist as exc:
        raise Http404 from exc
    enterprises = list(enterprise_selectors.enterprises_for_user(request.user))
    if not enterprises:
        messages.info(request, _("请先认领您的企业，再在线申报。"))
        return redirect("enterprises:claim")
    errors = []
    if request.method == "POST":
        chosen = request.POST.get("enterprise") or (enterprises[0].pk if len(enterprises) == 1 else None)
        enterprise = enterprise_selectors.get_enterprise_for_user(request.user, chosen)
        try:
            application = services.start(enterprise, matter, by=request.user)
        except ValidationError as error:
            errors = _messages_of(error)
        else:
            return _detail(application)
    existing = {e.pk: selectors.active_application(e, matter) for e in enterprises}
    context = {"matter": matter, "enterprises": enterprises, "existing": existing, "errors": errors}
    return render(request, "applications/new.html", context, status=400 if errors else 200)


# --- the one form and the case page -------------------------------------------------------------------------------


def _form_context(request, application, form=None, upload_errors=None):
    return {
        "application": application,
        "form": form or ApplicationForm(application=application),
        "fields": selectors.shown_fields(application),
        "materials": selectors.material_rows(application),
        "eligibility": services.eligibility_snapshot(application),
        "missing_fields": services.missing_form_fields(application),
        "upload_form": UploadForm(),
        "upload_errors": upload_errors or {},
    }


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, number):
    """`/applications/<number>/`: the one form while a draft; the case page once submitted."""
    application = selectors.application_for(request.user, number)
    if application.status == Status.SUPPLEMENT and request.method == "POST":
        return _correct_form(request, application)
    if application.status != Status.DRAFT:
        if request.method == "POST":
            return _detail(application)
        return render(request, "applications/detail.html", _case_context(request, application))
    form = ApplicationForm(request.POST or None, application=application)
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.update_form(application, form.values(), by=request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if "submit" in request.POST:
                    return redirect("applications:submit_confirm", number=application.number)
                messages.success(request, _("草稿已保存。"))
                return _detail(application)
        return render(request, "applications/form.html", _form_context(request, application, form), status=400)
    return render(request, "applications/form.html", _form_context(request, application, form))


def _correct_form(request, application):
    """补正 of the form itself (a 申报表 item of the one-time notice): the edits stay visible to the reviewer."""
    form = ApplicationForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.update_form(application, form.values(), by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("申报表已更新。"))
            return redirect(_back(application) + "#supplement")
    context = _case_context(request, application, supplement_form=form)
    return render(request, "applications/detail.html", context, status=400)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(key if key in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
@require_POST
def upload(request, number, material_id):
    """Uploads one file for one guide material (judged by content; size and count limits)."""
    application = selectors.application_for(request.user, number)
    material = application.matter.materials.filter(pk=material_id, shared=False).first()
    if material is None:
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            services.attach(application, material, form.cleaned_data["file"], by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            error = exc
    else:
        error = ValidationError(form.errors["file"])
    if error is None:
        messages.success(request, _("“%(name)s”已上传。") % {"name": material.name})
        return redirect(_back(application) + f"#material-{material.pk}")
    context_error = {material.pk: _messages_of(error)}
    if application.status == Status.DRAFT:
        context = _form_context(request, application, upload_errors=context_error)
        return render(request, "applications/form.html", context, status=400)
    context = _case_context(request, application, upload_errors=context_error)
    return render(request, "applications/detail.html", context, status=400)


def _back(application) -> str:
    return reverse("applications:detail", kwargs={"number": application.number})


@login_required
@require_POST
def remove(request, number, row_id):
    application = selectors.application_for(request.user, number)
    row = selectors.material_for(application, row_id)
    try:
        services.remove_material(row, by=request.user)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("已删除“%(name)s”的文件%(file)s。") % {"name": row.name, "file": row.original_name})
    return redirect(_back(application) + "#materials")


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request, number):
    """提交前确认: the summary, then the final confirmation (POST) → 提交."""
    application = selectors.application_for(request.user, number)
    if application.status != Status.DRAFT:
        return _detail(application)
    errors = []
    if request.method == "POST":
        try:
            application = services.submit(application, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            errors = _messages_of(error)
        else:
            return redirect("applications:done", number=application.number)
    incomplete = []
    missing_fields = services.missing_form_fields(application)
    if missing_fields:
        incomplete.append(_("请填写：%(fields)s。") % {"fields": "、".join(missing_fields)})
    missing = services.missing_materials(application)
    if missing:
        incomplete.append(_("请上传以下必要材料：%(names)s。") % {"names": "、".join(m.name for m in missing)})
    context = {
        "application": application,
        "fields": selectors.shown_fields(application),
        "materials": selectors.material_rows(application),
        "eligibility": services.eligibility_snapshot(application),
        "errors": errors,
        "incomplete": incomplete,
    }
    return render(request, "applications/confirm.html", context, status=400 if errors else 200)


@login_required
def done(request, number):
    application = selectors.application_for(request.user, number)
    if application.status == Status.DRAFT:
        return _detail(application)
    return render(request, "applications/done.html", {"application": application})


def _case_context(request, application, *, upload_errors=None, rating_form=None, supplement_form=None):
    transitions = available(application, request.user)
    names = {t.name for t in transitions}
    notice = services.open_notice(application) if application.status == Status.SUPPLEMENT else None
    notice_materials = []
    if notice is not None:
        for item in notice.items.select_related("material"):
            files = []
            if item.material_id:
                files = list(
                    application.materials.filter(
                        material=item.material, superseded=False, uploaded_at__gte=notice.created_at
                    ).exclude(file="")
                )
            notice_materials.append({"item": item, "files": files})
    rating = getattr(application, "rating", None) if hasattr(application, "rating") else None
    return {
        "application": application,
        "timeline": selectors.timeline(application),
        "steps": list(application.steps.select_related("department").order_by("position", "id")),
        "current_step": application.current_step,
        "days_left": selectors.working_days_left(application.current_step),
        "notice": notice,
        "notice_items": notice_materials,
        "resubmit": next((t for t in transitions if t.name in RESUBMIT), None),
        "may_withdraw": "withdraw" in names,
        "materials": selectors.material_rows(application),
        "fields": selectors.shown_fields(application, application.edited_fields),
        "upload_form": UploadForm(),
        "upload_errors": upload_errors or {},
        "rating": rating,
        "rating_form": rating_form or (RatingForm() if application.is_concluded and rating is None else None),
        "supplement_form": supplement_form
        or (ApplicationForm(application=application) if notice is not None else None),
        "documents": _documents(application),
        "next_action": selectors.next_action(application),
    }


def _documents(application) -> list[dict]:
    """The application's issued documents (受理回执、一次性告知书、决定书), each with its download and public
    verification links."""
    from applications import documents

    return [
        {
            "document": document,
            "download": reverse("applications:document", kwargs={"number": application.number, "code": document.code}),
            "verify": reverse("documents:verify_code", kwargs={"code": document.code}),
        }
        for document in documents.documents_of(application)
    ]


@login_required
def document(request, number, code):
    """Downloads one of the case's signed documents (the enterprise's own cases only; anything else is a 404)."""
    from applications import documents
    from portal.documents.views import document_download_response

    application = selectors.application_for(request.user, number)
    issued = documents.documents_of(application).filter(code=code.upper()).first()
    if issued is None:
        raise Http404
    return document_download_response(request, issued)


@login_required
@require_POST
def supplement(request, number):
    """提交补正材料: back to the state and step the case left (resubmit / resubmit_to_step as offered)."""
    application = selectors.application_for(request.user, number)
    transition = next((t for t in available(application, request.user) if t.name in RESUBMIT), None)
    if transition is None:
        messages.error(request, _("该申报件当前不需要补正。"))
        return _detail(application)
    try:
        perform(application, transition.name, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
        return render(request, "applications/detail.html", _case_context(request, application), status=400)
    messages.success(request, _("补正材料已提交，审核将从原环节继续。"))
    return _detail(application)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, number):
    application = selectors.application_for(request.user, number)
    if not any(t.name == "withdraw" for t in available(application, request.user)):
        messages.error(request, _("该申报件当前不能撤回。"))
        return _detail(application)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(application, "withdraw", by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            for message in _messages_of(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("申报已撤回。本批次内可重新申报。"))
            return _detail(application)
    status = 400 if request.method == "POST" else 200
    return render(request, "applications/withdraw.html", {"application": application, "form": form}, status=status)


@login_required
@require_POST
def rate(request, number):
    application = selectors.application_for(request.user, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            ratings.rate(
                application,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect(_back(application) + "#rating")
    if not application.is_concluded:
        form.errors.clear()
        form.add_error(None, _("申报件办结后才能评价。"))
    context = _case_context(request, application, rating_form=form)
    return render(request, "applications/detail.html", context, status=400)


# --- 我的申报 ------------------------------------------------------------------------------------------------------


@login_required
def mine(request):
    """`/applications/`: every application of the user's enterprises, drafts included, with the next action."""
    found = selectors.applications_for_user(request.user)
    rows = [{"application": a, "next_action": selectors.next_action(a)} for a in found]
    return render(request, "applications/mine.html", {"rows": rows})


# --- public progress --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress(request):
    """`/applications/progress/`: the 查询码 form (public). An appeal's 工单编号 (SQ + 14 digits) typed here is
    answered with where to look instead (诉求进度查询)."""
    form = ProgressForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("applications:progress_detail", code=form.cleaned_data["code"])
    typed = normalise_code(str(form.data.get("code") or "")) if form.is_bound else ""
    context = {"form": form, "appeal_number": typed if re.fullmatch(r"SQ\d{14}", typed) else ""}
    return render(request, "applications/progress.html", context, status=400 if form.errors else 200)


def progress_detail(request, code):
    """`/applications/progress/<code>/`: non-sensitive facts only (matter, status, stages, dates, department)."""
    normalized = normalise_code(code)
    if normalized != code:
        return redirect("applications:progress_detail", code=normalized)
    application = selectors.by_code(code)
    if application is None:
        form = ProgressForm(initial={"code": code})
        context = {"form": form, "not_found": True}
        return render(request, "applications/progress.html", context, status=404)
    context = {
        "application": application,
        "stages": selectors.public_stages(application),
        "today": timezone.localdate(),
    }
    return render(request, "applications/progress_detail.html", context)
