"""Rule versions: published ones are frozen; a change is a new draft version with the same criteria."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from matters.models import RuleSet
from matters.services import new_rule_version, publish_rule_set
from tests.factories.matters import CriterionFactory

pytestmark = pytest.mark.django_db


def test_publishing_dates_the_version_and_freezes_its_criteria():
    criterion = CriterionFactory()
    rules = publish_rule_set(criterion.rule_set, valid_from=dt.date(2026, 4, 1))
    assert rules.is_valid_on(dt.date(2026, 4, 1)) and not rules.is_valid_on(dt.date(2026, 3, 31))
    criterion.refresh_from_db()
    criterion.value = 1000
    with pytest.raises(ValidationError, match="已发布，不能修改"):
        criterion.save()


def test_a_version_is_published_once():
    rules = publish_rule_set(CriterionFactory().rule_set, valid_from=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="该申报条件版本已发布"):
        publish_rule_set(rules, valid_from=dt.date(2026, 5, 1))


def test_a_new_version_is_a_draft_copy_numbered_after_the_latest():
    criterion = CriterionFactory(value=1500, group="a")
    rules = publish_rule_set(criterion.rule_set, valid_from=dt.date(2026, 4, 1))
    draft = new_rule_version(rules)
    assert (draft.code, draft.version, draft.status) == (rules.code, 2, "draft")
    assert list(draft.criteria.values_list("fact", "operator", "value", "group")) == [("revenue", "gte", 1500, "a")]
    assert RuleSet.objects.filter(code=rules.code).count() == 2
