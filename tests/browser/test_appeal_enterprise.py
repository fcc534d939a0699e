"""An enterprise's appeal in a real browser: the user signs in, submits a complaint with an attachment, finds it in
我的诉求; the operations centre dispatches it and the department replies (set up here through the workflow); the user
opens it, reads the reply and how the due date was counted, and evaluates 满意. Desktop and phone widths, no
sideways scrolling on the phone.

Screenshots are saved under test-results/appeal_enterprise/ (SCREENSHOT_DIR overrides the folder)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal, AppealState
from policies.models import Policy
from portal.core.workflow import perform
from tests.factories.accounts import PASSWORD
from tests.factories.appeals import centre_of, department, handler_of, operator_of
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.files import pdf
from tests.factories.policies import PolicyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results")) / "appeal_enterprise"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    enterprise = enterprise_with_user(name="宜昌浏览器诉求科技有限公司")
    user = enterprise.user
    user.set_password(PASSWORD)
    user.save()
    centre = centre_of(enterprise.region.parent)
    kjj = department("宜昌市科技局", enterprise.region.parent)
    for policy_title, matter_name in (("稳岗返还政策", "稳岗返还"), ("高企奖励政策", "高企首次认定奖励")):
        policy = PolicyFactory(title=policy_title)
        Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED)
        published_matter(name=matter_name, policy=policy)
    return {"user": user, "operator": operator_of(centre), "department": kjj, "handler": handler_of(kjj)}


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.locator("input[name=phone]").fill(user.phone)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".user-name")).to_be_visible()


def test_an_enterprise_complains_follows_the_reply_and_evaluates(new_page, world, tmp_path):
    attachment = tmp_path / "上传失败截图.pdf"
    attachment.write_bytes(pdf())

    page = new_page()
    sign_in(page, world["user"])
    page.get_by_role("link", name="我要诉求").first.click()
    # 相关事项 narrows to the matters of the chosen 相关政策.
    page.get_by_label("相关政策（选填）").select_option(label="稳岗返还政策")
    expect(page.locator("#id_matter option", has_text="高企首次认定奖励")).to_be_hidden()
    expect(page.locator("#id_matter option", has_text="稳岗返还")).to_be_attached()
    page.get_by_label("相关政策（选填）").select_option(index=0)
    page.get_by_label("投诉：反映部门或工作人员").check()
    page.get_by_label("诉求标题").fill("高企奖励申报系统无法上传材料")
    page.get_by_label("诉求内容").fill("我公司申报高新技术企业奖励时，系统反复提示上传失败，已尝试三天，请协助解决。")
    page.locator("input[name=files]").set_input_files(str(attachment))
    shot(page, "1280-new")
    page.get_by_role("button", name="提交诉求").click()
    expect(page.locator(".alert-success")).to_contain_text("诉求已提交")
    appeal = Appeal.objects.get()
    expect(page.locator("#attachments")).to_contain_text("上传失败截图.pdf")

    page.get_by_role("link", name="我的诉求").first.click()
    expect(page.locator("main")).to_contain_text(appeal.number)
    expect(page.locator("main")).to_contain_text("待受理")
    shot(page, "1280-mine")

    # The operations centre accepts and dispatches; the department signs and replies.
    perform(appeal, "accept", by=world["operator"])
    perform(appeal, "dispatch", by=world["operator"], department=world["department"])
    perform(appeal, "sign", by=world["handler"])
    perform(appeal, "reply", by=world["handler"], reason="经核实，系统附件服务故障已于今日修复，请重新上传材料。")

    page.goto("/appeals/")
    page.get_by_role("link", name="高企奖励申报系统无法上传材料").click()
    expect(page.locator("#replies")).to_contain_text("系统附件服务故障已于今日修复")
    expect(page.locator("#replies")).to_contain_text("宜昌市科技局")
    page.locator("#derivation summary").click()
    expect(page.locator("[data-testid=derivation]")).to_contain_text("起算日期")
    expect(page.locator("[data-testid=derivation]")).to_contain_text("截止日期")
    shot(page, "1280-replied")

    phone = new_page(width=375, height=800)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(appeal.get_absolute_url())
    expect(phone.locator("#evaluate")).to_be_visible()
    assert overflow(phone) <= 0
    shot(phone, "375-replied")
    for url in ("/appeals/new/", "/appeals/"):
        phone.goto(url)
        assert overflow(phone) <= 0, url
    phone.goto("/appeals/new/")
    shot(phone, "375-new")

    # On a phone the list's current deadline is one value beside its label, and the status filter stays compact.
    phone.goto("/appeals/")
    cell = phone.locator("[data-testid=current-deadline]").first
    expect(cell).to_contain_text("（诉求评价期限）")
    label_column = phone.locator("td:has([data-testid=current-deadline])").first.bounding_box()
    assert cell.bounding_box()["x"] > label_column["x"] + 40
    assert phone.locator("[data-testid=status-filter]").bounding_box()["height"] < 120
    shot(phone, "375-mine")

    page.get_by_label("满意", exact=True).check()
    page.get_by_label("评价意见").fill("问题已解决，感谢")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您的评价，工单已办结。")
    shot(page, "1280-closed")
    appeal.refresh_from_db()
    assert appeal.status == AppealState.CLOSED and appeal.satisfaction == "satisfied"
