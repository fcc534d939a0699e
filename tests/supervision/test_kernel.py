"""The supervision kernel on the six policies of `policy_measures` (counted by hand there): stored facts and the
live aggregate agree, figures per department and per month, the records behind each number, partial refreshes,
percentiles, periods and warnings."""

import datetime as dt
from decimal import Decimal

import pytest

from portal.org.models import Department
from portal.supervision import compute, warnings
from portal.supervision.measures import Figure, figures
from portal.supervision.models import Fact, Refresh
from portal.supervision.periods import Period, parse
from tests.supervision import policy_measures

pytestmark = pytest.mark.django_db
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
FOURTH_QUARTER = Period.quarter(2026, 4)
KEYS = ["testpolicies.published", "testpolicies.late_rate", "testpolicies.mean_days", "testpolicies.p90_days"]


@pytest.fixture
def registered():
    policy_measures.register()
    yield
    policy_measures.unregister()


@pytest.fixture
def policies(demo_org, registered):
    return policy_measures.make_policies()


@pytest.fixture
def departments(demo_org):
    return {code: Department.objects.get(code=code).pk for code in ("yc-kjj", "yc-czj")}


def _figures():
    return [figures.get(key) for key in KEYS]


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_every_figure_per_department_as_counted_by_hand(policies, departments, live):
    compute.refresh([m.key for m in policy_measures.MEASURES])
    values = compute.figure_values(_figures(), YEAR, by="department", live=live)
    kjj, czj = departments["yc-kjj"], departments["yc-czj"]
    assert values["testpolicies.published"] == {kjj: 4, czj: 2}
    assert values["testpolicies.late_rate"] == {kjj: Decimal("50.0"), czj: Decimal("0.0")}
    assert values["testpolicies.mean_days"] == {kjj: Decimal("3.00"), czj: Decimal("2.00")}
    assert values["testpolicies.p90_days"] == {kjj: 5, czj: 3}
    whole = compute.figure_values(_figures(), YEAR, live=live)
    assert whole == {
        "testpolicies.published": {None: 6},
        "testpolicies.late_rate": {None: Decimal("33.3")},
        "testpolicies.mean_days": {None: Decimal("2.67")},
        "testpolicies.p90_days": {None: 5},
    }


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_per_month_and_a_shorter_period(policies, departments, live):
    compute.refresh()
    monthly = compute.figure_values(_figures()[:1], YEAR, by="month", live=live)["testpolicies.published"]
    assert monthly == {dt.date(2026, 3, 1): 3, dt.date(2026, 9, 1): 1, dt.date(2026, 10, 1): 2}
    quarter = compute.figure_values(_figures(), FOURTH_QUARTER, by="department", live=live)
    assert quarter["testpolicies.published"] == {departments["yc-kjj"]: 2}
    assert quarter["testpolicies.mean_days"] == {departments["yc-kjj"]: Decimal("3.50")}


def test_the_records_behind_each_number_are_the_ones_counted(policies, departments):
    late = compute.records("testpolicies.late", YEAR, departments=[departments["yc-kjj"]])
    assert sorted(late.values_list("document_number", flat=True)) == ["P2", "P4"]
    assert compute.records("testpolicies.late", YEAR, departments=[departments["yc-czj"]]).count() == 0
    assert compute.records("testpolicies.published", FOURTH_QUARTER).count() == 2
    assert list(
        compute.records("testpolicies.published", YEAR, category="P5").values_list("document_number", flat=True)
    ) == ["P5"]


def test_a_partial_refresh_rewrites_only_the_days_from_since(policies, departments):
    compute.refresh(["testpolicies.published"])
    march = Fact.objects.filter(measure="testpolicies.published", day__month=3)
    assert march.count() == 3
    march.update(n=100)  # a stale figure of old days stays until the nightly full refresh
    compute.refresh(["testpolicies.published"], since=dt.date(2026, 9, 1))
    assert sorted(Fact.objects.filter(measure="testpolicies.published").values_list("n", flat=True)) == [
        1,
        1,
        1,
        100,
        100,
        100,
    ]
    assert Refresh.objects.get(measure="testpolicies.published").since == dt.date(2026, 9, 1)
    compute.refresh(["testpolicies.published"])
    assert compute.figure_values(_figures()[:1], YEAR)["testpolicies.published"] == {None: 6}


