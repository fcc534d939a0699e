import logging

from celery import shared_task

from . import deadlines

log = logging.getLogger(__name__)


@shared_task(name="workcalendar.recompute_provisional_deadlines")
def recompute_provisional_deadlines() -> int:
    """Idempotent: recomputes provisional deadlines against the calendar as it is now."""
    changed = deadlines.recompute_provisional()
    log.info("provisional deadlines recomputed", extra={"changed": changed})
    return changed
