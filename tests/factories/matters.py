"""Factories for matters (政策资金事项), their guides, rule sets (申报条件版本) and criteria."""

from decimal import Decimal

import factory

from matters.models import (
    Criterion,
    DeliveryKind,
    Material,
    Matter,
    ProcessStep,
    RuleSet,
    SupportKind,
    WindowKind,
)
from tests.factories.policies import PolicyFactory


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


class MatterFactory(factory.django.DjangoModelFactory):
    """A year-round, fixed-amount 申报审批 matter of a published-looking policy, in its policy's region."""

    class Meta:
        model = Matter

    code = factory.Sequence(lambda n: f"YC-KJ-2026-{n + 1:03d}")
    name = factory.Sequence(lambda n: f"宜昌市高新技术企业首次认定奖励（第{n}项）")
    policy = factory.SubFactory(PolicyFactory)
    clause = "第十二条"
    department = factory.SelfAttribute("policy.lead_department")
    region = factory.SelfAttribute("policy.region")
    target = "在本市注册登记、首次认定为高新技术企业的企业"
    delivery_kind = DeliveryKind.REVIEWED
    window_kind = WindowKind.YEAR_ROUND
    time_limit_days = 15
    support_kind = SupportKind.FIXED
    support_amount = Decimal("200000")
    support_text = "对首次认定的高新技术企业给予一次性奖励20万元。"
    consult_phone = "0717-6451234"
    supervise_phone = "0717-12345"


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    matter = factory.SubFactory(MatterFactory)
    position = factory.Sequence(lambda n: n)
    name = "高新技术企业证书"
    form = Material.Form.ELECTRONIC


class ProcessStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessStep

    matter = factory.SubFactory(MatterFactory)
    position = factory.Sequence(lambda n: n)
    name = "部门审核"
    department = factory.SelfAttribute("matter.department")
    days = 10


def complete_matter(**fields) -> Matter:
    """A draft matter ready to submit: a rule version with one criterion, one material, one process step."""
    matter = MatterFactory(**fields)
    rule_set = RuleSetFactory(matter=matter, code=matter.code.lower(), name=f"{matter.name}申报条件")
    CriterionFactory(rule_set=rule_set)
    MaterialFactory(matter=matter)
    ProcessStepFactory(matter=matter)
    return matter
