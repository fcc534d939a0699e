"""The amount estimate (预计可获金额) compiled to SQL: `matters.amounts.estimate` over the whole register at once.

    amount_expression(matter, on) -> Expression   # Decimal 元, two places; NULL = cannot be estimated
    amount_missing(matter, on) -> Q               # where that expression is NULL, tested cheaply
    with_amount(queryset, matter, *, on) -> QuerySet   # annotated with both

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

from django.db.models import BooleanField, Case, DecimalField, ExpressionWrapper, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Least, Round
from django.db.models.lookups import GreaterThanOrEqual, IsNull, LessThan

from matters.amounts import FEN, MONEY_UNITS, NUMBER_TYPES, base_fact

AMOUNT_FIELD = "estimated_amount"
MISSING_FIELD = "estimated_amount_missing"
NEVER = Q(pk__isnull=True)
ALWAYS = Q(pk__isnull=False)


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
        raw = ExpressionWrapper(
            value * Value(factor, output_field=_number()) * Value(rate, output_field=_number()) / Value(100),
            output_field=_number(),
        )
        # Rounding commutes with the floor at 0 and a cap in fen: ROUND(LEAST(GREATEST(raw, 0), cap), 2) is
        # estimate's max(round(raw), 0) capped, with `raw` computed once. GREATEST and LEAST skip NULL, so a
        # NULL base is kept NULL by the CASE around them.
        bounded = Greatest(raw, Value(0, output_field=_number()), output_field=_number())
        if matter.support_cap is not None:
            bounded = Least(bounded, Value(Decimal(matter.support_cap), output_field=_number()), output_field=_number())
        return Case(
            When(IsNull(value, True), then=_null()),
            default=Round(bounded, 2, output_field=_money()),
            output_field=_money(),
        )
    tiers = sorted(matter.tiers.all(), key=lambda t: t.lower, reverse=True)
    whens = []
    for tier in tiers:
        holds = Q(GreaterThanOrEqual(value, Value(tier.lower, output_field=_number())))
        if tier.upper is not None:
            holds &= Q(LessThan(value, Value(tier.upper, output_field=_number())))
        whens.append(When(holds, then=_money_value(tier.amount)))
    whens.append(When(IsNull(value, False), then=_money_value(0)))
    return Case(*whens, default=_null(), output_field=_money())


def amount_missing(matter, on: dt.date) -> Q:
    """True exactly where `amount_expression` is NULL, without computing the amount (a test of the base alone)."""
    from matters.models import SupportKind

    if matter.support_kind == SupportKind.FIXED:
        return NEVER
    fact = base_fact(matter)
    valid = fact is not None and not fact.is_set and fact.type in NUMBER_TYPES
    if matter.support_kind == SupportKind.RATE:
        valid = valid and MONEY_UNITS.get(fact.unit) is not None
    if matter.support_kind not in (SupportKind.RATE, SupportKind.TIERS) or not valid:
        return ALWAYS
    return Q(IsNull(_base_value(fact, on), True))


def base_relations(matter, on: dt.date) -> dict:
    """The filtered relations the base fact's expression reads (year N-1's AnnualFigure …), to `alias` first."""
    fact = base_fact(matter)
    if fact is None or fact.relations is None:
        return {}
    return fact.relations(on)


def with_amount(queryset: QuerySet, matter, *, on: dt.date) -> QuerySet:
    """`queryset` (of enterprises) annotated with `estimated_amount`, the estimate of `matter` in 元 (NULL when
    unknown), and `estimated_amount_missing` (a boolean: the estimate is NULL)."""
    relations = base_relations(matter, on)
    if relations:
        queryset = queryset.alias(**relations)
    return queryset.annotate(
        **{
            AMOUNT_FIELD: amount_expression(matter, on),
            MISSING_FIELD: ExpressionWrapper(amount_missing(matter, on), output_field=BooleanField()),
        }
    )
