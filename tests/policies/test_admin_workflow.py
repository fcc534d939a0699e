"""The policy workflow in the back office: each role is offered exactly what it may do, through the real URLs.

The clients enforce CSRF, as a browser session does.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from policies import services
from policies.models import Interpretation, Policy, PolicyOfflineRequest
from tests.factories.policies import InterpretationFactory

pytestmark = pytest.mark.django_db

S = Policy.Status
CHANGELIST = reverse("admin:policies_policy_changelist")
OFFLINE_REASON = "该政策已被省级新政策覆盖，继续展示会误导企业申报。"


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def _change_url(policy):
    return reverse("admin:policies_policy_change", args=[policy.pk])


def _transition_url(policy, name):
    return reverse("admin:policies_policy_transition", args=[policy.pk, name])


def _published(policy, editor, approver):
    services.submit(policy, by=editor)
    services.approve(policy, by=approver)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    return services.publish(policy, by=approver)


def _buttons(client, policy) -> list[str]:
    html = client.get(_change_url(policy)).content.decode()
    return re.findall(r'data-transition="([a-z_]+)"', html)


def _action_names(client) -> set[str]:
    html = client.get(CHANGELIST).content.decode()
    return set(re.findall(r'<option value="([a-z_]+)"', html))


def _through_the_button(client, policy, name, reason=""):
    """Opens the button's confirmation page and confirms it, as staff do."""
    page = client.get(_transition_url(policy, name))
    assert page.status_code == 200, page.status_code
    return client.post(
        _transition_url(policy, name), {"csrfmiddlewaretoken": _token(page), "confirm": "1", "reason": reason}
    )


def test_an_editor_is_offered_submit_on_a_draft_and_nothing_else(policy, editor_a):
    assert _buttons(_client(editor_a), policy) == ["submit"]


def test_an_approver_is_offered_nothing_on_a_draft(policy, approver_a):
    assert _buttons(_client(approver_a), policy) == []


def test_an_approver_is_offered_approve_and_reject_on_a_submitted_policy(policy, editor_a, approver_a):
    services.submit(policy, by=editor_a)
    assert _buttons(_client(approver_a), policy) == ["approve", "reject"]


def test_the_editors_action_menu_holds_only_the_editors_transitions(policy, editor_a):
    workflow_actions = _action_names(_client(editor_a)) - {"", "delete_selected"}
    assert workflow_actions == {"submit", "revise"}


def test_the_approvers_action_menu_holds_no_editor_transition(policy, approver_a):
    actions = _action_names(_client(approver_a))
    assert {"submit", "revise", "approve_offline", "reject_offline", "expire"}.isdisjoint(actions)
    assert {"approve", "reject", "publish", "repeal", "request_offline", "take_offline"} <= actions


def test_the_data_bureau_is_offered_the_offline_decisions(policy, editor_a, approver_a, data_officer):
    _published(policy, editor_a, approver_a)
    services.request_offline(policy, by=approver_a, reason=OFFLINE_REASON)
    assert {"approve_offline", "reject_offline"} <= _action_names(_client(data_officer))


def test_a_transition_of_another_role_is_a_message_not_an_error_page(policy, editor_a):
    services.submit(policy, by=editor_a)
    client = _client(editor_a)
    response = client.get(_transition_url(policy, "approve"), follow=True)
    assert response.status_code == 200
    assert "只有牵头部门的审批人可以审核该政策" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == S.SUBMITTED


