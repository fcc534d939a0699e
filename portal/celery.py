"""The Celery app: worker and beat for deadline checks, SMS, matching jobs."""

import contextlib
import os

from celery import Celery, bootsteps, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_KEY = "portal:worker-heartbeat:"
HEARTBEAT_EVERY = 5
HEARTBEAT_TTL = 15


class BrokerHeartbeat(bootsteps.StartStopStep):
    """A worker's heartbeat (心跳) in Redis, written only while its consumer is connected to the broker.

    A step of the consumer's blueprint that requires its broker connection:
    Celery starts it once the consumer has connected and stops it as soon as
    the connection is lost (the consumer restarts its steps to reconnect),
    so `/healthz` never counts a worker that could not receive a task. While
    started it refreshes a short-lived key every HEARTBEAT_EVERY seconds from
    the consumer's own timer; stopping deletes the key. A worker that dies or
    loses Redis altogether is reported down when the key expires (HEARTBEAT_TTL).
    """

    requires = {"celery.worker.consumer.connection:Connection"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.key = HEARTBEAT_KEY + parent.hostname
        self.timer_ref = None
        self.client = None

    def _client(self):
        import redis
        from django.conf import settings

        if self.client is None:
            self.client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        return self.client

    def beat(self, parent) -> None:
        import redis

        connected = parent.connection is not None and parent.connection.connected
        with contextlib.suppress(redis.RedisError):
            if connected:
                self._client().set(self.key, "alive", ex=HEARTBEAT_TTL)
            else:
                self._client().delete(self.key)

    def start(self, parent):
        self.beat(parent)
        self.timer_ref = parent.timer.call_repeatedly(HEARTBEAT_EVERY, self.beat, (parent,), priority=10)

    def stop(self, parent):
        import redis

        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
        with contextlib.suppress(redis.RedisError):
            self._client().delete(self.key)

    shutdown = terminate = stop


app.steps["consumer"].add(BrokerHeartbeat)


@signals.task_prerun.connect
def bind_task_id(task_id=None, **kwargs):
    from portal.core.logging import task_id_var

    task_id_var.set(task_id or "")


@signals.task_postrun.connect
def unbind_task_id(**kwargs):
    from portal.core.logging import task_id_var

    task_id_var.set("")
