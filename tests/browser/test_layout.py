"""Every public and enterprise page fits a phone (390 px) without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from enterprises.models import CorrectionRequest
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseMemberFactory, QualificationFactory
from tests.factories.search import public_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390
PUBLIC_PAGES = ["/", "/policies/", "/policies/search/?q=稳岗", "/help/", "/sitemap/", "/privacy/", "/accounts/login/"]


@pytest.fixture
def member():
    """A legal representative whose space has every table filled: profile, figures, qualifications, corrections."""
    member = EnterpriseMemberFactory(
        enterprise__address="湖北省宜昌市西陵区夷陵大道一百九十二号宜昌三峡智造科技产业园区综合办公楼十二层"
    )
    enterprise = member.enterprise
    AnnualFigureFactory(enterprise=enterprise, year=2025, revenue_wan="123456789.12")
    AnnualFigureFactory(enterprise=enterprise, year=2024)
    QualificationFactory(enterprise=enterprise)
    CorrectionRequest.objects.create(
        enterprise=enterprise,
        user=member.user,
        field="address",
        proposed_value="宜昌市西陵区夷陵大道100号",
        reason="迁址",
    )
    return member


def overflow(page) -> dict:
    """How far the page and each table box are wider than what the reader sees (0 when they fit)."""
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth - window.innerWidth,
            tables: Array.from(document.querySelectorAll('.table-wrap')).map(w => w.scrollWidth - w.clientWidth),
        })"""
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages_do_not_scroll_sideways_on_a_phone(new_page, live_server, language):
    policy = public_policy(title="宜昌市稳岗返还实施细则")
    page = new_page(width=PHONE, height=800)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for url in [*PUBLIC_PAGES, policy.get_absolute_url()]:
        page.goto(url)
        assert overflow(page) == {"page": 0, "tables": []}, url


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_enterprise_pages_do_not_scroll_sideways_on_a_phone(new_page, login_as, live_server, member, language):
    page = new_page(width=PHONE, height=800)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    login_as(page, member.user)
    uscc = member.enterprise.uscc
    for url in [
        f"/enterprise/{uscc}/",
        f"/enterprise/{uscc}/members/",
        f"/enterprise/{uscc}/corrections/new/",
        "/messages/",
        "/policies/subscriptions/",
    ]:
        page.goto(url)
        result = overflow(page)
        assert result["page"] == 0, url
        assert all(extra == 0 for extra in result["tables"]), (url, result)


def test_the_profile_table_stacks_label_and_value_on_a_phone(new_page, login_as, member):
    page = new_page(width=PHONE, height=800)
    login_as(page, member.user)
    page.goto(f"/enterprise/{member.enterprise.uscc}/")
    row = page.locator("#profile tbody tr").first
    header, value = row.locator("th"), row.locator("td").first
    expect(header).to_have_text("企业名称")
    # stacked: the value sits below its label at the full width of the card, not in a squeezed column
    assert value.bounding_box()["y"] > header.bounding_box()["y"]
    assert value.bounding_box()["width"] > PHONE / 2


def test_the_profile_table_keeps_its_columns_on_a_desktop(new_page, login_as, member):
    page = new_page(width=1366, height=900)
    login_as(page, member.user)
    page.goto(f"/enterprise/{member.enterprise.uscc}/")
    row = page.locator("#profile tbody tr").first
    assert row.locator("td").first.bounding_box()["y"] == row.locator("th").bounding_box()["y"]
    assert page.locator("#profile thead").is_visible()


def line_height(locator) -> float:
    return float(
        locator.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || e.getBoundingClientRect().height")
    )


def test_a_popular_search_term_is_never_split_across_lines(new_page, live_server):
    page = new_page(width=PHONE, height=800)
    page.goto("/")
    for link in page.locator(".hero-hints a").all():
        assert link.bounding_box()["height"] < 1.5 * line_height(link), link.text_content()


def test_dates_and_badges_keep_their_shape_in_a_stacked_table(new_page, login_as, member):
    page = new_page(width=PHONE, height=800)
    login_as(page, member.user)
    page.goto(f"/enterprise/{member.enterprise.uscc}/")
    dates = page.locator("#qualifications .nowrap").all()
    assert dates
    for date in dates:
        assert date.bounding_box()["height"] < 1.5 * line_height(date), date.text_content()
    badge = page.locator("#qualifications td .badge").first
    cell = page.locator("#qualifications td:has(.badge)").first
    assert badge.bounding_box()["width"] < cell.bounding_box()["width"] / 2


@pytest.mark.parametrize("width", [PHONE, 1366])
def test_no_line_of_the_enterprise_header_starts_with_a_separator(new_page, login_as, member, width):
    page = new_page(width=width, height=800)
    login_as(page, member.user)
    page.goto(f"/enterprise/{member.enterprise.uscc}/")
    items = page.locator(".page-header .item-meta > *").all()
    assert len(items) == 4
    # the "·" ends the item before it (::after), so whichever item wraps to a new line starts with its own text
    assert all(i.evaluate("e => getComputedStyle(e, '::before').content") in ("none", "normal") for i in items)
    assert all(i.evaluate("e => getComputedStyle(e, '::after').content") == '"·"' for i in items[:-1])


@pytest.mark.parametrize("width", [PHONE, 1366])
def test_the_policy_page_buttons_keep_clear_of_the_first_field(new_page, login_as, member, width):
    policy = public_policy(title="宜昌市稳岗返还实施细则")
    page = new_page(width=width, height=800)
    login_as(page, member.user)
    page.goto(policy.get_absolute_url())
    buttons = page.locator(".policy-actions").bounding_box()
    first_field = page.locator(".policy-detail dt").first.bounding_box()
    assert first_field["y"] >= buttons["y"] + buttons["height"] + 8


def test_a_form_error_above_the_form_shows_one_symbol_on_the_messages_line(
    new_page, login_as, live_server, monkeypatch
):
    from tests.factories.accounts import EnterpriseUserFactory
    from tests.factories.enterprises import EnterpriseFactory

    monkeypatch.setattr("portal.accounts.verification.generate_code", lambda: "135790")
    enterprise = EnterpriseFactory(legal_rep_name="刘敏", registered_phone="13907170001")
    page = new_page(width=PHONE, height=800)
    login_as(page, EnterpriseUserFactory())
    page.goto("/enterprise/claim/")
    page.fill("#id_uscc", enterprise.uscc)
    page.fill("#id_legal_rep_name", "刘敏")
    page.get_by_role("button", name="发送验证码").click()
    page.fill("#id_code", "111111")
    page.get_by_role("button", name="确认认领").click()

    alert = page.locator(".alert-error").first
    expect(alert).to_contain_text("验证码")
    message = alert.locator(".errorlist li").first
    assert message.evaluate("e => getComputedStyle(e, '::before').content") in ("none", "normal")
    # the alert's ✖ and the message share the first line
    assert abs(message.bounding_box()["y"] - alert.bounding_box()["y"]) < 2 * line_height(message)
