"""The Celery app: worker and beat for deadline checks, SMS, matching jobs."""

import contextlib
import os
import socket
import threading

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_KEY = "portal:worker-heartbeat:"
HEARTBEAT_EVERY = 5
HEARTBEAT_TTL = 20


def _beat(hostname: str, stop: threading.Event) -> None:
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    while not stop.is_set():
        # While Redis is down health shows it; the beat resumes when it is back.
        with contextlib.suppress(redis.RedisError):
            client.set(HEARTBEAT_KEY + hostname, "alive", ex=HEARTBEAT_TTL)
        stop.wait(HEARTBEAT_EVERY)


_heartbeat = {"stop": threading.Event(), "hostname": None}


@signals.worker_ready.connect
def start_heartbeat(sender=None, **kwargs):
    """A live worker refreshes a short-lived key in Redis; `/healthz` looks for one.

    A worker that dies without shutting down is reported down when its key
    expires (HEARTBEAT_TTL seconds); one that shuts down removes it at once.
    """
    hostname = getattr(sender, "hostname", None) or socket.gethostname()
    _heartbeat["hostname"] = hostname
    threading.Thread(target=_beat, args=(hostname, _heartbeat["stop"]), daemon=True).start()


@signals.worker_shutdown.connect
def stop_heartbeat(**kwargs):
    import redis
    from django.conf import settings

    _heartbeat["stop"].set()
    if _heartbeat["hostname"]:
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).delete(
                HEARTBEAT_KEY + _heartbeat["hostname"]
            )


@signals.task_prerun.connect
def bind_task_id(task_id=None, **kwargs):
    from portal.core.logging import task_id_var

    task_id_var.set(task_id or "")


@signals.task_postrun.connect
def unbind_task_id(**kwargs):
    from portal.core.logging import task_id_var

    task_id_var.set("")
