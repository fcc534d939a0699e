"""资金兑付督查: every payout figure of the dashboards on known payouts across the 2026 National Day holiday, per
paying department, stored (after `compute.refresh()`) and live, with the records behind each number.

The 2026 calendar (portal.workcalendar, official): 中秋 Fri 09-25 off; 国庆 Thu 10-01 … Wed 10-07 off (10-01, 10-02,
10-05, 10-06, 10-07 weekdays off); Sun 09-20 and Sat 10-10 are 调休 working days; Thu 10-08 is a working day.

    Sep 14 M W  15 T W  16 W W  17 T W  18 F W  19 S -  20 S W*
        21 M W  22 T W  23 W W  24 T W  25 F H  26 S -  27 S -
        28 M W  29 T W  30 W W  Oct 1 T H  2 F H  3 S -  4 S -
    Oct  5 M H   6 T H   7 W H   8 T W   9 F W  10 S W*  11 S -
        12 M W  13 T W  14 W W  15 T W  16 F W

Working days after the first date up to and including the second, counted on that table:

    payout  dept   state      approved  paid      amount      days  how
    P1      市财政  paid       09-24     10-09     100000.00   5     09-28 29 30 10-08 09
    P2      市财政  paid       09-30     10-12      50000.00   4     10-08 09 10* 12
    P3      市财政  paid       09-18     10-10      20000.50   11    09-20* 21 22 23 24 28 29 30 10-08 09 10*
    P6      市财政  paid       10-09     10-15      12345.67   5     10-10* 12 13 14 15
    P4      区财政  paid       09-28     09-30       8000.00   2     09-29 30                  (September)
    P5      区财政  paid       10-08     10-16      30000.00   7     10-09 10* 12 13 14 15 16
    W1      市财政  pending    09-30     —          40000.00   4     waiting on Mon 10-12: 10-08 09 10* 12
    W2      市财政  sent       09-24     —          15000.00   7     09-28 29 30 10-08 09 10* 12
    W3      市财政  failed     09-21     —           6000.00   10    09-22 23 24 28 29 30 10-08 09 10* 12
    W4      区财政  held       10-09     —           2500.00   2     10-10* 12
    C1      市财政  cancelled  09-01     —           8888.00   —     never counted

Failed payments (a batch line the bank returned as failed, dated by when the result was recorded, Beijing time):
L1 W3 10-09 11:00 (its line saved again, still failed, on 10-20: one failure); L2 P5 10-13 10:00; L4 P2 09-30 23:30
(September); L5 P1 10-01 00:30 (October, though 09-30 in UTC).

Off-platform subsidies (奖补汇聚), late when more than 5 working days from payment to the (first) submission:

    record  dept     paid    submitted            days  late  how
    R1      科技局    09-28   10-09 10:00          4     no    09-29 30 10-08 09
    R2      科技局    09-24   10-09 10:00          5     no    09-28 29 30 10-08 09 (exactly 5)
    R3      科技局    09-24   10-10 09:00 (Sat)    6     yes   … 10-10*
    R7      科技局    09-30   10-01 00:20          0     no    submitted on a holiday (09-30 in UTC)
    R4      经信局    09-18   10-12 10:00          12    yes   09-20* 21 22 23 24 28 29 30 10-08 09 10* 12
    R5      经信局    10-09   10-12 10:00          2     no    10-10* 12
    R6      经信局    R4 again (suspected duplicate), never counted
    R8      科技局    09-14   09-29 10:00          11    yes   09-15 … 09-29                (September)

October, by paying (or reporting) department:

    figure                       市财政局     西陵区财政局   科技局    经信局
    兑付笔数                      4            1
    兑付金额                      182346.17    30000.00
    平均兑付用时                   6.25         7.00                      (5+4+11+5)/4; 7/1
    兑付用时90%分位               11           7                         rank ⌈0.9×4⌉=4 of 4 5 5 11
    待兑付金额（当前，10-12）       61000.00     2500.00
    待兑付笔数                     3            1
    待兑付平均已等待               7.00         2.00                      (4+7+10)/3
    待兑付已等待90%分位            10           2                         rank ⌈0.9×3⌉=3 of 4 7 10
    支付失败笔数                   2            1                         L1, L5; L2
    支付失败金额                   106000.00    30000.00
    奖补报送条数                                              4         2
    平均报送用时                                              3.75      7.00    (4+5+6+0)/4; (12+2)/2
    逾期报送条数                                              1         1
    逾期报送率                                                25.0      50.0
"""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Application, Status
from payouts import subsidies
from payouts import supervision as payout_supervision
from payouts.models import (
    BatchLine,
    BatchState,
    FundingSource,
    LineOutcome,
    Payout,
    PayoutBatch,
    PayoutState,
    SubsidyRecord,
    SubsidySubmission,
)
from portal import workdays
from portal.org.models import Department
from portal.supervision import compute
from portal.supervision.measures import figures
from portal.supervision.periods import Period
from tests.factories.applications import published_matter
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.org import CityFactory, CountyFactory, DepartmentFactory
from tests.factories.policies import StaffFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
D = Decimal
TODAY = dt.date(2026, 10, 12)
OCTOBER = Period.month(2026, 10)
SEPTEMBER = Period.month(2026, 9)
FIGURES = [
    "payouts.paid_count",
    "payouts.paid_amount",
    "payouts.days_to_pay",
    "payouts.days_to_pay_p90",
    "payouts.waiting_amount",
    "payouts.waiting_count",
    "payouts.waiting_days",
    "payouts.waiting_days_p90",
    "payouts.failed_count",
    "payouts.failed_amount",
    "payouts.subsidies_reported",
    "payouts.subsidies_report_days",
    "payouts.subsidies_late",
    "payouts.subsidies_late_rate",
]
# The hand-computed table of the module's docstring: figure → {department: value}.
EXPECTED_OCTOBER = {
    "payouts.paid_count": {"czj": 4, "xl": 1},
    "payouts.paid_amount": {"czj": D("182346.17"), "xl": D("30000.00")},
    "payouts.days_to_pay": {"czj": D("6.25"), "xl": D("7.00")},
    "payouts.days_to_pay_p90": {"czj": 11, "xl": 7},
    "payouts.waiting_amount": {"czj": D("61000.00"), "xl": D("2500.00")},
    "payouts.waiting_count": {"czj": 3, "xl": 1},
    "payouts.waiting_days": {"czj": D("7.00"), "xl": D("2.00")},
    "payouts.waiting_days_p90": {"czj": 10, "xl": 2},
    "payouts.failed_count": {"czj": 2, "xl": 1},
    "payouts.failed_amount": {"czj": D("106000.00"), "xl": D("30000.00")},
    "payouts.subsidies_reported": {"kjj": 4, "jxj": 2},
    "payouts.subsidies_report_days": {"kjj": D("3.75"), "jxj": D("7.00")},
    "payouts.subsidies_late": {"kjj": 1, "jxj": 1},
    "payouts.subsidies_late_rate": {"kjj": D("25.0"), "jxj": D("50.0")},
}
# September: P4 paid (2 days), L4 failed, R8 reported late; the snapshot figures are the same "now".
EXPECTED_SEPTEMBER = {
    "payouts.paid_count": {"xl": 1},
    "payouts.paid_amount": {"xl": D("8000.00")},
    "payouts.days_to_pay": {"xl": D("2.00")},
    "payouts.days_to_pay_p90": {"xl": 2},
    "payouts.waiting_amount": {"czj": D("61000.00"), "xl": D("2500.00")},
    "payouts.waiting_count": {"czj": 3, "xl": 1},
    "payouts.waiting_days": {"czj": D("7.00"), "xl": D("2.00")},
    "payouts.waiting_days_p90": {"czj": 10, "xl": 2},
    "payouts.failed_count": {"czj": 1},
    "payouts.failed_amount": {"czj": D("50000.00")},
    "payouts.subsidies_reported": {"kjj": 1},
    "payouts.subsidies_report_days": {"kjj": D("11.00")},
    "payouts.subsidies_late": {"kjj": 1},
    "payouts.subsidies_late_rate": {"kjj": D("100.0")},
}
# The records behind each measure in October, per department: what the drill-down lists.
EXPECTED_RECORDS_OCTOBER = {
    "payouts.paid": {"czj": {"P1", "P2", "P3", "P6"}, "xl": {"P5"}},
    "payouts.paid_amount": {"czj": {"P1", "P2", "P3", "P6"}, "xl": {"P5"}},
    "payouts.waiting": {"czj": {"W1", "W2", "W3"}, "xl": {"W4"}},
    "payouts.waiting_days": {"czj": {"W1", "W2", "W3"}, "xl": {"W4"}},
    "payouts.failed": {"czj": {"W3", "P1"}, "xl": {"P5"}},
    "payouts.subsidies_reported": {"kjj": {"R1", "R2", "R3", "R7"}, "jxj": {"R4", "R5"}},
    "payouts.subsidies_late": {"kjj": {"R3"}, "jxj": {"R4"}},
}


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TZ)


