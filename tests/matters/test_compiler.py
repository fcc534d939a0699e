"""The SQL compiler: one set-based query, parameterised, with missing data kept apart from failure."""

import datetime as dt

import pytest

from matters.eligibility import eligible_enterprises, status_annotation
from matters.eligibility.compiler import STATUS_FIELD
from tests.matters import build

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 15)


def test_matching_the_register_is_one_query_whatever_its_size(django_assert_num_queries):
    rules = build.rule_set(
        [
            {"fact": "revenue", "operator": "gte", "value": 2000},
            {"fact": "qualification", "operator": "has_qualification", "value": "hitech", "group": "a"},
            {"fact": "size", "operator": "in", "value": ["small", "micro"], "group": "a"},
        ]
    )
    for revenue in (100, 2500, 3000):
        build.enterprise({"size": "small", "figures": {2025: {"revenue_wan": revenue}}})
    with django_assert_num_queries(2):  # the criteria rows, then the match
        assert len(list(eligible_enterprises(rules, on=ON))) == 2


def test_staff_values_reach_the_database_as_parameters_not_sql_text():
    rules = build.rule_set([{"fact": "revenue", "operator": "gte", "value": 2000}])
    sql, params = eligible_enterprises(rules, on=ON).query.sql_with_params()
    assert "2000" not in sql
    assert 2000 in params


def test_a_negated_criterion_does_not_turn_missing_data_into_a_pass():
    """iaso's ~Q(exact) drops NULL rows; here "≠ 0" on a missing figure stays unknown."""
    rules = build.rule_set([{"fact": "export_value", "operator": "ne", "value": 0}])
    missing = build.enterprise({"figures": {2025: {"export_value_wan": None}}})
    exporting = build.enterprise({"figures": {2025: {"export_value_wan": 12}}})
    statuses = dict(status_annotation(rules, on=ON).values_list("pk", STATUS_FIELD))
    assert (statuses[missing.pk], statuses[exporting.pk]) == ("unknown", "eligible")
