"""A real Celery worker makes /healthz report a live worker; stopping it makes it 503."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.throwaway_redis import ThrowawayRedis

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def clean_heartbeats(settings):
    """A Redis of the test's own for the heartbeats.

    Other tests running at the same time start Celery workers of their own;
    on the shared Redis their heartbeats would count here too.
    """
    store = ThrowawayRedis().start()
    settings.REDIS_URL = store.url(0)
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()
    store.stop()


@pytest.fixture
def worker(clean_heartbeats):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            "health-test@%h",
            # a queue of its own: a task other tests left on the shared broker would hold up the warm shutdown
            "--queues",
            "health-test",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_live_worker_makes_health_ok(client, worker):
    assert wait_for(lambda: client.get("/healthz").status_code == 200, 45), "worker never reported"
    assert client.get("/healthz").json()["checks"]["celery"]["detail"] == "1 alive"


def test_stopped_worker_is_reported_down_at_once(client, worker):
    assert wait_for(lambda: client.get("/healthz").status_code == 200, 45)
    worker.terminate()
    worker.wait(timeout=60)
    assert wait_for(lambda: client.get("/healthz").status_code == 503, 10)
    assert client.get("/healthz").json()["down"] == ["celery"]


@pytest.fixture
def broker():
    server = ThrowawayRedis().start()
    yield server
    server.stop()


@pytest.fixture
def worker_on_broker(broker, clean_heartbeats):
    """A worker whose broker is a Redis of its own, so the broker can go down while the health store stays up."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": broker.url(0),
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo"]
    command += ["--hostname", "broker-test@%h", "--queues", "broker-test"]
    command += ["--without-mingle", "--without-gossip", "--loglevel", "WARNING"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_worker_that_lost_the_broker_is_reported_down_and_alive_again_once_reconnected(
    client, broker, worker_on_broker
):
    assert wait_for(lambda: client.get("/healthz").status_code == 200, 45), "worker never reported"

    broker.stop()
    # Redis for the heartbeats is still up: only the lost broker connection can make the worker count as down
    assert wait_for(lambda: client.get("/healthz").status_code == 503, 10), "a worker without its broker was alive"
    assert client.get("/healthz").json()["checks"]["celery"]["detail"] == "no live worker"

    broker.start()
    assert wait_for(lambda: client.get("/healthz").status_code == 200, 45), "the reconnected worker never reported"
