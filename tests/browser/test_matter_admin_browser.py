"""The matter editor's path in a real browser (Debian's Chromium, the portal's CSP in force).

The demo editor of 市科技局 signs in, adds a matter, opens its criteria from the matter page and sees the count
of matching enterprises change as a criterion's value is retyped (ruleset_count.js, no inline script).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from matters import services
from matters.models import Matter
from portal.org.demo import DEMO_PASSWORD
from tests.factories.matters import complete_matter
from tests.matters import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def sign_in(page, login):
    # The change page loads about twenty admin scripts and styles from the single live server.
    page.set_default_timeout(30_000)
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("#user-tools")).to_be_visible()


@pytest.fixture
def kjj_matter(staff):
    from portal.org.models import Department

    kjj = Department.objects.get(code="yc-kjj")
    matter = complete_matter(name="宜昌市科技型企业营收奖励")  # 营业收入不低于2000万元
    matter.department, matter.region = kjj, kjj.region
    matter.save()
    services.assign_matter_ownership(matter, kjj)
    services.assign_ownership(matter.rule_sets.get(), kjj)
    for revenue in (3000, 1900):
        build.enterprise({"figures": {2025: {"revenue_wan": revenue, "updated": dt.date(2026, 3, 1)}}})
    return matter


def test_the_editor_retypes_a_criterion_and_sees_the_count_change(page, kjj_matter):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, "kjj_editor")
    page.goto(f"/admin/matters/matter/{kjj_matter.pk}/change/")
    page.locator("#matter-rules-link").click()
    count = page.locator("#ruleset-count [data-count=eligible]")
    expect(count).to_have_text("1")
    page.locator("[name='criteria-0-value']").fill("1800")
    page.locator("input[name='criteria-0-message']").click()
    expect(count).to_have_text("2")
    expect(page.locator("#ruleset-count [data-count=note]")).to_contain_text("尚未保存")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_the_editor_adds_a_matter(page, staff, published_policy):
    sign_in(page, "kjj_editor")
    page.goto("/admin/matters/matter/add/")
    page.locator("input[name=code]").fill("yc-kj-2026-901")
    page.locator("input[name=name]").fill("宜昌市浏览器测试首台套奖励")
    page.locator("select[name=policy]").select_option(str(published_policy.pk))
    page.locator("input[name=clause]").fill("第三条")
    page.locator("select[name=region]").select_option(label="宜昌市")
    page.locator("textarea[name=target]").fill("本市首台套装备研制企业")
    page.locator("select[name=delivery_kind]").select_option("reviewed")
    page.locator("select[name=window_kind]").select_option("year_round")
    page.locator("input[name=time_limit_days]").fill("15")
    page.locator("select[name=support_kind]").select_option("fixed")
    page.locator("input[name=support_amount]").fill("500000")
    page.locator("input[name=support_cap]").fill("100000")
    page.locator("textarea[name=support_text]").fill("首台套装备奖励50万元。")
    page.locator("input[name=consult_phone]").fill("0717-6451234")
    page.locator("input[name=supervise_phone]").fill("0717-12345")
    page.locator("input[name=_save]").click()
    expect(page.locator(".field-support_cap .errorlist")).to_contain_text("低于定额")
    page.locator("input[name=support_cap]").fill("")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    matter = Matter.objects.get(code="YC-KJ-2026-901")
    assert matter.department.code == "yc-kjj" and matter.created_by.username == "kjj_editor"


@pytest.fixture
def published_policy(staff):
    from policies.models import Policy
    from portal.org.models import Department
    from tests.factories.policies import PolicyFactory

    kjj = Department.objects.get(code="yc-kjj")
    policy = PolicyFactory(lead_department=kjj, region=kjj.region)
    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED)
    return policy
