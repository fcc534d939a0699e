"""Browser fixtures for everyone's end-to-end checks (Playwright's sync API, Debian's Chromium, live_server).

    @pytest.mark.browser
    def test_something(page, live_server):           # page: 1280x900, Chinese, base_url = live_server.url
        page.goto("/policies/")
        ...

    @pytest.mark.browser
    def test_on_a_phone(new_page):
        page = new_page(width=375, height=800)        # any size; more keyword arguments go to new_context()
        page.goto("/")

    @pytest.mark.browser
    def test_signed_in(page, login_as, user):         # user: any saved accounts.User
        login_as(page, user)
        page.goto("/enterprise/")

The browser starts once per test session; each page gets its own context (cookies, storage), closed after
the test. Tests using these fixtures run against live_server, so their database is a transactional one.
Never `playwright install`: the system's /usr/bin/chromium is used; the tests skip when it is missing.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# The demo accounts, one per role in a real department (see tests/backoffice/conftest.py).
from tests.backoffice.conftest import demo_org, enterprise_user, staff  # noqa: F401

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse the ORM calls
# that live_server and the fixtures make from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a fresh context: new_page(width=375, height=800, **context_options)."""
    contexts = []

    def open_page(width=1280, height=900, **options):
        options.setdefault("locale", "zh-CN")
        options.setdefault("timezone_id", settings.TIME_ZONE)
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page (1280x900, zh-CN) whose relative URLs go to live_server."""
    return new_page()


@pytest.fixture
def login_as(live_server):
    """Signs a user in for a page by giving its context a session cookie: login_as(page, user)."""

    def login(page, user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": live_server.url}]
        )

    return login
