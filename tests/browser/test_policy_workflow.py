"""The policy workflow as staff click through it: the editor submits a draft, the approver publishes it.

Each signs in at /admin/ with a password, and sees as buttons exactly the
transitions their role may perform on the policy in its state.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from policies import services
from policies.models import Policy
from portal.org.models import Role
from tests.factories.org import DepartmentFactory
from tests.factories.policies import InterpretationFactory, PolicyFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Yichang-2026-kjj"


def _staff(department, role, username):
    user = member(department, role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(page, username):
    page.goto("/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _buttons(page):
    return page.locator("a.workflow-transition")


def _perform(page, label):
    _buttons(page).filter(has_text=label).click()
    expect(page.locator("#content")).to_contain_text(f"执行“{label}”吗")
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".messagelist li.success")).to_have_text(f"{label}：已完成。")


def test_the_editor_submits_a_draft_and_the_approver_publishes_it(new_page):
    department = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    editor = _staff(department, Role.EDITOR, "kjj_editor")
    approver = _staff(department, Role.APPROVER, "kjj_approver")
    policy = PolicyFactory(lead_department=department, title="宜昌市支持科技创新若干措施")
    services.assign_ownership(policy)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    change_url = reverse("admin:policies_policy_change", args=[policy.pk])

    page = new_page()
    _sign_in(page, editor.username)
    page.goto(change_url)
    expect(_buttons(page)).to_have_text(["提交审核"])
    _perform(page, "提交审核")
    expect(page.locator(".workflow-state")).to_have_text("当前状态：待审核")
    expect(_buttons(page)).to_have_count(0)

    page = new_page()
    _sign_in(page, approver.username)
    page.goto(change_url)
    expect(_buttons(page)).to_have_text(["审核通过", "退回修改"])
    _perform(page, "审核通过")
    expect(_buttons(page)).to_have_text(["退回修改", "发布"])
    _perform(page, "发布")
    expect(page.locator(".workflow-state")).to_have_text("当前状态：已发布")
    expect(_buttons(page)).to_have_text(["宣布废止", "申请提前下线"])

    policy.refresh_from_db()
    assert policy.status == Policy.Status.PUBLISHED
