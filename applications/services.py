"""What an application does, apart from its state machine: who may touch it, the one form (一表申请)
and its prefill, materials, the eligibility snapshot, steps, one-time notices, progress messages.

Every refusal is a Chinese ValidationError / PermissionDenied (never a 500); an enterprise reaching
for another's application gets Http404 from `selectors`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import (
    RELEASED_STATES,
    Application,
    Channel,
    MaterialSource,
    ReviewStep,
    Status,
    StepStatus,
    SubmittedMaterial,
    SupplementItem,
    SupplementNotice,
)
from portal.core import normalize, uploads
from portal.org.models import Role
from portal.org.permissions import can, is_platform_admin

log = logging.getLogger(__name__)

PERM_REVIEW = "applications.review_application"
PERM_DECIDE = "applications.decide_application"
PERM_WINDOW = "applications.accept_at_window"
PERM_OBJECTION = "applications.handle_objection"

CASE_CLOCK = "application_case"
PRE_REVIEW_CLOCK = "application_pre_review"
STEP_CLOCK = "application_step"
PUBLICITY_CLOCK = "application_publicity"
PRE_REVIEW_DAYS = 2

MAX_FILES_PER_MATERIAL = 5
MAX_FILES_PER_APPLICATION = 60


# --- who ---------------------------------------------------------------------------------------------------------


def is_member(user, enterprise) -> bool:
    """The user acts for the enterprise (法定代表人 or 经办人)."""
    from enterprises.selectors import member_role

    if not getattr(user, "is_authenticated", False) or getattr(user, "is_staff", False):
        return False
    return member_role(user, enterprise) is not None


def holds(user, department, roles) -> bool:
    """The user is staff of `department` in one of `roles` (platform admins hold every place)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user):
        return True
    if not (user.is_staff and user.is_active):
        return False
    return user.memberships.filter(department=department, role__in=list(roles)).exists()


def is_window_clerk(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and can(user, PERM_WINDOW))


def may_view(user, application: Application) -> bool:
    """The enterprise's members; the matter's department and every step's department; the finance bureau of the
    matter's region once the case waits for payout; the clerk of a window case; supervisors and platform admins."""
    if is_member(user, application.enterprise):
        return True
    if not getattr(user, "is_staff", False):
        return False
    if can(user, "applications.view_application") and (
        is_platform_admin(user) or user.memberships.filter(role=Role.SUPERVISOR).exists()
    ):
        return True
    departments = {application.matter.department_id, *application.steps.values_list("department_id", flat=True)}
    if user.memberships.filter(department_id__in=departments).exists() and can(user, "applications.view_application"):
        return True
    if application.status in PAYOUT_STATES and can(user, "applications.view_application"):
        region = application.matter.region.code
        if any(region.startswith(prefix) for prefix in finance_region_prefixes(user)):
            return True
    return application.channel == Channel.WINDOW and is_window_clerk(user)


# 待兑付 and after: what the finance bureau (财政) of the matter's region reads, to pay (宜昌 §10).
PAYOUT_STATES = (Status.TO_PAYOUT, Status.PAID, Status.CLOSED)


def finance_region_prefixes(user) -> list[str]:
    """The regions (as code prefixes) of the user's finance memberships."""
    from matters.eligibility.operators import region_prefix

    codes = user.memberships.filter(role=Role.FINANCE).values_list("department__region__code", flat=True)
    return [region_prefix(code) for code in codes if code]


def acts_for_applicant(user, application) -> bool:
    """Submit, supplement, withdraw: a member of the enterprise, or a window clerk for a window case."""
    if application is None:
        return bool(getattr(user, "is_authenticated", False))
    if is_member(user, application.enterprise):
        return True
    return application.channel == Channel.WINDOW and is_window_clerk(user)


def _reviewer_roles():
    return (Role.REVIEWER, Role.APPROVER)


def matter_department_reviewer(user, application) -> bool:
    """预审、受理: the reviewers and approver of the matter's implementing department."""
    if application is None:
        return can(user, PERM_REVIEW)
    return holds(user, application.matter.department, _reviewer_roles())


def current_step_holder(user, application) -> bool:
    """The current step's department, in its role (an approver may also decide a reviewer's step)."""
    if application is None:
        return can(user, PERM_REVIEW)
    step = application.current_step
    if step is None:
        return False
    roles = (Role.APPROVER,) if step.role == Role.APPROVER else _reviewer_roles()
    return holds(user, step.department, roles)


