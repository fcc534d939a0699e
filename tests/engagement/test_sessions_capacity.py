"""The last place of a session taken by two enterprises at the same moment: one wins, the other is told 名额已满,
on real PostgreSQL in two connections (the count is taken under the session row's lock)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from engagement import sessions as services
from engagement.models import BookingState, ConsultationSession, SessionState
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.enterprises import EnterpriseMemberFactory
from tests.factories.org import DepartmentFactory
from tests.factories.policies import PolicyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _enterprise_user():
    user = EnterpriseUserFactory()
    EnterpriseMemberFactory(user=user)
    return user


@pytest.mark.parametrize("round_", range(3))
def test_two_enterprises_race_for_the_last_place(round_):
    department = DepartmentFactory()
    starts = timezone.now() + dt.timedelta(days=2)
    session = ConsultationSession.objects.create(
        department=department,
        policy=PolicyFactory(lead_department=department, region=department.region),
        topic="最后一个名额",
        host="政策法规科",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=2,
        booking_deadline=starts - dt.timedelta(hours=1),
        conference_url="https://meeting.yichang.gov.cn/room/3",
        status=SessionState.PUBLISHED,
    )
    services.book(session, user=_enterprise_user())  # one place left
    racers = [_enterprise_user(), _enterprise_user()]
    connection.close()

    barrier = threading.Barrier(2)
    results: list[str] = []

    def race(user):
        try:
            barrier.wait()
            services.book(session, user=user)
            results.append("booked")
        except ValidationError as error:
            results.append("；".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(user,)) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["booked", "名额已满。"]
    assert session.bookings.filter(status=BookingState.BOOKED).count() == 2
    assert services.places_left(session) == 0
