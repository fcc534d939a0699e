"""Property: the Python evaluator and the SQL compiler agree on every enterprise, for any criteria.

Hypothesis generates enterprises with missing figures, stale and future
years, zero revenue, losses, expired and not-yet-valid qualifications and odd
industry codes, and rule sets using every operator, OR groups, manual
criteria and edge values that the linter lets through. For every enterprise
the three statuses, membership of the eligible set and the near miss (which
criterion, what gap) must be the same both ways.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from enterprises.models import Enterprise
from matters.eligibility import eligible_enterprises, evaluate, near_misses, status_annotation
from matters.eligibility.compiler import STATUS_FIELD
from matters.eligibility.operators import OPERATORS, operators_for
from portal.core.facts import FactType, facts
from tests.matters import build

pytestmark = pytest.mark.django_db(transaction=False)

DAYS = [dt.date(2026, 3, 15), dt.date(2026, 1, 1), dt.date(2025, 2, 28), dt.date(2024, 2, 29)]
MONEY = [Decimal(v) for v in ("0", "0.01", "3", "60", "180", "1820", "2000", "2000.01", "2300", "99999.99")]
QUALIFICATIONS = ["hitech", "sme_specialised"]
TAGS = ["t1", "t2"]
COUNTIES = ["420502", "420503", "420602"]


def money(signed=False):
    values = MONEY + ([Decimal("-30"), Decimal("-0.01")] if signed else [])
    return st.one_of(st.none(), st.sampled_from(values), st.decimals(0, 100000, places=2))


figures = st.fixed_dictionaries(
    {
        "revenue_wan": money(),
        "profit_wan": money(signed=True),
        "tax_paid_wan": money(),
        "rd_expense_wan": money(),
        "employees": st.one_of(st.none(), st.sampled_from([0, 1, 10, 300, 301]), st.integers(0, 5000)),
        "total_assets_wan": money(),
        "export_value_wan": money(),
    }
)

qualification = st.fixed_dictionaries(
    {
        "type": st.sampled_from(QUALIFICATIONS),
        "valid_from": st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)),
        "valid_to": st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2029, 12, 31))),
    }
).map(lambda q: {**q, "valid_to": max(q["valid_to"], q["valid_from"]) if q["valid_to"] else None})

enterprise_spec = st.fixed_dictionaries(
    {
        "registration_date": st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31))),
        "industry_code": st.sampled_from(["", "C3911", "C39", "C", "C391", "I6513", "A0111", "c3911", "Z9"]),
        "region": st.sampled_from(COUNTIES),
        "size": st.sampled_from(["large", "medium", "small", "micro", "unknown"]),
        "credit_status": st.sampled_from(["normal", "normal", "serious_dishonest"]),
        "operating_status": st.sampled_from(["existing", "operating", "revoked"]),
        "figures": st.dictionaries(st.sampled_from([2022, 2023, 2024, 2025, 2026]), figures, max_size=3),
        "qualifications": st.lists(qualification, max_size=2, unique_by=lambda q: (q["type"], q["valid_from"])),
        "tags": st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    }
)

NUMBER_VALUES = {
    "rd_ratio": [0, 3, "4.35", 5, 100],
    "employees": [0, 1, 10, 300, 301],
    "profit": [-30, 0, "0.01", 180],
}


def _value(fact, operator, draw):
    shape = operator.shape if not (operator.key in ("eq", "ne") and fact.type == FactType.CODE) else "code"
    if fact.type == FactType.CODE:
        choices = [k for k, _label in fact.choices()]
        if shape == "code":
            return draw(st.sampled_from(choices))
        return draw(st.lists(st.sampled_from(choices), min_size=0, max_size=3, unique=True))
    if shape in ("number", "range"):
        pool = NUMBER_VALUES.get(fact.key, [0, "0.01", 180, 2000, "2000.01", 2300])
        if shape == "number":
            return draw(st.sampled_from(pool))
        return sorted(draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2)), key=Decimal)
    if shape == "codes" and fact.type == FactType.CODE_PREFIX:
        return draw(st.lists(st.sampled_from(["C", "C39", "C3911", "I65", "A"]), min_size=1, max_size=3, unique=True))
    if shape == "codes":
        return draw(st.lists(st.sampled_from(["420000", "420500", "420502", "420600"]), min_size=1, unique=True))
    if shape == "years":
        return draw(st.sampled_from([0, 1, 3, 10]))
    if shape == "date":
        return draw(st.sampled_from(["2015-06-01", "2023-03-15", "2024-02-29"]))
    if shape == "code":
        return draw(st.sampled_from(QUALIFICATIONS if fact.type == FactType.QUALIFICATION else TAGS))
    return None


@st.composite
def criterion_spec(draw):
    if draw(st.integers(0, 9)) == 0:
        return {"manual": True, "message": "人工条件", "group": draw(st.sampled_from(["", "a"]))}
    fact = facts.get(draw(st.sampled_from(facts.keys())))
    operator = OPERATORS[draw(st.sampled_from(operators_for(fact.type)))]
    return {
        "fact": fact.key,
        "operator": operator.key,
        "value": _value(fact, operator, draw),
        "group": draw(st.sampled_from(["", "", "a", "b"])),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    criteria=st.lists(criterion_spec(), min_size=0, max_size=5),
    companies=st.lists(enterprise_spec, min_size=1, max_size=4),
    on=st.sampled_from(DAYS),
)
def test_python_and_sql_agree_on_every_enterprise(criteria, companies, on):
    with transaction.atomic():
        try:
            rules = build.rule_set(criteria)
        except ValidationError:
            transaction.set_rollback(True)
            reject()
        made = [build.enterprise(spec).pk for spec in companies]
        scope = Enterprise.objects.filter(pk__in=made)

        python = {e.pk: evaluate(rules, e, on=on) for e in scope}
        sql = dict(status_annotation(rules, on=on, queryset=scope).values_list("pk", STATUS_FIELD))
        eligible = set(eligible_enterprises(rules, on=on, queryset=scope).values_list("pk", flat=True))
        near = {
            row["pk"]: (row["near_miss_criterion"], row["near_miss_gap"])
            for row in near_misses(rules, on=on, queryset=scope).values("pk", "near_miss_criterion", "near_miss_gap")
        }
        transaction.set_rollback(True)

    assert {pk: e.status for pk, e in python.items()} == sql
    assert {pk for pk, e in python.items() if e.status == "eligible"} == eligible
    expected_near = {
        pk: (e.near_miss.criterion.pk, e.near_miss.gap) for pk, e in python.items() if e.near_miss is not None
    }
    assert expected_near == near
