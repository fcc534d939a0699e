"""Search suggestions (联想) under every search box: the header's, the home page's and the policy list's."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories.search import public_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def policy():
    cache.clear()
    yield public_policy(title="高新技术企业认定奖励办法")
    cache.clear()


def type_into(page, box_id: str, text: str):
    page.locator(f"#{box_id}").press_sequentially(text, delay=30)
    suggestions = page.locator(f"#{box_id}-suggestions")
    expect(suggestions).to_be_visible()
    return suggestions


def test_typing_in_the_header_box_shows_suggestions(page, policy):
    page.goto("/help/")
    suggestions = type_into(page, "site-search-q", "高新")
    expect(suggestions.get_by_role("link", name="高新技术企业", exact=True)).to_be_visible()
    expect(suggestions.get_by_role("link", name="高新技术企业认定奖励办法")).to_be_visible()
    assert page.locator("#site-search-q").get_attribute("aria-expanded") == "true"


def test_a_header_suggestion_leads_to_the_policy(page, policy):
    page.goto("/help/")
    type_into(page, "site-search-q", "高新").get_by_role("link", name="高新技术企业认定奖励办法").click()
    page.wait_for_url(f"**{policy.get_absolute_url()}")


def test_arrow_down_moves_from_the_header_box_into_the_suggestions(page):
    page.goto("/")
    type_into(page, "site-search-q", "高新")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('ul').id") == "site-search-q-suggestions"


def test_escape_closes_the_header_suggestions(page):
    page.goto("/")
    suggestions = type_into(page, "site-search-q", "高新")
    page.keyboard.press("Escape")
    expect(suggestions).to_be_hidden()


def test_typing_in_the_home_page_box_shows_suggestions(page):
    page.goto("/")
    suggestions = type_into(page, "home-q", "高新")
    expect(suggestions.get_by_role("link", name="高新技术企业", exact=True)).to_be_visible()


def test_the_policy_list_box_still_shows_suggestions(page):
    page.goto("/policies/")
    suggestions = type_into(page, "policy-q", "高新")
    expect(suggestions.get_by_role("link", name="高新技术企业", exact=True)).to_be_visible()


def test_header_suggestions_fit_a_phone(new_page):
    page = new_page(width=390, height=800)
    page.goto("/")
    suggestions = type_into(page, "site-search-q", "高新")
    box = suggestions.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
