"""The appeal pages of the portal (诉求): submit, 我的诉求, one appeal's timeline, evaluation, tracking.

- `/appeals/new/` 我要诉求: an enterprise user submits for their enterprise (phone prefilled from the account); an
  anonymous visitor leaves a name, a mobile number and the region, is limited per address and hour, and is shown
  the 工单编号 and 查询码 once. GET parameters kind, title, content, policy, matter prefill the form (the smart
  Q&A's 转为诉求). Everything is checked by `services.submit`; nothing is stored on any error.
- `/appeals/` 我的诉求 and `/appeals/<number>/`: the appeals of the user and their enterprises
  (`services.for_submitter`); another's number is a 404. The page offers only what `workflow.available` allows:
  撤回, 补充信息 and 评价 (`services.evaluate`: the first 不满意 sends the ticket back once).
- `/appeals/<number>/attachments/<id>/`: the submitter's side and the staff who may view the appeal; others 404.
- `/appeals/evaluate/<token>/`: the signed link of the SMS (`services.appeal_from_token`), evaluated by the platform.
- `/appeals/track/`: number + 查询码 → a read-only view, contact masked, one generic message when they do not match;
  `?number=` prefills the number (the 查询办理进度 button of the success page).

The submitter reads each state in plain words (`status_label`: 已退单待改派 is 重新派单中) and the timeline as what
happened (`steps`: 受理, 派单至…, 签收, 退单 with its 退单理由, 答复, 评价：满意), the resulting state secondary.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from appeals import services
from appeals.forms import AppealForm, EvaluationForm, SupplyForm, TrackForm, WithdrawForm
from appeals.models import Appeal, AppealState, Channel, Satisfaction
from enterprises import selectors as enterprise_selectors
from portal.accounts import ratelimit
from portal.audit.network import client_ip
from portal.core import crypto, uploads
from portal.core.workflow import available, perform
from portal.workcalendar import clocks

S = AppealState
SUBMITTED_KEY = "appeals_submitted"

# The badge (the portal's status-* classes) of each state.
BADGES = {
    S.SUBMITTED: "pending",
    S.ACCEPTED: "pending",
    S.RETURNED: "pending",
    S.DISPATCHED: "pending",
    S.HANDLING: "pending",
    S.WAITING: "supplement",
    S.REPLIED: "warning",
    S.CLOSED: "closed",
    S.REJECTED: "rejected",
    S.WITHDRAWN: "withdrawn",
}

# The clock whose due date a state waits on: 受理 before acceptance, 办理答复 while with a department, 评价 after
# the reply; none between acceptance and dispatch (the operations centre's own step has no clock of its own).
# How a state reads to the submitter where the back office's word would puzzle them.
PUBLIC_LABELS = {S.RETURNED: _lazy("重新派单中")}

CURRENT_CLOCK = {
    S.SUBMITTED: "appeal_accept",
    S.DISPATCHED: "appeal_handle",
    S.HANDLING: "appeal_handle",
    S.WAITING: "appeal_handle",
    S.REPLIED: "appeal_evaluate",
}


def status_label(status: str) -> str:
    """The submitter's name of a state (`PUBLIC_LABELS`, else the state's own label)."""
    return str(PUBLIC_LABELS.get(status) or S(status).label)


def _label(appeal) -> None:
    """Sets `badge` and `status_label` on an appeal for the templates."""
    appeal.badge = BADGES.get(appeal.status, "pending")
    appeal.status_label = status_label(appeal.status)


def _per_hour(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _limited(request, what: str, per_hour: int) -> bool:
    """True when this address has used up `per_hour` requests of `what` in the current hour (counted in the
    database: the limit holds while Redis is down)."""
    key = f"appeal-{what}:" + crypto.digest(client_ip(request) or "unknown")
    return ratelimit.hit(key, window=timedelta(hours=1)) > per_hour


def _acts_for_enterprise(user) -> bool:
    return user.is_authenticated and not user.is_staff and user.enterprise_memberships.exists()


def _messages_of(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("您无权办理此操作。")]


def _add_errors(form, error: ValidationError, aliases=None) -> None:
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for key, texts in error.message_dict.items():
            key = aliases.get(key, key)
            for text in texts:
                form.add_error(key if key in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


def _staff_page(request):
    """Staff handle appeals in the back office; the public appeal pages are the submitter's."""
    return render(request, "appeals/staff.html", status=403)


