"""Disbursement in a real browser: the enterprise user signs in, fills in the 收款账户 (a wrong card number first,
refused with the Chinese message, then the right one, shown masked), opens 兑付记录 and a record; the public
兑付公开 page fits a phone and the staff 兑付统计 page shows its tables.

Screenshots are saved under test-results/payout_space/ (SCREENSHOT_DIR overrides the folder)."""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from applications.models import Application, Status
from payouts.models import FundingSource, PayeeAccount, Payout, PayoutState
from portal.org.models import Department, Region, Role
from tests.factories.accounts import PASSWORD, EnterpriseUserFactory
from tests.factories.applications import published_matter
from tests.factories.enterprises import EnterpriseFactory, EnterpriseMemberFactory
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_NUMBER = "13912340001"
PHONE_WIDTH = 390
GOOD_CARD = "6222 0202 0000 1234 562"
BAD_CARD = "6222 0202 0000 1234 563"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results")) / "payout_space"


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
    city = CityFactory()
    finance = DepartmentFactory(name="宜昌市财政局", code="b-czj", region=city, kind=Department.Kind.FINANCE)
    matter = published_matter(name="宜昌市高新技术企业首次认定奖励")
    secret = published_matter(name="涉密专项资金", confidential=True)
    source = FundingSource.objects.create(
        payer_name="宜昌市财政局国库存款",
        payer_account="42050110000000000001",
        payer_bank="中国人民银行宜昌市中心支库",
        name="2026年市级科技创新专项资金",
        level=Region.Level.CITY,
        region=city,
        department=finance,
    )
    enterprise = EnterpriseFactory(name="宜昌浏览器兑付科技有限公司")
    user = EnterpriseUserFactory(phone=PHONE_NUMBER)
    EnterpriseMemberFactory(enterprise=enterprise, user=user)
    other = EnterpriseFactory(name="宜昌另一家制造有限公司")

    def payout(n, who, the_matter, amount, state, **fields):
        application = Application.objects.create(
            number=f"SB2026030100{n:04d}",
            enterprise=who,
            matter=the_matter,
            period="2026",
            status=Status.PAID if state == PayoutState.PAID else Status.TO_PAYOUT,
            approved_amount=Decimal(amount),
            submitted_at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        )
        return Payout.objects.create(
            number=f"DF2026030100{n:04d}",
            application=application,
            enterprise=who,
            matter=the_matter,
            funding_source=source,
            amount=Decimal(amount),
            state=state,
            approved_on=dt.date(2026, 3, 9),
            **fields,
        )

    paid = payout(
        1,
        enterprise,
        matter,
        "200000.00",
        PayoutState.PAID,
        paid_on=dt.date(2026, 3, 16),
        bank_reference="YH20260316000123456789",
        workdays_to_pay=5,
        payee_name=enterprise.name,
        bank_name="中国工商银行",
        branch="宜昌分行营业部",
        account_number="1207000009100012345",
    )
    failed = payout(2, enterprise, secret, "35000.00", PayoutState.FAILED, failure_reason="户名与账号不符")
    payout(3, other, matter, "150000.00", PayoutState.PAID, paid_on=dt.date(2026, 3, 18), bank_reference="YH2")
    payout(4, other, secret, "99000.00", PayoutState.PAID, paid_on=dt.date(2026, 3, 18), bank_reference="YH3")
    return {"enterprise": enterprise, "user": user, "paid": paid, "failed": failed, "finance": finance}


def sign_in(page):
    page.goto("/accounts/login/")
    page.locator("input[name=phone]").fill(PHONE_NUMBER)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_an_enterprise_keeps_its_account_and_follows_its_payouts(page, world):
    enterprise = world["enterprise"]
    sign_in(page)

    page.goto(f"/enterprise/{enterprise.uscc}/")
    block = page.locator("#payouts")
    expect(block).to_contain_text("资金兑付")
    expect(block).to_contain_text("有 1 笔资金支付失败")
    expect(block).to_contain_text("待拨付 1 笔")
    expect(block).to_contain_text("200,000.00")
    shot(page, "1-space-block")

    block.get_by_role("link", name="更正收款账户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("收款账户")
    expect(page.get_by_label("收款户名")).to_have_value("宜昌浏览器兑付科技有限公司")
    page.get_by_label("开户银行").fill("中国建设银行")
    page.get_by_label("开户网点").fill("宜昌西陵支行")
    number, again = page.locator("input[name=account_number]"), page.get_by_label("再次输入银行账号")
    number.fill(GOOD_CARD)
    again.fill("6222 0202 0000 1234 526")  # two digits swapped
    page.get_by_role("button", name="保存收款账户").click()
    expect(page.locator("#edit")).to_contain_text("两次输入的银行账号不一致，请核对后重新填写。")
    expect(again).to_have_attribute("aria-invalid", "true")
    assert not PayeeAccount.objects.filter(enterprise=enterprise).exists()

    number.fill(BAD_CARD)
    again.fill(BAD_CARD)
    page.get_by_role("button", name="保存收款账户").click()
    expect(page.locator("#edit")).to_contain_text("银行卡号“6222020200001234563”校验位不正确，请核对后重新填写")
    expect(number).to_have_attribute("aria-invalid", "true")
    assert not PayeeAccount.objects.filter(enterprise=enterprise).exists()
    shot(page, "2-account-refused")

    number.fill(GOOD_CARD)
    again.fill("６２２２０２０２００００１２３４５６２")  # full-width, as some input methods type it
    page.get_by_role("button", name="保存收款账户").click()
    expect(page.get_by_text("收款账户已保存。")).to_be_visible()
    expect(page.locator("[data-testid=masked-account]")).to_have_text("**** **** **** 4562")
    expect(page.locator("body")).not_to_contain_text("6222020200001234562")
    expect(page.locator("#what-happens")).to_contain_text("更正后的账户用于下一拨付批次")
    shot(page, "3-account-saved")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="兑付记录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("兑付记录")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table")).to_contain_text("已更正待重拨")
    expect(page.locator("table")).not_to_contain_text("宜昌另一家制造有限公司")
    shot(page, "4-records")

    page.get_by_role("link", name="宜昌市高新技术企业首次认定奖励").click()
    expect(page.locator("#state")).to_contain_text("银行流水号 YH20260316000123456789")
    expect(page.locator("#details")).to_contain_text("2026-03-16")
    expect(page.locator("#account")).to_contain_text("**** **** **** 2345")
    shot(page, "5-record")

    # Another enterprise's record is not found.
    response = page.goto("/payouts/records/DF20260301000003/")
    assert response.status == 404


