"""The 12345 platform's inbound API (12345工单接入): tickets pushed, read and updated by the city's 12345 platform.

The platform signs every call with the key (`applications.api_auth`, HMAC-SHA256, replays refused) of an
operations centre (城运中心（12345）); a key of any other department is refused (403). Its tickets are the
appeals with a 12345 ticket number in the centre's region or below.

- `POST /api/v1/appeals/`: a ticket from a hotline call becomes an appeal (channel 12345热线) through
  `appeals.services.submit`. Idempotent by the 12345 ticket number: the same number with the same content
  (SHA-256 of the canonical fields, `hotline_digest`) answers 200 with the ticket and writes nothing; the same
  number with different content is a 409 naming the fields that differ, and nothing is overwritten.
- `GET /api/v1/appeals/<hotline_number>/`: status, department, the due date of the running clock, replies,
  evaluation and timeline.
- `POST /api/v1/appeals/<hotline_number>/events/`: an evaluation, a supplement or a withdrawal relayed by the
  platform, idempotent by its `event_id`; an event the ticket's state does not allow is a 409 with the
  workflow's own message.

The outbound half (every status change POSTed to the platform) is `appeals.hotline`; the interface for the
platform's vendor is docs/12345.md.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from appeals import services
from appeals.models import (
    Appeal,
    AppealKind,
    AppealState,
    Channel,
    EvaluationSource,
    Satisfaction,
    Urgency,
)
from appeals.models_hotline import HotlineEvent, HotlineEventKind
from applications.api_auth import HmacSignatureAuthentication
from applications.models import ApiClient
from portal.core import normalize
from portal.core.workflow import TransitionNotAllowed, perform

HOTLINE_NUMBER = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"
EVENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"

# The content fields of a ticket, in the order a conflict names them; their canonical values make the digest.
CONTENT_FIELDS = (
    "kind",
    "title",
    "content",
    "urgency",
    "contact_name",
    "contact_phone",
    "uscc",
    "region",
    "policy",
    "matter",
)


def _choice(value: str, choices) -> str | None:
    """A code or its Chinese label (folded, any case) → the code; None when it is neither."""
    key = normalize.fold(value).casefold()
    for code, label in choices:
        if key in (code.casefold(), str(label).casefold()):
            return code
    return None


def digest_of(canonical: dict) -> str:
    """SHA-256 (hex) of the canonical fields as sorted, compact JSON (UTF-8)."""
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("与平台已有工单冲突，未作任何更改。")
    default_code = "conflict"


class Busy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("系统繁忙，请稍后重试。")
    default_code = "busy"


class IsOperationsCentre(permissions.BasePermission):
    """Signed by an active key of an operations centre (城运中心（12345）); any other department: 403."""

    message = gettext_lazy("只有城运中心（12345）的接入标识可以调用12345工单接口，本接入标识所属部门不是城运中心。")

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return False
        from portal.org.models import Department

        return client.department.kind == Department.Kind.OPERATIONS


# --- bodies ------------------------------------------------------------------------------------------


class TicketInSerializer(serializers.Serializer):
    """12345工单推送: one ticket from a hotline call."""

    hotline_number = serializers.CharField(
        label=gettext_lazy("12345工单号"), max_length=40, help_text=gettext_lazy("12345平台的工单编号（幂等键）")
    )
    kind = serializers.CharField(
        label=gettext_lazy("诉求类型"),
        max_length=16,
        help_text=gettext_lazy("consultation 咨询、complaint 投诉、suggestion 意见建议、help 求助；也可用中文"),
    )
    title = serializers.CharField(label=gettext_lazy("诉求标题"), max_length=100)
    content = serializers.CharField(
        label=gettext_lazy("诉求内容"), max_length=5000, trim_whitespace=False, help_text=gettext_lazy("不少于10个字")
    )
    urgency = serializers.CharField(
        label=gettext_lazy("紧急程度"),
        max_length=8,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("normal 一般（默认）、urgent 紧急；也可用中文"),
    )
    contact_name = serializers.CharField(label=gettext_lazy("联系人"), max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(
        label=gettext_lazy("联系电话"),
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("11位手机号码；未关联企业的来件必填"),
    )
    uscc = serializers.CharField(
        label=gettext_lazy("统一社会信用代码"),
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("来电企业的统一社会信用代码；企业在平台企业库中时自动关联"),
    )
    region = serializers.CharField(
        label=gettext_lazy("区划代码"),
        max_length=12,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("6位行政区划代码，须为本城运中心所在区划或其下级；默认本中心所在区划"),
    )
    policy = serializers.IntegerField(label=gettext_lazy("相关政策编号"), required=False, allow_null=True, min_value=1)
    matter = serializers.IntegerField(label=gettext_lazy("相关事项编号"), required=False, allow_null=True, min_value=1)

    def validate_hotline_number(self, value):
        number = normalize.compact(value)
        if not re.fullmatch(HOTLINE_NUMBER, number):
            raise serializers.ValidationError(_("12345工单号须为1至40位字母、数字、点、下划线或连字符。"))
        return number

    def validate_kind(self, value):
        code = _choice(value, AppealKind.choices)
        if code is None:
            raise serializers.ValidationError(
                _(
                    "无法识别的诉求类型“%(value)s”，可用：consultation（咨询）、complaint（投诉）、"
                    "suggestion（意见建议）、help（求助）。"
                )
                % {"value": value}
            )
        return code

    def validate_urgency(self, value):
        if not normalize.fold(value):
            return Urgency.NORMAL
        code = _choice(value, Urgency.choices)
        if code is None:
            raise serializers.ValidationError(
                _("无法识别的紧急程度“%(value)s”，可用：normal（一般）、urgent（紧急）。") % {"value": value}
            )
        return code

    def validate_title(self, value):
        title = normalize.text(value)
        if not title:
            raise serializers.ValidationError(_("请填写诉求标题。"))
        return title

    def validate_content(self, value):
        content = normalize.prose(value)
        if len(content) < 10:
            raise serializers.ValidationError(_("请把诉求写清楚（不少于10个字）。"))
        return content

    def validate_contact_name(self, value):
        return normalize.text(value)

    def validate_contact_phone(self, value):
        if not normalize.compact(value):
            return ""
        try:
            return normalize.phone(value)
        except normalize.NormalizeError as error:
            raise serializers.ValidationError(str(error)) from error

    def validate_uscc(self, value):
        from enterprises.uscc import uscc_error

        if not normalize.compact(value):
            return ""
        try:
            code = normalize.identifier(value)
        except normalize.NormalizeError as error:
            raise serializers.ValidationError(str(error)) from error
        error = uscc_error(code)
        if error:
            raise serializers.ValidationError(error)
        return code

    def validate_region(self, value):
        from portal.org.models import Region

        centre = self.context["centre"]
        code = normalize.compact(value)
        if not code:
            self.region_obj = centre.region
            return centre.region.code
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise serializers.ValidationError(_("区划代码%(code)s不存在。") % {"code": code})
        if region.pk not in centre.region.subtree_ids():
            raise serializers.ValidationError(
                _("区划“%(region)s”不在%(centre)s的受理范围（%(own)s及其下级区划）内。")
                % {"region": region.name, "centre": centre.name, "own": centre.region.name}
            )
        self.region_obj = region
        return code

    def validate_policy(self, value):
        from policies.models import Policy

        if value is None:
            return None
        policy = Policy.objects.filter(pk=value, status__in=Policy.PUBLIC_STATUSES).first()
        if policy is None:
            raise serializers.ValidationError(_("编号为%(id)s的政策不存在或未公开。") % {"id": value})
        return policy

    def validate_matter(self, value):
        from matters.models import Matter

        if value is None:
            return None
        matter = Matter.objects.filter(pk=value).first()
        if matter is None:
            raise serializers.ValidationError(_("编号为%(id)s的事项不存在。") % {"id": value})
        return matter

    def validate(self, attrs):
        if "region" not in attrs:
            attrs["region"] = self.validate_region("")
        return attrs

    def canonical(self) -> dict:
        """The ticket's content as the digest sees it: normalised strings, ids as strings, defaults filled in."""
        data = self.validated_data
        values = {
            "kind": data["kind"],
            "title": data["title"],
            "content": data["content"],
            "urgency": data.get("urgency") or Urgency.NORMAL,
            "contact_name": data.get("contact_name", ""),
            "contact_phone": data.get("contact_phone", ""),
            "uscc": data.get("uscc", ""),
            "region": data["region"],
            "policy": str(data["policy"].pk) if data.get("policy") else "",
            "matter": str(data["matter"].pk) if data.get("matter") else "",
        }
        return {field: values[field] for field in CONTENT_FIELDS}