def matter_department_approver(user, application) -> bool:
    if application is None:
        return can(user, PERM_OBJECTION)
    return holds(user, application.matter.department, (Role.APPROVER,))


def step_refusal(application) -> str:
    step = application.current_step
    if step is None:
        return _("该申报件当前没有待办环节。")
    return _("“%(step)s”环节由%(department)s的%(role)s办理，您无权办理。") % {
        "step": step.name,
        "department": step.department.name,
        "role": Role(step.role).label if step.role in Role.values else step.role,
    }


# --- the window and the period -------------------------------------------------------------------------------------


def period_for(matter, day: dt.date) -> str:
    """申报批次: the year of the window (a fixed window's opening year; otherwise the year applied in)."""
    if matter.window_opens is not None and matter.window_kind == "fixed":
        return str(matter.window_opens.year)
    return str(day.year)


def check_window(matter, day: dt.date) -> None:
    from matters.models import DeliveryKind

    if matter.delivery_kind == DeliveryKind.AUTOMATIC:
        raise ValidationError(
            _("“%(matter)s”为免申即享事项，无需申报，符合条件的企业将收到兑现确认通知。") % {"matter": matter.name},
            code="automatic",
        )
    if not matter.window_open_on(day):
        if matter.window_opens and day < matter.window_opens:
            message = _("“%(matter)s”的申报期为%(opens)s至%(closes)s，尚未开始申报。")
        elif matter.window_closes and day > matter.window_closes:
            message = _("“%(matter)s”的申报已于%(closes)s截止。")
        else:
            message = _("“%(matter)s”当前不在申报期内。")
        raise ValidationError(
            message % {"matter": matter.name, "opens": matter.window_opens, "closes": matter.window_closes},
            code="window_closed",
        )


def _duplicate_message(enterprise, matter, period) -> str | None:
    active = Application.objects.filter(enterprise=enterprise, period=period).exclude(status__in=RELEASED_STATES)
    same = active.filter(matter=matter).first()
    if same is not None:
        return _("贵单位本批次已申报“%(matter)s”（申报编号%(number)s），不能重复申报。") % {
            "matter": matter.name,
            "number": same.number,
        }
    if matter.exclusive_group:
        other = active.filter(exclusive_group=matter.exclusive_group).select_related("matter").first()
        if other is not None:
            return _(
                "“%(matter)s”与贵单位已申报的“%(other)s”属于同一“就高不重复”组（申报编号%(number)s），不能重复享受。"
            ) % {"matter": matter.name, "other": other.matter.name, "number": other.number}
    return None


def check_not_duplicate(enterprise, matter, period) -> None:
    message = _duplicate_message(enterprise, matter, period)
    if message:
        raise ValidationError(message, code="duplicate")


NUMBER_LOCK = 0x53420001  # pg_advisory_xact_lock key of the 申报编号 serial ("SB" 1)