# --- 我要诉求 ---------------------------------------------------------------------------------------------------


def _choices():
    from matters.models import Matter, MatterStatus
    from policies.models import Policy

    policies = Policy.objects.filter(status=Policy.Status.PUBLISHED).order_by("-id").only("id", "title")
    matters = (
        Matter.objects.filter(status=MatterStatus.PUBLISHED)
        .select_related("policy")
        .order_by("name")
        .only("id", "name", "policy__id", "policy__title")
    )
    return policies, matters


def _regions():
    """The regions an anonymous visitor may choose: those with an operations centre and the regions below them
    (served by the nearest centre above, `services.operations_centre_for`)."""
    from portal.org.models import Department, Region

    ids = set(Department.objects.filter(kind=Department.Kind.OPERATIONS).values_list("region_id", flat=True))
    frontier = set(ids)
    while frontier:
        frontier = set(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return Region.objects.filter(pk__in=ids).exclude(level=Region.Level.PROVINCE).order_by("code")


def _prefill(request, policies, matters) -> dict:
    """Initial values from the query string (转为诉求 from the smart Q&A): kind, title, content, policy, matter —
    a policy by id or slug, a matter by id or code; unknown ones are ignored."""
    get = request.GET
    initial = {}
    if get.get("kind") in dict(AppealForm.base_fields["kind"].choices):
        initial["kind"] = get["kind"]
    if get.get("title"):
        initial["title"] = get["title"][:100]
    if get.get("content"):
        initial["content"] = get["content"][:5000]
    policy = (get.get("policy") or "").strip()[:200]
    if policy:
        found = policies.filter(Q(slug=policy) | Q(pk=int(policy) if policy.isdigit() else None)).first()
        if found:
            initial["policy"] = found.pk
    matter = (get.get("matter") or "").strip()[:40]
    if matter:
        found = matters.filter(Q(code=matter) | Q(pk=int(matter) if matter.isdigit() else None)).first()
        if found:
            initial["matter"] = found.pk
    return initial


@require_http_methods(["GET", "POST"])
def new(request):
    """我要诉求 (see the module docstring)."""
    user = request.user
    if user.is_authenticated and user.is_staff:
        return _staff_page(request)
    from applications.models import Application, Status

    policies, matters = _choices()
    owned = enterprise_selectors.enterprises_for_user(user)
    enterprises = list(owned)
    if enterprises:
        applications = (
            Application.objects.filter(enterprise__in=enterprises)
            .exclude(status=Status.DRAFT)
            .select_related("matter")
            .order_by("-created_at", "-id")
        )
        kwargs = {"enterprises": owned, "applications": applications}
    else:
        kwargs = {"enterprises": None, "applications": None}
    kwargs.update(policies=policies, matters=matters, regions=_regions())
    initial = _prefill(request, policies, matters)
    if user.is_authenticated:
        initial.setdefault("contact_phone", user.phone)
        initial.setdefault("contact_name", getattr(user, "name", ""))
    if request.method != "POST":
        form = AppealForm(initial=initial, **kwargs)
        return render(request, "appeals/new.html", {"form": form, "anonymous": not enterprises})

    form = AppealForm(request.POST, request.FILES, **kwargs)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        if not user.is_authenticated and _limited(
            request, "submit", _per_hour("APPEAL_ANONYMOUS_SUBMISSIONS_PER_HOUR", 5)
        ):
            form.add_error(None, _("同一网络提交诉求过于频繁，请一小时后再试，或拨打12345热线。"))
            status = 429
        else:
            try:
                with uploads.discard_stored_on_failure():
                    appeal = services.submit(
                        services.NewAppeal(
                            kind=data["kind"],
                            title=data["title"],
                            content=data["content"],
                            channel=Channel.PORTAL,
                            urgency=data["urgency"],
                            enterprise=data.get("enterprise"),
                            submitted_by=user if user.is_authenticated else None,
                            contact_name=data.get("contact_name") or "",
                            contact_phone=data["contact_phone"],
                            region=data.get("region"),
                            policy=data.get("policy"),
                            matter=data.get("matter"),
                            application=data.get("application"),
                            files=tuple(data.get("files") or ()),
                        )
                    )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if enterprises:
                    messages.success(
                        request,
                        _("诉求已提交，工单编号%(number)s。城运中心（12345）将在1个工作日内受理。")
                        % {"number": appeal.number},
                    )
                    return redirect(appeal.get_absolute_url())
                numbers = request.session.get(SUBMITTED_KEY, [])[-4:]
                request.session[SUBMITTED_KEY] = [*numbers, appeal.number]
                return redirect("appeals:submitted")
    return render(request, "appeals/new.html", {"form": form, "anonymous": not enterprises}, status=status)


def submitted(request):
    """提交成功 for a visitor without an enterprise: the 工单编号 and 查询码, shown to the session that submitted."""
    numbers = request.session.get(SUBMITTED_KEY) or []
    appeal = Appeal.objects.filter(number__in=numbers[-1:]).first()
    if appeal is None:
        return redirect("appeals:track")
    return render(request, "appeals/submitted.html", {"appeal": appeal, "centre_note": _centre_note(appeal)})


# --- 我的诉求 ---------------------------------------------------------------------------------------------------


def _current_clock(appeal):
    kind = CURRENT_CLOCK.get(appeal.status)
    if kind is None:
        return None
    return clocks.of(appeal, kind).exclude(state="stopped").order_by("-id").first()


def _due_dates(appeals) -> dict[int, object]:
    """{appeal id: the running or paused clock its state waits on} in one query."""
    from django.contrib.contenttypes.models import ContentType

    from portal.workcalendar.models import Clock

    wanted = {a.pk: CURRENT_CLOCK.get(a.status) for a in appeals if CURRENT_CLOCK.get(a.status)}
    rows = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal),
        object_id__in=list(wanted),
        kind__in=set(wanted.values()),
    ).exclude(state="stopped")
    found = {}
    for clock in rows.order_by("id"):
        if wanted.get(clock.object_id) == clock.kind:
            found[clock.object_id] = clock
    return found


