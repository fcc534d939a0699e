"""The enterprise archive's 条件要素: the facts a matter's criteria may test, read from 一企一档.

Each fact is read two ways that must agree (tests/matters): for one
enterprise in Python, with the value's source and as-of date, and as a SQL
expression over `Enterprise` rows for set-based matching. NULL in SQL and
None in Python both mean *unknown*: a figure of the wrong year, an empty
industry code, a size the standard could not decide.

Yearly figures (上一年度) come from `AnnualFigure` of year N-1 only: when the
archive's latest year is older, the fact is unknown, never the older figure.
"""

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from django.db.models import (
    BooleanField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    TextChoices,
    Value,
)
from django.db.models.functions import NullIf, Round
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from enterprises.industries import industry_error, industry_name
from enterprises.models import (
    AnnualFigure,
    CreditStatus,
    EnterpriseTag,
    OperatingStatus,
    Qualification,
    QualificationType,
    Size,
    Source,
    Tag,
)
from portal.core.facts import Fact, FactContext, FactType, Period, Reading, Unit, register_fact


class _Words(TextChoices):
    """Source words of readings, translated once per language (see `_label`)."""

    CREDIT = "credit", gettext_lazy("信用信息")
    SIZED_BY = "sized_by", gettext_lazy("依据%(year)d年数据划型")
    PLATFORM = "platform", gettext_lazy("平台划型")


FIGURES = "eligibility_figures"  # the filtered relation: this enterprise's AnnualFigure of year N-1


@lru_cache(maxsize=256)
def _label(choices, value: str, language: str) -> str:
    """A choice's translated label, cached: readings are taken for thousands of enterprises in a row."""
    return str(dict(choices.choices).get(value, value))


def _source(value: str) -> str:
    return _label(Source, value, get_language() or "")


def _as_of(moment):
    return timezone.localdate(moment) if moment else None


def _figures(ctx: FactContext) -> dict[int, AnnualFigure]:
    return ctx.once("annual_figures", lambda: {f.year: f for f in ctx.enterprise.annual_figures.all()})


def _figure_relation(on):
    return {FIGURES: FilteredRelation("annual_figures", condition=Q(annual_figures__year=on.year - 1))}


def _missing_figure(ctx: FactContext, label: str) -> Reading:
    year = ctx.on.year - 1
    rows = _figures(ctx)
    latest = max(rows) if rows else None
    if year not in rows and latest is not None and latest < year:
        missing = _("缺少%(year)d年%(label)s数据（档案中最新为%(latest)d年）") % {
            "year": year,
            "label": label,
            "latest": latest,
        }
    else:
        missing = _("缺少%(year)d年%(label)s数据") % {"year": year, "label": label}
    return Reading(None, missing=missing, prefix=f"{year}年")


def _figure_fact(key, field, label, unit, *, fact_type=FactType.DECIMAL, minimum=Decimal(0)):
    def read(ctx: FactContext) -> Reading:
        row = _figures(ctx).get(ctx.on.year - 1)
        if row is None or getattr(row, field) is None:
            return _missing_figure(ctx, label)
        return Reading(
            getattr(row, field),
            source=_source(row.source),
            as_of=_as_of(row.source_updated_at),
            prefix=f"{row.year}年",
        )

    return Fact(
        key=key,
        label=label,
        type=fact_type,
        unit=unit,
        period=Period.PREVIOUS_YEAR,
        read=read,
        expression=lambda on: F(f"{FIGURES}__{field}"),
        relations=_figure_relation,
        minimum=minimum,
    )


for order, (key, field, label, unit, fact_type, minimum) in enumerate(
    [
        ("revenue", "revenue_wan", "营业收入", Unit.WAN_YUAN, FactType.DECIMAL, Decimal(0)),
        ("profit", "profit_wan", "利润总额", Unit.WAN_YUAN, FactType.DECIMAL, None),
        ("tax_paid", "tax_paid_wan", "纳税总额", Unit.WAN_YUAN, FactType.DECIMAL, Decimal(0)),
        ("rd_expense", "rd_expense_wan", "研发费用", Unit.WAN_YUAN, FactType.DECIMAL, Decimal(0)),
        ("employees", "employees", "从业人员", Unit.PERSONS, FactType.INTEGER, Decimal(0)),
        ("total_assets", "total_assets_wan", "资产总额", Unit.WAN_YUAN, FactType.DECIMAL, Decimal(0)),
        ("export_value", "export_value_wan", "出口额", Unit.WAN_YUAN, FactType.DECIMAL, Decimal(0)),
    ]
):
    register_fact(_figure_fact(key, field, label, unit, fact_type=fact_type, minimum=minimum), order=10 + order)


