"""Request limits kept in the database (请求限流), for limits that must not switch off while Redis is down.

    hit(key, window)   counts one request for `key` in the current fixed window and returns the count so far

One INSERT … ON CONFLICT DO UPDATE … RETURNING: concurrent requests are
counted exactly, and the row is locked only for that statement when called
outside a transaction (as the views do), so a limit never makes one request
wait for another's.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from .models import RequestCounter


def window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    """The start of the fixed window `now` falls in (windows are aligned to the Unix epoch)."""
    seconds = int(window.total_seconds())
    return dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)


def hit(key: str, *, window: dt.timedelta) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_requestcounter (key, window_start, hits) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, window_start) DO UPDATE SET hits = accounts_requestcounter.hits + 1 RETURNING hits",
            [key, window_start(timezone.now(), window)],
        )
        (hits,) = cursor.fetchone()
    return hits


def purge(before: dt.datetime) -> int:
    """Deletes the counters of windows that started before `before`; returns how many."""
    deleted, _ = RequestCounter.objects.filter(window_start__lt=before).delete()
    return deleted