@login_required
def mine(request):
    """我的诉求: the user's and their enterprises' appeals, newest first, filtered by `?status=`."""
    if request.user.is_staff:
        return _staff_page(request)
    rows = services.for_submitter(request.user).select_related("enterprise", "department")
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    status = request.GET.get("status", "")
    chosen = status if status in S.values else ""
    shown = list(rows.filter(status=chosen) if chosen else rows)
    due = _due_dates(shown)
    for appeal in shown:
        _label(appeal)
        appeal.clock = due.get(appeal.pk)
    filters = [{"value": "", "label": _("全部"), "count": sum(counts.values()), "selected": not chosen}] + [
        {"value": value, "label": status_label(value), "count": counts[value], "selected": value == chosen}
        for value in S.values
        if counts.get(value)
    ]
    context = {"appeals": shown, "filters": filters, "chosen": chosen, "total": sum(counts.values())}
    return render(request, "appeals/mine.html", context)


# --- one appeal -------------------------------------------------------------------------------------------------


def _derivation(appeal, clock) -> list[str]:
    """How the due date of `clock` was counted (working days, holidays skipped), staff names left out: an
    approved extension is shown as approved by the operations centre."""
    if clock is None:
        return []
    explanation = clocks.explain(clock)
    centre = appeal.operations_centre.name
    explanation = dataclasses.replace(
        explanation, extensions=[dataclasses.replace(e, approved_by=centre) for e in explanation.extensions]
    )
    return explanation.lines()


# The history note of a change of state is the transition's label, then "：" and what was given
# (`workflow.perform`): the words that the given part is shown under on the submitter's page. The part is left out
# where the step's own words already say it (the department of 派单, the satisfaction of 评价).
NOTE_LABELS = {
    "受理": "",
    "不予受理": _lazy("不予受理理由"),
    "派单": None,
    "签收": "",
    "退单": _lazy("退单理由"),
    "索要补充信息": _lazy("需补充的信息"),
    "补充信息": _lazy("补充的信息"),
    "答复": None,
    "直接答复": None,
    "评价": None,
    "不满意，要求重办": _lazy("不满意的原因"),
    "逾期未评价办结": None,
    "撤回": _lazy("撤回原因"),
}
SATISFACTION_WORDS = {
    "满意": Satisfaction.SATISFIED,
    "基本满意": Satisfaction.BASIC,
    "不满意": Satisfaction.UNSATISFIED,
}


