"""Cases pushed by departments' own systems (部门业务系统办件推送, 宜昌 §31, 常州 §23).

A department that handles a matter in its own system pushes each case here, so the platform shows it
to the enterprise and counts it on the dashboards. A case is an `Application` with channel "external",
identified by (the caller's department, its `external_id`). `PUT /api/v1/cases/<external_id>/` creates
or updates it and is idempotent: the same body twice gives the same case and the same answer (201, then
200) and writes one history row, not two.

The case bypasses the one form and the workflow's human permissions (the department decided in its own
system), but every change of state is still a history row, by no user, with the reason
"业务系统推送：…". The one-application-per-matter-and-period rule holds as for any case: a push that
would break it is refused with 409.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import services
from applications.api_auth import HasApiClient, HmacSignatureAuthentication
from applications.models import RELEASED_STATES, Application, Channel, Status
from portal.core import normalize

S = Status

# 业务系统办件状态 → 平台办件状态. The key is folded (NFKC, trimmed, lower case, "-" and spaces as "_").
STATUS_MAP: dict[str, str] = {
    "received": S.SUBMITTED,
    "submitted": S.SUBMITTED,
    "已接收": S.SUBMITTED,
    "已提交": S.SUBMITTED,
    "pre_review": S.PRE_REVIEW,
    "预审中": S.PRE_REVIEW,
    "supplement": S.SUPPLEMENT,
    "待补正": S.SUPPLEMENT,
    "not_accepted": S.NOT_ACCEPTED,
    "不予受理": S.NOT_ACCEPTED,
    "accepted": S.ACCEPTED,
    "已受理": S.ACCEPTED,
    "reviewing": S.REVIEWING,
    "审核中": S.REVIEWING,
    "approved": S.APPROVED,
    "审核通过": S.APPROVED,
    "已核准": S.APPROVED,
    "rejected": S.REJECTED,
    "不予通过": S.REJECTED,
    "to_payout": S.TO_PAYOUT,
    "待兑付": S.TO_PAYOUT,
    "paid": S.PAID,
    "已兑付": S.PAID,
    "closed": S.CLOSED,
    "已办结": S.CLOSED,
    "withdrawn": S.WITHDRAWN,
    "已撤回": S.WITHDRAWN,
}
# States that only mean something with an approved amount, or with a reason.
NEEDS_AMOUNT = {S.APPROVED, S.TO_PAYOUT, S.PAID}
NEEDS_REASON = {S.REJECTED, S.NOT_ACCEPTED}
DECIDED = {S.APPROVED, S.REJECTED, S.NOT_ACCEPTED, S.TO_PAYOUT, S.PAID, S.CLOSED}

EXTERNAL_ID = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
MONEY = re.compile(r"^[0-9]{1,14}(\.[0-9]{1,2})?$")


def status_key(text: str) -> str:
    return re.sub(r"[\s-]+", "_", normalize.fold(text).casefold())


def mapping_doc() -> str:
    rows = {}
    for key, value in STATUS_MAP.items():
        rows.setdefault(value, []).append(f"`{key}`")
    return "\n".join(f"* {' / '.join(keys)} → `{value}`（{S(value).label}）" for value, keys in rows.items())


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("与平台已有申报件冲突。")
    default_code = "conflict"


class Busy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("系统繁忙，请稍后重试。")
    default_code = "busy"


@extend_schema_field({"type": "string", "pattern": MONEY.pattern, "example": "12000.50", "nullable": True})
class MoneyField(serializers.Field):
    """An amount in 元 as a decimal string ("12000.50"): a JSON number (a float such as 1e3) is refused, as
    are more than two decimal places and negative amounts."""

    default_error_messages = {
        "not_string": gettext_lazy('金额须以字符串传递，如 "12000.50"，不能使用数值或浮点数。'),
        "invalid": gettext_lazy("金额须为不小于0、最多两位小数的十进制数（元），如 12000.50。"),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_string")
        text = data.strip()
        if not MONEY.match(text):
            self.fail("invalid")
        return Decimal(text).quantize(Decimal("0.01"))

    def to_representation(self, value):
        return None if value is None else f"{value:.2f}"


class CaseInSerializer(serializers.Serializer):
    """办件推送: what a department's system sends for one case."""

    uscc = serializers.CharField(label=gettext_lazy("统一社会信用代码"), max_length=40)
    matter = serializers.CharField(label=gettext_lazy("事项编码"), max_length=60)
    status = serializers.CharField(
        label=gettext_lazy("业务系统办件状态"),
        max_length=64,
        help_text=gettext_lazy("业务系统中的状态，按对照表映射为平台状态"),
    )
    period = serializers.RegexField(
        r"^[0-9]{4}$", label=gettext_lazy("申报批次"), required=False, help_text=gettext_lazy("申报年度，如 2026")
    )
    submitted_on = serializers.DateField(label=gettext_lazy("申报日期"), required=False, input_formats=["iso-8601"])
    accepted_on = serializers.DateField(label=gettext_lazy("受理日期"), required=False, input_formats=["iso-8601"])
    decided_on = serializers.DateField(label=gettext_lazy("办结日期"), required=False, input_formats=["iso-8601"])
    requested_amount = MoneyField(label=gettext_lazy("申请金额（元）"), required=False, allow_null=True)
    approved_amount = MoneyField(label=gettext_lazy("核定金额（元）"), required=False, allow_null=True)
    reason = serializers.CharField(
        label=gettext_lazy("决定理由"), required=False, allow_blank=True, max_length=2000, trim_whitespace=True
    )
    contact_name = serializers.CharField(
        label=gettext_lazy("联系人"), required=False, allow_blank=True, max_length=64, trim_whitespace=True
    )

    def validate_status(self, value):
        platform = STATUS_MAP.get(status_key(value))
        if platform is None:
            raise serializers.ValidationError(
                _("无法识别的办件状态“%(value)s”，可用：%(known)s。")
                % {"value": value, "known": "、".join(sorted({k for k in STATUS_MAP if k.isascii()}))}
            )
        self.platform_status = platform
        return value.strip()

    def validate_uscc(self, value):
        from enterprises.models import Enterprise
        from enterprises.uscc import normalize_uscc, uscc_error

        code = normalize_uscc(value)
        error = uscc_error(code)
        if error:
            raise serializers.ValidationError(error)
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise serializers.ValidationError(
                _("统一社会信用代码为%(uscc)s的企业不在平台企业库（一企一档）中，请先补录企业信息。") % {"uscc": code}
            )
        self.enterprise = enterprise
        return code

    def validate_matter(self, value):
        from matters.models import Matter

        code = normalize.compact(value).upper()
        matter = Matter.objects.select_related("department").filter(code=code).first()
        if matter is None:
            raise serializers.ValidationError(_("事项编码%(code)s不存在。") % {"code": code})
        department = self.context["client"].department
        if matter.department_id != department.pk:
            raise serializers.ValidationError(
                _("事项“%(matter)s”由%(owner)s实施，不属于%(department)s，不能推送该事项的办件。")
                % {"matter": matter.name, "owner": matter.department.name, "department": department.name}
            )
        self.matter = matter
        return code


