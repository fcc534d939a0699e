"""兑付结果与绩效 (宜昌 §39, 常州 §32): the public list per matter and the staff statistics, every figure checked
against a table computed by hand from known payouts and off-platform records.

The world (all payouts of one funding source; dates chosen so the working days can be counted by hand):

    #  matter            enterprise     case                  began       approved    paid        amount    app appr
    1  M1 政策甲 科技局  E1 西陵 C 小型  application           03-02 2026* 03-09 2026  03-16 2026  100000.00  10  5
    2  M1                E2 西陵 I 中型  application           03-03 2026  03-10 2026  03-20 2026   50000.00  13  8
    3  M1                E3 伍家岗 C 微  免申即享 (list 03-02)  03-02 2026  03-05 2026  03-16 2026   20000.00  10  7
    4  M2 涉密 政策甲    E2              application           03-02 2026  03-09 2026  03-13 2026   30000.00   9  4
    5  M3 政策乙 经信局  E3              application (国庆)    09-26 2025  09-30 2025  10-10 2025   80000.00   5  2
    6  M1                E2              application (2025)    03-03 2025  03-10 2025  03-14 2025    5000.00   9  4
    7  M1              E3            application          pending, 7777.00 — never counted
    8  M3              E1            application          failed, 3333.00 — never counted
    (app = working days application→payment, appr = approval→payment; * submitted at 00:30 Beijing time,
    the previous day in UTC: the local date counts)

    Off-platform (奖补汇聚): R1 经信局 M3 政策乙 E3 15000.00 (2026-02-10); R2 科技局 政策甲 unmatched 12000.00
    (2026-01-20); R3 科技局 no policy 9000.00 (2026-04-01); R4 duplicate of R1 15000.00 — never counted;
    R5 科技局 M2 E1 4000.00 (2026-05-05).
"""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Value
from django.db.models.fields import DateField
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application, Confirmation, ConfirmationList, Status
from enterprises.models import Enterprise
from payouts import results
from payouts.models import FundingSource, Payout, PayoutState, SubsidyRecord, SubsidySubmission
from portal import workdays
from portal.org.models import Department, Membership, Region, Role
from tests.factories.applications import published_matter
from tests.factories.enterprises import EnterpriseFactory, uscc_for
from tests.factories.org import CityFactory, CountyFactory, DepartmentFactory
from tests.factories.policies import PolicyFactory, StaffFactory, member

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    y, m, d = map(int, day.split("-"))
    return dt.datetime(y, m, d, hour, minute, tzinfo=BEIJING)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class World:
    """The payouts and records of the module docstring, with hand-computed expectations."""

    serial = 0

    def __init__(self):
        self.city = CityFactory()
        self.xiling = CountyFactory()
        self.wujiagang = Region.objects.create(
            code="420503", name="伍家岗区", level=Region.Level.COUNTY, parent=self.city
        )
        self.kjj = DepartmentFactory(name="宜昌市科学技术局", code="t-kjj", region=self.city)
        self.jxj = DepartmentFactory(name="宜昌市经济和信息化局", code="t-jxj", region=self.city)
        self.czj = DepartmentFactory(name="宜昌市财政局", code="t-czj", region=self.city, kind=Department.Kind.FINANCE)
        self.policy_a = PolicyFactory(title="政策甲：支持科技创新若干措施", lead_department=self.kjj, region=self.city)
        self.policy_b = PolicyFactory(title="政策乙：支持技术改造若干措施", lead_department=self.jxj, region=self.city)
        self.m1 = published_matter(policy=self.policy_a, name="高新技术企业认定奖励", code="YC-KJ-2026-101")
        self.m2 = published_matter(
            policy=self.policy_a, name="涉密科技专项补助", code="YC-KJ-2026-102", confidential=True
        )
        self.m3 = published_matter(
            policy=self.policy_b, name="技术改造补助", code="YC-JX-2026-103", region=self.wujiagang
        )
        self.source = FundingSource.objects.create(
            payer_name="宜昌市财政局国库存款",
            payer_account="42050110000000000001",
            payer_bank="中国人民银行宜昌市中心支库",
            name="2026年市级产业资金",
            level=Region.Level.CITY,
            region=self.city,
            department=self.czj,
        )
        self.e1 = EnterpriseFactory(name="甲科技有限公司", region=self.xiling, industry_code="C3911", size="small")
        self.e2 = EnterpriseFactory(name="乙软件有限公司", region=self.xiling, industry_code="I6510", size="medium")
        self.e3 = EnterpriseFactory(name="丙制造有限公司", region=self.wujiagang, industry_code="C3611", size="micro")
        for enterprise, size in ((self.e1, "small"), (self.e2, "medium"), (self.e3, "micro")):
            Enterprise.objects.filter(pk=enterprise.pk).update(size=size)

        self.p1 = self.application_payout(
            self.m1, self.e1, at("2026-03-02", 0, 30), "2026-03-09", "2026-03-16", "100000.00"
        )
        self.p2 = self.application_payout(self.m1, self.e2, at("2026-03-03"), "2026-03-10", "2026-03-20", "50000.00")
        self.p3 = self.confirmation_payout(
            self.m1, self.e3, at("2026-03-02"), at("2026-03-05"), "2026-03-16", "20000.00"
        )
        self.p4 = self.application_payout(self.m2, self.e2, at("2026-03-02"), "2026-03-09", "2026-03-13", "30000.00")
        self.p5 = self.application_payout(self.m3, self.e3, at("2025-09-26"), "2025-09-30", "2025-10-10", "80000.00")
        self.p6 = self.application_payout(
            self.m1, self.e2, at("2025-03-03"), "2025-03-10", "2025-03-14", "5000.00", period="2025"
        )
        self.application_payout(self.m1, self.e3, at("2026-03-04"), "2026-03-11", None, "7777.00", state="pending")
        self.application_payout(self.m3, self.e1, at("2026-03-04"), "2026-03-11", None, "3333.00", state="failed")

        self.r1 = self.record(self.jxj, "R1", self.e3, "15000.00", "2026-02-10", matter=self.m3, policy=self.policy_b)
        self.r2 = self.record(self.kjj, "R2", None, "12000.00", "2026-01-20", policy=self.policy_a, uscc=uscc_for(9001))
        self.r3 = self.record(self.kjj, "R3", None, "9000.00", "2026-04-01", uscc=uscc_for(9002))
        self.r4 = self.record(
            self.jxj,
            "R4",
            self.e3,
            "15000.00",
            "2026-02-10",
            matter=self.m3,
            policy=self.policy_b,
            duplicate_of=self.r1,
        )
        self.r5 = self.record(self.kjj, "R5", self.e1, "4000.00", "2026-05-05", matter=self.m2)

    def number(self) -> str:
        World.serial += 1
        return f"{World.serial:06d}"

    def application_payout(self, matter, enterprise, submitted, approved, paid, amount, *, period="2026", state="paid"):
        application = Application.objects.create(
            number=f"SB20260101{self.number()}",
            enterprise=enterprise,
            matter=matter,
            period=period,
            status=Status.PAID if state == "paid" else Status.TO_PAYOUT,
            submitted_at=submitted,
            approved_amount=D(amount),
        )
        return self.payout(matter, enterprise, D(amount), approved, paid, state, application=application)

    def confirmation_payout(self, matter, enterprise, accepted, answered, paid, amount):
        listing = ConfirmationList.objects.create(
            matter=matter,
            period="2026",
            rule_set=matter.rule_sets.first(),
            status=ConfirmationList.State.CLOSED,
            accepted_at=accepted,
        )
        confirmation = Confirmation.objects.create(
            confirmation_list=listing,
            enterprise=enterprise,
            state=Confirmation.State.CONFIRMED,
            amount=D(amount),
            answered_at=answered,
            bank_name="中国银行",
            bank_account="6217000010000000003",
        )
        approved = answered.astimezone(BEIJING).date().isoformat()
        return self.payout(matter, enterprise, D(amount), approved, paid, "paid", confirmation=confirmation)

    def payout(self, matter, enterprise, amount, approved, paid, state, **case):
        approved_on = day(approved)
        paid_on = day(paid) if paid else None
        return Payout.objects.create(
            number=f"DF20260101{self.number()}",
            enterprise=enterprise,
            matter=matter,
            funding_source=self.source,
            amount=amount,
            state=state,
            approved_on=approved_on,
            paid_on=paid_on,
            bank_reference=f"YH{self.serial:08d}" if state == PayoutState.PAID else "",
            workdays_to_pay=workdays.workdays_between(approved_on, paid_on) if paid_on else None,
            failure_reason="账号不存在" if state == PayoutState.FAILED else "",
            payee_name=enterprise.name,
            bank_name="中国工商银行",
            account_number="6222020200000000006",
            **case,
        )

    def record(
        self, department, record_id, enterprise, amount, paid_on, *, matter=None, policy=None, uscc=None, **more
    ):
        submission = SubsidySubmission.objects.create(department=department, channel=SubsidySubmission.Channel.FILE)
        return SubsidyRecord.objects.create(
            submission=submission,
            department=department,
            record_id=record_id,
            uscc=uscc or enterprise.uscc,
            enterprise_name=enterprise.name if enterprise else "平台外企业",
            enterprise=enterprise,
            policy=policy,
            policy_title=policy.title if policy else "其他政策",
            matter=matter,
            item=matter.name if matter else "其他奖补",
            amount=D(amount),
            paid_on=day(paid_on),
            funding_source="市级资金",
            **more,
        )


