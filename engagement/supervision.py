"""What supervision measures of 征求意见 (无锡 §22（一）（二）, 山西 8 “企业直通车”): drafts consulted, comments
received and replied, and summaries (意见采纳情况说明) published on time — no later than the day the final policy was.

Department: the consulting department (`Consultation.department`); region: its region. The figures sit in the
dashboards' 政策发布 section, beside the policies they lead to.
"""

from django.db.models import F
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from portal.supervision.measures import Figure, Measure, figures, measures

from .models import Consultation, ConsultationComment

ARTICLE = "无锡 §22（一）（二）"
S = Consultation.Status

_COLUMNS = (("title", _("征求意见稿")), ("department__name", _("征求意见部门")))
_SUMMARY_COLUMNS = (
    *_COLUMNS,
    ("summary_published_at", _("采纳情况公布时间")),
    ("policy__published_at", _("政策发布时间")),
)
_COMMENT_COLUMNS = (
    ("consultation__title", _("征求意见稿")),
    ("question__text", _("问题")),
    ("consultation__department__name", _("征求意见部门")),
)


def _consulted():
    return Consultation.objects.filter(opened_on__isnull=False).exclude(status=S.DRAFT)


def _comments():
    return ConsultationComment.objects.all()


def _replied():
    return ConsultationComment.objects.exclude(outcome="").filter(replied_at__isnull=False)


def _with_published_policy():
    return Consultation.objects.filter(policy__published_at__isnull=False, summary_published_at__isnull=False)


def _on_time():
    return (
        _with_published_policy()
        .annotate(
            summary_day=TruncDate("summary_published_at"),
            policy_day=TruncDate("policy__published_at"),
        )
        .filter(summary_day__lte=F("policy_day"))
    )


measures.register(
    Measure(
        key="engagement.consulted",
        label=_("征求意见的政策草案"),
        records=_consulted,
        date="opened_on",
        department="department",
        columns=(*_COLUMNS, ("opened_on", _("发起日期"))),
        order_by=("-opened_on", "-pk"),
        description=_("统计期内发起征求意见的政策草案（含其后撤回的），按发起日期计入征求意见部门。"),
        article=ARTICLE,
    )
)
measures.register(
    Measure(
        key="engagement.comments",
        label=_("收到的意见"),
        records=_comments,
        date="created_at",
        department="consultation__department",
        columns=(*_COMMENT_COLUMNS, ("created_at", _("提交时间"))),
        order_by=("-created_at", "-pk"),
        description=_("统计期内企业和社会公众提出的意见，按提交时间计入征求意见部门；同一企业修改意见不重复计入。"),
        article=ARTICLE,
        unit=_("条"),
    )
)
measures.register(
    Measure(
        key="engagement.comments_replied",
        label=_("已答复的意见"),
        records=_replied,
        date="replied_at",
        department="consultation__department",
        columns=(*_COMMENT_COLUMNS, ("replied_at", _("答复时间"))),
        order_by=("-replied_at", "-pk"),
        description=_("统计期内答复了采纳情况（采纳、部分采纳、未采纳并说明理由）的意见，按答复时间计入。"),
        article=ARTICLE,
        unit=_("条"),
    )
)
measures.register(
    Measure(
        key="engagement.summaries_due",
        label=_("已出台政策的征求意见"),
        records=_with_published_policy,
        date="policy__published_at",
        department="department",
        columns=_SUMMARY_COLUMNS,
        order_by=("-policy__published_at", "-pk"),
        description=_("统计期内正式出台（发布）的政策所关联的征求意见，按政策发布时间计入。"),
        article=ARTICLE,
    )
)
measures.register(
    Measure(
        key="engagement.summaries_on_time",
        label=_("按时公布采纳情况"),
        records=_on_time,
        date="policy__published_at",
        department="department",
        columns=_SUMMARY_COLUMNS,
        order_by=("-policy__published_at", "-pk"),
        description=_("其中意见采纳情况说明不晚于政策发布当日公布的，按政策发布时间计入。"),
        article=ARTICLE,
    )
)

figures.register(
    Figure(
        key="engagement.consulted",
        label=_("征求意见的政策草案"),
        section="policies",
        kind=Figure.COUNT,
        measure="engagement.consulted",
        ranking=True,
        article=ARTICLE,
    )
)
figures.register(
    Figure(
        key="engagement.comments",
        label=_("收到的意见"),
        section="policies",
        kind=Figure.COUNT,
        measure="engagement.comments",
        unit=_("条"),
        article=ARTICLE,
    )
)
figures.register(
    Figure(
        key="engagement.comments_replied",
        label=_("已答复的意见"),
        section="policies",
        kind=Figure.COUNT,
        measure="engagement.comments_replied",
        unit=_("条"),
        article=ARTICLE,
    )
)
figures.register(
    Figure(
        key="engagement.summary_on_time_rate",
        label=_("采纳情况按时公布率"),
        section="policies",
        kind=Figure.RATIO,
        measure="engagement.summaries_on_time",
        base="engagement.summaries_due",
        better=Figure.HIGHER,
        ranking=True,
        description=_("意见采纳情况说明不晚于正式政策发布当日公布的比例。"),
        article=ARTICLE,
    )
)
