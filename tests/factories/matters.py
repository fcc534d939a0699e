"""Factories for rule sets (申报条件版本) and their criteria."""

import factory

from matters.models import Criterion, RuleSet


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet

    code = factory.Sequence(lambda n: f"rules-{n}")
    name = factory.Sequence(lambda n: f"测试事项{n}申报条件")
    version = 1


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    rule_set = factory.SubFactory(RuleSetFactory)
    position = factory.Sequence(lambda n: n)
    fact = "revenue"
    operator = "gte"
    value = 2000
    message = "上一年度营业收入不低于2000万元"
    legal_reference = "宜政发〔2024〕5号 第十二条"