@pytest.fixture
def world():
    return World()


@pytest.fixture
def supervisor(world):
    return member(world.kjj, Role.SUPERVISOR)


def figures(row) -> tuple:
    """A statistics row as the columns of the hand-computed tables."""
    return (
        row.label,
        row.total,
        row.payouts,
        row.enterprises,
        row.exempt,
        row.exempt_share,
        row.days_application,
        row.days_approval,
        row.outside_total,
        row.outside_records,
        row.outside_enterprises,
        row.combined_total,
    )


# --- working days in SQL ---------------------------------------------------------------------------------------------


def test_the_hand_counted_working_days_are_the_calendars():
    """The table's working days (the 2025 National Day holiday and its 调休 Sunday included) are the kernel's."""
    assert workdays.covered(2025) and workdays.covered(2026)
    for start, end, expected in [
        ("2026-03-02", "2026-03-16", 10),
        ("2026-03-03", "2026-03-20", 13),
        ("2026-03-02", "2026-03-13", 9),
        ("2025-09-26", "2025-10-10", 5),
        ("2025-09-30", "2025-10-10", 2),
        ("2025-03-03", "2025-03-14", 9),
        ("2026-03-05", "2026-03-16", 7),
    ]:
        assert workdays.workdays_between(day(start), day(end)) == expected, (start, end)


