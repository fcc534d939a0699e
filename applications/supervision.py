"""What supervision (督查) counts of applications, 免申即享 and 好差评: the measures and figures of the sections
"applications" (申报办理), "exemption" (免申即享) and "ratings" (好差评), registered in the kernel's registries
(`portal.supervision.measures`).

Every measure is one aggregate query over one table (the kernel groups it by day, department, region, category
and, for durations, by whole working day); nothing is computed row by row. The clocks and timestamps read are the
ones the workflow stores:

* an application is submitted (`submitted_at`), accepted (`accepted_at`, 受理) and decided (`decided_at`, also set
  on withdrawal, which is left out here); its committed time limit (承诺办理时限, the matter's `time_limit_days`) is
  the `application_case` clock started at 受理, paused during 补正 and stopped at the decision, whose stored verdict
  `stopped_late` says whether it was met;
* each review step (审核环节) is opened (`opened_at`) and decided (`decided_at`) on its own `application_step`
  clock, paused during 补正: the stopped clock's verdict says whether the step kept its limit, a running clock past
  its due date makes the step overdue now;
* a 免申即享 list is accepted (`accepted_at`) and pushed (`notified_at`); each enterprise on it confirms or declines
  (`answered_at`) or, silent past its `due_on`, is recorded as waived (逾期视为放弃, no timestamp of its own);
* a rating (`created_at`) has a level; a bad one opens a rectification due on `due_on` and answered at
  `answered_at`.

Working days are the official calendar's (`portal.workcalendar.sql.WorkdaysBetween`: the working days after the
first date up to and including the second), so 国庆 and 中秋 holidays never count and 调休 Saturdays do.
"""

from __future__ import annotations

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import services
from applications.models import (
    BAD_RATINGS,
    Application,
    Channel,
    Confirmation,
    ConfirmationList,
    Rating,
    Rectification,
    ReviewStep,
    Status,
    StepStatus,
    SupplementNotice,
)
from portal.supervision.measures import Figure, Measure, figures, measures
from portal.workcalendar.sql import WorkdaysBetween

# 无锡 §20（一）1: "受理10日内推送企业"; the platform reckons the 10 days in working days, as its push clock does
# (`applications.confirmations.NOTIFY_DAYS`, 行政许可法第八十二条).
PUSH_DAYS = 10
GOOD_LEVEL = 3  # 非常满意、满意、基本满意 are 好评; 不满意、非常不满意 差评 (`BAD_RATINGS`)


def _workdays(start: str, end: str):
    """Working days from the local date of `start` to that of `end` (the first day not counted)."""
    return lambda: WorkdaysBetween(TruncDate(start), TruncDate(end))


# --- applications (申报办理) -------------------------------------------------------------------------------------


def _submitted():
    return Application.objects.filter(submitted_at__isnull=False)


def _accepted():
    return Application.objects.filter(accepted_at__isnull=False)


def _decided():
    """Decided after 受理 (核准 or 不予通过; a withdrawal also sets `decided_at` and is left out)."""
    return Application.objects.filter(accepted_at__isnull=False, decided_at__isnull=False).exclude(
        status=Status.WITHDRAWN
    )


def _decided_on_time():
    """Decided within the committed time limit: the case clock stopped on or before its due date (pauses for 补正
    and approved extensions taken into account by the clock); a case pushed by a department's own system has no
    platform clock and is on time when its working days from 受理 to decision do not exceed the matter's limit.

    The case clock is joined once (a case is accepted once, so it has at most one stopped case clock): at 1,000,000
    applications the same test as `EXISTS` subqueries probed the clocks row by row and took 10–15 s instead of
    3.5 s (bench/supervision_applications.py)."""
    case_clock = FilteredRelation("clocks", condition=Q(clocks__kind=services.CASE_CLOCK, clocks__state="stopped"))
    unclocked_in_time = Q(sv_case_clock__isnull=True) & Q(sv_case_days__lte=F("matter__time_limit_days"))
    return (
        _decided()
        .annotate(sv_case_clock=case_clock)
        .alias(sv_case_days=WorkdaysBetween(TruncDate("accepted_at"), TruncDate("decided_at")))
        .filter(Q(sv_case_clock__stopped_late=False) | unclocked_in_time)
    )