def test_the_records_and_account_fit_a_phone(new_page, login_as, world):
    page = new_page(width=PHONE_WIDTH, height=800)
    login_as(page, world["user"])
    for path, name in (
        ("/payouts/records/", "6-phone-records"),
        (f"/payouts/records/{world['paid'].number}/", "7-phone-record"),
        ("/payouts/account/", "8-phone-account"),
    ):
        page.goto(path)
        assert overflow(page) <= 1, path
        shot(page, name)


def test_the_public_results_fit_a_phone(new_page, world):
    page = new_page(width=PHONE_WIDTH, height=800)
    page.goto("/payouts/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text("政策资金兑付公开")
    table = page.locator("#results")
    expect(table).to_contain_text("宜昌市高新技术企业首次认定奖励")
    expect(table).to_contain_text("350,000.00")
    expect(table).to_contain_text("2026-03-18")
    expect(page.locator("body")).not_to_contain_text("涉密专项资金")
    assert overflow(page) <= 1
    shot(page, "9-phone-results")
    desktop = new_page()
    desktop.goto("/payouts/results/")
    expect(desktop.locator("#totals")).to_contain_text("350,000.00")
    shot(desktop, "10-desktop-results")


def test_the_statistics_page_in_the_back_office(new_page, login_as, world, settings):
    settings.STAFF_OTP_REQUIRED = False
    page = new_page(width=1440, height=900)
    login_as(page, member(world["finance"], Role.FINANCE))
    page.goto("/admin/")
    page.get_by_role("link", name="兑付统计").first.click()
    expect(page.locator("#matters")).to_contain_text("宜昌市高新技术企业首次认定奖励")
    expect(page.locator("#matters")).to_contain_text("350,000.00")
    expect(page.locator("#matters")).to_contain_text("涉密专项资金")  # staff see confidential matters
    shot(page, "11-admin-statistics")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_statistics_page_on_a_phone(new_page, login_as, world, settings):
    settings.STAFF_OTP_REQUIRED = False
    page = new_page(width=PHONE_WIDTH, height=800)
    login_as(page, member(world["finance"], Role.FINANCE))
    page.goto("/admin/payouts/statistics/")
    expect(page.locator("#matters")).to_contain_text("350,000.00")
    shot(page, "12-phone-admin-statistics")


# Each stacked cell's label (drawn by ::before from data-label) copied into a box of the label column's width with
# the pseudo-element's own font and wrapping: its content wider than the box is a label running over the figure.
LABELS_OVERFLOWING = """(selector) => [...document.querySelectorAll(selector)].flatMap((cell) => {
  const style = getComputedStyle(cell, '::before');
  const column = parseFloat(getComputedStyle(cell).gridTemplateColumns.split(' ')[0]);
  const probe = document.createElement('div');
  for (const name of ['font', 'whiteSpace', 'overflowWrap', 'wordBreak', 'letterSpacing']) {
    probe.style[name] = style[name];
  }
  probe.style.width = column + 'px';
  probe.style.position = 'absolute';
  probe.textContent = cell.dataset.label;
  document.body.appendChild(probe);
  const wider = probe.scrollWidth > Math.ceil(column);
  probe.remove();
  const figure = cell.querySelector('.payout-figure');
  const label = cell.getBoundingClientRect().left + column;
  const overlaps = figure && figure.getBoundingClientRect().left < label - 1;
  return wider || overlaps ? [cell.dataset.label] : [];
})"""


def test_the_amount_labels_never_run_over_the_figures_in_english_on_a_phone(
    new_page, login_as, world, live_server, settings
):
    page = new_page(width=PHONE_WIDTH, height=800, locale="en-US")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto("/payouts/results/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    amount = page.locator("#results td.num").nth(1)
    expect(amount).to_have_attribute("data-label", "Payout amount (yuan)")
    expect(amount).to_contain_text("350,000.00")
    assert page.evaluate(LABELS_OVERFLOWING, "#results td[data-label]") == []
    assert overflow(page) <= 1
    shot(page, "13-phone-results-english")
    login_as(page, world["user"])
    page.goto("/payouts/records/")
    assert page.evaluate(LABELS_OVERFLOWING, "table td[data-label]") == []
    assert overflow(page) <= 1
    shot(page, "14-phone-records-english")