def _next_number(day: dt.date) -> str:
    """申报编号 SB + yyyymmdd + 6 digits, serial per day. Called inside the creating transaction, which holds an
    advisory lock until it ends, so simultaneous submissions never draw the same serial."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBER_LOCK])
    prefix = f"SB{day:%Y%m%d}"
    last = Application.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


# --- the one form (一表申请) ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    required: bool = True
    kind: str = "text"  # text | date | money | integer | textarea | phone


# The archive fields every application form carries; the matter's own facts follow (`form_fields`).
BASE_FIELDS = [
    FormField("name", gettext_lazy("企业名称")),
    FormField("uscc", gettext_lazy("统一社会信用代码")),
    FormField("legal_rep_name", gettext_lazy("法定代表人")),
    FormField("registration_date", gettext_lazy("成立日期"), kind="date"),
    FormField("address", gettext_lazy("住所"), required=False),
    FormField("industry", gettext_lazy("所属行业"), required=False),
    FormField("size", gettext_lazy("企业规模"), required=False),
]
BASE_KEYS = {field.key for field in BASE_FIELDS}
CONTACT_FIELDS = [
    FormField("contact_name", gettext_lazy("联系人")),
    FormField("contact_phone", gettext_lazy("联系人手机（接收办理进度短信）"), kind="phone"),
    FormField("project", gettext_lazy("申报说明"), required=False, kind="textarea"),
]


def _signature(application_code: str, key: str, value) -> str:
    message = json.dumps([application_code, key, value], ensure_ascii=False, sort_keys=True, default=str)
    secret = hashlib.sha256(("prefill:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple, set, frozenset)):
        return "、".join(str(v) for v in sorted(value))
    if isinstance(value, dict):
        return "、".join(sorted(str(k) for k in value))
    return "" if value is None else str(value)


def _archive_values(enterprise) -> dict[str, tuple[str, str, str | None]]:
    """{key: (value, source, as_of)} from the enterprise archive (一企一档)."""
    from enterprises.industries import industry_name

    source = enterprise.get_source_display()
    as_of = timezone.localdate(enterprise.source_updated_at).isoformat() if enterprise.source_updated_at else None
    industry = enterprise.industry_code or ""
    if industry:
        industry = f"{industry} {industry_name(industry) or ''}".strip()
    return {
        "name": (enterprise.name, source, as_of),
        "uscc": (enterprise.uscc, source, as_of),
        "legal_rep_name": (enterprise.legal_rep_name, source, as_of),
        "registration_date": (_plain(enterprise.registration_date), source, as_of),
        "address": (enterprise.address, source, as_of),
        "industry": (industry, source, as_of),
        "size": (enterprise.get_size_display() if enterprise.size else "", _("平台划型"), as_of),
        "contact_name": (enterprise.contact_name, enterprise.get_contact_source_display(), None),
    }


def fact_fields(matter, rule_set) -> list[FormField]:
    """The matter's machine facts (营业收入、研发费用 …) as form fields, in criterion order, once each."""
    from portal.core.facts import facts

    keys = []
    for criterion in rule_set.criteria.all() if rule_set is not None else []:
        if criterion.manual or not criterion.fact or criterion.fact in keys or criterion.fact not in facts:
            continue
        if criterion.fact in BASE_KEYS:  # 成立日期 and the like are on the form already
            continue
        keys.append(criterion.fact)
    base = matter.support_base_fact
    if base and base in facts and base not in keys:
        keys.append(base)
    fields = []
    for key in keys:
        fact = facts.get(key)
        label = f"{fact.period}{fact.label}" + (f"（{fact.unit}）" if fact.unit else "")
        fields.append(FormField(f"fact:{key}", label, required=False, kind="fact"))
    return fields


def form_fields(application) -> list[FormField]:
    return [*BASE_FIELDS, *fact_fields(application.matter, application.rule_set), *CONTACT_FIELDS]


def prefill(application, *, on: dt.date | None = None) -> dict:
    """The form filled from the archive: each value with its source, as-of date and signature."""
    from portal.core.facts import FactContext, facts

    on = on or timezone.localdate()
    data = {}
    for key, (value, source, as_of) in _archive_values(application.enterprise).items():
        data[key] = _entry(application, key, value, source, as_of)
    ctx = FactContext(application.enterprise, on)
    for field in fact_fields(application.matter, application.rule_set):
        fact = facts.get(field.key.removeprefix("fact:"))
        reading = fact.read(ctx)
        if reading.value is None:
            data[field.key] = {
                "value": "",
                "prefilled": False,
                "source": "",
                "as_of": None,
                "missing": str(reading.missing or ""),
            }
        else:
            value, source, as_of = fact_display(fact, reading)
            data[field.key] = _entry(application, field.key, value, source, as_of)
    data["contact_phone"] = {"value": "", "prefilled": False, "source": "", "as_of": None}
    data["project"] = {"value": "", "prefilled": False, "source": "", "as_of": None}
    return data


def fact_display(fact, reading) -> tuple[str, str, str | None]:
    """A fact reading as people read it on the form: (text, source, as-of date).

    Codes become their names (行政区划, 经营状态, 资质), a yes/no fact 是/否, a set its members' names; a set's
    source and date are its members' (the distinct sources, the latest date)."""
    from portal.core.facts import FactType

    value = reading.value
    source = reading.source
    as_of = reading.as_of
    if fact.is_set:
        members = sorted(value)
        text = "、".join(fact.label_for(code) for code in members)
        provenance = [value[code] for code in members if isinstance(value, dict) and value[code]]
        sources = []
        for item in provenance:
            name = str(item[0]) if isinstance(item, (tuple, list)) else str(item)
            if name and name not in sources:
                sources.append(name)
        dates = [item[1] for item in provenance if isinstance(item, (tuple, list)) and len(item) > 1 and item[1]]
        source = "、".join(sources) or source
        as_of = max(dates) if dates else as_of
    elif fact.type == FactType.BOOLEAN:
        text = _("是") if value else _("否")
    elif fact.type in (FactType.CODE, FactType.REGION, FactType.CODE_PREFIX):
        label = fact.label_for(str(value))
        text = label if label == str(value) or fact.type == FactType.CODE else f"{label}（{value}）"
    else:
        text = _plain(value)
    as_of_text = as_of.isoformat() if hasattr(as_of, "isoformat") else (str(as_of) if as_of else None)
    return text, str(source or ""), as_of_text


