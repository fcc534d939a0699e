"""政策计算器 in a real browser: an enterprise user sees its matches from its archive; a visitor types full-width."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories.enterprises import AnnualFigureFactory, EnterpriseMemberFactory, QualificationFactory
from tests.matters.calculator_data import EMPLOYEES_50, HITECH, REVENUE_2000, listed, rate_matter, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def matters():
    listed([REVENUE_2000, HITECH], name="宜昌市高新技术企业奖励", exclusive_group="hitech")
    listed([REVENUE_2000], name="宜昌市高新技术企业培育奖励", exclusive_group="hitech", support_amount=Decimal("50000"))
    rate_matter([EMPLOYEES_50], name="宜昌市研发费用补助")
    listed([{**REVENUE_2000, "value": 8000}], name="宜昌市规上工业企业奖励")


def test_an_enterprise_user_opens_the_calculator_and_sees_its_matches_with_reasons_and_amounts(page, login_as, matters):
    member = EnterpriseMemberFactory(enterprise__name="宜昌浏览器测算科技有限公司")
    year = today().year - 1
    AnnualFigureFactory(
        enterprise=member.enterprise, year=year, revenue_wan=Decimal("5000"), rd_expense_wan=Decimal("300")
    )
    QualificationFactory(enterprise=member.enterprise)
    login_as(page, member.user)

    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="政策计算器").click()

    main = page.locator("main")
    expect(main).to_contain_text("宜昌浏览器测算科技有限公司")
    eligible = page.locator("#group-eligible")
    expect(eligible.locator("article")).to_have_count(3)
    hitech = eligible.get_by_role("article", name="宜昌市高新技术企业奖励", exact=True)
    expect(hitech).to_contain_text("预计可获 20万元")
    expect(hitech).to_contain_text(f"{year}年营业收入 5,000万元（统计，")
    expect(hitech).to_contain_text("资质荣誉：持有高新技术企业（工作人员，")
    expect(hitech).to_contain_text("就高不重复")
    expect(eligible.locator("article", has_text="研发费用补助")).to_contain_text(
        f"{year}年研发费用300万元 × 10% = 30万元"
    )
    no = page.locator("#group-ineligible article", has_text="规上工业企业奖励")
    expect(no).to_contain_text("营业收入还差 3,000万元")
    expect(page.locator("#facts")).to_contain_text("报告有误")

    revenue_row = page.locator("#facts tr", has=page.locator("th", has_text=f"{year}年营业收入"))
    revenue_row.get_by_role("link").click()
    expect(page.locator("select[name=field]")).to_have_value("annual_figures")


def test_an_enterprise_user_finds_the_matters_in_the_enterprise_space(page, login_as, matters):
    member = EnterpriseMemberFactory()
    AnnualFigureFactory(enterprise=member.enterprise, year=today().year - 1, revenue_wan=Decimal("1820"))
    login_as(page, member.user)
    page.goto("/enterprise/")
    block = page.locator("#matters")
    expect(block).to_contain_text("宜昌市研发费用补助")
    block.get_by_role("link", name="查看全部可申报事项").click()
    expect(page.locator("h1")).to_have_text("可申报事项")
    expect(page.locator("main")).to_contain_text("营业收入还差 180万元")


def test_a_visitor_fills_the_form_in_full_width_digits_on_a_phone(new_page, matters):
    from tests.factories.org import CountyFactory

    CountyFactory()
    page = new_page(width=375, height=800)
    page.goto("/matters/calculator/")
    page.get_by_label("所属行业").fill("ｃ３９１１")
    page.get_by_label("注册地").select_option("420502")
    page.get_by_label("成立日期").fill("２０１８年５月２０日")
    page.get_by_label(f"{today().year - 1}年营业收入（万元）").fill("５，０００")
    page.get_by_label(f"{today().year - 1}年从业人员（人）").fill("１２０")
    page.get_by_label("高新技术企业", exact=True).check()
    page.get_by_role("button", name="开始测算").click()

    eligible = page.locator("#group-eligible")
    expect(eligible.get_by_role("article", name="宜昌市高新技术企业奖励", exact=True)).to_contain_text("企业自报")
    expect(eligible.locator("article", has_text="宜昌市研发费用补助")).to_be_visible()
    expect(page.locator("#group-eligible article", has_text="宜昌市研发费用补助")).to_contain_text(
        f"缺少{today().year - 1}年研发费用数据"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_visitor_typing_nonsense_is_told_what_is_wrong(page, matters):
    from tests.factories.org import CountyFactory

    CountyFactory()
    page.goto("/matters/calculator/")
    page.get_by_label("注册地").select_option("420502")
    page.get_by_label(f"{today().year - 1}年营业收入（万元）").fill("-5")
    page.get_by_label(f"{today().year - 1}年从业人员（人）").fill("1000000000000000")
    page.get_by_role("button", name="开始测算").click()
    expect(page.locator("main")).to_contain_text("营业收入不能为负数")
    expect(page.locator("main")).to_contain_text("从业人员超出合理范围")
    expect(page.locator("#group-eligible")).to_have_count(0)