def _concluded():
    """Every decision on a submitted application, 不予受理 and 即申即享 included (withdrawals left out)."""
    return Application.objects.filter(submitted_at__isnull=False, decided_at__isnull=False).exclude(
        status=Status.WITHDRAWN
    )


def _steps_decided():
    return ReviewStep.objects.filter(
        opened_at__isnull=False,
        decided_at__isnull=False,
        status__in=(StepStatus.PASSED, StepStatus.REJECTED),
    )


def _step_clocks(**conditions):
    """The outer step's own clocks (`application_step`) meeting `conditions`. The step clock is authoritative:
    a year of the calendar entered later or an extension moves it, while `ReviewStep.due_on` is a copy for the
    reviewers' queue."""
    from django.contrib.contenttypes.models import ContentType

    from portal.workcalendar.models import Clock

    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(ReviewStep),
        object_id=OuterRef("pk"),
        kind=services.STEP_CLOCK,
        **conditions,
    )


def _steps_decided_on_time():
    """Decided steps whose clock stopped on or before its due date (a semi-join on the clocks)."""
    return _steps_decided().filter(Exists(_step_clocks(state="stopped", stopped_late=False)))


def _steps_overdue_now():
    """Open steps whose running clock is past its due date now; a step waiting for the enterprise's 补正 has its
    clock paused, so it is not overdue however old its due date — the same test as the escalation of overdue steps
    (`applications.followup`). The clocks' index on (state, due_on) serves the filter."""
    overdue = _step_clocks(state="running", due_on__lt=timezone.localdate())
    return ReviewStep.objects.filter(status=StepStatus.ACTIVE).filter(Exists(overdue))


APPLICATION_COLUMNS = (
    ("number", _("申报编号")),
    ("enterprise__name", _("申报企业")),
    ("matter__name", _("申报事项")),
    ("matter__department__name", _("实施部门")),
)
STEP_COLUMNS = (
    ("application__number", _("申报编号")),
    ("name", _("审核环节")),
    ("department__name", _("办理部门")),
    ("opened_at", _("开始办理时间")),
    ("due_on", _("办理期限")),
)

