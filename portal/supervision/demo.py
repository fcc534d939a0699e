"""Supervision demo: the dashboards' facts aggregated from the demo data the domains loaded before, and last
month's report archived, so the demo's supervisor finds figures, charts and a report at once."""

import datetime as dt

from django.utils import timezone

from . import compute, reports
from .models import Report
from .periods import Period


def load():
    compute.refresh()
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    period = Period.month(last.year, last.month)
    if not Report.objects.filter(kind=Report.Kind.MONTHLY, period_start=period.start).exists():
        reports.generate(Report.Kind.MONTHLY, period)