def _entry(application, key, value, source, as_of) -> dict:
    value = "" if value is None else str(value)
    if value == "":
        return {"value": "", "prefilled": False, "source": "", "as_of": None}
    return {
        "value": value,
        "prefilled": True,
        "original": value,
        "source": str(source or ""),
        "as_of": as_of,
        "signature": _signature(application.code, key, value),
    }


def edited_fields(application) -> list[str]:
    """The prefilled fields whose value differs from the signed original — or whose signature does not hold
    (a forged "original" counts as an edit)."""
    edited = []
    for key, entry in (application.form_data or {}).items():
        if not isinstance(entry, dict) or not entry.get("prefilled"):
            continue
        original = entry.get("original", "")
        signed = hmac.compare_digest(str(entry.get("signature", "")), _signature(application.code, key, original))
        if not signed or entry.get("value", "") != original:
            edited.append(key)
    return edited


def update_form(application: Application, values: dict, *, by) -> Application:
    """Saves typed values into the draft's form (normalised: NFKC, trimmed); keeps each prefill's signature."""
    if application.status not in (Status.DRAFT, Status.SUPPLEMENT):
        raise ValidationError(_("申报件已提交，不能再修改申报表。"), code="not_editable")
    allowed = {f.key: f for f in form_fields(application)}
    data = dict(application.form_data or {})
    errors = {}
    for key, raw in values.items():
        if key not in allowed:
            continue
        field = allowed[key]
        value = normalize.prose(raw) if field.kind == "textarea" else normalize.text(raw or "")
        if field.kind == "phone" and value:
            try:
                value = normalize.phone(value)
            except normalize.NormalizeError as error:
                errors[key] = [str(error)]
                continue
        entry = dict(data.get(key) or {"prefilled": False, "source": "", "as_of": None})
        entry["value"] = value
        data[key] = entry
    if errors:
        raise ValidationError(errors)
    application.form_data = data
    application.edited_fields = edited_fields(application)
    if "contact_name" in values:
        application.contact_name = data["contact_name"]["value"]
    if "contact_phone" in values:
        application.contact_phone = data["contact_phone"]["value"]
    application._history_user = by
    application._change_reason = _("保存申报表")
    application.save()
    return application


def missing_form_fields(application) -> list[str]:
    data = application.form_data or {}
    return [
        str(f.label)
        for f in form_fields(application)
        if f.required and not str((data.get(f.key) or {}).get("value", "")).strip()
    ]


# --- eligibility ---------------------------------------------------------------------------------------------------


def eligibility_snapshot(application, *, on: dt.date | None = None) -> dict:
    """自测 of the enterprise against the matter's rule version valid `on`, as stored JSON (frozen at submission)."""
    from matters.amounts import estimate
    from matters.eligibility.evaluator import evaluate
    from portal.core.facts import FactContext

    on = on or timezone.localdate()
    rule_set = application.matter.rule_set_on(on)
    if rule_set is None:
        return {"status": "none", "rule_set": None, "criteria": [], "on": on.isoformat()}
    ctx = FactContext(application.enterprise, on)
    evaluation = evaluate(rule_set, application.enterprise, on=on, context=ctx)
    self_declared = str(_self_declared_label())
    rows = []
    for row in evaluation.criteria:
        rows.append(
            {
                "criterion": row.criterion.pk,
                "fact": row.criterion.fact,
                "outcome": row.outcome,
                "message": str(row.message),
                "manual": row.manual,
                "legal_reference": row.legal_reference,
                "value": _shown_value(row),
                "source": str(row.source or ""),
                "as_of": row.as_of.isoformat() if row.as_of else None,
                "self_declared": _self_declared(row, self_declared),
            }
        )
    amount = estimate(application.matter, application.enterprise, on=on, ctx=ctx)
    return {
        "status": evaluation.status,
        "rule_set": rule_set.pk,
        "version": rule_set.version,
        "on": on.isoformat(),
        "criteria": rows,
        "amount": str(amount.amount) if amount.amount is not None else None,
        "amount_text": str(amount.text),
    }


