"""A complaint through the back office as the 12345 operator and 市科技局's reviewer click through it.

The operator signs in, opens 我的待办 · 待受理, accepts the ticket and dispatches it to the suggested department
(建议派往：市科技局, from the related policy); the reviewer signs in, finds it under 待签收, signs for it and
replies. Full-page screenshots of each stage go to test-results/appeal_back_office/ (gitignored).
"""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "appeal_back_office"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def staff_sign_in(page, login):
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("#user-tools")).to_be_visible()


def sign_out(page):
    page.locator("#logout-form button").click()


def test_the_operator_dispatches_and_the_department_signs_and_replies(page, staff):
    from appeals.models import Appeal, AppealState
    from portal.org.models import Department
    from tests.factories.appeals import portal_appeal
    from tests.factories.policies import PolicyFactory

    kjj = Department.objects.get(code="yc-kjj")
    policy = PolicyFactory(lead_department=kjj, region=kjj.region)
    appeal = portal_appeal(policy=policy, title="高新技术企业奖励申报系统无法上传材料")

    # 12345 operator: 待受理 → 受理 → 派单 to the suggested department
    staff_sign_in(page, "cyzx_operator")
    page.goto("/admin/appeals/appeal/")
    page.locator("a[href='?queue=submitted']").click()
    expect(page.locator("#result_list")).to_contain_text(appeal.number)
    _shot(page, "01-operator-queue")
    page.get_by_role("link", name=appeal.number).click()
    expect(page.locator("body")).to_contain_text("诉求办理时限")
    _shot(page, "02-ticket")
    page.locator("a[data-transition=accept]").click()
    page.locator("input[type=submit][value='确认受理']").click()
    expect(page.locator(".messagelist")).to_contain_text("受理：已完成")
    page.locator("a[data-transition=dispatch]").click()
    expect(page.locator("body")).to_contain_text(f"建议派往：{kjj.name}（依据：相关政策）")
    expect(page.locator("select[name=department]")).to_have_value(str(kjj.pk))
    page.locator("textarea[name=reason]").fill("请市科技局核实并答复")
    _shot(page, "03-dispatch-form")
    page.locator("input[type=submit][value='确认派单']").click()
    expect(page.locator(".messagelist")).to_contain_text(f"已派单：{kjj.name}")
    _shot(page, "04-dispatched")
    appeal.refresh_from_db()
    assert appeal.status == AppealState.DISPATCHED and appeal.department == kjj
    sign_out(page)

    # 市科技局 reviewer: 待签收 → 签收 → 答复
    staff_sign_in(page, "kjj_reviewer")
    page.goto("/admin/appeals/appeal/")
    page.locator("a[href='?queue=dispatched']").click()
    expect(page.locator("#result_list")).to_contain_text(appeal.number)
    _shot(page, "05-department-queue")
    page.get_by_role("link", name=appeal.number).click()
    page.locator("a[data-transition=sign]").click()
    page.locator("input[type=submit][value='确认签收']").click()
    expect(page.locator(".messagelist")).to_contain_text("签收：已完成")
    page.locator("a[data-transition=reply]").click()
    page.locator("textarea[name=reason]").fill("经核实，申报系统附件上传故障已修复，请重新上传材料。")
    expect(page.locator("#transition-details")).to_contain_text("高新技术企业奖励申报系统无法上传材料")
    _shot(page, "06-reply-form")
    page.locator("input[type=submit][value='提交答复']").click()
    expect(page.locator(".messagelist")).to_contain_text("答复：已完成")
    expect(page.locator("#appeal-replies")).to_contain_text("附件上传故障已修复")
    _shot(page, "07-replied")
    assert Appeal.objects.get(pk=appeal.pk).status == AppealState.REPLIED


def test_statistics_and_the_ticket_page_at_phone_width(new_page, staff):
    """At 375 px: the statistics page does not scroll sideways (each table scrolls in its own wrapper), a
    department's name stays on a line or two, no style is refused by the Content-Security-Policy; the ticket
    page's 派单记录 scrolls inside its section."""
    from appeals.models import Appeal
    from portal.core.workflow import perform
    from portal.org.models import Department
    from tests.factories.appeals import portal_appeal

    kjj = Department.objects.get(code="yc-kjj")
    operator = staff["cyzx_operator"]
    appeal = portal_appeal(title="高新技术企业奖励申报系统无法上传材料")
    perform(appeal, "accept", by=operator)
    perform(Appeal.objects.get(pk=appeal.pk), "dispatch", by=operator, department=kjj, reason="请市科技局核实并答复")

    page = new_page(width=375, height=800)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    staff_sign_in(page, "cyzx_operator")

    def page_width():
        return page.evaluate("document.documentElement.scrollWidth")

    page.goto("/admin/appeals/statistics/")
    expect(page.locator("#departments")).to_be_visible()
    _shot(page, "08-statistics-375")
    assert page_width() <= 375
    name = page.locator("#departments tbody th[scope=row]").first
    box = name.bounding_box()
    assert box["width"] >= 100  # not one character per line
    wrapper = page.locator("#departments").locator("xpath=..")
    assert wrapper.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert wrapper.evaluate("el => el.scrollWidth > el.clientWidth")

    page.goto(f"/admin/appeals/appeal/{appeal.pk}/change/")
    expect(page.locator("#appeal-dispatches")).to_contain_text(kjj.name)
    _shot(page, "09-ticket-375")
    assert page.locator("#appeal-dispatches .table-scroll").evaluate("el => getComputedStyle(el).overflowX") == "auto"
    table = page.locator("#appeal-dispatches table").bounding_box()
    section = page.locator("#appeal-dispatches").bounding_box()
    assert section["x"] + section["width"] <= 376 and table["width"] > section["width"]
    assert refused == []
