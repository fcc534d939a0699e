"""Supervision of policy publishing (宜昌 §17–18): every figure per department, hand-computed on the 2026 calendar.

Ten policies of two departments (A 科技局, B 商务局), built through the policy workflow (`policies.services`), so
the publish (发布时限) and offline (下线时限) clocks, `published_late`, `ended_on` and `offline_at` are the ones the
domain stores. The 2026 calendar around National Day, as the calendar seed has it:

    9-24 Thu  work        10-01 Thu  国庆 holiday     10-08 Thu  work
    9-25 Fri  中秋 holiday 10-02 Fri  国庆 holiday     10-09 Fri  work
    9-26/27   weekend     10-03/04   weekend          10-10 Sat  调休 work
    9-28 Mon  work        10-05 Mon  国庆 holiday     10-11 Sun  rest
    9-29 Tue  work        10-06 Tue  国庆 holiday     10-12 Mon … 10-16 Fri work
    9-30 Wed  work        10-07 Wed  国庆 holiday

Publishing, due = 3 working days after the issue date (after the outside publication for a national policy):

    P1 A  issued 9-28: 9-29, 9-30, 10-08 → due 10-08; published 10-09          → late
    P2 A  issued 9-29: 9-30, 10-08, 10-09 → due 10-09; published 10-10 (Sat)   → late
    P3 B  issued 9-30: 10-08, 10-09, 10-10 → due 10-10; published 10-12        → late
    P4 A  issued 9-30: due 10-10; published on the 调休 Saturday 10-10          → on time
    P5 A  issued 9-28: due 10-08; published 10-08 (Mon–Fri arithmetic: due 10-01, late) → on time
    P6 B  issued 9-24: 9-28, 9-29, 9-30 (9-25 中秋) → due 9-30; published 9-30  → on time (in September)
    P7 B  national, issued 9-15, published outside 9-29: due 10-09; published 10-09 → on time
    P8 B  issued 10-08: 10-09, 10-10, 10-12 → due 10-12; published 10-12       → on time
    P9 A  issued 10-12, submitted, never published: due 10-15                  → overdue now
    P10 B issued 10-20, a draft never submitted: no clock

Going offline, due = 3 working days after the day it expired or was repealed (ended_on):

    P4 A  expired 10-10: 10-12, 10-13, 10-14 → due 10-14; offline 10-14       → on time
    P5 A  repealed 10-09: 10-10, 10-12, 10-13 → due 10-13; offline 10-14      → late (Mon–Fri: due 10-14)
    P6 B  expired 9-30: 10-08, 10-09, 10-10 → due 10-10; offline 10-12        → late
    P7 B  repealed 10-13: 10-14, 10-15, 10-16 → due 10-16; offline 10-16      → on time
    P8 B  repealed 10-12: 10-13, 10-14, 10-15 → due 10-15; offline 10-16      → late
    P2 A  expired 10-12: due 10-15; still expired, not offline                 → overdue now

Early offline requests (提前下线申请): P1 (A) requested 10-16, agreed 10-20 (offline, not counted as an
expired policy going offline); P3 (B) requested 10-19, refused 10-21, requested again 10-22, pending.
Created (新增): P6 9-24, P1 P5 9-28, P2 P7 9-29, P3 P4 9-30, P8 10-08, P9 10-12, P10 10-20.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from policies import services
from policies.models import Policy, PolicyOfflineRequest
from portal.org.models import Department, Role
from portal.supervision import compute
from portal.supervision.measures import figures
from portal.supervision.periods import Period
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import InterpretationFactory, PolicyFactory, member
from tests.supervision.history import with_history

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
OCTOBER = Period.month(2026, 10)
SEPTEMBER_OCTOBER = Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
REASON = "该政策已被省级新政策覆盖，继续展示会误导企业申报。"


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


class World:
    """The ten policies, their departments and staff."""

    def __init__(self):
        city = CityFactory()
        self.a = DepartmentFactory(name="宜昌市科学技术局", code="sv-kjj", region=city)
        self.b = DepartmentFactory(name="宜昌市商务局", code="sv-swj", region=city)
        bureau = DepartmentFactory(
            name="宜昌市政务服务和数据管理局", code="sv-sjj", kind=Department.Kind.DATA_BUREAU, region=city
        )
        self.editor = {self.a: member(self.a, Role.EDITOR), self.b: member(self.b, Role.EDITOR)}
        self.approver = {self.a: member(self.a, Role.APPROVER), self.b: member(self.b, Role.APPROVER)}
        self.data_officer = member(bureau, Role.APPROVER)
        self.p = {}

    def policy(self, n, department, issued, created, **fields) -> Policy:
        policy = PolicyFactory(
            title=f"测试政策P{n}",
            lead_department=department,
            region=department.region,
            issue_date=issued,
            effective_date=issued,
            **fields,
        )
        services.assign_ownership(policy)
        Policy.objects.filter(pk=policy.pk).update(created_at=dt.datetime.combine(created, dt.time(9), tzinfo=TZ))
        self.p[n] = policy
        return policy

    def publish(self, policy, when):
        department = policy.lead_department
        services.submit(policy, by=self.editor[department])
        services.approve(policy, by=self.approver[department])
        services.approve_interpretation(InterpretationFactory(policy=policy), by=self.approver[department])
        return services.publish(policy, by=self.approver[department], now=when)

    def request_offline(self, policy, requested):
        request = services.request_offline(policy, by=self.approver[policy.lead_department], reason=REASON)
        PolicyOfflineRequest.objects.filter(pk=request.pk).update(requested_at=requested)
        return request


@pytest.fixture
def world():
    w = World()
    a, b = w.a, w.b
    w.publish(w.policy(1, a, d(9, 28), d(9, 28)), at(10, 9))
    w.publish(w.policy(2, a, d(9, 29), d(9, 29), expiry_date=d(10, 12)), at(10, 10))
    w.publish(w.policy(3, b, d(9, 30), d(9, 30)), at(10, 12))
    w.publish(w.policy(4, a, d(9, 30), d(9, 30), expiry_date=d(10, 10)), at(10, 10))
    w.publish(w.policy(5, a, d(9, 28), d(9, 28)), at(10, 8))
    w.publish(w.policy(6, b, d(9, 24), d(9, 24), expiry_date=d(9, 30)), at(9, 30))
    national = w.policy(
        7,
        b,
        d(9, 15),
        d(9, 29),
        level=Policy.Level.NATIONAL,
        issuing_authority="国务院办公厅",
        document_number="国办发〔2026〕7号",
        outside_publication_date=d(9, 29),
    )
    w.publish(national, at(10, 9))
    w.publish(w.policy(8, b, d(10, 8), d(10, 8)), at(10, 12))
    services.submit(w.policy(9, a, d(10, 12), d(10, 12)), by=w.editor[a])
    w.policy(10, b, d(10, 20), d(10, 20))

    # Offline after expiry or repeal.
    services.expire(w.p[4])
    services.take_offline(w.p[4], now=at(10, 14))
    services.repeal(w.p[5], by=w.approver[a], on=d(10, 9))
    services.take_offline(w.p[5], now=at(10, 14))
    services.expire(w.p[6])
    services.take_offline(w.p[6], now=at(10, 12))
    services.repeal(w.p[7], by=w.approver[b], on=d(10, 13))
    services.take_offline(w.p[7], now=at(10, 16))
    services.repeal(w.p[8], by=w.approver[b], on=d(10, 12))
    services.take_offline(w.p[8], now=at(10, 16))
    services.expire(w.p[2])

    # Early offline requests.
    w.request_offline(w.p[1], at(10, 16))
    services.approve_offline(w.p[1], by=w.data_officer, note="情况属实，同意下线。", now=at(10, 20))
    w.request_offline(w.p[3], at(10, 19))
    services.reject_offline(w.p[3], by=w.data_officer, note="政策仍在执行期内，不同意下线。", now=at(10, 21))
    w.request_offline(w.p[3], at(10, 22))
    return w


def test_the_clocks_fall_where_the_calendar_puts_them(world):
    """The due dates of the table above, as the policy workflow stored them (the measures read these verdicts)."""
    publish = {n: services.publish_clock(world.p[n]) for n in range(1, 10)}
    assert {n: (c.due_on, c.stopped_late) for n, c in publish.items()} == {
        1: (d(10, 8), True),
        2: (d(10, 9), True),
        3: (d(10, 10), True),
        4: (d(10, 10), False),
        5: (d(10, 8), False),
        6: (d(9, 30), False),
        7: (d(10, 9), False),
        8: (d(10, 12), False),
        9: (d(10, 15), None),
    }
    offline = {n: services.offline_clock(world.p[n]) for n in (2, 4, 5, 6, 7, 8)}
    assert {n: (c.due_on, c.stopped_late) for n, c in offline.items()} == {
        2: (d(10, 15), None),
        4: (d(10, 14), False),
        5: (d(10, 13), True),
        6: (d(10, 10), True),
        7: (d(10, 16), False),
        8: (d(10, 15), True),
    }


KEYS = [
    "policies.on_time_rate",
    "policies.published",
    "policies.published_late",
    "policies.offline_on_time_rate",
    "policies.offline",
    "policies.offline_late",
    "policies.offline_requested",
    "policies.offline_approved",
    "policies.offline_refused",
    "policies.offline_pending",
    "policies.publish_overdue_now",
    "policies.offline_overdue_now",
    "policies.added",
]


def expected_october(a, b):
    return {
        "policies.on_time_rate": {a: Decimal("50.0"), b: Decimal("66.7")},  # A 2/4 (P4, P5), B 2/3 (P7, P8)
        "policies.published": {a: 4, b: 3},  # A P1 P2 P4 P5, B P3 P7 P8 (P6 in September)
        "policies.published_late": {a: 2, b: 1},  # A P1 P2, B P3
        "policies.offline_on_time_rate": {a: Decimal("50.0"), b: Decimal("33.3")},  # A 1/2 (P4), B 1/3 (P7)
        "policies.offline": {a: 2, b: 3},  # A P4 P5, B P6 P7 P8 (P1 went offline early: not counted)
        "policies.offline_late": {a: 1, b: 2},  # A P5, B P6 P8
        "policies.offline_requested": {a: 1, b: 2},  # A P1, B P3 twice
        "policies.offline_approved": {a: 1},  # P1
        "policies.offline_refused": {b: 1},  # P3's first request
        "policies.offline_pending": {b: 1},  # P3's second request (now)
        "policies.publish_overdue_now": {a: 1},  # P9 (now)
        "policies.offline_overdue_now": {a: 1},  # P2 (now)
        "policies.added": {a: 1, b: 2},  # A P9, B P8 P10
    }


def _figures():
    return [figures.get(key) for key in KEYS]


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_every_figure_per_department_in_october(world, live):
    compute.refresh()
    values = compute.figure_values(_figures(), OCTOBER, by="department", live=live)
    assert values == expected_october(world.a.pk, world.b.pk)


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_platform_totals_in_october(world, live):
    compute.refresh()
    values = compute.figure_values(_figures(), OCTOBER, live=live)
    assert {key: groups[None] for key, groups in values.items()} == {
        "policies.on_time_rate": Decimal("57.1"),  # 4 of 7
        "policies.published": 7,
        "policies.published_late": 3,
        "policies.offline_on_time_rate": Decimal("40.0"),  # 2 of 5
        "policies.offline": 5,
        "policies.offline_late": 3,
        "policies.offline_requested": 3,
        "policies.offline_approved": 1,
        "policies.offline_refused": 1,
        "policies.offline_pending": 1,
        "policies.publish_overdue_now": 1,
        "policies.offline_overdue_now": 1,
        "policies.added": 3,
    }


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_september_and_october_add_p6(world, live):
    compute.refresh()
    chosen = [figures.get(k) for k in ("policies.on_time_rate", "policies.published", "policies.added")]
    values = compute.figure_values(chosen, SEPTEMBER_OCTOBER, by="department", live=live)
    a, b = world.a.pk, world.b.pk
    assert values == {
        "policies.on_time_rate": {a: Decimal("50.0"), b: Decimal("75.0")},  # B 3/4 with P6 on time
        "policies.published": {a: 4, b: 4},
        "policies.added": {a: 5, b: 5},
    }


def test_the_records_behind_each_number(world):
    """The drill-down lists exactly as many records as each department's number counts, and the right ones."""
    compute.refresh()
    expected = expected_october(world.a.pk, world.b.pk)
    measures_of = {key: figures.get(key).measure for key in KEYS if figures.get(key).kind == "count"}
    for key, measure in measures_of.items():
        for department in (world.a, world.b):
            shown = expected[key].get(department.pk, 0)
            assert compute.records(measure, OCTOBER, departments=[department.pk]).count() == shown, key

    def titles(key, department):
        return sorted(compute.records(key, OCTOBER, departments=[department.pk]).values_list("title", flat=True))

    assert titles("policies.published_late", world.a) == ["测试政策P1", "测试政策P2"]
    assert titles("policies.offline_late", world.b) == ["测试政策P6", "测试政策P8"]
    assert titles("policies.offline_on_time", world.b) == ["测试政策P7"]
    assert titles("policies.publish_overdue_now", world.a) == ["测试政策P9"]
    assert titles("policies.offline_overdue_now", world.a) == ["测试政策P2"]


