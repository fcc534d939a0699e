"""The amount estimate (预计可获金额) and the support-standard linter (扶持标准检查)."""

import datetime as dt
from decimal import Decimal

import pytest

from enterprises.models import Enterprise
from matters.amounts import Estimate, estimate, lint_support, mark_exclusive, money_text
from matters.models import SupportKind, SupportTier
from tests.factories.matters import CriterionFactory, MatterFactory, RuleSetFactory
from tests.matters import build

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 15)


def _company(**figures):
    return Enterprise.objects.get(pk=build.enterprise({"figures": {2025: figures}}).pk)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal(500000), "50万元"), (Decimal(125000), "12.5万元"), (Decimal(8000), "8,000元"), (None, "无法测算")],
)
def test_money_is_said_as_people_say_it(amount, text):
    assert money_text(amount) == text


def test_fixed_amount():
    matter = MatterFactory(support_kind=SupportKind.FIXED, support_amount=Decimal(200000))
    result = estimate(matter, _company(revenue_wan=100), on=ON)
    assert (result.amount, result.text) == (Decimal("200000.00"), "定额奖补20万元")


def test_rate_of_a_figure_in_wan_yuan_is_capped():
    matter = MatterFactory(
        support_kind=SupportKind.RATE,
        support_amount=None,
        support_rate=Decimal(10),
        support_base_fact="rd_expense",
        support_cap=Decimal(500000),
    )
    result = estimate(matter, _company(rd_expense_wan=800), on=ON)
    assert result.amount == Decimal("500000.00")
    assert result.text == "2025年研发费用800万元 × 10% = 80万元，超过上限50万元，按上限计"
    below = estimate(matter, _company(rd_expense_wan=120), on=ON)
    assert below.amount == Decimal("120000.00")


def test_a_missing_base_figure_gives_no_amount_and_says_what_is_missing():
    matter = MatterFactory(
        support_kind=SupportKind.RATE, support_amount=None, support_rate=Decimal(10), support_base_fact="rd_expense"
    )
    result = estimate(matter, _company(revenue_wan=100), on=ON)
    assert result.amount is None
    assert "研发费用" in result.text
    assert result.amount_text == "无法测算"


def test_tiers_pick_the_range_holding_the_figure():
    matter = MatterFactory(support_kind=SupportKind.TIERS, support_amount=None, support_base_fact="revenue")
    SupportTier.objects.create(matter=matter, lower=Decimal(10000), upper=Decimal(50000), amount=Decimal(500000))
    SupportTier.objects.create(matter=matter, lower=Decimal(50000), upper=None, amount=Decimal(1000000))
    assert estimate(matter, _company(revenue_wan=60000), on=ON).amount == Decimal("1000000.00")
    middle = estimate(matter, _company(revenue_wan=20000), on=ON)
    assert middle.amount == Decimal("500000.00")
    assert middle.text == "2025年营业收入20,000万元，属10,000万元至50,000万元档，奖补50万元"
    assert estimate(matter, _company(revenue_wan=900), on=ON).amount == Decimal(0)


def test_a_visitor_s_figures_are_estimated_the_same_way():
    matter = MatterFactory(
        support_kind=SupportKind.RATE, support_amount=None, support_rate=Decimal(5), support_base_fact="revenue"
    )
    assert estimate(matter, on=ON, figures={"revenue": Decimal(300)}).amount == Decimal("150000.00")
    assert estimate(matter, on=ON, figures={}).amount is None


def test_the_highest_of_an_exclusive_group_is_marked():
    a = MatterFactory(exclusive_group="gaoxin")
    b = MatterFactory(exclusive_group="gaoxin")
    c = MatterFactory()
    best = mark_exclusive([(a, Estimate(Decimal(100), "")), (b, Estimate(Decimal(300), "")), (c, None)])
    assert best == {a.pk: b, b.pk: b}


def test_a_cap_below_the_fixed_amount_is_refused():
    matter = MatterFactory.build(support_kind=SupportKind.FIXED, support_amount=Decimal(300000), support_cap=Decimal(1))
    assert lint_support(matter) == {"support_cap": ["上限1元低于定额30万元。"]}


def test_a_rate_needs_a_money_base_and_a_percentage():
    not_money = MatterFactory.build(
        support_kind=SupportKind.RATE, support_amount=None, support_rate=Decimal(10), support_base_fact="employees"
    )
    assert "不是金额" in lint_support(not_money)["support_base_fact"][0]
    fraction = MatterFactory.build(
        support_kind=SupportKind.RATE, support_amount=None, support_rate=Decimal("0.1"), support_base_fact="revenue"
    )
    assert "小数形式" in lint_support(fraction)["support_rate"][0]
    qualification = MatterFactory.build(
        support_kind=SupportKind.TIERS, support_amount=None, support_base_fact="qualification"
    )
    assert "不是数值" in lint_support(qualification, tiers=[])["support_base_fact"][0]


def test_overlapping_and_unreachable_tiers_are_refused():
    matter = MatterFactory(support_kind=SupportKind.TIERS, support_amount=None, support_base_fact="revenue")
    rules = RuleSetFactory(matter=matter)
    CriterionFactory(rule_set=rules, fact="revenue", operator="gte", value=2000)
    tiers = [
        SupportTier(matter=matter, lower=Decimal(500), upper=Decimal(1000), amount=Decimal(10000)),
        SupportTier(matter=matter, lower=Decimal(2000), upper=Decimal(8000), amount=Decimal(50000)),
        SupportTier(matter=matter, lower=Decimal(5000), upper=None, amount=Decimal(90000)),
    ]
    problems = lint_support(matter, tiers=tiers)["support_kind"]
    assert any(p.startswith("档次重叠") for p in problems)
    assert any("不可达：申报条件要求营业收入不低于2,000万元" in p for p in problems), problems
    assert lint_support(matter, tiers=tiers[1:2]) == {}
    assert "至少设置一个档次" in lint_support(matter, tiers=[])["support_kind"][0]
