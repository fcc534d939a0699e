"""A supervisor of 市数据局 finds the late department and the records behind its number, by clicking.

Signs in with a password, opens 督查总览 from the back office's index, reads the headline cards and the trend chart
(drawn by ECharts beside its data table), goes to 部门排名, orders it worst first, opens the worst department's
page, clicks its 逾期发布率 and lands on the two late policies. The same overview at phone width keeps its table
readable. Data: the six policies of tests/supervision/policy_measures.py (counted by hand there). Screenshots go
to test-results/supervision/ (gitignored).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.supervision import compute
from tests.supervision import policy_measures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Yichang-2026-sjj"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "supervision"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def data(monkeypatch, demo_org, staff):
    policy_measures.register()
    policy_measures.only_these(monkeypatch)
    policy_measures.make_policies()
    compute.refresh()
    supervisor = staff["sjj_supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    yield supervisor
    policy_measures.unregister()


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_supervisor_clicks_from_the_overview_to_the_late_records(page, data):
    page.goto("/admin/")
    page.get_by_label("用户名").fill("sjj_supervisor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="督查总览").first.click()
    expect(page.locator("h1")).to_contain_text("督查总览")
    page.get_by_label("统计期间").fill("2026-01-01")
    page.get_by_label("至", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="查询").click()
    cards = page.locator(".supervision-card")
    expect(cards.filter(has_text="发布政策数")).to_contain_text("6")
    expect(cards.filter(has_text="逾期发布率")).to_contain_text("33.3")
    # the chart is drawn (an SVG by ECharts) and its numbers are in the table beside it
    expect(page.locator(".supervision-chart svg").first).to_be_visible()
    expect(page.locator("#trend-data")).to_contain_text("2026-10")
    _shot(page, "overview-desktop")

    page.get_by_role("navigation", name="督查看板").get_by_role("link", name="部门排名").click()
    expect(page.locator("#ranking tbody tr")).to_have_count(2)
    expect(page.locator("#ranking tbody tr").first).to_contain_text("宜昌市财政局")  # best first by default
    page.locator("#ranking thead").get_by_role("link", name="综合排名").click()  # worst first
    worst = page.locator("#ranking tbody tr").first
    expect(worst).to_contain_text("宜昌市科学技术局")
    _shot(page, "ranking-worst-first")
    worst.get_by_role("link", name="宜昌市科学技术局").click()
    expect(page.locator("h1")).to_contain_text("宜昌市科学技术局督查情况")
    row = page.locator("#section-policies + table tr", has_text="逾期发布率")
    expect(row).to_contain_text("50.0")
    row.locator("a.supervision-value").click()

    expect(page.locator("h1")).to_contain_text("逾期发布政策")
    expect(page.locator(".supervision-record-scope")).to_contain_text("部门：宜昌市科学技术局")
    expect(page.locator("#records tbody tr")).to_have_count(2)
    expect(page.locator("#records tbody")).to_contain_text("P2")
    expect(page.locator("#records tbody")).to_contain_text("P4")
    _shot(page, "records-late-policies")


def test_the_overview_on_a_phone(new_page, login_as, data):
    page = new_page(width=375, height=800)
    login_as(page, data)
    page.goto("/admin/supervision/?from=2026-01-01&to=2026-12-31")
    expect(page.locator(".supervision-card").first).to_be_visible()
    # nothing wider than the screen but the tables' own scroll boxes
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    _shot(page, "overview-phone")