def _shown_value(row) -> str | None:
    """The value a criterion used, as people read it (names, not codes); None when unknown."""
    if row.reading is None or row.reading.value is None or row.fact is None:
        return None
    return fact_display(row.fact, row.reading)[0]


def _self_declared(row, label: str) -> bool:
    """Did the criterion rest on data the enterprise declared itself (企业自报)? For a set fact (qualifications,
    tags), any member it declared counts."""
    reading = row.reading
    if reading is None:
        return False
    if str(reading.source or "") == label:
        return True
    if isinstance(reading.value, dict):
        return any(
            isinstance(item, (tuple, list)) and item and str(item[0]) == label for item in reading.value.values()
        )
    return False


def _self_declared_label():
    from enterprises.models import Source

    return Source.SELF_DECLARED.label


def instant_blockers(application) -> list[str]:
    """Why a 即申即享 application cannot be approved at once (empty: it can). 无锡 §20(一)2."""
    from matters.models import DeliveryKind

    snapshot = application.eligibility or {}
    reasons = []
    if application.matter.delivery_kind != DeliveryKind.INSTANT:
        return [_("该事项不适用即申即享。")]
    if snapshot.get("status") != "eligible":
        reasons.append(_("资格自测未全部通过"))
    if any(row.get("manual") for row in snapshot.get("criteria", [])):
        reasons.append(_("含需人工审核的条件"))
    if any(row.get("self_declared") for row in snapshot.get("criteria", [])):
        reasons.append(_("所用数据含企业自报数据"))
    if application.edited_fields:
        reasons.append(_("申报人修改了预填数据"))
    if application.estimated_amount is None:
        reasons.append(_("金额无法自动测算"))
    return reasons


# --- starting, materials, submitting -------------------------------------------------------------------------------


def start(enterprise, matter, *, by, channel: str = Channel.ONLINE, on: dt.date | None = None) -> Application:
    """Opens a draft (or returns the enterprise's open draft of this matter and period).

    Refused: outside the window, a 免申即享 matter, a second application in the period, a matter of a
    就高不重复 group already applied for.
    """
    on = on or timezone.localdate()
    check_window(matter, on)
    period = period_for(matter, on)
    draft = Application.objects.filter(
        enterprise=enterprise, matter=matter, period=period, status__in=(Status.DRAFT,)
    ).first()
    if draft is not None:
        return draft
    check_not_duplicate(enterprise, matter, period)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application(
                    number=_next_number(on),
                    enterprise=enterprise,
                    matter=matter,
                    period=period,
                    exclusive_group=matter.exclusive_group or "",
                    channel=channel,
                    applicant=by if channel == Channel.ONLINE else None,
                    clerk=by if channel == Channel.WINDOW else None,
                    rule_set=matter.rule_set_on(on),
                    contact_name=enterprise.contact_name or "",
                )
                application.form_data = prefill(application, on=on)
                application._history_user = by
                application._change_reason = _("新建申报（%(channel)s）") % {"channel": Channel(channel).label}
                application.save()
                attach_shared(application, by=by)
                return application
        except IntegrityError as error:
            # A simultaneous start for the same enterprise won: its draft is this one.
            draft = Application.objects.filter(
                enterprise=enterprise, matter=matter, period=period, status=Status.DRAFT
            ).first()
            if draft is not None:
                return draft
            message = _duplicate_message(enterprise, matter, period)
            if message:
                raise ValidationError(message, code="duplicate") from error
            if "number" not in str(error):
                raise
    raise ValidationError(_("系统繁忙，请稍后重试。"), code="busy")


def attach_shared(application, *, by=None) -> int:
    """免提交 materials (数据共享获取): recorded as obtained from shared data, with a reference, no upload."""
    created = 0
    for material in application.matter.materials.filter(shared=True):
        exists = application.materials.filter(material=material, source=MaterialSource.SHARED).exists()
        if exists:
            continue
        SubmittedMaterial.objects.create(
            application=application,
            material=material,
            name=material.name,
            source=MaterialSource.SHARED,
            shared_reference=_("%(source)s共享数据，调取于%(day)s")
            % {
                "source": material.source or _("数据共享平台"),
                "day": timezone.localdate().isoformat(),
            },
            uploaded_by=by,
        )
        created += 1
    return created


