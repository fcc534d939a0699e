"""The history page (历史) of an enterprise: coded values by label, times in local time, empty values blank."""

import datetime as dt

import pytest
from django.urls import reverse

from enterprises.models import UsccCheck
from tests.factories.accounts import SuperuserFactory
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings):
    settings.STAFF_OTP_REQUIRED = False
    client.force_login(SuperuserFactory())
    return client


def test_the_history_diff_shows_choice_labels_and_local_times(admin_client):
    enterprise = EnterpriseFactory(uscc_check=UsccCheck.LEGACY_PENDING)
    enterprise.uscc_check = UsccCheck.LEGACY_CONFIRMED
    enterprise.source_updated_at = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
    enterprise.save()
    page = admin_client.get(reverse("admin:enterprises_enterprise_history", args=[enterprise.pk])).content.decode()
    assert "legacy_pending" not in page
    assert "legacy_confirmed" not in page
    assert str(UsccCheck.LEGACY_CONFIRMED.label) in page
    assert "+00:00" not in page
    assert "2026-11-26 17:00" in page