def test_a_transition_not_allowed_now_is_a_message_not_an_error_page(policy, editor_a):
    client = _client(editor_a)
    page = client.get(_change_url(policy))
    response = client.post(
        _transition_url(policy, "approve"), {"csrfmiddlewaretoken": _token(page), "confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "政策当前状态为“草稿”，不能执行“审核通过”。" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == S.DRAFT


def test_an_unknown_transition_is_a_message(policy, editor_a):
    response = _client(editor_a).get(_transition_url(policy, "fly"), follow=True)
    assert "没有名为“fly”的操作" in response.content.decode()


def test_a_forbidden_action_posted_to_the_list_changes_nothing(policy, editor_a):
    client = _client(editor_a)
    page = client.get(CHANGELIST)
    response = client.post(
        CHANGELIST,
        {"csrfmiddlewaretoken": _token(page), "action": "approve", "_selected_action": [policy.pk], "confirm": "1"},
        follow=True,
    )
    assert response.status_code == 200
    policy.refresh_from_db()
    assert policy.status == S.DRAFT


def test_a_post_without_the_csrf_token_is_refused(policy, editor_a):
    response = _client(editor_a).post(_transition_url(policy, "submit"), {"confirm": "1"})
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.status == S.DRAFT


def test_a_short_offline_reason_is_asked_again_on_the_confirmation_page(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    response = _through_the_button(_client(approver_a), policy, "request_offline", reason="不用了")
    assert response.status_code == 200
    assert "不少于10个字" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == S.PUBLISHED


def test_from_draft_to_an_early_offline_decided_by_the_data_bureau(policy, editor_a, approver_a, data_officer):
    editor, approver, bureau = _client(editor_a), _client(approver_a), _client(data_officer)
    InterpretationFactory(policy=policy)

    assert _through_the_button(editor, policy, "submit").status_code == 302
    assert _through_the_button(approver, policy, "approve").status_code == 302

    page = approver.get(CHANGELIST)
    approver.post(
        CHANGELIST,
        {
            "csrfmiddlewaretoken": _token(page),
            "action": "approve_interpretations",
            "_selected_action": [policy.pk],
            "confirm": "1",
        },
    )
    assert policy.interpretations.get().status == Interpretation.Status.APPROVED
    assert _buttons(approver, policy) == ["reject", "publish"]
    assert _through_the_button(approver, policy, "publish").status_code == 302
    policy.refresh_from_db()
    assert policy.status == S.PUBLISHED

    assert _through_the_button(approver, policy, "request_offline", reason=OFFLINE_REASON).status_code == 302
    assert _buttons(bureau, policy) == ["approve_offline", "reject_offline"]
    assert _through_the_button(bureau, policy, "approve_offline", reason="情况属实").status_code == 302

    policy.refresh_from_db()
    decision = policy.offline_requests.get()
    assert policy.status == S.OFFLINE
    assert (decision.decision, decision.decided_by, decision.decision_note) == (
        PolicyOfflineRequest.Decision.APPROVED,
        data_officer,
        "情况属实",
    )
    trail = [(h.history_user, h.history_change_reason) for h in policy.history.order_by("history_date")]
    assert trail[-6:] == [
        (editor_a, "提交审核"),
        (approver_a, "审核通过"),
        (approver_a, f"审签政策解读：{policy.interpretations.get().title}"),
        (approver_a, "逾期发布"),  # issued 2026-03-02, published today: past the 3 working days of §17
        (approver_a, f"申请提前下线：{OFFLINE_REASON}"),
        (data_officer, "核实同意下线（数据局）：情况属实"),
    ]


def test_the_data_bureau_refuses_an_early_offline_from_the_list(policy, editor_a, approver_a, data_officer):
    _published(policy, editor_a, approver_a)
    services.request_offline(policy, by=approver_a, reason=OFFLINE_REASON)
    bureau = _client(data_officer)
    page = bureau.get(CHANGELIST)
    assert policy.title in page.content.decode()
    bureau.post(
        CHANGELIST,
        {
            "csrfmiddlewaretoken": _token(page),
            "action": "reject_offline",
            "_selected_action": [policy.pk],
            "confirm": "1",
            "reason": "政策仍在有效期内，企业仍在申报",
        },
    )
    policy.refresh_from_db()
    assert policy.status == S.PUBLISHED
    assert policy.history.latest().history_change_reason == "不同意下线（数据局）：政策仍在有效期内，企业仍在申报"
