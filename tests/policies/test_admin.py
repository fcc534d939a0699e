"""The policy back office: department scoping, transitions behind confirmation pages, the deadline column."""

import datetime as dt

import pytest
from django.urls import reverse

from policies.admin import PolicyAdmin
from policies.models import Policy
from tests.factories.policies import InterpretationFactory

pytestmark = pytest.mark.django_db

S = Policy.Status


def _change_url(policy):
    return reverse("admin:policies_policy_change", args=[policy.pk])


def test_department_b_editor_gets_404_on_department_a_draft(client, policy, editor_b):
    client.force_login(editor_b)
    assert client.get(_change_url(policy)).status_code == 404


def test_department_a_editor_opens_its_own_draft(client, policy, editor_a):
    client.force_login(editor_a)
    assert client.get(_change_url(policy)).status_code == 200


def test_the_list_shows_only_the_departments_policies(client, policy, editor_b):
    client.force_login(editor_b)
    response = client.get(reverse("admin:policies_policy_changelist"))
    assert response.status_code == 200
    assert policy.title not in response.content.decode()


def test_a_transition_first_asks_for_confirmation(client, policy, editor_a):
    client.force_login(editor_a)
    response = client.post(
        reverse("admin:policies_policy_changelist"), {"action": "submit", "_selected_action": [policy.pk]}
    )
    assert "确定对以下政策执行" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == S.DRAFT


def test_confirming_runs_the_transition(client, policy, editor_a):
    client.force_login(editor_a)
    client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "submit", "_selected_action": [policy.pk], "confirm": "1"},
    )
    policy.refresh_from_db()
    assert policy.status == S.SUBMITTED


def test_a_refused_transition_shows_the_reason_and_changes_nothing(client, policy, editor_a, approver_a):
    from policies import services

    services.submit(policy, by=editor_a)
    services.approve(policy, by=approver_a)
    client.force_login(approver_a)
    response = client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "publish", "_selected_action": [policy.pk], "confirm": "1"},
        follow=True,
    )
    assert "同步审签" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == S.APPROVED


def test_rejecting_asks_for_a_reason(client, policy, editor_a, approver_a):
    from policies import services

    services.submit(policy, by=editor_a)
    client.force_login(approver_a)
    response = client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "reject", "_selected_action": [policy.pk], "confirm": "1", "reason": ""},
    )
    assert "退回理由" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == S.SUBMITTED


def test_interpretations_are_signed_off_by_an_action(client, policy, approver_a):
    interpretation = InterpretationFactory(policy=policy)
    client.force_login(approver_a)
    client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "approve_interpretations", "_selected_action": [policy.pk], "confirm": "1"},
    )
    interpretation.refresh_from_db()
    assert interpretation.status == "approved"


@pytest.mark.parametrize(
    ("today", "css"),
    [
        (dt.date(2026, 9, 30), "deadline-ok"),
        (dt.date(2026, 10, 9), "deadline-soon"),
        (dt.date(2026, 10, 12), "deadline-overdue"),
    ],
)
def test_the_deadline_column_is_coloured_by_working_days_left(policy, monkeypatch, today, css):
    policy.issue_date = dt.date(2026, 9, 30)
    policy.effective_date = policy.issue_date
    policy.save()  # deadline 2026-10-10 (the make-up Saturday)
    monkeypatch.setattr("policies.admin.timezone.localdate", lambda: today)
    assert f'class="{css}"' in PolicyAdmin(Policy, None).deadline(policy)


def test_the_history_page_lists_the_transitions(client, policy, editor_a):
    from policies import services

    services.submit(policy, by=editor_a)
    client.force_login(editor_a)
    response = client.get(reverse("admin:policies_policy_history", args=[policy.pk]))
    assert "提交审核" in response.content.decode()
