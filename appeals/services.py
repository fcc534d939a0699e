"""What the appeal screens, the 12345 API and the beat tasks do (诉求服务): submit, dispatch, reply, evaluate, extend.

The workflow (`appeals.workflow.APPEAL`) is the only way an appeal changes state; these functions prepare what
a transition needs (the department to dispatch to, the reply, the evaluation) and do what follows it (who is
told). Refusals are Chinese `ValidationError`s or `PermissionDenied`s; nothing here returns a half-done change.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.models import (
    DEFAULT_LIMITS,
    DEFAULT_PAUSABLE,
    Appeal,
    AppealAttachment,
    AppealKind,
    AppealReply,
    AppealState,
    AppealTimeLimit,
    Channel,
    DispatchRecord,
    EvaluationSource,
    ExtensionRequest,
    ExtensionState,
    Satisfaction,
    Stage,
)
from portal.core import normalize
from portal.org.models import Department, Role
from portal.org.permissions import grant_to_department, revoke_from_department, scope
from portal.workcalendar import clocks

log = logging.getLogger(__name__)

S = AppealState
NUMBER_LOCK = 0x53510001  # pg_advisory_xact_lock key of the 工单编号 serial ("SQ" 1)
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_MB = 10


# --- time limits (诉求办理时限) --------------------------------------------------------------------------


def limit_days(kind: str, stage: str) -> int:
    """Working days `stage` may take for an appeal of `kind`: the admin's `AppealTimeLimit`, else `DEFAULT_LIMITS`."""
    row = AppealTimeLimit.objects.filter(kind=kind, stage=stage).values_list("days", flat=True).first()
    return int(row) if row else DEFAULT_LIMITS[Stage(stage)][AppealKind(kind)]


def pausable(kind: str) -> bool:
    """Whether the 办理 clock of an appeal of `kind` stops while the department waits for the submitter."""
    row = AppealTimeLimit.objects.filter(kind=kind, stage=Stage.HANDLE).values_list("pausable", flat=True).first()
    return bool(row) if row is not None else DEFAULT_PAUSABLE[AppealKind(kind)]


# --- where an appeal goes --------------------------------------------------------------------------


def operations_centre_for(region) -> Department | None:
    """The operations centre (城运中心（12345）) serving `region`: its own, else the nearest one above it."""
    while region is not None:
        centre = Department.objects.filter(region=region, kind=Department.Kind.OPERATIONS).order_by("id").first()
        if centre is not None:
            return centre
        region = region.parent
    return None


def dispatchable_departments(appeal):
    """The departments the operations centre may dispatch `appeal` to: those of its region and the regions
    below it, the centre itself excepted (it answers directly instead)."""
    centre = appeal.operations_centre
    return (
        Department.objects.filter(region_id__in=centre.region.subtree_ids())
        .exclude(pk=centre.pk)
        .select_related("region")
    )


def suggested_department(appeal) -> Department | None:
    """派单建议: the department of the related matter, else the lead department of the related policy, else of the
    related application's matter, else the department that last answered this enterprise about the same matter or
    policy. None when nothing points anywhere."""
    candidates = []
    if appeal.matter_id:
        candidates.append(appeal.matter.department)
    if appeal.application_id:
        candidates.append(appeal.application.matter.department)
    if appeal.policy_id:
        candidates.append(appeal.policy.lead_department)
    allowed = set(dispatchable_departments(appeal).values_list("pk", flat=True))
    for department in candidates:
        if department is not None and department.pk in allowed:
            return department
    similar = (
        Appeal.objects.exclude(pk=appeal.pk)
        .filter(Q(matter_id=appeal.matter_id) if appeal.matter_id else Q(policy_id=appeal.policy_id))
        .filter(department__isnull=False, status=S.CLOSED)
        .exclude(department=appeal.operations_centre)
        if (appeal.matter_id or appeal.policy_id)
        else Appeal.objects.none()
    )
    last = similar.order_by("-closed_at").values_list("department_id", flat=True).first()
    return Department.objects.filter(pk=last, pk__in=allowed).first() if last else None


