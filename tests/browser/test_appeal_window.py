"""窗口登记诉求 in a real browser: the demo clerk signs in, finds an enterprise by its code, opens 登记诉求 on the
enterprise's page, registers a complaint (the contact prefilled) and sees the printable 回执 with the 查询码 —
on a desktop (1280px) and on a phone (375px); full-page screenshots go to test-results/appeal_window/ (gitignored)."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "appeal_window"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Signing in with a TOTP code is tested in tests/accounts; here the password is enough."""
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_a_clerk_registers_a_complaint_for_an_enterprise_and_sees_the_slip(new_page, staff, width):
    from appeals.models import Appeal, AppealState, Channel
    from tests.factories.applications import enterprise_with_user

    company = enterprise_with_user(name="宜昌窗口诉求浏览器测试有限公司")
    company.contact_name = "李经理"
    company.contact_phone = "13900139000"
    company.save()
    page = new_page(width=width, height=900)

    page.goto("/window/")
    page.locator("input[name=username]").fill("zwfw_clerk")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("窗口受理工作台")
    expect(page.get_by_role("link", name="本窗口登记的诉求")).to_be_visible()
    page.locator("#window-q").fill(company.uscc)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(company.name)

    page.get_by_role("link", name="登记诉求").click()
    expect(page.locator("h1")).to_have_text("登记诉求")
    expect(page.locator("input[name=contact_name]")).to_have_value("李经理")
    expect(page.locator("input[name=contact_phone]")).to_have_value("13900139000")
    page.get_by_label("投诉：", exact=False).check()
    page.locator("input[name=title]").fill("技改补贴公示三个月仍未拨付")
    page.locator("textarea[name=content]").fill("企业去年申报的技改补贴已公示三个月，至今未拨付，多次电话询问无果。")
    no_horizontal_scroll(page, width)
    shot(page, f"form-{width}")
    page.get_by_role("button", name="登记并打印回执").click()

    expect(page.locator("h1")).to_have_text("诉求登记回执")
    appeal = Appeal.objects.get(enterprise=company)
    assert appeal.channel == Channel.WINDOW and appeal.status == AppealState.SUBMITTED
    assert appeal.history.get(history_type="+").history_user == staff["zwfw_clerk"]
    main = page.locator("main")
    expect(main).to_contain_text(appeal.number)
    expect(main).to_contain_text(appeal.tracking_code)
    expect(main).to_contain_text("/appeals/track/")
    expect(main).to_contain_text("市政务服务中心")
    expect(main).to_contain_text("个工作日内受理")
    no_horizontal_scroll(page, width)
    shot(page, f"slip-{width}")
    page.emulate_media(media="print")
    expect(page.locator("[data-print]")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="本窗口登记的诉求").click()
    expect(page.locator("h1")).to_have_text("本窗口登记的诉求")
    row = page.locator("tr", has_text=appeal.number)
    expect(row).to_contain_text("待受理")
    no_horizontal_scroll(page, width)
    shot(page, f"list-{width}")
