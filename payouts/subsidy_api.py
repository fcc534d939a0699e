"""奖补数据接口报送: `POST /api/v1/subsidies/` — a department's system reports the subsidies it paid outside the
platform (宜昌 §37, 常州 §30), in the one data standard of `payouts.subsidies`.

Signed with the department's key (HMAC-SHA256, `applications.api_auth`); a replayed call (same X-Nonce) is
refused. The body is a JSON array of records; they are checked together and stored all or none: any bad
record → 400 with one Chinese message per problem, naming the record's position and 记录编号, and nothing is
stored. Idempotent by (department, 记录编号): the same records again change nothing (200, each "unchanged");
a different content under a known 记录编号 is refused unless the record says ``"correction": true``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.api_auth import HasApiClient, HmacSignatureAuthentication

from . import subsidies
from .models import FundingLevel


class SubsidyRecordInSerializer(serializers.Serializer):
    """奖补记录（统一数据标准）. Documents the body; the rules are those of `payouts.subsidies`."""

    record_id = serializers.CharField(
        label=gettext_lazy("记录编号"), max_length=64, help_text=gettext_lazy("本部门对该笔奖补的唯一编号（幂等键）")
    )
    uscc = serializers.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18)
    enterprise_name = serializers.CharField(label=gettext_lazy("企业名称"), max_length=200)
    policy = serializers.CharField(
        label=gettext_lazy("政策名称"), max_length=300, help_text=gettext_lazy("与平台政策标题一致时自动关联")
    )
    item = serializers.CharField(
        label=gettext_lazy("事项或项目名称"), max_length=300, help_text=gettext_lazy("与平台事项名称一致时自动关联")
    )
    amount = serializers.RegexField(
        r"^[0-9]{1,14}(\.[0-9]{1,2})?$",
        label=gettext_lazy("金额（元）"),
        help_text=gettext_lazy('字符串，大于0、最多两位小数，如 "200000.00"；不能使用数值'),
    )
    paid_on = serializers.DateField(label=gettext_lazy("发放日期"), help_text=gettext_lazy("YYYY-MM-DD，不能晚于今天"))
    funding_source = serializers.CharField(label=gettext_lazy("资金来源"), max_length=128)
    funding_level = serializers.ChoiceField(
        label=gettext_lazy("资金层级"),
        choices=FundingLevel.choices,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("central 中央、province 省级、city 市级、county 县级（区级）；也可用中文"),
    )
    correction = serializers.BooleanField(
        label=gettext_lazy("是否更正"),
        required=False,
        default=False,
        help_text=gettext_lazy("更正此前已报送的同一记录编号时为 true；否则内容不同的重复报送被拒绝"),
    )


class SubsidyResultSerializer(serializers.Serializer):
    record_id = serializers.CharField(label=gettext_lazy("记录编号"))
    result = serializers.ChoiceField(
        choices=[
            ("created", gettext_lazy("新增")),
            ("corrected", gettext_lazy("已更正")),
            ("unchanged", gettext_lazy("此前已报送，未变化")),
        ],
        label=gettext_lazy("处理结果"),
    )
    late = serializers.BooleanField(label=gettext_lazy("逾期报送（发放后超过5个工作日）"))
    duplicate_of = serializers.CharField(
        label=gettext_lazy("疑似重复于"), allow_null=True, help_text=gettext_lazy("其他部门或批次的同一笔奖补")
    )
    duplicate_payout = serializers.CharField(
        label=gettext_lazy("与平台兑付重复"), allow_null=True, help_text=gettext_lazy("平台兑付编号")
    )
    archive_name = serializers.CharField(
        label=gettext_lazy("企业名称与档案不一致"),
        allow_null=True,
        help_text=gettext_lazy("统一社会信用代码对应的档案企业名称与报送的不同时为档案名称（记录仍按报送名称保存）"),
    )


class SubsidyOutcomeSerializer(serializers.Serializer):
    submission = serializers.IntegerField(
        label=gettext_lazy("报送批次号"), allow_null=True, help_text=gettext_lazy("无新增或更正时为 null")
    )
    created = serializers.IntegerField(label=gettext_lazy("新增"))
    corrected = serializers.IntegerField(label=gettext_lazy("更正"))
    unchanged = serializers.IntegerField(label=gettext_lazy("未变化"))
    duplicates = serializers.IntegerField(
        label=gettext_lazy("疑似重复"), help_text=gettext_lazy("本次新增或更正的记录中疑似重复的条数")
    )
    late = serializers.IntegerField(
        label=gettext_lazy("逾期报送"), help_text=gettext_lazy("本次新增或更正的记录中逾期报送的条数")
    )
    records = SubsidyResultSerializer(many=True)


class SubsidyErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(label=gettext_lazy("记录序号（从1起）"), allow_null=True)
    record_id = serializers.CharField(label=gettext_lazy("记录编号"), allow_blank=True)
    field = serializers.CharField(label=gettext_lazy("字段"), allow_blank=True)
    message = serializers.CharField(label=gettext_lazy("错误说明"))


class SubsidyRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = SubsidyErrorSerializer(many=True)


DESCRIPTION = gettext_lazy(
    "请求体为记录数组（每次最多2000条），字段见下表。全部记录先逐条校验：任一条有误即返回400，"
    "errors 列出每一处错误（序号、记录编号、字段、中文说明），且不保存任何记录。"
    "按（本部门，记录编号）幂等：相同内容重复报送不作改动；同一记录编号内容不同的，除非该条 correction 为 true"
    "（更正，原内容留存于历史），否则拒绝。"
    "同一企业、金额、发放日期、事项与其他记录相同的标为疑似重复；发放后超过5个工作日报送的标为逾期（常州 §30）。"
)


def _duplicate_text(original) -> str | None:
    if original is None:
        return None
    return f"{original.department.name}·{original.record_id}"


class SubsidyView(APIView):
    authentication_classes = [HmacSignatureAuthentication]
    permission_classes = [HasApiClient]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="subsidies_post",
        summary=gettext_lazy("报送奖补数据（平台外发放，按记录编号幂等）"),
        description=DESCRIPTION,
        request=SubsidyRecordInSerializer(many=True),
        responses={
            200: SubsidyOutcomeSerializer,
            201: SubsidyOutcomeSerializer,
            400: OpenApiResponse(
                SubsidyRefusalSerializer, description=gettext_lazy("数据有误，全部未保存（中文说明）")
            ),
        },
        examples=[
            OpenApiExample(
                "record",
                request_only=True,
                value=[
                    {
                        "record_id": "KJ-2026-0001",
                        "uscc": "91420502MA00210007",
                        "enterprise_name": "宜昌示例科技有限公司",
                        "policy": "宜昌市促进科技创新若干政策",
                        "item": "高新技术企业认定奖励",
                        "amount": "200000.00",
                        "paid_on": "2026-09-30",
                        "funding_source": "2026年市级科技创新专项资金",
                        "funding_level": "city",
                    }
                ],
            )
        ],
    )
    def post(self, request):
        records = request.data
        if not isinstance(records, list) or not records:
            return self._refuse(_("请求体须为非空的记录数组（JSON数组）。"), [])
        if len(records) > subsidies.MAX_API_RECORDS:
            return self._refuse(
                _("每次最多报送%(n)d条记录，本次%(count)d条，请分批报送。")
                % {"n": subsidies.MAX_API_RECORDS, "count": len(records)},
                [],
            )
        outcome = subsidies.submit_records(request.auth.department, records)
        if outcome.refused:
            errors = []
            for error in outcome.report.sorted_errors():
                index = error["line"]
                record = records[index - 1] if 0 < index <= len(records) else None
                record_id = record.get("record_id") if isinstance(record, dict) else None
                errors.append(
                    {
                        "index": index,
                        "record_id": "" if record_id is None else str(record_id)[:64],
                        "field": error["column"],
                        "message": _("第%(index)d条（记录编号%(id)s）%(header)s：%(message)s")
                        % {
                            "index": index,
                            "id": record_id if record_id not in (None, "") else "—",
                            "header": error["header"] or _("记录"),
                            "message": error["message"],
                        },
                    }
                )
            bad = len({e["index"] for e in errors})
            return self._refuse(
                _("共%(total)d条记录，其中%(bad)d条有误，全部未保存。") % {"total": len(records), "bad": bad}, errors
            )
        body = {
            "submission": outcome.submission.pk if outcome.submission else None,
            "created": outcome.created,
            "corrected": outcome.corrected,
            "unchanged": outcome.unchanged,
            "duplicates": len(outcome.duplicates),
            "late": len(outcome.late),
            "records": [
                {
                    "record_id": row["record_id"],
                    "result": row["result"],
                    "late": row["late"],
                    "duplicate_of": _duplicate_text(row["duplicate_of"]),
                    "duplicate_payout": row["duplicate_payout"],
                    "archive_name": row["name_mismatch"],
                }
                for row in outcome.rows
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)

    @staticmethod
    def _refuse(detail: str, errors: list) -> Response:
        return Response({"detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
