"""Supervision of applications (申报办理): every figure of the section, per department, against a table computed by
hand from the 2026 calendar in the database, stored (after `compute.refresh()`) and live, and the records behind
each number.

The 2026 calendar as seeded (portal.workcalendar): 2026-09-20 (Sunday) is a 调休 working day; 2026-09-25 (Friday,
中秋) is a holiday; 2026-10-01…10-07 are the 国庆 holidays (10-01, 10-02, 10-05, 10-06, 10-07 on weekdays; 10-03/04
the weekend); 2026-10-08 (Thursday) and 10-09 (Friday) are ordinary working days; 2026-10-10 (Saturday) is a 调休
working day. Working days "from a to b" count the working days after a up to and including b.

Two departments: A (科学技术局) owns matter M1, two steps: 初审 in A (5 working days) and 复审 in B (3 working
days), committed limit 8 working days. B (经济和信息化局) owns matter M2, one step 审核 in B (5 working days),
limit 5. The period is 2026-09-01 … 2026-11-20.

    case  matter channel   submitted  accepted  steps (opened → decided: working days, due)          decided
    A1    M1     online    09-24      09-28     初审 09-28→09-30 00:30: 2 (09-29, 09-30), due 10-10  approved 10-09
                                                复审 09-30→10-09: 2 (10-08, 10-09), due 10-10
    A2    M1     window    09-21      09-22     初审 09-22→10-12: 9 (09-23, 24, 28, 29, 30, 10-08,   approved 10-26
                                                     09, 10, 12), due 09-30 — late
                                                复审 10-12→10-26: 10 (10-13…16, 19…23, 26), due 10-15 — late
    A3    M1     online    10-08      10-09     补正 10-12 → resubmitted 10-16 (clocks paused)       rejected 10-23
                                                初审 10-09→10-19: 7 (10-10, 12…16, 19); due 10-15
                                                     moved by the pause to 10-21 — on time
                                                复审 10-19→10-23: 4 (10-20…23), due 10-22 — late
    A4    M1     online    10-20      10-21     初审 open, due 10-28 — overdue now
    A5    M1     online    10-23      10-26     初审 open, due 11-02 — overdue now
    A6    M1     online    10-26      10-27     初审 open, due 11-03, but 补正 asked 10-29 and not
                                                answered: waiting for the enterprise, not overdue
    A7    M1     online    today      today     初审 open, due in the future
    B1    M2     window    10-13      10-14     审核 10-14→10-16: 2, due 10-21                       approved 10-16
    B2    M2     online    09-29      09-30     审核 09-30→10-10: 3 (10-08, 10-09, Sat 10-10),       approved 10-10
                                                due 10-13
    B3    M2     online    10-28      11-02     补正 at pre-review 10-29 → resubmitted 10-30;
                                                审核 open, due 11-09 — overdue now
    B4    M2     online    10-19      —                                                               not accepted 10-20
    B5    M2     external  10-09      10-10     (the department's own system: no platform clock)    approved 10-19
    B6    M2     online    10-14      10-15     withdrawn 10-16 (not a decision; the step cancelled)
    B7    M2     external  09-14      09-15     (own system)                                        approved 09-21

Committed limit (承诺办理时限), by the case clock from 受理: A1 due 10-14 (8 working days after 09-28), decided
10-09 — on time. A2 due 10-10, decided 10-26 — late. A3: 8 working days after 10-09 would end 10-20, the pause
from 10-12 to 10-16 moves it to 10-26; decided 10-23 — on time, although 11 working days passed. B1 due 10-21,
B2 due 10-13: on time. B5 (no clock): 6 working days from 10-10 to 10-19 (10-12…16, 19) > 5 — late. B7 (no clock):
5 working days from 09-15 to 09-21 (09-16, 17, 18, Sunday 09-20, 09-21) — on time.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from applications import api, services
from applications.models import ApiClient, Application, Channel, ReviewStep, Status, StepStatus
from applications.workflow import perform
from portal.org.roles import Role
from portal.supervision import compute
from portal.supervision.measures import figures, figures_of
from portal.supervision.periods import Period
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import PolicyFactory, member
from tests.supervision.tables import by_name

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2026, 9, 1), dt.date(2026, 11, 20))


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


class Scenario:
    """The departments, matters and staff of the cases above."""

    def __init__(self):
        self.a = DepartmentFactory(name="宜昌市科学技术局")
        self.b = DepartmentFactory(name="宜昌市经济和信息化局")
        self.m1 = published_matter(
            policy=PolicyFactory(lead_department=self.a),
            steps=[{"name": "初审", "days": 5}, {"name": "复审", "days": 3, "department": self.b}],
            time_limit_days=8,
        )
        self.m2 = published_matter(
            policy=PolicyFactory(lead_department=self.b), steps=[{"name": "审核", "days": 5}], time_limit_days=5
        )
        self.clerk = member(DepartmentFactory(name="宜昌市政务服务中心"), Role.CLERK)
        self.staff = {
            (department.pk, role): member(department, role)
            for department in (self.a, self.b)
            for role in (Role.REVIEWER, Role.APPROVER)
        }
        self.system = ApiClient.objects.create(department=self.b, key_id="jxj-system", secret="secret")

    def reviewer(self, department):
        return self.staff[(department.pk, Role.REVIEWER)]

    def approver(self, department):
        return self.staff[(department.pk, Role.APPROVER)]

    def submit(self, matter, when, channel=Channel.ONLINE) -> Application:
        """An enterprise's application (or the window's, for it), filled and submitted at `when`."""
        enterprise = enterprise_with_user()
        user = self.clerk if channel == Channel.WINDOW else enterprise.user
        application = services.start(enterprise, matter, by=user, channel=channel, on=when and when.date())
        services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
        for material in matter.materials.filter(shared=False):
            services.attach(application, material, files.upload("材料.pdf", files.pdf()), by=user)
        application.user = user
        return self.act(application, "submit", when, by=user)

    def act(self, application, name, when, *, by, **options) -> Application:
        user = getattr(application, "user", None)
        perform(application, name, by=by, at=when, **options)
        application.refresh_from_db()
        application.user = user
        return application

    def accept(self, application, when):
        return self.act(application, "accept", when, by=self.reviewer(application.matter.department))

    def step(self, application, name, when, **options):
        """The current step's approver passes, approves or rejects it at `when`."""
        return self.act(application, name, when, by=self.approver(application.current_step.department), **options)

    def supplement(self, application, when, *, department):
        return self.act(
            application,
            "request_supplement",
            when,
            by=self.approver(department),
            reason="请补正",
            items=[{"subject": "申报表", "problem": "defective", "detail": "联系人电话无法接通"}],
        )

    def external(self, external_id, *, submitted, accepted, decided) -> Application:
        """A case pushed by B's own system (宜昌 §31), decided there: no platform clock."""
        application, _created = api.push(
            self.system,
            external_id,
            {
                "status": "办结",
                "submitted_on": submitted,
                "accepted_on": accepted,
                "decided_on": decided,
                "approved_amount": Decimal("200000.00"),
            },
            enterprise=enterprise_with_user(),
            matter=self.m2,
            platform_status=Status.APPROVED,
        )
        return application