measures.register(
    Measure(
        key="applications.submitted",
        label=_("提交申报件数"),
        records=_submitted,
        date="submitted_at",
        department="matter__department",
        category="channel",
        columns=(*APPLICATION_COLUMNS, ("channel", _("申报渠道")), ("submitted_at", _("提交时间"))),
        order_by=("-submitted_at", "-pk"),
        description=_(
            "统计期内提交的申报件（网上申报、窗口受理、部门业务系统推送），按申报渠道分类；部门为事项实施部门。"
        ),
        article="无锡 §25",
    )
)
measures.register(
    Measure(
        key="applications.submitted_online",
        label=_("网上申报件数"),
        records=lambda: _submitted().filter(channel=Channel.ONLINE),
        date="submitted_at",
        department="matter__department",
        category="matter__code",
        columns=(*APPLICATION_COLUMNS, ("submitted_at", _("提交时间"))),
        order_by=("-submitted_at", "-pk"),
        description=_("统计期内企业在平台上网上提交的申报件。"),
        article="无锡 §25",
    )
)
measures.register(
    Measure(
        key="applications.submitted_window",
        label=_("窗口受理件数"),
        records=lambda: _submitted().filter(channel=Channel.WINDOW),
        date="submitted_at",
        department="matter__department",
        category="matter__code",
        columns=(*APPLICATION_COLUMNS, ("clerk__username", _("受理窗口人员")), ("submitted_at", _("提交时间"))),
        order_by=("-submitted_at", "-pk"),
        description=_("统计期内在政务服务大厅惠企专窗代为提交的申报件（一窗受理）。"),
        article="无锡 §21（一窗受理）",
    )
)
measures.register(
    Measure(
        key="applications.accepted",
        label=_("受理件数"),
        records=_accepted,
        date="accepted_at",
        department="matter__department",
        category="matter__code",
        columns=(*APPLICATION_COLUMNS, ("accepted_at", _("受理时间"))),
        order_by=("-accepted_at", "-pk"),
        description=_("统计期内受理的申报件（含部门业务系统推送的受理时间），按事项分类。"),
        article="无锡 §19",
    )
)
measures.register(
    Measure(
        key="applications.supplement_notices",
        label=_("补正告知次数"),
        records=SupplementNotice.objects.all,
        link="application",
        date="created_at",
        department="application__matter__department",
        category="application__matter__code",
        columns=(
            ("application__number", _("申报编号")),
            ("application__enterprise__name", _("申报企业")),
            ("application__matter__name", _("申报事项")),
            ("created_at", _("告知时间")),
            ("answered_at", _("补正提交时间")),
        ),
        order_by=("-created_at", "-pk"),
        description=_("统计期内发出的一次性告知书（补正告知），每份告知书计一次；部门为事项实施部门。"),
        article="无锡 §19（一次性告知）",
    )
)
measures.register(
    Measure(
        key="applications.decided",
        label=_("受理后办结件数"),
        records=_decided,
        date="decided_at",
        department="matter__department",
        category="matter__code",
        value=_workdays("accepted_at", "decided_at"),
        distribution=True,
        columns=(*APPLICATION_COLUMNS, ("accepted_at", _("受理时间")), ("decided_at", _("办结时间"))),
        order_by=("-decided_at", "-pk"),
        description=_(
            "统计期内作出核准或不予通过决定的已受理申报件（撤回的不计）；用时为受理日至办结日的工作日数"
            "（受理当日不计，办结当日计入，节假日不计、调休上班日计入，含企业补正的时间），按事项分类。"
        ),
        article="宜昌 §20；无锡 §19",
        unit=_("件"),
    )
)
measures.register(
    Measure(
        key="applications.decided_on_time",
        label=_("按承诺时限办结件数"),
        records=_decided_on_time,
        date="decided_at",
        department="matter__department",
        category="matter__code",
        columns=(*APPLICATION_COLUMNS, ("accepted_at", _("受理时间")), ("decided_at", _("办结时间"))),
        order_by=("-decided_at", "-pk"),
        description=_(
            "受理后办结件中，在事项承诺办理时限内办结的：以平台承诺时限计时为准（自受理次日起按工作日计算，"
            "补正期间暂停计时，批准的延期计入），办结日不晚于截止日即为按时；部门业务系统推送、平台未计时的办件，"
            "受理日至办结日的工作日数不超过承诺时限即为按时。"
        ),
        article="宜昌 §20；无锡 §19（在承诺时限内办结）",
    )
)
measures.register(
    Measure(
        key="applications.concluded",
        label=_("办结件数（自提交起）"),
        records=_concluded,
        date="decided_at",
        department="matter__department",
        category="matter__code",
        value=_workdays("submitted_at", "decided_at"),
        distribution=True,
        columns=(*APPLICATION_COLUMNS, ("submitted_at", _("提交时间")), ("decided_at", _("办结时间"))),
        order_by=("-decided_at", "-pk"),
        description=_(
            "统计期内办结的申报件（核准、不予通过、不予受理、即申即享自动核准；撤回的不计）；用时为提交日至办结日的"
            "工作日数，含预审、补正和各审核环节，按事项分类。"
        ),
        article="无锡 §21（闭环管理，促进限时办结）",
    )
)
measures.register(
    Measure(
        key="applications.steps_decided",
        label=_("办结审核环节数"),
        records=_steps_decided,
        link="application",
        date="decided_at",
        department="department",
        category="name",
        value=_workdays("opened_at", "decided_at"),
        distribution=True,
        columns=(*STEP_COLUMNS, ("decided_at", _("办结时间"))),
        order_by=("-decided_at", "-pk"),
        description=_(
            "统计期内办结（通过或不予通过）的审核环节；用时为环节开始日至办结日的工作日数（含该环节内企业补正的"
            "时间），按环节名称分类；部门为环节的办理部门。"
        ),
        article="无锡 §21（各环节审批人员在规定时限完成审核）",
        unit=_("个"),
    )
)
measures.register(
    Measure(
        key="applications.steps_on_time",
        label=_("按时办结审核环节数"),
        records=_steps_decided_on_time,
        link="application",
        date="decided_at",
        department="department",
        category="name",
        columns=(*STEP_COLUMNS, ("decided_at", _("办结时间"))),
        order_by=("-decided_at", "-pk"),
        description=_("办结审核环节中，环节计时在截止日当天或之前停止的（补正期间暂停计时，截止日相应顺延）。"),
        article="无锡 §21（各环节审批人员在规定时限完成审核）",
        unit=_("个"),
    )
)
measures.register(
    Measure(
        key="applications.steps_overdue",
        label=_("当前超期审核环节"),
        records=_steps_overdue_now,
        link="application",
        date=None,
        snapshot=True,
        department="department",
        category="name",
        columns=STEP_COLUMNS,
        order_by=("due_on", "pk"),
        description=_(
            "此刻正在办理、环节计时已过截止日（截止日早于今天）的审核环节；等待企业补正（计时暂停）的不计；"
            "部门为环节的办理部门。"
        ),
        article="无锡 §21；宜昌 §38",
        unit=_("个"),
    )
)

