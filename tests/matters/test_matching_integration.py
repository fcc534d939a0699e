"""Matching end to end with a real Celery worker: publishing a matter tells the eligible, an archive change is
re-matched within the minute and tells the newly eligible, and the SMS go out through the outbox."""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from enterprises import services as archive
from enterprises.models import ChangeEvent, Source
from matters import matching
from matters.models import MatchResult, PushRecord
from portal.celery import app
from portal.notify.models import OutboxMessage
from tests.matters.test_matching import YEAR, company, draft, publish
from tests.throwaway_redis import ThrowawayRedis

BASE_DIR = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def broker():
    """A Redis of this test's own, so no other test's worker takes its messages (nor this worker theirs)."""
    server = ThrowawayRedis().start()
    previous = app.conf.broker_url
    app.conf.broker_url = server.url(0)
    yield server
    app.conf.broker_url = previous
    server.stop()


@pytest.fixture
def worker(broker, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker.url(0),
        "CELERY_BROKER_URL": broker.url(0),
        "SMS_PROVIDER": "console",
        "SMS_QUIET_HOURS": "",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork", "-c", "2"]
    command += ["-n", "matching-it@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    log = (tmp_path / "worker.log").open("ab")
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True)
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.integration
def test_a_real_worker_matches_on_publish_and_re_matches_on_change(transactional_db, worker, tmp_path):
    eligible = [company(5000, 120), company(2600, 70)]
    near = company(1820, 80)
    matter = draft()

    publish(matter)  # the commit queues the match for the worker

    def told(n):
        return lambda: OutboxMessage.objects.filter(template__code=matching.SMS_MATCHED).count() == n

    assert _wait_until(told(2), 60), (tmp_path / "worker.log").read_text()
    assert set(MatchResult.objects.filter(matter=matter, status="eligible").values_list("enterprise", flat=True)) == {
        e.pk for e in eligible
    }
    assert MatchResult.objects.get(matter=matter, enterprise=near).gap == "营业收入还差 180万元"

    started = time.monotonic()
    archive.record_annual_figure(near, YEAR, {"revenue_wan": Decimal("2100")}, source=Source.TAX)

    assert _wait_until(told(3), 60), (tmp_path / "worker.log").read_text()
    assert time.monotonic() - started < 60, "a change is re-matched within the minute"
    assert MatchResult.objects.get(matter=matter, enterprise=near).notified_at is not None
    assert not ChangeEvent.objects.filter(consumed_at__isnull=True).exists()
    assert PushRecord.objects.filter(matter=matter, kind="matched").count() == 3
    assert _wait_until(
        lambda: set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}, 30
    ), "the outbox dispatcher sends what matching queued"