def test_sql_working_days_equal_the_kernels_across_holidays_and_make_up_days():
    region = CityFactory()
    pairs = []
    starts = [day("2024-12-27"), day("2025-01-24"), day("2025-04-30"), day("2025-09-26"), day("2026-02-13")]
    for start in starts:
        for offset in (-9, -1, 0, 1, 2, 6, 7, 12, 20, 45, 400):
            pairs.append((start, start + dt.timedelta(days=offset)))
    annotations = {
        f"w{n}": results.WorkdaysBetween(Value(a, output_field=DateField()), Value(b, output_field=DateField()))
        for n, (a, b) in enumerate(pairs)
    }
    row = Region.objects.filter(pk=region.pk).values(**annotations).get()
    for n, (a, b) in enumerate(pairs):
        assert row[f"w{n}"] == workdays.workdays_between(a, b), (a, b)


# --- the public list -------------------------------------------------------------------------------------------------


def test_public_results_per_matter_leave_out_confidential_matters(world, client):
    response = client.get(reverse("payouts:results"))
    assert response.status_code == 200
    rows = [(r["name"], r["department"], r["enterprises"], r["total"], r["latest"]) for r in response.context["rows"]]
    assert rows == [
        ("高新技术企业认定奖励", "宜昌市科学技术局", 3, D("175000.00"), day("2026-03-20")),
        ("技术改造补助", "宜昌市经济和信息化局", 1, D("80000.00"), day("2025-10-10")),
    ]
    assert response.context["totals"] == {
        "matters": 2,
        "enterprises": 3,
        "payouts": 5,
        "total": D("255000.00"),
    }
    html = response.content.decode()
    assert "涉密科技专项补助" not in html
    assert "175,000.00" in html and "2026-03-20" in html
    assert f'href="{world.m1.get_absolute_url()}"' in html
    # Only a public page's figures: no enterprise, amount per enterprise or account appears.
    assert "甲科技有限公司" not in html and "6222" not in html


