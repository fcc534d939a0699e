"""Writes to the enterprise archive: one function per use case, each in a transaction.

Every change of an enterprise's facts, qualifications or tags leaves a
`ChangeEvent` (the outbox the matching work reads), and rule-derived tags are
recomputed at once for that enterprise — the rules require a new
qualification to show in the portrait within 3 working days; we do it in the
same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import taxonomy_en
from enterprises.models import (
    CORRECTABLE_FIELDS,
    AnnualFigure,
    ChangeEvent,
    CorrectionRequest,
    Enterprise,
    EnterpriseMember,
    EnterpriseTag,
    OperatingStatus,
    Qualification,
    QualificationType,
    Size,
    Source,
    Tag,
    TagCategory,
    UsccCheck,
)

CLAIM_PURPOSE = "claim"
WELCOME_SMS = "new_enterprise_welcome"

# The types every deployment has are seeded by migration 0003; this list repeats them for
# `ensure_qualification_types`, which restores any a test or a fresh demo database lacks.
QUALIFICATION_TYPES = [
    # (code, name, kind, usual issuer)
    ("hitech", "高新技术企业", "qualification", "省科学技术厅、省财政厅、国家税务总局湖北省税务局"),
    ("sme_specialised", "专精特新中小企业", "qualification", "省经济和信息化厅"),
    ("little_giant", "专精特新“小巨人”企业", "qualification", "工业和信息化部"),
    ("tech_sme", "科技型中小企业", "qualification", "省科学技术厅"),
    ("above_scale", "规模以上工业企业", "qualification", "统计部门"),
    ("gazelle", "瞪羚企业", "honour", "省科学技术厅"),
    ("unicorn", "独角兽企业", "honour", "省科学技术厅"),
    ("tech_centre", "省级企业技术中心", "honour", "省经济和信息化厅"),
]

AGE_BANDS = [("lt3", "成立3年内"), ("3to10", "成立3至10年"), ("gte10", "成立10年以上")]

RULE_CATEGORIES = [
    # (code, name, order)
    ("size", "企业规模", 10),
    ("industry", "所属行业", 20),
    ("region", "所在地区", 30),
    ("qualification", "资质荣誉", 40),
    ("age", "成立年限", 50),
    ("credit", "信用状况", 60),
]


# --- Code tables -----------------------------------------------------------------------------------------------


def ensure_qualification_types() -> None:
    """The qualification and honour types the rules and the importer refer to by code."""
    for order, (code, name, kind, issuer) in enumerate(QUALIFICATION_TYPES, start=1):
        QualificationType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": taxonomy_en.QUALIFICATION_TYPES.get(code, ""),
                "kind": kind,
                "default_issuer": issuer,
                "sort_order": order * 10,
            },
        )


def ensure_rule_tags() -> None:
    """Creates the tags that rules maintain (one per size, industry section, region, qualification, age band)."""
    from enterprises.industries import industry_name
    from portal.org.models import Region

    categories = {
        code: TagCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": taxonomy_en.TAG_CATEGORIES.get(code, ""), "sort_order": order}
        )[0]
        for code, name, order in RULE_CATEGORIES
    }
    wanted = [(categories["size"], f"size:{s.value}", f"{s.label}企业") for s in Size if s != Size.UNKNOWN]
    wanted += [
        (categories["industry"], f"section:{letter}", industry_name(letter))
        for letter in "ABCDEFGHIJKLMNOPQRST"
        if industry_name(letter)
    ]
    wanted += [
        (categories["region"], f"region:{r.code}", r.name)
        for r in Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY])
    ]
    wanted += [
        (categories["qualification"], f"qualification:{t.code}", t.name) for t in QualificationType.objects.all()
    ]
    wanted += [(categories["age"], f"age:{band}", label) for band, label in AGE_BANDS]
    wanted += [(categories["credit"], "credit:serious_dishonest", "严重失信主体")]
    for category, rule_key, name in wanted:
        Tag.objects.update_or_create(
            rule_key=rule_key,
            defaults={
                "category": category,
                "code": rule_key.replace(":", "-").lower(),
                "name": name[:64],
                "name_en": taxonomy_en.rule_tag_en(rule_key),
            },
        )


# --- Rule tags, set-based --------------------------------------------------------------------------------------

_TARGET_SQL = """
    SELECT e.id AS enterprise_id, t.id AS tag_id, t.rule_key
      FROM enterprises_enterprise e JOIN enterprises_tag t ON t.rule_key = 'size:' || e.size
     WHERE {scope} AND t.is_active
    UNION
    SELECT e.id, t.id, t.rule_key
      FROM enterprises_enterprise e JOIN enterprises_tag t ON t.rule_key = 'section:' || left(e.industry_code, 1)
     WHERE {scope} AND t.is_active AND e.industry_code <> ''
    UNION
    SELECT e.id, t.id, t.rule_key
      FROM enterprises_enterprise e
      JOIN org_region r ON r.id = e.region_id
      LEFT JOIN org_region p ON p.id = r.parent_id
      JOIN enterprises_tag t ON t.rule_key IN ('region:' || r.code, 'region:' || p.code)
     WHERE {scope} AND t.is_active
    UNION
    SELECT e.id, t.id, t.rule_key
      FROM enterprises_enterprise e
      JOIN enterprises_qualification q ON q.enterprise_id = e.id
      JOIN enterprises_qualificationtype qt ON qt.id = q.type_id
      JOIN enterprises_tag t ON t.rule_key = 'qualification:' || qt.code
     WHERE {scope} AND t.is_active
       AND q.valid_from <= %(today)s AND (q.valid_to IS NULL OR q.valid_to >= %(today)s)
    UNION
    SELECT e.id, t.id, t.rule_key
      FROM enterprises_enterprise e JOIN enterprises_tag t ON t.rule_key = 'age:' || CASE
               WHEN e.registration_date > %(today)s::date - interval '3 years' THEN 'lt3'
               WHEN e.registration_date > %(today)s::date - interval '10 years' THEN '3to10'
               ELSE 'gte10' END
     WHERE {scope} AND t.is_active AND e.registration_date IS NOT NULL
    UNION
    SELECT e.id, t.id, t.rule_key
      FROM enterprises_enterprise e JOIN enterprises_tag t ON t.rule_key = 'credit:' || e.credit_status
     WHERE {scope} AND t.is_active
