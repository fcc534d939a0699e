"""The demo policies: realistic coverage, loaded twice without a single new row or history record."""

import pytest

from policies import demo
from policies.models import Interpretation, Policy, PolicyCategory, PolicyRelation
from portal.org import demo as org_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    org_demo.load()
    demo.load()


def test_at_least_40_policies_over_four_levels_and_nine_categories(loaded):
    assert Policy.objects.count() >= 40
    assert set(Policy.objects.values_list("level", flat=True)) == set(Policy.Level.values)
    assert PolicyCategory.objects.filter(policies__isnull=False).distinct().count() == 9


def test_every_policy_has_an_approved_interpretation_with_key_points(loaded):
    assert not Policy.objects.exclude(interpretations__status=Interpretation.Status.APPROVED).exists()
    assert all(i.key_points for i in Interpretation.objects.all())


def test_some_expired_some_repealed_by_a_replacement_some_joint(loaded):
    assert Policy.objects.filter(status=Policy.Status.EXPIRED).exists()
    repealed = Policy.objects.filter(status=Policy.Status.REPEALED)
    assert repealed.exists()
    assert all(PolicyRelation.objects.filter(target=p, kind=PolicyRelation.Kind.REPLACES).exists() for p in repealed)
    assert Policy.objects.filter(co_departments__isnull=False).exists()


def test_loading_again_changes_nothing(loaded):
    before = (Policy.objects.count(), Policy.history.count(), Interpretation.history.count())
    demo.load()
    assert (Policy.objects.count(), Policy.history.count(), Interpretation.history.count()) == before
