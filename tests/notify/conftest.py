import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.notify.providers import reset as reset_providers
from tests.factories.notify import SmsTemplateFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _notify_settings(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SMS_QUIET_HOURS = "22:00-08:00"
    settings.SMS_DAILY_CAP_PER_PHONE = 10
    settings.SMS_PROVIDER = "console"
    reset_providers()
    yield
    reset_providers()


class Clock:
    """A fixed `timezone.now()`, moved by hand."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def set(self, local: str) -> dt.datetime:
        self.now = dt.datetime.fromisoformat(local).replace(tzinfo=SHANGHAI)
        return self.now

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def progress_template(db):
    return SmsTemplateFactory(
        code="application-progress", text="【惠企服务平台】您申报的{matter}已进入{step}环节。", urgent=False
    )


@pytest.fixture
def code_template(db):
    return SmsTemplateFactory(code="login-code", text="您的验证码为{code}，5分钟内有效。", urgent=True)