@pytest.fixture
def cases():
    s = Scenario()
    d = dt.date
    a1 = s.accept(s.submit(s.m1, at(9, 24)), at(9, 28, 9))
    a1 = s.step(a1, "pass_step", at(9, 30, 0, 30))  # 00:30 local is 09-29 in UTC: the day is the local one
    a1 = s.step(a1, "approve", at(10, 9), approved_amount="200000")

    a2 = s.accept(s.submit(s.m1, at(9, 21), Channel.WINDOW), at(9, 22))
    a2 = s.step(a2, "pass_step", at(10, 12))
    a2 = s.step(a2, "approve", at(10, 26, 17), approved_amount="200000")

    a3 = s.accept(s.submit(s.m1, at(10, 8)), at(10, 9))
    a3 = s.supplement(a3, at(10, 12), department=s.a)
    a3 = s.act(a3, "resubmit_to_step", at(10, 16), by=a3.user)
    a3 = s.step(a3, "pass_step", at(10, 19))
    a3 = s.step(a3, "reject", at(10, 23), reason="不符合条件")

    s.accept(s.submit(s.m1, at(10, 20)), at(10, 21))  # A4
    s.accept(s.submit(s.m1, at(10, 23)), at(10, 26))  # A5
    a6 = s.accept(s.submit(s.m1, at(10, 26)), at(10, 27))
    s.supplement(a6, at(10, 29), department=s.a)
    s.accept(s.submit(s.m1, None), None)  # A7, today

    b1 = s.accept(s.submit(s.m2, at(10, 13), Channel.WINDOW), at(10, 14))
    s.step(b1, "approve", at(10, 16), approved_amount="200000")
    b2 = s.accept(s.submit(s.m2, at(9, 29)), at(9, 30))
    s.step(b2, "approve", at(10, 10), approved_amount="200000")  # Saturday 10-10, a working day
    b3 = s.submit(s.m2, at(10, 28))
    b3 = s.supplement(b3, at(10, 29), department=s.b)
    b3 = s.act(b3, "resubmit", at(10, 30), by=b3.user)
    s.accept(b3, at(11, 2))
    b4 = s.submit(s.m2, at(10, 19))
    s.act(b4, "not_accept", at(10, 20), by=s.reviewer(s.b), reason="不在支持范围")
    s.external("JXJ-0005", submitted=d(2026, 10, 9), accepted=d(2026, 10, 10), decided=d(2026, 10, 19))
    b6 = s.accept(s.submit(s.m2, at(10, 14)), at(10, 15))
    s.act(b6, "withdraw", at(10, 16), by=b6.user, reason="暂不申报")
    s.external("JXJ-0007", submitted=d(2026, 9, 14), accepted=d(2026, 9, 15), decided=d(2026, 9, 21))
    return s