figures.register(
    Figure(
        key="applications.submitted",
        label=_("申报件数"),
        section="applications",
        kind=Figure.COUNT,
        measure="applications.submitted",
        article="无锡 §25",
    )
)
figures.register(
    Figure(
        key="applications.online_rate",
        label=_("网办比例"),
        section="applications",
        kind=Figure.RATIO,
        measure="applications.submitted_online",
        base="applications.submitted",
        better=Figure.HIGHER,
        headline=True,
        ranking=True,
        description=_("网上申报件数 ÷ 提交申报件数（含窗口受理和部门业务系统推送），均按提交时间统计。"),
        article="无锡 §25（定期发布网办比例）；宜昌 §31（一网办理）",
    )
)
figures.register(
    Figure(
        key="applications.window",
        label=_("窗口受理件数"),
        section="applications",
        kind=Figure.COUNT,
        measure="applications.submitted_window",
        article="无锡 §21（一窗受理）",
    )
)
figures.register(
    Figure(
        key="applications.accepted",
        label=_("受理件数"),
        section="applications",
        kind=Figure.COUNT,
        measure="applications.accepted",
        article="无锡 §19",
    )
)
figures.register(
    Figure(
        key="applications.supplement_notices",
        label=_("补正告知次数"),
        section="applications",
        kind=Figure.COUNT,
        measure="applications.supplement_notices",
        unit=_("次"),
        article="无锡 §19（一次性告知）",
    )
)
figures.register(
    Figure(
        key="applications.decided",
        label=_("受理后办结件数"),
        section="applications",
        kind=Figure.COUNT,
        measure="applications.decided",
        article="无锡 §19",
    )
)
figures.register(
    Figure(
        key="applications.on_time_rate",
        label=_("按时办结率"),
        section="applications",
        kind=Figure.RATIO,
        measure="applications.decided_on_time",
        base="applications.decided",
        better=Figure.HIGHER,
        headline=True,
        ranking=True,
        trend=True,
        description=_("在承诺办理时限内办结的件数 ÷ 受理后办结件数，均按办结时间统计。"),
        article="宜昌 §20；无锡 §19（在承诺时限内办结）",
    )
)
figures.register(
    Figure(
        key="applications.case_days_mean",
        label=_("平均办理用时（受理至办结）"),
        section="applications",
        kind=Figure.MEAN,
        measure="applications.decided",
        better=Figure.LOWER,
        article="无锡 §19",
    )
)
figures.register(
    Figure(
        key="applications.case_days_p90",
        label=_("办理用时90分位数（受理至办结）"),
        section="applications",
        kind=Figure.P90,
        measure="applications.decided",
        better=Figure.LOWER,
        description=_("九成受理后办结件的用时不超过此工作日数（最近秩法）。"),
        article="无锡 §19",
    )
)
figures.register(
    Figure(
        key="applications.total_days_mean",
        label=_("平均办结用时（提交至办结）"),
        section="applications",
        kind=Figure.MEAN,
        measure="applications.concluded",
        better=Figure.LOWER,
        article="无锡 §21",
    )
)
figures.register(
    Figure(
        key="applications.total_days_p90",
        label=_("办结用时90分位数（提交至办结）"),
        section="applications",
        kind=Figure.P90,
        measure="applications.concluded",
        better=Figure.LOWER,
        description=_("九成办结件自提交起的用时不超过此工作日数（最近秩法）。"),
        article="无锡 §21",
    )
)
figures.register(
    Figure(
        key="applications.step_days_mean",
        label=_("审核环节平均用时"),
        section="applications",
        kind=Figure.MEAN,
        measure="applications.steps_decided",
        better=Figure.LOWER,
        article="无锡 §21",
    )
)
figures.register(
    Figure(
        key="applications.step_days_p90",
        label=_("审核环节用时90分位数"),
        section="applications",
        kind=Figure.P90,
        measure="applications.steps_decided",
        better=Figure.LOWER,
        description=_("九成办结审核环节的用时不超过此工作日数（最近秩法）。"),
        article="无锡 §21",
    )
)
figures.register(
    Figure(
        key="applications.step_on_time_rate",
        label=_("审核环节按时办结率"),
        section="applications",
        kind=Figure.RATIO,
        measure="applications.steps_on_time",
        base="applications.steps_decided",
        better=Figure.HIGHER,
        description=_("在环节办理期限内办结的审核环节 ÷ 办结审核环节，均按环节办结时间统计。"),
        article="无锡 §21",
    )
)
figures.register(
    Figure(
        key="applications.steps_overdue",
        label=_("当前超期审核环节"),
        section="applications",
        kind=Figure.COUNT,
        measure="applications.steps_overdue",
        unit=_("个"),
        better=Figure.LOWER,
        target=0,
        headline=True,
        ranking=True,
        article="无锡 §21；宜昌 §38",
    )
)


