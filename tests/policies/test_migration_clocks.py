"""Policies stored with deadline fields get clocks carrying the same dates when the fields go (migration 0004)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("policies", "0003_attachment_original_name")]
AFTER = [("policies", "0004_deadlines_as_clocks")]


@pytest.fixture
def old_apps(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _policy(apps, department, n, **values):
    return apps.get_model("policies", "Policy").objects.create(
        title=f"政策{n}",
        slug=f"2026-old-{n}",
        document_number=f"宜府规〔2026〕{n}号",
        issuing_authority="宜昌市人民政府",
        level="municipal",
        region=department.region,
        lead_department=department,
        issue_date=dt.date(2026, 9, 30),
        effective_date=dt.date(2026, 9, 30),
        original_text="<p>正文</p>",
        publish_deadline=dt.date(2026, 10, 10),
        **values,
    )


def test_existing_policies_get_their_publish_and_offline_clocks(old_apps):
    region = old_apps.get_model("org", "Region")
    province = region.objects.create(code="420000", name="湖北省", level="province")
    city = region.objects.create(code="420500", name="宜昌市", level="city", parent=province)
    department = old_apps.get_model("org", "Department").objects.create(name="科技局", code="kjj-old", region=city)
    published_at = dt.datetime(2026, 10, 9, 2, tzinfo=dt.UTC)
    on_time = _policy(old_apps, department, 1, status="published", published_at=published_at)
    repealed = _policy(
        old_apps,
        department,
        2,
        status="repealed",
        published_at=published_at,
        ended_on=dt.date(2026, 9, 30),
        offline_due=dt.date(2026, 10, 10),
    )
    draft = _policy(old_apps, department, 3)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    clock_model = executor.loader.project_state(AFTER).apps.get_model("workcalendar", "Clock")

    def clocks(policy):
        rows = clock_model.objects.filter(object_id=policy.pk).order_by("kind")
        return [(c.kind, c.started_on, c.due_on, c.state, c.stopped_late) for c in rows]

    assert clocks(on_time) == [("policy_publish", dt.date(2026, 9, 30), dt.date(2026, 10, 10), "stopped", False)]
    assert clocks(repealed) == [
        ("policy_offline", dt.date(2026, 9, 30), dt.date(2026, 10, 10), "running", None),
        ("policy_publish", dt.date(2026, 9, 30), dt.date(2026, 10, 10), "stopped", False),
    ]
    assert clocks(draft) == []
