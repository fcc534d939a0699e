"""`generate_enterprises`: synthetic enterprises for benchmarks, valid and repeatable."""

import pytest
from django.core.management import call_command

from enterprises.industries import is_valid_industry
from enterprises.management.commands.generate_enterprises import INDUSTRIES
from enterprises.models import AnnualFigure, Enterprise
from enterprises.services import ensure_qualification_types
from enterprises.sizing import classify_size
from enterprises.uscc import is_valid_uscc
from tests.factories.org import CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    ensure_qualification_types()
    return CountyFactory()


def test_every_industry_the_generator_uses_is_a_valid_code():
    assert all(is_valid_industry(code) for code, *_rest in INDUSTRIES)


def test_generated_enterprises_have_valid_codes_three_years_of_figures_and_their_size(county):
    call_command("generate_enterprises", count=60, seed=7)
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) == 60
    assert all(is_valid_uscc(e.uscc) and e.uscc[2:8] == county.code for e in enterprises)
    assert AnnualFigure.objects.count() == 180
    for enterprise in enterprises:
        latest = enterprise.annual_figures.order_by("-year").first()
        assert enterprise.size_year == latest.year
        assert enterprise.size == classify_size(
            enterprise.industry_code, latest.employees, latest.revenue_wan, latest.total_assets_wan
        )


def test_the_same_seed_adds_nothing_the_second_time(county):
    call_command("generate_enterprises", count=20, seed=3)
    call_command("generate_enterprises", count=20, seed=3)
    assert Enterprise.objects.count() == 20
