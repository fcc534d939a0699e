"""What matters and their guides are supervised by (事项与申报指南督查指标, 宜昌 §20–22, 无锡 §24).

Measures, owned by the matter's department (实施部门) unless said otherwise:

- guides published (申报指南公开): matters published (上架) with an application window, dated by `published_at`;
  on time when the stored verdict `guide_published_late` is false, i.e. published on or before `guide_due_on`, 5
  working days before `window_opens` on the official calendar. Year-round matters have no window and are not
  counted; a matter published again after a revision counts once, on its latest publication and verdict.
- matters per policy (政策拆分事项数): a snapshot of the policies public now (已发布、申请下线、已失效、已废止), each
  valued by its matters on the catalogue now (已上架、已截止), owned by the policy's lead department (牵头部门).
- suspected duplicate names (疑似重复事项名称): a snapshot of the pairs `NearDuplicateName` holds — found daily by
  `services.flag_near_duplicate_names` among the public matters of one region — whose two matters are still
  public; a pair belongs to the department of the matter entered second. `found_at` is shown, not counted by: a
  pair is a problem until it is resolved, whenever it was found.
- added and updated (平台运行: 事项新增、更新): matters created (`created_at`), and changes recorded in the matter's
  history, one per matter and day, never on the day it was created (`policies.supervision.changes_per_day`).
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from matters.models import Matter, NearDuplicateName
from matters.services import NEAR_DUPLICATE_SCORE
from policies.models import Policy
from policies.supervision import changes_per_day
from portal.supervision.measures import Figure, Measure, figures, measures

MATTER_COLUMNS = (
    ("name", _("事项名称")),
    ("code", _("事项编码")),
    ("department__name", _("实施部门")),
)
GUIDE_COLUMNS = (
    *MATTER_COLUMNS,
    ("window_opens", _("申报起始日")),
    ("guide_due_on", _("指南最迟公开日")),
    ("published_at", _("上架时间")),
    ("guide_published_late", _("指南逾期公开")),
)


def guides_published():
    return Matter.objects.filter(published_at__isnull=False, guide_due_on__isnull=False)


def guides_on_time():
    return guides_published().filter(guide_published_late=False)


def guides_late():
    return guides_published().filter(guide_published_late=True)


def public_policies():
    return Policy.objects.filter(status__in=Policy.PUBLIC_STATUSES)


def public_matters_of_policy():
    """Per policy row: how many of its matters are on the catalogue now (0 for none)."""
    per_policy = (
        Matter.objects.filter(policy=OuterRef("pk"), status__in=Matter.PUBLIC_STATUSES)
        .order_by()
        .values("policy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_policy), Value(0))


def near_duplicate_names():
    return NearDuplicateName.objects.filter(
        matter__status__in=Matter.PUBLIC_STATUSES, similar_to__status__in=Matter.PUBLIC_STATUSES
    )


def added():
    return Matter.objects.all()


def updated():
    return changes_per_day(Matter.history.model)


measures.register(
    Measure(
        key="matters.guides_published",
        label=_("公开申报指南"),
        records=guides_published,
        date="published_at",
        department="department",
        columns=GUIDE_COLUMNS,
        order_by=("-published_at",),
        description=_(
            "统计期内上架、且有申报起始日的事项的申报指南（按上架时间）；常年申报的事项无申报起始日，不计。"
            "修订后再次上架的事项只计一次，按最近一次上架统计。"
        ),
        article="宜昌 §20",
    )
)
measures.register(
    Measure(
        key="matters.guides_on_time",
        label=_("按时公开的申报指南"),
        records=guides_on_time,
        date="published_at",
        department="department",
        columns=GUIDE_COLUMNS,
        order_by=("-published_at",),
        description=_("统计期内上架、且最迟于申报起始日5个工作日前公开的申报指南（工作日按官方节假日安排计算）。"),
        article="宜昌 §20",
    )
)
measures.register(
    Measure(
        key="matters.guides_late",
        label=_("逾期公开的申报指南"),
        records=guides_late,
        date="published_at",
        department="department",
        columns=GUIDE_COLUMNS,
        order_by=("-published_at",),
        description=_("统计期内上架、但晚于申报起始日前第5个工作日才公开的申报指南。"),
        article="宜昌 §20",
    )
)
measures.register(
    Measure(
        key="matters.public_policies",
        label=_("已发布政策（拆分事项数）"),
        records=public_policies,
        date=None,
        snapshot=True,
        department="lead_department",
        value=public_matters_of_policy,
        unit=_("项"),
        columns=(
            ("title", _("政策标题")),
            ("document_number", _("文号")),
            ("lead_department__name", _("牵头部门")),
            ("status", _("状态")),
        ),
        order_by=("-published_at", "-pk"),
        description=_(
            "当前在平台公开的政策（已发布、申请下线、已失效、已废止），每项政策计其当前已上架或已截止的事项数；"
            "按政策的牵头部门统计（不受统计期间影响）。"
        ),
        article="宜昌 §20–21",
    )
)
measures.register(
    Measure(
        key="matters.near_duplicate_names",
        label=_("疑似重复事项名称"),
        records=near_duplicate_names,
        link="matter",
        date=None,
        snapshot=True,
        department="matter__department",
        unit=_("对"),
        columns=(
            ("matter__name", _("事项名称")),
            ("similar_to__name", _("名称相近的事项")),
            ("score", _("相似度")),
            ("matter__department__name", _("实施部门")),
            ("found_at", _("发现时间")),
        ),
        order_by=("-score", "matter", "similar_to"),
        description=format_lazy(
            _(
                "当前同一区划内名称相近（规范化后相似度不低于{score}）的两个已上架或已截止事项，每对计一次，"
                "计入后录入事项的实施部门；每日夜间重新比对（不受统计期间影响）。"
            ),
            score=NEAR_DUPLICATE_SCORE,
        ),
        article="宜昌 §22",
    )
)
measures.register(
    Measure(
        key="matters.added",
        label=_("新增事项"),
        records=added,
        date="created_at",
        department="department",
        columns=(*MATTER_COLUMNS, ("status", _("状态")), ("created_at", _("创建时间"))),
        order_by=("-created_at",),
        description=_("统计期内在平台新录入的事项（按创建时间，含尚未上架的）。"),
        article="无锡 §24",
    )
)
measures.register(
    Measure(
        key="matters.updated",
        label=_("事项更新"),
        records=updated,
        date="history_date",
        department="department",
        unit=_("次"),
        columns=(
            ("name", _("事项名称")),
            ("department__name", _("实施部门")),
            ("history_date", _("更新时间")),
            ("history_change_reason", _("更新说明")),
        ),
        order_by=("-history_date",),
        description=_(
            "统计期内事项信息或状态的修改（含提交、上架、截止、下架等流程操作），同一事项同一天多次修改计一次，"
            "创建当天的修改不计；按修改时的实施部门统计。"
        ),
        article="无锡 §24",
    )
)

figures.register(
    Figure(
        key="matters.guide_on_time_rate",
        label=_("申报指南按时公开率"),
        section="matters",
        kind=Figure.RATIO,
        measure="matters.guides_on_time",
        base="matters.guides_published",
        better=Figure.HIGHER,
        target=100.0,
        headline=True,
        ranking=True,
        trend=True,
        description=_("统计期内最迟于申报起始日5个工作日前公开的申报指南数 ÷ 统计期内上架的有申报起始日的事项数。"),
        article="宜昌 §20",
    )
)
figures.register(
    Figure(
        key="matters.guides_published",
        label=_("公开申报指南数"),
        section="matters",
        kind=Figure.COUNT,
        measure="matters.guides_published",
        article="宜昌 §20",
    )
)
figures.register(
    Figure(
        key="matters.guides_late",
        label=_("逾期公开申报指南数"),
        section="matters",
        kind=Figure.COUNT,
        measure="matters.guides_late",
        better=Figure.LOWER,
        ranking=True,
        article="宜昌 §20",
    )
)
figures.register(
    Figure(
        key="matters.per_policy",
        label=_("每项政策平均事项数"),
        section="matters",
        kind=Figure.MEAN,
        measure="matters.public_policies",
        unit=_("项"),
        description=_("当前公开政策的已上架（含已截止）事项数之和 ÷ 当前公开的政策数。"),
        article="宜昌 §20–21",
    )
)
figures.register(
    Figure(
        key="matters.near_duplicate_names",
        label=_("疑似重复事项名称"),
        section="matters",
        kind=Figure.COUNT,
        measure="matters.near_duplicate_names",
        unit=_("对"),
        better=Figure.LOWER,
        headline=True,
        ranking=True,
        article="宜昌 §22",
    )
)
figures.register(
    Figure(
        key="matters.added",
        label=_("新增事项数"),
        section="platform",
        kind=Figure.COUNT,
        measure="matters.added",
        article="无锡 §24",
    )
)
figures.register(
    Figure(
        key="matters.updated",
        label=_("事项更新次数"),
        section="platform",
        kind=Figure.COUNT,
        measure="matters.updated",
        unit=_("次"),
        article="无锡 §24",
    )
)
