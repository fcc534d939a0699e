"""The criterion linter (条件检查): an ill-formed criterion is refused when saved, with a Chinese reason.

Checks, in order: the legal reference (政策依据) is given; a machine criterion
names a registered fact and an operator fitting that fact's type; the value
has the operator's shape and the fact's type; numbers lie within the fact's
meaningful range; `between` is not upside down; a list is not empty; codes
exist (industry, region, qualification type, tag, size class); and the value
is in the fact's unit.

The unit rule (数值单位): money facts are in 万元, so a threshold of
10,000,000 万元 (1,000亿元) or more is refused as a figure typed in 元 — that
is where a 2,000万元 threshold lands when typed in 元, and no matter of a city
portal sets a bar of 1,000亿元. Headcounts above 1,000,000人 are refused
likewise. A percentage strictly between 0 and 1 is refused as a fraction
(0.03 for 3%): thresholds are written as percentages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from matters.eligibility.operators import OPERATORS, Shape, operators_for, shape_of
from portal.core.facts import FactType, Unit, facts

YUAN_LOOKING_WAN = Decimal(10_000_000)
MAX_PERSONS = Decimal(1_000_000)
MAX_YEARS = 200


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number_problem(fact, number: Decimal) -> str | None:
    if fact.type == FactType.INTEGER and number != number.to_integral_value():
        return _("%(label)s应为整数") % {"label": fact.label}
    if fact.minimum is not None and number < fact.minimum:
        return _("%(label)s不能小于%(min)s") % {"label": fact.label, "min": fact.minimum}
    if fact.maximum is not None and number > fact.maximum:
        return _("%(label)s不能大于%(max)s") % {"label": fact.label, "max": fact.maximum}
    if fact.unit == Unit.WAN_YUAN and abs(number) >= YUAN_LOOKING_WAN:
        return _("数值%(value)s看起来是以元为单位（即%(wan)s万元），本条件的单位是万元，请改填%(wan)s") % {
            "value": f"{number.normalize():f}",
            "wan": f"{(number / 10000).normalize():f}",
        }
    if fact.unit == Unit.PERSONS and number > MAX_PERSONS:
        return _("数值%(value)s超出合理的人数范围") % {"value": number}
    if fact.unit == Unit.PERCENT and 0 < number < 1:
        return _("数值%(value)s看起来是小数形式的比例，本条件的单位是%%，如3%%请填写3") % {"value": number}
    if abs(number) >= Decimal("1e14"):
        return _("数值%(value)s过大") % {"value": number}
    return None


def _codes_problem(fact, codes) -> str | None:
    for code in codes:
        if fact.type == FactType.CODE:
            allowed = dict(fact.choices())
            if code not in allowed:
                return _("“%(code)s”不是%(label)s的可选值（%(allowed)s）") % {
                    "code": code,
                    "label": fact.label,
                    "allowed": "、".join(f"{k} {v}" for k, v in allowed.items()),
                }
        elif fact.code_error is not None:
            problem = fact.code_error(code)
            if problem:
                return problem
    return None


def _value_problem(fact, operator, value) -> str | None:
    shape = shape_of(operator, fact.type)
    if shape == Shape.NONE:
        return None if value in (None, "", []) else _("运算“%(op)s”不需要取值") % {"op": operator.label}
    if shape == Shape.NUMBER:
        number = _number(value)
        if number is None:
            return _("取值应为一个数，如2000")
        return _number_problem(fact, number)
    if shape == Shape.RANGE:
        if not isinstance(value, list) or len(value) != 2:
            return _("“介于”的取值应为[下限, 上限]两个数")
        low, high = _number(value[0]), _number(value[1])
        if low is None or high is None:
            return _("“介于”的下限和上限都应为数")
        if low > high:
            return _("“介于”的下限%(low)s大于上限%(high)s") % {"low": low, "high": high}
        return _number_problem(fact, low) or _number_problem(fact, high)
    if shape == Shape.YEARS:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_YEARS:
            return _("年数应为0到%(max)d之间的整数") % {"max": MAX_YEARS}
        return None
    if shape == Shape.DATE:
        try:
            dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return _("取值应为日期，如2020-01-01")
        return None
    if shape == Shape.CODE:
        if not isinstance(value, str) or not value.strip():
            return _("取值应为一个编码")
        return _codes_problem(fact, [value])
    if shape == Shape.CODES:
        if not isinstance(value, list):
            return _('取值应为编码列表，如["C39"]')
        if not value:
            return _("取值列表不能为空")
        if not all(isinstance(v, str) and v.strip() for v in value):
            return _("取值列表中的每一项都应为编码")
        return _codes_problem(fact, value)
    return None


def lint_criterion(criterion) -> dict[str, list[str]]:
    """Problems with one criterion, by field, each message naming the criterion; empty when it is well formed."""
    name = criterion.message or _("（未填写说明）")
    errors: dict[str, list[str]] = {}

    def refuse(field: str, problem: str):
        errors.setdefault(field, []).append(_("条件“%(name)s”：%(problem)s") % {"name": name, "problem": problem})

    if not (criterion.legal_reference or "").strip():
        refuse("legal_reference", _("须填写政策依据"))
    if not (criterion.message or "").strip():
        refuse("message", _("须填写条件说明"))
    rule_set = getattr(criterion, "rule_set", None) if criterion.rule_set_id else None
    if rule_set is not None and rule_set.is_published:
        refuse("rule_set", _("所属申报条件版本已发布，不能修改，请新建版本"))
    if criterion.manual:
        return errors
    if not criterion.fact:
        refuse("fact", _("须选择条件要素，或勾选“需人工审核”"))
        return errors
    if criterion.fact not in facts:
        refuse("fact", _("未知的条件要素“%(fact)s”") % {"fact": criterion.fact})
        return errors
    fact = facts.get(criterion.fact)
    operator = OPERATORS.get(criterion.operator)
    if operator is None:
        refuse("operator", _("未知的运算“%(op)s”") % {"op": criterion.operator})
        return errors
    if fact.type not in operator.types:
        allowed = "、".join(str(OPERATORS[k].label) for k in operators_for(fact.type))
        refuse(
            "operator",
            _("运算“%(op)s”不适用于%(label)s（可用：%(allowed)s）")
            % {"op": operator.label, "label": fact.label, "allowed": allowed},
        )
        return errors
    problem = _value_problem(fact, operator, criterion.value)
    if problem:
        refuse("value", problem)
    return errors