"""

_REFRESH_SQL = """
WITH target AS ({target}),
ins AS (
    INSERT INTO enterprises_enterprisetag (enterprise_id, tag_id, origin, rule_code, reason, created_at)
    SELECT enterprise_id, tag_id, 'rule', rule_key, '', now() FROM target
    ON CONFLICT (enterprise_id, tag_id) DO NOTHING
    RETURNING enterprise_id, tag_id, 'added' AS change
),
del AS (
    DELETE FROM enterprises_enterprisetag et
     WHERE et.origin = 'rule' AND {tag_scope}
       AND NOT EXISTS (SELECT 1 FROM target x WHERE x.enterprise_id = et.enterprise_id AND x.tag_id = et.tag_id)
    RETURNING enterprise_id, tag_id, 'removed' AS change
),
changes AS (SELECT * FROM ins UNION ALL SELECT * FROM del),
events AS (
    INSERT INTO enterprises_changeevent (enterprise_id, kind, payload, created_at)
    SELECT c.enterprise_id, 'tags',
           jsonb_build_object(
               'added', coalesce(jsonb_agg(t.code ORDER BY t.code) FILTER (WHERE c.change = 'added'), '[]'),
               'removed', coalesce(jsonb_agg(t.code ORDER BY t.code) FILTER (WHERE c.change = 'removed'), '[]')),
           now()
      FROM changes c JOIN enterprises_tag t ON t.id = c.tag_id
     GROUP BY c.enterprise_id
    RETURNING 1
)
SELECT count(*) FROM events
"""


def refresh_rule_tags(enterprise_ids=None, *, today=None) -> int:
    """Brings the rule-derived tags (规则标签) of the given enterprises (None: all) in line with their profile.

    One SQL statement computes the wanted (enterprise, tag) pairs from size,
    industry section, region and its parent, qualifications valid `today`,
    age band and credit standing; inserts the missing ones, deletes the rule
    tags no longer wanted (manual tags are never touched, and a manual tag
    already present is left as it is), and writes one ChangeEvent per
    enterprise whose tags changed. Returns the number of such enterprises.
    """
    params = {"today": today or timezone.localdate()}
    if enterprise_ids is None:
        scope = tag_scope = "TRUE"
    else:
        params["ids"] = list(enterprise_ids)
        if not params["ids"]:
            return 0
        scope = "e.id = ANY(%(ids)s)"
        tag_scope = "et.enterprise_id = ANY(%(ids)s)"
    sql = _REFRESH_SQL.format(target=_TARGET_SQL.format(scope=scope), tag_scope=tag_scope)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# --- Size ------------------------------------------------------------------------------------------------------


def _classify(industry_code, figure):
    from enterprises.sizing import assess_size

    result = assess_size(
        industry_code,
        figure.employees if figure else None,
        figure.revenue_wan if figure else None,
        figure.total_assets_wan if figure else None,
    )
    return result.size, result.reason


def recompute_size(enterprise: Enterprise) -> bool:
    """Sets the enterprise's size (企业规模) from its latest year's figures; True if it changed."""
    latest = enterprise.annual_figures.order_by("-year").first()
    if latest is None:
        size, reason, year = Size.UNKNOWN, _("无年度经营数据，无法划型"), None
    else:
        size, reason = _classify(enterprise.industry_code, latest)
        year = latest.year
    reason = (reason or "")[:255]
    if (enterprise.size, enterprise.size_reason, enterprise.size_year) == (size, reason, year):
        return False
    enterprise.size, enterprise.size_reason, enterprise.size_year = size, reason, year
    enterprise.save(update_fields=["size", "size_reason", "size_year", "updated_at"])
    return True


def recompute_sizes(enterprise_ids=None, *, batch_size=5000) -> int:
    """Recomputes size for many enterprises from their latest figures; returns how many changed.

    The classification is a Python function of the standard's table, so rows
    are streamed and written back in batches with bulk_update, not one save each.
    """
    from enterprises.sizing import assess_size

    figures = AnnualFigure.objects.order_by("enterprise_id", "-year").distinct("enterprise_id")
    if enterprise_ids is not None:
        figures = figures.filter(enterprise_id__in=list(enterprise_ids))
    rows = figures.values_list(
        "enterprise_id",
        "year",
        "enterprise__industry_code",
        "employees",
        "revenue_wan",
        "total_assets_wan",
        "enterprise__size",
        "enterprise__size_year",
    )
    changed, batch = 0, []
    for pk, year, industry, employees, revenue, assets, old_size, old_year in rows.iterator(chunk_size=batch_size):
        result = assess_size(industry, employees, revenue, assets)
        if (result.size, year) != (old_size, old_year):
            batch.append(Enterprise(pk=pk, size=result.size, size_year=year, size_reason=result.reason[:255]))
        if len(batch) >= batch_size:
            changed += _write_sizes(batch)
            batch = []
    return changed + _write_sizes(batch)


def _write_sizes(batch) -> int:
    Enterprise.objects.bulk_update(batch, ["size", "size_year", "size_reason"])
    return len(batch)


# --- Facts -----------------------------------------------------------------------------------------------------


def record_change(enterprise: Enterprise, kind: str, payload: dict | None = None) -> ChangeEvent:
    return ChangeEvent.objects.create(enterprise=enterprise, kind=kind, payload=payload or {})


@transaction.atomic
def confirm_legacy_uscc(enterprises, *, user) -> int:
    """确认存量赋码: staff confirm that flagged codes failing their check character were really issued.

    Only codes flagged 校验位不符（存量赋码） by a market-regulation import move to
    存量赋码（已确认）; each keeps a history row naming the member of staff.
    Returns how many were confirmed.
    """
    confirmed = 0
    for enterprise in enterprises.select_for_update().filter(uscc_check=UsccCheck.LEGACY_PENDING):
        enterprise.uscc_check = UsccCheck.LEGACY_CONFIRMED
        enterprise._history_user = user
        enterprise._change_reason = _("确认存量赋码")
        enterprise.save(update_fields=["uscc_check", "updated_at"])
        confirmed += 1
    return confirmed


@transaction.atomic
def update_profile(enterprise: Enterprise, changes: dict, *, source: str, user=None) -> list[str]:
    """Changes identity facts (登记信息) from one source; returns the names of the fields that changed."""
    changed = [name for name, value in changes.items() if getattr(enterprise, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(enterprise, name, changes[name])
    enterprise.source = source
    enterprise.source_updated_at = timezone.now()
    enterprise.full_clean()
    if user is not None:
        enterprise._history_user = user
    enterprise.save()
    if "industry_code" in changed:
        recompute_size(enterprise)
    record_change(enterprise, ChangeEvent.Kind.FACTS, {"fields": sorted(changed), "source": source})
    refresh_rule_tags([enterprise.pk])
    return changed


@transaction.atomic
def record_annual_figure(enterprise: Enterprise, year: int, values: dict, *, source: str) -> AnnualFigure:
    """Records one year's figures (年度经营数据) and keeps the size and tags current."""
    figure = AnnualFigure.objects.filter(enterprise=enterprise, year=year).first() or AnnualFigure(
        enterprise=enterprise, year=year
    )
    for name, value in values.items():
        setattr(figure, name, value)
    figure.source = source
    figure.source_updated_at = timezone.now()
    figure.full_clean()
    figure.save()
    recompute_size(enterprise)
    record_change(enterprise, ChangeEvent.Kind.FACTS, {"year": year, "fields": sorted(values), "source": source})
    refresh_rule_tags([enterprise.pk])
    return figure


