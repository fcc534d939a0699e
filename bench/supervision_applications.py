"""Supervision of applications at scale: the facts of the applications, 免申即享 and 好差评 measures refreshed
over N generated applications (default 1,000,000), as beat refreshes them.

    DATABASE_URL=postgres://…/portal_x .venv/bin/python -m bench.supervision_applications [--n 1000000]

Everything runs in one transaction that is rolled back, so the database is left as it was. It needs the demo data
(matters and departments: `manage.py load_demo`) and enterprises (`manage.py generate_enterprises --count 2000`).
The applications are written by SQL (`generate_series`) in the order they were submitted, over three years up to
yesterday (as a live table grows, so a day's rows lie together on disk): 70 % online, 25 % at the window, 5 % pushed
by departments' own systems; 80 % accepted, all decided but a tenth of those of the last 60 days, a twentieth
withdrawn; two review steps per accepted case (the open one with its due date), each opened one with its clock, a
case clock per accepted case (one in ten stopped late), a one-time notice for one case in ten, a rating for three
decided in ten and a rectification for each bad one. Each row of `form_data` carries about 1 KB, as a real one form
does.

It prints, per stored measure, the seconds of the 10-minute refresh (the last `SUPERVISION_REFRESH_DAYS` days)
and of the nightly full refresh, the seconds of the snapshot "overdue steps now" counted live, and the plans of
the slowest queries with --plans. The last line is
`supervision_applications: n=… jit=… recent_s=… full_s=… snapshot_ms=…`.
"""

import argparse
import datetime as dt
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench import _django  # noqa: F401

SECTIONS = ("applications.", "exemption.", "ratings.")


class _RollbackError(Exception):
    pass


