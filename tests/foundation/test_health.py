"""/healthz reports the database, Redis and a live Celery worker."""

import pytest
import redis
from django.conf import settings

from portal.celery import HEARTBEAT_KEY

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def heartbeat():
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = HEARTBEAT_KEY + "test-worker"
    client.set(key, "alive", ex=30)
    yield
    client.delete(key)


@pytest.fixture
def no_worker():
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(match=HEARTBEAT_KEY + "*"):
        client.delete(key)


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = DEAD_REDIS
    # Changing CACHES makes Django's test signal rebuild the cache handlers.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}


def test_healthy_when_database_redis_and_a_worker_are_alive(client, heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["celery"]["ok"]


def test_no_live_worker_is_503_naming_celery(client, no_worker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["celery"]


def test_redis_down_is_503_naming_redis(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert "redis" in body["down"]
    assert body["checks"]["database"]["ok"]


def test_home_page_still_renders_while_redis_is_down(client, redis_down):
    response = client.get("/")
    assert response.status_code == 200


def test_database_down_is_503_naming_the_database(client, heartbeat, monkeypatch):
    from portal.core import health

    class Broken:
        def cursor(self):
            from django.db import OperationalError

            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Broken())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


def test_health_is_never_cached(client, heartbeat):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
