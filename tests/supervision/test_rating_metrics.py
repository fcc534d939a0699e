"""Supervision of 好差评 (无锡 §26): ratings by level, the 好评 rate, bad ratings, and bad ratings rectified within
their clock (15 working days from the rating day, `applications.ratings`), per department, against a table computed
by hand from the 2026 calendar in the database (国庆 10-01…10-07; 调休 working day Saturday 10-10), stored and live,
and the records behind each number. The period is 2026-09-01 … 2026-11-20.

Department A owns matter MA, department B matter MB; every application is concluded (核准, 公示期满 → 待兑付).

    rating  dept  level            rated          rectification due (15 working days)            answered
    a1      A     5 非常满意        10-12
    a2      A     2 不满意          10-27          11-17 (10-28 … 10-30, 11-02 … 06, 09 … 13, 16, 17)  11-18 — late
    a3      A     1 非常不满意      10-23          11-13 (10-26 … 30, 11-02 … 06, 09 … 13)       11-02 — on time
    a4      A     4 满意            08-31 23:30    (before the period: 15:30 UTC the same day)
    b1      B     4 满意            10-19
    b2      B     3 基本满意        10-13
    b3      B     1 非常不满意      10-20          11-10 (10-21 … 23, 26 … 30, 11-02 … 06, 09, 10)  11-10 16:00 —
                                                                                                  on time
    b4      B     2 不满意          09-22          10-20 (09-23, 24, 28, 29, 30, 10-08, 09, Sat 10-10,  10-19 — on time
                                                   12 … 16, 19, 20)
    b5      B     1 非常不满意      10-21          11-11 (10-22, 23, 26 … 30, 11-02 … 06, 09 … 11)  not answered
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import ratings
from applications.models import Rating, RatingLevel, Rectification
from portal.supervision import compute
from portal.supervision.measures import figures, figures_of
from portal.supervision.periods import Period
from tests.factories.applications import published_matter
from tests.factories.followup import concluded
from tests.factories.org import DepartmentFactory
from tests.factories.policies import PolicyFactory
from tests.supervision.tables import by_name

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2026, 9, 1), dt.date(2026, 11, 20))
L = RatingLevel


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


class Rated:
    def __init__(self):
        self.a = DepartmentFactory(name="宜昌市科学技术局")
        self.b = DepartmentFactory(name="宜昌市经济和信息化局")
        self.ma = published_matter(policy=PolicyFactory(lead_department=self.a))
        self.mb = published_matter(policy=PolicyFactory(lead_department=self.b))
        self.rectifications = {}

    def rate(self, name, matter, level, when, *, answered=None):
        """A concluded application rated `level` at `when`; a bad rating opens its rectification on the clock from
        the rating day (`ratings.open_rectification`), answered at `answered` as the department's answer does."""
        application = concluded(matter)
        rating = Rating.objects.create(
            application=application, level=level, rated_by=application.enterprise.members.first().user, created_at=when
        )
        if rating.is_bad:
            rectification = ratings.open_rectification(rating)
            if answered is not None:
                Rectification.objects.filter(pk=rectification.pk).update(
                    state=Rectification.State.ANSWERED, answer="已电话回访并改进", answered_at=answered
                )
            self.rectifications[name] = rectification
        return rating


@pytest.fixture
def rated():
    s = Rated()
    s.rate("a1", s.ma, L.VERY_SATISFIED, at(10, 12))
    s.rate("a2", s.ma, L.DISSATISFIED, at(10, 27), answered=at(11, 18))
    s.rate("a3", s.ma, L.VERY_DISSATISFIED, at(10, 23), answered=at(11, 2))
    s.rate("a4", s.ma, L.SATISFIED, at(8, 31, 23, 30))
    s.rate("b1", s.mb, L.SATISFIED, at(10, 19))
    s.rate("b2", s.mb, L.BASIC, at(10, 13))
    s.rate("b3", s.mb, L.VERY_DISSATISFIED, at(10, 20), answered=at(11, 10, 16))
    s.rate("b4", s.mb, L.DISSATISFIED, at(9, 22), answered=at(10, 19))
    s.rate("b5", s.mb, L.VERY_DISSATISFIED, at(10, 21))
    return s


# rated in the period: A: a1, a2, a3 = 3 (a4 is 08-31 local); B: b1–b5 = 5.
# 好评 (levels 3–5): A: a1 = 1/3 = 33.3 %; B: b1, b2 = 2/5 = 40.0 %.
# 差评: A: a2, a3 = 2; B: b3, b4, b5 = 3.
# rectifications due in the period: A: a3 (11-13), a2 (11-17); B: b4 (10-20), b3 (11-10), b5 (11-11).
# within their clock: A: a3 = 1/2 = 50.0 %; B: b4, b3 (answered on its due day) = 2/3 = 66.7 % (b5 unanswered).
EXPECTED = {
    "ratings.rated": {"A": 3, "B": 5},
    "ratings.good_rate": {"A": Decimal("33.3"), "B": Decimal("40.0")},
    "ratings.bad": {"A": 2, "B": 3},
    "ratings.rectified_on_time_rate": {"A": Decimal("50.0"), "B": Decimal("66.7")},
}
RECORDS = {
    "ratings.rated": {"A": 3, "B": 5},
    "ratings.good": {"A": 1, "B": 2},
    "ratings.bad": {"A": 2, "B": 3},
    "ratings.rectifications_due": {"A": 2, "B": 3},
    "ratings.rectified_on_time": {"A": 1, "B": 2},
}


def test_the_rectification_clocks_give_the_hand_computed_due_dates(rated):
    due = {name: row.due_on for name, row in rated.rectifications.items()}
    assert due == {
        "a2": dt.date(2026, 11, 17),
        "a3": dt.date(2026, 11, 13),
        "b3": dt.date(2026, 11, 10),
        "b4": dt.date(2026, 10, 20),
        "b5": dt.date(2026, 11, 11),
    }


def test_every_rating_figure_per_department_stored_and_live(rated):
    section = figures_of("ratings")
    assert {f.key for f in section} == set(EXPECTED)
    compute.refresh()
    assert by_name(compute.figure_values(section, PERIOD, by="department"), rated) == EXPECTED
    assert by_name(compute.figure_values(section, PERIOD, by="department", live=True), rated) == EXPECTED


def test_the_distribution_by_level(rated):
    """Levels over both departments: 5: a1; 4: b1; 3: b2; 2: a2, b4; 1: a3, b3, b5 (a4 before the period)."""
    compute.refresh(["ratings.rated"])
    for live in (False, True):
        values = compute.figure_values([figures.get("ratings.rated")], PERIOD, by="category", live=live)
        assert values == {"ratings.rated": {"5": 1, "4": 1, "3": 1, "2": 2, "1": 3}}


def test_the_records_behind_each_rating_number(rated):
    for key, counts in RECORDS.items():
        for name, department in (("A", rated.a), ("B", rated.b)):
            assert compute.records(key, PERIOD, departments=[department.pk]).count() == counts[name], (key, name)
    late = compute.records("ratings.rectifications_due", PERIOD).exclude(
        pk__in=compute.records("ratings.rectified_on_time", PERIOD).values("pk")
    )
    assert sorted(row.pk for row in late) == sorted(rated.rectifications[name].pk for name in ("a2", "b5"))