# --- 免申即享 (exemption) -------------------------------------------------------------------------------------------


def _lists_pushed():
    return ConfirmationList.objects.filter(accepted_at__isnull=False, notified_at__isnull=False)


def _lists_pushed_in_time():
    return (
        _lists_pushed()
        .alias(sv_push_days=WorkdaysBetween(TruncDate("accepted_at"), TruncDate("notified_at")))
        .filter(sv_push_days__lte=PUSH_DAYS)
    )


LIST_COLUMNS = (
    ("matter__name", _("事项")),
    ("period", _("兑现批次")),
    ("matter__department__name", _("实施部门")),
    ("accepted_at", _("受理时间")),
    ("notified_at", _("推送时间")),
)
ENTRY_COLUMNS = (
    ("enterprise__name", _("企业")),
    ("confirmation_list__matter__name", _("事项")),
    ("confirmation_list__period", _("兑现批次")),
    ("notified_at", _("通知时间")),
    ("due_on", _("确认截止日")),
)

measures.register(
    Measure(
        key="exemption.lists_pushed",
        label=_("推送名单数"),
        records=_lists_pushed,
        date="notified_at",
        department="matter__department",
        category="matter__code",
        value=_workdays("accepted_at", "notified_at"),
        distribution=True,
        columns=LIST_COLUMNS,
        order_by=("-notified_at", "-pk"),
        description=_(
            "统计期内推送企业（名单内企业全部通知完毕）的免申即享确认名单；用时为受理名单日至推送日的工作日数。"
        ),
        article="无锡 §20（一）1",
        unit=_("份"),
    )
)
measures.register(
    Measure(
        key="exemption.lists_pushed_in_time",
        label=_("10日内推送名单数"),
        records=_lists_pushed_in_time,
        date="notified_at",
        department="matter__department",
        category="matter__code",
        columns=LIST_COLUMNS,
        order_by=("-notified_at", "-pk"),
        description=_(
            "推送名单中，自受理名单次日起10个工作日内（按工作日历，节假日不计）推送企业的；"
            "“受理10日内推送企业”按工作日计算，与平台的推送时限一致。"
        ),
        article="无锡 §20（一）1（受理10日内推送企业）",
        unit=_("份"),
    )
)
measures.register(
    Measure(
        key="exemption.notified",
        label=_("推送企业数"),
        records=lambda: Confirmation.objects.filter(notified_at__isnull=False),
        date="notified_at",
        department="confirmation_list__matter__department",
        category="confirmation_list__matter__code",
        columns=ENTRY_COLUMNS,
        order_by=("-notified_at", "-pk"),
        description=_("统计期内收到免申即享确认通知的企业（每份名单中的每家企业计一次）。"),
        article="无锡 §20（一）1",
        unit=_("家"),
    )
)
measures.register(
    Measure(
        key="exemption.confirmed",
        label=_("企业确认数"),
        records=lambda: Confirmation.objects.filter(state=Confirmation.State.CONFIRMED, answered_at__isnull=False),
        date="answered_at",
        department="confirmation_list__matter__department",
        category="confirmation_list__matter__code",
        columns=(*ENTRY_COLUMNS, ("answered_at", _("确认时间"))),
        order_by=("-answered_at", "-pk"),
        description=_("统计期内核对信息、填写收款账户并确认的企业，按确认时间统计。"),
        article="无锡 §20（一）1（企业在一定期限内确认，形成扶持清单）",
        unit=_("家"),
    )
)
measures.register(
    Measure(
        key="exemption.declined",
        label=_("企业放弃数"),
        records=lambda: Confirmation.objects.filter(state=Confirmation.State.DECLINED, answered_at__isnull=False),
        date="answered_at",
        department="confirmation_list__matter__department",
        category="confirmation_list__matter__code",
        columns=(*ENTRY_COLUMNS, ("answered_at", _("放弃时间")), ("decline_reason", _("放弃理由"))),
        order_by=("-answered_at", "-pk"),
        description=_("统计期内说明理由主动放弃的企业，按放弃时间统计。"),
        article="无锡 §20（一）1",
        unit=_("家"),
    )
)
measures.register(
    Measure(
        key="exemption.waived",
        label=_("逾期视为放弃数"),
        records=lambda: Confirmation.objects.filter(state=Confirmation.State.WAIVED, due_on__isnull=False),
        date="due_on",
        department="confirmation_list__matter__department",
        category="confirmation_list__matter__code",
        columns=ENTRY_COLUMNS,
        order_by=("-due_on", "-pk"),
        description=_("确认截止日在统计期内、逾期未确认而视为放弃的企业，按确认截止日统计。"),
        article="无锡 §20（一）1",
        unit=_("家"),
    )
)

