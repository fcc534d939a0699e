import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="workcalendar.recompute_clocks")
def recompute_clocks(years: list[int]) -> int:
    """Idempotent: after `years` of the calendar were entered or corrected, moves the clocks they touch."""
    from . import clocks

    changed = clocks.recompute_for_years(years)
    log.info("clocks recomputed after a calendar change", extra={"years": years, "changed": changed})
    return changed


@shared_task(name="workcalendar.mark_overdue_clocks")
def mark_overdue_clocks() -> int:
    """Daily: marks running clocks past their due date as overdue (超期) since the day after it.

    Set-based: one UPDATE per kind, each in its own transaction, so a failure
    in one kind is logged and the others are still marked. Running clocks
    whose due date moved back into the future (a corrected calendar) lose the
    mark. Idempotent. Returns how many clocks were newly marked.
    """
    from datetime import timedelta

    from django.db import DatabaseError, transaction
    from django.db.models import DateField, ExpressionWrapper, F
    from django.utils import timezone

    from .models import Clock

    today = timezone.localdate()
    running = Clock.objects.filter(state=Clock.State.RUNNING)
    marked = 0
    for kind in running.filter(due_on__lt=today, overdue_since__isnull=True).values_list("kind", flat=True).distinct():
        try:
            with transaction.atomic():
                marked += running.filter(kind=kind, due_on__lt=today, overdue_since__isnull=True).update(
                    overdue_since=ExpressionWrapper(F("due_on") + timedelta(days=1), output_field=DateField())
                )
        except DatabaseError:
            log.exception("marking overdue clocks failed", extra={"kind": kind})
    try:
        running.filter(overdue_since__isnull=False, due_on__gte=today).update(overdue_since=None)
    except DatabaseError:
        log.exception("clearing the overdue mark of clocks no longer overdue failed")
    log.info("overdue clocks marked", extra={"marked": marked})
    return marked
