"""What policy publishing is supervised by (政策发布督查指标, 宜昌 §17–18, 无锡 §24).

Measures, each a set of policies (or offline requests) dated by the event that completes it, owned by the policy's
lead department (牵头部门):

- published (政策发布): dated by `published_at`; on time when the stored verdict `published_late` is false. That
  verdict is taken once, at the first publication, against the 发布时限 clock (3 working days from the issue date,
  or from the outside publication of a national or provincial policy, on the official calendar); a revised policy
  published again keeps it and is counted once, on its latest publication.
- offline after expiry or repeal (失效、废止后下线): policies with `ended_on` that went offline, dated by `offline_at`;
  on time when the 下线时限 clock started on that `ended_on` stopped not late (3 working days, §18); without such a
  clock a policy cannot show it was on time and counts as late. Early offline (提前下线) has no deadline and is
  counted with the offline requests instead.
- offline requests (提前下线申请): made (dated by `requested_at`), agreed and refused by the data bureau (dated by
  `decided_at`), and pending now (a snapshot).
- overdue now (当前逾期): policies whose 发布时限 or 下线时限 clock is still running past its due date (snapshots).
- added and updated (平台运行: 政策新增、更新): policies created (`created_at`), and changes recorded in the
  policy's history — one per policy and day, never on the day it was created (see `changes_per_day`).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies.models import Policy, PolicyOfflineRequest
from policies.services import OFFLINE_CLOCK, PUBLISH_CLOCK
from portal.supervision.measures import Figure, Measure, figures, measures
from portal.workcalendar.models import Clock

S = Policy.Status

POLICY_COLUMNS = (
    ("title", _("政策标题")),
    ("document_number", _("文号")),
    ("lead_department__name", _("牵头部门")),
)
REQUEST_COLUMNS = (
    ("policy__title", _("政策标题")),
    ("policy__lead_department__name", _("牵头部门")),
    ("requested_at", _("申请时间")),
    ("reason", _("下线理由")),
)


def _clocks(kind: str):
    """The policy's clocks of one kind (the row joins on the clock's object index)."""
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Policy), object_id=OuterRef("pk"), kind=kind
    )


def _running_past_due(kind: str):
    """A clock of `kind` still running (or paused) whose due date has passed: overdue now."""
    return Exists(_clocks(kind).exclude(state=Clock.State.STOPPED).filter(due_on__lt=timezone.localdate()))


def changes_per_day(history_model):
    """Changes recorded in a simple-history table, one per record and local day, not on the record's creation day.

    A record saved five times in a day (each workflow step writes a history row too) is one update that day; a
    record created and edited the same day is new, not updated. The row kept is that day's first change, so the
    records page shows who changed what first. Used by the matters' measure too.
    """
    earlier = history_model.objects.filter(
        id=OuterRef("id"),
        history_type="~",
        history_id__lt=OuterRef("history_id"),
        history_date__date=OuterRef("sv_changed_on"),
    )
    return (
        history_model.objects.filter(history_type="~")
        .annotate(sv_changed_on=TruncDate("history_date"))
        .exclude(sv_changed_on=TruncDate("created_at"))
        .filter(~Exists(earlier))
    )


# --- records ----------------------------------------------------------------------------------------------------


def published():
    return Policy.objects.filter(published_at__isnull=False)


def published_on_time():
    return published().filter(published_late=False)


def published_late():
    return published().filter(published_late=True)


def offline_after_end():
    return Policy.objects.filter(ended_on__isnull=False, offline_at__isnull=False)


def _offline_on_time_clock():
    return Exists(
        _clocks(OFFLINE_CLOCK).filter(started_on=OuterRef("ended_on"), state=Clock.State.STOPPED, stopped_late=False)
    )


def offline_on_time():
    return offline_after_end().filter(_offline_on_time_clock())


def offline_late():
    return offline_after_end().filter(~_offline_on_time_clock())


def publish_overdue_now():
    return Policy.objects.filter(_running_past_due(PUBLISH_CLOCK))


def offline_overdue_now():
    return Policy.objects.filter(status__in=[S.EXPIRED, S.REPEALED]).filter(_running_past_due(OFFLINE_CLOCK))


def offline_requests():
    return PolicyOfflineRequest.objects.all()


def offline_requests_decided(decision: str):
    return lambda: PolicyOfflineRequest.objects.filter(decision=decision, decided_at__isnull=False)


def offline_requests_pending():
    # Served by the partial unique index policy_one_pending_offline_request (… WHERE decision = 'pending').
    return PolicyOfflineRequest.objects.filter(decision=PolicyOfflineRequest.Decision.PENDING)


def added():
    return Policy.objects.all()


def updated():
    return changes_per_day(Policy.history.model)


# --- measures ---------------------------------------------------------------------------------------------------

PUBLISHED_COLUMNS = (
    *POLICY_COLUMNS,
    ("issue_date", _("印发日期")),
    ("outside_publication_date", _("上级对外发布日期")),
    ("published_at", _("发布时间")),
    ("published_late", _("逾期发布")),
)
OFFLINE_COLUMNS = (
    *POLICY_COLUMNS,
    ("status", _("状态")),
    ("ended_on", _("失效（废止）日期")),
    ("offline_at", _("下线时间")),
)

measures.register(
    Measure(
        key="policies.published",
        label=_("发布政策"),
        records=published,
        date="published_at",
        department="lead_department",
        columns=PUBLISHED_COLUMNS,
        order_by=("-published_at",),
        description=_("统计期内在平台发布的政策（按发布时间）。修订后再次发布的政策只计一次，按最近一次发布时间统计。"),
        article="宜昌 §17",
    )
)
measures.register(
    Measure(
        key="policies.published_on_time",
        label=_("按时发布政策"),
        records=published_on_time,
        date="published_at",
        department="lead_department",
        columns=PUBLISHED_COLUMNS,
        order_by=("-published_at",),
        description=_(
            "统计期内发布、且在印发之日起3个工作日内发布的政策；国家级、省级政策自国家、省级部门对外发布之日起算。"
            "工作日按官方节假日安排计算，以首次发布时的发布时限为准。"
        ),
        article="宜昌 §17",
    )
)
measures.register(
    Measure(
        key="policies.published_late",
        label=_("逾期发布政策"),
        records=published_late,
        date="published_at",
        department="lead_department",
        columns=PUBLISHED_COLUMNS,
        order_by=("-published_at",),
        description=_("统计期内发布、但超过印发（或上级对外发布）之日起3个工作日才发布的政策。"),
        article="宜昌 §17",
    )
)
measures.register(
    Measure(
        key="policies.offline",
        label=_("失效（废止）后下线政策"),
        records=offline_after_end,
        date="offline_at",
        department="lead_department",
        columns=OFFLINE_COLUMNS,
        order_by=("-offline_at",),
        description=_("统计期内下线的已失效或已废止政策（按下线时间），不含未到期提前下线的政策。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.offline_on_time",
        label=_("按时下线政策"),
        records=offline_on_time,
        date="offline_at",
        department="lead_department",
        columns=OFFLINE_COLUMNS,
        order_by=("-offline_at",),
        description=_("统计期内下线、且在失效（废止）之日起3个工作日内下线的政策（以下线时限记录为准）。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.offline_late",
        label=_("逾期下线政策"),
        records=offline_late,
        date="offline_at",
        department="lead_department",
        columns=OFFLINE_COLUMNS,
        order_by=("-offline_at",),
        description=_("统计期内下线、但超过失效（废止）之日起3个工作日才下线的政策；无下线时限记录的按逾期计。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.publish_overdue_now",
        label=_("逾期未发布政策（当前）"),
        records=publish_overdue_now,
        date=None,
        snapshot=True,
        department="lead_department",
        columns=(*POLICY_COLUMNS, ("status", _("状态")), ("issue_date", _("印发日期"))),
        order_by=("issue_date", "pk"),
        description=_("当前已提交审核、发布时限已过仍未发布的政策（不受统计期间影响）。"),
        article="宜昌 §17",
    )
)
measures.register(
    Measure(
        key="policies.offline_overdue_now",
        label=_("超期未下线政策（当前）"),
        records=offline_overdue_now,
        date=None,
        snapshot=True,
        department="lead_department",
        columns=OFFLINE_COLUMNS,
        order_by=("ended_on", "pk"),
        description=_("当前已失效或已废止、下线时限已过仍未下线的政策（不受统计期间影响）。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.offline_requested",
        label=_("提前下线申请"),
        records=offline_requests,
        date="requested_at",
        department="policy__lead_department",
        category="decision",
        columns=(*REQUEST_COLUMNS, ("decision", _("核实结果"))),
        order_by=("-requested_at",),
        description=_("统计期内提出的未到期政策提前下线申请（按申请时间），可按核实结果分类。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.offline_approved",
        label=_("同意提前下线"),
        records=offline_requests_decided(PolicyOfflineRequest.Decision.APPROVED),
        date="decided_at",
        department="policy__lead_department",
        columns=(*REQUEST_COLUMNS, ("decided_at", _("核实时间")), ("decision_note", _("核实意见"))),
        order_by=("-decided_at",),
        description=_("统计期内经同级政务服务和数据管理部门核实同意的提前下线申请（按核实时间）。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.offline_refused",
        label=_("不同意提前下线"),
        records=offline_requests_decided(PolicyOfflineRequest.Decision.REJECTED),
        date="decided_at",
        department="policy__lead_department",
        columns=(*REQUEST_COLUMNS, ("decided_at", _("核实时间")), ("decision_note", _("核实意见"))),
        order_by=("-decided_at",),
        description=_("统计期内经同级政务服务和数据管理部门核实、不同意下线的提前下线申请（按核实时间）。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.offline_pending",
        label=_("待核实的提前下线申请（当前）"),
        records=offline_requests_pending,
        date=None,
        snapshot=True,
        department="policy__lead_department",
        columns=REQUEST_COLUMNS,
        order_by=("requested_at", "pk"),
        description=_("当前尚待数据管理部门核实的提前下线申请（不受统计期间影响）。"),
        article="宜昌 §18",
    )
)
measures.register(
    Measure(
        key="policies.added",
        label=_("新增政策"),
        records=added,
        date="created_at",
        department="lead_department",
        columns=(*POLICY_COLUMNS, ("status", _("状态")), ("created_at", _("创建时间"))),
        order_by=("-created_at",),
        description=_("统计期内在平台新录入的政策（按创建时间，含尚未发布的）。"),
        article="无锡 §24",
    )
)
measures.register(
    Measure(
        key="policies.updated",
        label=_("政策更新"),
        records=updated,
        date="history_date",
        department="lead_department",
        unit=_("次"),
        columns=(
            ("title", _("政策标题")),
            ("lead_department__name", _("牵头部门")),
            ("history_date", _("更新时间")),
            ("history_change_reason", _("更新说明")),
        ),
        order_by=("-history_date",),
        description=_(
            "统计期内政策信息或状态的修改（含审核、发布、下线等流程操作），同一政策同一天多次修改计一次，"
            "创建当天的修改不计；按修改时的牵头部门统计。"
        ),
        article="无锡 §24",
    )
)

# --- figures ----------------------------------------------------------------------------------------------------

figures.register(
    Figure(
        key="policies.on_time_rate",
        label=_("按时发布率"),
        section="policies",
        kind=Figure.RATIO,
        measure="policies.published_on_time",
        base="policies.published",
        better=Figure.HIGHER,
        target=100.0,
        headline=True,
        ranking=True,
        trend=True,
        description=_("统计期内按时发布的政策数 ÷ 统计期内发布的政策数。"),
        article="宜昌 §17",
    )
)
figures.register(
    Figure(
        key="policies.published",
        label=_("发布政策数"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.published",
        article="宜昌 §17",
    )
)
figures.register(
    Figure(
        key="policies.published_late",
        label=_("逾期发布政策数"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.published_late",
        better=Figure.LOWER,
        ranking=True,
        article="宜昌 §17",
    )
)
figures.register(
    Figure(
        key="policies.publish_overdue_now",
        label=_("逾期未发布政策（当前）"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.publish_overdue_now",
        better=Figure.LOWER,
        article="宜昌 §17",
    )
)
figures.register(
    Figure(
        key="policies.offline_on_time_rate",
        label=_("按时下线率"),
        section="policies",
        kind=Figure.RATIO,
        measure="policies.offline_on_time",
        base="policies.offline",
        better=Figure.HIGHER,
        target=100.0,
        headline=True,
        ranking=True,
        description=_("统计期内失效（废止）后3个工作日内下线的政策数 ÷ 统计期内下线的失效（废止）政策数。"),
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.offline",
        label=_("失效（废止）后下线政策数"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.offline",
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.offline_late",
        label=_("逾期下线政策数"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.offline_late",
        better=Figure.LOWER,
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.offline_overdue_now",
        label=_("超期未下线政策（当前）"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.offline_overdue_now",
        better=Figure.LOWER,
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.offline_requested",
        label=_("提前下线申请数"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.offline_requested",
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.offline_approved",
        label=_("同意提前下线数"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.offline_approved",
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.offline_refused",
        label=_("不同意提前下线数"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.offline_refused",
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.offline_pending",
        label=_("待核实的提前下线申请（当前）"),
        section="policies",
        kind=Figure.COUNT,
        measure="policies.offline_pending",
        better=Figure.LOWER,
        article="宜昌 §18",
    )
)
figures.register(
    Figure(
        key="policies.added",
        label=_("新增政策数"),
        section="platform",
        kind=Figure.COUNT,
        measure="policies.added",
        article="无锡 §24",
    )
)
figures.register(
    Figure(
        key="policies.updated",
        label=_("政策更新次数"),
        section="platform",
        kind=Figure.COUNT,
        measure="policies.updated",
        unit=_("次"),
        article="无锡 §24",
    )
)
