"""A visitor finds a matter in the catalogue, filters it, reads its guide and downloads the guide as a PDF."""

import subprocess

import pytest
from playwright.sync_api import expect

from tests.factories.org import DepartmentFactory
from tests.matters.guides import industry, published_matter, size, with_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue():
    science = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    commerce = DepartmentFactory(name="宜昌市商务局", code="swj")
    guide = published_matter(
        name="宜昌市企业研发投入后补助",
        department=science,
        criteria=[industry("C"), size("small", "micro")],
        notes="申报材料须加盖企业公章。",
    )
    with_template(guide.materials.get())
    published_matter(name="宜昌市外贸企业展会补贴", department=commerce)
    return guide


def test_a_visitor_filters_the_catalogue_opens_a_guide_and_downloads_its_pdf(page, catalogue, tmp_path):
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="政策事项").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("政策事项")
    expect(page.locator(".matter-results > li")).to_have_count(2)

    page.get_by_role("link", name="宜昌市科学技术局").click()
    expect(page.locator(".matter-results > li")).to_have_count(1)
    page.get_by_role("link", name="小型").click()
    expect(page.locator(".results-count")).to_contain_text("共 1 项事项")

    page.get_by_role("link", name="宜昌市企业研发投入后补助").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("宜昌市企业研发投入后补助")
    for heading in ("申报条件", "扶持标准", "申报材料", "申报流程", "注意事项"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.locator("#main")).to_contain_text("上一年度营业收入不低于2000万元")
    expect(page.get_by_role("button", name="打印指南")).to_be_visible()

    # WeasyPrint lays the guide out on request; on a busy 2-core machine that can take longer than a click.
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="下载PDF版指南").click()
    path = tmp_path / "guide.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
    assert "宜昌市企业研发投入后补助" in "".join(text.split())


def test_on_a_phone_the_filters_fold_behind_a_button_and_nothing_scrolls_sideways(new_page, catalogue):
    page = new_page(width=375, height=800)
    page.goto("/matters/")
    expect(page.get_by_role("link", name="宜昌市商务局")).to_be_hidden()
    page.locator("summary.facet-button").click()
    page.get_by_role("link", name="宜昌市商务局").click()
    expect(page.locator(".matter-results > li")).to_have_count(1)

    page.goto(catalogue.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("link", name="空白范本")).to_be_visible()