@transaction.atomic
def add_qualification(
    enterprise: Enterprise,
    qualification_type: QualificationType,
    *,
    valid_from,
    valid_to=None,
    issuer: str = "",
    certificate_number: str = "",
    source: str = Source.STAFF,
) -> Qualification:
    """Records a qualification or honour (资质荣誉); its tag appears at once."""
    qualification = Qualification(
        enterprise=enterprise,
        type=qualification_type,
        valid_from=valid_from,
        valid_to=valid_to,
        issuer=issuer or qualification_type.default_issuer,
        certificate_number=certificate_number,
        source=source,
    )
    qualification.full_clean()
    qualification.save()
    record_change(
        enterprise,
        ChangeEvent.Kind.QUALIFICATION,
        {
            "type": qualification_type.code,
            "valid_from": str(valid_from),
            "valid_to": str(valid_to) if valid_to else None,
        },
    )
    refresh_rule_tags([enterprise.pk])
    return qualification


@transaction.atomic
def after_staff_edit(enterprise: Enterprise, *, changed: list[str]) -> None:
    """Follow-up when staff edit an enterprise and its figures or qualifications in the admin."""
    recompute_size(enterprise)
    record_change(enterprise, ChangeEvent.Kind.FACTS, {"fields": sorted(changed), "source": Source.STAFF})
    refresh_rule_tags([enterprise.pk])