class CaseOutSerializer(serializers.Serializer):
    """办件: what the platform holds of a pushed case."""

    external_id = serializers.CharField(label=gettext_lazy("业务系统办件编号"))
    number = serializers.CharField(label=gettext_lazy("平台申报编号"))
    code = serializers.CharField(label=gettext_lazy("查询码"), source="grouped_code")
    uscc = serializers.CharField(source="enterprise.uscc", label=gettext_lazy("统一社会信用代码"))
    enterprise_name = serializers.CharField(source="enterprise.name", label=gettext_lazy("企业名称"))
    matter = serializers.CharField(source="matter.code", label=gettext_lazy("事项编码"))
    matter_name = serializers.CharField(source="matter.name", label=gettext_lazy("事项名称"))
    period = serializers.CharField(label=gettext_lazy("申报批次"))
    status = serializers.CharField(source="external_status", label=gettext_lazy("业务系统办件状态"))
    platform_status = serializers.ChoiceField(
        source="status", choices=Status.choices, label=gettext_lazy("平台办件状态")
    )
    platform_status_label = serializers.CharField(source="get_status_display", label=gettext_lazy("平台状态名称"))
    requested_amount = MoneyField(label=gettext_lazy("申请金额（元）"), allow_null=True)
    approved_amount = MoneyField(label=gettext_lazy("核定金额（元）"), allow_null=True)
    reason = serializers.CharField(source="decision_reason", label=gettext_lazy("决定理由"))
    submitted_on = serializers.SerializerMethodField(label=gettext_lazy("申报日期"))
    accepted_on = serializers.SerializerMethodField(label=gettext_lazy("受理日期"))
    decided_on = serializers.SerializerMethodField(label=gettext_lazy("办结日期"))
    updated_at = serializers.DateTimeField(label=gettext_lazy("平台更新时间"))

    @staticmethod
    def _day(value):
        return timezone.localdate(value).isoformat() if value else None

    def get_submitted_on(self, obj) -> str | None:
        return self._day(obj.submitted_at)

    def get_accepted_on(self, obj) -> str | None:
        return self._day(obj.accepted_at)

    def get_decided_on(self, obj) -> str | None:
        return self._day(obj.decided_at)