figures.register(
    Figure(
        key="exemption.lists_pushed",
        label=_("推送名单数"),
        section="exemption",
        kind=Figure.COUNT,
        measure="exemption.lists_pushed",
        unit=_("份"),
        article="无锡 §20（一）1",
    )
)
figures.register(
    Figure(
        key="exemption.pushed_in_time_rate",
        label=_("名单10日内推送率"),
        section="exemption",
        kind=Figure.RATIO,
        measure="exemption.lists_pushed_in_time",
        base="exemption.lists_pushed",
        better=Figure.HIGHER,
        target=100,
        headline=True,
        ranking=True,
        trend=True,
        description=_("受理后10个工作日内推送的名单 ÷ 推送名单，均按推送时间统计。"),
        article="无锡 §20（一）1（受理10日内推送企业）",
    )
)
figures.register(
    Figure(
        key="exemption.push_days_mean",
        label=_("名单平均推送用时"),
        section="exemption",
        kind=Figure.MEAN,
        measure="exemption.lists_pushed",
        better=Figure.LOWER,
        article="无锡 §20（一）1",
    )
)
figures.register(
    Figure(
        key="exemption.notified",
        label=_("推送企业数"),
        section="exemption",
        kind=Figure.COUNT,
        measure="exemption.notified",
        unit=_("家"),
        article="无锡 §20（一）1",
    )
)
figures.register(
    Figure(
        key="exemption.confirmed",
        label=_("企业确认数"),
        section="exemption",
        kind=Figure.COUNT,
        measure="exemption.confirmed",
        unit=_("家"),
        headline=True,
        article="无锡 §20（一）1",
    )
)
figures.register(
    Figure(
        key="exemption.declined",
        label=_("企业放弃数"),
        section="exemption",
        kind=Figure.COUNT,
        measure="exemption.declined",
        unit=_("家"),
        article="无锡 §20（一）1",
    )
)
figures.register(
    Figure(
        key="exemption.waived",
        label=_("逾期视为放弃数"),
        section="exemption",
        kind=Figure.COUNT,
        measure="exemption.waived",
        unit=_("家"),
        better=Figure.LOWER,
        headline=True,
        article="无锡 §20（一）1",
    )
)


# --- 好差评 (ratings) ---------------------------------------------------------------------------------------------

RATING_COLUMNS = (
    ("application__number", _("申报编号")),
    ("application__matter__name", _("申报事项")),
    ("level", _("评价等级")),
    ("channel", _("评价渠道")),
    ("created_at", _("评价时间")),
)
RECTIFICATION_COLUMNS = (
    ("rating__application__number", _("申报编号")),
    ("department__name", _("整改部门")),
    ("due_on", _("整改期限")),
    ("answered_at", _("答复时间")),
)

