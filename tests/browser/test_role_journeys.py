"""Each role's main job, clicked through in a real browser after signing in with the demo password.

The policy workflow's transitions (submit, approve, publish) are tested with the workflow; here the editor's
job is the part before it: adding a policy with its interpretation in the admin.
"""

import pytest
from playwright.sync_api import expect

from portal.org.demo import DEMO_PASSWORD, ENTERPRISE_PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Signing in with a TOTP code is tested in tests/accounts; here the password is enough."""
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The pages these journeys pass through cache their blocks; later tests must not see them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def staff_sign_in(page, login):
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("#user-tools")).to_be_visible()


def test_an_enterprise_user_signs_in_sees_the_enterprise_space_and_subscribes(page, enterprise_user):
    from policies.models import PolicySubscription

    page.goto("/accounts/login/")
    page.locator("input[name=phone]").fill(ENTERPRISE_PHONE)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/enterprise/")
    expect(page.locator("main")).to_contain_text("企业")
    page.goto("/policies/subscriptions/")
    page.locator("input[name=categories]").first.check()
    page.get_by_role("button", name="订阅").click()
    expect(page.get_by_role("button", name="取消订阅")).to_be_visible()
    subscription = PolicySubscription.objects.get(user=enterprise_user)
    assert subscription.categories.count() == 1


def test_a_window_clerk_finds_an_enterprise_and_reveals_its_contacts(page, staff):
    from portal.audit.models import SensitiveAccessLog
    from tests.factories.enterprises import EnterpriseFactory

    enterprise = EnterpriseFactory(name="宜昌浏览器测试科技有限公司", contact_phone="13711112222")
    staff_sign_in(page, "zwfw_clerk")
    page.goto("/admin/enterprises/enterprise/")
    page.locator("#searchbar").fill("宜昌浏览器")
    page.locator("#changelist-search input[type=submit]").click()
    page.get_by_role("link", name=enterprise.uscc).click()
    expect(page.locator("body")).not_to_contain_text("13711112222")
    page.get_by_role("link", name="显示完整联系方式").click()
    page.locator("[name=purpose]").fill("电话回访核实经营情况")
    page.locator("form [type=submit]").last.click()
    expect(page.locator("body")).to_contain_text("13711112222")
    assert SensitiveAccessLog.objects.filter(user=staff["zwfw_clerk"], object_id=str(enterprise.pk)).exists()


def test_a_supervisor_opens_the_sensitive_access_log(page, staff):
    from django.contrib.contenttypes.models import ContentType

    from portal.audit.models import SensitiveAccessLog
    from tests.factories.enterprises import EnterpriseFactory

    enterprise = EnterpriseFactory(name="宜昌督查测试有限公司")
    SensitiveAccessLog.objects.create(
        user=staff["zwfw_clerk"],
        content_type=ContentType.objects.get_for_model(enterprise),
        object_id=str(enterprise.pk),
        object_repr=str(enterprise),
        fields=["contact_phone"],
        purpose="电话回访",
    )
    staff_sign_in(page, "sjj_supervisor")
    page.get_by_role("link", name="敏感信息访问记录").first.click()
    expect(page.locator("#result_list")).to_contain_text("宜昌督查测试有限公司")
    expect(page.locator("#result_list")).to_contain_text("电话回访")


def test_the_platform_admin_enters_a_day_into_the_working_day_calendar(page, staff):
    import datetime as dt

    from portal.workcalendar.models import CalendarDay

    staff_sign_in(page, "platform_admin")
    banner = page.get_by_role("link", name="录入工作日历")
    if banner.count():  # from 1 November: next year's warning opens that year's entry page
        next_year = dt.date.today().year + 1
        banner.first.click()
        expect(page.locator("input[name=year]")).to_have_value(str(next_year))
        page.goto(page.url.split("/admin/")[0] + "/admin/")
    page.get_by_role("link", name="节假日与调休").first.click()
    page.locator(".object-tools a.addlink").click()
    page.locator("input[name=date]").fill("2031-10-01")
    page.locator("input[name=name]").fill("国庆节")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert CalendarDay.objects.get(date=dt.date(2031, 10, 1)).name == "国庆节"


def test_an_editor_adds_a_policy_with_an_interpretation(page, staff):
    from policies.models import Policy

    staff_sign_in(page, "kjj_editor")
    page.get_by_role("link", name="政策", exact=True).first.click()
    page.locator(".object-tools a.addlink").click()
    page.locator("input[name=title]").fill("宜昌市浏览器测试扶持办法")
    page.locator("input[name=issuing_authority]").fill("宜昌市人民政府")
    page.locator("select[name=level]").select_option("municipal")
    page.locator("select[name=region]").select_option(label="宜昌市")
    page.locator("select[name=lead_department]").select_option(label="宜昌市科学技术局")
    # The filter_horizontal selector speaks Chinese (its strings come from the JavaScript catalogue) …
    selector = page.locator(".selector").first
    expect(selector).to_contain_text("全选")
    expect(selector).not_to_contain_text("Choose all")
    expect(selector).not_to_contain_text("Remove all")
    # … and a category is picked by moving it from the left box to the right.
    page.locator("select#id_categories_from option").first.dblclick()
    page.locator("input[name=issue_date]").fill("2026-03-02")
    page.locator("input[name=effective_date]").fill("2026-03-02")
    page.locator("textarea[name=original_text]").fill("对首次认定的高新技术企业给予一次性奖励20万元。")
    page.locator("#interpretations-group .add-row a").click()
    page.locator("input[name='interpretations-0-title']").fill("一图读懂浏览器测试扶持办法")
    page.locator("textarea[name='interpretations-0-body']").fill("首次认定奖励20万元。")
    page.locator("textarea[name='interpretations-0-key_points']").fill("首次认定奖励20万元\n免申即享")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    policy = Policy.objects.get(title="宜昌市浏览器测试扶持办法")
    assert policy.status == Policy.Status.DRAFT
    assert policy.interpretations.get().key_points == ["首次认定奖励20万元", "免申即享"]
