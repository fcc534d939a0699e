"""Working-day arithmetic (工作日) on the official calendar: holidays and 调休 make-up days.

INTERFACE STUB — implemented by the working-day calendar work (issue 3).
"""

from datetime import date


def is_workday(d: date) -> bool:
    raise NotImplementedError


def add_workdays(d: date, n: int) -> date:
    """The n-th working day after `d` (`d` itself never counts)."""
    raise NotImplementedError


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    raise NotImplementedError


def covered(year: int) -> bool:
    raise NotImplementedError
