"""Clock kinds for tests: registered for one test and taken off the registry afterwards."""

import contextlib

from portal.workcalendar import clocks


@contextlib.contextmanager
def clock_kind(key: str = "test_review", *, label: str = "测试审查时限", days=5, article="测试 §1", pausable=True):
    """Registers a clock kind for the duration of a `with` block."""
    kind = clocks.register_kind(key, label=label, days=days, article=article, pausable=pausable)
    try:
        yield kind
    finally:
        clocks.kinds.unregister(key)
