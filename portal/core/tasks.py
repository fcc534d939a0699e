"""Enqueueing Celery work after a transaction commits, without ever failing or stalling the request."""

import logging

from django.db import transaction
from kombu.exceptions import KombuError, OperationalError

log = logging.getLogger(__name__)

# One try, half a second to connect: kombu's default is to retry the connection for
# `broker_connection_timeout` (4 s) with back-off, and a request that queued an SMS
# hung about 6 s while Redis was down (measured; three at once blocked every
# gunicorn worker). The work is already a row, so the beat sweep does it later.
FAST_FAIL_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 0.5, "socket_timeout": 1.0}
FAST_FAIL_CONNECT_TIMEOUT = 0.5


def publish(task, *args, **kwargs) -> bool:
    """Sends `task` to the broker once, failing fast; False (and a warning) when the broker is unreachable."""
    try:
        with task.app.connection_for_write(
            connect_timeout=FAST_FAIL_CONNECT_TIMEOUT, transport_options=FAST_FAIL_TRANSPORT_OPTIONS
        ) as connection:
            task.apply_async(args=args, kwargs=kwargs, retry=False, connection=connection)
    except (OperationalError, KombuError, OSError) as exc:
        log.warning("broker unavailable; the sweep will pick the work up", extra={"task": task.name, "error": str(exc)})
        return False
    return True


class _Publish:
    """A pending publish of one task with its arguments; equal to another for the same task and arguments."""

    def __init__(self, task, args: tuple):
        self.task, self.args = task, args

    def __call__(self) -> None:
        publish(self.task, *self.args)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Publish) and (self.task.name, self.args) == (other.task.name, other.args)

    __hash__ = None


def enqueue_once_on_commit(task, *args) -> None:
    """Like `enqueue_on_commit`, at most once per transaction for the same task and arguments.

    For work that drains everything due (a dispatcher, a recomputation): a
    transaction that saves fifty rows needs one broker message, not fifty.
    Whether one is pending is read from the connection's own on-commit list,
    which Django keeps exact: a rolled-back savepoint drops the callbacks
    registered in it, and commit or rollback empties the list.
    """
    callback = _Publish(task, args)
    connection = transaction.get_connection()
    if any(pending == callback for _savepoints, pending, _robust in connection.run_on_commit):
        return
    transaction.on_commit(callback)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Sends `task` to the broker once the current transaction commits, never waiting on a broker that is down.

    The work itself must already be recorded in the database (an outbox row,
    a job row) in that transaction, so a broker outage delays it until the
    beat sweep picks it up, and loses nothing. That is why a failure to reach
    the broker is logged here, not raised, and not retried (`publish`).
    """
    transaction.on_commit(lambda: publish(task, *args, **kwargs))
