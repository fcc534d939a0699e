"""Clocks after a calendar change and the daily overdue run: time for N running clocks.

    .venv/bin/python -m bench.clocks [--clocks 20000]

Creates `--clocks` running clocks started through 2026 (one in ten with a
pause for 补正, one in ten extended), then times the two whole-table passes:
`recompute_for_years([2026])` after a holiday of 2026 is corrected (every
clock is read, those whose due date moves are written with history) and
`mark_overdue_clocks`. Everything runs in one transaction that is rolled back,
so the database and its calendar are left as they were.
"""

import argparse
import random
import time
from datetime import date, timedelta

from django.db import transaction

from bench import _django  # noqa: F401
from portal import workdays


class _RollbackError(Exception):
    pass


def main() -> None:
    from django.contrib.contenttypes.models import ContentType

    from portal.accounts.models import User
    from portal.workcalendar import clocks, tasks
    from portal.workcalendar.models import CalendarDay, CalendarYear, Clock, ClockExtension, ClockPause

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=20000)
    args = parser.parse_args()
    n = args.clocks
    rng = random.Random(20261129)
    figures = {}
    try:
        with transaction.atomic():
            approver = User.objects.create(username="bench-clock-approver", kind="staff", is_staff=True)
            content_type = ContentType.objects.get_for_model(CalendarYear)
            rows = []
            for i in range(n):
                started = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 330))
                limit = rng.choice([3, 5, 10, 15, 20, 30])
                rows.append((started, limit, i % 10 == 0, i % 10 == 1))
            t = time.perf_counter()
            made = Clock.objects.bulk_create(
                Clock(
                    content_type=content_type,
                    object_id=i + 1,
                    kind="bench_clock",
                    started_on=started,
                    limit_days=limit,
                    due_on=workdays.add_workdays(started, limit),
                )
                for i, (started, limit, _, _) in enumerate(rows)
            )
            ClockPause.objects.bulk_create(
                ClockPause(
                    clock=clock,
                    paused_on=clock.started_on + timedelta(days=1),
                    resumed_on=clock.started_on + timedelta(days=8),
                    reason="补正",
                )
                for clock, (_, _, paused, _) in zip(made, rows, strict=True)
                if paused
            )
            ClockExtension.objects.bulk_create(
                ClockExtension(clock=clock, days=2, reason="情况复杂", approved_by=approver)
                for clock, (_, _, _, extended) in zip(made, rows, strict=True)
                if extended
            )
            figures["create_s"] = time.perf_counter() - t

            t = time.perf_counter()
            first = clocks.recompute_for_years([2026])  # pauses and extensions move the bulk-made due dates
            figures["recompute_first_s"] = time.perf_counter() - t
            # A correction: 2026-06-15 (a Monday) becomes a holiday.
            CalendarDay.objects.create(date=date(2026, 6, 15), is_workday=False, name="压测更正")
            t = time.perf_counter()
            moved = clocks.recompute_for_years([2026])
            figures["recompute_s"] = time.perf_counter() - t
            t = time.perf_counter()
            marked = tasks.mark_overdue_clocks()
            figures["overdue_s"] = time.perf_counter() - t
            print(f"{n} clocks; first recompute wrote {first}; the correction moved {moved}; {marked} marked overdue")
            raise _RollbackError
    except _RollbackError:
        pass
    workdays.reload()
    print("clocks: " + f"n={n} " + " ".join(f"{k}={v:.2f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
