"""Health of the services the portal depends on, for `/healthz` and the dashboards."""

import redis
from django.conf import settings
from django.db import connection

from portal.celery import HEARTBEAT_KEY


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # any failure of the driver means "down"
        return False, type(exc).__name__


def check_redis_and_workers() -> tuple[tuple[bool, str], tuple[bool, str]]:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
        workers = [k.decode() for k in client.scan_iter(match=HEARTBEAT_KEY + "*", count=100)]
    except redis.RedisError as exc:
        return (False, type(exc).__name__), (False, "unknown: redis is down")
    finally:
        client.close()
    if workers:
        return (True, "ok"), (True, f"{len(workers)} alive")
    return (True, "ok"), (False, "no live worker")


def status() -> dict:
    database = check_database()
    redis_state, workers = check_redis_and_workers()
    checks = {"database": database, "redis": redis_state, "celery": workers}
    return {
        "status": "ok" if all(ok for ok, _ in checks.values()) else "down",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
        "down": [name for name, (ok, _) in checks.items() if not ok],
    }
