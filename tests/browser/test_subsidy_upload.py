"""奖补汇聚 in a real browser: the demo editor of 市科技局 signs in to the back office, downloads the Excel template,
fills it in (deleting the example row) with one bad amount, uploads it and reads the report of the bad row,
corrects it, uploads again and finds the records in the list. Screenshots in var/screenshots/."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.org.demo import DEMO_PASSWORD
from tests.factories.enterprises import uscc_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Signing in with a TOTP code is tested in tests/accounts; here the password is enough."""
    settings.STAFF_OTP_REQUIRED = False


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"subsidy-{name}.png"), full_page=True)


def filled_in(template: bytes, amount_of_second) -> bytes:
    """The downloaded template with its example row replaced by two subsidies, as a clerk would type them."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["奖补数据"]
    first = [
        "KJ-2026-101",
        uscc_for(7001),
        "宜昌浏览器测试一有限公司",
        "宜昌市促进科技创新若干政策",
        "高新技术企业认定奖励",
    ]
    second = ["KJ-2026-102", uscc_for(7002), "宜昌浏览器测试二有限公司", "宜昌市促进科技创新若干政策", "研发投入补助"]
    typed = {
        # Typed over the example row (row 2) and on the next one, in the template's own cells.
        2: [*first, 200000, dt.date(2026, 9, 30), "2026年市级科技创新专项资金", "市级"],
        3: [*second, amount_of_second, dt.date(2026, 9, 28), "2026年市级科技创新专项资金", ""],
    }
    for line, values in typed.items():
        for column, value in enumerate(values, start=1):
            sheet.cell(row=line, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_editor_uploads_subsidies_fixes_the_bad_row_and_finds_the_records(page, staff, tmp_path):
    from payouts.models import SubsidyRecord

    page.set_default_timeout(30_000)
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill("kjj_editor")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("#user-tools")).to_be_visible()

    page.goto("/admin/payouts/subsidysubmission/")
    page.get_by_role("link", name="上传奖补数据").click()
    expect(page.locator("h1")).to_have_text("上传奖补数据")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel模板（.xlsx）").click()
    path = tmp_path / "template.xlsx"
    download_info.value.save_as(path)
    template = path.read_bytes()

    page.locator("input[name=file]").set_input_files(
        files=[{"name": "科技局奖补.xlsx", "mimeType": XLSX, "buffer": filled_in(template, "12.345")}]
    )
    page.get_by_role("button", name="上传并校验").click()
    report = page.locator("#subsidy-report")
    expect(report).to_contain_text("文件中有1处错误，全部未导入")
    bad = report.locator("tr.subsidy-error")
    expect(bad).to_have_count(1)
    expect(bad.locator("td")).to_have_text(["3", "金额（元）", "12.345", "“12.345”不是有效金额（元，最多两位小数）"])
    shot(page, "report")
    assert not SubsidyRecord.objects.exists()

    page.locator("input[name=file]").set_input_files(
        files=[{"name": "科技局奖补.xlsx", "mimeType": XLSX, "buffer": filled_in(template, "12.35")}]
    )
    page.get_by_role("button", name="上传并校验").click()
    result = page.locator("#subsidy-result")
    expect(result).to_contain_text("新增 2 条，更正 0 条，此前已报送未变化 0 条")
    shot(page, "result")

    page.locator("#subsidy-records-link").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    # The whole list is on the screen: no column pushed out of the 1280 px window.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    last = page.locator("#result_list thead th").last
    expect(last).to_have_text("核对标记")
    right = last.bounding_box()["x"] + last.bounding_box()["width"]
    assert right <= page.locator("#changelist-filter").bounding_box()["x"]
    expect(page.locator("#result_list")).to_contain_text("KJ-2026-101")
    expect(page.locator("#result_list")).to_contain_text("宜昌浏览器测试二有限公司")
    expect(page.locator("#result_list")).to_contain_text("12.35")
    shot(page, "records")
    assert SubsidyRecord.objects.filter(department__code="yc-kjj").count() == 2
