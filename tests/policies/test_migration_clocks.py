"""Policies stored with deadline fields get clocks carrying the same dates when the fields go (migration 0004).

The migration's function runs on policies as they were stored before it (the fields `publish_deadline`,
`publish_deadline_provisional` and `offline_due` it reads no longer exist on the model), handed to it through a
stand-in of the historical app registry; the clocks it writes are real rows. Migrating a database back before
0004 and forward again would test the same function at the cost of re-running every later migration of every app.
"""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType

from portal.workcalendar.models import Clock

pytestmark = pytest.mark.django_db
migration = importlib.import_module("policies.migrations.0004_deadlines_as_clocks")
PUBLISHED_AT = dt.datetime(2026, 10, 9, 2, tzinfo=dt.UTC)


def _policy(pk, **values):
    stored = {
        "pk": pk,
        "level": "municipal",
        "issue_date": dt.date(2026, 9, 30),
        "outside_publication_date": None,
        "publish_deadline": dt.date(2026, 10, 10),
        "publish_deadline_provisional": False,
        "offline_due": None,
        "ended_on": None,
        "offline_at": None,
        "published_at": None,
        "status": "draft",
    }
    return SimpleNamespace(**{**stored, **values})


class _Policies:
    """What the function asks of `Policy.objects`: exclude(drafts never published), exists(), iterator()."""

    def __init__(self, rows):
        self.rows = rows

    def exclude(self, *, status, published_at__isnull):
        return _Policies([p for p in self.rows if not (p.status == status and p.published_at is None)])

    def exists(self):
        return bool(self.rows)

    def iterator(self):
        return iter(self.rows)


class _Apps:
    def __init__(self, policies):
        self.models = {
            "policies.Policy": SimpleNamespace(objects=_Policies(policies)),
            "workcalendar.Clock": Clock,
            "contenttypes.ContentType": ContentType,
        }

    def get_model(self, app_label, name):
        return self.models[f"{app_label}.{name}"]


def test_existing_policies_get_their_publish_and_offline_clocks():
    on_time = _policy(900001, status="published", published_at=PUBLISHED_AT)
    repealed = _policy(
        900002,
        status="repealed",
        published_at=PUBLISHED_AT,
        ended_on=dt.date(2026, 9, 30),
        offline_due=dt.date(2026, 10, 10),
    )
    draft = _policy(900003)
    migration.deadlines_to_clocks(_Apps([on_time, repealed, draft]), None)

    def clocks(policy):
        rows = Clock.objects.filter(object_id=policy.pk).order_by("kind")
        return [(c.kind, c.started_on, c.due_on, c.state, c.stopped_late) for c in rows]

    assert clocks(on_time) == [("policy_publish", dt.date(2026, 9, 30), dt.date(2026, 10, 10), "stopped", False)]
    assert clocks(repealed) == [
        ("policy_offline", dt.date(2026, 9, 30), dt.date(2026, 10, 10), "running", None),
        ("policy_publish", dt.date(2026, 9, 30), dt.date(2026, 10, 10), "stopped", False),
    ]
    assert clocks(draft) == []
    assert {c.content_type for c in Clock.objects.filter(object_id__in=[900001, 900002])} == {
        ContentType.objects.get(app_label="policies", model="policy")
    }


def test_no_policy_no_clock():
    migration.deadlines_to_clocks(_Apps([_policy(900004)]), None)
    assert not Clock.objects.filter(object_id=900004).exists()