def test_refreshing_twice_changes_nothing(policies):
    compute.refresh()
    first = sorted(Fact.objects.values_list("measure", "day", "department_id", "category", "bucket", "n", "total"))
    compute.refresh()
    assert (
        sorted(Fact.objects.values_list("measure", "day", "department_id", "category", "bucket", "n", "total")) == first
    )


def test_percentile_by_nearest_rank():
    assert compute.percentile({}) is None
    assert compute.percentile({7: 1}) == 7
    # ten values 1..10: the 9th is the 90th percentile; eleven values: ceil(9.9) = the 10th
    assert compute.percentile(dict.fromkeys(range(1, 11), 1)) == 9
    assert compute.percentile(dict.fromkeys(range(1, 12), 1)) == 10
    assert compute.percentile({0: 95, 30: 5}) == 0
    assert compute.percentile({0: 89, 30: 11}) == 30


def test_a_ratio_without_a_base_and_a_mean_without_records_are_undefined(registered, demo_org):
    values = compute.figure_values(_figures(), YEAR)
    assert values["testpolicies.published"] == {None: 0}
    assert values["testpolicies.late_rate"] == {None: None}
    assert values["testpolicies.mean_days"] == {None: None}
    assert values["testpolicies.p90_days"] == {None: None}


def test_a_misregistered_figure_fails_the_system_check(registered):
    bad = Figure(key="testpolicies.bad", label="错", section="nowhere", kind=Figure.RATIO, measure="testpolicies.none")
    problems = [str(m.msg) for m in bad.check()]
    assert any("section 'nowhere'" in p for p in problems)
    assert any("has a base" in p for p in problems)
    assert any("'testpolicies.none' is not registered" in p for p in problems)


def test_periods():
    assert Period.month(2026, 12) == Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert Period.quarter(2026, 1) == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert Period.month(2026, 3).previous() == Period.month(2026, 2)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.year(2026).previous() == Period.year(2025)
    assert Period(dt.date(2026, 3, 10), dt.date(2026, 3, 19)).previous() == Period(
        dt.date(2026, 2, 28), dt.date(2026, 3, 9)
    )
    assert [p.start.month for p in YEAR.months()] == list(range(1, 13))
    period, errors = parse({"from": "２０２６/３/８", "to": "2026年3月31日"})
    assert (period, errors) == (Period(dt.date(2026, 3, 8), dt.date(2026, 3, 31)), [])
    period, errors = parse({"from": "2026-13-01"}, default=YEAR)
    assert period == YEAR and errors == ["起始日期“2026-13-01”不是日历上存在的日期。"]
    period, errors = parse({"from": "下个月"}, default=YEAR)
    assert period == YEAR and errors == ["起始日期“下个月”无法识别，请按 2026-03-08 的格式填写。"]
    period, errors = parse({"from": "2026-03-31", "to": "2026-03-01"}, default=YEAR)
    assert period == YEAR and errors == ["截止日期不能早于起始日期。"]


def test_calendar_warning_from_december_for_an_uncovered_next_year(db):
    from portal.workcalendar.models import CalendarYear

    CalendarYear.objects.filter(year=2027).delete()
    assert warnings.calendar_next_year(dt.date(2026, 11, 30)) == []
    messages = warnings.calendar_next_year(dt.date(2026, 12, 1))
    assert len(messages) == 1 and "2027年的工作日历尚未录入" in messages[0].message


def test_stuck_outbox_messages_are_a_warning(db):
    from django.utils import timezone

    from portal.notify.models import OutboxMessage

    now = timezone.now()
    for key in ("a", "b"):
        OutboxMessage.objects.create(channel="webhook", target="12345", dedupe_key=key, next_attempt_at=now)
    OutboxMessage.objects.filter(dedupe_key="a").update(created_at=now - dt.timedelta(minutes=31))
    messages = warnings.outbox_stuck(now)
    assert [m.level for m in messages] == ["danger"]
    assert "有1条短信或推送消息排队超过30分钟未发出" in messages[0].message


