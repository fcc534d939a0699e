"""Facts: yearly figures keep the size current; every change is an event for re-matching."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enterprises import services
from enterprises.models import AnnualFigure, ChangeEvent, Size
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

MEDIUM_INDUSTRIAL = {"employees": 1200, "revenue_wan": Decimal("25000"), "total_assets_wan": Decimal("30000")}


def test_recording_the_latest_figures_recomputes_the_size():
    enterprise = EnterpriseFactory(industry_code="C3911")

    services.record_annual_figure(enterprise, 2025, MEDIUM_INDUSTRIAL, source="statistics")

    enterprise.refresh_from_db()
    assert (enterprise.size, enterprise.size_year) == (Size.MEDIUM, 2025)
    assert "工业" in enterprise.size_reason


def test_an_older_year_does_not_decide_the_size():
    enterprise = EnterpriseFactory(industry_code="C3911")
    services.record_annual_figure(enterprise, 2025, MEDIUM_INDUSTRIAL, source="statistics")

    services.record_annual_figure(enterprise, 2023, {"employees": 5, "revenue_wan": Decimal("50")}, source="tax")

    enterprise.refresh_from_db()
    assert (enterprise.size, enterprise.size_year) == (Size.MEDIUM, 2025)


def test_missing_figures_give_unknown_with_a_reason():
    enterprise = EnterpriseFactory(industry_code="C3911")

    services.record_annual_figure(enterprise, 2025, {"employees": 50}, source="social_security")

    enterprise.refresh_from_db()
    assert enterprise.size == Size.UNKNOWN
    assert "缺少" in enterprise.size_reason


def test_a_figure_change_is_an_event_with_its_source():
    enterprise = EnterpriseFactory()

    services.record_annual_figure(enterprise, 2025, {"rd_expense_wan": Decimal("300")}, source="tax")

    event = ChangeEvent.objects.get(enterprise=enterprise, kind="facts")
    assert event.payload == {"year": 2025, "fields": ["rd_expense_wan"], "source": "tax"}
    assert event.consumed_at is None


def test_a_negative_revenue_is_refused_and_nothing_is_written():
    enterprise = EnterpriseFactory()

    with pytest.raises(ValidationError):
        services.record_annual_figure(enterprise, 2025, {"revenue_wan": Decimal("-1")}, source="tax")

    assert not AnnualFigure.objects.filter(enterprise=enterprise).exists()
    assert not ChangeEvent.objects.filter(enterprise=enterprise).exists()


def test_a_loss_is_a_valid_profit():
    figure = services.record_annual_figure(EnterpriseFactory(), 2025, {"profit_wan": Decimal("-120.50")}, source="tax")
    assert figure.profit_wan == Decimal("-120.50")


def test_a_future_year_is_refused():
    from django.utils import timezone

    with pytest.raises(ValidationError, match="年度不能晚于当前年度"):
        services.record_annual_figure(
            EnterpriseFactory(), timezone.localdate().year + 1, {"employees": 3}, source="tax"
        )


def test_the_database_refuses_negative_assets_even_without_the_form():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        AnnualFigureFactory(total_assets_wan=Decimal("-5"))


def test_an_invalid_uscc_is_refused_with_a_chinese_reason():
    enterprise = EnterpriseFactory.build(uscc="91420502000000019B")

    with pytest.raises(ValidationError) as error:
        enterprise.full_clean(exclude=["region"])

    assert "校验" in str(error.value)


def test_bulk_size_recompute_matches_the_single_one():
    a, b = EnterpriseFactory(industry_code="C3911"), EnterpriseFactory(industry_code="C3911")
    AnnualFigureFactory(enterprise=a, year=2025, employees=1200, revenue_wan=25000, total_assets_wan=1)
    AnnualFigureFactory(enterprise=b, year=2025, employees=5, revenue_wan=100, total_assets_wan=1)

    assert services.recompute_sizes() == 2

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.size, b.size) == (Size.MEDIUM, Size.MICRO)
    assert services.recompute_sizes() == 0