def dispatch_target(appeal, department) -> Department:
    """The department chosen for 派单, checked: given, within the centre's regions, not the one that just returned
    the ticket."""
    if department in (None, ""):
        raise ValidationError({"department": _("请选择承办部门。")}, code="no_department")
    if not isinstance(department, Department):
        department = Department.objects.filter(pk=department).first()
    if department is None or not dispatchable_departments(appeal).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("只能派给本受理中心所辖区划的部门。")}, code="foreign_department")
    returned = appeal.dispatches.filter(returned_at__isnull=False).order_by("-returned_at").first()
    if appeal.status == S.RETURNED and returned is not None and returned.department_id == department.pk:
        raise ValidationError(
            {
                "department": _("%(name)s刚刚退回本工单（%(reason)s），请改派其他部门。")
                % {"name": department.name, "reason": returned.return_reason}
            },
            code="returned_by_department",
        )
    return department


def hand_to(appeal, department, *, by, at, note: str = "") -> DispatchRecord:
    """Gives the appeal to `department` (派单 or 重办): a new dispatch record, and the department may see it."""
    appeal.department = department
    appeal.dispatched_at = at
    appeal.signed_at = None
    record = DispatchRecord.objects.create(
        appeal=appeal,
        department=department,
        round=appeal.reopen_count + 1,
        note=(note or "")[:500],
        dispatched_by=by,
        dispatched_at=at,
    )
    if department.group_id:
        grant_to_department(appeal, department, ["view", "change"])
    return record


def current_dispatch(appeal) -> DispatchRecord | None:
    return appeal.dispatches.filter(returned_at__isnull=True).order_by("-dispatched_at", "-id").first()


def mark_signed(appeal, *, by, at) -> None:
    record = current_dispatch(appeal)
    if record is not None:
        record.signed_by, record.signed_at = by, at
        record.save(update_fields=["signed_by", "signed_at"])
    appeal.signed_at = at


def take_back(appeal, *, by, at, reason: str) -> None:
    """退单: the department's dispatch closes with its reason; the department no longer sees the ticket."""
    record = current_dispatch(appeal)
    if record is not None:
        record.returned_by, record.returned_at, record.return_reason = by, at, reason[:500]
        record.save(update_fields=["returned_by", "returned_at", "return_reason"])
    if appeal.department_id and appeal.department.group_id:
        revoke_from_department(appeal, appeal.department, ["view", "change"])
    appeal.department = None
    appeal.signed_at = None


def record_reply(appeal, *, content: str, by, at) -> AppealReply:
    content = normalize.prose(content)
    reply = AppealReply.objects.create(
        appeal=appeal,
        department=appeal.department,
        round=appeal.reopen_count + 1,
        content=content,
        replied_by=by,
        replied_at=at,
    )
    record = current_dispatch(appeal)
    if record is not None:
        record.replied_at = at
        record.save(update_fields=["replied_at"])
    appeal.replied_at = at
    return reply


def ask_submitter(appeal, *, question: str, by, at) -> None:
    """索要补充信息: the department's question kept whole (the history keeps a summary)."""
    from appeals.models import InformationRequest

    InformationRequest.objects.create(
        appeal=appeal, department=appeal.department, question=normalize.prose(question), asked_by=by, asked_at=at
    )


def record_supplement(appeal, *, answer: str, by, at) -> None:
    """补充信息: the submitter's (or the operator's, for a caller) answer to the open question, kept whole."""
    from appeals.models import InformationRequest

    InformationRequest.objects.filter(appeal=appeal, answered_at__isnull=True).update(
        answer=normalize.prose(answer), answered_by=by, answered_at=at
    )


def open_question(appeal) -> str:
    """What the department is waiting for now ("" when it waits for nothing)."""
    from appeals.models import InformationRequest

    return (
        InformationRequest.objects.filter(appeal=appeal, answered_at__isnull=True)
        .values_list("question", flat=True)
        .first()
        or ""
    )