class ReplyOutSerializer(serializers.Serializer):
    round = serializers.IntegerField(label=gettext_lazy("办理轮次"))
    department = serializers.CharField(source="department.name", label=gettext_lazy("答复部门"))
    content = serializers.CharField(label=gettext_lazy("答复内容"))
    replied_at = serializers.DateTimeField(label=gettext_lazy("答复时间"))


class TimelineOutSerializer(serializers.Serializer):
    at = serializers.DateTimeField(label=gettext_lazy("时间"))
    status = serializers.ChoiceField(choices=AppealState.choices, label=gettext_lazy("状态"))
    label = serializers.CharField(label=gettext_lazy("状态名称"))
    note = serializers.CharField(label=gettext_lazy("说明"))
    department = serializers.CharField(label=gettext_lazy("承办部门"))


class TicketOutSerializer(serializers.Serializer):
    """诉求工单: what the platform holds of a 12345 ticket now."""

    ticket = serializers.CharField(source="number", label=gettext_lazy("平台工单编号"))
    hotline_number = serializers.CharField(label=gettext_lazy("12345工单号"))
    tracking_code = serializers.CharField(label=gettext_lazy("查询码"))
    kind = serializers.ChoiceField(choices=AppealKind.choices, label=gettext_lazy("诉求类型"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, label=gettext_lazy("紧急程度"))
    title = serializers.CharField(label=gettext_lazy("诉求标题"))
    status = serializers.ChoiceField(choices=AppealState.choices, label=gettext_lazy("状态"))
    status_label = serializers.CharField(source="get_status_display", label=gettext_lazy("状态名称"))
    region = serializers.CharField(source="region.code", label=gettext_lazy("区划代码"))
    operations_centre = serializers.CharField(source="operations_centre.name", label=gettext_lazy("受理中心"))
    department = serializers.SerializerMethodField(label=gettext_lazy("承办部门"))
    enterprise = serializers.SerializerMethodField(label=gettext_lazy("关联企业"))
    due_on = serializers.SerializerMethodField(label=gettext_lazy("当前环节截止日期"))
    due_stage = serializers.SerializerMethodField(label=gettext_lazy("当前环节时限"))
    reopen_count = serializers.IntegerField(label=gettext_lazy("重办次数"))
    satisfaction = serializers.CharField(label=gettext_lazy("评价"), help_text="satisfied / basic / unsatisfied / ''")
    satisfaction_label = serializers.CharField(source="get_satisfaction_display", label=gettext_lazy("评价名称"))
    evaluation_comment = serializers.CharField(label=gettext_lazy("评价意见"))
    evaluation_source = serializers.CharField(
        label=gettext_lazy("评价来源"), help_text="submitter / hotline / lapsed / ''"
    )
    submitted_at = serializers.DateTimeField(label=gettext_lazy("提交时间"))
    closed_at = serializers.DateTimeField(label=gettext_lazy("办结时间"), allow_null=True)
    replies = ReplyOutSerializer(many=True, label=gettext_lazy("答复"))
    timeline = serializers.SerializerMethodField(label=gettext_lazy("办理过程"))

    def _clock(self, obj):
        from portal.workcalendar import clocks
        from portal.workcalendar.models import Clock

        if not hasattr(obj, "_current_clock"):
            obj._current_clock = clocks.of(obj).exclude(state=Clock.State.STOPPED).order_by("-id").first()
        return obj._current_clock

    def get_department(self, obj) -> str:
        return obj.department.name if obj.department_id else ""

    def get_enterprise(self, obj) -> str:
        return obj.enterprise.name if obj.enterprise_id else ""

    def get_due_on(self, obj) -> str | None:
        clock = self._clock(obj)
        return clock.due_on.isoformat() if clock is not None and clock.due_on else None

    def get_due_stage(self, obj) -> str:
        from portal.workcalendar import clocks

        clock = self._clock(obj)
        return str(clocks.kinds.get(clock.kind).label) if clock is not None else ""

    @extend_schema_field(TimelineOutSerializer(many=True))
    def get_timeline(self, obj) -> list:
        return TimelineOutSerializer(services.timeline(obj), many=True).data


class TicketConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(label=gettext_lazy("中文说明"))
    ticket = serializers.CharField(label=gettext_lazy("平台工单编号"), allow_blank=True)
    fields = serializers.ListField(
        child=serializers.CharField(), label=gettext_lazy("内容不一致的字段"), help_text=gettext_lazy("字段名")
    )


class EventInSerializer(serializers.Serializer):
    """12345事件回传: an evaluation, a supplement or a withdrawal the caller made through the hotline."""

    event_id = serializers.RegexField(
        EVENT_ID,
        label=gettext_lazy("事件编号"),
        max_length=64,
        help_text=gettext_lazy("12345平台为本事件分配的唯一编号（幂等键）"),
        error_messages={"invalid": gettext_lazy("事件编号须为1至64位字母、数字、点、冒号、下划线或连字符。")},
    )
    type = serializers.ChoiceField(
        label=gettext_lazy("事件类型"),
        choices=[
            ("evaluation", gettext_lazy("评价")),
            ("supplement", gettext_lazy("补充信息")),
            ("withdraw", gettext_lazy("撤回")),
        ],
        error_messages={"invalid_choice": gettext_lazy("事件类型须为 evaluation、supplement 或 withdraw。")},
    )
    satisfaction = serializers.CharField(
        label=gettext_lazy("满意度"),
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("评价时必填：satisfied 满意、basic 基本满意、unsatisfied 不满意；也可用中文"),
    )
    comment = serializers.CharField(
        label=gettext_lazy("评价意见"),
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=gettext_lazy("首次评价不满意时必填（不满意的原因，工单退回原承办部门重办）"),
    )
    content = serializers.CharField(
        label=gettext_lazy("补充的信息"),
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=gettext_lazy("补充信息时必填"),
    )
    reason = serializers.CharField(label=gettext_lazy("撤回原因"), required=False, allow_blank=True, max_length=500)

    def validate_satisfaction(self, value):
        if not normalize.fold(value):
            return ""
        code = _choice(value, Satisfaction.choices)
        if code is None:
            raise serializers.ValidationError(_("请选择满意、基本满意或不满意。"))
        return code

    def validate(self, attrs):
        kind = attrs["type"]
        for field in ("comment", "content", "reason"):
            attrs[field] = normalize.prose(attrs.get(field, ""))
        if kind == "evaluation" and not attrs.get("satisfaction"):
            raise serializers.ValidationError({"satisfaction": [_("请选择满意、基本满意或不满意。")]})
        if kind == "supplement" and not attrs["content"]:
            raise serializers.ValidationError({"content": [_("请填写补充的信息。")]})
        return attrs

    def canonical(self) -> dict:
        data = self.validated_data
        kind = data["type"]
        body = {"type": kind}
        if kind == "evaluation":
            body.update(satisfaction=data["satisfaction"], comment=data["comment"])
        elif kind == "supplement":
            body.update(content=data["content"])
        else:
            body.update(reason=data["reason"])
        return body


class EventOutSerializer(serializers.Serializer):
    event_id = serializers.CharField(label=gettext_lazy("事件编号"))
    type = serializers.CharField(label=gettext_lazy("事件类型"))
    action = serializers.CharField(
        label=gettext_lazy("执行的操作"), help_text="evaluate / reopen / supply_info / withdraw"
    )
    action_label = serializers.CharField(label=gettext_lazy("操作名称"))
    status = serializers.ChoiceField(choices=AppealState.choices, label=gettext_lazy("处理后的工单状态"))
    status_label = serializers.CharField(label=gettext_lazy("状态名称"))
    duplicate = serializers.BooleanField(
        label=gettext_lazy("重复推送"), help_text=gettext_lazy("此前已处理过的事件为 true")
    )


# --- doing -------------------------------------------------------------------------------------------


def tickets_of(centre):
    """The 12345 tickets a centre's key may read and update: those in its region or below."""
    return Appeal.objects.select_related("department", "operations_centre", "region", "enterprise").filter(
        hotline_number__isnull=False, region_id__in=centre.region.subtree_ids()
    )


FIELD_LABELS = {name: field.label for name, field in TicketInSerializer().fields.items()}


def _stored_content(appeal) -> dict:
    """The canonical content the ticket was created with (its create record; else rebuilt from the appeal)."""
    record = appeal.hotline_events.filter(kind=HotlineEventKind.CREATE).first()
    if record is not None:
        return record.payload
    return {
        "kind": appeal.kind,
        "title": appeal.title,
        "content": appeal.content,
        "urgency": appeal.urgency,
        "contact_name": appeal.contact_name,
        "contact_phone": appeal.contact_phone,
        "uscc": appeal.enterprise.uscc if appeal.enterprise_id else "",
        "region": appeal.region.code,
        "policy": str(appeal.policy_id or ""),
        "matter": str(appeal.matter_id or ""),
    }


def _repeat(appeal, centre, canonical: dict, digest: str) -> Response:
    """A ticket number already known: the same content is the same ticket (200), anything else a conflict (409)."""
    if not tickets_of(centre).filter(pk=appeal.pk).exists():
        raise Conflict(
            _("12345工单号%(number)s已由其他受理中心登记，不能重复使用。") % {"number": appeal.hotline_number}
        )
    if appeal.hotline_digest == digest:
        return Response(TicketOutSerializer(appeal).data, status=status.HTTP_200_OK)
    stored = _stored_content(appeal)
    differing = [field for field in CONTENT_FIELDS if stored.get(field, "") != canonical.get(field, "")]
    names = "、".join(str(FIELD_LABELS[field]) for field in differing) or _("内容")
    detail = _(
        "12345工单号%(number)s已登记为平台工单%(ticket)s，本次推送的%(fields)s与登记内容不一致，未作任何更改。"
        "新的诉求请使用新的工单号；来电人补充的信息请通过事件接口（supplement）推送。"
    ) % {"number": appeal.hotline_number, "ticket": appeal.number, "fields": names}
    return Response({"detail": detail, "ticket": appeal.number, "fields": differing}, status=status.HTTP_409_CONFLICT)


def create_ticket(client, data: dict, canonical: dict, digest: str) -> Appeal:
    """The appeal of a new 12345 ticket and its create record, in one transaction (IntegrityError on a race)."""
    from enterprises.models import Enterprise

    enterprise = Enterprise.objects.filter(uscc=canonical["uscc"]).first() if canonical["uscc"] else None
    new = services.NewAppeal(
        kind=canonical["kind"],
        title=canonical["title"],
        content=canonical["content"],
        channel=Channel.HOTLINE,
        urgency=canonical["urgency"],
        enterprise=enterprise,
        submitted_by=None,
        contact_name=canonical["contact_name"],
        contact_phone=canonical["contact_phone"],
        region=data["region_obj"],
        policy=data.get("policy"),
        matter=data.get("matter"),
        hotline_number=data["hotline_number"],
        hotline_digest=digest,
    )
    with transaction.atomic():
        appeal = services.submit(new)
        HotlineEvent.objects.create(
            appeal=appeal,
            kind=HotlineEventKind.CREATE,
            event_id=data["hotline_number"],
            digest=digest,
            payload=canonical,
            outcome={"ticket": appeal.number},
            client=client,
        )
    return appeal


def _hotline_number_taken(error: IntegrityError) -> bool:
    text = str(error)
    return "hotline_number" in text or "appeal_hotline_one_create" in text


def apply_event(appeal, data: dict) -> tuple[str, Appeal]:
    """Performs the event on the locked appeal as the platform (by=None); returns (transition name, appeal)."""
    kind = data["type"]
    if kind == "evaluation":
        result = services.evaluate(
            appeal,
            satisfaction=data["satisfaction"],
            comment=data["comment"],
            by=None,
            source=EvaluationSource.HOTLINE,
        )
        return ("reopen" if result.status == AppealState.DISPATCHED else "evaluate"), result
    if kind == "supplement":
        return "supply_info", perform(appeal, "supply_info", by=None, reason=data["content"])
    return "withdraw", perform(appeal, "withdraw", by=None, reason=data["reason"])


REASON_FIELD = {"evaluation": "comment", "supplement": "content", "withdraw": "reason"}


# --- views -------------------------------------------------------------------------------------------


class HotlineApiView(APIView):
    authentication_classes = [HmacSignatureAuthentication]
    permission_classes = [IsOperationsCentre]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def centre(self):
        return self.request.auth.department

    def ticket(self, hotline_number: str) -> Appeal:
        appeal = tickets_of(self.centre()).filter(hotline_number=normalize.compact(hotline_number)).first()
        if appeal is None:
            raise exceptions.NotFound(_("本中心没有12345工单号为%(number)s的工单。") % {"number": hotline_number})
        return appeal


TICKET_EXAMPLE = {
    "hotline_number": "YC20261009000123",
    "kind": "complaint",
    "title": "高新技术企业奖励迟迟未拨付",
    "content": "我公司2025年认定为高新技术企业，按政策应获奖励，至今未到账，请协助催办。",
    "urgency": "normal",
    "contact_name": "王先生",
    "contact_phone": "13800138000",
    "uscc": "91420502MA00210007",
}


class TicketCreateView(HotlineApiView):
    @extend_schema(
        operation_id="appeal_create",
        summary=gettext_lazy("推送12345工单（按12345工单号幂等）"),
        description=gettext_lazy(
            "来电生成的工单推送到平台，成为来源渠道为“12345热线”的诉求工单，由本中心受理。"
            "按12345工单号幂等：同一工单号、相同内容再次推送返回200和原工单，不新建、不重复通知；"
            "同一工单号、不同内容返回409，说明哪些字段不一致，原工单不作任何更改。"
            "内容比较前先规范化：全角字符、手机号码中的空格和连字符、统一社会信用代码的大小写不影响比较。"
        ),
        request=TicketInSerializer,
        responses={
            201: TicketOutSerializer,
            200: TicketOutSerializer,
            400: OpenApiResponse(description=gettext_lazy("数据有误：按字段列出中文说明")),
            403: OpenApiResponse(description=gettext_lazy("接入标识不属于城运中心（12345）")),
            409: OpenApiResponse(
                TicketConflictSerializer, description=gettext_lazy("工单号已登记且内容不一致，未作任何更改")
            ),
        },
        examples=[OpenApiExample("ticket", request_only=True, value=TICKET_EXAMPLE)],
    )
    def post(self, request):
        centre = self.centre()
        serializer = TicketInSerializer(data=request.data, context={"centre": centre})
        serializer.is_valid(raise_exception=True)
        canonical = serializer.canonical()
        digest = digest_of(canonical)
        data = {**serializer.validated_data, "region_obj": serializer.region_obj}
        number = data["hotline_number"]
        for _attempt in range(3):
            existing = Appeal.objects.filter(hotline_number=number).first()
            if existing is not None:
                return _repeat(existing, centre, canonical, digest)
            try:
                appeal = create_ticket(request.auth, data, canonical, digest)
            except ValidationError as error:
                raise serializers.ValidationError(_drf_errors(error)) from error
            except IntegrityError as error:
                if _hotline_number_taken(error):
                    continue  # a concurrent push of the same number won: answer as for a repeat
                raise
            appeal = tickets_of(centre).get(pk=appeal.pk)
            return Response(TicketOutSerializer(appeal).data, status=status.HTTP_201_CREATED)
        raise Busy()


class TicketView(HotlineApiView):
    @extend_schema(
        operation_id="appeal_get",
        summary=gettext_lazy("查询12345工单"),
        description=gettext_lazy(
            "按12345工单号查询工单的状态、承办部门、当前环节截止日期（工作日计算）、答复、评价和办理过程。"
            "只能查询本中心所在区划及其下级区划的工单。"
        ),
        responses={
            200: TicketOutSerializer,
            404: OpenApiResponse(description=gettext_lazy("本中心没有该工单")),
        },
    )
    def get(self, request, hotline_number):
        return Response(TicketOutSerializer(self.ticket(hotline_number)).data)


class TicketEventView(HotlineApiView):
    @extend_schema(
        operation_id="appeal_event",
        summary=gettext_lazy("回传12345事件：评价、补充信息、撤回（按事件编号幂等）"),
        description=gettext_lazy(
            "来电人通过12345热线对工单的评价（evaluation：满意、基本满意办结；首次不满意退回原承办部门重办，须写明原因）、"
            "补充的信息（supplement，工单待补充信息时）和撤回（withdraw，工单受理前或待派单时）。"
            "按事件编号幂等：同一事件再次推送返回200和首次的处理结果（duplicate 为 true），不重复办理；"
            "同一事件编号、不同内容返回409。工单当前状态不允许该操作时返回409和中文说明。"
        ),
        request=EventInSerializer,
        responses={
            200: EventOutSerializer,
            400: OpenApiResponse(description=gettext_lazy("数据有误：按字段列出中文说明")),
            404: OpenApiResponse(description=gettext_lazy("本中心没有该工单")),
            409: OpenApiResponse(description=gettext_lazy("工单当前状态不允许该操作，或事件编号已用于其他内容")),
        },
        examples=[
            OpenApiExample(
                "evaluation",
                request_only=True,
                value={"event_id": "EV-20261010-0001", "type": "evaluation", "satisfaction": "satisfied"},
            ),
            OpenApiExample(
                "unsatisfied",
                request_only=True,
                value={
                    "event_id": "EV-20261010-0002",
                    "type": "evaluation",
                    "satisfaction": "unsatisfied",
                    "comment": "奖励仍未到账",
                },
            ),
            OpenApiExample(
                "supplement",
                request_only=True,
                value={"event_id": "EV-20261010-0003", "type": "supplement", "content": "认定证书编号GR202542000123"},
            ),
            OpenApiExample(
                "withdraw",
                request_only=True,
                value={"event_id": "EV-20261010-0004", "type": "withdraw", "reason": "问题已自行解决"},
            ),
        ],
    )
    def post(self, request, hotline_number):
        appeal = self.ticket(hotline_number)
        serializer = EventInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        canonical = serializer.canonical()
        digest = digest_of(canonical)
        event_id = data["event_id"]
        with transaction.atomic():
            locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
            seen = locked.hotline_events.exclude(kind=HotlineEventKind.CREATE).filter(event_id=event_id).first()
            if seen is not None:
                if seen.digest != digest:
                    raise Conflict(
                        _("事件编号%(id)s已用于工单%(number)s的另一次推送（%(kind)s），内容不同，未作任何更改。")
                        % {"id": event_id, "number": locked.hotline_number, "kind": seen.get_kind_display()}
                    )
                return Response({**seen.outcome, "duplicate": True}, status=status.HTTP_200_OK)
            try:
                action, result = apply_event(locked, data)
            except TransitionNotAllowed as error:
                raise Conflict(" ".join(error.messages)) from error
            except DjangoPermissionDenied as error:
                raise Conflict(str(error) or _("工单当前不能办理该操作。")) from error
            except ValidationError as error:
                raise serializers.ValidationError(_drf_errors(error, reason=REASON_FIELD[data["type"]])) from error
            from appeals.workflow import APPEAL

            outcome = {
                "event_id": event_id,
                "type": data["type"],
                "action": action,
                "action_label": str(APPEAL[action].label),
                "status": result.status,
                "status_label": str(AppealState(result.status).label),
                "duplicate": False,
            }
            HotlineEvent.objects.create(
                appeal=locked,
                kind=data["type"],
                event_id=event_id,
                digest=digest,
                payload=canonical,
                outcome=outcome,
                client=request.auth,
            )
        return Response(outcome, status=status.HTTP_200_OK)


def _drf_errors(error: ValidationError, *, reason: str = "reason") -> dict | list:
    """A Django ValidationError as DRF's body: {field: [messages]}; the kernel's "reason" named as the API field."""
    if hasattr(error, "error_dict"):
        return {(reason if field == "reason" else field): messages for field, messages in error.message_dict.items()}
    return {"detail": error.messages}