measures.register(
    Measure(
        key="ratings.rated",
        label=_("评价数"),
        records=Rating.objects.all,
        date="created_at",
        department="application__matter__department",
        category="level",
        columns=RATING_COLUMNS,
        order_by=("-created_at", "-pk"),
        description=_(
            "统计期内企业对办结申报件的评价（网上或窗口），按评价等级分类：5 非常满意、4 满意、3 基本满意、"
            "2 不满意、1 非常不满意；部门为事项实施部门。"
        ),
        article="无锡 §26",
        unit=_("条"),
    )
)
measures.register(
    Measure(
        key="ratings.good",
        label=_("好评数"),
        records=lambda: Rating.objects.filter(level__gte=GOOD_LEVEL),
        date="created_at",
        department="application__matter__department",
        category="level",
        columns=RATING_COLUMNS,
        order_by=("-created_at", "-pk"),
        description=_("评价为非常满意、满意或基本满意的。"),
        article="无锡 §26",
        unit=_("条"),
    )
)
measures.register(
    Measure(
        key="ratings.bad",
        label=_("差评数"),
        records=lambda: Rating.objects.filter(level__in=BAD_RATINGS),
        date="created_at",
        department="application__matter__department",
        category="level",
        columns=RATING_COLUMNS,
        order_by=("-created_at", "-pk"),
        description=_("评价为不满意或非常不满意的；每条差评开启一项差评整改。"),
        article="无锡 §26",
        unit=_("条"),
    )
)
measures.register(
    Measure(
        key="ratings.rectifications_due",
        label=_("到期差评整改数"),
        records=lambda: Rectification.objects.filter(due_on__isnull=False),
        date="due_on",
        department="department",
        category="rating__application__matter__code",
        columns=RECTIFICATION_COLUMNS,
        order_by=("-due_on", "-pk"),
        description=_(
            "整改期限（差评次日起按工作日计算的整改时限截止日）在统计期内的差评整改，无论是否已答复；部门为整改部门。"
        ),
        article="无锡 §26",
        unit=_("件"),
    )
)
measures.register(
    Measure(
        key="ratings.rectified_on_time",
        label=_("按时整改数"),
        records=lambda: Rectification.objects.filter(
            due_on__isnull=False, answered_at__isnull=False, answered_at__date__lte=F("due_on")
        ),
        date="due_on",
        department="department",
        category="rating__application__matter__code",
        columns=RECTIFICATION_COLUMNS,
        order_by=("-due_on", "-pk"),
        description=_("到期差评整改中，答复整改情况的日期不晚于整改期限的；逾期答复或至今未答复的不计。"),
        article="无锡 §26",
        unit=_("件"),
    )
)

figures.register(
    Figure(
        key="ratings.rated",
        label=_("评价数（按等级）"),
        section="ratings",
        kind=Figure.COUNT,
        measure="ratings.rated",
        unit=_("条"),
        article="无锡 §26",
    )
)
figures.register(
    Figure(
        key="ratings.good_rate",
        label=_("好评率"),
        section="ratings",
        kind=Figure.RATIO,
        measure="ratings.good",
        base="ratings.rated",
        better=Figure.HIGHER,
        headline=True,
        ranking=True,
        trend=True,
        description=_("非常满意、满意、基本满意的评价 ÷ 全部评价，均按评价时间统计。"),
        article="无锡 §26",
    )
)
figures.register(
    Figure(
        key="ratings.bad",
        label=_("差评数"),
        section="ratings",
        kind=Figure.COUNT,
        measure="ratings.bad",
        unit=_("条"),
        better=Figure.LOWER,
        headline=True,
        article="无锡 §26",
    )
)
figures.register(
    Figure(
        key="ratings.rectified_on_time_rate",
        label=_("差评按时整改率"),
        section="ratings",
        kind=Figure.RATIO,
        measure="ratings.rectified_on_time",
        base="ratings.rectifications_due",
        better=Figure.HIGHER,
        target=100,
        headline=True,
        ranking=True,
        description=_("整改期限内答复的差评整改 ÷ 到期差评整改，均按整改期限统计；到期未答复的计入分母。"),
        article="无锡 §26",
    )
)