# --- submission ------------------------------------------------------------------------------------


def _next_number(day: dt.date) -> str:
    """工单编号 SQ + yyyymmdd + 6 digits, serial per day, drawn under an advisory lock held until commit."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBER_LOCK])
    prefix = f"SQ{day:%Y%m%d}"
    last = Appeal.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


@dataclass
class NewAppeal:
    """What a submission carries, from any channel (the portal form, the window, the 12345 API)."""

    kind: str
    title: str
    content: str
    channel: str = Channel.PORTAL
    urgency: str = "normal"
    enterprise: object = None
    submitted_by: object = None
    contact_name: str = ""
    contact_phone: str = ""
    region: object = None
    policy: object = None
    matter: object = None
    application: object = None
    hotline_number: str | None = None
    hotline_digest: str = ""
    files: tuple = ()
    # The member of staff who typed it in for the submitter (a window clerk): the history's user when
    # `submitted_by` is None, with the change reason 窗口登记诉求（<hall>）.
    recorded_by: object = None
    service_hall: object = None


def submit(new: NewAppeal, *, at: dt.datetime | None = None) -> Appeal:
    """Creates the appeal in 待受理, starts its 受理 clock and tells the 12345 platform, in one transaction.

    The region is the enterprise's unless given; the operations centre is the region's (or the nearest above).
    Refused (ValidationError, nothing stored) without a title, content or a way to reach the submitter, for a
    region no operations centre serves, and for an attachment that is not what it claims to be.
    """
    from appeals.hotline import queue_status
    from portal.core import uploads

    at = at or timezone.now()
    # One line as typed: invisible characters and line breaks go, Chinese punctuation stays (not NFKC).
    title = " ".join(normalize.prose(new.title).split())
    content = normalize.prose(new.content)
    errors = {}
    if new.kind not in AppealKind.values:
        errors["kind"] = _("请选择诉求类型。")
    if not title:
        errors["title"] = _("请填写诉求标题。")
    if len(content) < 10:
        errors["content"] = _("请把诉求写清楚（不少于10个字）。")
    phone = ""
    if new.contact_phone:
        try:
            phone = normalize.phone(new.contact_phone)
        except normalize.NormalizeError as error:
            errors["contact_phone"] = str(error)
    if new.enterprise is None and not phone and "contact_phone" not in errors:
        errors["contact_phone"] = _("匿名诉求请留下手机号码，以便办理部门联系和答复。")
    region = new.region or (new.enterprise.region if new.enterprise is not None else None)
    centre = operations_centre_for(region) if region is not None else None
    if region is None:
        errors["region"] = _("请选择诉求所在区划。")
    elif centre is None:
        errors["region"] = _("%(region)s尚未设立城运中心（12345），暂不能受理诉求。") % {"region": region.name}
    files = list(new.files or ())
    if len(files) > MAX_ATTACHMENTS:
        errors["files"] = _("附件最多%(n)d个。") % {"n": MAX_ATTACHMENTS}
    else:
        for upload in files:
            try:
                uploads.check_size(upload, MAX_ATTACHMENT_MB)
                uploads.validate_document(upload)
            except ValidationError as error:
                errors.setdefault("files", "；".join(error.messages))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        appeal = Appeal(
            number=_next_number(timezone.localdate(at)),
            hotline_number=new.hotline_number or None,
            hotline_digest=new.hotline_digest,
            kind=new.kind,
            channel=new.channel,
            urgency=new.urgency or "normal",
            title=title[:100],
            content=content[:5000],
            enterprise=new.enterprise,
            submitted_by=new.submitted_by,
            contact_name=normalize.text(new.contact_name)[:50],
            contact_phone=phone,
            region=region,
            operations_centre=centre,
            policy=new.policy,
            matter=new.matter,
            application=new.application,
            submitted_at=at,
            service_hall=new.service_hall if new.channel == Channel.WINDOW else None,
        )
        actor = new.submitted_by or new.recorded_by
        appeal._history_user = actor
        appeal._history_date = at
        appeal._change_reason = _("提交诉求（%(channel)s）") % {"channel": Channel(new.channel).label}
        if new.submitted_by is None and new.recorded_by is not None:
            appeal._change_reason = _recorded_reason(new.service_hall)
        appeal.save()
        for upload in files:
            attach(appeal, upload, by=actor)
        if centre.group_id:
            grant_to_department(appeal, centre, ["view", "change"])
        clocks.start(appeal, "appeal_accept", on=timezone.localdate(at), by=new.submitted_by)
        queue_status(appeal, action="submit", action_label=_("提交诉求"), at=at)
        transaction.on_commit(lambda: _tell_centre(appeal))
    return appeal


def _recorded_reason(hall) -> str:
    """窗口登记诉求（<hall name>）."""
    return _("窗口登记诉求（%(hall)s）") % {"hall": hall.name} if hall is not None else _("窗口登记诉求")


def attach(appeal, upload, *, by) -> AppealAttachment:
    """Stores one checked upload with its SHA-256 (the caller has validated its kind and size)."""
    import hashlib

    from portal.core import uploads

    upload.seek(0)
    sha = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    kind = uploads.detect(upload)
    attachment = AppealAttachment(
        appeal=appeal,
        name=(upload.name or "附件")[-200:],
        size=upload.size or 0,
        sha256=sha,
        uploaded_by=by,
    )
    upload.name = uploads.stored_name(upload.name or "file", kind) if kind else upload.name
    attachment.file = upload
    attachment.save()
    return attachment


# --- evaluation ------------------------------------------------------------------------------------


def evaluate(appeal, *, satisfaction: str, comment: str = "", by, source: str = EvaluationSource.SUBMITTER, at=None):
    """评价: 满意 / 基本满意 close the ticket; the first 不满意 sends it back to the same department (重办), a later
    one closes it as 不满意. `by` is the submitter, or None for a relayed (12345) or signed-link evaluation."""
    from portal.core.workflow import perform

    appeal = Appeal.objects.get(pk=appeal.pk)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意、基本满意或不满意。")})
    if satisfaction == Satisfaction.UNSATISFIED and appeal.reopen_count == 0 and appeal.department_id:
        comment = normalize.prose(comment)
        if not comment:
            raise ValidationError({"reason": _("请说明不满意的原因，以便承办部门重办。")})
        return perform(appeal, "reopen", by=by, reason=comment, at=at, satisfaction=satisfaction, source=source)
    comment = normalize.prose(comment)
    return perform(appeal, "evaluate", by=by, reason=comment, at=at, satisfaction=satisfaction, source=source)


EVALUATION_SALT = "appeals.evaluate"
EVALUATION_MAX_AGE = 60 * 60 * 24 * 30


def evaluation_token(appeal) -> str:
    """The signed token of the evaluation link sent by SMS (评价链接): names the ticket and its reply round."""
    return signing.dumps({"n": appeal.number, "r": appeal.reopen_count}, salt=EVALUATION_SALT, compress=True)


def appeal_from_token(token: str) -> Appeal:
    """The appeal a link's token names; ValidationError for a forged, expired or used-up link."""
    try:
        data = signing.loads(token, salt=EVALUATION_SALT, max_age=EVALUATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("评价链接已过期，请登录平台或拨打12345评价。"), code="expired") from None
    except signing.BadSignature:
        raise ValidationError(_("评价链接无效。"), code="forged") from None
    appeal = Appeal.objects.filter(number=data.get("n")).first()
    if appeal is None or appeal.reopen_count != data.get("r") or appeal.status != S.REPLIED:
        raise ValidationError(_("该工单当前无需评价。"), code="not_waiting")
    return appeal


