"""A policy is found whichever script it or the query is written in; bracketed official terms by their plain form."""

import pytest

from portal.search import query, segment
from tests.factories.search import public_policy

pytestmark = pytest.mark.django_db


def titles(results):
    return [hit.document.title for hit in results[0:20]]


@pytest.fixture
def traditional():
    """无锡's rules are published in traditional characters."""
    return public_policy(
        title="無錫市惠企政策直達快享實施辦法",
        original_text="<p>為進一步優化無錫市營商環境，對高新技術企業給予獎勵。</p>",
        summary="",
    )


def test_a_simplified_query_finds_a_traditional_document(traditional):
    assert titles(query.search("无锡")) == [traditional.title]


def test_the_traditional_query_still_finds_it(traditional):
    assert titles(query.search("無錫")) == [traditional.title]


def test_a_traditional_query_finds_a_simplified_document():
    policy = public_policy(title="高新技术企业认定奖励办法", original_text="<p>对高新技术企业给予奖励。</p>")

    assert titles(query.search("高新技術企業")) == [policy.title]


def test_highlights_mark_the_traditional_words_of_the_original(traditional):
    hit = query.search("无锡")[0]

    assert "<mark>無錫</mark>" in hit.title_html
    assert "<mark>無錫</mark>" in hit.snippet_html
    assert "无锡" not in hit.snippet_html


@pytest.mark.parametrize("written", ["首台(套)", "首台（套）"])
def test_a_bracketed_official_term_is_found_by_the_dictionary_term(written):
    policy = public_policy(
        title="重大技术装备推广应用办法", original_text=f"<p>对{written}重大技术装备给予保险补偿。</p>", summary=""
    )

    results = query.search("首台套")

    assert titles(results) == [policy.title]
    assert f"<mark>{written}" in results[0].snippet_html


def test_a_query_typed_with_brackets_finds_the_plain_term():
    policy = public_policy(title="首台套重大技术装备保险补偿办法", original_text="<p>首台套。</p>", summary="")

    assert titles(query.search("首台（套）")) == [policy.title]


def test_brackets_that_do_not_complete_a_dictionary_term_stay():
    assert segment.normalise("每户(人)补贴") == "每户(人)补贴"


def test_traditional_text_is_indexed_in_simplified():
    assert "无锡" in segment.index_tokens("無錫市")


def test_the_search_page_shows_the_query_as_typed_and_finds_the_document(traditional, client):
    content = client.get("/policies/search/", {"q": "无锡"}).content.decode()

    assert 'value="无锡"' in content
    assert "<mark>無錫</mark>" in content
    assert 'value="無錫"' in client.get("/policies/search/", {"q": "無錫"}).content.decode()
