"""A draft returned by the approver (退回修改) shows on its change form why, by whom and when."""

import pytest
from django.test import Client
from django.urls import reverse

from policies import services

pytestmark = pytest.mark.django_db

REASON = "申报条件第三条与省级文件不一致，请核对后重新提交。"


def _change_form(user, policy) -> str:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client.get(reverse("admin:policies_policy_change", args=[policy.pk])).content.decode()


@pytest.fixture
def returned(policy, editor_a, approver_a):
    approver_a.name = "科技局王科长"
    approver_a.save()
    services.submit(policy, by=editor_a)
    services.reject(policy, by=approver_a, reason=REASON)
    return policy


def test_the_editor_sees_the_return_reason_on_the_returned_draft(returned, editor_a):
    html = _change_form(editor_a, returned)
    assert f"退回理由：{REASON}" in html


def test_the_return_note_names_who_returned_it(returned, editor_a):
    assert "该政策已被退回修改（科技局王科长，" in _change_form(editor_a, returned)


def test_only_the_latest_return_is_shown(returned, editor_a, approver_a):
    services.submit(returned, by=editor_a)
    services.reject(returned, by=approver_a, reason="请补充政策解读。")
    html = _change_form(editor_a, returned)
    assert "退回理由：请补充政策解读。" in html
    assert REASON not in html


def test_a_resubmitted_policy_no_longer_shows_the_return_note(returned, editor_a):
    services.submit(returned, by=editor_a)
    assert "退回理由" not in _change_form(editor_a, returned)


def test_a_draft_never_returned_shows_no_return_note(policy, editor_a):
    assert "退回理由" not in _change_form(editor_a, policy)