def test_public_results_by_year_and_region(world, client):
    by_year = client.get(reverse("payouts:results"), {"year": "2025"}).context
    assert [(r["name"], r["enterprises"], r["total"], r["latest"]) for r in by_year["rows"]] == [
        ("技术改造补助", 1, D("80000.00"), day("2025-10-10")),
        ("高新技术企业认定奖励", 1, D("5000.00"), day("2025-03-14")),
    ]
    assert by_year["totals"]["total"] == D("85000.00")
    years = {option["label"]: option["count"] for option in by_year["facets"][0]["options"]}
    assert years == {"2026年": 1, "2025年": 2}  # matters per year, the confidential one not counted
    by_region = client.get(reverse("payouts:results"), {"region": str(world.wujiagang.pk)}).context
    assert [r["name"] for r in by_region["rows"]] == ["技术改造补助"]
    regions = {option["label"]: option["count"] for option in by_region["facets"][1]["options"]}
    assert regions == {"宜昌市": 1, "伍家岗区": 1}
    nothing = client.get(reverse("payouts:results"), {"year": "2024"})
    assert nothing.status_code == 200 and list(nothing.context["rows"]) == []
    assert "暂无兑付数据" in nothing.content.decode()
    one = client.get(reverse("payouts:results"), {"matter": world.m1.code}).context
    assert [(r["name"], r["total"]) for r in one["rows"]] == [("高新技术企业认定奖励", D("175000.00"))]
    secret = client.get(reverse("payouts:results"), {"matter": world.m2.code})
    assert secret.status_code == 404
    assert list(secret.context["rows"]) == [] and secret.context["totals"]["total"] == D("0.00")
    bad = client.get(reverse("payouts:results"), {"year": "二〇二五", "region": "x"})
    assert bad.status_code == 200 and len(bad.context["rows"]) == 2


def test_public_results_of_one_matter_name_it_and_count_its_filters(world, client):
    response = client.get(reverse("payouts:results"), {"matter": world.m3.code})
    assert response.status_code == 200
    assert response.context["matter"] == world.m3
    html = response.content.decode()
    focus = html[html.index('id="matter-focus"') : html.index("</div>", html.index('id="matter-focus"'))]
    assert "正在查看事项“技术改造补助”（宜昌市经济和信息化局）的兑付情况" in focus
    assert f'href="{world.m3.get_absolute_url()}"' in focus and "返回该事项的办事指南" in focus
    assert f'href="{reverse("payouts:results")}"' in focus  # back to every matter
    assert [r["name"] for r in response.context["rows"]] == ["技术改造补助"]
    # The side counts are the matter's: its one payment year and its region.
    years = {o["label"]: o["count"] for o in response.context["facets"][0]["options"]}
    regions = {o["label"]: o["count"] for o in response.context["facets"][1]["options"]}
    assert years == {"2025年": 1} and regions == {"伍家岗区": 1}
    # Choosing a year keeps the matter; lower case and spaces in the code reach the same matter.
    year_link = response.context["facets"][0]["options"][0]["url"]
    assert f"matter={world.m3.code}" in year_link and "year=2025" in year_link
    folded = client.get(reverse("payouts:results"), {"matter": " " + world.m1.code.lower()})
    assert folded.context["matter"] == world.m1
    assert {o["label"]: o["count"] for o in folded.context["facets"][0]["options"]} == {"2026年": 1, "2025年": 1}
    assert [(r["name"], r["total"]) for r in folded.context["rows"]] == [("高新技术企业认定奖励", D("175000.00"))]
    # With the year and region too, the year's counts keep the region and the region's the year.
    both = client.get(
        reverse("payouts:results"), {"matter": world.m1.code, "year": "2025", "region": str(world.wujiagang.pk)}
    )
    assert list(both.context["rows"]) == []
    assert both.context["facets"][0]["options"] == []  # m1's region is the city, not 伍家岗区
    assert "该事项暂无兑付数据" in both.content.decode()


def test_public_results_of_an_unknown_or_confidential_matter_say_so(world, client):
    for code in ("YC-XX-2099-999", world.m2.code):
        response = client.get(reverse("payouts:results"), {"matter": code})
        assert response.status_code == 404
        html = response.content.decode()
        assert f"没有找到事项编码为“{code}”的公开事项" in html
        assert "查看全部事项的兑付情况" in html
        assert "涉密科技专项补助" not in html
        assert [o["count"] for o in response.context["facets"][0]["options"]] == []


