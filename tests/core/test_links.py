"""Every link a visitor can follow from the header, footer, home, help and site map leads somewhere, never a 404."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.search import public_policy

pytestmark = pytest.mark.django_db

START_PAGES = ["/", "/help/", "/sitemap/", "/privacy/"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def internal_links(body: str) -> set[str]:
    parser = Links()
    parser.feed(body)
    links = set()
    for href in parser.hrefs:
        url = urldefrag(href).url
        parts = urlsplit(url)
        if not parts.scheme and not parts.netloc and url.startswith("/"):
            links.add(url)
    return links


def crawl(client: Client) -> dict[str, int]:
    """Status of every internal link found on the start pages (header, navigation, footer and body)."""
    found = set()
    for page in START_PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        found |= internal_links(response.content.decode())
    return {url: client.get(url).status_code for url in sorted(found)}


@pytest.fixture
def some_policies():
    public_policy(title="稳岗返还实施细则")


def test_no_link_leads_to_a_missing_page_for_a_visitor(client, some_policies):
    statuses = crawl(client)
    assert "/policies/" in statuses
    assert {url: status for url, status in statuses.items() if status == 404 or status >= 500} == {}


def test_no_link_leads_to_a_missing_page_for_a_signed_in_enterprise_user(client, some_policies):
    client.force_login(EnterpriseUserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    statuses = crawl(client)
    assert "/messages/" in statuses
    assert {url: status for url, status in statuses.items() if status == 404 or status >= 500} == {}


def test_no_link_leads_to_a_missing_page_in_english(client, some_policies):
    client.cookies["django_language"] = "en"
    statuses = crawl(client)
    assert {url: status for url, status in statuses.items() if status == 404 or status >= 500} == {}
