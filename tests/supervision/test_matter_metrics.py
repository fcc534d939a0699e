"""Supervision of matters and their guides (宜昌 §20–22): every figure per department, hand-computed.

Two departments (A 科技局, B 商务局) of 宜昌市. Matters are published (上架) through the matter workflow
(`perform(matter, "publish", at=…)`), so `guide_due_on` and `guide_published_late` are the domain's own; a guide is
due 5 working days before its window opens, on the 2026 calendar (国庆 10-01…10-07 holidays, 10-10 Saturday a 调休
working day, 9-25 中秋 a holiday):

    M1  A  opens 10-16 Fri: 10-15, 10-14, 10-13, 10-12, 10-10 (Sat) → due 10-10; published 10-09 → on time
    M2  A  opens 10-12 Mon: 10-10, 10-09, 10-08, 9-30, 9-29 → due 9-29; published 9-30 → late (September;
           Mon–Fri arithmetic would say due 10-05, on time)
    M3  B  opens 10-19 Mon: 10-16, 10-15, 10-14, 10-13, 10-12 → due 10-12; published 10-12 → on time
    M4  B  opens 10-15 Thu: 10-14, 10-13, 10-12, 10-10, 10-09 → due 10-09; published 10-10 → late
    M5  A  opens 10-20 Tue: 10-19, 10-16, 10-15, 10-14, 10-13 → due 10-13; published 10-14 → late
    M8  B  opens 10-26 Mon: 10-23, 10-22, 10-21, 10-20, 10-19 → due 10-19; published 10-15 → on time
    M6, M9, M10, M11 are year-round (常年申报): no window, not counted; M7 is a draft.

Policies and their matters on the catalogue now (已上架、已截止):

    Q1 A published: M1, M2 → 2        Q4 B published: M3, M4, M6, M9 → 4
    Q2 A published: M5 (M7 draft) → 1 Q5 B expired (still public): M8 → 1
    Q3 A published: M10 withdrawn → 0 Q6 B draft, Q7 B offline (M11): not public
    → A 3/3 = 1.00, B 5/2 = 2.50, all 8/5 = 1.60 matters per public policy.

Names (宜昌市 unless said): M1 宜昌市高新技术企业认定奖励, M5 …认定奖补, M6 the traditional 宜昌市高新技術企業認定獎勵,
M7 (draft) …认定奖金, M9 (西陵区) the same name as M1, M10 (withdrawn) …认定奖励（第二批）; the others unrelated.
Suspected pairs among the public matters of one region: M5≈M1 92.3 (13 characters, one differs:
(1 − 2/26) × 100), M6≈M1 100.0 (one name once normalised), M6≈M5 92.3 → A (M5) 1, B (M6) 2.
Created (新增): M1 M2 9-21, M10 9-22, M11 9-23, M4 9-28, M3 M6 10-08, M5 M9 10-09, M8 10-12, M7 10-13.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from matters import services
from matters.models import Matter, NearDuplicateName, WindowKind
from policies.models import Policy
from portal.core.workflow import perform
from portal.org.models import Role
from portal.supervision import compute
from portal.supervision.measures import figures
from portal.supervision.periods import Period
from tests.factories.matters import MatterFactory
from tests.factories.org import CityFactory, CountyFactory, DepartmentFactory
from tests.factories.policies import PolicyFactory, member
from tests.supervision.history import with_history

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
OCTOBER = Period.month(2026, 10)
SEPTEMBER_OCTOBER = Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
S = Matter.Status
P = Policy.Status


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


class World:
    def __init__(self):
        city = CityFactory()
        self.a = DepartmentFactory(name="宜昌市科学技术局", code="sv-kjj", region=city)
        self.b = DepartmentFactory(name="宜昌市商务局", code="sv-swj", region=city)
        self.county = CountyFactory()
        self.approver = {self.a: member(self.a, Role.APPROVER), self.b: member(self.b, Role.APPROVER)}
        self.q = {}
        self.m = {}

    def policy(self, n, department, status):
        self.q[n] = PolicyFactory(
            title=f"测试政策Q{n}",
            lead_department=department,
            region=department.region,
            status=status,
            published_at=None if status == P.DRAFT else at(9, 1),
        )

    def matter(self, n, policy, name, created, *, opens=None, published=None, status=S.SUBMITTED, **fields):
        window = {"window_kind": WindowKind.YEAR_ROUND}
        if opens:
            window = {"window_kind": WindowKind.FIXED, "window_opens": opens, "window_closes": d(11, 30)}
        matter = MatterFactory(
            code=f"SV-M-{n:03d}", name=name, policy=self.q[policy], status=status, **window, **fields
        )
        Matter.objects.filter(pk=matter.pk).update(created_at=dt.datetime.combine(created, dt.time(9), tzinfo=TZ))
        if published:
            services.assign_matter_ownership(matter, matter.department)
            perform(matter, "publish", by=self.approver[matter.department], at=published)
        self.m[n] = matter
        return matter


@pytest.fixture
def world():
    w = World()
    a, b = w.a, w.b
    w.policy(1, a, P.PUBLISHED)
    w.policy(2, a, P.PUBLISHED)
    w.policy(3, a, P.PUBLISHED)
    w.policy(4, b, P.PUBLISHED)
    w.policy(5, b, P.EXPIRED)
    w.policy(6, b, P.DRAFT)
    w.policy(7, b, P.OFFLINE)
    w.matter(1, 1, "宜昌市高新技术企业认定奖励", d(9, 21), opens=d(10, 16), published=at(10, 9))
    w.matter(2, 1, "宜昌市科技型中小企业研发费用补助", d(9, 21), opens=d(10, 12), published=at(9, 30))
    w.matter(3, 4, "宜昌市外贸企业出口信用保险保费补贴", d(10, 8), opens=d(10, 19), published=at(10, 12))
    w.matter(4, 4, "宜昌市跨境电商产业园建设扶持", d(9, 28), opens=d(10, 15), published=at(10, 10))
    w.matter(5, 2, "宜昌市高新技术企业认定奖补", d(10, 9), opens=d(10, 20), published=at(10, 14))
    w.matter(6, 4, "宜昌市高新技術企業認定獎勵", d(10, 8), published=at(10, 9))
    w.matter(7, 2, "宜昌市高新技术企业认定奖金", d(10, 13), status=S.DRAFT)
    w.matter(8, 5, "宜昌市商贸流通企业上规入统奖励", d(10, 12), opens=d(10, 26), published=at(10, 15))
    w.matter(9, 4, "宜昌市高新技术企业认定奖励", d(10, 9), published=at(10, 9), region=w.county)
    w.matter(10, 3, "宜昌市高新技术企业认定奖励（第二批）", d(9, 22), published=at(10, 9))
    perform(w.m[10], "withdraw", by=w.approver[a], reason="与第一批合并办理")
    w.matter(11, 7, "宜昌市楼宇经济发展奖励", d(9, 23), published=at(10, 9))
    services.flag_near_duplicate_names(now=at(10, 31, 2))
    return w


def test_the_guides_fall_due_where_the_calendar_puts_them(world):
    """The due dates of the table above, as publishing stored them (the measures read these verdicts)."""
    rows = Matter.objects.filter(pk__in=[world.m[n].pk for n in (1, 2, 3, 4, 5, 8)])
    stored = {
        int(code[-3:]): (due, late)
        for code, due, late in rows.values_list("code", "guide_due_on", "guide_published_late")
    }
    assert stored == {
        1: (d(10, 10), False),
        2: (d(9, 29), True),
        3: (d(10, 12), False),
        4: (d(10, 9), True),
        5: (d(10, 13), True),
        8: (d(10, 19), False),
    }


KEYS = [
    "matters.guide_on_time_rate",
    "matters.guides_published",
    "matters.guides_late",
    "matters.per_policy",
    "matters.near_duplicate_names",
    "matters.added",
]


def expected_october(a, b):
    return {
        "matters.guide_on_time_rate": {a: Decimal("50.0"), b: Decimal("66.7")},  # A 1/2 (M1), B 2/3 (M3, M8)
        "matters.guides_published": {a: 2, b: 3},  # A M1 M5, B M3 M4 M8 (M2 in September)
        "matters.guides_late": {a: 1, b: 1},  # A M5, B M4
        "matters.per_policy": {a: Decimal("1.00"), b: Decimal("2.50")},  # now: A 3/3, B 5/2
        "matters.near_duplicate_names": {a: 1, b: 2},  # now: M5≈M1; M6≈M1, M6≈M5
        "matters.added": {a: 2, b: 4},  # A M5 M7, B M3 M6 M8 M9
    }


def _figures(keys=KEYS):
    return [figures.get(key) for key in keys]


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
        "matters.guide_on_time_rate": Decimal("60.0"),  # 3 of 5
        "matters.guides_published": 5,
        "matters.guides_late": 2,
        "matters.per_policy": Decimal("1.60"),  # 8 matters over 5 public policies
        "matters.near_duplicate_names": 3,
        "matters.added": 6,
    }


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_september_and_october_add_m2(world, live):
    compute.refresh()
    chosen = _figures(["matters.guide_on_time_rate", "matters.guides_late", "matters.added"])
    values = compute.figure_values(chosen, SEPTEMBER_OCTOBER, by="department", live=live)
    a, b = world.a.pk, world.b.pk
    assert values == {
        "matters.guide_on_time_rate": {a: Decimal("33.3"), b: Decimal("66.7")},  # A 1/3 with M2 late
        "matters.guides_late": {a: 2, b: 1},
        "matters.added": {a: 5, b: 6},  # A M1 M2 M5 M7 M10, B M3 M4 M6 M8 M9 M11
    }


def test_the_records_behind_each_number(world):
    compute.refresh()
    a, b = world.a, world.b
    counts = {
        "matters.guides_published": {a: 2, b: 3},
        "matters.guides_on_time": {a: 1, b: 2},
        "matters.guides_late": {a: 1, b: 1},
        "matters.public_policies": {a: 3, b: 2},
        "matters.near_duplicate_names": {a: 1, b: 2},
        "matters.added": {a: 2, b: 4},
    }
    for key, per_department in counts.items():
        for department, n in per_department.items():
            assert compute.records(key, OCTOBER, departments=[department.pk]).count() == n, key
    late = compute.records("matters.guides_late", OCTOBER, departments=[a.pk, b.pk])
    assert sorted(late.values_list("code", flat=True)) == ["SV-M-004", "SV-M-005"]
    policies = compute.records("matters.public_policies", OCTOBER, departments=[a.pk])
    assert sorted(policies.values_list("title", flat=True)) == ["测试政策Q1", "测试政策Q2", "测试政策Q3"]


def test_the_suspected_duplicates_stored(world):
    """One row per pair, the later matter first; other regions, drafts and withdrawn matters never paired."""
    rows = NearDuplicateName.objects.order_by("matter__code", "similar_to__code")
    assert [(r.matter.code, r.similar_to.code, r.score, r.found_at) for r in rows] == [
        ("SV-M-005", "SV-M-001", Decimal("92.3"), at(10, 31, 2)),
        ("SV-M-006", "SV-M-001", Decimal("100.0"), at(10, 31, 2)),
        ("SV-M-006", "SV-M-005", Decimal("92.3"), at(10, 31, 2)),
    ]


def test_a_renamed_matter_drops_its_pairs_and_the_others_keep_their_date(world):
    world.m[5].name = "宜昌市技术合同登记奖励"
    world.m[5].save()
    assert services.flag_near_duplicate_names(now=at(11, 2, 2)) == 1
    assert [(r.matter.code, r.similar_to.code, r.found_at) for r in NearDuplicateName.objects.all()] == [
        ("SV-M-006", "SV-M-001", at(10, 31, 2))
    ]
    perform(world.m[6], "withdraw", by=world.approver[world.b], reason="重复录入")
    assert compute.figure_values(_figures(["matters.near_duplicate_names"]), OCTOBER) == {
        "matters.near_duplicate_names": {None: 0}
    }


def test_the_finder_flags_a_near_name_but_not_an_unrelated_one():
    rows = [
        (1, 10, "宜昌市高新技术企业认定奖励"),
        (2, 10, "宜昌市高新技术企业认定奖补"),
        (3, 10, "宜昌市外贸企业出口信用保险保费补贴"),
        (4, 10, "宜昌市跨境电商产业园建设扶持"),
    ]
    # 13 characters each, one differs: (1 − 2/26) × 100 = 92.3.
    assert services.near_duplicate_pairs(rows) == [(2, 1, Decimal("92.3"))]


def test_the_finder_reads_full_width_and_traditional_names_as_the_same_name():
    rows = [
        (1, 10, "宜昌市高新技术企业认定奖励"),
        (2, 10, "宜昌市高新技術企業認定獎勵"),  # traditional characters
        (3, 10, "宜昌市 高新技术企业（认定）奖励"),  # a space and full-width brackets
        (4, 10, "宜昌市ＡＩ产业发展扶持资金"),  # full-width letters
        (5, 10, "宜昌市AI产业发展扶持资金"),
        (6, 20, "宜昌市高新技术企业认定奖励"),  # the same name in another region: another matter
    ]
    assert services.near_duplicate_pairs(rows) == [
        (2, 1, Decimal("100.0")),
        (3, 1, Decimal("100.0")),
        (3, 2, Decimal("100.0")),
        (5, 4, Decimal("100.0")),
    ]


def test_matter_updates_count_one_per_matter_and_day_not_on_its_creation_day(world):
    """事项更新: M3 (B) created 10-08 09:00, changed 10-08 15:00 (creation day: not counted), 10-12 10:00 and
    16:00 (one), 10-31 23:30 (October); M1 (A) created 9-21, changed 10-09 and 11-01 00:30 local (November in
    Yichang, 10-31 in UTC) → October: A 1, B 2."""
    with_history(world.m[3], at(10, 8, 9), [at(10, 8, 15), at(10, 12, 10), at(10, 12, 16), at(10, 31, 23)])
    with_history(world.m[1], at(9, 21, 9), [at(10, 9), dt.datetime(2026, 11, 1, 0, 30, tzinfo=TZ)])
    for matter in Matter.objects.exclude(pk__in=[world.m[1].pk, world.m[3].pk]):
        Matter.history.model.objects.filter(id=matter.pk).delete()  # the fixture's own changes, dated today
    compute.refresh()
    figure = figures.get("matters.updated")
    a, b = world.a.pk, world.b.pk
    for live in (False, True):
        assert compute.figure_values([figure], OCTOBER, by="department", live=live) == {"matters.updated": {a: 1, b: 2}}
    assert compute.records("matters.updated", OCTOBER, departments=[b]).count() == 2
    assert compute.figure_values([figure], Period.month(2026, 11), by="department") == {"matters.updated": {a: 1}}


def test_the_beat_runs_the_finder_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["matters-flag-near-duplicate-names"]
    assert entry["task"] == "matters.flag_near_duplicate_names"
    from celery import current_app

    import matters.tasks  # noqa: F401 - registers the task

    assert "matters.flag_near_duplicate_names" in current_app.tasks