def attach(application, material, upload, *, by, source: str = MaterialSource.UPLOAD) -> SubmittedMaterial:
    """Stores one uploaded file for a guide material: judged by content (PDF, OFD, Office/WPS, images),
    within the size limit and the count limits, with its SHA-256."""
    application.refresh_from_db(fields=["status"])
    if application.status not in (Status.DRAFT, Status.SUPPLEMENT) and source != MaterialSource.WINDOW:
        raise ValidationError(_("申报件已提交，不能再上传材料；如需补正请等待一次性告知。"), code="not_editable")
    if material is not None and material.matter_id != application.matter_id:
        raise ValidationError(_("该材料不属于本事项的申报指南。"), code="wrong_material")
    current = application.materials.filter(superseded=False)
    if current.exclude(file="").count() >= MAX_FILES_PER_APPLICATION:
        raise ValidationError(_("每件申报最多上传%(n)d个文件。") % {"n": MAX_FILES_PER_APPLICATION}, code="too_many")
    if material is not None and current.filter(material=material).exclude(file="").count() >= MAX_FILES_PER_MATERIAL:
        raise ValidationError(
            _("“%(name)s”最多上传%(n)d个文件。") % {"name": material.name, "n": MAX_FILES_PER_MATERIAL},
            code="too_many",
        )
    uploads.validate_document(upload)
    kind = uploads.detect(upload)
    upload.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    original = upload.name
    upload.name = uploads.stored_name(original, kind)
    row = SubmittedMaterial(
        application=application,
        material=material,
        name=material.name if material is not None else _("其他材料"),
        source=source,
        file=upload,
        original_name=original[:255],
        file_kind=kind.key if kind else "",
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
        paper_received=False,
    )
    row._history_user = by
    uploads.save_with_upload(row, "file", row.save)
    return row


def remove_material(row: SubmittedMaterial, *, by) -> None:
    if row.application.status not in (Status.DRAFT, Status.SUPPLEMENT) or row.source == MaterialSource.SHARED:
        raise ValidationError(_("该材料不能删除。"), code="not_removable")
    row.superseded = True
    row._history_user = by
    row._change_reason = _("申报人删除")
    row.save(update_fields=["superseded"])


def missing_materials(application) -> list:
    """Required guide materials with nothing on file: no upload, no shared-data record, no paper original seen."""
    current = application.materials.filter(superseded=False)
    have = set(
        current.filter(Q(source=MaterialSource.SHARED) | Q(paper_received=True) | ~Q(file="")).values_list(
            "material_id", flat=True
        )
    )
    return [m for m in application.matter.materials.filter(required=True) if m.pk not in have]


def supersede_answered(application, notice) -> int:
    """On resubmission, the files a one-time notice found wanting give way to those uploaded after it: the older
    files of each material the notice named are marked 已被替换 (kept, with their history)."""
    replaced = 0
    for item in notice.items.filter(material__isnull=False):
        rows = application.materials.filter(material=item.material, superseded=False)
        if rows.filter(uploaded_at__gte=notice.created_at).exists():
            replaced += (
                rows.filter(uploaded_at__lt=notice.created_at)
                .exclude(source=MaterialSource.SHARED)
                .update(superseded=True)
            )
    return replaced


def check_submittable(step) -> None:
    """Guard of 提交: in the window, the form complete, every required material on file."""
    application = step.obj
    today = timezone.localdate(step.at)
    check_window(application.matter, today)
    errors = []
    missing_fields = missing_form_fields(application)
    if missing_fields:
        errors.append(_("请填写：%(fields)s。") % {"fields": "、".join(missing_fields)})
    missing = missing_materials(application)
    if missing:
        errors.append(_("请上传以下必要材料：%(names)s。") % {"names": "、".join(m.name for m in missing)})
    if errors:
        raise ValidationError(errors, code="incomplete")


def on_submit(step) -> None:
    application = step.obj
    application.submitted_at = step.at
    application.edited_fields = edited_fields(application)
    snapshot = eligibility_snapshot(application, on=timezone.localdate(step.at))
    application.eligibility = snapshot
    if snapshot.get("rule_set"):
        application.rule_set_id = snapshot["rule_set"]
    application.estimated_amount = Decimal(snapshot["amount"]) if snapshot.get("amount") else None
    step.history = _("提交申报（%(channel)s）") % {"channel": application.get_channel_display()}


def submit(application, *, by) -> Application:
    """提交: the submit transition, then — for 即申即享 on authoritative data — approval at once (无锡 §20(一)2)."""
    from applications.workflow import perform

    with transaction.atomic():
        application = perform(application, "submit", by=by)
        if not instant_blockers(application):
            application = perform(
                application,
                "auto_approve",
                by=None,
                approved_amount=application.estimated_amount,
            )
    return application