def test_public_results_are_paginated(world, client, monkeypatch):
    from payouts import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = client.get(reverse("payouts:results"))
    second = client.get(reverse("payouts:results"), {"page": "2"})
    assert [r["name"] for r in first.context["rows"]] == ["高新技术企业认定奖励"]
    assert [r["name"] for r in second.context["rows"]] == ["技术改造补助"]
    assert "共 2 条，第 1 / 2 页" in first.content.decode()


# --- the staff statistics -------------------------------------------------------------------------------------------

ALL_BY_MATTER = [
    # label, total, payouts, enterprises, exempt, share %, app→pay, appr→pay, outside, records, ents, combined
    ("高新技术企业认定奖励", D("175000.00"), 4, 3, 1, D("25.0"), D("10.5"), D("6.0"), D("0.00"), 0, 0, D("175000.00")),
    ("技术改造补助", D("80000.00"), 1, 1, 0, D("0.0"), D("5.0"), D("2.0"), D("15000.00"), 1, 1, D("95000.00")),
    ("涉密科技专项补助", D("30000.00"), 1, 1, 0, D("0.0"), D("9.0"), D("4.0"), D("4000.00"), 1, 1, D("34000.00")),
]
ALL_BY_POLICY = [
    (
        "政策甲：支持科技创新若干措施",
        D("205000.00"),
        5,
        3,
        1,
        D("20.0"),
        D("10.2"),
        D("5.6"),
        D("16000.00"),
        2,
        2,
        D("221000.00"),
    ),
    (
        "政策乙：支持技术改造若干措施",
        D("80000.00"),
        1,
        1,
        0,
        D("0.0"),
        D("5.0"),
        D("2.0"),
        D("15000.00"),
        1,
        1,
        D("95000.00"),
    ),
    ("（未关联）", D("0.00"), 0, 0, 0, None, None, None, D("9000.00"), 1, 1, D("9000.00")),
]
# The off-platform records whose item matches no matter (R2, R3): one row, so the matter rows add up to the total.
ALL_UNLINKED = ("（未关联）", D("0.00"), 0, 0, 0, None, None, None, D("21000.00"), 2, 2, D("21000.00"))
ALL_TOTAL = ("合计", D("285000.00"), 6, 3, 1, D("16.7"), D("9.3"), D("5.0"), D("40000.00"), 4, 4, D("325000.00"))


def test_statistics_per_matter_and_policy_for_a_supervisor(world, supervisor):
    statistics = results.Statistics(supervisor)
    assert [figures(row) for row in statistics.by_matter()] == [*ALL_BY_MATTER, ALL_UNLINKED]
    assert [figures(row) for row in statistics.by_policy()] == ALL_BY_POLICY
    assert figures(statistics.total()) == ALL_TOTAL
    assert sum(row.outside_total for row in statistics.by_matter()) == statistics.total().outside_total
    assert [row.department for row in statistics.by_matter()] == [
        "宜昌市科学技术局",
        "宜昌市经济和信息化局",
        "宜昌市科学技术局",
        "",
    ]


def test_enterprises_reached_by_industry_size_and_region(world, supervisor):
    statistics = results.Statistics(supervisor)

    def table(rows):
        return [(r["label"], r["enterprises"], r["total"], r["outside_enterprises"], r["outside_total"]) for r in rows]

    assert table(statistics.by_section()) == [
        ("C 制造业", 2, D("200000.00"), 2, D("19000.00")),
        ("I 信息传输、软件和信息技术服务业", 1, D("85000.00"), 0, D("0.00")),
    ]
    assert table(statistics.by_size()) == [
        ("中型", 1, D("85000.00"), 0, D("0.00")),
        ("小型", 1, D("100000.00"), 1, D("4000.00")),
        ("微型", 1, D("100000.00"), 1, D("15000.00")),
    ]
    assert table(statistics.by_region()) == [
        ("西陵区", 2, D("185000.00"), 1, D("4000.00")),
        ("伍家岗区", 1, D("100000.00"), 1, D("15000.00")),
    ]


