"""Enqueueing Celery work after a transaction commits, without ever failing the request."""

import logging

from django.db import transaction
from kombu.exceptions import KombuError, OperationalError

log = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Sends `task` to the broker once the current transaction commits.

    The work itself must already be recorded in the database (an outbox row,
    a job row) in that transaction, so a broker outage delays it until the
    beat sweep picks it up, and loses nothing. That is why a failure to reach
    the broker is logged here, not raised.
    """

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except (OperationalError, KombuError, OSError) as exc:
            log.warning(
                "broker unavailable; the sweep will pick the work up", extra={"task": task.name, "error": str(exc)}
            )

    transaction.on_commit(send)
