"""The service directory in a browser: a visitor finds a service; a curator sees a dead link flagged after the check;
a service link is labelled as such among the header's search suggestions."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from engagement import demo_directory, directory
from engagement.models.directory import ServiceLink
from portal.org.models import Region
from tests.backoffice.conftest import staff_by_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_org")]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.STAFF_OTP_REQUIRED = False
    cache.clear()
    yield
    cache.clear()


def test_a_visitor_picks_a_category_and_a_region_searches_and_opens_nothing_but_sees_the_link(page):
    demo_directory.load()
    xiling_only = ServiceLink.objects.get(title="西陵区中小企业金融服务站")

    page.goto("/services/")
    expect(page.get_by_role("heading", name="办事服务与增值服务")).to_be_visible()
    expect(page.get_by_role("heading", name="增值服务", exact=True)).to_be_visible()
    # A visitor starts on the city: the district's own link is not there yet.
    expect(page.locator(f"#service-{xiling_only.pk}")).to_have_count(0)

    page.get_by_label("服务类别", exact=True).select_option(label="金融服务")
    page.get_by_label("地区", exact=True).select_option(label="　　西陵区")
    page.get_by_label("关键词", exact=True).fill("贴息")
    page.get_by_role("button", name="搜索", exact=True).last.click()

    page.wait_for_url("**/services/?region=420502&category=finance&q=*")
    expect(page.get_by_test_id("directory-count")).to_contain_text("找到 1 个服务")
    link = page.get_by_role("link", name="西陵区中小企业金融服务站")
    expect(link).to_be_visible()
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert link.get_attribute("href") == "https://www.xiling.gov.cn/jrfw/"

    # Without the query, the city's and the province's finance links are shown on the district's page too.
    page.get_by_label("关键词", exact=True).fill("")
    page.get_by_role("button", name="搜索", exact=True).last.click()
    expect(page.get_by_role("link", name="宜昌市企业融资服务平台")).to_be_visible()
    expect(page.get_by_role("link", name="西陵区中小企业金融服务站")).to_be_visible()


def test_the_page_on_a_phone_has_no_sideways_scroll(new_page):
    demo_directory.load()
    phone = new_page(width=375, height=800)
    phone.goto("/services/?region=420502")
    expect(phone.get_by_role("link", name="湖北政务服务网·法人服务")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


class Missing(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(404)
        self.end_headers()

    def do_GET(self):
        self.do_HEAD()

    def log_message(self, *args):
        pass


def test_a_curator_sees_a_dead_link_flagged_after_the_check(page, login_as):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Missing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dead = ServiceLink.objects.create(
            region=Region.objects.get(code="420502"),
            category="legal",
            title="已撤销的法律服务站",
            url=f"http://127.0.0.1:{server.server_address[1]}/gone",
        )
        run = directory.check_links(timeout=2)
    finally:
        server.shutdown()
        server.server_close()
    assert run.newly_dead == [dead.pk]

    login_as(page, staff_by_login()["sjj_approver"])
    page.goto("/messages/")
    message = page.get_by_role("article", name="服务链接失效提醒：1 个链接无法访问")
    expect(message).to_contain_text("西陵区 · 法律服务 · 已撤销的法律服务站")
    expect(message).to_contain_text("（状态码 404）")
    message.get_by_role("button", name="查看详情").click()
    page.wait_for_url("**/admin/engagement/servicelink/?health=failing")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("已撤销的法律服务站")
    expect(row.first).to_contain_text("失效")


def test_a_service_link_is_labelled_in_the_header_suggestions(page):
    demo_directory.load()
    page.goto("/help/")
    page.locator("#site-search-q").press_sequentially("宜昌人才", delay=30)
    suggestions = page.locator("#site-search-q-suggestions")
    expect(suggestions).to_be_visible()
    link = suggestions.get_by_role("link", name="宜昌人才服务网")
    expect(link).to_be_visible()
    expect(link.locator(".suggestion-kind")).to_have_text("办事服务")