def _prefixes() -> list[tuple[str, str]]:
    """(the label as the history may hold it — Chinese or English —, its Chinese key), longest first."""
    from django.utils import translation

    found = set()
    for key in NOTE_LABELS:
        found.add((key, key))
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                found.add((translation.gettext(key), key))
    return sorted(found, key=lambda pair: len(pair[0]), reverse=True)


def _split_note(note: str) -> tuple[str, str]:
    """("退单", "请改派市人社局") for "退单：请改派市人社局" (or "Return: …"); ("", note) for any other note."""
    for shown, key in _prefixes():
        if note == shown:
            return key, ""
        for colon in ("：", ": "):
            if note.startswith(shown + colon):
                return key, note[len(shown) + len(colon) :].strip()
    return "", note


def _satisfaction(text: str) -> str:
    value = SATISFACTION_WORDS.get(text) or next((v for v, label in Satisfaction.choices if str(label) == text), "")
    return Satisfaction(value).label if value else text


def steps(timeline: list[dict]) -> list[dict]:
    """`services.timeline` rows as what happened: [{at, what, note_label, note, status, status_label}].

    what: 提交诉求, 受理, 派单至<部门>, 签收, 退单, 补充信息, <部门>答复, 评价：满意, 不满意，要求重办 … — the step;
    note: what was given with it (a 退单理由, 不予受理理由, 撤回原因 …) under note_label; status_label: the state it led
    to, in the submitter's words (`status_label`)."""
    out = []
    previous = None
    for row in timeline:
        status = row["status"]
        key, given = _split_note(row.get("note") or "")
        department = row.get("department") or ""
        if previous is None:
            what = pgettext("appeal step", "提交诉求")
        elif status == S.DISPATCHED and previous == S.REPLIED:
            what = _("不满意，要求重办；重新派至%(department)s") % {"department": department}
        elif status == S.DISPATCHED:
            what = _("派单至%(department)s") % {"department": department}
        elif status == S.HANDLING:
            what = pgettext("appeal step", "补充信息") if previous == S.WAITING else pgettext("appeal step", "签收")
        elif status == S.RETURNED:
            what = pgettext("appeal step", "退单")
        elif status == S.WAITING:
            what = _("承办部门请您补充信息")
        elif status == S.REPLIED:
            what = (
                _("%(department)s答复") % {"department": department} if department else pgettext("appeal step", "答复")
            )
        elif status == S.CLOSED and key == "评价" and given:
            what = _("评价：%(satisfaction)s") % {"satisfaction": _satisfaction(given)}
        elif status == S.CLOSED and key == "逾期未评价办结":
            what = _("逾期未评价，自动办结")
        elif status == S.CLOSED:
            what = pgettext("appeal step", "办结")
        elif status == S.ACCEPTED:
            what = pgettext("appeal step", "受理")
        elif status == S.REJECTED:
            what = pgettext("appeal step", "不予受理")
        elif status == S.WITHDRAWN:
            what = pgettext("appeal step", "撤回")
        else:
            what = status_label(status)
        label = NOTE_LABELS.get(key, "") if key else ""
        note = "" if previous is None or label is None else given
        out.append(
            {
                "at": row["at"],
                "what": what,
                "note_label": str(label or "") if note else "",
                "note": note,
                "status": status,
                "status_label": status_label(status),
            }
        )
        previous = status
    return out


def _centre_note(appeal) -> str:
    """Why the ticket's 受理中心 is above the region the submitter chose: that region has no centre of its own."""
    centre = appeal.operations_centre
    if appeal.region_id is None or centre is None or centre.region_id == appeal.region_id:
        return ""
    return _("%(region)s未设城运中心（12345），由%(centre)s受理。") % {
        "region": appeal.region.name,
        "centre": centre.name,
    }


