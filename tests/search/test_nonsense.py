"""Nonsense queries find nothing and say so, with suggestions; the fallback never rests on one character or a stop word.

Run over the 43 demo policies, as a visitor meets them.
"""

from urllib.parse import quote

import pytest

from policies import demo
from policies.models import Policy
from portal.org import demo as org_demo
from portal.search import index, query

pytestmark = pytest.mark.django_db

PARTIAL = "以下结果包含其中部分关键词"


@pytest.fixture
def demo_policies():
    org_demo.load()
    demo.load()
    index.reindex(Policy)


def page(client, q):
    return client.get("/policies/search/", {"q": q}).content.decode()


def test_a_word_that_no_policy_holds_finds_nothing_rather_than_every_policy(demo_policies, client):
    results = query.search("xyzzy不存在的词")

    assert results.total == 0
    content = page(client, "xyzzy不存在的词")
    assert PARTIAL not in content
    assert "没有找到相关政策" in content


def test_mars_base_finds_nothing_rather_than_every_base(demo_policies):
    assert query.search("基地").total > 0

    assert query.search("火星基地").total == 0


def test_when_nothing_fits_the_page_offers_searches_that_find_something(demo_policies, client):
    results = query.search("火星基地")

    assert results.suggestions
    assert all(query.search(s["query"]).total == s["count"] for s in results.suggestions)
    content = page(client, "火星基地")
    assert "您可以试试这些关键词" in content
    assert f'href="?q={quote(results.suggestions[0]["query"])}"' in content


def test_a_query_word_that_finds_something_alone_is_suggested_first(demo_policies):
    results = query.search("高新技术企业火星移民")

    assert results.total == 0
    assert results.suggestions[0]["query"] == "高新技术企业"


def test_single_characters_and_stop_words_never_carry_the_fallback():
    parsed = query.parse("xyzzy不存在的词")

    assert [[t.word for t in clause] for clause in parsed.fallback_clauses] == [["xyzzy", "存在"]]
    assert not parsed.can_broaden or "'不'" not in parsed.tsquery("|")


def test_a_long_phrase_may_miss_one_word_and_still_be_shown_as_partial(demo_policies):
    results = query.search("高新技术企业认定奖励火星")

    assert results.broadened
    assert results.total > 0