# The hand-computed table: figure → {department: value}. Durations in working days; ratios in per cent.
#
# submitted:  A: A1–A6 = 6 (A7 today is after the period); B: B1–B7 = 7.
# online:     A: all but A2 = 5 → 5/6 = 83.3 %; B: B2, B3, B4, B6 = 4 → 4/7 = 57.1 %. Window: A2; B1.
# accepted:   A: A1–A6 = 6; B: B1, B2, B3 (11-02), B5, B6, B7 = 6.
# 补正告知:    A: A3 (10-12), A6 (10-29) = 2; B: B3 (10-29) = 1.
# decided after 受理 (withdrawn B6 left out), accepted → decided:
#             A: A1 4 (09-29, 09-30, 10-08, 10-09), A2 19, A3 11 (10-10, 12…16, 19…23)
#                → mean 34/3 = 11.33; p90 nearest rank ⌈0.9 × 3⌉ = 3rd of (4, 11, 19) = 19
#             B: B1 2, B2 3, B5 6, B7 5 → mean 16/4 = 4.00; p90 ⌈3.6⌉ = 4th of (2, 3, 5, 6) = 6
# on time:    A: A1, A3 of 3 → 66.7 %; B: B1, B2, B7 of 4 → 75.0 %.
# submitted → decided (不予受理 included): A: A1 5 (09-25 is 中秋), A2 20, A3 12 → 37/3 = 12.33, p90 20;
#             B: B1 3, B2 4, B4 1, B5 7, B7 6 → 21/5 = 4.20, p90 ⌈4.5⌉ = 5th of (1, 3, 4, 6, 7) = 7.
# steps (department of the step): A (初审): 2, 9, 7 → 3 steps, mean 6.00, p90 3rd of (2, 7, 9) = 9,
#             on time A1, A3 = 2/3 = 66.7 %;
#             B (复审 2, 10, 4; 审核 2, 3): 5 steps, 21/5 = 4.20, p90 5th of (2, 2, 3, 4, 10) = 10,
#             on time A1 复审, B1, B2 = 3/5 = 60.0 %.
# overdue now: A: A4, A5 = 2 (A6 waits for 补正, A7 not yet due); B: B3 = 1.
EXPECTED = {
    "applications.submitted": {"A": 6, "B": 7},
    "applications.online_rate": {"A": Decimal("83.3"), "B": Decimal("57.1")},
    "applications.window": {"A": 1, "B": 1},
    "applications.accepted": {"A": 6, "B": 6},
    "applications.supplement_notices": {"A": 2, "B": 1},
    "applications.decided": {"A": 3, "B": 4},
    "applications.on_time_rate": {"A": Decimal("66.7"), "B": Decimal("75.0")},
    "applications.case_days_mean": {"A": Decimal("11.33"), "B": Decimal("4.00")},
    "applications.case_days_p90": {"A": 19, "B": 6},
    "applications.total_days_mean": {"A": Decimal("12.33"), "B": Decimal("4.20")},
    "applications.total_days_p90": {"A": 20, "B": 7},
    "applications.step_days_mean": {"A": Decimal("6.00"), "B": Decimal("4.20")},
    "applications.step_days_p90": {"A": 9, "B": 10},
    "applications.step_on_time_rate": {"A": Decimal("66.7"), "B": Decimal("60.0")},
    "applications.steps_overdue": {"A": 2, "B": 1},
}