# --- review ----------------------------------------------------------------------------------------------------------


def open_steps(application, *, at, by) -> ReviewStep | None:
    """受理: one ReviewStep per process step of the matter (a single step of the matter's department when the
    guide lists none); the first one opens with its clock."""
    from matters.models import StepRole

    application.steps.filter(status=StepStatus.WAITING).delete()
    rows = []
    process = list(application.matter.steps.select_related("department").order_by("position", "id"))
    if not process:
        rows.append(
            ReviewStep(
                application=application,
                position=1,
                name=_("审核"),
                department=application.matter.department,
                role=StepRole.APPROVER,
                days=application.matter.time_limit_days,
            )
        )
    for index, item in enumerate(process, start=1):
        rows.append(
            ReviewStep(
                application=application,
                process_step=item,
                position=index,
                name=item.name,
                kind=item.kind,
                department=item.department,
                role=item.role,
                days=item.days,
            )
        )
    for row in rows:
        row.save()
    first = rows[0]
    _open(first, at=at, by=by)
    application.current_step = first
    return first


def _open(step_row: ReviewStep, *, at, by) -> None:
    from portal.workcalendar import clocks

    step_row.status = StepStatus.ACTIVE
    step_row.opened_at = at
    clock = clocks.start(step_row, STEP_CLOCK, on=timezone.localdate(at), days=step_row.days, by=by)
    step_row.due_on = clock.due_on
    step_row.save()


def close_step(step_row: ReviewStep, *, status: str, at, by, opinion: str) -> None:
    from portal.workcalendar import clocks

    clocks.stop(step_row, STEP_CLOCK, at=at, by=by)
    step_row.status = status
    step_row.decided_at = at
    step_row.decided_by = by
    step_row.opinion = opinion
    step_row._history_user = by
    step_row.save()


def next_step(application) -> ReviewStep | None:
    current = application.current_step
    if current is None:
        return None
    return (
        application.steps.filter(position__gt=current.position, status=StepStatus.WAITING)
        .order_by("position", "id")
        .first()
    )


def is_last_step(application) -> bool:
    return application.current_step is not None and next_step(application) is None


def advance(application, *, at, by, opinion: str) -> ReviewStep:
    following = next_step(application)
    if following is None:
        raise ValidationError(_("这是最后一个审核环节，请作出核准或不予通过的决定。"), code="last_step")
    close_step(application.current_step, status=StepStatus.PASSED, at=at, by=by, opinion=opinion)
    _open(following, at=at, by=by)
    application.current_step = following
    return following


def parse_amount(value) -> Decimal:
    """A money amount in 元 as typed: the kernel's amount rule (`normalize.amount`: full-width digits, commas only
    as thousands separators) after an optional ￥ before it or 元 after it (the field is in 元, so neither is
    ambiguous here); Decimal with 2 places, ≥ 0."""
    text = normalize.text(str(value if value is not None else ""))
    text = text.removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    try:
        amount = normalize.amount(text)
    except normalize.NormalizeError:
        raise ValidationError({"approved_amount": _("请填写核定金额（元），如 200000 或 12.50。")}) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"approved_amount": _("核定金额须为不小于0、最多两位小数的金额（元）。")})
    if amount >= Decimal("1e14"):
        raise ValidationError({"approved_amount": _("核定金额过大，请核对。")})
    return amount.quantize(Decimal("0.01"))


# --- one-time notice (一次性告知) ------------------------------------------------------------------------------------


def create_notice(application, items: list[dict], *, by, summary: str, at) -> SupplementNotice:
    """Every missing or defective item at once (无锡 §19). `items`: [{"material": id|None, "subject", "problem",
    "detail"}]; at least one."""
    from matters.models import Material
    from portal.workdays import add_workdays

    clean = []
    for item in items or []:
        detail = normalize.prose(item.get("detail") or "")
        material_id = item.get("material")
        material = None
        if material_id:
            material = Material.objects.filter(pk=material_id, matter=application.matter).first()
            if material is None:
                raise ValidationError(_("告知事项中的材料不属于本事项。"), code="wrong_material")
        subject = normalize.text(item.get("subject") or (material.name if material else ""))
        if not subject and not detail:
            continue
        if not detail:
            raise ValidationError(
                _("请写明“%(subject)s”需要补正的具体要求。") % {"subject": subject}, code="detail_required"
            )
        clean.append((material, subject or _("申报表"), item.get("problem") or SupplementItem.Problem.MISSING, detail))
    if not clean:
        raise ValidationError(_("请至少列出一项需要补正的材料或内容。"), code="no_items")
    notice = SupplementNotice.objects.create(
        application=application,
        step=application.current_step,
        requested_by=by,
        summary=summary,
        due_on=add_workdays(timezone.localdate(at), getattr(settings, "SUPPLEMENT_DAYS", 10)),
        created_at=at,
    )
    for material, subject, problem, detail in clean:
        SupplementItem.objects.create(
            notice=notice, material=material, subject=subject[:200], problem=problem, detail=detail[:500]
        )
    return notice


