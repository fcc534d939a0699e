"""Supervision of 免申即享 (无锡 §20（一）1: "受理10日内推送企业；企业在一定期限内确认"): lists pushed within 10
working days of their acceptance, enterprises told, confirmed, declined and waived, per department, against a table
computed by hand from the 2026 calendar in the database (国庆 10-01…10-07, 中秋 09-25; 调休 working days 09-20 and
Saturday 10-10), stored and live, and the records behind each number. The period is 2026-09-01 … 2026-11-20.

Six enterprises (营业收入 in 万元): f1, f2 3000; f3, f4 8000; f5, f6 10000. Department A owns MA1 (营业收入 ≥ 2000:
f1–f6) and MA2 (≥ 7000: f3–f6); department B owns MB (≥ 9000: f5, f6).

    list        accepted  pushed   working days (accepted → pushed)                   confirm by  entries
    L1 MA1 A    09-28     10-12    6: 09-29, 09-30, 10-08, 10-09, Sat 10-10, 10-12    10-26       f1 confirmed 10-14,
                                   — within 10, though 14 calendar days                            f2 declined 10-15,
                                                                                                   f3 waived,
                                                                                                   f4 confirmed 10-20,
                                                                                                   f5 confirmed 10-23,
                                                                                                   f6 waived
    L2 MA2 A    10-09     10-26    12: Sat 10-10, 10-12…16, 10-19…23, 10-26 — late     11-09       f3 confirmed 10-28,
                                                                                                   f4 declined 11-02,
                                                                                                   f5 waived,
                                                                                                   f6 confirmed 11-25
                                                                                                   (after the period)
    L3 MB B     10-20     10-22    2: 10-21, 10-22                                    11-05       f5 confirmed 10-23,
                                                                                                   f6 still pending
    L4 MB B     11-16     —        (accepted, not yet pushed)                                      f5, f6 not told

Confirm-by dates: 10 working days after the push day (10-12 → 10-26; 10-26 → 11-09; 10-22 → 11-05).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import confirmations
from applications.models import Confirmation, ConfirmationList
from matters import matching
from matters.models import DeliveryKind
from portal.core.workflow import perform
from portal.org.roles import Role
from portal.supervision import compute
from portal.supervision.measures import figures_of
from portal.supervision.periods import Period
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import PolicyFactory, member
from tests.supervision.tables import by_name

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2026, 9, 1), dt.date(2026, 11, 20))
C = Confirmation.State


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=timezone.get_current_timezone())


def automatic(department, revenue_at_least: int):
    return published_matter(
        policy=PolicyFactory(lead_department=department),
        delivery_kind=DeliveryKind.AUTOMATIC,
        criteria=[{"value": revenue_at_least}],
    )


class Lists:
    def __init__(self):
        self.a = DepartmentFactory(name="宜昌市科学技术局")
        self.b = DepartmentFactory(name="宜昌市经济和信息化局")
        self.firms = {
            name: enterprise_with_user(revenue=Decimal(revenue))
            for name, revenue in (
                ("f1", "3000"),
                ("f2", "3000"),
                ("f3", "8000"),
                ("f4", "8000"),
                ("f5", "10000"),
                ("f6", "10000"),
            )
        }
        self.ma1, self.ma2, self.mb = automatic(self.a, 2000), automatic(self.a, 7000), automatic(self.b, 9000)
        for matter in (self.ma1, self.ma2, self.mb):
            matching.match_matter(matter)

    def pushed(self, matter, period, *, accepted, pushed, due, answers):
        """Built and accepted (at `accepted`) through the services, told, answered through the services; then
        the moments the workflow would have taken days for are set: pushed at `pushed`, confirm by `due`, each
        answer at its day."""
        department = matter.department
        confirmation_list = confirmations.build_list(matter, by=member(department, Role.REVIEWER), period=period)
        perform(confirmation_list, "accept", by=member(department, Role.APPROVER), at=accepted)
        if pushed is None:
            return confirmation_list
        confirmations.notify_list(confirmation_list.pk)
        for name, (state, when) in answers.items():
            firm = self.firms[name]
            row = confirmation_list.confirmations.get(enterprise=firm)
            if state == C.CONFIRMED:
                confirmations.confirm(
                    row, by=firm.user, bank_name="中国银行", bank_account="6222020200014345678", details_ok=True
                )
            else:
                confirmations.decline(row, by=firm.user, reason="暂不需要")
            Confirmation.objects.filter(pk=row.pk).update(answered_at=when)
        ConfirmationList.objects.filter(pk=confirmation_list.pk).update(notified_at=pushed)
        confirmation_list.confirmations.update(notified_at=pushed, due_on=due)
        return confirmation_list


@pytest.fixture
def lists():
    s = Lists()
    s.pushed(
        s.ma1,
        "2026",
        accepted=at(9, 28),
        pushed=at(10, 12),
        due=dt.date(2026, 10, 26),
        answers={
            "f1": (C.CONFIRMED, at(10, 14)),
            "f2": (C.DECLINED, at(10, 15)),
            "f4": (C.CONFIRMED, at(10, 20)),
            "f5": (C.CONFIRMED, at(10, 23)),
        },
    )
    s.pushed(
        s.ma2,
        "2026",
        accepted=at(10, 9),
        pushed=at(10, 26),
        due=dt.date(2026, 11, 9),
        answers={"f3": (C.CONFIRMED, at(10, 28)), "f4": (C.DECLINED, at(11, 2)), "f6": (C.CONFIRMED, at(11, 25))},
    )
    # The beat records the silent ones as waived (逾期视为放弃): L1's f3 and f6, L2's f5.
    assert confirmations.waive_overdue(dt.date(2026, 11, 20)) == 3
    s.pushed(
        s.mb,
        "2026",
        accepted=at(10, 20),
        pushed=at(10, 22),
        due=dt.date(2026, 11, 5),
        answers={"f5": (C.CONFIRMED, at(10, 23))},
    )
    s.pushed(s.mb, "2025", accepted=at(11, 16), pushed=None, due=None, answers={})
    return s


# lists pushed:    A: L1, L2 = 2; B: L3 = 1 (L4 not pushed).
# within 10 days:  A: L1 of 2 = 50.0 %; B: L3 of 1 = 100.0 %.
# push days mean:  A: (6 + 12) / 2 = 9.00; B: 2.00.
# enterprises told: A: L1 6 + L2 4 = 10; B: L3 2 (L4's not told).
# confirmed:       A: L1 f1, f4, f5 + L2 f3 = 4 (L2 f6 on 11-25 is after the period); B: L3 f5 = 1.
# declined:        A: L1 f2 (10-15), L2 f4 (11-02) = 2; B: none.
# waived (dated by the confirm-by day): A: L1 f3, f6 (10-26), L2 f5 (11-09) = 3; B: none (L3 f6 still pending).
EXPECTED = {
    "exemption.lists_pushed": {"A": 2, "B": 1},
    "exemption.pushed_in_time_rate": {"A": Decimal("50.0"), "B": Decimal("100.0")},
    "exemption.push_days_mean": {"A": Decimal("9.00"), "B": Decimal("2.00")},
    "exemption.notified": {"A": 10, "B": 2},
    "exemption.confirmed": {"A": 4, "B": 1},
    "exemption.declined": {"A": 2},
    "exemption.waived": {"A": 3},
}
RECORDS = {
    "exemption.lists_pushed": {"A": 2, "B": 1},
    "exemption.lists_pushed_in_time": {"A": 1, "B": 1},
    "exemption.notified": {"A": 10, "B": 2},
    "exemption.confirmed": {"A": 4, "B": 1},
    "exemption.declined": {"A": 2, "B": 0},
    "exemption.waived": {"A": 3, "B": 0},
}


def test_every_exemption_figure_per_department_stored_and_live(lists):
    section = figures_of("exemption")
    assert {f.key for f in section} == set(EXPECTED)
    compute.refresh()
    assert by_name(compute.figure_values(section, PERIOD, by="department"), lists) == EXPECTED
    assert by_name(compute.figure_values(section, PERIOD, by="department", live=True), lists) == EXPECTED


def test_the_records_behind_each_exemption_number(lists):
    for key, counts in RECORDS.items():
        for name, department in (("A", lists.a), ("B", lists.b)):
            assert compute.records(key, PERIOD, departments=[department.pk]).count() == counts[name], (key, name)
    late = compute.records("exemption.lists_pushed", PERIOD).exclude(
        pk__in=compute.records("exemption.lists_pushed_in_time", PERIOD).values("pk")
    )
    assert [(row.matter_id, row.period) for row in late] == [(lists.ma2.pk, "2026")]
    waived = compute.records("exemption.waived", PERIOD, departments=[lists.a.pk])
    assert sorted(row.enterprise.name for row in waived) == sorted(
        lists.firms[name].name for name in ("f3", "f6", "f5")
    )


def test_the_push_days_of_each_list(lists):
    """By category (the matter): MA1 6, MA2 12, MB 2 working days."""
    compute.refresh(["exemption.lists_pushed"])
    mean = [f for f in figures_of("exemption") if f.key == "exemption.push_days_mean"]
    expected = {lists.ma1.code: Decimal("6.00"), lists.ma2.code: Decimal("12.00"), lists.mb.code: Decimal("2.00")}
    for live in (False, True):
        assert compute.figure_values(mean, PERIOD, by="category", live=live) == {"exemption.push_days_mean": expected}
