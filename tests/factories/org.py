"""Factories for the organisation: regions (湖北省 › 宜昌市 › 西陵区 by default), departments, staff and members."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from portal.org.models import Department, Membership, Region, Role


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "420000"
    name = "湖北省"
    level = Region.Level.PROVINCE


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "420500"
    name = "宜昌市"
    level = Region.Level.CITY
    parent = factory.SubFactory(ProvinceFactory)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "420502"
    name = "西陵区"
    level = Region.Level.COUNTY
    parent = factory.SubFactory(CityFactory)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"测试部门{n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:32])
    code = factory.Sequence(lambda n: f"org-dept-{n}")
    region = factory.SubFactory(CityFactory)
    kind = Department.Kind.POLICY


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A back-office account (工作人员) with no department yet."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"org-staff-{n}")
    kind = "staff"
    is_staff = True
    # Hashing a real password costs most of a second; tests that log in with one set it themselves.
    password = factory.LazyFunction(lambda: make_password(None))


class EnterpriseUserFactory(factory.django.DjangoModelFactory):
    """An enterprise user (企业用户), who signs in with a mobile number."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"org-ent-{n}")
    kind = "enterprise"
    password = factory.LazyFunction(lambda: make_password(None))

    @factory.post_generation
    def phone(self, create, extracted, **kwargs):
        self.set_phone(extracted or f"137{self.pk or 0:08d}")
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(StaffUserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Role.EDITOR


def staff_member(department: Department, role: str = Role.EDITOR, **kwargs):
    """A member of staff of `department` with `role`, in that department's and that role's groups."""
    return MembershipFactory(department=department, role=role, user=StaffUserFactory(**kwargs)).user