def open_notice(application) -> SupplementNotice | None:
    return application.notices.filter(answered_at__isnull=True).order_by("-created_at").first()


def check_supplement_answered(step) -> None:
    """Guard of 提交补正: every material item of the notice has a file uploaded after the notice."""
    application = step.obj
    notice = open_notice(application)
    if notice is None:
        return
    missing = []
    for item in notice.items.filter(material__isnull=False):
        fresh = (
            application.materials.filter(material=item.material, superseded=False, uploaded_at__gte=notice.created_at)
            .filter(file__gt="")
            .exists()
            or application.materials.filter(
                material=item.material, superseded=False, paper_received=True, uploaded_at__gte=notice.created_at
            ).exists()
        )
        if not fresh:
            missing.append(item.subject)
    if missing:
        raise ValidationError(
            _("请按一次性告知书补正以下材料后再提交：%(names)s。") % {"names": "、".join(missing)},
            code="supplement_incomplete",
        )


# --- progress (闭环管理) -------------------------------------------------------------------------------------------


def tell_enterprise(application, title: str, body: str, *, key: str, sms=None) -> None:
    """Tells the applicant enterprise: a site message to every member (dedupe key `key:<user id>`) and, where it
    wants SMS and gave a contact mobile, the SMS `sms` = (template code, params, dedupe key). A number the
    outbox refuses is logged, never raised: the transition it follows has committed."""
    from portal.notify.services import queue_sms, send_site_message_batch

    members = list(application.enterprise.members.values_list("user_id", flat=True))
    if members:
        send_site_message_batch(
            [(user_id, f"{key}:{user_id}") for user_id in members], title, body, link=application.get_absolute_url()
        )
    if sms is not None and application.sms_wanted and application.contact_phone:
        template, params, dedupe_key = sms
        try:
            queue_sms(application.contact_phone, template, params, dedupe_key=dedupe_key)
        except ValidationError:
            log.warning("SMS to the applicant not queued", extra={"application": application.pk, "template": template})


def notify_progress(application, title: str, *, sms: bool = True) -> None:
    """闭环管理 (无锡 §21): the case's new status told to every member of the enterprise (site message headed
    `title`) and, where wanted, by SMS. Dedupe keys carry the state and the history row, so a retried effect never
    sends twice."""
    # The state the transition reached (the object `perform` saved), not the row now: effects of several
    # transitions committed together (a demo, a batch) run after the case has moved on.
    status = application.status
    application = Application.objects.select_related("matter", "enterprise").get(pk=application.pk)
    body = _("申报编号%(number)s，事项“%(matter)s”：%(status)s。") % {
        "number": application.number,
        "matter": application.matter.name,
        "status": Status(status).label,
    }
    reached = application.history.filter(status=status).order_by("-history_date", "-history_id").first()
    marker = f"{application.pk}:{status}:{reached.history_id if reached else 0}"
    params = {"number": application.number, "matter": application.matter.name[:20], "status": title}
    if sms:
        ensure_templates()
    text = (SMS_PROGRESS, params, f"application-sms:{marker}") if sms else None
    tell_enterprise(application, title, body, key=f"application:{marker}", sms=text)


SMS_PROGRESS = "application_progress"
SMS_PROGRESS_TEXT = "您申报的{matter}（编号{number}）：{status}。详情请登录惠企服务平台查看。"


def ensure_templates() -> None:
    from portal.notify.services import ensure_template

    ensure_template(SMS_PROGRESS, _("申报办理进度"), SMS_PROGRESS_TEXT)


def user_may_decide(user, application) -> None:
    if not current_step_holder(user, application):
        raise PermissionDenied(step_refusal(application))