def _appeal_context(appeal, user=None, *, forms=None) -> dict:
    timeline = services.timeline(appeal)
    clock = _current_clock(appeal)
    names = {t.name for t in available(appeal, user)} if user is not None else set()
    forms = forms or {}
    _label(appeal)
    may_evaluate = bool(names & {"evaluate", "reopen"})
    return {
        "appeal": appeal,
        "timeline": timeline,
        "steps": steps(timeline),
        "anonymous": appeal.submitted_by_id is None,
        "centre_note": _centre_note(appeal),
        "replies": list(appeal.replies.select_related("department").order_by("replied_at", "id")),
        "attachments": list(appeal.attachments.order_by("id")),
        "clock": clock,
        "derivation": _derivation(appeal, clock),
        "requested_info": services.open_question(appeal) if appeal.status == S.WAITING else "",
        "information_requests": list(appeal.information_requests.select_related("department").order_by("asked_at")),
        "may_withdraw": "withdraw" in names,
        "may_supply": "supply_info" in names,
        "may_evaluate": may_evaluate,
        "reopen_possible": "reopen" in names,
        "withdraw_form": forms.get("withdraw") or WithdrawForm(),
        "supply_form": forms.get("supply") or SupplyForm(),
        "evaluation_form": forms.get("evaluate") or EvaluationForm(),
    }


def _not_found(request):
    """没有找到这件诉求: the appeal pages' own 404 (a wrong number, or another's appeal: one message for both)."""
    return render(request, "appeals/not_found.html", status=404)


def _submitters_appeal(user, number: str) -> Appeal | None:
    return (
        services.for_submitter(user)
        .select_related("enterprise", "department", "operations_centre", "region", "policy", "matter", "application")
        .filter(number=number.upper())
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, number):
    """One appeal of the user's side: its timeline, replies, due date with its derivation, and the actions the
    workflow offers now (POST `action` = withdraw | supply_info | evaluate)."""
    user = request.user
    if user.is_staff:
        appeal = services.visible_to(user).filter(number=number.upper()).first()
        if appeal is None:
            raise Http404(_("没有这件诉求"))
        return redirect(services.admin_link(appeal))
    appeal = _submitters_appeal(user, number)
    if appeal is None:
        return _not_found(request)
    if request.method == "POST":
        return _act(request, appeal)
    return render(request, "appeals/detail.html", _appeal_context(appeal, user))


def _act(request, appeal):
    user = request.user
    action = request.POST.get("action", "")
    names = {t.name for t in available(appeal, user)}
    forms = {}
    try:
        if action == "withdraw" and "withdraw" in names:
            form = forms["withdraw"] = WithdrawForm(request.POST)
            if form.is_valid():
                perform(appeal, "withdraw", by=user, reason=form.cleaned_data["reason"])
                messages.success(request, _("诉求已撤回。"))
                return redirect(appeal.get_absolute_url())
        elif action == "supply_info" and "supply_info" in names:
            form = forms["supply"] = SupplyForm(request.POST, request.FILES)
            if form.is_valid() and _supply(appeal, form, user):
                messages.success(request, _("补充信息已提交，承办部门将继续办理，办理时限恢复计时。"))
                return redirect(appeal.get_absolute_url())
        elif action == "evaluate" and names & {"evaluate", "reopen"}:
            form = forms["evaluate"] = EvaluationForm(request.POST)
            if form.is_valid() and _evaluate(appeal, form, by=user):
                messages.success(request, _thanks(appeal))
                return redirect(appeal.get_absolute_url())
        else:
            messages.error(
                request,
                _("工单当前状态为“%(state)s”，不能办理此操作。") % {"state": status_label(appeal.status)},
            )
            return redirect(appeal.get_absolute_url())
    except (ValidationError, PermissionDenied) as error:
        for text in _messages_of(error):
            messages.error(request, text)
        return redirect(appeal.get_absolute_url())
    appeal.refresh_from_db()
    return render(request, "appeals/detail.html", _appeal_context(appeal, user, forms=forms), status=400)


