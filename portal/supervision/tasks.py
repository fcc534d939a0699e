"""Beat tasks of supervision: the facts refreshed, activity counters flushed, the monthly reports archived."""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="supervision.refresh_recent")
def refresh_recent() -> int:
    """Every 10 minutes: rewrites the last `SUPERVISION_REFRESH_DAYS` days of every stored measure's facts."""
    from . import compute

    since = timezone.localdate() - dt.timedelta(days=settings.SUPERVISION_REFRESH_DAYS)
    rows = compute.refresh(since=since)
    log.info("supervision facts refreshed", extra={"since": since.isoformat(), "rows": sum(rows.values())})
    return sum(rows.values())


@shared_task(name="supervision.refresh_all")
def refresh_all() -> int:
    """Nightly: rewrites every stored measure's facts from the first record on (corrections included)."""
    from . import compute

    rows = compute.refresh()
    log.info("supervision facts rebuilt", extra={"rows": sum(rows.values())})
    return sum(rows.values())


@shared_task(name="supervision.flush_activity")
def flush_activity() -> int:
    """Every 5 minutes: moves the Redis activity counters into the database."""
    from . import activity

    return activity.flush()


@shared_task(name="supervision.monthly_reports")
def monthly_reports(today: str | None = None) -> int:
    """Daily: on the first working day of a month, last month's report (and in January, April, July and October
    last quarter's joint-meeting pack), after refreshing the facts; a report already archived is left alone."""
    from . import reports

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    made = reports.generate_due(day)
    for report in made:
        log.info("supervision report archived", extra={"report": str(report), "bytes": report.size})
    return len(made)
