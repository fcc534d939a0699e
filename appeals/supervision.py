"""What supervision measures of appeals (诉求办理督查, 宜昌 §11、§36, 常州 §29, 无锡 §22): accepted, signed for and
replied within their limits, satisfaction, reopening and "three times over the limit" (超时限三倍).

Every condition is the 诉求统计's own (`appeals.statistics.conditions`), called here, never restated, so the dashboard
and the 诉求统计 page count the same appeals by the same rules. What differs is only when an appeal counts: the
statistics count the appeals *submitted* in a period; each measure here is dated by the event it is about —
受理 by `accepted_at`, 签收 by `signed_at` (the current dispatch's signature), 答复 and 重办 by `replied_at` (the
latest reply), 评价 by `evaluated_at`, 超时限三倍 by `triple_overdue_on`, 超期督办 by `escalated_on`. Over a period
that holds all of these events the counts are the statistics' (tests/supervision/test_appeal_metrics.py).

Department: the handling department (承办部门) the appeal is with now, `Appeal.department` — as in the statistics;
a consultation the operations centre answered itself counts for the centre. An appeal not dispatched yet (or
returned and waiting to be dispatched again) has none: it counts in the totals and in its region (the appeal's
own `region`, 所属区划, so it is never lost), for no department — the statistics' （未派单） row. Once dispatched, it
counts for its department from the next refresh of the days concerned.

Conditions that look at running clocks (按时答复: no 办理 clock running past its due date) are judged as of today
(`today`).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from portal.supervision.measures import Figure, Measure, figures, measures

from . import statistics
from .models import Appeal

ARTICLE = "宜昌 §11、§36"


def today() -> dt.date:
    """The day running clocks are judged on; a seam for the tests."""
    return timezone.localdate()


def _appeals(*names: str, any_of: tuple[str, ...] = ()):
    """The appeals meeting every condition in `names` and, when given, at least one of `any_of` (the statistics'
    conditions, as of `today`)."""

    def records():
        conditions = statistics.conditions(today())
        queryset = Appeal.objects.filter(*(conditions[name] for name in names))
        if any_of:
            queryset = queryset.filter(reduce(or_, (conditions[name] for name in any_of)))
        return queryset

    return records


def _signed():
    return Appeal.objects.filter(signed_at__isnull=False)


def _accepted():
    return Appeal.objects.filter(accepted_at__isnull=False)


_COLUMNS = (
    ("number", gettext_lazy("工单编号")),
    ("title", gettext_lazy("诉求标题")),
    ("kind", gettext_lazy("诉求类型")),
    ("department__name", gettext_lazy("承办部门")),
    ("submitted_at", gettext_lazy("提交时间")),
)
_OWNER = gettext_lazy(
    "计入诉求当前的承办部门；尚未派单（或退单待改派）的诉求计入合计和所属区划，不计入任何部门，与诉求统计的“（未派单）”相同。"
)
SATISFACTIONS = ("satisfied", "basic", "unsatisfied")


def _measure(key, label, records, date, event_label, description, **more) -> Measure:
    return measures.register(
        Measure(
            key=key,
            label=label,
            records=records,
            date=date,
            department="department",
            region="region",
            columns=(*_COLUMNS, (date, event_label)),
            order_by=(f"-{date}", "-pk"),
            description=format_lazy("{}{}", description, _OWNER),
            article=more.pop("article", ARTICLE),
            **more,
        )
    )


_measure(
    "appeals.received",
    gettext_lazy("受理数"),
    _appeals("received"),
    "submitted_at",
    gettext_lazy("提交时间"),
    gettext_lazy("统计期内提交的诉求（含尚未受理、不予受理和已撤回的），按提交时间计入，与诉求统计的“受理数”相同。"),
)
_measure(
    "appeals.accepted",
    gettext_lazy("已受理"),
    _accepted,
    "accepted_at",
    gettext_lazy("受理时间"),
    gettext_lazy("统计期内城运中心受理的诉求，按受理时间计入。"),
)
_measure(
    "appeals.accepted_in_time",
    gettext_lazy("按时受理"),
    _appeals("accepted_in_time"),
    "accepted_at",
    gettext_lazy("受理时间"),
    gettext_lazy("统计期内受理、且受理时限未超期的诉求，按受理时间计入（诉求统计“按时受理”的条件）。"),
)
_measure(
    "appeals.signed",
    gettext_lazy("已签收"),
    _signed,
    "signed_at",
    gettext_lazy("签收时间"),
    gettext_lazy("统计期内承办部门签收的诉求（当前派单已签收），按签收时间计入。"),
)
_measure(
    "appeals.signed_in_time",
    gettext_lazy("按时签收"),
    _appeals("signed_in_time"),
    "signed_at",
    gettext_lazy("签收时间"),
    gettext_lazy(
        "统计期内签收、且当前派单在签收时限内签收的诉求，按签收时间计入（诉求统计“按时签收”的条件：被退单的派单不算签收）。"
    ),
)
_measure(
    "appeals.replied",
    gettext_lazy("已答复"),
    _appeals("replied"),
    "replied_at",
    gettext_lazy("答复时间"),
    gettext_lazy("统计期内答复的诉求，按最近一次答复的时间计入（重办后再次答复的，按再次答复的时间）。"),
)
_measure(
    "appeals.replied_in_time",
    gettext_lazy("按时答复"),
    _appeals("replied_in_time"),
    "replied_at",
    gettext_lazy("答复时间"),
    gettext_lazy(
        "统计期内答复、且没有办理时限超期（已超期停止或至今仍在计时并已过期；因退单停止的办理时限不计）的诉求，"
        "按最近一次答复的时间计入（诉求统计“按时答复”的条件）。"
    ),
)
_measure(
    "appeals.evaluated",
    gettext_lazy("已评价"),
    _appeals(any_of=SATISFACTIONS),
    "evaluated_at",
    gettext_lazy("评价时间"),
    gettext_lazy("统计期内评价为满意、基本满意或不满意的诉求，按评价时间计入；逾期未评价的不计。"),
)
_measure(
    "appeals.satisfied",
    gettext_lazy("满意和基本满意"),
    _appeals(any_of=("satisfied", "basic")),
    "evaluated_at",
    gettext_lazy("评价时间"),
    gettext_lazy("统计期内评价为满意或基本满意的诉求，按评价时间计入。"),
)
_measure(
    "appeals.unsatisfied",
    gettext_lazy("不满意"),
    _appeals("unsatisfied"),
    "evaluated_at",
    gettext_lazy("评价时间"),
    gettext_lazy("统计期内评价为不满意的诉求（含首次不满意退回重办、尚未再次评价的），按评价时间计入。"),
)
_measure(
    "appeals.reopened",
    gettext_lazy("重办"),
    _appeals("replied", "reopened"),
    "replied_at",
    gettext_lazy("答复时间"),
    gettext_lazy("统计期内答复的诉求中，因诉求人不满意退回重办过的，按最近一次答复的时间计入。"),
)
_measure(
    "appeals.triple",
    gettext_lazy("超时限三倍"),
    _appeals("triple"),
    "triple_overdue_on",
    gettext_lazy("超时限三倍日期"),
    gettext_lazy("统计期内办理时长超过办理时限三倍的诉求，按超过之日计入。"),
)
_measure(
    "appeals.escalated",
    gettext_lazy("超期督办"),
    _appeals("escalated"),
    "escalated_on",
    gettext_lazy("超期督办日期"),
    gettext_lazy("统计期内办理时限超期、由城运中心督办的诉求，按督办之日计入。"),
)

for figure in (
    Figure(
        key="appeals.received",
        label=gettext_lazy("诉求受理数"),
        section="appeals",
        kind=Figure.COUNT,
        measure="appeals.received",
        trend=True,
        article=ARTICLE,
    ),
    Figure(
        key="appeals.accepted_in_time_rate",
        label=gettext_lazy("按时受理率"),
        section="appeals",
        kind=Figure.RATIO,
        measure="appeals.accepted_in_time",
        base="appeals.accepted",
        better=Figure.HIGHER,
        description=gettext_lazy("按时受理 ÷ 已受理，均按受理时间计入。"),
        article=ARTICLE,
    ),
    Figure(
        key="appeals.signed_in_time_rate",
        label=gettext_lazy("按时签收率"),
        section="appeals",
        kind=Figure.RATIO,
        measure="appeals.signed_in_time",
        base="appeals.signed",
        better=Figure.HIGHER,
        description=gettext_lazy("按时签收 ÷ 已签收，均按签收时间计入。"),
        article=ARTICLE,
    ),
    Figure(
        key="appeals.replied",
        label=gettext_lazy("已答复诉求"),
        section="appeals",
        kind=Figure.COUNT,
        measure="appeals.replied",
        article=ARTICLE,
    ),
    Figure(
        key="appeals.replied_in_time_rate",
        label=gettext_lazy("按时答复率"),
        section="appeals",
        kind=Figure.RATIO,
        measure="appeals.replied_in_time",
        base="appeals.replied",
        better=Figure.HIGHER,
        headline=True,
        ranking=True,
        description=gettext_lazy("按时答复 ÷ 已答复，均按最近一次答复的时间计入。"),
        article=ARTICLE,
    ),
    Figure(
        key="appeals.satisfaction_rate",
        label=gettext_lazy("诉求满意率"),
        section="appeals",
        kind=Figure.RATIO,
        measure="appeals.satisfied",
        base="appeals.evaluated",
        better=Figure.HIGHER,
        headline=True,
        ranking=True,
        description=gettext_lazy("（满意 + 基本满意）÷ 已评价，均按评价时间计入，与诉求统计的满意率相同。"),
        article=ARTICLE,
    ),
    Figure(
        key="appeals.unsatisfied",
        label=gettext_lazy("不满意诉求"),
        section="appeals",
        kind=Figure.COUNT,
        measure="appeals.unsatisfied",
        better=Figure.LOWER,
        article=ARTICLE,
    ),
    Figure(
        key="appeals.reopen_rate",
        label=gettext_lazy("重办率"),
        section="appeals",
        kind=Figure.RATIO,
        measure="appeals.reopened",
        base="appeals.replied",
        better=Figure.LOWER,
        description=gettext_lazy("重办 ÷ 已答复，均按最近一次答复的时间计入，与诉求统计的重办率相同。"),
        article=ARTICLE,
    ),
    Figure(
        key="appeals.triple",
        label=gettext_lazy("超时限三倍诉求"),
        section="appeals",
        kind=Figure.COUNT,
        measure="appeals.triple",
        better=Figure.LOWER,
        ranking=True,
        article=ARTICLE,
    ),
    Figure(
        key="appeals.escalated",
        label=gettext_lazy("超期督办诉求"),
        section="appeals",
        kind=Figure.COUNT,
        measure="appeals.escalated",
        better=Figure.LOWER,
        article=ARTICLE,
    ),
):
    figures.register(figure)