def test_statistics_of_one_year(world, supervisor):
    statistics = results.Statistics(supervisor, results.Filters(year=2026))
    assert [figures(row) for row in statistics.by_matter()] == [
        (
            "高新技术企业认定奖励",
            D("170000.00"),
            3,
            3,
            1,
            D("33.3"),
            D("11.0"),
            D("6.7"),
            D("0.00"),
            0,
            0,
            D("170000.00"),
        ),
        ("涉密科技专项补助", D("30000.00"), 1, 1, 0, D("0.0"), D("9.0"), D("4.0"), D("4000.00"), 1, 1, D("34000.00")),
        ("技术改造补助", D("0.00"), 0, 0, 0, None, None, None, D("15000.00"), 1, 1, D("15000.00")),
        ALL_UNLINKED,
    ]
    assert figures(statistics.total()) == (
        "合计",
        D("200000.00"),
        4,
        3,
        1,
        D("25.0"),
        D("10.5"),
        D("6.0"),
        D("40000.00"),
        4,
        4,
        D("240000.00"),
    )


def test_statistics_of_one_department_and_of_one_matter(world, supervisor):
    by_department = results.Statistics(supervisor, results.Filters(department=world.kjj.pk))
    assert [row.label for row in by_department.by_matter()] == [
        "高新技术企业认定奖励",
        "涉密科技专项补助",
        "（未关联）",
    ]
    # 科技局's off-platform records: R5 (its matter M2), R2 and R3 (reported by it, no matter).
    assert figures(by_department.total()) == (
        "合计",
        D("205000.00"),
        5,
        3,
        1,
        D("20.0"),
        D("10.2"),
        D("5.6"),
        D("25000.00"),
        3,
        3,
        D("230000.00"),
    )
    one = results.Statistics(supervisor, results.Filters(matter=world.m1.pk))
    assert [figures(row) for row in one.by_matter()] == ALL_BY_MATTER[:1]
    assert [(r["label"], r["enterprises"], r["total"]) for r in one.by_region()] == [
        ("西陵区", 2, D("155000.00")),
        ("伍家岗区", 1, D("20000.00")),
    ]


def test_department_staff_see_their_departments_matters_only(world):
    kjj_approver = member(world.kjj, Role.APPROVER)
    jxj_approver = member(world.jxj, Role.APPROVER)
    kjj = results.Statistics(kjj_approver)
    assert [row.label for row in kjj.by_matter()] == ["高新技术企业认定奖励", "涉密科技专项补助", "（未关联）"]
    assert figures(kjj.total())[1:4] == (D("205000.00"), 5, 3)
    assert kjj.total().outside_total == D("25000.00")  # R2, R3, R5
    jxj = results.Statistics(jxj_approver)
    assert [figures(row) for row in jxj.by_matter()] == [ALL_BY_MATTER[1]]
    assert figures(jxj.total())[1:] == ALL_BY_MATTER[1][1:]
    # Finance sees the payouts of the funding sources it pays (all six) and, beside them, the money its region's
    # departments paid outside the platform: R1, R2, R3, R5 (R4 is R1's duplicate).
    finance = results.Statistics(member(world.czj, Role.FINANCE))
    assert figures(finance.total())[1:4] == (D("285000.00"), 6, 3)
    assert figures(finance.total())[8:] == (D("40000.00"), 4, 4, D("325000.00"))
    assert [figures(row) for row in finance.by_matter()] == [*ALL_BY_MATTER, ALL_UNLINKED]
    assert [figures(row) for row in finance.by_policy()] == ALL_BY_POLICY


def test_finance_of_another_region_sees_neither_the_payouts_nor_the_records(world):
    """A district's finance bureau pays none of the city's funding sources and sees none of the city departments'
    records; a record of its own district's department, it does."""
    district_finance = DepartmentFactory(
        name="伍家岗区财政局", code="t-wjg-czj", region=world.wujiagang, kind=Department.Kind.FINANCE
    )
    district_office = DepartmentFactory(name="伍家岗区科经局", code="t-wjg-kj", region=world.wujiagang)
    world.record(district_office, "W1", world.e3, "7000.00", "2026-06-01")
    statistics = results.Statistics(member(district_finance, Role.FINANCE))
    assert [figures(row) for row in statistics.by_matter()] == [
        ("（未关联）", D("0.00"), 0, 0, 0, None, None, None, D("7000.00"), 1, 1, D("7000.00"))
    ]
    assert figures(statistics.total())[1:3] == (D("0.00"), 0)
    assert figures(statistics.total())[8:10] == (D("7000.00"), 1)


