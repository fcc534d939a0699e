"""The amount estimate (预计可获金额) compiled to SQL: `matters.amounts.estimate` over the whole register at once.

    amount_expression(matter, on) -> Expression   # Decimal 元, two places; NULL = cannot be estimated
    with_amount(queryset, matter, *, on, name="estimated_amount") -> QuerySet

The same support standard (扶持标准) as `estimate`, row by row:

* 定额 (fixed): the constant `support_amount` (0 when empty, as `estimate` says);
* 按比例 (rate): ROUND(base × unit factor × rate / 100, 2), at least 0, at most
  `support_cap`; PostgreSQL's ROUND on numeric rounds half away from zero, as
  `ROUND_HALF_UP` does in Python;
* 分档 (tiers): the amount of the tier with the highest lower bound holding the
  base value (lower ≤ value < upper), 0 when the value is in no tier;
* 非资金类, a base fact that is not registered, or a rate on a base that is no
  amount of money: NULL.

The base fact is read through the facts registry (`portal.core.facts`), so its
SQL value is the one the eligibility compiler uses: NULL (a missing or stale
figure, a ratio over zero revenue) makes the amount NULL, never 0. Every
number from the matter goes in as a parameter. `tests/matters/test_amount_agreement.py`
holds this module to `estimate` for generated enterprises and standards.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, Q, QuerySet, Value, When
from django.db.models.functions import Round
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, IsNull, LessThan

from matters.amounts import FEN, MONEY_UNITS, NUMBER_TYPES, base_fact

AMOUNT_FIELD = "estimated_amount"


def _money() -> DecimalField:
    return DecimalField(max_digits=20, decimal_places=2)


def _number() -> DecimalField:
    return DecimalField(max_digits=30, decimal_places=8)


def _null():
    return Value(None, output_field=_money())


def _money_value(amount) -> Value:
    return Value(Decimal(amount).quantize(FEN), output_field=_money())


def _base_value(fact, on: dt.date):
    """The base fact's SQL value, NULL when unknown (a fact whose unknown is a value, such as "", made NULL)."""
    value = fact.expression(on)
    if fact.known is not None:
        value = Case(When(fact.known(on), then=value), default=Value(None), output_field=_number())
    return value


def amount_expression(matter, on: dt.date):
    """The estimated amount of `matter` for each enterprise row, in 元 (see the module docstring); NULL = unknown.

    The expression reads the base fact's relations (`base_relations`); `with_amount` adds both.
    """
    from matters.models import SupportKind

    kind = matter.support_kind
    if kind == SupportKind.FIXED:
        return _money_value(matter.support_amount or 0)
    if kind not in (SupportKind.RATE, SupportKind.TIERS):
        return _null()
    fact = base_fact(matter)
    if fact is None or fact.is_set or fact.type not in NUMBER_TYPES:
        return _null()
    value = _base_value(fact, on)
    if kind == SupportKind.RATE:
        factor = MONEY_UNITS.get(fact.unit)
        if factor is None:
            return _null()
        rate = Decimal(matter.support_rate or 0)
        raw = Round(
            ExpressionWrapper(
                value * Value(factor, output_field=_number()) * Value(rate, output_field=_number()) / Value(100),
                output_field=_number(),
            ),
            2,
            output_field=_money(),
        )
        # CASE rather than GREATEST/LEAST: those skip NULL, and a NULL base must stay NULL.
        amount = Case(When(LessThan(raw, Value(0)), then=_money_value(0)), default=raw, output_field=_money())
        if matter.support_cap is not None:
            cap = _money_value(matter.support_cap)
            amount = Case(When(GreaterThan(amount, cap), then=cap), default=amount, output_field=_money())
        return amount
    tiers = sorted(matter.tiers.all(), key=lambda t: t.lower, reverse=True)
    whens = []
    for tier in tiers:
        holds = Q(GreaterThanOrEqual(value, Value(tier.lower, output_field=_number())))
        if tier.upper is not None:
            holds &= Q(LessThan(value, Value(tier.upper, output_field=_number())))
        whens.append(When(holds, then=_money_value(tier.amount)))
    whens.append(When(IsNull(value, False), then=_money_value(0)))
    return Case(*whens, default=_null(), output_field=_money())


def base_relations(matter, on: dt.date) -> dict:
    """The filtered relations the base fact's expression reads (year N-1's AnnualFigure …), to `alias` first."""
    fact = base_fact(matter)
    if fact is None or fact.relations is None:
        return {}
    return fact.relations(on)


def with_amount(queryset: QuerySet, matter, *, on: dt.date, name: str = AMOUNT_FIELD) -> QuerySet:
    """`queryset` (of enterprises) annotated with `name`: the estimated amount of `matter` in 元, NULL when unknown."""
    relations = base_relations(matter, on)
    if relations:
        queryset = queryset.alias(**relations)
    return queryset.annotate(**{name: amount_expression(matter, on)})
