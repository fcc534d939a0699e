import pytest

from portal import workdays
from tests.factories.workcalendar import clock_kind


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test reads the calendar as its own transaction left it, and leaves no cached copy behind."""
    workdays.reload()
    yield
    workdays.reload()


@pytest.fixture
def review():
    """A pausable clock kind of 5 working days, registered for the test only."""
    with clock_kind("test_review", label="受理审查时限", days=5, article="宜昌 §17", pausable=True) as kind:
        yield kind
