"""审签 from the policy's page: the approver reads the interpretation being signed; the policy's history shows it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from policies import services
from policies.models import Interpretation
from tests.factories.policies import InterpretationFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _change_page(client, policy) -> str:
    return client.get(reverse("admin:policies_policy_change", args=[policy.pk])).content.decode()


def _sign_links(html) -> list[str]:
    return re.findall(r'href="([^"]+)" class="workflow-transition" data-tool="sign_interpretation"', html)


@pytest.fixture
def interpretation(policy):
    return InterpretationFactory(
        policy=policy, title="一图读懂科技创新措施", body="<p>企业研发投入按比例补助。</p>", key_points=["补助比例10%"]
    )


@pytest.fixture
def submitted(policy, interpretation, editor_a):
    services.submit(policy, by=editor_a)
    return policy


def test_the_approver_finds_a_sign_button_per_unsigned_interpretation_on_the_policy(submitted, approver_a):
    InterpretationFactory(policy=submitted, title="第二篇解读")
    assert len(_sign_links(_change_page(_client(approver_a), submitted))) == 2


def test_the_editor_is_offered_no_sign_button(submitted, editor_a):
    assert _sign_links(_change_page(_client(editor_a), submitted)) == []


def test_the_sign_page_shows_the_title_body_and_key_points_being_signed(submitted, approver_a):
    client = _client(approver_a)
    html = client.get(_sign_links(_change_page(client, submitted))[0]).content.decode()
    assert "一图读懂科技创新措施" in html
    assert "企业研发投入按比例补助。" in html
    assert "补助比例10%" in html


def test_confirming_signs_the_interpretation_and_records_it_in_the_policys_history(
    submitted, interpretation, approver_a
):
    client = _client(approver_a)
    url = _sign_links(_change_page(client, submitted))[0]
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert client.post(url, {"csrfmiddlewaretoken": token, "confirm": "1"}).status_code == 302
    interpretation.refresh_from_db()
    assert (interpretation.status, interpretation.approved_by) == (Interpretation.Status.APPROVED, approver_a)
    latest = submitted.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (approver_a, "审签政策解读：一图读懂科技创新措施")
    assert _sign_links(_change_page(client, submitted)) == []


def test_the_editor_cannot_sign_through_the_url(submitted, interpretation, editor_a):
    client = _client(editor_a)
    url = reverse("admin:policies_policy_sign", args=[submitted.pk, interpretation.pk])
    page = client.get(url)
    assert page.status_code == 302
    interpretation.refresh_from_db()
    assert interpretation.status == Interpretation.Status.DRAFT


def test_the_publish_refusal_says_where_to_sign(submitted, approver_a):
    services.approve(submitted, by=approver_a)
    client = _client(approver_a)
    url = reverse("admin:policies_policy_transition", args=[submitted.pk, "publish"])
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": token, "confirm": "1"}, follow=True)
    assert "审签解读" in response.content.decode()
