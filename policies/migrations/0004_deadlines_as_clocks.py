"""The publish (§17) and offline (§18) deadlines become clocks (办理时限) before their fields go.

Every policy submitted at least once gets its 发布时限 clock with the stored
deadline (stopped at its publication, late or not, when published); every
expired or repealed policy gets its 下线时限 clock (stopped when it went
offline). Drafts never submitted get their clock on their first submission.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

OUTSIDE_LEVELS = ("national", "provincial")


def _clock(Clock, content_type, policy, kind, start, due, provisional, stopped_at, today):
    from portal import workdays

    due = due or workdays.add_workdays(start, 3)
    clock = Clock(
        content_type=content_type,
        object_id=policy.pk,
        kind=kind,
        started_on=start,
        limit_days=3,
        due_on=due,
        provisional=provisional,
    )
    if stopped_at is not None:
        late = timezone.localdate(stopped_at) > due
        clock.state, clock.stopped_at, clock.stopped_late = "stopped", stopped_at, late
        clock.overdue_since = due + timedelta(days=1) if late else None
    else:
        clock.overdue_since = due + timedelta(days=1) if due < today else None
    return clock


def deadlines_to_clocks(apps, schema_editor):
    Policy = apps.get_model("policies", "Policy")
    Clock = apps.get_model("workcalendar", "Clock")
    ContentType = apps.get_model("contenttypes", "ContentType")
    policies = Policy.objects.exclude(status="draft", published_at__isnull=True)
    if not policies.exists():
        return
    content_type, _created = ContentType.objects.get_or_create(app_label="policies", model="policy")
    today = timezone.localdate()
    rows = []
    for policy in policies.iterator():
        start = policy.outside_publication_date if policy.level in OUTSIDE_LEVELS else policy.issue_date
        if start is not None:
            rows.append(
                _clock(
                    Clock,
                    content_type,
                    policy,
                    "policy_publish",
                    start,
                    policy.publish_deadline,
                    policy.publish_deadline_provisional,
                    policy.published_at,
                    today,
                )
            )
        if policy.ended_on is not None and policy.status in ("expired", "repealed", "offline"):
            stopped_at = (policy.offline_at or timezone.now()) if policy.status == "offline" else None
            rows.append(
                _clock(
                    Clock, content_type, policy, "policy_offline", policy.ended_on, policy.offline_due, False, stopped_at, today
                )
            )
    Clock.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0003_attachment_original_name'),
        ('workcalendar', '0003_clocks'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(deadlines_to_clocks, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalpolicy',
            name='offline_due',
        ),
        migrations.RemoveField(
            model_name='historicalpolicy',
            name='publish_deadline',
        ),
        migrations.RemoveField(
            model_name='historicalpolicy',
            name='publish_deadline_provisional',
        ),
        migrations.RemoveField(
            model_name='policy',
            name='offline_due',
        ),
        migrations.RemoveField(
            model_name='policy',
            name='publish_deadline',
        ),
        migrations.RemoveField(
            model_name='policy',
            name='publish_deadline_provisional',
        ),
    ]
