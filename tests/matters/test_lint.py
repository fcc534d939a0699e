"""The criterion linter: an ill-formed criterion is refused when saved, with a Chinese reason naming it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from matters.eligibility.operators import OPERATORS, OperatorChoices
from matters.models import Criterion
from portal.core.facts import facts
from tests.factories.matters import CriterionFactory, RuleSetFactory

pytestmark = pytest.mark.django_db


def _refusal(**fields) -> str:
    with pytest.raises(ValidationError) as raised:
        CriterionFactory(**fields)
    return " ".join(raised.value.messages)


def test_a_well_formed_criterion_is_saved():
    criterion = CriterionFactory(fact="revenue", operator="gte", value=2000)
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_an_unknown_fact_is_refused():
    assert _refusal(fact="turnover", message="营业额达标") == "条件“营业额达标”：未知的条件要素“turnover”"


def test_between_on_a_qualification_is_refused():
    message = _refusal(fact="qualification", operator="between", value=[1, 2], message="高企")
    assert message.startswith("条件“高企”：运算“介于”不适用于资质荣誉（可用：持有有效资质、未持有资质）")


def test_a_number_operator_needs_a_number():
    assert _refusal(value="两千万", message="营收") == "条件“营收”：取值应为一个数，如2000"


def test_a_yuan_looking_value_on_a_wan_yuan_fact_is_refused_with_the_corrected_figure():
    message = _refusal(value=20000000, message="营收2000万")
    assert message == "条件“营收2000万”：数值20000000看起来是以元为单位（即2000万元），本条件的单位是万元，请改填2000"


def test_a_fraction_on_a_percentage_fact_is_refused():
    message = _refusal(fact="rd_ratio", value=0.03, message="研发占比")
    assert "看起来是小数形式的比例" in message


def test_a_fractional_headcount_is_refused():
    assert "从业人员应为整数" in _refusal(fact="employees", value=10.5)


def test_between_with_low_above_high_is_refused():
    assert "“介于”的下限300大于上限10" in _refusal(fact="employees", operator="between", value=[300, 10])


def test_an_empty_list_is_refused():
    assert "取值列表不能为空" in _refusal(fact="size", operator="in", value=[])


def test_a_size_class_outside_the_standard_is_refused():
    assert "“tiny”不是企业规模的可选值" in _refusal(fact="size", operator="in", value=["small", "tiny"])


def test_an_industry_code_outside_gbt_4754_is_refused():
    assert "不在《国民经济行业分类》" in _refusal(fact="industry", operator="prefix_in", value=["C99"])


def test_an_unknown_qualification_type_is_refused():
    message = _refusal(fact="qualification", operator="has_qualification", value="no-such-type")
    assert "资质荣誉类型“no-such-type”不存在" in message


def test_a_missing_legal_reference_is_refused():
    assert _refusal(legal_reference="", message="营收") == "条件“营收”：须填写政策依据"


def test_the_database_refuses_a_criterion_without_legal_reference_even_past_the_linter():
    criterion = CriterionFactory()
    with pytest.raises(IntegrityError):
        Criterion.objects.filter(pk=criterion.pk).update(legal_reference="")


def test_the_database_refuses_an_operator_outside_the_closed_set():
    criterion = CriterionFactory()
    with pytest.raises(IntegrityError):
        Criterion.objects.filter(pk=criterion.pk).update(operator="like")


def test_a_manual_criterion_needs_no_fact():
    criterion = CriterionFactory(fact="", operator="", value=None, manual=True, message="无重大安全事故")
    assert criterion.manual


def test_a_published_rule_version_is_frozen():
    rules = RuleSetFactory(status="published", valid_from=dt.date(2026, 1, 1), published_at=timezone.now())
    assert "已发布，不能修改" in _refusal(rule_set=rules)


def test_the_operator_table_and_the_database_choices_are_the_same_closed_set():
    assert set(OPERATORS) == set(OperatorChoices.values)


def test_every_registered_fact_can_be_read_both_ways():
    assert facts.check() == []
    assert {"revenue", "rd_ratio", "registration_date", "industry", "region", "size", "credit_good"} <= set(
        facts.keys()
    )