def test_a_department_reader_sees_only_its_own_department(world):
    compute.refresh()
    values = compute.figure_values(_figures(), OCTOBER, by="department", departments=[world.b.pk])
    assert values["policies.published"] == {world.b.pk: 3}
    assert values["policies.offline_approved"] == {}


def test_policy_updates_count_one_per_policy_and_day_not_on_its_creation_day():
    """政策更新: history rows of changes, one per policy and local (Asia/Shanghai) day, none on the day it was
    created. Policy U (A) created 10-08 09:00; changes at 10-08 15:00 (creation day: not counted), 10-12 10:00
    and 16:00 (one), 10-31 23:30 (October) and 11-01 00:30 local — 10-31 16:30 UTC, but November in Yichang.
    Policy V (B) created 9-30; one change 10-09 → October: A 2, B 1."""
    a = DepartmentFactory(code="sv-upd-a")
    b = DepartmentFactory(code="sv-upd-b")
    u = PolicyFactory(lead_department=a, region=a.region)
    v = PolicyFactory(lead_department=b, region=b.region)
    late_evening = dt.datetime(2026, 10, 31, 23, 30, tzinfo=TZ)
    after_midnight = dt.datetime(2026, 11, 1, 0, 30, tzinfo=TZ)
    with_history(u, at(10, 8, 9), [at(10, 8, 15), at(10, 12, 10), at(10, 12, 16), late_evening, after_midnight])
    with_history(v, at(9, 30), [at(10, 9)])
    compute.refresh()
    figure = figures.get("policies.updated")
    for live in (False, True):
        assert compute.figure_values([figure], OCTOBER, by="department", live=live) == {
            "policies.updated": {a.pk: 2, b.pk: 1}
        }
    assert compute.figure_values([figure], Period.month(2026, 11), by="department") == {"policies.updated": {a.pk: 1}}
    assert compute.records("policies.updated", OCTOBER, departments=[a.pk]).count() == 2


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_a_revised_policy_is_judged_by_its_latest_offline(live):
    """R (A) issued 9-28, published 10-08 (due 10-08: on time), expired 10-09 and taken offline 10-13 (due 10-13:
    on time); revised, published again 10-15, repealed 10-16 (Fri): 10-19, 10-20, 10-21 → due 10-21; offline
    10-22 → late. It counts once in October, on its latest publication (the first verdict, on time, stands: the
    publish clock never restarts) and on its latest offline (late), whatever its first cycle's clock said."""
    w = World()
    r = w.policy("R", w.a, d(9, 28), d(9, 28), expiry_date=d(10, 9))
    w.publish(r, at(10, 8))
    services.expire(r)
    services.take_offline(r, now=at(10, 13))
    services.revise(r, by=w.editor[w.a])
    Policy.objects.filter(pk=r.pk).update(expiry_date=None)
    w.publish(r, at(10, 15))
    services.repeal(r, by=w.approver[w.a], on=d(10, 16))
    services.take_offline(r, now=at(10, 22))
    compute.refresh()
    chosen = [
        figures.get(k) for k in ("policies.on_time_rate", "policies.offline_on_time_rate", "policies.offline_late")
    ]
    assert compute.figure_values(chosen, OCTOBER, by="department", live=live) == {
        "policies.on_time_rate": {w.a.pk: Decimal("100.0")},
        "policies.offline_on_time_rate": {w.a.pk: Decimal("0.0")},
        "policies.offline_late": {w.a.pk: 1},
    }