def _generate(cursor, n: int) -> None:
    from django.contrib.contenttypes.models import ContentType

    from applications.models import Application, ReviewStep

    cursor.execute("SELECT array_agg(id ORDER BY id) FROM enterprises_enterprise")
    enterprises = cursor.fetchone()[0] or []
    cursor.execute("SELECT array_agg(id ORDER BY id), array_agg(department_id ORDER BY id) FROM matters_matter")
    matters, departments = cursor.fetchone()
    if len(enterprises) < 1000 or not matters:
        raise SystemExit("load the demo data and run manage.py generate_enterprises --count 2000 first")
    e, m = len(enterprises), len(matters)
    content_type = ContentType.objects.get_for_model(Application).pk
    end = timezone.localdate() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=3 * 365)
    params = {
        "n": n,
        "e": e,
        "m": m,
        "ents": enterprises,
        "matters": matters,
        "deps": departments,
        "start": dt.datetime.combine(start, dt.time(9), tzinfo=timezone.get_current_timezone()),
        "span": (end - start).days,
        "recent": dt.datetime.combine(end - dt.timedelta(days=60), dt.time(9), tzinfo=timezone.get_current_timezone()),
        "ct": content_type,
        "step_ct": ContentType.objects.get_for_model(ReviewStep).pk,
        "pad": "x" * 1000,
    }
    cursor.execute(
        """
        INSERT INTO applications_application (number, code, period, exclusive_group, channel, status, external_id,
            external_status, contact_name, contact_phone, sms_wanted, form_data, edited_fields, eligibility,
            returned_from, decision_reason, auto_approved, submitted_at, accepted_at, decided_at, created_at,
            updated_at, enterprise_id, matter_id, external_department_id)
        SELECT 'BN' || i, 'B' || lpad(i::text, 11, '0'), 'b' || (i / (%(e)s * %(m)s)), '',
            CASE WHEN r.c < 0.70 THEN 'online' WHEN r.c < 0.95 THEN 'window' ELSE 'external' END,
            CASE WHEN r.a >= 0.80 THEN 'pre_review'
                 WHEN r.w < 0.05 THEN 'withdrawn'
                 WHEN r.d < 0.90 OR s.at < %(recent)s THEN (CASE WHEN r.w < 0.15 THEN 'rejected' ELSE 'to_payout' END)
                 ELSE 'reviewing' END,
            CASE WHEN r.c >= 0.95 THEN 'X' || i ELSE '' END, '', '', '', true,
            jsonb_build_object('note', %(pad)s), '[]', '{}', '', '', false,
            s.at, CASE WHEN r.a < 0.80 THEN s.at + (1 + floor(r.d * 3)) * interval '1 day' END,
            CASE WHEN r.a < 0.80 AND (r.w < 0.05 OR r.d < 0.90 OR s.at < %(recent)s)
                 THEN s.at + (2 + floor(r.d * 3) + floor(r.x * 30)) * interval '1 day' END,
            s.at, s.at, (%(ents)s::bigint[])[1 + i %% %(e)s], (%(matters)s::bigint[])[1 + (i / %(e)s) %% %(m)s],
            CASE WHEN r.c >= 0.95 THEN (%(deps)s::bigint[])[1 + (i / %(e)s) %% %(m)s] END
        FROM generate_series(1, %(n)s) i
        CROSS JOIN LATERAL (SELECT random() AS c, random() AS a, random() AS d, random() AS w, random() AS x,
                                   i AS k) r
        CROSS JOIN LATERAL (SELECT %(start)s::timestamptz + floor(i::float * %(span)s / %(n)s) * interval '1 day'
                                   + floor(random() * 480) * interval '1 minute' AS at, r.k) s
        """,
        params,
    )
    # Two steps per accepted case: the first in the matter's department, the second in another one; decided
    # cases have both decided, undecided ones the first open with its due date.
    cursor.execute(
        """
        INSERT INTO applications_reviewstep (position, name, kind, role, days, status, opened_at, due_on,
            decided_at, opinion, application_id, department_id)
        SELECT p, CASE WHEN p = 1 THEN '初审' ELSE '复审' END, 'review', 'reviewer', 5,
            CASE WHEN a.status = 'withdrawn' THEN 'cancelled'
                 WHEN a.decided_at IS NOT NULL THEN 'passed'
                 WHEN p = 1 THEN 'active' ELSE 'waiting' END,
            CASE WHEN p = 1 THEN a.accepted_at WHEN a.decided_at IS NOT NULL
                 THEN a.accepted_at + (a.decided_at - a.accepted_at) / 2 END,
            CASE WHEN p = 1 THEN (a.accepted_at + interval '7 days')::date END,
            CASE WHEN a.status <> 'withdrawn' AND a.decided_at IS NOT NULL
                 THEN CASE WHEN p = 1 THEN a.accepted_at + (a.decided_at - a.accepted_at) / 2
                           ELSE a.decided_at END END,
            '', a.id, CASE WHEN p = 1 THEN d.department_id ELSE %(other)s END
        FROM applications_application a JOIN matters_matter d ON d.id = a.matter_id
        CROSS JOIN generate_series(1, 2) p
        WHERE a.number LIKE 'BN%%' AND a.accepted_at IS NOT NULL AND a.channel <> 'external'
        """,
        {"other": departments[0]},
    )
    cursor.execute(
        """
        INSERT INTO workcalendar_clock (object_id, kind, started_on, limit_days, due_on, provisional, state,
            stopped_at, stopped_late, created_at, content_type_id)
        SELECT a.id, 'application_case', (a.accepted_at AT TIME ZONE 'Asia/Shanghai')::date, 20,
            (a.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + 28, false,
            CASE WHEN a.decided_at IS NULL THEN 'running' ELSE 'stopped' END, a.decided_at,
            CASE WHEN a.decided_at IS NOT NULL THEN a.id %% 10 = 0 END, a.accepted_at, %(ct)s
        FROM applications_application a
        WHERE a.number LIKE 'BN%%' AND a.accepted_at IS NOT NULL AND a.channel <> 'external'
        """,
        params,
    )
    # Each opened step's own clock: running for the open ones (the "overdue now" snapshot reads these), stopped
    # for the others.
    cursor.execute(
        """
        INSERT INTO workcalendar_clock (object_id, kind, started_on, limit_days, due_on, provisional, state,
            stopped_at, stopped_late, created_at, content_type_id)
        SELECT s.id, 'application_step', (s.opened_at AT TIME ZONE 'Asia/Shanghai')::date, 5,
            (s.opened_at AT TIME ZONE 'Asia/Shanghai')::date + 7, false,
            CASE WHEN s.status = 'active' THEN 'running' ELSE 'stopped' END,
            CASE WHEN s.status <> 'active' THEN coalesce(s.decided_at, s.opened_at) END,
            CASE WHEN s.status <> 'active' THEN false END, s.opened_at, %(step_ct)s
        FROM applications_reviewstep s JOIN applications_application a ON a.id = s.application_id
        WHERE a.number LIKE 'BN%%' AND s.opened_at IS NOT NULL
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO applications_supplementnotice (summary, due_on, created_at, answered_at, document_code,
            application_id)
        SELECT '', (submitted_at + interval '14 days')::date, submitted_at + interval '1 day',
            submitted_at + interval '4 days', '', id
        FROM applications_application WHERE number LIKE 'BN%%' AND id %% 10 = 3
        """,
        [],
    )
    cursor.execute(
        """
        INSERT INTO applications_rating (level, comment, channel, created_at, application_id)
        SELECT 1 + id %% 5, '', 'online', decided_at + interval '1 day', id
        FROM applications_application
        WHERE number LIKE 'BN%%' AND decided_at IS NOT NULL AND status <> 'withdrawn' AND id %% 10 < 3
        """,
        [],
    )
    cursor.execute(
        """
        INSERT INTO applications_rectification (state, due_on, answer, answered_at, created_at, department_id,
            rating_id)
        SELECT CASE WHEN r.id %% 4 = 0 THEN 'open' ELSE 'answered' END, (r.created_at + interval '21 days')::date,
            '', CASE WHEN r.id %% 4 <> 0 THEN r.created_at + (r.id %% 30) * interval '1 day' END, r.created_at,
            m.department_id, r.id
        FROM applications_rating r JOIN applications_application a ON a.id = r.application_id
        JOIN matters_matter m ON m.id = a.matter_id
        WHERE a.number LIKE 'BN%%' AND r.level <= 2
        """,
        [],
    )
    for table in (
        "applications_application",
        "applications_reviewstep",
        "workcalendar_clock",
        "applications_supplementnotice",
        "applications_rating",
        "applications_rectification",
    ):
        cursor.execute(f"ANALYZE {table}")


