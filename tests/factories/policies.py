"""Factories for policy publishing: regions, departments and staff to own policies, policies and their parts."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from policies.models import Interpretation, Policy, PolicyCategory, PolicySubscription
from portal.org.models import Department, Membership, Role
from tests.factories.org import CityFactory, DepartmentFactory


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"policy-staff-{n}")
    kind = "staff"
    is_staff = True


class EnterpriseUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"policy-ent-{n}")
    kind = "enterprise"

    @factory.post_generation
    def phone(self, create, extracted, **kwargs):
        self.set_phone(extracted or f"139{self.pk:08d}")
        if create:
            self.save()


def member(department: Department, role: str = Role.EDITOR, **kwargs):
    """A member of staff of `department` with `role`."""
    user = StaffFactory(**kwargs)
    Membership.objects.create(user=user, department=department, role=role)
    return user


def category(code: str = "keji") -> PolicyCategory:
    return PolicyCategory.objects.get(code=code)


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"宜昌市支持科技创新若干措施（第{n}号）")
    document_number = factory.Sequence(lambda n: f"宜府规〔2026〕{n + 1}号")
    issuing_authority = "宜昌市人民政府"
    level = Policy.Level.MUNICIPAL
    region = factory.SubFactory(CityFactory)
    lead_department = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..region"))
    issue_date = dt.date(2026, 3, 2)
    effective_date = factory.SelfAttribute("issue_date")
    original_text = "<p>对首次认定的高新技术企业给予一次性奖励20万元。</p>"
    summary = "高新技术企业认定奖励。"

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            self.categories.set(extracted if extracted is not None else [category("keji")])


class InterpretationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interpretation

    policy = factory.SubFactory(PolicyFactory)
    title = factory.LazyAttribute(lambda o: f"一图读懂《{o.policy.title}》")
    kind = Interpretation.Kind.TEXT
    body = "<p>首次认定的高新技术企业可获一次性奖励20万元。</p>"
    key_points = factory.LazyFunction(lambda: ["首次认定奖励20万元", "免申即享"])


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicySubscription

    user = factory.SubFactory(EnterpriseUserFactory)
