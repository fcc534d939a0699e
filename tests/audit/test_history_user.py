"""The history records who made a change (the middleware is installed), and the admin shows it."""

import pytest
from django.urls import reverse

from portal.org.models import Department
from tests.factories.org import CityFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def test_a_change_in_the_admin_records_the_acting_user(client):
    admin = StaffUserFactory(is_superuser=True, username="pingtai")
    client.force_login(admin)
    city = CityFactory()
    client.post(
        reverse("admin:org_department_add"),
        {
            "name": "宜昌市审计局",
            "code": "yc-sjiju",
            "region": city.pk,
            "kind": "policy",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert Department.history.get(code="yc-sjiju").history_user == admin


def test_the_admin_shows_a_departments_history(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    department = Department.objects.create(name="宜昌市审计局", code="yc-sjiju", region=CityFactory())
    response = client.get(reverse("admin:org_department_history", args=[department.pk]))
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == list(department.history.all())
