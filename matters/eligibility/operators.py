"""The closed set of criterion operators: one table, two compilers.

Each operator names the fact types it fits, the shape its value must have,
a Python predicate over a *known* value and a `Q` builder over the SQL value
of the fact (an alias on the enterprise queryset). Unknown is handled once,
by the callers (`evaluator`, `compiler`): the predicate is never asked about
None, and the `Q` is always guarded by "the value is not NULL", so no
operator can turn missing data into a pass or a fail (the trap of iaso's
`~Q(exact)`, which silently drops NULL rows).

Set facts (qualifications, tags) of an archived enterprise are never
unknown: the archive is the register of what was granted, so "not held" is a
fail. A profile that cannot state a set (the calculator's visitor has no
tags) reads None, which the evaluator treats as unknown like any other fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.facts import FactType

NUMBERS = frozenset({FactType.DECIMAL, FactType.INTEGER})


class Shape:
    """What a criterion's JSON value must look like for an operator."""

    NUMBER = "number"  # 2000 or "2000.5"
    RANGE = "range"  # [low, high], both included
    CODE = "code"  # "small"
    CODES = "codes"  # ["small", "micro"], not empty
    YEARS = "years"  # a whole number of years, 0–200
    DATE = "date"  # "2020-01-01"
    NONE = "none"  # no value


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier when negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def region_prefix(code: str) -> str:
    """The significant digits of a 6-digit 行政区划 code: 420000 → 42, 420500 → 4205, 420502 → 420502."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _any_prefix(alias: str, prefixes) -> Q:
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{alias}__startswith": prefix})
    return q


@dataclass(frozen=True)
class Operator:
    key: str
    label: Any  # Chinese, lazy
    symbol: str
    types: frozenset[str]
    shape: str
    # (known value, prepared parameter) -> bool
    holds: Callable[[Any, Any], bool]
    # (alias of the fact's SQL value, prepared parameter) -> Q true exactly when `holds`, for a non-NULL value
    q: Callable[[str, Any], Q]
    negated: bool = False  # for set operators: passes when the member is absent


def _num(value) -> Decimal:
    return Decimal(str(value))


OPERATORS: dict[str, Operator] = {
    op.key: op
    for op in (
        Operator(
            "eq", _("等于"), "=", NUMBERS | {FactType.CODE}, Shape.NUMBER, lambda v, p: v == p, lambda a, p: Q(**{a: p})
        ),
        Operator(
            "ne",
            _("不等于"),
            "≠",
            NUMBERS | {FactType.CODE},
            Shape.NUMBER,
            lambda v, p: v != p,
            lambda a, p: ~Q(**{a: p}),
        ),
        Operator(
            "gte", _("不低于"), "≥", NUMBERS, Shape.NUMBER, lambda v, p: v >= p, lambda a, p: Q(**{f"{a}__gte": p})
        ),
        Operator(
            "lte", _("不高于"), "≤", NUMBERS, Shape.NUMBER, lambda v, p: v <= p, lambda a, p: Q(**{f"{a}__lte": p})
        ),
        Operator("gt", _("高于"), ">", NUMBERS, Shape.NUMBER, lambda v, p: v > p, lambda a, p: Q(**{f"{a}__gt": p})),
        Operator("lt", _("低于"), "<", NUMBERS, Shape.NUMBER, lambda v, p: v < p, lambda a, p: Q(**{f"{a}__lt": p})),
        Operator(
            "between",
            _("介于"),
            "∈",
            NUMBERS,
            Shape.RANGE,
            lambda v, p: p[0] <= v <= p[1],
            lambda a, p: Q(**{f"{a}__gte": p[0], f"{a}__lte": p[1]}),
        ),
        Operator(
            "in",
            _("属于"),
            "∈",
            frozenset({FactType.CODE}),
            Shape.CODES,
            lambda v, p: v in p,
            lambda a, p: Q(**{f"{a}__in": p}),
        ),
        Operator(
            "not_in",
            _("不属于"),
            "∉",
            frozenset({FactType.CODE}),
            Shape.CODES,
            lambda v, p: v not in p,
            lambda a, p: ~Q(**{f"{a}__in": p}),
        ),
        Operator(
            "prefix_in",
            _("行业属于"),
            "∈",
            frozenset({FactType.CODE_PREFIX}),
            Shape.CODES,
            lambda v, p: any(v.startswith(x) for x in p),
            _any_prefix,
        ),
        Operator(
            "not_prefix_in",
            _("行业不属于"),
            "∉",
            frozenset({FactType.CODE_PREFIX}),
            Shape.CODES,
            lambda v, p: not any(v.startswith(x) for x in p),
            lambda a, p: ~_any_prefix(a, p),
        ),
        Operator(
            "within_region",
            _("位于区划内"),
            "∈",
            frozenset({FactType.REGION}),
            Shape.CODES,
            lambda v, p: any(v.startswith(x) for x in p),
            _any_prefix,
        ),
        Operator(
            "years_since_gte",
            _("成立满"),
            "≥",
            frozenset({FactType.DATE}),
            Shape.YEARS,
            lambda v, p: v <= p,
            lambda a, p: Q(**{f"{a}__lte": p}),
        ),
        Operator(
            "years_since_lt",
            _("成立不满"),
            "<",
            frozenset({FactType.DATE}),
            Shape.YEARS,
            lambda v, p: v > p,
            lambda a, p: Q(**{f"{a}__gt": p}),
        ),
        Operator(
            "date_gte",
            _("不早于"),
            "≥",
            frozenset({FactType.DATE}),
            Shape.DATE,
            lambda v, p: v >= p,
            lambda a, p: Q(**{f"{a}__gte": p}),
        ),
        Operator(
            "date_lte",
            _("不晚于"),
            "≤",
            frozenset({FactType.DATE}),
            Shape.DATE,
            lambda v, p: v <= p,
            lambda a, p: Q(**{f"{a}__lte": p}),
        ),
        Operator(
            "is_true",
            _("是"),
            "",
            frozenset({FactType.BOOLEAN}),
            Shape.NONE,
            lambda v, p: v is True,
            lambda a, p: Q(**{a: True}),
        ),
        Operator(
            "is_false",
            _("否"),
            "",
            frozenset({FactType.BOOLEAN}),
            Shape.NONE,
            lambda v, p: v is False,
            lambda a, p: Q(**{a: False}),
        ),
        Operator(
            "has_qualification",
            _("持有有效资质"),
            "",
            frozenset({FactType.QUALIFICATION}),
            Shape.CODE,
            lambda v, p: p in v,
            None,
        ),
        Operator(
            "lacks_qualification",
            _("未持有资质"),
            "",
            frozenset({FactType.QUALIFICATION}),
            Shape.CODE,
            lambda v, p: p not in v,
            None,
            negated=True,
        ),
        Operator("has_tag", _("带有标签"), "", frozenset({FactType.TAG}), Shape.CODE, lambda v, p: p in v, None),
        Operator(
            "lacks_tag",
            _("不带标签"),
            "",
            frozenset({FactType.TAG}),
            Shape.CODE,
            lambda v, p: p not in v,
            None,
            negated=True,
        ),
    )
}


class OperatorChoices(models.TextChoices):
    """The closed set, as model choices (the database refuses any other key)."""

    EQ = "eq", _("等于")
    NE = "ne", _("不等于")
    GTE = "gte", _("不低于（≥）")
    LTE = "lte", _("不高于（≤）")
    GT = "gt", _("高于（>）")
    LT = "lt", _("低于（<）")
    BETWEEN = "between", _("介于（含两端）")
    IN = "in", _("属于其中之一")
    NOT_IN = "not_in", _("不属于其中任何一个")
    PREFIX_IN = "prefix_in", _("行业代码以其中之一开头")
    NOT_PREFIX_IN = "not_prefix_in", _("行业代码不以其中任何一个开头")
    WITHIN_REGION = "within_region", _("位于区划范围内")
    YEARS_SINCE_GTE = "years_since_gte", _("成立满N年")
    YEARS_SINCE_LT = "years_since_lt", _("成立不满N年")
    DATE_GTE = "date_gte", _("日期不早于")
    DATE_LTE = "date_lte", _("日期不晚于")
    IS_TRUE = "is_true", _("是")
    IS_FALSE = "is_false", _("否")
    HAS_QUALIFICATION = "has_qualification", _("持有有效资质")
    LACKS_QUALIFICATION = "lacks_qualification", _("未持有有效资质")
    HAS_TAG = "has_tag", _("带有标签")
    LACKS_TAG = "lacks_tag", _("不带标签")


def operators_for(fact_type: str) -> list[str]:
    """The operator keys that fit a fact type, in table order."""
    return [key for key, op in OPERATORS.items() if fact_type in op.types]


def shape_of(operator: Operator, fact_type: str) -> str:
    """eq / ne take a number on number facts and a code on code facts."""
    if operator.key in {"eq", "ne"} and fact_type == FactType.CODE:
        return Shape.CODE
    return operator.shape


def prepare(operator: Operator, fact_type: str, value: Any, on: dt.date) -> Any:
    """The linted JSON value as the predicate and the `Q` take it (numbers as Decimal, cut-off dates …)."""
    shape = shape_of(operator, fact_type)
    if shape == Shape.NUMBER:
        return _num(value)
    if shape == Shape.RANGE:
        return (_num(value[0]), _num(value[1]))
    if shape == Shape.CODES:
        codes = tuple(str(v) for v in value)
        return tuple(region_prefix(c) for c in codes) if fact_type == FactType.REGION else codes
    if shape == Shape.YEARS:
        # 成立满N年 ⇔ registered no later than the same day N years before the evaluation date.
        return shift_years(on, -int(value))
    if shape == Shape.DATE:
        return dt.date.fromisoformat(value)
    if shape == Shape.CODE:
        return str(value)
    return None
