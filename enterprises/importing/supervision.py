"""Warnings of the data-sharing imports (数据共享交换预警) on the supervision dashboards (宜昌 §30: 加快企业数据汇聚).

Two things go wrong unseen unless someone looks:

- **an import stuck** (导入任务停滞): a job neither finished nor failed more than `STUCK_AFTER` (1 hour) after it
  started — or, never started, after it was uploaded. An import is one transaction and the sweep
  (`enterprise_imports.sweep_import_jobs`) re-queues a lost job after 5 minutes and closes a dead one after 3
  hours; a job still open after an hour means no worker took it or its worker is stuck, and the uploader is
  still waiting.
- **last year's annual figures missing** (上年度经营数据未导入): eligibility reads an enterprise's figures of year
  N−1 (`enterprises.facts`), so until they arrive every criterion on revenue, tax, R&D or employees is "unknown"
  for everyone. From the due day (`FIGURES_DUE`, 30 June by default — after the tax annual settlement of 31 May
  and the statistical annual reports; `settings.ENTERPRISE_FIGURES_DUE = (month, day)` to change it) the
  archive must hold figures of last year from a data-sharing source (统计、税务、人社/社保、市场监管), which only a
  completed import of 年度经营数据 writes; figures an enterprise declared or staff typed do not count.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import AnnualFigure, Source
from portal.supervision.warnings import Warning, warnings

from .models import ImportJob, ImportKind

STUCK_AFTER = dt.timedelta(hours=1)
FIGURES_DUE = (6, 30)
# Sources that are not the data-sharing exchange: their figures do not stand in for the annual import.
NOT_SHARED = (Source.SELF_DECLARED, Source.STAFF)


def figures_due(year: int) -> dt.date:
    month, day = getattr(settings, "ENTERPRISE_FIGURES_DUE", FIGURES_DUE)
    return dt.date(year, month, day)


def _jobs_link() -> str:
    return reverse("admin:enterprise_imports_importjob_changelist")


@warnings.register("enterprise_imports.stuck", label=gettext_lazy("数据导入任务停滞"), order=50)
def stuck_imports(now: dt.datetime | None = None) -> list[Warning]:
    """Import jobs open (queued, validating, importing) more than `STUCK_AFTER` after they started or were
    uploaded."""
    now = now or timezone.now()
    open_jobs = ImportJob.objects.exclude(status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED])
    stuck = open_jobs.filter(
        Q(started_at__lt=now - STUCK_AFTER) | Q(started_at__isnull=True, created_at__lt=now - STUCK_AFTER)
    )
    found = stuck.aggregate(n=Count("pk"), since=Min(Coalesce("started_at", "created_at")))
    if not found["n"]:
        return []
    return [
        Warning(
            _("有%(n)d个数据导入任务超过%(hours)d小时仍未完成（最早自%(since)s起），请检查后台任务进程和导入文件。")
            % {
                "n": found["n"],
                "hours": int(STUCK_AFTER.total_seconds() // 3600),
                "since": f"{timezone.localtime(found['since']):%Y-%m-%d %H:%M}",
            },
            level="danger",
            link=_jobs_link(),
            link_label=_("查看导入任务"),
        )
    ]


@warnings.register("enterprise_imports.figures_late", label=gettext_lazy("上年度经营数据导入"), order=60)
def figures_late(today: dt.date | None = None) -> list[Warning]:
    """From the due day on, no annual figures of last year from a data-sharing source in the archive."""
    today = today or timezone.localdate()
    due = figures_due(today.year)
    if today < due:
        return []
    year = today.year - 1
    if AnnualFigure.objects.filter(year=year).exclude(source__in=NOT_SHARED).exists():
        return []
    last = (
        ImportJob.objects.filter(kind=ImportKind.FIGURES, status=ImportJob.Status.DONE)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    message = _(
        "已过%(due)s，企业档案中仍没有%(year)d年度经营数据（数据共享交换导入），涉及营业收入、纳税、研发投入、从业人数的"
        "申报条件将无法判断。"
    ) % {"due": due.isoformat(), "year": year}
    if last:
        message += _("上次完成的年度经营数据导入：%(day)s。") % {"day": f"{timezone.localtime(last):%Y-%m-%d}"}
    return [Warning(message, link=_jobs_link(), link_label=_("导入年度经营数据"))]