class World:
    """The payouts, failed lines and off-platform records of the module's docstring."""

    serial = itertools.count(1)

    def __init__(self):
        city, county = CityFactory(), CountyFactory()
        self.departments = {
            "czj": DepartmentFactory(name="宜昌市财政局", code="sv-czj", region=city, kind=Department.Kind.FINANCE),
            "xl": DepartmentFactory(name="西陵区财政局", code="sv-xlczj", region=county, kind=Department.Kind.FINANCE),
            "kjj": DepartmentFactory(name="宜昌市科学技术局", code="sv-kjj", region=city),
            "jxj": DepartmentFactory(name="宜昌市经济和信息化局", code="sv-jxj", region=city),
        }
        self.city, self.county = city, county
        self.sources = {
            key: FundingSource.objects.create(
                name=f"{self.departments[key].name}产业资金",
                level=region.level,
                region=region,
                department=self.departments[key],
            )
            for key, region in (("czj", city), ("xl", county))
        }
        self.matter = published_matter()
        self.enterprise = EnterpriseFactory()
        self.maker = StaffFactory()
        self.batches = {key: self.batch(key) for key in self.sources}
        self.payouts = {}
        for name, source, state, approved, paid, amount in [
            ("P1", "czj", "paid", "2026-09-24", "2026-10-09", "100000.00"),
            ("P2", "czj", "paid", "2026-09-30", "2026-10-12", "50000.00"),
            ("P3", "czj", "paid", "2026-09-18", "2026-10-10", "20000.50"),
            ("P6", "czj", "paid", "2026-10-09", "2026-10-15", "12345.67"),
            ("P4", "xl", "paid", "2026-09-28", "2026-09-30", "8000.00"),
            ("P5", "xl", "paid", "2026-10-08", "2026-10-16", "30000.00"),
            ("W1", "czj", "pending", "2026-09-30", None, "40000.00"),
            ("W2", "czj", "sent", "2026-09-24", None, "15000.00"),
            ("W3", "czj", "failed", "2026-09-21", None, "6000.00"),
            ("W4", "xl", "held", "2026-10-09", None, "2500.00"),
            ("C1", "czj", "cancelled", "2026-09-01", None, "8888.00"),
        ]:
            self.payouts[name] = self.payout(source, state, approved, paid, amount)
        l1 = self.failed_line("W3", at("2026-10-09", 11))
        self.failed_line("P5", at("2026-10-13"))
        self.failed_line("P2", at("2026-09-30", 23, 30))
        self.failed_line("P1", at("2026-10-01", 0, 30))
        # The failed line saved again (a later correction of its reason): still one failed payment.
        l1.failure_reason = "户名不符"
        l1.save()
        BatchLine.history.filter(id=l1.pk, history_type="~").update(history_date=at("2026-10-20"))
        self.records = {}
        for name, department, paid, submitted in [
            ("R1", "kjj", "2026-09-28", at("2026-10-09")),
            ("R2", "kjj", "2026-09-24", at("2026-10-09")),
            ("R3", "kjj", "2026-09-24", at("2026-10-10", 9)),
            ("R7", "kjj", "2026-09-30", at("2026-10-01", 0, 20)),
            ("R4", "jxj", "2026-09-18", at("2026-10-12")),
            ("R5", "jxj", "2026-10-09", at("2026-10-12")),
            ("R8", "kjj", "2026-09-14", at("2026-09-29")),
        ]:
            self.records[name] = self.record(name, department, paid, submitted)
        self.records["R6"] = self.record(
            "R6", "jxj", "2026-09-18", at("2026-10-13"), duplicate_of=self.records["R4"], item="R4"
        )

    def payout(self, source, state, approved, paid, amount) -> Payout:
        n = next(World.serial)
        approved_on = dt.date.fromisoformat(approved)
        paid_on = dt.date.fromisoformat(paid) if paid else None
        enterprise = EnterpriseFactory()  # one application per enterprise, matter and period
        application = Application.objects.create(
            number=f"SB2026090{n:07d}",
            enterprise=enterprise,
            matter=self.matter,
            period="2026",
            status=Status.PAID if state == "paid" else Status.TO_PAYOUT,
            submitted_at=at(approved),
            approved_amount=D(amount),
        )
        return Payout.objects.create(
            number=f"DF2026090{n:07d}",
            application=application,
            enterprise=enterprise,
            matter=self.matter,
            funding_source=self.sources[source],
            amount=D(amount),
            state=state,
            batch=self.batches[source] if state == "sent" else None,
            approved_on=approved_on,
            paid_on=paid_on,
            bank_reference=f"YH{n:08d}" if paid else "",
            # Stored on payment by the bank result import, as `services.import_results` does.
            workdays_to_pay=workdays.workdays_between(approved_on, paid_on) if paid_on else None,
            payee_name=enterprise.name,
            account_number="6222020200000000006",
        )

    def batch(self, source) -> PayoutBatch:
        return PayoutBatch.objects.create(
            number=f"PC2026090{next(World.serial):05d}",
            department=self.departments[source],
            funding_source=self.sources[source],
            state=BatchState.SETTLED,
            created_by=self.maker,
        )

    def failed_line(self, payout_name, when) -> BatchLine:
        payout = self.payouts[payout_name]
        key = next(k for k, s in self.sources.items() if s.pk == payout.funding_source_id)
        line = BatchLine.objects.create(
            batch=self.batches[key],
            payout=payout,
            position=next(World.serial),
            amount=payout.amount,
            payee_name=payout.payee_name,
            account_number="6222020200000000006",
            outcome=LineOutcome.FAILED,
            failure_reason="账号不存在",
        )
        BatchLine.history.filter(id=line.pk).update(history_date=when)
        return line

    def record(self, name, department, paid, submitted, **more) -> SubsidyRecord:
        department = self.departments[department]
        submission = SubsidySubmission.objects.create(
            department=department, channel=SubsidySubmission.Channel.FILE, submitted_at=submitted
        )
        paid_on = dt.date.fromisoformat(paid)
        return SubsidyRecord.objects.create(
            submission=submission,
            department=department,
            record_id=name,
            uscc=self.enterprise.uscc,
            enterprise_name=self.enterprise.name,
            enterprise=self.enterprise,
            policy_title="宜昌市促进科技创新若干政策",
            item=more.pop("item", name),
            amount=D("10000.00"),
            paid_on=paid_on,
            funding_source="2026年市级科技创新专项资金",
            submitted_at=submitted,
            late=subsidies.is_late(paid_on, submitted),
            **more,
        )

    def by_pk(self, table: dict) -> dict:
        return {
            figure: {self.departments[key].pk: value for key, value in values.items()}
            for figure, values in table.items()
        }

    def names(self, key, rows) -> set[str]:
        if key.startswith("payouts.subsidies"):
            return {row.record_id for row in rows}
        numbers = {payout.number: name for name, payout in self.payouts.items()}
        if key == "payouts.failed":
            return {numbers[row.payout.number] for row in rows}
        return {numbers[row.number] for row in rows}


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(payout_supervision, "today", lambda: TODAY)
    return World()


