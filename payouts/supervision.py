"""What supervision measures of disbursement (资金兑付督查, 宜昌 §38, 常州 §30–31): how fast approved money is paid, how
much is still waiting and for how long, which payments failed, and which off-platform subsidies were reported late.

The department of every payout measure is the **paying department** (拨付财政部门): the finance department of the
payout's funding source (`FundingSource.department`), which batches, sends and settles it; the region is that
department's. An off-platform subsidy (奖补汇聚, `SubsidyRecord`) belongs to the department that paid and reported it.

- 兑付用时 (`payouts.paid`): payouts paid, dated by the payment date (`paid_on`), valued by the working days from
  approval to payment stored on payment (`workdays_to_pay`, the official calendar): mean and 90th percentile.
- 待兑付 (`payouts.waiting`, `payouts.waiting_days`): a snapshot of the payouts approved and neither paid nor
  cancelled (`WAITING`: 待拨付, 已编批, 批次已复核, 已报送银行, 支付失败, 已更正待重拨, 暂缓拨付), their money and the
  working days each has waited since approval up to today. Counted live: `state IN (…)` is read through the
  index on `state` (measured on 100,000 payouts, 3,000 waiting: 3 ms for the money, about 100 ms for the
  waiting days, which read the calendar per payout; see `WAITING`).
- 支付失败 (`payouts.failed`): each payment the bank returned as failed — a batch line (拨付明细) whose outcome
  became 支付失败, dated by when that result was recorded (the line's history row of the change; the line itself
  keeps no date). A payout that fails twice counts twice: two payments failed.
- 逾期报送 (`payouts.subsidies_late`): an off-platform subsidy is reported late when the working days from its
  payment date (`paid_on`) to the day it was first submitted (`submitted_at`, local date; a correction keeps the
  first submission's time) exceed 5 — 常州 §30: "各地各部门应当在奖补资金发放后5个工作日内，按统一数据标准将奖补
  数据统一汇聚". Computed in SQL on today's calendar, so it is the rule `payouts.subsidies.is_late` applied when
  the stored `late` flag was set, and corrects a flag set on a provisional calendar. Dated by the submission;
  records flagged as suspected duplicates (`duplicate_of`) are left out, as in the payout statistics
  (`payouts.results`), so no subsidy counts twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Value
from django.db.models.fields import DateField
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.supervision.measures import Figure, Measure, figures, measures
from portal.supervision.periods import Period
from portal.supervision.warnings import Warning, warnings
from portal.workcalendar.sql import WorkdaysBetween

from .models import BatchLine, LineOutcome, Payout, PayoutState, SubsidyRecord
from .subsidies import LATE_AFTER_WORKDAYS

P = PayoutState
# Approved and neither paid nor cancelled. Listed positively (not "exclude paid and cancelled") so PostgreSQL
# reads the few waiting rows through the index on `state` instead of scanning every payout ever paid.
WAITING = [P.PENDING, P.BATCHED, P.APPROVED, P.SENT, P.FAILED, P.CORRECTED, P.HELD]
PAYING_DEPARTMENT = "funding_source__department"
# 奖补汇聚: late records of the last this many days are a warning on the dashboards.
LATE_SUBSIDIES_WARNING_DAYS = 30


def today() -> dt.date:
    """The day "now" snapshots are counted on (waiting days); a seam for the tests."""
    return timezone.localdate()


def _paid():
    return Payout.objects.filter(state=P.PAID)


def _waiting():
    return Payout.objects.filter(state__in=WAITING)


def _waiting_days():
    """Working days from approval up to today (the official calendar, `WorkdaysBetween`)."""
    return WorkdaysBetween(F("approved_on"), Value(today(), output_field=DateField()))


def _failed_payments():
    """The first history row of each batch line in which its outcome is 支付失败: the failure, once per line."""
    history = BatchLine.history.model
    earlier = history.objects.filter(
        id=OuterRef("id"), outcome=LineOutcome.FAILED, history_id__lt=OuterRef("history_id")
    )
    return history.objects.filter(~Exists(earlier), outcome=LineOutcome.FAILED)


def _report_days():
    return WorkdaysBetween(F("paid_on"), TruncDate("submitted_at"))


def _subsidies():
    return SubsidyRecord.objects.filter(duplicate_of__isnull=True)


def _late_subsidies():
    return _subsidies().alias(sv_report_days=_report_days()).filter(sv_report_days__gt=LATE_AFTER_WORKDAYS)


_PAYOUT_COLUMNS = (
    ("number", gettext_lazy("兑付编号")),
    ("enterprise__name", gettext_lazy("企业")),
    ("matter__name", gettext_lazy("事项")),
    ("amount", gettext_lazy("拨付金额（元）")),
    ("approved_on", gettext_lazy("核准日期")),
)
_SUBSIDY_COLUMNS = (
    ("record_id", gettext_lazy("记录编号")),
    ("department__name", gettext_lazy("发放部门")),
    ("enterprise_name", gettext_lazy("企业名称")),
    ("item", gettext_lazy("事项或项目名称")),
    ("amount", gettext_lazy("金额（元）")),
    ("paid_on", gettext_lazy("发放日期")),
    ("submitted_at", gettext_lazy("报送时间")),
)
_PAID = gettext_lazy(
    "统计期内支付成功（银行回单确认）的兑付记录，按支付日期计入统计期，计入拨付该笔资金的财政部门（资金来源的拨付财政部门）。"
    "兑付用时为自核准（免申即享为企业确认）之日至支付日期的工作日数，按官方工作日历计算（不含核准当日，含支付当日），"
    "在支付时记录。"
)
_WAITING = gettext_lazy(
    "当前已核准、尚未支付且未取消的兑付记录（待拨付、已编批、批次已复核、已报送银行、支付失败、已更正待重拨、暂缓拨付），"
    "不受统计期影响，计入拨付财政部门。已等待工作日为自核准之日至今天的工作日数（官方工作日历）。"
)
_FAILED = gettext_lazy(
    "统计期内银行回单确认支付失败的拨付明细，按回单登记的时间计入统计期，计入拨付财政部门；同一笔兑付更正后再次失败的，"
    "按两次失败计。金额为该次拨付的金额。"
)
_SUBSIDIES = gettext_lazy(
    "统计期内各部门报送至平台的平台外奖补记录（奖补汇聚），按首次报送时间计入统计期，计入发放并报送的部门；"
    "标记为疑似重复的记录不计。报送用时为自发放日期至报送日期的工作日数（官方工作日历）。"
)
_SUBSIDIES_LATE = gettext_lazy(
    "统计期内报送的平台外奖补记录中，发放后超过5个工作日才报送的记录：自发放日期至首次报送日期的工作日数大于5"
    "（按官方工作日历，不含发放当日；更正不改变首次报送时间）。依据常州 §30“各地各部门应当在奖补资金发放后5个工作日内，"
    "按统一数据标准将奖补数据统一汇聚”。标记为疑似重复的记录不计。"
)

measures.register(
    Measure(
        key="payouts.paid",
        label=gettext_lazy("已支付兑付（兑付用时）"),
        records=_paid,
        date="paid_on",
        department=PAYING_DEPARTMENT,
        value="workdays_to_pay",
        distribution=True,
        category="matter__code",
        columns=(
            *_PAYOUT_COLUMNS,
            ("paid_on", gettext_lazy("支付日期")),
            ("workdays_to_pay", gettext_lazy("兑付用时（工作日）")),
        ),
        order_by=("-paid_on", "-pk"),
        description=_PAID,
        article="宜昌 §38",
        unit=gettext_lazy("笔"),
    )
)
measures.register(
    Measure(
        key="payouts.paid_amount",
        label=gettext_lazy("已支付兑付（金额）"),
        records=_paid,
        date="paid_on",
        department=PAYING_DEPARTMENT,
        value="amount",
        category="matter__code",
        columns=(*_PAYOUT_COLUMNS, ("paid_on", gettext_lazy("支付日期"))),
        order_by=("-paid_on", "-pk"),
        description=_PAID,
        article="宜昌 §38、§39",
        unit=gettext_lazy("笔"),
    )
)
measures.register(
    Measure(
        key="payouts.waiting",
        label=gettext_lazy("待兑付（金额）"),
        records=_waiting,
        date=None,
        snapshot=True,
        department=PAYING_DEPARTMENT,
        value="amount",
        category="matter__code",
        columns=(*_PAYOUT_COLUMNS, ("state", gettext_lazy("兑付状态"))),
        order_by=("approved_on", "pk"),
        description=_WAITING,
        article="宜昌 §38",
        unit=gettext_lazy("笔"),
    )
)
measures.register(
    Measure(
        key="payouts.waiting_days",
        label=gettext_lazy("待兑付（已等待工作日）"),
        records=_waiting,
        date=None,
        snapshot=True,
        department=PAYING_DEPARTMENT,
        value=_waiting_days,
        distribution=True,
        category="matter__code",
        columns=(*_PAYOUT_COLUMNS, ("state", gettext_lazy("兑付状态"))),
        order_by=("approved_on", "pk"),
        description=_WAITING,
        article="宜昌 §38",
        unit=gettext_lazy("笔"),
    )
)
measures.register(
    Measure(
        key="payouts.failed",
        label=gettext_lazy("支付失败"),
        records=_failed_payments,
        date="history_date",
        department=f"payout__{PAYING_DEPARTMENT}",
        value="amount",
        category="payout__matter__code",
        columns=(
            ("payout__number", gettext_lazy("兑付编号")),
            ("payout__enterprise__name", gettext_lazy("企业")),
            ("amount", gettext_lazy("拨付金额（元）")),
            ("batch__number", gettext_lazy("批次号")),
            ("failure_reason", gettext_lazy("失败原因")),
            ("history_date", gettext_lazy("回单登记时间")),
        ),
        order_by=("-history_date", "-history_id"),
        description=_FAILED,
        article="宜昌 §38",
        unit=gettext_lazy("笔"),
    )
)
measures.register(
    Measure(
        key="payouts.subsidies_reported",
        label=gettext_lazy("平台外奖补报送"),
        records=_subsidies,
        date="submitted_at",
        department="department",
        value=_report_days,
        distribution=True,
        columns=_SUBSIDY_COLUMNS,
        order_by=("-submitted_at", "-pk"),
        description=_SUBSIDIES,
        article="宜昌 §37，常州 §30",
        unit=gettext_lazy("条"),
    )
)
measures.register(
    Measure(
        key="payouts.subsidies_late",
        label=gettext_lazy("平台外奖补逾期报送"),
        records=_late_subsidies,
        date="submitted_at",
        department="department",
        value="amount",
        columns=_SUBSIDY_COLUMNS,
        order_by=("-submitted_at", "-pk"),
        description=_SUBSIDIES_LATE,
        article="常州 §30",
        unit=gettext_lazy("条"),
    )
)

for figure in (
    Figure(
        key="payouts.paid_amount",
        label=gettext_lazy("兑付金额"),
        section="payouts",
        kind=Figure.SUM,
        measure="payouts.paid_amount",
        headline=True,
        article="宜昌 §39",
    ),
    Figure(
        key="payouts.paid_count",
        label=gettext_lazy("兑付笔数"),
        section="payouts",
        kind=Figure.COUNT,
        measure="payouts.paid",
        unit=gettext_lazy("笔"),
        article="宜昌 §39",
    ),
    Figure(
        key="payouts.days_to_pay",
        label=gettext_lazy("平均兑付用时（核准至支付）"),
        section="payouts",
        kind=Figure.MEAN,
        measure="payouts.paid",
        better=Figure.LOWER,
        headline=True,
        ranking=True,
        trend=True,
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.days_to_pay_p90",
        label=gettext_lazy("兑付用时90%分位（核准至支付）"),
        section="payouts",
        kind=Figure.P90,
        measure="payouts.paid",
        better=Figure.LOWER,
        description=gettext_lazy("九成兑付在此工作日数内支付（最近秩法）。"),
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.waiting_amount",
        label=gettext_lazy("待兑付金额（当前）"),
        section="payouts",
        kind=Figure.SUM,
        measure="payouts.waiting",
        better=Figure.LOWER,
        headline=True,
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.waiting_count",
        label=gettext_lazy("待兑付笔数（当前）"),
        section="payouts",
        kind=Figure.COUNT,
        measure="payouts.waiting",
        unit=gettext_lazy("笔"),
        better=Figure.LOWER,
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.waiting_days",
        label=gettext_lazy("待兑付平均已等待（当前）"),
        section="payouts",
        kind=Figure.MEAN,
        measure="payouts.waiting_days",
        better=Figure.LOWER,
        ranking=True,
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.waiting_days_p90",
        label=gettext_lazy("待兑付已等待90%分位（当前）"),
        section="payouts",
        kind=Figure.P90,
        measure="payouts.waiting_days",
        better=Figure.LOWER,
        description=gettext_lazy("九成待兑付记录已等待的工作日数不超过此数（最近秩法）。"),
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.failed_count",
        label=gettext_lazy("支付失败笔数"),
        section="payouts",
        kind=Figure.COUNT,
        measure="payouts.failed",
        unit=gettext_lazy("笔"),
        better=Figure.LOWER,
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.failed_amount",
        label=gettext_lazy("支付失败金额"),
        section="payouts",
        kind=Figure.SUM,
        measure="payouts.failed",
        better=Figure.LOWER,
        article="宜昌 §38",
    ),
    Figure(
        key="payouts.subsidies_reported",
        label=gettext_lazy("平台外奖补报送条数"),
        section="payouts",
        kind=Figure.COUNT,
        measure="payouts.subsidies_reported",
        unit=gettext_lazy("条"),
        article="宜昌 §37",
    ),
    Figure(
        key="payouts.subsidies_report_days",
        label=gettext_lazy("平台外奖补平均报送用时（发放至报送）"),
        section="payouts",
        kind=Figure.MEAN,
        measure="payouts.subsidies_reported",
        better=Figure.LOWER,
        article="常州 §30",
    ),
    Figure(
        key="payouts.subsidies_late",
        label=gettext_lazy("平台外奖补逾期报送条数"),
        section="payouts",
        kind=Figure.COUNT,
        measure="payouts.subsidies_late",
        unit=gettext_lazy("条"),
        better=Figure.LOWER,
        article="常州 §30",
    ),
    Figure(
        key="payouts.subsidies_late_rate",
        label=gettext_lazy("平台外奖补逾期报送率"),
        section="payouts",
        kind=Figure.RATIO,
        measure="payouts.subsidies_late",
        base="payouts.subsidies_reported",
        better=Figure.LOWER,
        ranking=True,
        description=gettext_lazy("逾期报送条数 ÷ 报送条数，均按首次报送时间计入统计期。"),
        article="常州 §30",
    ),
):
    figures.register(figure)


@warnings.register("payouts.subsidies_late", label=gettext_lazy("平台外奖补数据逾期报送"), order=40)
def subsidies_late(day: dt.date | None = None) -> list[Warning]:
    """Off-platform subsidies reported late (the `payouts.subsidies_late` measure) in the last
    `LATE_SUBSIDIES_WARNING_DAYS` days, by department — the same records the dashboard counts."""
    from django.urls import reverse

    from portal.supervision import compute

    day = day or today()
    period = Period(day - dt.timedelta(days=LATE_SUBSIDIES_WARNING_DAYS - 1), day)
    rows = list(
        compute.records("payouts.subsidies_late", period)
        .order_by()
        .values("department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "department__name")
    )
    if not rows:
        return []
    shown = "、".join(
        _("%(department)s%(n)d条") % {"department": row["department__name"], "n": row["n"]} for row in rows[:5]
    )
    if len(rows) > 5:
        shown += _("等%(n)d个部门") % {"n": len(rows)}
    return [
        Warning(
            _(
                "近%(days)d天有%(n)d条平台外奖补数据在发放后超过%(limit)d个工作日才报送（常州 §30）：%(departments)s。"
                "请督促相关部门在奖补资金发放后%(limit)d个工作日内报送。"
            )
            % {
                "days": LATE_SUBSIDIES_WARNING_DAYS,
                "n": sum(row["n"] for row in rows),
                "limit": LATE_AFTER_WORKDAYS,
                "departments": shown,
            },
            link=reverse("admin:payouts_subsidyrecord_changelist") + "?late__exact=1",
            link_label=_("查看逾期报送的奖补记录"),
        )
    ]
