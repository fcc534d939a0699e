"""Test data for the "updated" measures: a record's simple-history rows with chosen dates."""

import datetime as dt


def with_history(obj, created: dt.datetime, changes: list[dt.datetime]) -> None:
    """Gives `obj` exactly one creation row dated `created` and one change row per datetime of `changes`."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=created)
    history = type(obj).history.model.objects.filter(id=obj.pk)
    history.exclude(history_type="+").delete()
    history.update(history_date=created, created_at=created)
    obj.refresh_from_db()
    for when in changes:
        obj.save()
        latest = history.order_by("-history_id").first()
        history.filter(history_id=latest.history_id).update(history_date=when, created_at=created)