def _refresh(keys, since):
    from portal.supervision import compute
    from portal.supervision.models import Refresh

    started = time.perf_counter()
    compute.refresh(keys, since=since)
    total = time.perf_counter() - started
    seconds = dict(Refresh.objects.filter(measure__in=keys).values_list("measure", "seconds"))
    return total, seconds


def main() -> None:
    from django.db.models import Count

    from portal.supervision import compute
    from portal.supervision.measures import measures

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--plans", action="store_true", help="print the plans of the slowest full refreshes")
    parser.add_argument("--no-jit", action="store_true", help="SET LOCAL jit = off for the refreshes")
    args = parser.parse_args()
    keys = [m.key for m in measures if m.key.startswith(SECTIONS) and m.stored]
    since = timezone.localdate() - dt.timedelta(days=settings.SUPERVISION_REFRESH_DAYS)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                started = time.perf_counter()
                _generate(cursor, args.n)
                print(f"generated {args.n} applications in {time.perf_counter() - started:.1f} s")
                if args.no_jit:
                    cursor.execute("SET LOCAL jit = off")
            recent, recent_each = _refresh(keys, since)
            print(f"10-minute refresh (since {since}): {recent:.2f} s")
            for key in keys:
                print(f"  {key:40} {recent_each[key]:>8} s")
            full, full_each = _refresh(keys, None)
            print(f"nightly full refresh: {full:.2f} s")
            for key in keys:
                print(f"  {key:40} {full_each[key]:>8} s")
            started = time.perf_counter()
            rows = list(
                compute.records("applications.steps_overdue").order_by().values("department").annotate(n=Count("pk"))
            )
            snapshot_ms = (time.perf_counter() - started) * 1000
            print(f"overdue steps now, live: {sum(r['n'] for r in rows)} steps in {snapshot_ms:.1f} ms")
            if args.plans:
                slow = sorted(keys, key=lambda k: full_each[k], reverse=True)[:3]
                for key in [*slow, "applications.steps_overdue"]:
                    measure = measures.get(key)
                    queryset = compute.records(key).order_by().values(measure.department).annotate(n=Count("pk"))
                    print(f"--- {key}\n{queryset.explain(analyze=True)}")
            raise _RollbackError
    except _RollbackError:
        pass
    print(
        f"supervision_applications: n={args.n} jit={'off' if args.no_jit else 'on'} recent_s={recent:.2f} "
        f"full_s={full:.2f} snapshot_ms={snapshot_ms:.1f}"
    )


if __name__ == "__main__":
    main()