def _read_rd_ratio(ctx: FactContext) -> Reading:
    """研发费用占营业收入比例, in % rounded to 0.01 (half away from zero, as PostgreSQL's round)."""
    year = ctx.on.year - 1
    row = _figures(ctx).get(year)
    if row is None or row.rd_expense_wan is None:
        return _missing_figure(ctx, _("研发费用"))
    if row.revenue_wan is None:
        return _missing_figure(ctx, _("营业收入"))
    if row.revenue_wan == 0:
        return Reading(
            None, missing=_("%(year)d年营业收入为0，无法计算研发费用占比") % {"year": year}, prefix=f"{year}年"
        )
    ratio = (row.rd_expense_wan * 100 / row.revenue_wan).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return Reading(ratio, source=_source(row.source), as_of=_as_of(row.source_updated_at), prefix=f"{year}年")


register_fact(
    Fact(
        key="rd_ratio",
        label="研发费用占营业收入比例",
        type=FactType.DECIMAL,
        unit=Unit.PERCENT,
        period=Period.PREVIOUS_YEAR,
        read=_read_rd_ratio,
        expression=lambda on: Round(
            ExpressionWrapper(
                F(f"{FIGURES}__rd_expense_wan") * Value(100) / NullIf(F(f"{FIGURES}__revenue_wan"), Value(0)),
                output_field=DecimalField(),
            ),
            2,
        ),
        relations=_figure_relation,
        minimum=Decimal(0),
        maximum=Decimal(100),
        help_text="研发费用 ÷ 营业收入 × 100，保留两位小数；营业收入为0或缺失时未知",
    ),
    order=20,
)


def _enterprise_reading(ctx: FactContext, value, missing: str = "") -> Reading:
    enterprise = ctx.enterprise
    if value is None:
        return Reading(None, missing=missing)
    return Reading(value, source=_source(enterprise.source), as_of=_as_of(enterprise.source_updated_at))


register_fact(
    Fact(
        key="registration_date",
        label="成立日期",
        type=FactType.DATE,
        read=lambda ctx: _enterprise_reading(ctx, ctx.enterprise.registration_date, _("缺少成立日期")),
        expression=lambda on: F("registration_date"),
        help_text="成立年限按成立日期计算：成立满N年即成立日期不晚于评估日前推N年的同一天",
    ),
    order=30,
)


def _industry_label(code: str) -> str:
    name = industry_name(code)
    return f"{code} {name}" if name else code


register_fact(
    Fact(
        key="industry",
        label="行业代码",
        type=FactType.CODE_PREFIX,
        read=lambda ctx: _enterprise_reading(ctx, ctx.enterprise.industry_code or None, _("缺少行业代码")),
        expression=lambda on: F("industry_code"),
        known=lambda on: ~Q(industry_code=""),
        code_error=industry_error,
        code_label=_industry_label,
        help_text="国民经济行业分类（GB/T 4754-2017），按门类、大类、中类或小类前缀匹配",
    ),
    order=40,
)


def _region_error(code: str) -> str | None:
    from portal.org.models import Region

    if Region.objects.filter(code=code).exists():
        return None
    return _("行政区划代码“%(code)s”不存在") % {"code": code}


def _region_label(code: str) -> str:
    from portal.org.models import Region

    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


register_fact(
    Fact(
        key="region",
        label="登记地区划",
        type=FactType.REGION,
        read=lambda ctx: _enterprise_reading(ctx, ctx.enterprise.region.code),
        expression=lambda on: F("region__code"),
        code_error=_region_error,
        code_label=_region_label,
    ),
    order=50,
)


