"""Time for 100,000 deadline computations with the working-day calendar.

.venv/bin/python -m bench.workdays
"""

import random
import time
from datetime import date, timedelta

from bench import _django  # noqa: F401
from portal import workdays

N = 100_000


def main():
    rng = random.Random(20261121)
    starts = [date(2025, 1, 1) + timedelta(days=rng.randrange(0, 730)) for _ in range(N)]
    spans = [rng.randrange(1, 31) for _ in range(N)]
    workdays.add_workdays(date(2026, 1, 1), 1)  # load the calendar once, as any process does at its first call

    t = time.perf_counter()
    for start, n in zip(starts, spans, strict=True):
        workdays.add_workdays(start, n)
    add_seconds = time.perf_counter() - t

    t = time.perf_counter()
    for start, n in zip(starts, spans, strict=True):
        workdays.workdays_between(start, start + timedelta(days=n))
    between_seconds = time.perf_counter() - t

    print(f"add_workdays x{N}: {add_seconds:.3f} s")
    print(f"workdays_between x{N}: {between_seconds:.3f} s")
    print(f"workdays: n={N} add_workdays_s={add_seconds:.3f} workdays_between_s={between_seconds:.3f}")


if __name__ == "__main__":
    main()