# --- extensions (延期) -------------------------------------------------------------------------------


def request_extension(appeal, *, days: int, reason: str, by, at: dt.datetime | None = None) -> ExtensionRequest:
    """延期申请 by the handling department (1–30 working days, with a reason) on or before the 办理 clock's due
    date; one pending request at a time. PermissionDenied for anyone else; ValidationError otherwise."""
    from appeals.workflow import HANDLE_CLOCK, is_handler

    appeal = Appeal.objects.select_related("department").get(pk=appeal.pk)
    if not is_handler(by, appeal):
        raise PermissionDenied(_("本工单未派给您所在的部门，不能申请延期。"))
    if appeal.status not in {S.DISPATCHED, S.HANDLING, S.WAITING}:
        raise ValidationError(_("工单当前状态为“%(state)s”，不能申请延期。") % {"state": appeal.get_status_display()})
    reason = normalize.prose(reason)
    errors = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 30:
        errors["days"] = _("延长天数应为1至30个工作日。")
    if len(reason) < 5:
        errors["reason"] = _("请写明延期理由（不少于5个字）。")
    if errors:
        raise ValidationError(errors)
    clock = clocks.of(appeal, HANDLE_CLOCK).exclude(state="stopped").first()
    today = timezone.localdate(at)
    if clock is not None and clock.due_on is not None and today > clock.due_on:
        raise ValidationError(
            _("办理时限已于%(day)s届满，延期须在截止日期前申请。") % {"day": f"{clock.due_on:%Y-%m-%d}"},
            code="too_late",
        )
    if appeal.extension_requests.filter(status=ExtensionState.PENDING).exists():
        raise ValidationError(_("已有一项延期申请待城运中心审核，请勿重复申请。"), code="pending")
    request = ExtensionRequest(
        appeal=appeal,
        department=appeal.department,
        days=days,
        reason=reason[:500],
        due_before=clock.due_on if clock else None,
        requested_by=by,
    )
    if at is not None:
        request.requested_at = at
    request._history_user = by
    request.save()
    transaction.on_commit(lambda: _tell_centre_extension(request))
    return request


