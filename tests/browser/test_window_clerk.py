"""一窗受理 in a real browser: the demo clerk signs in, finds an enterprise by its code typed into the focused
search box, applies on its behalf, ticks the paper originals, submits (分流转办) and prints the window slip —
on a desktop (1366px) and on a phone (390px), with screenshots in var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Signing in with a TOTP code is tested in tests/accounts; here the password is enough."""
    settings.STAFF_OTP_REQUIRED = False


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"window-{name}.png"), full_page=True)


def no_horizontal_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1366, 390])
def test_a_clerk_applies_at_the_window_and_prints_the_slip(new_page, staff, width):
    from applications.models import Application, Channel, Status
    from tests.factories.applications import enterprise_with_user, published_matter

    matter = published_matter(steps=1, shared=1, materials=2)
    company = enterprise_with_user(name="宜昌窗口浏览器测试有限公司")
    page = new_page(width=width, height=900)

    page.goto("/window/")
    expect(page.locator("input[name=username]")).to_be_visible()
    page.locator("input[name=username]").fill("zwfw_clerk")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("窗口受理工作台")
    expect(page.locator("#window-q")).to_be_focused()
    no_horizontal_scroll(page, width)
    shot(page, f"home-{width}")

    page.keyboard.type(company.uscc.lower())
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(company.name)
    row = page.locator("tr", has_text=matter.name)
    row.get_by_role("button", name="代为申报").click()

    expect(page.locator("h1")).to_have_text(matter.name)
    page.locator("input[name=contact_name]").fill("李四")
    page.locator("input[name=contact_phone]").fill("13800138000")
    for box in page.get_by_label("已收纸质原件").all():
        box.check()
    no_horizontal_scroll(page, width)
    shot(page, f"form-{width}")
    page.get_by_role("button", name="提交（分流转办）").click()
    expect(page.locator(".alert-success")).to_contain_text(matter.department.name)

    application = Application.objects.get(enterprise=company, matter=matter)
    assert application.status == Status.SUBMITTED
    assert application.channel == Channel.WINDOW and application.clerk == staff["zwfw_clerk"]
    shot(page, f"submitted-{width}")

    page.goto(f"/window/case/{application.number}/slip/")
    expect(page.locator("h1")).to_have_text("窗口受理回执单")
    expect(page.locator("main")).to_contain_text(application.grouped_code)
    expect(page.locator("main")).to_contain_text("已收纸质原件")
    expect(page.locator("main")).to_contain_text("市政务服务中心窗口人员")
    no_horizontal_scroll(page, width)
    shot(page, f"slip-{width}")
    page.emulate_media(media="print")
    expect(page.locator("[data-print]")).to_be_hidden()
