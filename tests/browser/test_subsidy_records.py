"""The 奖补记录 list in a real browser, as finance staff read it (every department's records, the widest list):
amounts with thousands separators, the four funding levels as filter labels, the flags (late, duplicate and its
original, a name other than the archive's), headers that do not wrap one character per line, all within a
1280 px window beside the filters. Screenshot in var/screenshots/."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from portal.org.demo import DEMO_PASSWORD
from tests.factories.enterprises import EnterpriseFactory, uscc_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
MONDAY = timezone.make_aware(dt.datetime(2026, 10, 12, 10, 0))


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def _record(record_id, uscc, name, amount, level, paid_on="2026-09-30"):
    return {
        "record_id": record_id,
        "uscc": uscc,
        "enterprise_name": name,
        "policy": "宜昌市促进科技创新若干政策",
        "item": "高新技术企业认定奖励（首次认定）",
        "amount": amount,
        "paid_on": paid_on,
        "funding_source": "2026年市级科技创新专项资金",
        "funding_level": level,
    }


def test_finance_reads_the_records_list(page, staff):
    from payouts import subsidies
    from portal.org.models import Department

    kjj = Department.objects.get(code="yc-kjj")
    jxj = Department.objects.get(code="yc-jxj")
    archived = EnterpriseFactory(name="宜昌档案中的名称科技有限公司")
    subsidies.submit_records(
        kjj,
        [
            _record("KJ-2026-0001", uscc_for(7101), "宜昌市某某高新技术产业发展有限责任公司", "100000.00", "市级"),
            _record("KJ-2026-0002", archived.uscc, "宜昌报送时的名称有限公司", "1234567.5", "县级（区级）"),
            _record("KJ-2026-0003", uscc_for(7103), "宜昌中央资金企业有限公司", "88.00", "中央", "2026-09-01"),
        ],
        now=MONDAY,
    )
    subsidies.submit_records(
        jxj,
        [_record("JX-2026-0001", uscc_for(7101), "宜昌市某某高新技术产业发展有限责任公司", "100000", "")],
        now=MONDAY,
    )

    page.set_default_timeout(30_000)
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill("czj_finance")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("#user-tools")).to_be_visible()
    page.goto("/admin/payouts/subsidyrecord/")

    table = page.locator("#result_list")
    expect(table.locator("tbody tr")).to_have_count(4)
    amounts = table.locator("td.field-amount_display")
    expect(amounts).to_have_text(["100,000.00", "1,234,567.50", "100,000.00", "88.00"], use_inner_text=True)
    for cell in amounts.all():  # figures right-aligned, as in a ledger
        assert cell.evaluate("e => getComputedStyle(e).textAlign") == "right"
    expect(table).to_contain_text("后报1条疑似重复")
    expect(table).to_contain_text("与市科技局记录KJ-2026-0001重复")
    expect(table).to_contain_text("企业名称与档案不一致：档案为宜昌档案中的名称科技有限公司")
    expect(table).to_contain_text("逾期")

    filters = page.locator("#changelist-filter")
    for label in ("中央", "省级", "市级", "县级（区级）"):
        expect(filters.get_by_role("link", name=label, exact=True)).to_be_visible()

    # No header breaks a word into a column of single characters: each fits on at most two lines.
    for th in table.locator("thead th").all():
        text = th.inner_text().strip()
        if not text:
            continue
        box = th.locator(".text")
        line = box.evaluate(
            "e => parseFloat(getComputedStyle(e).lineHeight) || 1.2 * parseFloat(getComputedStyle(e).fontSize)"
        )
        height = box.bounding_box()["height"]
        assert height <= 2.2 * line, (text, height, line)
    # The whole list is on the screen beside the filters.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    last = table.locator("thead th").last
    assert last.bounding_box()["x"] + last.bounding_box()["width"] <= filters.bounding_box()["x"]
    # The search and filter buttons keep their normal size (one line, not squeezed).
    search = page.locator("#changelist-search input[type=submit]")
    assert search.bounding_box()["height"] < 40 and search.bounding_box()["width"] >= 32

    page.get_by_role("link", name="后报1条疑似重复").click()
    expect(page.locator("#subsidy-duplicates-filter")).to_contain_text("仅显示与记录KJ-2026-0001疑似重复的后报记录")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.goto("/admin/payouts/subsidyrecord/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "subsidy-records-list.png"), full_page=True)
