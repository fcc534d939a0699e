"""诉求办理督查: every appeal figure of the dashboards on appeals handled across the 2026 National Day holiday, per
handling department, stored and live, drilled down to the appeals, and equal to the 诉求统计's counts.

The 2026 calendar: 国庆 Thu 10-01 … Wed 10-07 off, Thu 10-08 and Fri 10-09 working days, Sat 10-10 a 调休 working
day, Sun 10-11 off. A clock's due date is the n-th working day after the day it started; a step is late when it
ends after that day. Limits (`DEFAULT_LIMITS`): 受理 and 签收 1 working day; 办理 咨询 3, 求助 5, 意见建议 10, 投诉 13.

    appeal  kind  events (Beijing time)                                               department now
    A1      投诉  submitted 09-30; accepted 10-08 (due 10-08: on time); dispatched 10-08, 市科技局
                  signed 10-09 (due 10-09: on time); replied 10-16 (办理 due 10-26); 满意 10-19
    A2      咨询  submitted 09-29; accepted 10-08 (due 09-30: late); dispatched 10-08,     市科技局
                  signed Mon 10-12 (due 10-09: late); replied 10-14 (办理 due 10-12 —
                  10-09, 10-10*, 10-12 —: late); 基本满意 10-15
    A3      投诉  submitted and accepted 09-30 (on time); dispatched to 市财政局 10-08,       市科技局
                  returned 10-09; dispatched to 市科技局 10-09, signed Sat 10-10 (due 10-10:
                  on time, the 调休 Saturday counts); 督办 10-16, 超时限三倍 10-20; not replied
    A4      求助  submitted 10-09; not accepted                                              （未派单）
    A5      投诉  submitted, accepted, dispatched 09-28; signed 09-29; replied 09-30;          市科技局
                  不满意 10-08 → 重办 to 市科技局 10-08, signed 10-09 (due 10-09), replied
                  again 10-13 (办理 due 10-26); 满意 10-14
    A6      意见  submitted, accepted, dispatched to 市财政局 10-09; signed Mon 10-12 (due     市财政局
                  Sat 10-10: late); replied 10-12 (办理 due 10-23); 不满意 10-13 → 重办,
                  dispatched again, not signed (its 办理 clock runs until 10-27)
    A7      咨询  submitted Fri 10-09; accepted Sat 10-10 (due 10-10: on time) and answered     城运中心
                  by the centre itself 10-10

Each measure is dated by its event; as of Tue 10-20 no running 办理 clock is past its due date.

October, each appeal where its event falls:

                  received  accepted (in time)  signed (in time)   replied (in time)  evaluated (satisfied)
    市科技局        —         A1 A2 (A1)          A1 A2 A3 A5        A1 A2 A5 (A1 A5)   A1 A2 A5 (A1 A2 A5)
                                                (A1 A3 A5)
    市财政局        A6        A6 (A6)             —                  A6 (A6)            A6 (—; 不满意)
    城运中心        A7        A7 (A7)             —                  A7 (A7)            —
    （未派单）       A4        —                   —                  —                  —

    reopened (of the replied): 市科技局 A5, 市财政局 A6, 城运中心 none; 超时限三倍 and 督办: 市科技局 A3.

    rates: 按时受理率 市科技局 1/2 = 50.0, 市财政局 100.0, 城运中心 100.0; 按时签收率 市科技局 3/4 = 75.0;
    按时答复率 市科技局 2/3 = 66.7, 市财政局 100.0, 城运中心 100.0; 满意率 市科技局 3/3 = 100.0, 市财政局 0/1 = 0.0;
    重办率 市科技局 1/3 = 33.3, 市财政局 1/1 = 100.0, 城运中心 0/1 = 0.0.
September: received 市科技局 4 (A1 A2 A3 A5); accepted 2 (A3, A5), both on time; A5's first signature, reply and
evaluation were replaced by the second round's, so nothing else counts in September.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from appeals import services, statistics
from appeals import supervision as appeal_supervision
from appeals.models import Appeal
from portal.core.workflow import perform
from portal.org.models import Department
from portal.supervision import compute
from portal.supervision.measures import figures
from portal.supervision.periods import Period
from tests.backoffice.conftest import demo_org, staff  # noqa: F401
from tests.factories.appeals import handler_of
from tests.factories.appeals import portal_appeal as submitted

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
D = Decimal
TODAY = dt.date(2026, 10, 20)
OCTOBER = Period.month(2026, 10)
SEPTEMBER = Period.month(2026, 9)
REPLY = "经核实，问题已经处理完毕，请查收。"
FIGURES = [
    "appeals.received",
    "appeals.accepted_in_time_rate",
    "appeals.signed_in_time_rate",
    "appeals.replied",
    "appeals.replied_in_time_rate",
    "appeals.satisfaction_rate",
    "appeals.unsatisfied",
    "appeals.reopen_rate",
    "appeals.triple",
    "appeals.escalated",
]
EXPECTED_OCTOBER = {
    "appeals.received": {"czj": 1, "centre": 1, None: 1},
    "appeals.accepted_in_time_rate": {"kjj": D("50.0"), "czj": D("100.0"), "centre": D("100.0")},
    "appeals.signed_in_time_rate": {"kjj": D("75.0")},
    "appeals.replied": {"kjj": 3, "czj": 1, "centre": 1},
    "appeals.replied_in_time_rate": {"kjj": D("66.7"), "czj": D("100.0"), "centre": D("100.0")},
    "appeals.satisfaction_rate": {"kjj": D("100.0"), "czj": D("0.0")},
    "appeals.unsatisfied": {"czj": 1},
    "appeals.reopen_rate": {"kjj": D("33.3"), "czj": D("100.0"), "centre": D("0.0")},
    "appeals.triple": {"kjj": 1},
    "appeals.escalated": {"kjj": 1},
}
EXPECTED_SEPTEMBER = {
    "appeals.received": {"kjj": 4},
    "appeals.accepted_in_time_rate": {"kjj": D("100.0")},
    "appeals.signed_in_time_rate": {},
    "appeals.replied": {},
    "appeals.replied_in_time_rate": {},
    "appeals.satisfaction_rate": {},
    "appeals.unsatisfied": {},
    "appeals.reopen_rate": {},
    "appeals.triple": {},
    "appeals.escalated": {},
}
# The appeals behind each measure in October, per department (None: not dispatched).
EXPECTED_RECORDS_OCTOBER = {
    "appeals.received": {"czj": {"A6"}, "centre": {"A7"}, None: {"A4"}},
    "appeals.accepted": {"kjj": {"A1", "A2"}, "czj": {"A6"}, "centre": {"A7"}},
    "appeals.accepted_in_time": {"kjj": {"A1"}, "czj": {"A6"}, "centre": {"A7"}},
    "appeals.signed": {"kjj": {"A1", "A2", "A3", "A5"}},
    "appeals.signed_in_time": {"kjj": {"A1", "A3", "A5"}},
    "appeals.replied": {"kjj": {"A1", "A2", "A5"}, "czj": {"A6"}, "centre": {"A7"}},
    "appeals.replied_in_time": {"kjj": {"A1", "A5"}, "czj": {"A6"}, "centre": {"A7"}},
    "appeals.evaluated": {"kjj": {"A1", "A2", "A5"}, "czj": {"A6"}},
    "appeals.satisfied": {"kjj": {"A1", "A2", "A5"}},
    "appeals.unsatisfied": {"czj": {"A6"}},
    "appeals.reopened": {"kjj": {"A5"}, "czj": {"A6"}},
    "appeals.triple": {"kjj": {"A3"}},
    "appeals.escalated": {"kjj": {"A3"}},
}


@pytest.fixture(autouse=True)
def _effects_as_in_production(request, monkeypatch):
    """As in tests/appeals: the effects after commit run when a transition or service returns."""
    from tests.after_commit import run_effects_on_return

    run_effects_on_return(
        request, monkeypatch, services, ("submit", "request_extension", "watch_deadlines", "close_unevaluated")
    )


def at(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def world(staff, monkeypatch):  # noqa: F811
    monkeypatch.setattr(appeal_supervision, "today", lambda: TODAY)
    operator, kjj_reviewer = staff["cyzx_operator"], staff["kjj_reviewer"]
    kjj, czj = Department.objects.get(code="yc-kjj"), Department.objects.get(code="yc-czj")
    czj_handler = handler_of(czj)
    appeals = {}

    def appeal(name, kind, when):
        appeals[name] = submitted(kind=kind, at=when)
        return appeals[name]

    a1 = appeal("A1", "complaint", at(9, 30))
    perform(a1, "accept", by=operator, at=at(10, 8, 9))
    perform(a1, "dispatch", by=operator, at=at(10, 8), department=kjj)
    perform(a1, "sign", by=kjj_reviewer, at=at(10, 9))
    perform(a1, "reply", by=kjj_reviewer, at=at(10, 16), reason=REPLY)
    services.evaluate(a1, satisfaction="satisfied", by=a1.submitted_by, at=at(10, 19))

    a2 = appeal("A2", "consultation", at(9, 29, 15))
    perform(a2, "accept", by=operator, at=at(10, 8, 9, 30))
    perform(a2, "dispatch", by=operator, at=at(10, 8, 10, 30), department=kjj)
    perform(a2, "sign", by=kjj_reviewer, at=at(10, 12))
    perform(a2, "reply", by=kjj_reviewer, at=at(10, 14), reason=REPLY)
    services.evaluate(a2, satisfaction="basic", by=a2.submitted_by, at=at(10, 15))

    a3 = appeal("A3", "complaint", at(9, 30, 16))
    perform(a3, "accept", by=operator, at=at(9, 30, 17))
    perform(a3, "dispatch", by=operator, at=at(10, 8), department=czj)
    perform(a3, "return", by=czj_handler, at=at(10, 9, 9), reason="不属本部门职责范围")
    perform(a3, "dispatch", by=operator, at=at(10, 9), department=kjj)
    perform(a3, "sign", by=kjj_reviewer, at=at(10, 10, 9))
    Appeal.objects.filter(pk=a3.pk).update(escalated_on=dt.date(2026, 10, 16), triple_overdue_on=dt.date(2026, 10, 20))

    appeal("A4", "help", at(10, 9, 11))

    a5 = appeal("A5", "complaint", at(9, 28, 9))
    perform(a5, "accept", by=operator, at=at(9, 28))
    perform(a5, "dispatch", by=operator, at=at(9, 28, 11), department=kjj)
    perform(a5, "sign", by=kjj_reviewer, at=at(9, 29))
    perform(a5, "reply", by=kjj_reviewer, at=at(9, 30), reason=REPLY)
    services.evaluate(a5, satisfaction="unsatisfied", comment="仍未解决", by=a5.submitted_by, at=at(10, 8))
    perform(a5, "sign", by=kjj_reviewer, at=at(10, 9))
    perform(a5, "reply", by=kjj_reviewer, at=at(10, 13), reason=REPLY)
    services.evaluate(a5, satisfaction="satisfied", by=a5.submitted_by, at=at(10, 14))

    a6 = appeal("A6", "suggestion", at(10, 9, 9))
    perform(a6, "accept", by=operator, at=at(10, 9))
    perform(a6, "dispatch", by=operator, at=at(10, 9, 11), department=czj)
    perform(a6, "sign", by=czj_handler, at=at(10, 12))
    perform(a6, "reply", by=czj_handler, at=at(10, 12, 15), reason=REPLY)
    services.evaluate(a6, satisfaction="unsatisfied", comment="答复未回应诉求", by=a6.submitted_by, at=at(10, 13))

    a7 = appeal("A7", "consultation", at(10, 9))
    perform(a7, "accept", by=operator, at=at(10, 10, 9))
    perform(a7, "answer", by=operator, at=at(10, 10), reason="该政策每年三月受理申报，请关注通知。")

    centre = Appeal.objects.get(pk=a7.pk).department
    return {
        "appeals": {name: Appeal.objects.get(pk=a.pk) for name, a in appeals.items()},
        "departments": {"kjj": kjj, "czj": czj, "centre": centre},
        "operator": operator,
    }


def by_pk(world, table):
    pk = {key: d.pk for key, d in world["departments"].items()} | {None: None}
    return {figure: {pk[key]: value for key, value in values.items()} for figure, values in table.items()}


def values(period, *, live):
    return compute.figure_values([figures.get(key) for key in FIGURES], period, by="department", live=live)


def test_the_states_the_table_starts_from(world):
    appeals = world["appeals"]
    assert {name: a.status for name, a in appeals.items()} == {
        "A1": "closed",
        "A2": "closed",
        "A3": "handling",
        "A4": "submitted",
        "A5": "closed",
        "A6": "dispatched",
        "A7": "replied",
    }
    assert appeals["A5"].reopen_count == 1 and appeals["A6"].reopen_count == 1
    assert appeals["A7"].department.kind == Department.Kind.OPERATIONS


def test_every_appeal_figure_per_department_live(world):
    assert values(OCTOBER, live=True) == by_pk(world, EXPECTED_OCTOBER)
    assert values(SEPTEMBER, live=True) == by_pk(world, EXPECTED_SEPTEMBER)


def test_every_appeal_figure_per_department_stored(world):
    compute.refresh()
    assert values(OCTOBER, live=False) == by_pk(world, EXPECTED_OCTOBER)
    assert values(SEPTEMBER, live=False) == by_pk(world, EXPECTED_SEPTEMBER)


def test_each_number_drills_down_to_its_appeals(world):
    names = {a.pk: name for name, a in world["appeals"].items()}
    for key, by_department in EXPECTED_RECORDS_OCTOBER.items():
        for department, expected in by_department.items():
            if department is None:
                rows = compute.records(key, OCTOBER).filter(department__isnull=True)
            else:
                rows = compute.records(key, OCTOBER, departments=[world["departments"][department].pk])
            assert {names[pk] for pk in rows.values_list("pk", flat=True)} == expected, (key, department)
            assert rows.count() == len(expected)


def test_an_appeal_not_dispatched_counts_in_the_total_and_its_region_but_for_no_department(world):
    a4 = world["appeals"]["A4"]
    received = [figures.get("appeals.received")]
    compute.refresh()
    for live in (False, True):
        assert compute.figure_values(received, OCTOBER, live=live) == {"appeals.received": {None: 3}}
        # The appeal's own region (西陵区, where the enterprises are), not its department's (宜昌市).
        in_region = compute.figure_values(received, OCTOBER, region_ids=[a4.region_id], live=live)
        assert in_region == {"appeals.received": {None: 3}}
        city = world["departments"]["kjj"].region_id
        assert compute.figure_values(received, OCTOBER, region_ids=[city], live=live) == {"appeals.received": {None: 0}}
    for department in world["departments"].values():
        rows = compute.records("appeals.received", OCTOBER, departments=[department.pk])
        assert a4.pk not in set(rows.values_list("pk", flat=True))


def test_the_dashboard_counts_what_the_appeal_statistics_count(world):
    """Over a period holding every event, each measure counts, per department, the appeals the 诉求统计 counts
    with the same condition (the statistics date by submission, the dashboard by the event)."""
    whole = Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    table = statistics.Statistics(world["operator"], statistics.Period(whole.start, whole.end), today=TODAY)
    rows = {row.key: row for row in table.by_department()}
    pairs = {
        "appeals.received": ("received",),
        "appeals.accepted_in_time": ("accepted_in_time",),
        "appeals.signed_in_time": ("signed_in_time",),
        "appeals.replied": ("replied",),
        "appeals.replied_in_time": ("replied_in_time",),
        "appeals.satisfied": ("satisfied", "basic"),
        "appeals.unsatisfied": ("unsatisfied",),
        "appeals.evaluated": ("satisfied", "basic", "unsatisfied"),
        "appeals.reopened": ("reopened",),
        "appeals.triple": ("triple",),
        "appeals.escalated": ("escalated",),
    }
    compute.refresh()
    for live in (False, True):
        tallies = compute.tally(list(pairs), whole, by="department", live=live)
        for key, names in pairs.items():
            dashboard = {group: t.n for group, t in tallies[key].items() if t.n}
            expected = {
                department: sum(row[name] for name in names)
                for department, row in rows.items()
                if sum(row[name] for name in names)
            }
            assert dashboard == expected, (key, live)
    assert rows[world["departments"]["kjj"].pk]["replied"] == 3


def test_a_running_clock_past_due_makes_a_reply_late_as_of_today(world, monkeypatch):
    """A6's second 办理 clock runs until 10-27: on 10-28 its earlier reply is no longer 按时 (the statistics' rule)."""
    monkeypatch.setattr(appeal_supervision, "today", lambda: dt.date(2026, 10, 28))
    rate = compute.figure_values([figures.get("appeals.replied_in_time_rate")], OCTOBER, by="department", live=True)
    assert rate["appeals.replied_in_time_rate"][world["departments"]["czj"].pk] == D("0.0")
