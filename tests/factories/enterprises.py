"""Factories for the enterprise archive: enterprises with valid USCCs in 西陵区, figures, qualifications, members."""

import datetime as dt
from decimal import Decimal

import factory

from enterprises.models import AnnualFigure, Enterprise, EnterpriseMember, Qualification, QualificationType, Source
from enterprises.uscc import make_uscc, org_code_check_char
from tests.factories.org import CountyFactory


def uscc_for(n: int, area_code: str = "420502") -> str:
    """The n-th valid 统一社会信用代码 of a company (9 工商, 1 企业) registered in `area_code`."""
    body = f"{n:08d}"
    return make_uscc("9", "1", area_code, body + org_code_check_char(body))


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: uscc_for(n + 1))
    name = factory.Sequence(lambda n: f"宜昌测试{n}科技有限公司")
    legal_rep_name = "张三"
    registration_date = dt.date(2015, 6, 1)
    region = factory.SubFactory(CountyFactory)
    address = "湖北省宜昌市西陵区东山大道1号"
    industry_code = "C3911"
    registered_phone = factory.Sequence(lambda n: f"139{n:08d}")
    contact_name = "李四"
    contact_phone = factory.Sequence(lambda n: f"137{n:08d}")
    source = Source.MARKET_REGULATION


class AnnualFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualFigure

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    revenue_wan = Decimal("5000.00")
    profit_wan = Decimal("300.00")
    tax_paid_wan = Decimal("200.00")
    rd_expense_wan = Decimal("250.00")
    employees = 120
    total_assets_wan = Decimal("8000.00")
    export_value_wan = Decimal("0.00")
    source = Source.STATISTICS


class QualificationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationType
        django_get_or_create = ["code"]

    code = "hitech"
    name = "高新技术企业"


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    type = factory.SubFactory(QualificationTypeFactory)
    issuer = "湖北省科学技术厅"
    certificate_number = factory.Sequence(lambda n: f"GR2024420{n:05d}")
    valid_from = dt.date(2024, 12, 1)
    valid_to = dt.date(2027, 11, 30)
    source = Source.STAFF


class EnterpriseMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseMember

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory("tests.factories.accounts.EnterpriseUserFactory")
    role = EnterpriseMember.Role.LEGAL_REP