def _supply(appeal, form, user) -> bool:
    """补充信息 with its files (checked by content first); False with the errors on the form."""
    files = form.cleaned_data.get("files") or []
    if appeal.attachments.count() + len(files) > services.MAX_ATTACHMENTS * 2:
        form.add_error("files", _("本工单附件已达上限，请在文字中说明。"))
        return False
    for upload in files:
        try:
            uploads.check_size(upload, services.MAX_ATTACHMENT_MB)
            uploads.validate_document(upload)
        except ValidationError as error:
            form.add_error("files", "；".join(error.messages))
            return False
    try:
        with transaction.atomic(), uploads.discard_stored_on_failure():
            perform(appeal, "supply_info", by=user, reason=form.cleaned_data["reason"])
            for upload in files:
                services.attach(appeal, upload, by=user)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            _add_errors(form, error)
            return False
        raise
    return True


def _evaluate(appeal, form, *, by) -> bool:
    try:
        services.evaluate(
            appeal, satisfaction=form.cleaned_data["satisfaction"], comment=form.cleaned_data["comment"], by=by
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            _add_errors(form, error, aliases={"reason": "comment"})
            return False
        raise
    return True


def _thanks(appeal) -> str:
    appeal.refresh_from_db()
    if appeal.status == S.DISPATCHED:
        return _("已收到您的评价。工单已退回%(department)s重新办理，办理结果将再次答复您。") % {
            "department": appeal.department.name
        }
    return _("感谢您的评价，工单已办结。")


@login_required
def attachment(request, number, pk):
    """One attachment: for the submitter's side, and for staff who may view the appeal; anyone else a 404."""
    user = request.user
    if user.is_staff:
        appeal = services.visible_to(user).filter(number=number.upper()).first()
        if appeal is None:
            raise Http404
    else:
        appeal = _submitters_appeal(user, number)
        if appeal is None:
            return _not_found(request)
    row = appeal.attachments.filter(pk=pk).first()
    if row is None or not row.file:
        raise Http404
    handle = row.file.open("rb")
    kind = uploads.detect(handle)
    response = FileResponse(
        handle,
        as_attachment=not (kind and kind.inline),
        filename=uploads.stored_name(row.name, kind) if kind else row.name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- evaluation by the SMS link ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluate_link(request, token):
    """评价链接: the reply and the evaluation form; a forged link is a 400, an expired or used one a 410."""
    try:
        appeal = services.appeal_from_token(token)
    except ValidationError as error:
        status = 400 if error.code == "forged" else 410
        return render(request, "appeals/link_invalid.html", {"message": error.messages[0]}, status=status)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = _evaluate(appeal, form, by=None)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, "；".join(_messages_of(error)))
            done = False
        if done:
            appeal.refresh_from_db()
            return render(request, "appeals/evaluated.html", {"appeal": appeal, "thanks": _thanks(appeal)})
    context = {
        "appeal": appeal,
        "replies": list(appeal.replies.select_related("department").order_by("replied_at", "id")),
        "form": form,
        "reopen_possible": appeal.reopen_count == 0 and appeal.department_id is not None,
        "satisfaction": Satisfaction,
    }
    return render(request, "appeals/evaluate_link.html", context, status=400 if form.errors else 200)


# --- tracking by number and 查询码 --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track(request):
    """查询进度: the pair must match; one message for any mismatch, limited per address and hour."""
    number = (request.GET.get("number") or "").strip()[:40]
    form = TrackForm(request.POST or None, initial={"number": number} if number else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _limited(request, "track", _per_hour("APPEAL_TRACK_PER_HOUR", 20)):
            form.add_error(None, _("查询过于频繁，请一小时后再试。"))
            status = 429
        else:
            appeal = (
                Appeal.objects.select_related("department", "operations_centre", "region")
                .filter(number=form.cleaned_data["number"], tracking_code=form.cleaned_data["code"])
                .first()
            )
            if appeal is not None:
                return render(request, "appeals/tracked.html", _appeal_context(appeal))
            form.add_error(None, _("工单编号或查询码不正确，请核对后重新输入。"))
            status = 404
    elif form.errors:
        status = 400
    return render(request, "appeals/track.html", {"form": form}, status=status)


def new_url_for(**params) -> str:
    """The 我要诉求 address with its prefill (for the smart Q&A's 转为诉求)."""
    from django.utils.http import urlencode

    return reverse("appeals:new") + ("?" + urlencode(params) if params else "")
