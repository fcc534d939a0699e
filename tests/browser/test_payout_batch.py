"""A payout batch as two finance officers of 宜昌市财政局 click through it (四眼原则).

The maker signs in, makes a batch on 新建拨付批次 after seeing what it takes, and signs out; the checker signs
in, approves it (复核通过), exports the Excel payment file (a download), imports the bank's result file with one
failed payment and reads the report; the failed payout shows 支付失败. Full-page screenshots of each stage go to
test-results/payout_batch/ (gitignored).
"""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from payouts import bankfiles, services
from payouts.models import BatchState, Payout, PayoutBatch, PayoutState
from tests.payouts.test_admin_batches import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Yichang-2026-czj"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "payout_batch"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, username):
    page.goto("/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _sign_out(page):
    page.locator("#logout-form button").click()
    expect(page.locator("#content")).to_contain_text("登录")


def test_the_maker_makes_a_batch_and_the_checker_approves_exports_and_imports_the_result(page, tmp_path):
    world = make_world()
    for user in (world.maker, world.checker):
        user.set_password(PASSWORD)
        user.save()

    # 制单
    _sign_in(page, "czj-maker")
    page.get_by_role("link", name="拨付批次").first.click()
    page.get_by_role("link", name="新建拨付批次").click()
    expect(page.locator("#batch-preview")).to_contain_text("可编入4笔，合计225,000.50元")
    expect(page.locator("#batch-preview")).to_contain_text("另有1笔因企业尚未填写收款账户")
    _shot(page, "01-create")
    page.get_by_role("button", name="生成拨付批次").click()
    expect(page.locator(".messagelist li.success")).to_contain_text("已生成拨付批次")
    batch = PayoutBatch.objects.get()
    expect(page.locator(".workflow-notes")).to_contain_text("四眼原则")
    expect(page.locator("a.workflow-transition", has_text="复核通过")).to_have_count(0)
    expect(page.locator("#batch-lines tbody tr")).to_have_count(4)
    _shot(page, "02-batch-of-the-maker")
    _sign_out(page)

    # 复核
    _sign_in(page, "czj-checker")
    page.goto("/admin/payouts/payoutbatch/")
    page.get_by_role("link", name=batch.number).click()
    page.locator("a.workflow-transition", has_text="复核通过").click()
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".messagelist li.success")).to_have_text("复核通过：已完成。")
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED and batch.approved_by == world.checker

    # 导出支付文件 (Excel): asks first, then downloads.
    page.locator("a.workflow-transition", has_text="导出支付文件（Excel）").click()
    expect(page.locator("#content")).to_contain_text("导出后批次即为“已报送银行”")
    _shot(page, "03-export-confirm")
    # Confirmed: the batch page opens, says the batch is sent, and the file downloads by itself.
    with page.expect_download() as download:
        page.get_by_role("button", name="确认导出").click()
        expect(page).to_have_url(re.compile(rf"/admin/payouts/payoutbatch/{batch.pk}/change/$"))
    assert download.value.suggested_filename == f"{batch.number}.xlsx"
    expect(page.locator(".messagelist li.success")).to_contain_text("批次已报送银行，支付文件（Excel）开始下载")
    expect(page.locator(".workflow-state")).to_contain_text("已报送银行")
    expect(page.locator("a.workflow-transition", has_text="导入银行回单")).to_be_visible()
    _shot(page, "03b-sent-batch")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    batch.refresh_from_db()
    assert batch.state == BatchState.SENT
    assert rows[3][5] == batch.checksum == bankfiles.checksum(batch)
    assert bankfiles.PAYMENT_COLUMNS in rows

    # 导入银行回单: the officer downloads the batch's template, types the bank's answer (one line failed) and
    # imports it.
    failing = batch.payouts.order_by("number").last()
    page.locator("a.workflow-transition", has_text="导入银行回单").click()
    guide = page.locator("#result-guide")
    expect(guide).to_contain_text("退票")
    expect(guide).to_contain_text("2026年11月30日")
    _shot(page, "04a-import-form")
    with page.expect_download() as template:
        guide.get_by_role("link", name="下载回单模板（本批次）").click()
    workbook = load_workbook(io.BytesIO(Path(template.value.path()).read_bytes()))
    sheet = workbook["回单"]
    today = timezone.localdate().isoformat()
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == failing.number:
            row[2].value, row[5].value = "失败", "账号不存在"
        else:
            row[2].value, row[3].value, row[4].value = "成功", f"BK{row[0].value[-6:]}", today
    result = tmp_path / "银行回单.xlsx"
    workbook.save(result)
    page.get_by_label("银行回单文件").set_input_files(str(result))
    page.get_by_role("button", name="导入").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("支付成功3笔，支付失败1笔，此前已处理0笔")
    expect(report).to_contain_text("账号不存在")
    _shot(page, "04-import-report")

    # The failed payout: 支付失败, with what to do.
    report.get_by_role("link", name=failing.number).click()
    expect(page.locator(".workflow-state")).to_have_text("当前状态：支付失败")
    expect(page.locator(".workflow-notes")).to_contain_text("银行退回：账号不存在")
    expect(page.locator("a.workflow-transition", has_text="更正收款账户")).to_be_visible()
    _shot(page, "05-failed-payout")
    page.goto("/admin/payouts/payout/")
    row = page.locator("#result_list tbody tr", has_text=failing.number)
    expect(row).to_contain_text("支付失败")
    expect(page.locator("#result_list tbody tr", has_text="已支付")).to_have_count(3)
    _shot(page, "06-payout-list")
    page.goto(f"/admin/payouts/payoutbatch/{batch.pk}/change/")
    expect(page.locator("#batch-lines tr.line-failed")).to_contain_text("账号不存在")
    _shot(page, "07-settled-batch")
    failing.refresh_from_db()
    assert failing.state == PayoutState.FAILED
    batch.refresh_from_db()
    assert batch.state == BatchState.SETTLED

    # 更正: the returned account and the reason above the form; the typed account is the default.
    page.goto(f"/admin/payouts/payout/{failing.pk}/change/")
    page.locator("a.workflow-transition", has_text="更正收款账户").click()
    returned = page.locator("#returned-account")
    expect(returned).to_contain_text("账号不存在")
    expect(returned).to_contain_text(f"尾号{failing.account_number[-4:]}")
    expect(page.get_by_label("填写更正后的账户")).to_be_checked()
    expect(page.get_by_label("收款户名")).to_have_value(failing.enterprise.name)
    _shot(page, "09-correct-form")
    page.get_by_label("开户银行").fill("中国建设银行宜昌分行")
    page.get_by_label("银行账号").fill(failing.account_number)
    page.get_by_role("button", name="确认更正").click()
    expect(page.locator(".errorlist")).to_contain_text("与被银行退回的完全相同")
    page.get_by_label("银行账号").fill("1207 0000 8888 0000 555")
    page.get_by_role("button", name="确认更正").click()
    expect(page.locator(".messagelist li.success")).to_contain_text("已更正收款账户")
    expect(page.locator(".workflow-state")).to_have_text("当前状态：已更正待重拨")
    page.goto(f"/admin/payouts/payoutbatch/{batch.pk}/change/")
    failed_line = page.locator("#batch-lines tr.line-failed")
    expect(failed_line).to_contain_text("账号不存在")
    expect(failed_line).to_contain_text("现为已更正待重拨")


