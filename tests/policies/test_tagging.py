"""Tag suggestions: keywords of the policy text become suggested tags the editor confirms or rejects."""

import pytest

from enterprises.models import Tag, TagCategory
from policies import tagging
from policies.models import PolicyTagSuggestion
from tests.factories.policies import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tags():
    qualification = TagCategory.objects.create(code="qualification", name="资质荣誉")
    industry = TagCategory.objects.create(code="industry", name="所属行业")
    return {
        "hitech": Tag.objects.create(category=qualification, code="hitech", name="高新技术企业"),
        "srdi": Tag.objects.create(category=qualification, code="srdi", name="专精特新"),
        "mfg": Tag.objects.create(category=industry, code="mfg", name="制造业"),
        "catering": Tag.objects.create(category=industry, code="catering", name="餐饮业"),
    }


@pytest.fixture
def policy():
    return PolicyFactory(
        title="宜昌市支持高新技术企业和专精特新企业发展的若干措施",
        original_text=(
            "<p>对首次认定的高新技术企业给予一次性奖励20万元。</p>"
            "<p>对新认定的国家级专精特新小巨人企业给予一次性奖励50万元，省级专精特新中小企业奖励20万元。</p>"
            "<p>支持制造业企业开展技术改造，按设备投资额的10%给予补助，最高不超过200万元。</p>"
        ),
    )


def test_keywords_of_the_text_become_suggestions(policy, tags):
    suggested = {s.tag.code for s in tagging.suggest_tags(policy)}
    assert {"hitech", "srdi"} <= suggested


def test_unrelated_tags_are_not_suggested(policy, tags):
    suggested = {s.tag.code for s in tagging.suggest_tags(policy)}
    assert "catering" not in suggested


def test_a_suggestion_records_its_keyword_and_score(policy, tags):
    suggestion = next(s for s in tagging.suggest_tags(policy) if s.tag == tags["hitech"])
    assert "高新技术企业" in suggestion.keyword or suggestion.keyword in "高新技术企业"
    assert suggestion.score > 0


def test_suggesting_again_does_not_duplicate(policy, tags):
    tagging.suggest_tags(policy)
    tagging.suggest_tags(policy)
    assert policy.tag_suggestions.filter(tag=tags["hitech"]).count() == 1


def test_a_confirmed_suggestion_becomes_a_tag_of_the_policy(policy, tags, editor_a):
    suggestion = next(s for s in tagging.suggest_tags(policy) if s.tag == tags["hitech"])
    tagging.confirm(suggestion, by=editor_a)
    assert tags["hitech"] in policy.tags.all()


def test_a_rejected_suggestion_is_not_offered_again(policy, tags, editor_a):
    suggestion = next(s for s in tagging.suggest_tags(policy) if s.tag == tags["hitech"])
    tagging.reject(suggestion, by=editor_a)
    tagging.suggest_tags(policy)
    assert policy.tag_suggestions.get(tag=tags["hitech"]).status == PolicyTagSuggestion.Status.REJECTED
    assert tags["hitech"] not in policy.tags.all()


def test_a_policy_in_traditional_characters_meets_the_simplified_tags(tags):
    policy = PolicyFactory(
        title="無錫市支持高新技術企業發展的若干措施",
        original_text="<p>對首次認定的高新技術企業給予一次性獎勵20萬元。</p>",
    )

    assert "hitech" in {s.tag.code for s in tagging.suggest_tags(policy)}
