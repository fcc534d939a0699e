"""Accessibility (无障碍/适老化) as a reader experiences it in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def body_font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")


def html_classes(page) -> list[str]:
    return page.evaluate("Array.from(document.documentElement.classList)")


def test_large_font_survives_a_reload(page):
    page.goto("/")
    normal = body_font_size(page)
    page.get_by_role("button", name="大", exact=True).click()
    # expect() polls with Playwright's own script; wait_for_function would eval a string, which CSP forbids.
    expect(page.locator("html")).to_have_class(re.compile(r"\bfont-large\b"))
    page.reload()
    assert "font-large" in html_classes(page)
    assert body_font_size(page) > normal


def test_small_font_is_smaller_than_the_default(page):
    page.goto("/")
    normal = body_font_size(page)
    page.get_by_role("button", name="小", exact=True).click()
    # expect() polls with Playwright's own script; wait_for_function would eval a string, which CSP forbids.
    expect(page.locator("html")).to_have_class(re.compile(r"\bfont-small\b"))
    page.reload()
    assert body_font_size(page) < normal


def test_font_size_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/help/")
    page.get_by_role("button", name="大", exact=True).click()
    page.wait_for_url("**/help/")
    assert "font-large" in html_classes(page)


def test_high_contrast_survives_a_reload(page):
    page.goto("/")
    page.get_by_role("button", name="高对比度").click()
    # expect() polls with Playwright's own script; wait_for_function would eval a string, which CSP forbids.
    expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-high\b"))
    page.reload()
    assert "contrast-high" in html_classes(page)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(255, 255, 0)"
    assert page.get_by_role("button", name="高对比度").get_attribute("aria-pressed") == "true"


def test_tab_reaches_the_skip_link_first_and_enter_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到主要内容"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_shows_the_menu_button_and_no_horizontal_scrollbar(new_page):
    page = new_page(width=375, height=800)
    page.goto("/")
    assert page.locator("summary.nav-button").is_visible()
    assert not page.get_by_role("navigation", name="主导航").get_by_role("link", name="政策", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_phone_menu_opens_the_navigation(new_page):
    page = new_page(width=375, height=800)
    page.goto("/")
    page.locator("summary.nav-button").click()
    assert page.get_by_role("navigation", name="主导航").get_by_role("link", name="政策", exact=True).is_visible()


def test_phone_in_large_font_has_no_horizontal_scrollbar(new_page, live_server):
    page = new_page(width=360, height=800)
    page.context.add_cookies([{"name": "a11y_font", "value": "large", "url": live_server.url}])
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_desktop_shows_the_navigation_bar_without_a_menu_button(page):
    page.goto("/")
    assert not page.locator("summary.nav-button").is_visible()
    assert page.get_by_role("navigation", name="主导航").get_by_role("link", name="政策", exact=True).is_visible()