def test_a_broken_warning_check_becomes_a_warning_of_its_own(db):
    def broken():
        raise RuntimeError("boom")

    warnings.warnings.add("broken", broken, label="测试预警")
    try:
        messages = warnings.active()
    finally:
        warnings.warnings.unregister("broken")
    assert "预警检查“测试预警”运行出错，请查看日志。" in [m.message for m in messages]


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_a_period_with_ragged_ends_reads_day_facts_at_the_edges_and_month_facts_between(policies, departments, live):
    # 3-04 … 10-10: P1 (3-03) and P4 (10-12) fall outside; P2 3-06, P6 3-05 (edge days), P5 9-28 (a whole month),
    # P3 10-09 (edge days).
    compute.refresh()
    period = Period(dt.date(2026, 3, 4), dt.date(2026, 10, 10))
    assert compute._pieces(period) == (
        [(dt.date(2026, 3, 4), dt.date(2026, 3, 31)), (dt.date(2026, 10, 1), dt.date(2026, 10, 10))],
        (dt.date(2026, 4, 1), dt.date(2026, 9, 1)),
    )
    values = compute.figure_values(_figures(), period, by="department", live=live)
    kjj, czj = departments["yc-kjj"], departments["yc-czj"]
    assert values["testpolicies.published"] == {kjj: 2, czj: 2}
    assert values["testpolicies.mean_days"] == {kjj: Decimal("3.00"), czj: Decimal("2.00")}  # (4+2)/2, (1+3)/2
    monthly = compute.figure_values(_figures()[:1], period, by="month", live=live)["testpolicies.published"]
    assert monthly == {dt.date(2026, 3, 1): 2, dt.date(2026, 9, 1): 1, dt.date(2026, 10, 1): 1}


def test_month_pieces_of_short_and_whole_periods():
    assert compute._pieces(Period(dt.date(2026, 3, 4), dt.date(2026, 3, 20))) == (
        [(dt.date(2026, 3, 4), dt.date(2026, 3, 20))],
        None,
    )
    assert compute._pieces(Period.month(2026, 2)) == ([], (dt.date(2026, 2, 1), dt.date(2026, 2, 1)))
    assert compute._pieces(Period(dt.date(2026, 12, 15), dt.date(2027, 1, 31))) == (
        [(dt.date(2026, 12, 15), dt.date(2026, 12, 31))],
        (dt.date(2027, 1, 1), dt.date(2027, 1, 1)),
    )


class _RollbackError(Exception):
    pass


@pytest.mark.django_db
def test_stored_and_live_agree_on_any_policies_and_any_period(demo_org, registered):
    """Generated publications and periods: the facts added up (days at the edges, months between) give every
    figure, per department and per month, exactly as the live aggregate over the rows."""
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from policies.models import Policy
    from tests.factories.policies import PolicyFactory

    kjj, czj = (Department.objects.get(code=code) for code in ("yc-kjj", "yc-czj"))
    days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))
    publication = st.tuples(st.sampled_from([kjj, czj]), days, st.integers(min_value=0, max_value=20))

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(publication, max_size=8), days, days)
    def agree(publications, a, b):
        period = Period(min(a, b), max(a, b))
        try:
            with transaction.atomic():
                for n, (department, published, lag) in enumerate(publications):
                    issued = published - dt.timedelta(days=lag)
                    policy = PolicyFactory(
                        lead_department=department, region=department.region, document_number=f"H{n}", issue_date=issued
                    )
                    Policy.objects.filter(pk=policy.pk).update(
                        status=Policy.Status.PUBLISHED,
                        published_at=dt.datetime.combine(published, dt.time(23, 30), tzinfo=policy_measures.TZ),
                    )
                compute.refresh([m.key for m in policy_measures.MEASURES])
                for by in (None, "department", "month"):
                    stored = compute.figure_values(_figures(), period, by=by)
                    live = compute.figure_values(_figures(), period, by=by, live=True)
                    assert stored == live, (by, period)
                raise _RollbackError
        except _RollbackError:
            pass

    agree()


def test_a_report_leaves_out_the_warnings_about_the_machines_of_the_moment(db, monkeypatch):
    from portal.core import health

    monkeypatch.setattr(health, "check_redis_and_workers", lambda: ((True, "ok"), (False, "no live worker")))
    on_page = [w.message for w in warnings.active()]
    in_report = [w.message for w in warnings.active(for_report=True)]
    worker = "没有正在运行的后台任务进程（Celery worker）：短信不会发出，时限提醒和统计汇总不会更新。"
    assert worker in on_page and worker not in in_report
