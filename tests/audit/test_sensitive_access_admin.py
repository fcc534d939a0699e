"""The sensitive-access log as a supervisor reads it: local times, Chinese field and type names, a short filter."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from enterprises.models import Enterprise
from portal.audit.models import SensitiveAccessLog
from portal.org.models import Role
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.org import DepartmentFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def entry():
    enterprise = EnterpriseFactory()
    return SensitiveAccessLog.objects.create(
        content_type=ContentType.objects.get_for_model(Enterprise),
        object_id=str(enterprise.pk),
        object_repr=enterprise.name,
        fields=["registered_phone", "contact_phone"],
        accessed_at=dt.datetime(2026, 11, 26, 12, 7, tzinfo=dt.UTC),
        ip="203.0.113.7",
    )


@pytest.fixture
def supervisor(client):
    client.force_login(staff_member(DepartmentFactory(), Role.SUPERVISOR))
    return client


def test_the_entry_page_shows_local_time_in_its_heading_and_breadcrumb(supervisor, entry):
    page = supervisor.get(reverse("admin:audit_sensitiveaccesslog_change", args=[entry.pk])).content.decode()
    assert "2026-11-26 20:07" in page
    assert "12:07" not in page


def test_the_viewed_fields_are_named_in_chinese(supervisor, entry):
    page = supervisor.get(reverse("admin:audit_sensitiveaccesslog_change", args=[entry.pk])).content.decode()
    assert "登记联系电话、联系人电话" in page
    assert "registered_phone" not in page
    changelist = supervisor.get(reverse("admin:audit_sensitiveaccesslog_changelist")).content.decode()
    assert "登记联系电话、联系人电话" in changelist


def test_the_type_filter_lists_only_the_types_in_the_log_by_chinese_name(supervisor, entry):
    response = supervisor.get(reverse("admin:audit_sensitiveaccesslog_changelist"))
    spec = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "content_type")
    assert [str(title) for _value, title in spec.lookup_choices] == [str(Enterprise._meta.verbose_name)]