def test_the_payout_list_fits_1366_pixels_beside_the_sidebar_and_the_filters(new_page):
    """A finance officer's laptop (1366×900) with the admin's navigation sidebar open: every column of the payout
    list in view, nothing to scroll sideways; long enterprise and matter names wrap."""
    world = make_world()
    world.maker.set_password(PASSWORD)
    world.maker.save()
    enterprise = world.enterprises[0]
    enterprise.name = "宜昌高新技术产业开发区长江智能装备制造股份有限公司"
    enterprise.save()
    world.matter.name = "2026年度高新技术企业认定奖励及研发费用加计扣除配套奖补"
    world.matter.save()
    batch = services.create_batch(by=world.maker, funding_source=world.source, matter=world.matter)
    Payout.objects.filter(enterprise=world.no_account).update(amount=Decimal("12500000.00"))
    page = new_page(width=1366, height=900)
    _sign_in(page, "czj-maker")
    page.goto("/admin/payouts/payout/")
    expect(page.locator("#nav-sidebar")).to_be_visible()
    expect(page.locator("#changelist-filter")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(5)
    headers = [h.strip() for h in page.locator("#result_list thead th").all_inner_texts()]
    assert headers[1:] == ["兑付编号", "企业", "事项", "金额（元）", "状态 · 批次", "时限"]
    expect(page.locator("#result_list tbody tr").first.locator("td.field-time_limit")).to_contain_text("核准")
    expect(page.locator("#result_list td.field-state_and_batch", has_text=batch.number)).to_have_count(3)
    _shot(page, "08-payout-list-1366")
    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0, f"the page scrolls {sideways}px sideways"
    table = page.evaluate(
        "(() => { const t = document.querySelector('#result_list');"
        " const box = t.closest('.results') || t.parentElement;"
        " return [t.scrollWidth, box.clientWidth]; })()"
    )
    assert table[0] <= table[1], f"the table ({table[0]}px) is wider than its box ({table[1]}px)"