def values(period, *, live, **kwargs):
    return compute.figure_values([figures.get(key) for key in FIGURES], period, by="department", live=live, **kwargs)


def test_the_hand_counted_working_days_are_the_calendars():
    """Every working-day count of the docstring's tables, on the official 2026 calendar in the test database."""
    assert workdays.covered(2026)
    for start, end, expected in [
        ("2026-09-24", "2026-10-09", 5),
        ("2026-09-30", "2026-10-12", 4),
        ("2026-09-18", "2026-10-10", 11),
        ("2026-10-09", "2026-10-15", 5),
        ("2026-09-28", "2026-09-30", 2),
        ("2026-10-08", "2026-10-16", 7),
        ("2026-09-24", "2026-10-12", 7),
        ("2026-09-21", "2026-10-12", 10),
        ("2026-10-09", "2026-10-12", 2),
        ("2026-09-28", "2026-10-09", 4),
        ("2026-09-24", "2026-10-10", 6),
        ("2026-09-30", "2026-10-01", 0),
        ("2026-09-18", "2026-10-12", 12),
        ("2026-09-14", "2026-09-29", 11),
    ]:
        assert workdays.workdays_between(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == expected


def test_every_payout_figure_per_department_live(world):
    assert values(OCTOBER, live=True) == world.by_pk(EXPECTED_OCTOBER)
    assert values(SEPTEMBER, live=True) == world.by_pk(EXPECTED_SEPTEMBER)


def test_every_payout_figure_per_department_stored(world):
    compute.refresh()
    assert values(OCTOBER, live=False) == world.by_pk(EXPECTED_OCTOBER)
    assert values(SEPTEMBER, live=False) == world.by_pk(EXPECTED_SEPTEMBER)


def test_totals_and_a_region(world):
    """Over all departments, and for the county's region (西陵区财政局's)."""
    compute.refresh()
    totals = compute.figure_values([figures.get(key) for key in FIGURES], OCTOBER)
    assert {key: by[None] for key, by in totals.items()} == {
        "payouts.paid_count": 5,
        "payouts.paid_amount": D("212346.17"),
        "payouts.days_to_pay": D("6.40"),  # (5+4+11+5+7)/5
        "payouts.days_to_pay_p90": 11,  # rank ⌈4.5⌉=5 of 4 5 5 7 11
        "payouts.waiting_amount": D("63500.00"),
        "payouts.waiting_count": 4,
        "payouts.waiting_days": D("5.75"),  # (4+7+10+2)/4
        "payouts.waiting_days_p90": 10,  # rank ⌈3.6⌉=4 of 2 4 7 10
        "payouts.failed_count": 3,
        "payouts.failed_amount": D("136000.00"),
        "payouts.subsidies_reported": 6,
        "payouts.subsidies_report_days": D("4.83"),  # 29/6
        "payouts.subsidies_late": 2,
        "payouts.subsidies_late_rate": D("33.3"),
    }
    county = compute.figure_values(
        [figures.get("payouts.paid_amount"), figures.get("payouts.waiting_amount")],
        OCTOBER,
        region_ids=[world.county.pk],
    )
    assert county == {"payouts.paid_amount": {None: D("30000.00")}, "payouts.waiting_amount": {None: D("2500.00")}}


def test_each_number_drills_down_to_its_records(world):
    for key, by_department in EXPECTED_RECORDS_OCTOBER.items():
        for department, expected in by_department.items():
            rows = compute.records(key, OCTOBER, departments=[world.departments[department].pk])
            assert world.names(key, rows) == expected, (key, department)
            assert rows.count() == len(expected)


def test_late_subsidies_are_the_ones_the_submission_flagged(world):
    """The SQL rule and the flag set on submission (`subsidies.is_late`) agree on the official calendar."""
    whole = Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    late = set(compute.records("payouts.subsidies_late", whole).values_list("record_id", flat=True))
    assert late == {"R3", "R4", "R8"}
    assert late == set(SubsidyRecord.objects.filter(late=True, duplicate_of=None).values_list("record_id", flat=True))


def test_a_failure_recorded_by_the_bank_result_import_counts_on_its_day(monkeypatch):
    """Through the services: a payment fails, is corrected by the enterprise and fails again — two failed payments
    of the paying department, dated the day the results were imported."""
    from payouts import bankfiles, services
    from tests.factories.payouts import finance_of, finance_officers, to_payout

    monkeypatch.setattr("portal.core.tasks.publish", lambda task, *args, **kwargs: True)
    matter = published_matter()
    finance = finance_of(matter.region)
    maker, checker = finance_officers(finance)
    to_payout(matter, amount="3000.00")
    services.open_payouts()
    payout = Payout.objects.get()
    for account in ("6217 0000 0000 0000 004", None):
        batch = services.create_batch(by=maker, funding_source=payout.funding_source)
        services.approve_batch(batch, by=checker)
        services.export_batch(batch, by=maker, fmt="xlsx")
        result = bankfiles.results_template(batch, {payout.number: (False, "", None, "账户已销户")})
        services.import_results(batch, result, file_name="回单.xlsx", by=maker)
        if account:
            services.save_account(
                payout.enterprise,
                {"payee_name": payout.enterprise.name, "bank_name": "建设银行", "account_number": account},
                by=payout.enterprise.members.get().user,
            )
    assert Payout.objects.get().state == PayoutState.FAILED
    today = Period(timezone.localdate(), timezone.localdate())
    compute.refresh(["payouts.failed"])
    for live in (False, True):
        found = compute.figure_values(
            [figures.get("payouts.failed_count"), figures.get("payouts.failed_amount")],
            today,
            by="department",
            live=live,
        )
        assert found == {"payouts.failed_count": {finance.pk: 2}, "payouts.failed_amount": {finance.pk: D("6000.00")}}


def test_the_waiting_payouts_are_read_through_an_index():
    """`state IN (…)` can be answered from the index on the state (a filter written as "not paid, not cancelled"
    could not: with sequential scans disabled the planner would still have to scan every payout)."""
    sql, params = compute.records("payouts.waiting").order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan and "payouts_payout" in plan and "Seq Scan on payouts_payout" not in plan, plan


def test_late_subsidies_warn_with_the_departments(world):
    """Late records of the last 30 days (09-13 … 10-12): R3 and R8 of 科技局, R4 of 经信局."""
    (warning,) = payout_supervision.subsidies_late(TODAY)
    assert "近30天有3条平台外奖补数据在发放后超过5个工作日才报送" in warning.message
    assert "宜昌市科学技术局2条、宜昌市经济和信息化局1条" in warning.message
    assert warning.link == "/admin/payouts/subsidyrecord/?late__exact=1"
    assert payout_supervision.subsidies_late(dt.date(2026, 12, 31)) == []
