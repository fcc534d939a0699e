"""The outbox end to end: real Celery workers, a local HTTP gateway, and a worker killed mid-send."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from portal.notify.gateway_stub import StubGateway
from portal.notify.models import OutboxMessage
from portal.notify.services import ensure_template, queue_sms
from portal.notify.tasks import dispatch_outbox

MESSAGES = 1000
SECRET = "integration-secret"
LEASE_SECONDS = 3
BASE_DIR = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(name: str, gateway: StubGateway, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "SMS_PROVIDER": "http",
        "SMS_HTTP_URL": gateway.url,
        "SMS_HTTP_APP_ID": "portal-it",
        "SMS_HTTP_SECRET": SECRET,
        "SMS_QUIET_HOURS": "",
        "SMS_SENDING_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork", "-c", "4"]
    command += ["-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    log = log_path.open("ab")
    # its own process group, so kill -9 reaches the pool's children too
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True)


def _kill(worker: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _wait_until(condition, timeout: float, every: float = 0.02, tick=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if tick:
            tick()
        time.sleep(every)
    return condition()


def _queue_messages(errors: list) -> None:
    """Queues the messages in transactions of 100, as many callers would, on this thread's own connection."""
    try:
        for first in range(0, MESSAGES, 100):
            with transaction.atomic():
                for n in range(first, first + 100):
                    queue_sms(
                        f"139{n:08d}", "it-progress", {"matter": f"事项{n}", "step": "审核"}, dedupe_key=f"it-{n}"
                    )
    except Exception as exc:  # reported by the test, which runs on another thread
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.integration
def test_killing_the_worker_mid_send_still_sends_every_message_exactly_once(transactional_db, settings, tmp_path):
    settings.SMS_QUIET_HOURS = ""
    gateway = StubGateway(SECRET).start()
    # from the 300th message on, the gateway takes each message and holds its answer back:
    # the worker is then killed after the gateway accepted messages whose answers it never recorded
    gateway.stall_after(MESSAGES * 3 // 10)
    log_path = tmp_path / "worker.log"
    workers = []
    try:
        ensure_template("it-progress", "进度通知", "【惠企服务平台】您申报的{matter}已进入{step}环节。")
        workers.append(_start_worker("notify-it-1", gateway, log_path))
        errors = []
        producer = threading.Thread(target=_queue_messages, args=(errors,))
        producer.start()

        assert _wait_until(lambda: gateway.stalled >= 1, timeout=60), log_path.read_text()[-3000:]
        time.sleep(0.5)  # let the worker's other processes run into the stall too
        _kill(workers[0])
        gateway.release()
        delivered_before_kill = len(gateway.delivered)
        stranded = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).count()
        producer.join(timeout=60)
        assert not errors
        assert 0 < delivered_before_kill < MESSAGES, "the worker must die in the middle of sending"
        assert stranded >= gateway.stalled, "the rows whose answers were held back must be left in 'sending'"

        workers.append(_start_worker("notify-it-2", gateway, log_path))
        # beat's sweep, every second instead of every minute, picks up the rows whose lease ran out
        all_sent = _wait_until(
            lambda: not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists(),
            timeout=60,
            every=1.0,
            tick=dispatch_outbox.delay,
        )
        assert all_sent, log_path.read_text()[-3000:]

        rows = {str(row.message_id): row for row in OutboxMessage.objects.all()}
        assert len(rows) == MESSAGES
        assert set(gateway.delivered) == set(rows)
        assert all(gateway.delivered[key]["gateway_id"] == row.provider_message_id for key, row in rows.items())
        assert gateway.received == MESSAGES + gateway.duplicates
        # the held-back messages were sent again after the lease, and the gateway's idempotency stopped them
        assert gateway.duplicates >= 1
        print(
            f"\nkilled after {delivered_before_kill} deliveries ({gateway.stalled} answers held back), "
            f"{stranded} rows left in 'sending'; "
            f"gateway received {gateway.received} requests, {gateway.duplicates} repeated keys, "
            f"delivered {len(gateway.delivered)}"
        )
    finally:
        for worker in workers:
            _kill(worker, signal.SIGTERM)
        gateway.stop()