class Linked:
    """Off-platform records of one 科技局 policy: one linked only by the policy, one only by its matter, one by
    both (and a duplicate of the last, never counted)."""

    def __init__(self, world):
        self.policy = PolicyFactory(
            title="政策丙：科技型中小企业支持办法", lead_department=world.kjj, region=world.city
        )
        self.matter = published_matter(policy=self.policy, name="科技型中小企业研发补助", code="YC-KJ-2026-104")
        self.by_policy = world.record(world.kjj, "L1", world.e1, "300000.00", "2026-11-02", policy=self.policy)
        self.by_matter = world.record(world.kjj, "L2", world.e2, "150000.00", "2026-11-03", matter=self.matter)
        self.by_both = world.record(
            world.kjj, "L3", world.e3, "80000.00", "2026-10-09", matter=self.matter, policy=self.policy
        )
        world.record(
            world.czj,
            "L4",
            world.e3,
            "80000.00",
            "2026-10-09",
            matter=self.matter,
            policy=self.policy,
            duplicate_of=self.by_both,
        )


@pytest.mark.parametrize("role", [Role.FINANCE, Role.APPROVER, Role.SUPERVISOR])
def test_records_linked_by_policy_by_matter_or_both_are_counted_once(world, role):
    linked = Linked(world)
    user = member(world.czj if role == Role.FINANCE else world.kjj, role)
    for filters in (
        results.Filters(),
        results.Filters(year=2026),
        results.Filters(year=2026, department=world.kjj.pk),
        results.Filters(policy=linked.policy.pk),
    ):
        statistics = results.Statistics(user, filters)
        policy = next(row for row in statistics.by_policy() if row.key == linked.policy.pk)
        assert (policy.outside_total, policy.outside_records, policy.outside_enterprises) == (
            D("530000.00"),
            3,
            3,
        ), filters
        matter = next(row for row in statistics.by_matter() if row.key == linked.matter.pk)
        assert (matter.label, matter.outside_total, matter.outside_records) == (
            "科技型中小企业研发补助",
            D("230000.00"),
            2,
        ), filters
        # The total counts each record once, whether it is linked by the policy, the matter or both.
        outside = sum((row.outside_total for row in statistics.by_policy()), D("0.00"))
        assert statistics.total().outside_total == outside, filters
    one_matter = results.Statistics(user, results.Filters(matter=linked.matter.pk))
    assert one_matter.total().outside_total == D("230000.00")
    # The department filter takes a record's matter's department: the 财政局 reported none of these (L4 is a
    # duplicate), so its filter shows none of them.
    assert results.Statistics(user, results.Filters(department=world.czj.pk)).total().outside_total == D("0.00")


def test_finance_sees_the_off_platform_money_on_the_page_and_in_the_export(world, client, no_second_factor):
    linked = Linked(world)
    finance = member(world.czj, Role.FINANCE)
    url = reverse("admin:payouts_statistics")
    query = {"year": "2026", "department": str(world.kjj.pk)}
    page = _admin_client(client, finance).get(url, query)
    assert page.status_code == 200
    assert page.context["total"].outside_total == D("555000.00")  # L1–L3, R2, R3, R5
    assert world.kjj.pk in [d["pk"] for d in page.context["choices"]["departments"]]
    html = page.content.decode()
    assert "530,000.00" in html and "555,000.00" in html
    book = load_workbook(io.BytesIO(client.get(url, {**query, "export": "xlsx"}).content))
    rows = {row[0].value: [c.value for c in row] for row in book["按政策"].iter_rows(min_row=3)}
    assert D(str(rows[linked.policy.title][9])) == D("530000.00")
    assert rows[linked.policy.title][10] == 3
    assert D(str(rows["合计"][9])) == D("555000.00")