# The records behind each measure, per department (the drill-down lists).
RECORDS = {
    "applications.submitted": {"A": 6, "B": 7},
    "applications.submitted_online": {"A": 5, "B": 4},
    "applications.submitted_window": {"A": 1, "B": 1},
    "applications.accepted": {"A": 6, "B": 6},
    "applications.supplement_notices": {"A": 2, "B": 1},
    "applications.decided": {"A": 3, "B": 4},
    "applications.decided_on_time": {"A": 2, "B": 3},
    "applications.concluded": {"A": 3, "B": 5},
    "applications.steps_decided": {"A": 3, "B": 5},
    "applications.steps_on_time": {"A": 2, "B": 3},
    "applications.steps_overdue": {"A": 2, "B": 1},
}


def section():
    return figures_of("applications")


def test_every_figure_per_department_stored_and_live(cases):
    assert {f.key for f in section()} == set(EXPECTED)
    compute.refresh()
    stored = compute.figure_values(section(), PERIOD, by="department")
    live = compute.figure_values(section(), PERIOD, by="department", live=True)
    assert by_name(stored, cases) == EXPECTED
    assert by_name(live, cases) == EXPECTED


def test_the_records_behind_each_number(cases):
    for key, counts in RECORDS.items():
        for name, department in (("A", cases.a), ("B", cases.b)):
            assert compute.records(key, PERIOD, departments=[department.pk]).count() == counts[name], (key, name)
    late = compute.records("applications.decided", PERIOD, departments=[cases.a.pk]).exclude(
        pk__in=compute.records("applications.decided_on_time", PERIOD).values("pk")
    )
    assert [a.decided_at.date() for a in late] == [dt.date(2026, 10, 26)]  # A2, decided late
    overdue = compute.records("applications.steps_overdue", departments=[cases.a.pk])
    assert [(s.name, s.due_on) for s in overdue] == [("初审", dt.date(2026, 10, 28)), ("初审", dt.date(2026, 11, 2))]


def test_durations_by_step_and_by_matter(cases):
    """category = the step's name for steps, the matter's code for cases (over both departments).

    初审 (2, 7, 9): mean 6.00, p90 9. 复审 (2, 4, 10): mean 16/3 = 5.33, p90 10. 审核 (2, 3): mean 2.50, p90 2nd
    = 3. M1 cases (4, 11, 19): 11.33, 19. M2 cases (2, 3, 5, 6): 4.00, 6."""
    compute.refresh()
    wanted = [
        figures.get(key)
        for key in (
            "applications.step_days_mean",
            "applications.step_days_p90",
            "applications.case_days_mean",
            "applications.case_days_p90",
        )
    ]
    for live in (False, True):
        values = compute.figure_values(wanted, PERIOD, by="category", live=live)
        assert values["applications.step_days_mean"] == {
            "初审": Decimal("6.00"),
            "复审": Decimal("5.33"),
            "审核": Decimal("2.50"),
        }
        assert values["applications.step_days_p90"] == {"初审": 9, "复审": 10, "审核": 3}
        m1, m2 = cases.m1.code, cases.m2.code
        assert values["applications.case_days_mean"] == {m1: Decimal("11.33"), m2: Decimal("4.00")}
        assert values["applications.case_days_p90"] == {m1: 19, m2: 6}


def test_the_stored_days_are_the_local_days_of_the_events(cases):
    """Facts are dated by the local day: A1's 初审 decided at 00:30 on 09-30 (09-29 16:30 UTC) counts on 09-30."""
    compute.refresh(["applications.steps_decided"])
    day = Period(dt.date(2026, 9, 30), dt.date(2026, 9, 30))
    assert compute.tally(["applications.steps_decided"], day)["applications.steps_decided"][None].n == 1
    earlier = Period(dt.date(2026, 9, 29), dt.date(2026, 9, 29))
    assert compute.tally(["applications.steps_decided"], earlier)["applications.steps_decided"] == {}