def _moment(day):
    """A pushed date as the start of that day, local time (the systems send dates, the model keeps moments)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _conflict_message(application) -> str | None:
    active = Application.objects.filter(enterprise=application.enterprise, period=application.period).exclude(
        status__in=RELEASED_STATES
    )
    if application.pk:
        active = active.exclude(pk=application.pk)
    other = active.filter(matter=application.matter).first()
    if other is None and application.exclusive_group:
        other = active.filter(exclusive_group=application.exclusive_group).select_related("matter").first()
    if other is None:
        return None
    return _(
        "%(enterprise)s在%(period)s批次已有“%(matter)s”的申报件（平台申报编号%(number)s，%(channel)s），"
        "不能重复申报或享受。"
    ) % {
        "enterprise": application.enterprise.name,
        "period": application.period,
        "matter": other.matter.name,
        "number": other.number,
        "channel": other.get_channel_display(),
    }


def push(client, external_id: str, data: dict, *, enterprise, matter, platform_status: str):
    """Creates or updates the case (`client`'s department, `external_id`). Returns (application, created).

    Raises `Conflict` (409) when the case would break one application per matter and period."""
    department = client.department
    today = timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = (
                    Application.objects.select_for_update()
                    .filter(channel=Channel.EXTERNAL, external_department=department, external_id=external_id)
                    .first()
                )
                created = application is None
                if created:
                    application = Application(
                        number=services._next_number(today),
                        enterprise=enterprise,
                        matter=matter,
                        channel=Channel.EXTERNAL,
                        external_department=department,
                        external_id=external_id,
                        exclusive_group=matter.exclusive_group or "",
                        period=data.get("period") or services.period_for(matter, data.get("submitted_on") or today),
                    )
                    before = None
                else:
                    if application.enterprise_id != enterprise.pk or application.matter_id != matter.pk:
                        raise serializers.ValidationError(
                            {
                                "external_id": [
                                    _("办件%(id)s已登记为“%(enterprise)s”的“%(matter)s”，企业和事项不能更改。")
                                    % {
                                        "id": external_id,
                                        "enterprise": application.enterprise.name,
                                        "matter": application.matter.name,
                                    }
                                ]
                            }
                        )
                    before = application.status
                changed = _apply(application, data, platform_status, today=today)
                if not created and not changed:
                    return application, False
                _check_complete(application)
                application._history_user = None
                application._change_reason = _reason(application, before, created)
                application.save()
                if application.status != before:
                    transaction.on_commit(lambda a=application: _tell(a))
                return application, created
        except IntegrityError as error:
            text = str(error)
            if "application_once_per" in text:
                raise Conflict(
                    _conflict_message(application) or _("该企业本批次已申报此事项，不能重复申报。")
                ) from error
            if "application_external_id_unique" in text or "number" in text:
                continue
            raise
    raise Busy()


def _apply(application, data: dict, platform_status: str, *, today) -> bool:
    """Copies the pushed values onto the case; True when anything changed."""
    values = {
        "external_status": data["status"],
        "status": platform_status,
    }
    if "period" in data:
        values["period"] = data["period"]
    for field in ("requested_amount", "approved_amount"):
        if field in data:
            values[field] = data[field]
    if "reason" in data:
        values["decision_reason"] = data["reason"]
    if "contact_name" in data:
        values["contact_name"] = data["contact_name"]
    for field, day in (("submitted_at", "submitted_on"), ("accepted_at", "accepted_on"), ("decided_at", "decided_on")):
        if data.get(day):
            values[field] = _moment(data[day])
    now = timezone.now()
    if platform_status != S.DRAFT and application.submitted_at is None and "submitted_at" not in values:
        values["submitted_at"] = now
    if platform_status in DECIDED and application.decided_at is None and "decided_at" not in values:
        values["decided_at"] = now
    changed = False
    for field, value in values.items():
        if getattr(application, field) != value:
            setattr(application, field, value)
            changed = True
    return changed


def _check_complete(application) -> None:
    errors = {}
    if application.status in NEEDS_AMOUNT and application.approved_amount is None:
        errors["approved_amount"] = [
            _("状态为“%(status)s”时须填写核定金额（元）。") % {"status": application.get_status_display()}
        ]
    if application.status in NEEDS_REASON and not application.decision_reason:
        errors["reason"] = [_("状态为“%(status)s”时须填写理由。") % {"status": application.get_status_display()}]
    if errors:
        raise serializers.ValidationError(errors)


def _reason(application, before, created) -> str:
    state = f"{application.get_status_display()}（{application.external_status}）"
    if created:
        return _("业务系统推送：新建办件，%(state)s") % {"state": state}
    if before != application.status:
        return _("业务系统推送：%(before)s → %(state)s") % {"before": Status(before).label, "state": state}
    return _("业务系统推送：更新办件信息，%(state)s") % {"state": state}


def _tell(application) -> None:
    """闭环管理: the enterprise sees the pushed progress in its space, as for any case (site message)."""
    services.notify_progress(application, application.get_status_display(), sms=False)


class ApiView:
    authentication_classes = [HmacSignatureAuthentication]
    permission_classes = [HasApiClient]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def cases(self):
        return Application.objects.select_related("enterprise", "matter").filter(
            channel=Channel.EXTERNAL, external_department=self.request.auth.department
        )


CASE_DESCRIPTION = (
    gettext_lazy("办件状态对照（业务系统状态 → 平台状态），大小写与全角半角不限：")
    + "\n\n"
    + "{mapping}"
    + "\n\n"
    + gettext_lazy(
        '金额以字符串传递（元，最多两位小数，如 "12000.50"）；日期为 ISO 8601（YYYY-MM-DD）。'
        "核准、待兑付、已兑付须有核定金额；不予受理、不予通过须有理由。"
    )
)


def _case_description() -> str:
    return str(CASE_DESCRIPTION).replace("{mapping}", mapping_doc())


class CaseView(ApiView, APIView):
    """One case by the department system's own id."""

    @extend_schema(
        operation_id="case_get",
        summary=gettext_lazy("查询办件"),
        description=gettext_lazy("按业务系统办件编号查询本部门推送的办件。"),
        responses={200: CaseOutSerializer, 404: OpenApiResponse(description=gettext_lazy("本部门没有该办件"))},
    )
    def get(self, request, external_id):
        application = self.cases().filter(external_id=external_id).first()
        if application is None:
            raise exceptions.NotFound(_("本部门没有编号为%(id)s的办件。") % {"id": external_id})
        return Response(CaseOutSerializer(application).data)

    @extend_schema(
        operation_id="case_put",
        summary=gettext_lazy("推送办件（按业务系统办件编号新建或更新，幂等）"),
        description=lazy(_case_description, str)(),
        request=CaseInSerializer,
        responses={
            200: CaseOutSerializer,
            201: CaseOutSerializer,
            400: OpenApiResponse(description=gettext_lazy("数据有误（中文说明）")),
            409: inline_serializer("Conflict", {"detail": serializers.CharField()}),
        },
    )
    def put(self, request, external_id):
        serializer = CaseInSerializer(data=request.data, context={"client": request.auth})
        serializer.is_valid(raise_exception=True)
        application, created = push(
            request.auth,
            external_id,
            serializer.validated_data,
            enterprise=serializer.enterprise,
            matter=serializer.matter,
            platform_status=serializer.platform_status,
        )
        application = self.cases().get(pk=application.pk)
        return Response(
            CaseOutSerializer(application).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class CasePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CaseListView(ApiView, generics.ListAPIView):
    """The calling department's pushed cases, most recently changed first."""

    serializer_class = CaseOutSerializer
    pagination_class = CasePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return self.cases().order_by("-updated_at", "-id")

    @extend_schema(
        operation_id="case_list",
        summary=gettext_lazy("本部门推送的办件"),
        description=gettext_lazy("本部门推送的全部办件，按平台更新时间倒序，分页返回。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