def _read_size(ctx: FactContext) -> Reading:
    enterprise = ctx.enterprise
    if enterprise.size == Size.UNKNOWN:
        reason = enterprise.size_reason or _("划型所需数据不全")
        return Reading(None, missing=_("企业规模无法划型：%(reason)s") % {"reason": reason})
    words = _label(_Words, "sized_by", get_language() or "")
    source = (
        words % {"year": enterprise.size_year}
        if enterprise.size_year
        else _label(_Words, "platform", get_language() or "")
    )
    return Reading(enterprise.size, source=source)


register_fact(
    Fact(
        key="size",
        label="企业规模",
        type=FactType.CODE,
        read=_read_size,
        expression=lambda on: F("size"),
        known=lambda on: ~Q(size=Size.UNKNOWN),
        choices=lambda: [(value, str(label)) for value, label in Size.choices if value != Size.UNKNOWN],
    ),
    order=60,
)

register_fact(
    Fact(
        key="operating_status",
        label="经营状态",
        type=FactType.CODE,
        read=lambda ctx: _enterprise_reading(ctx, ctx.enterprise.operating_status),
        expression=lambda on: F("operating_status"),
        choices=lambda: [(value, str(label)) for value, label in OperatingStatus.choices],
    ),
    order=61,
)


def _read_credit(ctx: FactContext) -> Reading:
    enterprise = ctx.enterprise
    return Reading(
        enterprise.credit_status == CreditStatus.NORMAL,
        source=_("信用信息"),
        as_of=_as_of(enterprise.credit_updated_at),
    )


register_fact(
    Fact(
        key="credit_good",
        label="未列入严重失信主体名单",
        type=FactType.BOOLEAN,
        read=_read_credit,
        expression=lambda on: ExpressionWrapper(Q(credit_status=CreditStatus.NORMAL), output_field=BooleanField()),
    ),
    order=70,
)


def _read_qualifications(ctx: FactContext) -> Reading:
    """The qualifications valid on the evaluation day: code → (source, valid_from)."""

    def load():
        held = {}
        # .all(), not a new query: a batch caller may have prefetched "qualifications__type".
        # A qualification a visitor declares (政策计算器) has no certificate dates: it sorts first.
        for q in sorted(ctx.enterprise.qualifications.all(), key=lambda q: q.valid_from or dt.date.min):
            if q.is_valid_on(ctx.on):
                held[q.type.code] = (_source(q.source), q.valid_from, q.valid_to)
        return held

    return Reading(ctx.once("qualifications", load))


def _qualification_exists(code: str, on):
    valid = Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    return Exists(Qualification.objects.filter(valid, enterprise=OuterRef("pk"), type__code=code, valid_from__lte=on))


def _qualification_error(code: str) -> str | None:
    if QualificationType.objects.filter(code=code).exists():
        return None
    return _("资质荣誉类型“%(code)s”不存在") % {"code": code}


def _qualification_label(code: str) -> str:
    return QualificationType.objects.filter(code=code).values_list("name", flat=True).first() or code


register_fact(
    Fact(
        key="qualification",
        label="资质荣誉",
        type=FactType.QUALIFICATION,
        read=_read_qualifications,
        member_exists=_qualification_exists,
        code_error=_qualification_error,
        code_label=_qualification_label,
        help_text="评估日有效（有效期起不晚于评估日，有效期止为空或不早于评估日）",
    ),
    order=80,
)


def _read_tags(ctx: FactContext) -> Reading:
    if ctx.enterprise.tags is None:
        # A declared profile (政策计算器) cannot state the platform's tags: unknown, never "none held".
        return Reading(None, missing=_("缺少企业标签数据（标签由平台根据企业档案生成）"))

    def load():
        rows = ctx.enterprise.tags.select_related("tag").order_by("created_at")
        return {
            t.tag.code: (_label(EnterpriseTag.Origin, t.origin, get_language() or ""), _as_of(t.created_at), None)
            for t in rows
        }

    return Reading(ctx.once("tags", load))


def _tag_error(code: str) -> str | None:
    if Tag.objects.filter(code=code).exists():
        return None
    return _("标签“%(code)s”不存在") % {"code": code}


register_fact(
    Fact(
        key="tag",
        label="企业标签",
        type=FactType.TAG,
        read=_read_tags,
        member_exists=lambda code, on: Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), tag__code=code)),
        code_error=_tag_error,
        code_label=lambda code: Tag.objects.filter(code=code).values_list("name", flat=True).first() or code,
    ),
    order=90,
)
