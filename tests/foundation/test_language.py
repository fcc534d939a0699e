"""Chinese by default, whatever the browser says; English only when the reader chooses it."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_language_switch_turns_the_portal_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx"
    assert 'lang="zh-hans"' in client.get("/").content.decode()