# --- who is told -----------------------------------------------------------------------------------


def public_url(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def _users_of(departments, roles) -> list[int]:
    from portal.org.models import Membership

    return list(
        Membership.objects.filter(department__in=departments, role__in=roles, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _tell_staff(user_ids, title: str, body: str, *, key: str, link: str) -> None:
    from portal.notify.services import send_site_message_batch

    if user_ids:
        send_site_message_batch([(uid, f"{key}:{uid}") for uid in set(user_ids)], title, body, link=link)


def admin_link(appeal) -> str:
    return f"/admin/appeals/appeal/{appeal.pk}/change/"


def _tell_centre(appeal) -> None:
    _tell_staff(
        _users_of([appeal.operations_centre_id], [Role.OPERATOR]),
        _("新诉求待受理：%(number)s") % {"number": appeal.number},
        f"{appeal.get_kind_display()}：{appeal.title}",
        key=f"appeal-new:{appeal.pk}",
        link=admin_link(appeal),
    )


def _tell_centre_extension(request) -> None:
    appeal = request.appeal
    _tell_staff(
        _users_of([appeal.operations_centre_id], [Role.OPERATOR]),
        _("延期申请待审核：%(number)s") % {"number": appeal.number},
        _("%(department)s申请延长%(days)d个工作日：%(reason)s")
        % {"department": request.department.name, "days": request.days, "reason": request.reason},
        key=f"appeal-extension:{request.pk}",
        link=f"/admin/appeals/extensionrequest/{request.pk}/change/",
    )


def extension_decided(request) -> None:
    appeal = request.appeal
    _tell_staff(
        _users_of([request.department_id], list(_handler_roles())),
        _("延期申请%(result)s：%(number)s") % {"result": request.get_status_display(), "number": appeal.number},
        request.decision_note or request.get_status_display(),
        key=f"appeal-extension-decided:{request.pk}",
        link=admin_link(appeal),
    )


def _handler_roles():
    from appeals.workflow import HANDLER_ROLES

    return HANDLER_ROLES


SMS_PROGRESS = "appeal_progress"
SMS_PROGRESS_TEXT = "您的诉求（工单{number}）{status}。{detail}"
SMS_REPLIED = "appeal_replied"
SMS_REPLIED_TEXT = "您的诉求（工单{number}）已答复，请查看并评价：{link}"


def ensure_templates() -> None:
    from portal.notify.services import ensure_template

    ensure_template(SMS_PROGRESS, _("诉求办理进度"), SMS_PROGRESS_TEXT)
    ensure_template(SMS_REPLIED, _("诉求答复与评价"), SMS_REPLIED_TEXT)


def sms_phone(appeal) -> str:
    """Where the submitter is reached by SMS: the contact phone left with the appeal, else the submitter's own."""
    if appeal.contact_phone:
        return appeal.contact_phone
    user = appeal.submitted_by
    return getattr(user, "phone", "") if user is not None else ""


def tell_submitter(appeal, title: str, body: str, *, key: str, sms: tuple | None = None) -> None:
    """A site message to the submitter (and the enterprise's members), and the SMS `sms` = (template, params)."""
    from portal.notify.services import queue_sms

    users = set()
    if appeal.submitted_by_id:
        users.add(appeal.submitted_by_id)
    if appeal.enterprise_id:
        users.update(appeal.enterprise.members.values_list("user_id", flat=True))
    _tell_staff(users, title, body, key=key, link=appeal.get_absolute_url())
    phone = sms_phone(appeal)
    if sms is not None and phone:
        ensure_templates()
        template, params = sms
        try:
            queue_sms(phone, template, params, dedupe_key=f"sms:{key}")
        except ValidationError:
            log.warning("appeal SMS not queued", extra={"appeal": appeal.pk, "template": template})


def after_transition(appeal, name: str) -> None:
    """Who hears of transition `name` (run after its commit): the submitter, the department, the centre, the
    supervisors. Dedupe keys carry the history row, so a retried effect sends nothing twice."""
    # The state and department the transition reached (the object `perform` saved), not the row now: the effects
    # of several transitions committed together (the demo, a relayed batch) run after the ticket has moved on.
    reached, department_id = appeal.status, appeal.department_id
    appeal = Appeal.objects.select_related("operations_centre", "enterprise").get(pk=appeal.pk)
    appeal.department = Department.objects.filter(pk=department_id).first()
    rows = appeal.history.filter(status=reached).order_by("-history_id")
    marker = rows.values_list("history_id", flat=True).first() or 0
    key = f"appeal:{appeal.pk}:{marker}"
    number = appeal.number
    if name == "accept":
        tell_submitter(appeal, _("诉求已受理：%(n)s") % {"n": number}, _("您的诉求已受理，正在派往承办部门。"), key=key)
    elif name == "reject":
        tell_submitter(
            appeal,
            _("诉求不予受理：%(n)s") % {"n": number},
            appeal.reject_reason,
            key=key,
            sms=(SMS_PROGRESS, {"number": number, "status": _("不予受理"), "detail": appeal.reject_reason[:40]}),
        )
    elif name in {"dispatch", "reopen"}:
        reopened = name == "reopen"
        _tell_staff(
            _users_of([appeal.department_id], list(_handler_roles())),
            (_("诉求重办：%(n)s") if reopened else _("新派诉求待签收：%(n)s")) % {"n": number},
            f"{appeal.get_kind_display()}：{appeal.title}",
            key=key,
            link=admin_link(appeal),
        )
        if reopened:
            supervisors = _supervisors_of(appeal)
            _tell_staff(
                supervisors,
                _("诉求人不满意，工单%(n)s已退回%(d)s重办") % {"n": number, "d": appeal.department.name},
                appeal.evaluation_comment,
                key=key + ":supervisor",
                link=admin_link(appeal),
            )
        else:
            tell_submitter(
                appeal,
                _("诉求已派单：%(n)s") % {"n": number},
                _("已派%(d)s办理。") % {"d": appeal.department.name},
                key=key,
            )
    elif name == "return":
        _tell_staff(
            _users_of([appeal.operations_centre_id], [Role.OPERATOR]),
            _("工单被退回，待改派：%(n)s") % {"n": number},
            appeal.dispatches.order_by("-id").values_list("return_reason", flat=True).first() or "",
            key=key,
            link=admin_link(appeal),
        )
    elif name == "request_info":
        tell_submitter(
            appeal,
            _("请补充诉求信息：%(n)s") % {"n": number},
            open_question(appeal),
            key=key,
            sms=(SMS_PROGRESS, {"number": number, "status": _("需要您补充信息"), "detail": _("请登录平台查看。")}),
        )
    elif name == "supply_info":
        _tell_staff(
            _users_of([appeal.department_id], list(_handler_roles())),
            _("诉求人已补充信息：%(n)s") % {"n": number},
            appeal.title,
            key=key,
            link=admin_link(appeal),
        )
    elif name in {"reply", "answer"}:
        link = public_url(f"/appeals/evaluate/{evaluation_token(appeal)}/")
        tell_submitter(
            appeal,
            _("诉求已答复，请评价：%(n)s") % {"n": number},
            _("%(d)s已答复您的诉求，请查看答复并评价。") % {"d": appeal.department.name},
            key=key,
            sms=(SMS_REPLIED, {"number": number, "link": link}),
        )


def _supervisors_of(appeal) -> list[int]:
    from portal.org.models import Membership

    regions = []
    region = appeal.region
    while region is not None:
        regions.append(region.pk)
        region = region.parent
    return list(
        Membership.objects.filter(role=Role.SUPERVISOR, department__region_id__in=regions, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


# --- reads -----------------------------------------------------------------------------------------


def visible_to(user, queryset=None):
    """The appeals a member of staff may see: those of their operations centre, those dispatched to their
    department (now or before — the object permission stays until a 退单), everything for supervisors."""
    return scope(user, queryset if queryset is not None else Appeal.objects.all(), "view")


def for_submitter(user):
    """The appeals an enterprise user may see in 我的诉求: theirs, and their enterprises'."""
    if not user.is_authenticated or user.is_staff:
        return Appeal.objects.none()
    enterprises = user.enterprise_memberships.values("enterprise_id")
    return Appeal.objects.filter(Q(submitted_by=user) | Q(enterprise_id__in=enterprises))


def timeline(appeal) -> list[dict]:
    """The appeal's history as the submitter sees it: each change of state with its time and what was said,
    staff names left out (the department is named)."""
    rows = []
    previous = None
    for row in appeal.history.order_by("history_date", "history_id"):
        if row.status != previous:
            rows.append(
                {
                    "at": row.history_date,
                    "status": row.status,
                    "label": AppealState(row.status).label,
                    "note": row.history_change_reason or "",
                    "department": row.department.name if row.department_id and row.department else "",
                }
            )
            previous = row.status
    return rows


# --- deadlines (预警、督办、超时限三倍) -----------------------------------------------------------------------


def _triple_due(clock) -> dt.date | None:
    """The day by which a clock has run three times its limit (its extensions included), pauses honoured."""
    limit = clock.limit_days + (clock.extensions.aggregate(n=Sum("days"))["n"] or 0)
    return clocks.compute_due(clock.started_on, 3 * limit, [(p.paused_on, p.resumed_on) for p in clock.pauses.all()])


def watch_deadlines(today: dt.date | None = None) -> dict[str, int]:
    """Daily (and hourly, idempotent): the 签收 and 办理 clocks of open appeals checked against their due dates.

    - 预警: a clock due today or on the next working day → a site message to the department's handlers, once per
      clock and due date;
    - 督办: a 办理 clock past its due date → `escalated_on` set and the operations centre's operators and the
      department's approvers told, once per appeal and dispatch round;
    - 超时限三倍: a 办理 clock (running, or stopped in the last 30 days) past three times its limit →
      `triple_overdue_on` set, counted for the supervisors.

    Returns the counts {"warned", "escalated", "triple"}.
    """
    from django.contrib.contenttypes.models import ContentType

    from portal import workdays
    from portal.workcalendar.models import Clock

    today = today or timezone.localdate()
    next_workday = workdays.add_workdays(today, 1)
    content_type = ContentType.objects.get_for_model(Appeal)
    base = Clock.objects.filter(content_type=content_type, kind__in=["appeal_sign", "appeal_handle"])
    counts = {"warned": 0, "escalated": 0, "triple": 0}
    running = base.filter(state=Clock.State.RUNNING)
    appeals = Appeal.objects.in_bulk({c.object_id for c in running.filter(due_on__lte=next_workday)})
    for clock in running.filter(due_on__gte=today, due_on__lte=next_workday):
        appeal = appeals.get(clock.object_id)
        if appeal is None or not appeal.is_open or appeal.department_id is None:
            continue
        label = clocks.kinds.get(clock.kind).label
        _tell_staff(
            _users_of([appeal.department_id], list(_handler_roles())),
            _("%(kind)s即将到期：%(n)s") % {"kind": label, "n": appeal.number},
            _("截止日期%(day)s，请及时办理。") % {"day": f"{clock.due_on:%Y-%m-%d}"},
            key=f"appeal-warn:{clock.pk}:{clock.due_on:%Y%m%d}",
            link=admin_link(appeal),
        )
        counts["warned"] += 1
    for clock in running.filter(kind="appeal_handle", due_on__lt=today):
        appeal = appeals.get(clock.object_id)
        if appeal is None or not appeal.is_open or appeal.escalated_on is not None:
            continue
        Appeal.objects.filter(pk=appeal.pk, escalated_on__isnull=True).update(escalated_on=today)
        _tell_staff(
            _users_of([appeal.operations_centre_id], [Role.OPERATOR])
            + _users_of([appeal.department_id], [Role.APPROVER]),
            _("诉求超期督办：%(n)s") % {"n": appeal.number},
            _("%(d)s办理时限已于%(day)s届满，尚未答复。")
            % {"d": appeal.department.name if appeal.department_id else "", "day": f"{clock.due_on:%Y-%m-%d}"},
            key=f"appeal-escalate:{appeal.pk}:{clock.pk}",
            link=admin_link(appeal),
        )
        counts["escalated"] += 1
    recent = timezone.now() - dt.timedelta(days=30)
    candidates = base.filter(kind="appeal_handle", overdue_since__isnull=False).filter(
        Q(state=Clock.State.RUNNING) | Q(stopped_at__gte=recent)
    )
    pending = set(
        Appeal.objects.filter(pk__in=candidates.values("object_id"), triple_overdue_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for clock in candidates.filter(object_id__in=pending).prefetch_related("pauses"):
        triple = _triple_due(clock)
        end = timezone.localdate(clock.stopped_at) if clock.stopped_at else today
        if triple is not None and end > triple:
            with transaction.atomic():
                appeal = Appeal.objects.select_for_update().get(pk=clock.object_id)
                if appeal.triple_overdue_on is None:
                    appeal.triple_overdue_on = triple + dt.timedelta(days=1)
                    appeal._change_reason = _("超时限三倍")
                    appeal.save(update_fields=["triple_overdue_on"])
                    counts["triple"] += 1
    return counts


def close_unevaluated(now: dt.datetime | None = None) -> int:
    """Hourly: tickets whose 评价 clock has run out are closed as 逾期未评价 (the platform's transition)."""
    from django.contrib.contenttypes.models import ContentType

    from portal.core.workflow import perform
    from portal.workcalendar.models import Clock

    today = timezone.localdate(now)
    due = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal),
        kind="appeal_evaluate",
        state=Clock.State.RUNNING,
        due_on__lt=today,
    ).values("object_id")
    closed = 0
    for appeal in Appeal.objects.filter(pk__in=due, status=S.REPLIED):
        try:
            perform(appeal, "lapse", by=None)
            closed += 1
        except ValidationError:
            log.warning("appeal not closed as unevaluated", extra={"appeal": appeal.pk})
    return closed
