"""The per-address limit on code requests (发送频率限制) lives in the database and holds while Redis is down."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts import ratelimit
from portal.accounts.models import RequestCounter
from portal.accounts.views import SEND_CODE_PER_IP_PER_HOUR

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_cache(settings):
    """The portal's own cache backend pointed at a Redis that is not there: every read misses, every write is lost."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def request_code(client, n, address="203.0.113.7"):
    return client.post(reverse("accounts:register_code"), {"phone": f"1391234{n:04d}"}, REMOTE_ADDR=address)


def test_the_limit_holds_while_the_cache_is_down(client, broken_cache):
    for n in range(SEND_CODE_PER_IP_PER_HOUR):
        assert request_code(client, n).status_code == 302

    refused = request_code(client, SEND_CODE_PER_IP_PER_HOUR)

    assert refused.status_code == 400
    assert "发送过于频繁，请稍后再试" in refused.content.decode()


def test_another_address_is_not_held_back(client, broken_cache):
    for n in range(SEND_CODE_PER_IP_PER_HOUR + 1):
        request_code(client, n)

    assert request_code(client, 99, address="198.51.100.4").status_code == 302


def test_the_count_starts_again_in_the_next_hour(client, monkeypatch):
    now = timezone.now().replace(minute=30)
    monkeypatch.setattr(timezone, "now", lambda: now)
    for n in range(SEND_CODE_PER_IP_PER_HOUR + 1):
        request_code(client, n)

    now += dt.timedelta(hours=1)

    assert request_code(client, 50).status_code == 302


def test_the_address_is_not_stored_in_clear(client):
    request_code(client, 1)

    assert "203.0.113.7" not in RequestCounter.objects.get().key


def test_a_hit_counts_within_its_window():
    window = dt.timedelta(hours=1)

    assert [ratelimit.hit("k", window=window) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit("other", window=window) == 1


def test_old_windows_are_purged():
    RequestCounter.objects.create(key="old", window_start=timezone.now() - dt.timedelta(days=2), hits=5)
    RequestCounter.objects.create(key="new", window_start=timezone.now(), hits=1)

    assert ratelimit.purge(timezone.now() - dt.timedelta(days=1)) == 1
    assert list(RequestCounter.objects.values_list("key", flat=True)) == ["new"]
