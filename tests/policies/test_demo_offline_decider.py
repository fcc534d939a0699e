"""In the demo, someone can decide an early offline request (提前下线): the data bureau's approver (宜昌 §18)."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from policies import services
from policies.models import Policy
from portal.org import demo as org_demo
from portal.org.models import Department, Role
from tests.factories.policies import InterpretationFactory, PolicyFactory

pytestmark = pytest.mark.django_db

S = Policy.Status
REASON = "该政策已被省级新政策覆盖，继续展示会误导企业申报，特申请提前下线。"


@pytest.fixture
def demo(settings):
    settings.STAFF_OTP_REQUIRED = False
    org_demo.load()
    return {user.username: user for user in get_user_model().objects.filter(is_staff=True)}


@pytest.fixture
def offline_requested(demo):
    """市科技局's published policy, for which its approver has asked the data bureau to take it offline early."""
    policy = PolicyFactory(lead_department=Department.objects.get(code="yc-kjj"))
    services.assign_ownership(policy)
    editor, approver = demo["kjj_editor"], demo["kjj_approver"]
    services.submit(policy, by=editor)
    services.approve(policy, by=approver)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    services.publish(policy, by=approver)
    services.request_offline(policy, by=approver, reason=REASON)
    return policy


def _client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_demo_has_an_approver_in_the_data_bureau(demo):
    membership = demo["sjj_approver"].memberships.get()
    assert (membership.department.kind, membership.role) == (Department.Kind.DATA_BUREAU, Role.APPROVER)


def test_the_printed_demo_accounts_list_the_data_bureau_approver():
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert re.search(r"市数据局审核人\s+sjj_approver", out.getvalue())


def test_the_data_bureau_approver_finds_the_pending_request_in_the_policy_list(offline_requested, demo):
    url = reverse("admin:policies_policy_changelist") + f"?status__exact={S.OFFLINE_REQUESTED}"
    html = _client(demo["sjj_approver"]).get(url).content.decode()
    assert offline_requested.title in html


def test_the_data_bureau_approver_is_offered_the_offline_decisions_on_the_policy(offline_requested, demo):
    html = _client(demo["sjj_approver"]).get(reverse("admin:policies_policy_change", args=[offline_requested.pk]))
    assert re.findall(r'data-transition="([a-z_]+)"', html.content.decode()) == ["approve_offline", "reject_offline"]


def test_the_data_bureau_approver_takes_the_policy_offline_through_the_button(offline_requested, demo):
    client = _client(demo["sjj_approver"])
    url = reverse("admin:policies_policy_transition", args=[offline_requested.pk, "approve_offline"])
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": token, "confirm": "1", "reason": "情况属实"})
    assert response.status_code == 302
    offline_requested.refresh_from_db()
    assert offline_requested.status == S.OFFLINE
    assert offline_requested.offline_requests.get().decided_by == demo["sjj_approver"]


def test_the_supervisor_of_the_data_bureau_still_cannot_decide(offline_requested, demo):
    html = _client(demo["sjj_supervisor"]).get(reverse("admin:policies_policy_change", args=[offline_requested.pk]))
    assert "approve_offline" not in html.content.decode()
