"""Every staff view of personal or financial data is logged: who, what, when, from which IP, why."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.test import RequestFactory
from django.urls import reverse

from portal.audit.models import SensitiveAccessLog
from portal.audit.services import log_sensitive_access
from portal.org.models import Role
from tests.factories.org import DepartmentFactory, StaffUserFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def viewing(user, remote_addr="203.0.113.7", **headers):
    request = RequestFactory().get("/enterprise/42/", REMOTE_ADDR=remote_addr, **headers)
    request.user = user
    request.id = "req-0123456789"
    return request


@pytest.fixture
def clerk():
    return staff_member(DepartmentFactory(name="宜昌市政务服务中心"), Role.CLERK, username="chuangkou")


@pytest.fixture
def viewed(clerk):
    """Something with personal data, as far as the log is concerned: the clerk's own account."""
    return clerk


def test_a_view_is_logged_with_who_what_when_why_and_the_ip(clerk, viewed):
    entry = log_sensitive_access(viewing(clerk), viewed, ["phone", "id_number"], purpose="窗口代办核验身份")
    entry.refresh_from_db()
    assert (entry.user, entry.ip, entry.target, entry.fields, entry.purpose, entry.request_id) == (
        clerk,
        "203.0.113.7",
        viewed,
        ["phone", "id_number"],
        "窗口代办核验身份",
        "req-0123456789",
    )
    assert entry.object_repr == str(viewed)
    assert entry.accessed_at is not None


def test_a_forwarded_for_header_is_ignored_without_trusted_proxies(clerk, viewed):
    entry = log_sensitive_access(viewing(clerk, HTTP_X_FORWARDED_FOR="198.51.100.1"), viewed, ["phone"])
    assert entry.ip == "203.0.113.7"


def test_behind_a_trusted_proxy_the_client_is_the_last_untrusted_hop(settings, clerk, viewed):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = viewing(clerk, remote_addr="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9, 10.0.0.5")
    assert log_sensitive_access(request, viewed, ["phone"]).ip == "198.51.100.9"


def test_a_forged_leftmost_address_does_not_hide_the_client(settings, clerk, viewed):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    request = viewing(clerk, remote_addr="10.0.0.2", HTTP_X_FORWARDED_FOR="127.0.0.1, 198.51.100.9")
    assert log_sensitive_access(request, viewed, ["phone"]).ip == "198.51.100.9"


def test_the_database_refuses_to_change_an_entry(clerk, viewed):
    entry = log_sensitive_access(viewing(clerk), viewed, ["phone"])
    with pytest.raises(DatabaseError), transaction.atomic():
        SensitiveAccessLog.objects.filter(pk=entry.pk).update(purpose="改写")
    entry.refresh_from_db()
    assert entry.purpose == ""


def test_the_database_refuses_to_delete_an_entry(clerk, viewed):
    entry = log_sensitive_access(viewing(clerk), viewed, ["phone"])
    with pytest.raises(DatabaseError), transaction.atomic():
        SensitiveAccessLog.objects.filter(pk=entry.pk).delete()
    assert SensitiveAccessLog.objects.filter(pk=entry.pk).exists()


@pytest.fixture
def entry(clerk, viewed):
    return log_sensitive_access(viewing(clerk), viewed, ["bank_account"], purpose="兑付核对")


def test_a_supervisor_reads_the_log_in_the_admin(client, entry):
    client.force_login(staff_member(DepartmentFactory(), Role.SUPERVISOR))
    response = client.get(reverse("admin:audit_sensitiveaccesslog_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [entry]


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER, Role.APPROVER, Role.FINANCE, Role.CLERK, Role.OPERATOR])
def test_other_roles_cannot_read_the_log(client, entry, role):
    client.force_login(staff_member(DepartmentFactory(), role))
    response = client.get(reverse("admin:audit_sensitiveaccesslog_changelist"))
    assert response.status_code == 403


def test_not_even_a_superuser_can_change_an_entry_in_the_admin(client, entry):
    client.force_login(StaffUserFactory(is_superuser=True))
    response = client.post(reverse("admin:audit_sensitiveaccesslog_change", args=[entry.pk]), {"purpose": "改写"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.purpose == "兑付核对"


def test_not_even_a_superuser_can_delete_an_entry_in_the_admin(client, entry):
    client.force_login(StaffUserFactory(is_superuser=True))
    response = client.post(reverse("admin:audit_sensitiveaccesslog_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert SensitiveAccessLog.objects.filter(pk=entry.pk).exists()


def test_an_anonymous_request_is_logged_without_a_user(viewed):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.8")
    entry = log_sensitive_access(request, viewed, ["phone"])
    assert (entry.user, entry.ip, entry.content_type) == (
        None,
        "203.0.113.8",
        ContentType.objects.get_for_model(viewed),
    )