def _admin_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def test_the_statistics_page_shows_the_table_and_exports_it(world, supervisor, client, no_second_factor):
    url = reverse("admin:payouts_statistics")
    page = _admin_client(client, supervisor).get(url)
    assert page.status_code == 200
    assert [figures(row) for row in page.context["matters"]] == [*ALL_BY_MATTER, ALL_UNLINKED]
    html = page.content.decode()
    assert "175,000.00" in html and "10.5" in html and "25.0%（1）" in html
    assert "325,000.00" in html  # the total row
    export = client.get(url, {"year": "2026", "export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["按政策", "按事项", "按行业门类", "按企业规模", "按地区"]
    sheet = book["按事项"]
    assert sheet["A1"].value == "兑付统计 · 2026年"
    assert [c.value for c in sheet[2]][:3] == ["名称", "部门", "平台兑付金额（元）"]
    rows = [
        [D(str(c.value)) if isinstance(c.value, float) else c.value for c in row] for row in sheet.iter_rows(min_row=3)
    ]
    assert rows[0][:9] == [
        "高新技术企业认定奖励",
        "宜昌市科学技术局",
        D("170000.00"),
        3,
        3,
        D("11.0"),
        D("6.7"),
        1,
        D("33.3"),
    ]
    assert rows[-1][0] == "合计" and rows[-1][2] == D("200000.00") and rows[-1][12] == D("240000.00")


def test_the_statistics_page_filters_by_department_for_whom_it_may_show(world, client, no_second_factor):
    kjj_approver = member(world.kjj, Role.APPROVER)
    page = _admin_client(client, kjj_approver).get(reverse("admin:payouts_statistics"), {"department": world.kjj.pk})
    assert [row.label for row in page.context["matters"]] == ["高新技术企业认定奖励", "涉密科技专项补助", "（未关联）"]
    assert [d["name"] for d in page.context["choices"]["departments"]] == ["宜昌市科学技术局"]
    assert "技术改造补助" not in page.content.decode()
    # Choosing another department shows nothing of it: the scope comes first.
    other = client.get(reverse("admin:payouts_statistics"), {"department": world.jxj.pk})
    assert other.context["matters"] == [] and other.context["total"].total == D("0.00")


def test_the_statistics_page_is_refused_to_roles_without_payouts(world, client, no_second_factor):
    editor = member(world.kjj, Role.EDITOR)
    response = _admin_client(client, editor).get(reverse("admin:payouts_statistics"))
    assert response.status_code == 403
    index = client.get(reverse("admin:index"))
    assert reverse("admin:payouts_statistics") not in index.content.decode()


def test_the_admin_index_links_the_statistics_for_finance(world, client, no_second_factor):
    finance = member(world.czj, Role.FINANCE)
    index = _admin_client(client, finance).get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:payouts_statistics") in index.content.decode()


def test_anonymous_and_enterprise_users_never_reach_the_statistics(world, client, no_second_factor):
    response = client.get(reverse("admin:payouts_statistics"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff_without_role = StaffFactory()
    Membership.objects.filter(user=staff_without_role).delete()
    assert _admin_client(client, staff_without_role).get(reverse("admin:payouts_statistics")).status_code == 403


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_amounts_have_thousands_separators_in_every_language(world, supervisor, client, settings, language):
    """The public results and the staff statistics show 175,000.00 in Chinese as in English."""
    settings.STAFF_OTP_REQUIRED = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    public = client.get(reverse("payouts:results")).content.decode()
    assert "175,000.00" in public and "255,000.00" in public and "80,000.00" in public
    assert "175000.00" not in public
    client.force_login(supervisor)
    staff = client.get(reverse("admin:payouts_statistics")).content.decode()
    for amount in ("175,000.00", "15,000.00", "325,000.00", "40,000.00", "200,000.00"):
        assert amount in staff, amount
    assert "175000.00" not in staff and "325000.00" not in staff


def test_the_sitemap_lists_the_results_and_for_enterprises_their_records_and_account(client):
    from tests.factories.applications import enterprise_with_user

    anonymous = client.get("/sitemap/").content.decode()
    assert f'href="{reverse("payouts:results")}">兑付公开' in anonymous
    assert reverse("payouts:records") not in anonymous and reverse("payouts:account") not in anonymous
    client.force_login(enterprise_with_user().user)
    signed_in = client.get("/sitemap/").content.decode()
    assert f'href="{reverse("payouts:records")}">兑付记录' in signed_in
    assert f'href="{reverse("payouts:account")}">收款账户' in signed_in
