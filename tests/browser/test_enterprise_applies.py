"""An enterprise applies online in a real browser: signs in, opens a matter's guide, starts the one form, uploads
a material, sees its eligibility and estimated amount, submits and gets its 查询码; the pages fit a phone.

Screenshots are saved under test-results/ (Playwright's artifact folder; SCREENSHOT_DIR overrides it)."""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications import services
from applications.models import Application, Status
from tests.factories import files
from tests.factories.accounts import PASSWORD, EnterpriseUserFactory
from tests.factories.applications import published_matter
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseFactory, EnterpriseMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_NUMBER = "13912345678"
PHONE_WIDTH = 390
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results")) / "enterprise_applies"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def overflow(page) -> dict:
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth - window.innerWidth,
            tables: Array.from(document.querySelectorAll('.table-wrap')).map(w => w.scrollWidth - w.clientWidth),
        })"""
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def applicant():
    """An enterprise with last year's revenue (statistics bureau) and its legal representative (signs in by phone)."""
    enterprise = EnterpriseFactory(name="宜昌浏览器申报科技有限公司")
    AnnualFigureFactory(enterprise=enterprise, year=timezone.localdate().year - 1, revenue_wan=Decimal("5000.00"))
    user = EnterpriseUserFactory(phone=PHONE_NUMBER)
    EnterpriseMemberFactory(enterprise=enterprise, user=user)
    return enterprise, user


def test_an_enterprise_applies_online(page, applicant):
    enterprise, _user = applicant
    matter = published_matter(steps=2, shared=1)

    page.goto("/accounts/login/")
    page.locator("input[name=phone]").fill(PHONE_NUMBER)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(matter.get_absolute_url())
    page.get_by_role("button", name="在线申报").click()
    expect(page).to_have_url(re.compile(r"/applications/SB\d{14}/$"))
    expect(page.locator("#form")).to_contain_text("来源：")
    expect(page.locator("#materials")).to_contain_text("数据共享获取，免提交")
    expect(page.locator("#eligibility")).to_contain_text("测算金额")
    expect(page.locator("#eligibility")).to_contain_text("符合全部条件")
    shot(page, "1-form")

    page.get_by_label("联系人手机").fill("１３９ １２３４ ５６７８")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("草稿已保存")

    material = matter.materials.filter(shared=False).first()
    page.locator(f"#file-{material.pk}").set_input_files(
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}]
    )
    page.locator(f"#material-{material.pk}").get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(f"#material-{material.pk}")).to_contain_text("营业执照.pdf")

    page.locator(f"#file-{material.pk}").set_input_files(
        files=[{"name": "伪装.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 200}]
    )
    page.locator(f"#material-{material.pk}").get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(f"#material-{material.pk} .alert-error")).to_be_visible()
    shot(page, "2-refused-upload")

    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("h1")).to_contain_text("确认提交申报")
    expect(page.locator("main")).to_contain_text("测算金额")
    shot(page, "3-confirm")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("h1")).to_contain_text("提交成功")

    application = Application.objects.get(enterprise=enterprise, matter=matter)
    assert application.status == Status.SUBMITTED
    assert application.contact_phone == PHONE_NUMBER
    assert application.materials.exclude(file="").count() == 1
    expect(page.locator("main")).to_contain_text(application.grouped_code)
    shot(page, "4-done")

    page.get_by_role("link", name="查看办理进度").click()
    expect(page.locator("#timeline")).to_contain_text("提交申报")
    shot(page, "5-case")

    page.goto("/applications/progress/")
    page.get_by_label("查询码").fill(application.grouped_code.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("main")).to_contain_text(matter.name)
    expect(page.locator("main")).not_to_contain_text(enterprise.name)
    shot(page, "6-progress")


def test_the_application_pages_fit_a_phone(new_page, login_as, applicant):
    enterprise, user = applicant
    matter = published_matter(steps=2, shared=1)
    draft = services.start(enterprise, matter, by=user)
    page = new_page(width=PHONE_WIDTH, height=800)
    login_as(page, user)
    for name, url in [
        ("guide", matter.get_absolute_url()),
        ("form", draft.get_absolute_url()),
        ("confirm", f"/applications/{draft.number}/submit/"),
        ("mine", "/applications/"),
        ("space", f"/enterprise/{enterprise.uscc}/"),
        ("progress", "/applications/progress/"),
    ]:
        page.goto(url)
        result = overflow(page)
        assert result["page"] == 0, url
        assert all(extra == 0 for extra in result["tables"]), (url, result)
        shot(page, f"phone-{name}")

    services.update_form(draft, {"contact_name": "李四", "contact_phone": PHONE_NUMBER}, by=user)
    for material in matter.materials.filter(shared=False):
        services.attach(draft, material, files.upload("营业执照（盖章扫描件）.pdf", files.pdf()), by=user)
    application = services.submit(draft, by=user)
    for name, url in [
        ("case", application.get_absolute_url()),
        ("progress-detail", f"/applications/progress/{application.code}/"),
    ]:
        page.goto(url)
        result = overflow(page)
        assert result["page"] == 0, url
        assert all(extra == 0 for extra in result["tables"]), (url, result)
        shot(page, f"phone-{name}")
