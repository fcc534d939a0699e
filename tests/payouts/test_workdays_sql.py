"""One rule, two compilers: the working days between two dates in SQL (`payouts.results.WorkdaysBetween`, used to
sum timeliness over every payout at once) and in Python (`portal.workdays.workdays_between`, the kernel's rule) agree
on every pair of dates — across holidays, 调休 working weekends, years without an entered schedule (counted Monday to
Friday, as the kernel does provisionally), reversed pairs (negative) and missing dates (NULL)."""

import datetime as dt

import pytest
from django.db.models import DateField, Value

from portal import workdays
from portal.org.models import Region
from portal.workcalendar.sql import WorkdaysBetween
from tests.factories.org import CityFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2023, 12, 1), dt.date(2028, 2, 1)  # through covered years and beyond the entered ones


def _sql(pairs, region):
    annotations = {
        f"w{n}": WorkdaysBetween(Value(a, output_field=DateField()), Value(b, output_field=DateField()))
        for n, (a, b) in enumerate(pairs)
    }
    row = Region.objects.filter(pk=region.pk).values(**annotations).get()
    return [row[f"w{n}"] for n in range(len(pairs))]


def test_sql_and_python_working_days_agree_on_every_pair_of_dates():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    region = CityFactory()
    dates = st.dates(min_value=FIRST, max_value=LAST)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(dates, dates), min_size=1, max_size=20))
    def agree(pairs):
        assert _sql(pairs, region) == [workdays.workdays_between(a, b) for a, b in pairs]

    agree()


def test_a_missing_date_gives_no_number():
    region = CityFactory()
    row = (
        Region.objects.filter(pk=region.pk)
        .values(
            w=WorkdaysBetween(
                Value(None, output_field=DateField()), Value(dt.date(2026, 10, 9), output_field=DateField())
            )
        )
        .get()
    )
    assert row["w"] is None
