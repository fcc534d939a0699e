"""Operational warnings on the dashboards (运行预警): what will go wrong unless someone acts.

A warning is a function returning a list of `Warning` (empty when all is well), registered in `warnings` by the
kernel (here: next year's calendar, stuck outbox messages, no live Celery worker) or by a domain in its
`supervision` module (imports or off-platform subsidy data late …). Each message says what is wrong and where to
act; `active()` runs them all, and a warning that raises becomes a warning of its own instead of a broken page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.registry import Registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Warning:
    """One warning: level "danger" or "warning", the message (Chinese), and an optional link to act on it."""

    message: str
    level: str = "warning"
    link: str = ""
    link_label: str = ""


warnings: Registry[Callable[[], list[Warning]]] = Registry("supervision_warnings", label="运行预警")

# Outbox messages queued longer than this are "stuck" (minutes).
STUCK_MINUTES = 30
# From this day of the year on, next year's official holiday arrangement should be in the calendar.
CALENDAR_DUE = (12, 1)


@warnings.register("calendar_next_year", label=gettext_lazy("下一年度工作日历"), order=10)
def calendar_next_year(today: dt.date | None = None) -> list[Warning]:
    """Next year's calendar not entered (from 1 December), or this year's (any day)."""
    from portal.workcalendar.models import CalendarYear

    today = today or timezone.localdate()
    covered = set(CalendarYear.objects.filter(covered=True).values_list("year", flat=True))
    out = []
    if today.year not in covered:
        out.append(
            Warning(
                _("%(year)d年的工作日历尚未录入国务院办公厅节假日安排，所有工作日时限均为暂定。")
                % {"year": today.year},
                level="danger",
                link="/admin/workcalendar/calendaryear/",
                link_label=_("录入工作日历"),
            )
        )
    if (today.month, today.day) >= CALENDAR_DUE and today.year + 1 not in covered:
        out.append(
            Warning(
                _("%(year)d年的工作日历尚未录入；跨年的办理时限将按暂定日历计算，请在国务院办公厅公布安排后及时录入。")
                % {"year": today.year + 1},
                link="/admin/workcalendar/calendaryear/",
                link_label=_("录入工作日历"),
            )
        )
    return out


@warnings.register("outbox_stuck", label=gettext_lazy("消息积压"), order=20)
def outbox_stuck(now: dt.datetime | None = None) -> list[Warning]:
    """Outbox messages (SMS, webhooks) still queued after `STUCK_MINUTES`, or failed for good."""
    from portal.notify.models import OutboxMessage

    now = now or timezone.now()
    late = now - dt.timedelta(minutes=STUCK_MINUTES)
    stuck = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED, created_at__lt=late).count()
    out = []
    if stuck:
        out.append(
            Warning(
                _("有%(n)d条短信或推送消息排队超过%(minutes)d分钟未发出，请检查短信服务商和推送接收端。")
                % {"n": stuck, "minutes": STUCK_MINUTES},
                level="danger",
                link="/admin/notify/outboxmessage/?status__exact=queued",
                link_label=_("查看待发消息"),
            )
        )
    failed = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.FAILED, created_at__gte=now - dt.timedelta(days=7)
    ).count()
    if failed:
        out.append(
            Warning(
                _("近7天有%(n)d条消息发送失败。") % {"n": failed},
                link="/admin/notify/outboxmessage/?status__exact=failed",
                link_label=_("查看发送失败的消息"),
            )
        )
    return out


@warnings.register("celery_workers", label=gettext_lazy("后台任务进程"), order=30, in_report=False)
def celery_workers() -> list[Warning]:
    """No Celery worker has sent its heartbeat (or Redis, where they report, is down)."""
    from portal.core.health import check_redis_and_workers

    (redis_ok, _detail), (workers_ok, _workers) = check_redis_and_workers()
    if not redis_ok:
        return [Warning(_("Redis 无法连接：短信、时限提醒和统计汇总等后台任务无法运行。"), level="danger")]
    if not workers_ok:
        return [
            Warning(
                _("没有正在运行的后台任务进程（Celery worker）：短信不会发出，时限提醒和统计汇总不会更新。"),
                level="danger",
            )
        ]
    return []


def active(*, for_report: bool = False) -> list[Warning]:
    """Every registered warning's current messages, in order; a check that fails is itself reported. For a
    report, the checks registered with `in_report=False` (the state of the machines at the moment it is made,
    for operators, not for the readers of a monthly report) are left out."""
    out: list[Warning] = []
    for entry in warnings.entries():
        if for_report and entry.options.get("in_report") is False:
            continue
        try:
            out.extend(entry.obj())
        except Exception:
            logger.exception("supervision warning %s failed", entry.key)
            out.append(Warning(_("预警检查“%(label)s”运行出错，请查看日志。") % {"label": entry.label}))
    return out
