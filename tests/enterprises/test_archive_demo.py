"""Demo enterprises: enough, valid, consistent, and loading twice changes nothing."""

import pytest

from enterprises import demo
from enterprises.models import AnnualFigure, Enterprise, EnterpriseMember, EnterpriseTag, Qualification
from enterprises.sizing import classify_size
from enterprises.uscc import is_valid_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    from portal.org import demo as org_demo

    org_demo.load()
    demo.load()


def test_a_second_load_changes_nothing(loaded):
    def counts():
        return [
            model.objects.count()
            for model in (Enterprise, AnnualFigure, Qualification, EnterpriseTag, EnterpriseMember)
        ] + [Enterprise.history.count()]

    before = counts()
    demo.load()

    assert counts() == before


def test_the_demo_archive_is_large_valid_and_consistent(loaded):
    enterprises = Enterprise.objects.all()

    assert enterprises.count() >= 2000
    assert set(enterprises.values_list("region__code", flat=True)) == {"420502", "420503", "420506"}
    assert all(is_valid_uscc(code) for code in enterprises.values_list("uscc", flat=True))
    assert len(set(enterprises.values_list("industry_code", flat=True))) >= 20
    assert set(AnnualFigure.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    for enterprise in enterprises.order_by("uscc")[:200]:
        latest = enterprise.annual_figures.order_by("-year").first()
        if latest:
            expected = classify_size(
                enterprise.industry_code, latest.employees, latest.revenue_wan, latest.total_assets_wan
            )
            assert enterprise.size == expected


def test_the_demo_enterprise_user_acts_for_the_showcase_enterprise(loaded):
    from portal.core.crypto import digest
    from portal.org.demo import ENTERPRISE_PHONE

    member = EnterpriseMember.objects.get(user__phone_digest=digest(ENTERPRISE_PHONE))

    assert member.enterprise.name == demo.SHOWCASE["name"]
    assert member.role == "legal_rep"
    assert member.enterprise.qualifications.filter(type__code="hitech").exists()