def test_p90_of_eleven_steps_is_the_tenth_by_nearest_rank(cases):
    """Eleven steps of one department decided in the period, opened 2026-09-28 and decided on successive working
    days across 国庆: 09-29 (1), 09-30 (2), 10-08 (3), 10-09 (4), 10-10 Saturday (5), 10-12 (6) … 10-16 (10),
    10-19 (11). Nearest rank ⌈0.9 × 11⌉ = 10 → 10 working days; mean 66/11 = 6.00."""
    department = DepartmentFactory(name="宜昌市人力资源和社会保障局")
    application = Application.objects.filter(matter=cases.m1).first()
    days = [
        dt.date(2026, 9, 29),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 10),
        *(dt.date(2026, 10, n) for n in (12, 13, 14, 15, 16, 19)),
    ]
    ReviewStep.objects.bulk_create(
        ReviewStep(
            application=application,
            position=10 + n,
            name="专家评审",
            department=department,
            role=Role.REVIEWER,
            days=20,
            status=StepStatus.PASSED,
            opened_at=at(9, 28),
            decided_at=at(day.month, day.day, 15),
            due_on=dt.date(2026, 10, 30),
        )
        for n, day in enumerate(days)
    )
    compute.refresh(["applications.steps_decided", "applications.steps_on_time"])
    wanted = [figures.get("applications.step_days_p90"), figures.get("applications.step_days_mean")]
    for live in (False, True):
        values = compute.figure_values(wanted, PERIOD, by="department", departments=[department.pk], live=live)
        assert values == {
            "applications.step_days_p90": {department.pk: 10},
            "applications.step_days_mean": {department.pk: Decimal("6.00")},
        }


def test_overdue_steps_now_are_found_through_the_clocks_index():
    """The snapshot's filter (running step clocks past due) is served by the clocks' (state, due_on) index on a few
    thousand steps with their clocks, one in fifty of them open."""
    plan = _overdue_plan(3000)
    assert "workcalendar_clock_state_due" in plan, plan
    assert "Seq Scan on workcalendar_clock" not in plan, plan
    assert "Seq Scan on applications_reviewstep" not in plan, plan


def _overdue_plan(n: int) -> str:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from portal.workcalendar.models import Clock
    from tests.factories.followup import accepted

    application = accepted()
    step = application.current_step
    today = timezone.localdate()
    steps = ReviewStep.objects.bulk_create(
        ReviewStep(
            application=application,
            position=100 + i,
            name=step.name,
            department=step.department,
            role=step.role,
            days=5,
            status=StepStatus.ACTIVE if i % 50 == 0 else StepStatus.PASSED,
            opened_at=timezone.now(),
            decided_at=None if i % 50 == 0 else timezone.now(),
            due_on=today + dt.timedelta(days=10 - i % 30),
        )
        for i in range(n)
    )
    content_type = ContentType.objects.get_for_model(ReviewStep)
    Clock.objects.bulk_create(
        Clock(
            content_type=content_type,
            object_id=row.pk,
            kind=services.STEP_CLOCK,
            started_on=row.due_on - dt.timedelta(days=7),
            limit_days=5,
            due_on=row.due_on,
            state=Clock.State.RUNNING if row.status == StepStatus.ACTIVE else Clock.State.STOPPED,
            stopped_at=row.decided_at,
            stopped_late=None if row.decided_at is None else False,
        )
        for row in steps
    )
    with connection.cursor() as cursor:
        for table in ("applications_reviewstep", "workcalendar_clock", "applications_application"):
            cursor.execute(f"ANALYZE {table}")
    queryset = compute.records("applications.steps_overdue").order_by().values("department").annotate(n=Count("pk"))
    return queryset.explain()


def test_each_section_marks_at_most_three_headlines_three_rankings_and_one_trend():
    for name in ("applications", "exemption", "ratings"):
        assert 1 <= len(figures_of(name, headline=True)) <= 3, name
        assert 1 <= len(figures_of(name, ranking=True)) <= 3, name
        assert len(figures_of(name, trend=True)) == 1, name