# --- Manual tags -----------------------------------------------------------------------------------------------


@transaction.atomic
def add_manual_tag(enterprise: Enterprise, tag: Tag, *, user, reason: str) -> EnterpriseTag:
    """Staff apply a tag by hand (人工标注) with a reason; rule tags cannot be applied by hand."""
    if tag.rule_key:
        raise ValidationError(_("“%(tag)s”由规则自动维护，不能手工添加") % {"tag": tag.name})
    if not (reason or "").strip():
        raise ValidationError(_("请填写标注理由"))
    if EnterpriseTag.objects.filter(enterprise=enterprise, tag=tag).exists():
        raise ValidationError(_("该企业已有此标签"))
    enterprise_tag = EnterpriseTag(
        enterprise=enterprise, tag=tag, origin=EnterpriseTag.Origin.MANUAL, added_by=user, reason=reason.strip()
    )
    enterprise_tag._history_user = user
    enterprise_tag.save()
    record_change(enterprise, ChangeEvent.Kind.TAGS, {"added": [tag.code], "removed": [], "by": user.pk})
    return enterprise_tag


@transaction.atomic
def remove_manual_tag(enterprise_tag: EnterpriseTag, *, user, reason: str) -> None:
    if enterprise_tag.origin != EnterpriseTag.Origin.MANUAL:
        raise ValidationError(_("规则生成的标签随企业信息自动更新，不能手工删除"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写删除理由"))
    enterprise_tag._history_user = user
    enterprise_tag._change_reason = reason.strip()
    enterprise_tag.delete()
    record_change(
        enterprise_tag.enterprise,
        ChangeEvent.Kind.TAGS,
        {"added": [], "removed": [enterprise_tag.tag.code], "by": user.pk},
    )


# --- Claims and members (认领、经办人) -------------------------------------------------------------------------


def _claimable(user, uscc: str, legal_rep_name: str) -> Enterprise:
    from enterprises.uscc import normalize_uscc, validate_uscc

    if not user.is_authenticated or user.kind != "enterprise":
        raise PermissionDenied
    code = normalize_uscc(uscc)
    validate_uscc(code)
    enterprise = Enterprise.objects.filter(uscc=code).first()
    if enterprise is None:
        raise ValidationError({"uscc": _("企业档案中没有该统一社会信用代码，请核对，或携营业执照到政务服务大厅办理")})
    if (legal_rep_name or "").strip() != enterprise.legal_rep_name:
        raise ValidationError({"legal_rep_name": _("法定代表人姓名与企业登记信息不一致")})
    if enterprise.operating_status in (OperatingStatus.REVOKED, OperatingStatus.CANCELLED):
        raise ValidationError(
            _("该企业登记状态为“%(status)s”，不能认领") % {"status": enterprise.get_operating_status_display()}
        )
    if enterprise.members.filter(user=user).exists():
        raise ValidationError(_("您已是该企业的成员，无需重复认领"))
    if enterprise.members.filter(role=EnterpriseMember.Role.LEGAL_REP).exists():
        raise ValidationError(_("该企业已被认领。如需办理业务，请联系法定代表人将您添加为经办人"))
    if not enterprise.registered_phone:
        raise ValidationError(_("该企业未登记联系电话，无法发送验证码，请携营业执照到政务服务大厅办理认领"))
    return enterprise


def start_claim(user, uscc: str, legal_rep_name: str) -> Enterprise:
    """Step 1 of a claim (企业认领): checks USCC and legal representative, sends a code to the registered phone."""
    from portal.accounts.verification import issue_code

    enterprise = _claimable(user, uscc, legal_rep_name)
    issue_code(enterprise.registered_phone, CLAIM_PURPOSE)
    return enterprise


def confirm_claim(user, uscc: str, legal_rep_name: str, code: str) -> EnterpriseMember:
    """Step 2: with the right code the user becomes the enterprise's legal representative member.

    The code is checked outside the transaction that creates the member, so a
    wrong attempt is counted even though nothing else is written.
    """
    from portal.accounts.verification import check_code
    from portal.notify.services import queue_sms

    enterprise = _claimable(user, uscc, legal_rep_name)
    check_code(enterprise.registered_phone, CLAIM_PURPOSE, (code or "").strip())
    with transaction.atomic():
        member = EnterpriseMember(enterprise=enterprise, user=user, role=EnterpriseMember.Role.LEGAL_REP, added_by=user)
        member._history_user = user
        member.save()
        record_change(enterprise, ChangeEvent.Kind.REGISTERED, {"user": user.pk})
        queue_sms(
            enterprise.registered_phone,
            WELCOME_SMS,
            {"name": enterprise.name},
            dedupe_key=f"welcome:enterprise:{enterprise.pk}",
        )
    return member


def _require_legal_rep(enterprise: Enterprise, user) -> None:
    if not enterprise.members.filter(user=user, role=EnterpriseMember.Role.LEGAL_REP).exists():
        raise PermissionDenied


@transaction.atomic
def add_agent(enterprise: Enterprise, *, by, phone: str) -> EnterpriseMember:
    """The legal representative adds an agent (经办人) by the mobile number the agent registered with."""
    from portal.accounts.models import User
    from portal.accounts.phones import normalize_phone
    from portal.core.crypto import digest

    _require_legal_rep(enterprise, by)
    number = normalize_phone(phone)
    agent = User.objects.filter(phone_digest=digest(number), kind=User.Kind.ENTERPRISE, is_active=True).first()
    if agent is None:
        raise ValidationError(_("该手机号尚未注册平台账号，请经办人先用此手机号注册"))
    if enterprise.members.filter(user=agent).exists():
        raise ValidationError(_("该用户已是本企业成员"))
    member = EnterpriseMember(enterprise=enterprise, user=agent, role=EnterpriseMember.Role.AGENT, added_by=by)
    member._history_user = by
    member.save()
    return member


@transaction.atomic
def remove_agent(enterprise: Enterprise, *, by, member_id: int) -> None:
    _require_legal_rep(enterprise, by)
    member = enterprise.members.filter(pk=member_id, role=EnterpriseMember.Role.AGENT).first()
    if member is None:
        raise ValidationError(_("没有找到该经办人"))
    member._history_user = by
    member.delete()


# --- Corrections (纠错) ----------------------------------------------------------------------------------------


def current_value_of(enterprise: Enterprise, field: str) -> str:
    """What the archive says now, in words, so the answer can be checked against the request."""
    if field in ("annual_figures", "qualifications", "tags", "other"):
        return ""
    display = getattr(enterprise, f"get_{field}_display", None)
    value = display() if display else getattr(enterprise, field)
    return "" if value is None else str(value)


@transaction.atomic
def submit_correction(enterprise: Enterprise, *, user, field: str, proposed_value: str, reason: str):
    """An enterprise member reports a wrong fact; staff are asked to check it with its source."""
    if not enterprise.members.filter(user=user).exists():
        raise PermissionDenied
    if field not in CORRECTABLE_FIELDS:
        raise ValidationError(_("请选择需要更正的项目"))
    if not (proposed_value or "").strip() or not (reason or "").strip():
        raise ValidationError(_("请填写正确内容及说明"))
    request = CorrectionRequest(
        enterprise=enterprise,
        user=user,
        field=field,
        current_value=current_value_of(enterprise, field),
        proposed_value=proposed_value.strip(),
        reason=reason.strip(),
    )
    request._history_user = user
    request.save()
    return request


@transaction.atomic
def answer_correction(request: CorrectionRequest, *, by, answer: str, accepted: bool) -> CorrectionRequest:
    """Staff answer a correction request; the requester gets a site message (站内信) with the answer."""
    from portal.notify.services import send_site_message

    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != CorrectionRequest.Status.SUBMITTED:
        raise ValidationError(_("该纠错申请已答复"))
    if not (answer or "").strip():
        raise ValidationError(_("请填写答复内容"))
    request.status = CorrectionRequest.Status.ANSWERED if accepted else CorrectionRequest.Status.REJECTED
    request.answer = answer.strip()
    request.answered_by = by
    request.answered_at = timezone.now()
    request._history_user = by
    request.save()
    field = CORRECTABLE_FIELDS.get(request.field, request.field)
    send_site_message(
        request.user,
        _("您提交的企业信息纠错已答复：%(field)s") % {"field": field},
        _("%(enterprise)s：%(answer)s") % {"enterprise": request.enterprise.name, "answer": request.answer},
        link=reverse("enterprises:space", kwargs={"uscc": request.enterprise.uscc}),
        dedupe_key=f"correction:{request.pk}",
    )
    return request
