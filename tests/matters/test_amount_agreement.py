"""Property: the amount estimate in SQL and in Python agree on every enterprise, for any support standard.

Hypothesis generates enterprises as the eligibility property test does
(missing figures, stale and future years, zero revenue, losses) and support
standards of every kind: fixed amounts (empty ones too), rates on every
number fact with and without a cap (a cap of 0, a rate on a count of persons
or on a losing year's profit), tiers with open and closed upper bounds, and
bases that are missing. For each enterprise `amounts_sql.with_amount` must give
exactly the `amount` of `amounts.estimate`: the same Decimal to the fen, or
NULL where the estimate has none — and `amount_missing` must be true exactly there.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises.models import Enterprise
from matters.amounts import estimate
from matters.amounts_sql import AMOUNT_FIELD, MISSING_FIELD, with_amount
from matters.models import SupportKind, SupportTier
from portal.core.facts import FactType, facts
from tests.factories.matters import MatterFactory
from tests.matters import build
from tests.matters.test_agreement import DAYS, enterprise_spec, figures

pytestmark = pytest.mark.django_db(transaction=False)

NUMBER_FACTS = sorted(fact.key for fact in facts if fact.type in (FactType.DECIMAL, FactType.INTEGER))
# Rates with three and four places make amounts that need rounding to the fen (12.345% of 1万元 ends in 5).
RATES = [Decimal(v) for v in ("0.5", "3", "12.5", "12.345", "33.3333", "66.6667", "100")]
AMOUNTS = [Decimal(v) for v in ("0", "0.01", "5000", "200000", "1000000.5")]
BOUNDS = [Decimal(v) for v in ("-50", "0", "0.01", "3", "10", "180", "300", "2000", "2000.01", "5000")]


@st.composite
def tiers(draw):
    """Up to four tiers on distinct lower bounds; an upper bound above its lower one, or open."""
    lowers = draw(st.lists(st.sampled_from(BOUNDS), min_size=0, max_size=4, unique=True))
    rows = []
    for lower in lowers:
        upper = draw(st.one_of(st.none(), st.sampled_from([b for b in BOUNDS if b > lower] or [None])))
        rows.append({"lower": lower, "upper": upper, "amount": draw(st.sampled_from(AMOUNTS))})
    return rows


@st.composite
def support_standard(draw):
    kind = draw(st.sampled_from([*SupportKind.values, SupportKind.RATE, SupportKind.TIERS]))
    amount = draw(st.one_of(st.none(), st.sampled_from(AMOUNTS)))
    cap = draw(st.one_of(st.none(), st.sampled_from(AMOUNTS)))
    if amount is not None and cap is not None and cap < amount:  # the database refuses a cap below the amount
        cap = amount
    return {
        "support_kind": kind,
        "support_amount": amount,
        "support_rate": draw(st.sampled_from([None, *RATES])),
        "support_cap": cap,
        "support_base_fact": draw(st.sampled_from(["", *NUMBER_FACTS])),
        "tiers": draw(tiers()) if kind == SupportKind.TIERS else [],
    }


def _with_last_year(spec: dict, last_year: dict | None, year: int) -> dict:
    return spec if last_year is None else {**spec, "figures": {**spec["figures"], year: last_year}}


def register_on(on):
    """(on, enterprises): three in four have figures for the year before `on`, the year the estimate reads."""
    last_year = st.one_of(st.none(), figures, figures, figures)
    company = st.tuples(enterprise_spec, last_year).map(lambda pair: _with_last_year(*pair, on.year - 1))
    return st.tuples(st.just(on), st.lists(company, min_size=1, max_size=4))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(standard=support_standard(), register=st.sampled_from(DAYS).flatmap(register_on))
def test_sql_amount_and_python_estimate_agree(standard, register):
    on, companies = register
    with transaction.atomic():
        rows = standard.pop("tiers")
        matter = MatterFactory(**standard)
        for position, tier in enumerate(rows):
            SupportTier.objects.create(matter=matter, position=position, **tier)
        made = [build.enterprise(spec).pk for spec in companies]
        scope = Enterprise.objects.filter(pk__in=made)

        python = {e.pk: estimate(matter, e, on=on).amount for e in scope}
        rows = with_amount(scope, matter, on=on).values_list("pk", AMOUNT_FIELD, MISSING_FIELD)
        sql = {pk: amount for pk, amount, _missing in rows}
        missing = {pk for pk, _amount, is_missing in rows if is_missing}
        transaction.set_rollback(True)

    assert python == sql
    assert missing == {pk for pk, amount in python.items() if amount is None}
