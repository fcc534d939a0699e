"""The Python evaluator's API: what an enterprise is told, and what the self-test against many matters costs."""

import datetime as dt

import pytest
from django.utils import timezone

from enterprises.models import Enterprise
from matters.eligibility import evaluate, evaluate_many, near_misses
from matters.eligibility.evaluator import RuleHead
from matters.models import RuleSet
from tests.matters import build

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 15)
REVENUE = {"fact": "revenue", "operator": "gte", "value": 2000, "message": "营业收入不低于2000万元"}
SAFETY = {"manual": True, "message": "近三年未发生重大安全生产事故"}


def _company(**figures):
    return Enterprise.objects.get(pk=build.enterprise({"figures": {2025: figures}}).pk)


def test_each_criterion_carries_its_value_source_date_and_legal_reference():
    rules = build.rule_set([{**REVENUE, "legal_reference": "宜政发〔2024〕5号 第十二条"}])
    result = evaluate(rules, _company(revenue_wan=2300, source="tax", updated=dt.date(2026, 3, 2)), on=ON)
    (criterion,) = result.criteria
    assert (criterion.outcome, criterion.value, criterion.source, criterion.as_of, criterion.legal_reference) == (
        "pass",
        2300,
        "税务",
        dt.date(2026, 3, 2),
        "宜政发〔2024〕5号 第十二条",
    )


def test_the_period_moves_with_the_evaluation_date():
    rules = build.rule_set([REVENUE])
    company = _company(revenue_wan=2300)
    assert evaluate(rules, company, on=ON).status == "eligible"
    assert evaluate(rules, company, on=dt.date(2027, 1, 2)).criteria[0].message == (
        "缺少2026年营业收入数据（档案中最新为2025年）"
    )


def test_manual_criteria_are_listed_for_staff_and_keep_the_machine_from_saying_eligible():
    rules = build.rule_set([REVENUE, SAFETY])
    result = evaluate(rules, _company(revenue_wan=2300), on=ON)
    assert result.status == "unknown"
    assert [r.message for r in result.manual] == ["需人工审核：近三年未发生重大安全生产事故"]


def test_a_manual_criterion_does_not_hide_a_near_miss():
    rules = build.rule_set([REVENUE, SAFETY])
    company = _company(revenue_wan=1820)
    result = evaluate(rules, company, on=ON)
    assert result.near_miss.gap_text == "营业收入还差 180万元"
    assert list(near_misses(rules, on=ON).values_list("pk", "near_miss_gap")) == [(company.pk, 180)]


def test_the_evaluation_records_the_rule_version_it_used():
    rules = build.rule_set([REVENUE], version=3)
    assert evaluate(rules, _company(revenue_wan=2300), on=ON).rule_version == 3


def test_the_self_test_against_many_rule_sets_agrees_with_one_by_one():
    company = _company(revenue_wan=1500, employees=50)
    many = [
        build.rule_set([{**REVENUE, "value": bar}, {"fact": "employees", "operator": "lte", "value": 100}])
        for bar in (1000, 2000)
    ]
    batch = evaluate_many(RuleSet.objects.filter(pk__in=[r.pk for r in many]).order_by("pk"), company, on=ON)
    assert [e.status for e in batch] == [evaluate(r, company, on=ON).status for r in many] == ["eligible", "ineligible"]
    assert isinstance(batch[0].rule_set, RuleHead)
    assert batch[1].near_miss.gap_text == "营业收入还差 500万元"


def test_the_self_test_costs_the_same_few_queries_for_any_number_of_rule_sets(django_assert_max_num_queries):
    company = _company(revenue_wan=1500, employees=50)
    for bar in range(100, 2100, 100):
        build.rule_set(
            [{**REVENUE, "value": bar}, {"fact": "qualification", "operator": "has_qualification", "value": "hitech"}]
        )
    with django_assert_max_num_queries(4):
        results = evaluate_many(RuleSet.objects.all(), company, on=ON)
    assert len(results) == 20


def test_a_published_rule_version_is_read_once_per_process(django_assert_num_queries):
    company = _company(revenue_wan=2300)
    rules = build.rule_set([REVENUE])
    RuleSet.objects.filter(pk=rules.pk).update(status="published", valid_from=ON, published_at=timezone.now())
    evaluate_many(RuleSet.objects.filter(pk=rules.pk), company, on=ON)
    with django_assert_num_queries(2):  # the rule set heads and the enterprise's figures
        (again,) = evaluate_many(RuleSet.objects.filter(pk=rules.pk), company, on=ON)
    assert again.status == "eligible"
