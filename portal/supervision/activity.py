"""Platform operation counts (平台运行情况, 无锡 §24–25): visits, searches, calculator uses, counted as they happen.

`count(kind)` adds one to a Redis counter for today (a single INCR, so a page view costs no database write);
`flush()` (beat, every few minutes) moves the counters into `ActivityCount` rows with an upsert. When Redis is
unreachable the count goes straight to the database. The kernel registers the measures and figures of the
platform section here: activity counts, enterprise users registered, and SMS sent per moment (短信发送情况).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .measures import Figure, Measure, figures, measures
from .models import ActivityCount

logger = logging.getLogger(__name__)

# kind → label; a kind not listed here is refused, so a typo never opens a new counter.
KINDS = {
    "visit": _("访问量（页面浏览次数）"),
    "search": _("检索次数"),
    "calculator": _("政策计算器测算次数"),
}
PREFIX = "supervision:activity:"
KEEP_DAYS = 8


# One client (and its connection pool) per process; after a failure Redis is left alone for a while, so an
# outage costs one timeout per `RETRY_AFTER` seconds, not one per page view.
RETRY_AFTER = 30.0
_client = None
_down_until = 0.0


def _redis():
    global _client
    if _client is None:
        from portal.core.cache import redis_client

        _client = redis_client()
    return _client


def _upsert(day: dt.date, kind: str, n: int) -> None:
    table = connection.ops.quote_name(ActivityCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (day, kind, n) VALUES (%s, %s, %s)
            ON CONFLICT (day, kind) DO UPDATE SET n = {table}.n + EXCLUDED.n""",  # noqa: S608 - quoted table name
            (day, kind, n),
        )


def count(kind: str, n: int = 1) -> None:
    """Adds n to today's count of `kind` (one of `KINDS`); never raises for a broken Redis."""
    if kind not in KINDS:
        raise ValueError(f"unknown activity kind {kind!r}; known: {', '.join(KINDS)}")
    global _down_until
    day = timezone.localdate()
    try:
        if time.monotonic() < _down_until:
            raise ConnectionError("Redis was unreachable a moment ago")
        client = _redis()
        key = f"{PREFIX}{day.isoformat()}:{kind}"
        pipe = client.pipeline()
        pipe.incrby(key, n)
        pipe.expire(key, KEEP_DAYS * 86400)
        pipe.execute()
    except Exception as error:
        if time.monotonic() >= _down_until:
            logger.warning("activity counter unreachable, counting in the database for %ss: %s", RETRY_AFTER, error)
            _down_until = time.monotonic() + RETRY_AFTER
        try:
            _upsert(day, kind, n)
        except Exception:
            logger.exception("activity count lost: %s", kind)


def flush() -> int:
    """Moves the Redis counters into `ActivityCount` (GETDEL, then an upsert per counter); returns how many."""
    client = _redis()
    moved = 0
    for raw in client.scan_iter(match=f"{PREFIX}*", count=500):
        key = raw.decode() if isinstance(raw, bytes) else raw
        try:
            day_text, kind = key[len(PREFIX) :].split(":", 1)
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            client.delete(key)
            continue
        value = client.getdel(key)
        if value is None or kind not in KINDS:
            continue
        try:
            _upsert(day, kind, int(value))
        except Exception:
            client.incrby(key, int(value))  # put it back for the next flush
            raise
        moved += 1
    return moved


def _activity(kind: str):
    return lambda: ActivityCount.objects.filter(kind=kind)


for _order, (_kind, _label) in enumerate(KINDS.items()):
    measures.register(
        Measure(
            key=f"platform.{_kind}",
            label=_label,
            records=_activity(_kind),
            date="day",
            department=None,
            region=None,
            value="n",
            unit=_("次"),
            columns=(("day", _("日期")), ("n", _("次数"))),
            order_by=("-day",),
            description=_("平台记录的每日次数之和。"),
            article="无锡 §24–25",
        )
    )
    figures.register(
        Figure(
            key=f"platform.{_kind}",
            label=_label,
            section="platform",
            kind=Figure.SUM,
            measure=f"platform.{_kind}",
            unit=_("次"),
            trend=_kind == "visit",
            article="无锡 §24–25",
        )
    )


def _enterprise_users():
    from guardian.conf import settings as guardian_settings

    from portal.accounts.models import User

    # django-guardian's AnonymousUser row is an enterprise-kind account nobody registered.
    return User.objects.filter(kind=User.Kind.ENTERPRISE).exclude(username=guardian_settings.ANONYMOUS_USER_NAME)


def _sms_sent():
    from portal.notify.models import OutboxMessage

    return OutboxMessage.objects.filter(channel="sms", status=OutboxMessage.Status.SENT)


measures.register(
    Measure(
        key="platform.enterprise_users",
        label=_("新注册企业用户"),
        records=_enterprise_users,
        date="date_joined",
        department=None,
        region=None,
        unit=_("人"),
        columns=(("username", _("用户名")), ("date_joined", _("注册时间"))),
        order_by=("-date_joined",),
        description=_("统计期内注册的企业用户（不含工作人员）。"),
        article="无锡 §24",
    )
)
figures.register(
    Figure(
        key="platform.enterprise_users",
        label=_("新注册企业用户"),
        section="platform",
        kind=Figure.COUNT,
        measure="platform.enterprise_users",
        unit=_("人"),
        trend=True,
        headline=True,
        article="无锡 §24",
    )
)
measures.register(
    Measure(
        key="platform.sms_sent",
        label=_("短信发送条数"),
        records=_sms_sent,
        date="sent_at",
        department=None,
        region=None,
        category="template__name",
        unit=_("条"),
        columns=(
            ("message_id", _("消息编号")),
            ("template__name", _("短信模板（发送时机）")),
            ("sent_at", _("发送时间")),
        ),
        order_by=("-sent_at",),
        description=_("统计期内发送成功的短信，按短信模板（即发送时机，如受理、办结、兑付）分类。"),
        article="宜昌 §26",
    )
)
figures.register(
    Figure(
        key="platform.sms_sent",
        label=_("短信发送条数"),
        section="platform",
        kind=Figure.COUNT,
        measure="platform.sms_sent",
        unit=_("条"),
        article="宜昌 §26",
    )
)
